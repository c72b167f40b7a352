// The audit log (ADMIN: everything; PM: their organisation), filtered by actor, action,
// target and a time range, newest first with cursor paging.
import { useEffect, useState } from "preact/hooks";
import { useStore } from "../../app/store";
import { api, type Schemas } from "../../api/client";
import { usePagedList } from "../../app/pagedList";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { ErrorBanner } from "../../components/Banner";
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

/** Email addresses of the people this admin can list (ADMIN: everyone; PM: their organisation),
 * so the log names people rather than ids. Ids nobody can resolve stay as they are. */
function usePeopleNames(): Record<string, string> {
  const me = useStore((s) => s.session?.user);
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!me) return;
    (async () => {
      const found: Record<string, string> = {};
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const l =
          me.role === "ADMIN"
            ? await api.get("/api/v1/admin/users", { query: { limit: 100, cursor } })
            : me.org_id
              ? await api.get("/api/v1/organizations/{id}/members", { path: { id: me.org_id }, query: { limit: 100, cursor } })
              : null;
        if (!l) break;
        for (const u of l.items) found[u.id] = u.email;
        setNames({ ...found });
        if (!l.next_cursor) break;
        cursor = l.next_cursor;
      }
    })().catch(() => undefined); // names are a help; the log shows ids without them
  }, [me?.id]);
  return names;
}

export function AuditScreen() {
  const names = usePeopleNames();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const list = usePagedList<Entry>(
    (cursor, signal) =>
      api.get("/api/v1/admin/audit-log", {
        query: {
          actor: filters.actor.trim() || undefined,
          action: filters.action.trim() || undefined,
          target: filters.target.trim() || undefined,
          since: iso(filters.since),
          until: iso(filters.until),
          limit: 50,
          cursor,
        },
        signal,
      }),
    [filters],
  );
  const { items, error, loading, pages } = list;

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
        }}
      >
        {field("action", "Action (for example auth.login)")}
        {field("actor", "Actor user id (or choose a person in the log)")}
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
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorBanner error={error} />
      <DataTable
        caption={`Audit entries, page ${pages.page + 1}`}
        columns={["Time", "Action", "Actor", "Target", "Outcome"]}
        busy={loading}
        rowCount={items.length}
        empty={error ? null : "No entries match."}
      >
          {items.map((a) => (
            <tr key={a.id}>
              <td class="when">{when(a.time)}</td>
              <td>
                <code>{a.action}</code>
              </td>
              <td>
                {a.actor ? (
                  <button
                    type="button"
                    class="linklike"
                    onClick={() => {
                      const f = { ...draft, actor: a.actor ?? "" };
                      setDraft(f);
                      setFilters(f);
                    }}
                  >
                    <span class="visually-hidden">Show only actor</span> {names[a.actor] ?? a.actor}
                  </button>
                ) : (
                  <span class="muted">nobody signed in</span>
                )}
              </td>
              <td>{a.target ? (names[a.target] ?? a.target) : ""}</td>
              <td>
                <span class={`tag tag-${a.outcome === "success" ? "ok" : "fail"}`}>
                  {a.outcome === "success" ? "Succeeded" : "Failed"} ({a.status})
                </span>
              </td>
            </tr>
          ))}
      </DataTable>
      <Pager pages={pages} />
    </section>
  );
}
