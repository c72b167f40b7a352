// One glossary: its terms (add, delete), CSV export and CSV import (each row added as a term;
// rows the API refuses are listed with its reason, the others are kept).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import type { ScreenProps } from "../../app/router";
import { announce, useStore } from "../../app/store";
import { navigate } from "../../app/router";
import { languageName } from "../../app/languages";
import { Link } from "../../components/Link";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { csvToTerms, termsToCsv } from "./csv";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";

type Glossary = Schemas["Glossary"];
type Term = Schemas["Term"];

export function GlossaryScreen({ params }: ScreenProps) {
  const id = params.id;
  const admin = useStore((s) => s.session?.user.role === "ADMIN");
  const [g, setG] = useState<Glossary | null>(null);
  const [error, setError] = useState("");
  const [form, setForm] = useState({ source: "", target_language: "", target: "", case_sensitive: false, note: "" });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [importReport, setImportReport] = useState<{ added: number; problems: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api
      .get("/api/v1/glossaries/{id}", { path: { id } })
      .then(setG)
      .catch((e) => setError(errorText(e)));
  }, [id]);

  async function add(e: Event) {
    e.preventDefault();
    const errs: FieldError[] = [];
    if (!form.source.trim()) errs.push({ field: "term-source", text: "Enter the source term" });
    if (!form.target_language.trim()) errs.push({ field: "term-lang", text: "Enter the target language, for example es" });
    if (!form.target.trim()) errs.push({ field: "term-target", text: "Enter the translation" });
    setErrors(errs);
    if (errs.length) return;
    try {
      const saved = await api.post("/api/v1/glossaries/{id}/terms", {
        path: { id },
        body: { source: form.source.trim(), target_language: form.target_language.trim(), target: form.target.trim(), case_sensitive: form.case_sensitive, note: form.note.trim() || null },
      });
      setG(saved);
      setForm({ ...form, source: "", target: "", note: "" });
      announce(`Term ${form.source.trim()} added.`);
    } catch (err) {
      setErrors([{ field: "term-source", text: errorText(err) }]);
    }
  }

  async function remove(t: Term) {
    try {
      await api.delete("/api/v1/glossaries/{id}/terms/{term_id}", { path: { id, term_id: t.id } });
      setG((cur) => (cur ? { ...cur, terms: cur.terms.filter((x) => x.id !== t.id) } : cur));
      announce(`Term ${t.source} deleted.`);
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function makeDefault() {
    try {
      const saved = await api.put("/api/v1/glossaries/{id}", { path: { id }, body: { is_default: true } as Schemas["GlossaryUpdate"] });
      setG(saved);
      announce(`${saved.name} is now the organisation's default glossary.`);
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function removeGlossary() {
    if (!g || !window.confirm(`Delete the glossary ${g.name} and its ${g.terms.length} terms?`)) return;
    try {
      await api.delete("/api/v1/glossaries/{id}", { path: { id } });
      announce(`Glossary ${g.name} deleted.`);
      navigate(`/admin/glossaries?org=${g.org_id}`, true);
    } catch (err) {
      setError(errorText(err));
    }
  }

  function exportCsv() {
    if (!g) return;
    const blob = new Blob([termsToCsv(g.terms)], { type: "text/csv;charset=utf-8" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${g.name.replace(/[^\w.-]+/g, "_") || "glossary"}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    announce(`Exported ${g.terms.length} terms.`);
  }

  async function importCsv(e: Event) {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    if (!file) {
      setImportReport({ added: 0, problems: ["Choose a CSV file first."] });
      return;
    }
    setBusy(true);
    const { terms, problems } = csvToTerms(await file.text());
    let added = 0;
    let latest: Glossary | null = null;
    for (const t of terms) {
      try {
        latest = await api.post("/api/v1/glossaries/{id}/terms", { path: { id }, body: t });
        added++;
      } catch (err) {
        problems.push(`“${t.source}” → ${t.target_language}: ${errorText(err)}`);
      }
    }
    if (latest) setG(latest);
    setBusy(false);
    setImportReport({ added, problems });
    announce(`Imported ${added} of ${terms.length} terms${problems.length ? `; ${problems.length} problems listed` : ""}.`);
    if (fileRef.current) fileRef.current.value = "";
  }

  return (
    <section>
      <p>
        <Link href={g ? `/admin/glossaries?org=${g.org_id}` : "/admin/glossaries"}>Glossaries</Link>
      </p>
      <h1 tabIndex={-1}>{g ? g.name : "Glossary"}</h1>
      <ErrorBanner error={error} />
      {g && (
        <>
          {g.description && <p class="user-text">{g.description}</p>}
          <p>
            Source language: {languageName(g.source_language)}. {g.terms.length} terms.{g.is_default ? " The organisation's default glossary." : ""}
          </p>
          <div class="actions">
            <button type="button" class="button secondary" onClick={exportCsv}>
              Export CSV
            </button>
            {admin && !g.is_default && (
              <button type="button" class="button secondary" onClick={makeDefault}>
                Make default
              </button>
            )}
            {admin && (
              <button type="button" class="button warning" onClick={removeGlossary}>
                Delete glossary
              </button>
            )}
          </div>
          <DataTable
            caption={`Terms`}
            columns={["Source", "Language", "Translation", "Match case", "Note", ...(admin ? ["Delete"] : [])]}
            rowCount={g.terms.length}
            empty={"No terms yet."}
          >
            {g.terms.map((t) => (
              <tr key={t.id}>
                <td class="user-text">{t.source}</td>
                <td>{t.target_language}</td>
                <td class="user-text">{t.target}</td>
                <td>{t.case_sensitive ? "Yes" : "No"}</td>
                <td class="user-text">{t.note ?? ""}</td>
                {admin && (
                  <td>
                    <button type="button" class="button small warning" onClick={() => remove(t)}>
                      Delete<span class="visually-hidden"> {t.source} ({t.target_language})</span>
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </DataTable>
          {admin && (
            <>
              <h2>Add a term</h2>
              <form class="narrow" onSubmit={add} noValidate>
                <ErrorSummary errors={errors} />
                <div class="field">
                  <label for="term-source">Source term</label>
                  <input id="term-source" type="text" maxLength={500} value={form.source} onInput={(e) => setForm({ ...form, source: e.currentTarget.value })} />
                </div>
                <div class="field">
                  <label for="term-lang">Target language (for example es)</label>
                  <input id="term-lang" type="text" value={form.target_language} onInput={(e) => setForm({ ...form, target_language: e.currentTarget.value })} />
                </div>
                <div class="field">
                  <label for="term-target">Translation</label>
                  <input id="term-target" type="text" maxLength={500} value={form.target} onInput={(e) => setForm({ ...form, target: e.currentTarget.value })} />
                </div>
                <div class="checkbox">
                  <input id="term-case" type="checkbox" checked={form.case_sensitive} onChange={(e) => setForm({ ...form, case_sensitive: e.currentTarget.checked })} />
                  <label for="term-case">Match case</label>
                </div>
                <div class="field">
                  <label for="term-note">Note (optional)</label>
                  <input id="term-note" type="text" maxLength={1000} value={form.note} onInput={(e) => setForm({ ...form, note: e.currentTarget.value })} />
                </div>
                <button type="submit" class="button">
                  Add term
                </button>
              </form>
              <h2>Import terms from CSV</h2>
              <form class="narrow" onSubmit={importCsv}>
                <p class="hint" id="csv-hint">
                  A header row with the columns source, target_language, target and optionally case_sensitive (true or false) and note; each row is added as a term.
                </p>
                <div class="field">
                  <label for="csv-file">CSV file</label>
                  <input id="csv-file" type="file" accept=".csv,text/csv" ref={fileRef} aria-describedby="csv-hint" />
                </div>
                <button type="submit" class="button" disabled={busy}>
                  {busy ? "Importing…" : "Import CSV"}
                </button>
              </form>
              {importReport && (
                <div class={`banner ${importReport.problems.length ? "error" : "ok"}`} role="status">
                  <p>Added {importReport.added} terms.</p>
                  {importReport.problems.length > 0 && (
                    <ul>
                      {importReport.problems.map((p, i) => (
                        <li key={i}>{p}</li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
