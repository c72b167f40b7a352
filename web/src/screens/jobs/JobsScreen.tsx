// Jobs list: filter by status, cursor paging, live updates from the organisation streams.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText, type Job } from "../../api/client";
import type { paths } from "../../api/schema";
import { openChannel } from "../../app/live";
import { navigate, queryParam } from "../../app/router";
import { announce, useStore } from "../../app/store";
import { STATUSES, statusWords, when } from "../../app/format";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";

const PAGE = 20;
type StatusFilter = NonNullable<NonNullable<paths["/api/v1/jobs"]["get"]["parameters"]["query"]>["status"]>;

export function JobsScreen() {
  const session = useStore((s) => s.session);
  const [status, setStatus] = useState(queryParam("status") ?? "");
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // cursor of each page seen
  const [jobs, setJobs] = useState<Job[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [reloadTick, setReloadTick] = useState(0);
  const page = cursors.length - 1;
  const reloadTimer = useRef<number>();

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    api
      .get("/api/v1/jobs", { query: { status: (status || undefined) as StatusFilter | undefined, limit: PAGE, cursor: cursors[page] ?? undefined }, signal: ctrl.signal })
      .then((list) => {
        setJobs(list.items);
        setNext(list.next_cursor ?? null);
        setError("");
      })
      .catch((e) => {
        if ((e as Error).name !== "AbortError") setError(errorText(e));
      })
      .finally(() => setLoading(false));
    return () => ctrl.abort();
  }, [status, cursors, reloadTick]);

  // Live: one org stream per organisation on screen (a CLIENT or PM: their own).
  const orgs = Array.from(new Set([session?.user.org_id, ...jobs.map((j) => j.org_id)].filter((o): o is string => !!o))).sort();
  const orgKey = orgs.join(",");
  useEffect(() => {
    const closers = orgs.map((org) =>
      openChannel(`/api/v1/ws/org/${encodeURIComponent(org)}`, (msg) => {
        if (msg.type !== "job_status_update" || !msg.job_id) return;
        let known = false;
        setJobs((current) =>
          current.map((j) => {
            if (j._id !== msg.job_id) return j;
            known = true;
            if (j.status !== msg.status) announce(`${j.title || "Untitled job"}: ${statusWords(msg.status)}`);
            return { ...j, status: msg.status ?? j.status, updated_at: msg.updated_at };
          }),
        );
        // A job not on this page: a new one shows up on the first page (debounced reload).
        if (!known && page === 0) {
          window.clearTimeout(reloadTimer.current);
          reloadTimer.current = window.setTimeout(() => setReloadTick((t) => t + 1), 400);
        }
      }),
    );
    return () => closers.forEach((c) => c());
  }, [orgKey, page]);

  const canCreate = session && ["CLIENT", "ADMIN"].includes(session.user.role);
  return (
    <section>
      <div class="title-row">
        <h1 tabIndex={-1}>Jobs</h1>
        {canCreate && (
          <Link href="/jobs/new" class="button">
            New job
          </Link>
        )}
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="status-filter">Status</label>
        <select
          id="status-filter"
          value={status}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setStatus(v);
            setCursors([null]);
            navigate(v ? `/jobs?status=${v}` : "/jobs", true);
          }}
        >
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusWords(s)}
            </option>
          ))}
        </select>
      </form>
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      <table class="table" aria-busy={loading ? "true" : "false"}>
        <caption class="visually-hidden">Jobs{status ? `, ${statusWords(status)}` : ""}, page {page + 1}</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Status</th>
            <th scope="col">Languages</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j._id} data-job-id={j._id}>
              <td>
                <Link href={`/jobs/${j._id}`}>{j.title || "Untitled job"}</Link>
              </td>
              <td>
                <StatusTag status={j.status} />
              </td>
              <td>
                {j.source_language} → {j.requested_outputs.join(", ")}
              </td>
              <td>{when(j.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && !jobs.length && !error && <p>No jobs{status ? ` with status “${statusWords(status)}”` : ""} yet.</p>}
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
