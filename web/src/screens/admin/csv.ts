// Glossary terms as CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends).
// Columns: source,target_language,target,case_sensitive,note (a header row is required).
export type CsvTerm = { source: string; target_language: string; target: string; case_sensitive: boolean; note: string | null };
export const CSV_COLUMNS = ["source", "target_language", "target", "case_sensitive", "note"] as const;

function quote(v: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: prefix a quote mark (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) || safe !== v ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function termsToCsv(terms: CsvTerm[]): string {
  const rows = [CSV_COLUMNS.join(",")];
  for (const t of terms) rows.push([t.source, t.target_language, t.target, t.case_sensitive ? "true" : "false", t.note ?? ""].map(quote).join(","));
  return rows.join("\r\n") + "\r\n";
}

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/** Terms from CSV text, or the problems found (line numbers count the header as line 1). */
export function csvToTerms(text: string): { terms: CsvTerm[]; problems: string[] } {
  const rows = parseCsv(text);
  const problems: string[] = [];
  if (!rows.length) return { terms: [], problems: ["The file is empty."] };
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const at = (name: string) => header.indexOf(name);
  for (const need of ["source", "target_language", "target"]) {
    if (at(need) < 0) problems.push(`The header row has no “${need}” column (expected: ${CSV_COLUMNS.join(",")}).`);
  }
  if (problems.length) return { terms: [], problems };
  const terms: CsvTerm[] = [];
  rows.slice(1).forEach((r, i) => {
    const get = (name: string) => (at(name) >= 0 ? (r[at(name)] ?? "").trim() : "");
    const line = i + 2;
    const source = get("source").replace(/^'(?=[=+\-@])/, "");
    const target = get("target").replace(/^'(?=[=+\-@])/, "");
    const lang = get("target_language");
    if (!source || !target || !lang) {
      problems.push(`Line ${line}: source, target_language and target are all needed.`);
      return;
    }
    const cs = get("case_sensitive").toLowerCase();
    terms.push({ source, target_language: lang, target, case_sensitive: ["true", "yes", "1"].includes(cs), note: get("note").replace(/^'(?=[=+\-@])/, "") || null });
  });
  return { terms, problems };
}
