// Jobs list: filter by status, cursor paging, live updates from the organisation streams.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText, type Job } from "../../api/client";
import type { paths } from "../../api/schema";
import { openChannel } from "../../app/live";
import { navigate, queryParam } from "../../app/router";
import { announce, useStore } from "../../app/store";
import { STATUSES, statusWords, when } from "../../app/format";
import { languageShort } from "../../app/languages";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import { DataTable } from "../../components/DataTable";
import { Pager } from "../../components/Pager";
import { somePages, useLoad, usePagedList } from "../../app/pagedList";
import { ErrorBanner } from "../../components/Banner";

const PAGE = 20;
// Finding a job by title reads the most recent jobs page by page (the API has no title search):
// 1000 at a time, then "Search the next 1000 jobs" goes on from there (decision 0831). A job id
// is also looked up directly, however old the job.
const FIND_PAGES = 10;
const FIND_PAGE = 100;
const BATCH = FIND_PAGES * FIND_PAGE;
const JOB_ID = /^[0-9a-f]{24}$/;
type Found = { jobs: Job[]; next: string | null; byId: Job | null };
type StatusFilter = NonNullable<NonNullable<paths["/api/v1/jobs"]["get"]["parameters"]["query"]>["status"]>;

export function JobsScreen() {
  const session = useStore((s) => s.session);
  const [status, setStatus] = useState(queryParam("status") ?? "");
  const [find, setFind] = useState(queryParam("find") ?? "");
  const [typed, setTyped] = useState(find);
  const findTimer = useRef<number>();
  const list = usePagedList<Job>(
    (cursor, signal) => api.get("/api/v1/jobs", { query: { status: (status || undefined) as StatusFilter | undefined, limit: PAGE, cursor }, signal }),
    [status],
  );
  const needle = find.trim().toLowerCase();
  const readJobs = (cursor: string | undefined) =>
    somePages<Job>((c) => api.get("/api/v1/jobs", { query: { status: (status || undefined) as StatusFilter | undefined, limit: FIND_PAGE, cursor: c } }), cursor, FIND_PAGES);
  const found = useLoad<Found>(async () => {
    if (!needle) return { jobs: [], next: null, byId: null };
    const [batch, byId] = await Promise.all([
      readJobs(undefined),
      JOB_ID.test(needle) ? api.get("/api/v1/jobs/{id}", { path: { id: needle } }).catch(() => null) : Promise.resolve(null),
    ]);
    return { jobs: batch.items, next: batch.next, byId: byId && (!status || byId.status === status) ? byId : null };
  }, [needle, status]);
  const [further, setFurther] = useState(false);
  const resultRef = useRef<HTMLParagraphElement>(null);
  const searchFurther = async () => {
    const from = found.data?.next;
    if (!from) return;
    setFurther(true);
    try {
      const batch = await readJobs(from);
      found.setData((d) => (d ? { ...d, jobs: [...d.jobs, ...batch.items], next: batch.next } : d));
      // The button goes away once every job was read: keep keyboard focus on the count.
      if (!batch.next) window.setTimeout(() => resultRef.current?.focus(), 0);
    } catch (e) {
      announce(`The next jobs could not be read: ${errorText(e)}`);
    } finally {
      setFurther(false);
    }
  };
  const searched = found.data?.jobs.length ?? 0;
  const searchedRef = useRef(searched);
  searchedRef.current = searched;
  // Stopped before the oldest job, and not a job id found directly (then there is no more to find).
  const capped = !!found.data?.next && !found.data?.byId;
  const inTitle = (found.data?.jobs ?? []).filter((j) => (j.title || "Untitled job").toLowerCase().includes(needle) || j._id === needle);
  const byId = found.data?.byId;
  const matches = byId && !inTitle.some((j) => j._id === byId._id) ? [byId, ...inTitle] : inTitle;
  const finding = !!needle;
  const jobs = finding ? matches : list.items;
  const error = finding ? found.error : list.error;
  const loading = finding ? found.loading : list.loading;
  const { pages } = list;
  const setUrl = (st: string, f: string) => {
    const q = new URLSearchParams();
    if (st) q.set("status", st);
    if (f.trim()) q.set("find", f.trim());
    navigate(q.toString() ? `/jobs?${q}` : "/jobs", true);
  };
  useEffect(() => {
    if (!finding || found.loading || found.error) return;
    announce(`${matches.length} ${matches.length === 1 ? "job matches" : "jobs match"} “${find.trim()}”${capped ? ` in the ${searched} most recent jobs` : ""}.`);
  }, [found.data]);
  const page = pages.page;
  const reloadTimer = useRef<number>();

  // Live: one org stream per organisation on screen (a CLIENT or PM: their own).
  const orgs = Array.from(new Set([session?.user.org_id, ...jobs.map((j) => j.org_id)].filter((o): o is string => !!o))).sort();
  const orgKey = orgs.join(",");
  useEffect(() => {
    const closers = orgs.map((org) =>
      openChannel(`/api/v1/ws/org/${encodeURIComponent(org)}`, (msg) => {
        if (msg.type === "notification" && msg.kind === "retry" && msg.job_id && msg.step && msg.attempt && msg.max_attempts) {
          // A failed attempt (decision 0830): the row says which attempt runs next, no reload.
          const retrying = { step: msg.step, attempt: msg.attempt, max_attempts: msg.max_attempts, last_error: msg.message ?? "" };
          const mark = (j: Job) => (j._id === msg.job_id && j.status === msg.status ? { ...j, retrying } : j);
          list.setItems((current) => current.map(mark));
          found.setData((d) => d && { ...d, jobs: d.jobs.map(mark) });
          return;
        }
        if (msg.type !== "job_status_update" || !msg.job_id) return;
        let known = false;
        // A search that went past its first 1000 jobs keeps them: statuses change in place.
        if (finding && searchedRef.current <= BATCH) found.reload();
        else if (finding)
          found.setData((d) => d && { ...d, jobs: d.jobs.map((j) => (j._id === msg.job_id ? { ...j, status: msg.status ?? j.status, updated_at: msg.updated_at, retrying: j.status === msg.status ? j.retrying : null } : j)) });
        list.setItems((current) =>
          current.map((j) => {
            if (j._id !== msg.job_id) return j;
            known = true;
            if (j.status !== msg.status) announce(`${j.title || "Untitled job"}: ${statusWords(msg.status)}`);
            // a new status starts its step afresh: any retry shown was the previous step's
            return { ...j, status: msg.status ?? j.status, updated_at: msg.updated_at, retrying: j.status === msg.status ? j.retrying : null };
          }),
        );
        // A job not on this page: a new one shows up on the first page (debounced reload).
        if (!known && page === 0) {
          window.clearTimeout(reloadTimer.current);
          reloadTimer.current = window.setTimeout(list.reload, 400);
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
      <form
        class="filters"
        role="search"
        aria-label="Find jobs"
        onSubmit={(e) => {
          e.preventDefault();
          window.clearTimeout(findTimer.current);
          setFind(typed);
          setUrl(status, typed);
        }}
      >
        <span class="filter">
          <label for="job-find">Title or job id</label>
          <input
            id="job-find"
            type="search"
            value={typed}
            autoComplete="off"
            onInput={(e) => {
              const v = e.currentTarget.value;
              setTyped(v);
              window.clearTimeout(findTimer.current);
              findTimer.current = window.setTimeout(() => {
                setFind(v);
                setUrl(status, v);
              }, 350);
            }}
          />
        </span>
        <span class="filter">
        <label for="status-filter">Status</label>
        <select
          id="status-filter"
          value={status}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setStatus(v);
            setUrl(v, find);
          }}
        >
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusWords(s)}
            </option>
          ))}
        </select>
        </span>
      </form>
      {finding && !found.loading && !found.error && (
        <p class="muted" tabIndex={-1} ref={resultRef}>
          {matches.length > 0 && (
            <>
              {matches.length} {matches.length === 1 ? "job matches" : "jobs match"} “{find.trim()}”{status ? ` among jobs at “${statusWords(status)}”` : ""}
              {capped ? `, in the ${searched} most recent jobs` : ""}.{" "}
            </>
          )}
          {capped && (
            <>
              {matches.length === 0 && `No match in the ${searched} most recent jobs. `}
              <button type="button" class="linklike" onClick={searchFurther} disabled={further} aria-busy={further}>
                {further ? "Searching older jobs…" : `Search the next ${BATCH} jobs`}
              </button>{" "}
            </>
          )}
          <button
            type="button"
            class="linklike"
            onClick={() => {
              setTyped("");
              setFind("");
              setUrl(status, "");
              document.getElementById("job-find")?.focus();
            }}
          >
            Clear the search
          </button>
        </p>
      )}
      <ErrorBanner error={error} retry={finding ? found.reload : list.reload} />
      <DataTable
        caption={finding ? `Jobs matching “${find.trim()}”${status ? `, ${statusWords(status)}` : ""}` : `Jobs${status ? `, ${statusWords(status)}` : ""}, page ${page + 1}`}
        columns={["Title", "Status", "Languages", "Updated"]}
        busy={loading}
        rowCount={jobs.length}
        empty={error ? null : finding ? `No job's title or id contains “${find.trim()}”${status ? ` among jobs at “${statusWords(status)}”` : ""}${capped ? ` in the ${searched} most recent jobs` : ""}.` : `No jobs${status ? ` with status “${statusWords(status)}”` : ""} yet.${canCreate && !status ? " Start with “New job”." : ""}`}
      >
        {jobs.map((j) => (
          <tr key={j._id} data-job-id={j._id}>
            <td>
              <Link href={`/jobs/${j._id}`}>{j.title || "Untitled job"}</Link>
            </td>
            <td>
              <span>
                <StatusTag status={j.status} />
                {j.retrying && (
                  <span class="muted retry-note">
                    {" "}
                    retrying: attempt {j.retrying.attempt} of {j.retrying.max_attempts}
                  </span>
                )}
              </span>
            </td>
            <td>
              {j.requested_outputs.map(languageShort).join(", ")}
            </td>
            <td class="when">{when(j.updated_at)}</td>
          </tr>
        ))}
      </DataTable>
      {!finding && <Pager pages={pages} />}
    </section>
  );
}
