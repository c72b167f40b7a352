// The audit log (ADMIN: everything; PM: their organisation), filtered by actor, action,
// target and a time range, newest first with cursor paging.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { when } from "../../app/format";

type Entry = Schemas["AuditEntry"];
type Filters = { actor: string; action: string; target: string; since: string; until: string };
const EMPTY: Filters = { actor: "", action: "", target: "", since: "", until: "" };

/** A datetime-local value ("2026-12-01T10:00") as an ISO 8601 instant in the browser's zone. */
function iso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function AuditScreen() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [items, setItems] = useState<Entry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const page = cursors.length - 1;

  useEffect(() => {
    setLoading(true);
    api
      .get("/api/v1/admin/audit-log", {
        query: {
          actor: filters.actor.trim() || undefined,
          action: filters.action.trim() || undefined,
          target: filters.target.trim() || undefined,
          since: iso(filters.since),
          until: iso(filters.until),
          limit: 50,
          cursor: cursors[page] ?? undefined,
        },
      })
      .then((l) => {
        setItems(l.items);
        setNext(l.next_cursor ?? null);
        setError("");
      })
      .catch((e) => setError(errorText(e)))
      .finally(() => setLoading(false));
  }, [filters, cursors]);

  const field = (key: keyof Filters, label: string, type = "text") => (
    <div class="field">
      <label for={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type} value={draft[key]} onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
    </div>
  );
  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <form
        class="audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
          setCursors([null]);
        }}
      >
        {field("action", "Action (for example auth.login)")}
        {field("actor", "Actor user id")}
        {field("target", "Target id")}
        {field("since", "From", "datetime-local")}
        {field("until", "Until", "datetime-local")}
        <div class="filter-buttons">
          <button type="submit" class="button">
            Apply filters
          </button>
          <button
            type="button"
            class="button secondary"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setCursors([null]);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      <table class="table" aria-busy={loading ? "true" : "false"}>
        <caption class="visually-hidden">Audit entries, page {page + 1}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{when(a.time)}</td>
              <td>
                <code>{a.action}</code>
              </td>
              <td>
                <button
                  type="button"
                  class="linklike"
                  disabled={!a.actor}
                  onClick={() => {
                    const f = { ...draft, actor: a.actor ?? "" };
                    setDraft(f);
                    setFilters(f);
                    setCursors([null]);
                  }}
                >
                  <span class="visually-hidden">Show only actor</span>{" "}
                  {a.actor ?? "—"}
                </button>
              </td>
              <td>{a.target ?? ""}</td>
              <td>
                <span class={`tag tag-${a.outcome === "success" ? "ok" : "fail"}`}>
                  {a.outcome === "success" ? "Succeeded" : "Failed"} ({a.status})
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && !items.length && !error && <p>No entries match.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="button secondary" disabled={page === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {page + 1}</span>
        <button type="button" class="button secondary" disabled={!next} onClick={() => setCursors([...cursors, next])}>
          Next page
        </button>
      </nav>
    </section>
  );
}
