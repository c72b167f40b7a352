// The PM's language-QC board: every job at LANGUAGE_QC x its translated languages, with each
// language's status and assignee; assign or reassign an active linguist of the job's organisation.
import { useState } from "preact/hooks";
import { api, errorText, type Job, type Schemas } from "../../api/client";
import { announce, useStore } from "../../app/store";
import { languageName } from "../../app/languages";
import { statusWords } from "../../app/format";
import { Link } from "../../components/Link";
import { useOrgReload } from "./useOrgReload";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";
import { allPages, useLoad } from "../../app/pagedList";

type LangQc = Schemas["LanguageQc"];
type Person = Schemas["User"];
type Row = { job: Job; languages: LangQc[] };

const LANG_STATUS: Record<string, string> = {
  PENDING: "Waiting for a linguist",
  ASSIGNED: "Assigned",
  APPROVED: "Approved",
  REJECTED: "Rejected",
};

type Entry = Partial<Pick<LangQc, "status" | "assignee" | "assignee_email" | "rejection_reason" | "history" | "feedback">>;

/** The translated languages of a job as GET /jobs/{id}/language-qc lists them, read from the job
 * itself (shared.services.language_qc.entry_view): every requested output but the source, in
 * order, "Waiting for a linguist" where the job has no entry yet. */
export function languagesOf(job: Job): LangQc[] {
  const states = (job.language_qc ?? {}) as Record<string, Entry | undefined>;
  return job.requested_outputs
    .filter((lang) => lang !== job.source_language)
    .map((lang) => {
      const e = states[lang] ?? {};
      return {
        job_id: job._id,
        lang,
        status: e.status ?? "PENDING",
        assignee: e.assignee ?? null,
        assignee_email: e.assignee_email ?? null,
        rejection_reason: e.rejection_reason ?? null,
        history: e.history ?? [],
        feedback: e.feedback ?? [],
      };
    });
}

