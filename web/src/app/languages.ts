// Language names for codes (the browser knows them: Intl.DisplayNames), e.g. "es" -> "Spanish".
const names = typeof Intl !== "undefined" && "DisplayNames" in Intl ? new Intl.DisplayNames(["en"], { type: "language" }) : null;

export function languageName(code: string): string {
  try {
    const n = names?.of(code);
    return n && n !== code ? `${n} (${code})` : code;
  } catch {
    return code;
  }
}
