// Language names for codes (the browser knows them: Intl.DisplayNames), e.g. "es" -> "Spanish".
const names = typeof Intl !== "undefined" && "DisplayNames" in Intl ? new Intl.DisplayNames(["en"], { type: "language" }) : null;

/** Just the name ("Spanish"), for lists where the codes would be noise. */
export function languageShort(code: string): string {
  try {
    return names?.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Codes in the order of their names, as people look for them. */
export function byLanguageName(codes: readonly string[]): string[] {
  return [...codes].sort((a, b) => languageShort(a).localeCompare(languageShort(b)));
}

export function languageName(code: string): string {
  try {
    const n = names?.of(code);
    return n && n !== code ? `${n} (${code})` : code;
  } catch {
    return code;
  }
}