/** Active LINGUISTs of `org` (a PM reads their members; an ADMIN the user list). */
export async function linguistsOf(org: string, role: string): Promise<Person[]> {
  const out: Person[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page =
      role === "ADMIN"
        ? await api.get("/api/v1/admin/users", { query: { org_id: org, role: "LINGUIST", status: "active", limit: 100, cursor } })
        : await api.get("/api/v1/organizations/{id}/members", { path: { id: org }, query: { limit: 100, cursor } });
    out.push(...page.items.filter((u) => u.role === "LINGUIST" && u.status === "active"));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out.sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

export function LanguageQcBoardScreen() {
  const session = useStore((s) => s.session);
  const role = session?.user.role ?? "";
  const [choice, setChoice] = useState<Record<string, string>>({});
  const [find, setFind] = useState("");
  const [show, setShow] = useState("");
  const [actionError, setError] = useState("");
  const board = useLoad(async () => {
    const jobs = await allPages<Job>((cursor) => api.get("/api/v1/jobs", { query: { status: "LANGUAGE_QC", limit: 100, cursor } }));
    // Each job of the list carries its `language_qc`: the board needs no request per job.
    const rows: Row[] = jobs.map((job) => ({ job, languages: languagesOf(job) }));
    const orgs = Array.from(new Set(jobs.map((j) => j.org_id).filter((o): o is string => !!o)));
    const linguists: Record<string, Person[]> = {};
    await Promise.all(orgs.map(async (o) => (linguists[o] = await linguistsOf(o, role))));
    return { rows, linguists };
  }, []);
  const rows = board.data?.rows ?? [];
  const linguists = board.data?.linguists ?? {};
  const loading = board.loading;
  const error = actionError || board.error;

  // Live: a job entering or leaving language review, or a language changing, reloads the board.
  const orgs = [session?.user.org_id, ...rows.map((r) => r.job.org_id)].filter((o): o is string => !!o);
  // Only what concerns the board: a job entering or on it, or a language event (not, say, another
  // job's upload check), so a busy organisation does not reload it, or talk, all the time.
  useOrgReload(orgs, (m) => {
    const onBoard = rows.some((r) => r.job._id === m.job_id);
    if (m.type === "job_status_update" && m.status !== "LANGUAGE_QC" && !onBoard) return;
    board.reload();
    if (m.type === "job_status_update" && m.status) {
      const title = rows.find((r) => r.job._id === m.job_id)?.job.title;
      announce(`${title ? `${title}` : "A job"} is now at ${statusWords(m.status).toLowerCase()}. The board was updated.`);
    }
  });
  const needle = find.trim().toLowerCase();
  const all = rows.flatMap(({ job, languages }) => languages.map((l) => ({ job, l })));
  const shown = all.filter(({ job, l }) => (!show || l.status === show) && (!needle || (job.title || "Untitled job").toLowerCase().includes(needle) || languageName(l.lang).toLowerCase().includes(needle)));
  const count = (st: string) => all.filter(({ l }) => l.status === st).length;

  async function assign(job: Job, lang: string) {
    const key = `${job._id}:${lang}`;
    const linguist = choice[key];
    if (!linguist) {
      setError(`Choose a linguist for ${languageName(lang)} of “${job.title || "Untitled job"}” first.`);
      return;
    }
    try {
      const entry = await api.post("/api/v1/jobs/{id}/language-qc/{lang}/assign", { path: { id: job._id, lang }, body: { linguist_id: linguist } });
      board.setData((d) => d && { ...d, rows: d.rows.map((r) => (r.job._id !== job._id ? r : { ...r, languages: r.languages.map((l) => (l.lang === lang ? entry : l)) })) });
      setError("");
      announce(`${languageName(lang)} of ${job.title || "Untitled job"} assigned to ${entry.assignee_email || "the linguist"}.`);
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <section>
      <div class="title-row">
        <h1 tabIndex={-1}>Language review board</h1>
        <button type="button" class="button secondary" onClick={board.reload}>
          Refresh
        </button>
      </div>
      <p class="hint">Jobs waiting for language review, one row per language. Assign each language to an active linguist of the job's organisation; reassigning hands it to someone else.</p>
      <ErrorBanner error={error} retry={board.error && !actionError ? board.reload : undefined} />
      {all.length > 0 && (
        <>
          <p>
            {all.length} {all.length === 1 ? "language" : "languages"} in review: {count("PENDING")} waiting for a linguist, {count("ASSIGNED")} assigned, {count("REJECTED")} sent back, {count("APPROVED")} approved.
          </p>
          <form class="filters" role="search" aria-label="Filter the board" onSubmit={(e) => e.preventDefault()}>
            <span class="filter">
              <label for="board-find">Job title or language</label>
              <input id="board-find" type="search" value={find} autoComplete="off" onInput={(e) => setFind(e.currentTarget.value)} />
            </span>
            <span class="filter">
              <label for="board-show">Show</label>
              <select id="board-show" value={show} onChange={(e) => setShow(e.currentTarget.value)}>
                <option value="">Every language</option>
                <option value="PENDING">Waiting for a linguist</option>
                <option value="ASSIGNED">Assigned</option>
                <option value="REJECTED">Sent back (reassign)</option>
                <option value="APPROVED">Approved</option>
              </select>
            </span>
          </form>
          {(needle || show) && (
            <p class="muted">
              Showing {shown.length} of {all.length}.
            </p>
          )}
        </>
      )}
      <DataTable
        caption={`Languages in review`}
        columns={["Job", "Language", "Status", "Assignee", "Assign"]}
        busy={loading}
        rowCount={shown.length}
        empty={error ? null : all.length ? "No language matches the filter." : "No job is waiting for language review."}
      >
        {shown.map(({ job, l }) => {
            const key = `${job._id}:${l.lang}`;
            const people = linguists[job.org_id ?? ""] ?? [];
            const title = job.title || "Untitled job";
            const selectId = `assign-${job._id}-${l.lang}`;
            return (
              <tr key={key} data-job-id={job._id} data-lang={l.lang}>
                <td>
                  <Link href={`/jobs/${job._id}`}>{title}</Link>
                </td>
                <td>
                  <Link href={`/jobs/${job._id}/review/${l.lang}`}>{languageName(l.lang)}</Link>
                </td>
                <td>
                  <span class={`tag tag-${l.status === "APPROVED" ? "ok" : l.status === "REJECTED" ? "fail" : l.status === "ASSIGNED" ? "wait" : "act"}`}>{LANG_STATUS[l.status] ?? l.status}</span>
                  {l.status === "REJECTED" && l.rejection_reason && <p class="user-text">Reason: {l.rejection_reason}</p>}
                </td>
                <td>{l.assignee_email || (l.assignee ? l.assignee : <span class="muted">Nobody yet</span>)}</td>
                <td>
                  {l.status === "APPROVED" ? (
                    <span class="muted">Done</span>
                  ) : people.length ? (
                    <div class="inline-form">
                      <label class="visually-hidden" for={selectId}>
                        Linguist for {languageName(l.lang)} of {title}
                      </label>
                      <select id={selectId} value={choice[key] ?? ""} onChange={(e) => setChoice({ ...choice, [key]: e.currentTarget.value })}>
                        <option value="">Choose a linguist</option>
                        {people.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.name ? `${p.name} (${p.email})` : p.email}
                          </option>
                        ))}
                      </select>
                      <button type="button" class="button small" onClick={() => assign(job, l.lang)}>
                        {l.assignee ? "Reassign" : "Assign"}
                        <span class="visually-hidden">
                          {" "}
                          {languageName(l.lang)} of {title}
                        </span>
                      </button>
                    </div>
                  ) : (
                    <span class="muted">No active linguist in this organisation: invite one first.</span>
                  )}
                </td>
              </tr>
            );
          })}
      </DataTable>
    </section>
  );
}
