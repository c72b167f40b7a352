// A linguist's assignments: the languages of jobs assigned to them (the API lists a LINGUIST
// only the jobs with a language assigned to them), each linking to the review page.
import { api, type Job } from "../../api/client";
import { announce, useStore } from "../../app/store";
import { languageName } from "../../app/languages";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import { useOrgReload } from "../langqc/useOrgReload";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";
import { allPages, useLoad } from "../../app/pagedList";

type Assignment = { job: Job; lang: string; status: string; reason: string };

const WORDS: Record<string, string> = { ASSIGNED: "To review", APPROVED: "Approved", REJECTED: "Rejected", PENDING: "Waiting" };

export function AssignmentsScreen() {
  const me = useStore((s) => s.session?.user.id);
  const org = useStore((s) => s.session?.user.org_id);
  const loaded = useLoad(async () => {
    const jobs = await allPages<Job>((cursor) => api.get("/api/v1/jobs", { query: { limit: 100, cursor } }));
    const out: Assignment[] = [];
    for (const job of jobs) {
      for (const [lang, st] of Object.entries((job.language_qc ?? {}) as Record<string, { assignee?: string; status?: string; rejection_reason?: string }>)) {
        if (st?.assignee === me) out.push({ job, lang, status: st.status ?? "ASSIGNED", reason: st.status === "REJECTED" ? (st.rejection_reason ?? "") : "" });
      }
    }
    return out;
  }, [me]);
  const { error, loading } = loaded;
  const items = loaded.data ?? [];

  // Live: a new assignment (or a job moving on) reloads the list and is announced.
  useOrgReload(org ? [org] : [], (m) => {
    loaded.reload();
    if (m.type === "notification" && m.kind === "assignment") announce("Your assignments changed.");
  });

  const open = items.filter((a) => a.job.status === "LANGUAGE_QC" && a.status !== "APPROVED");
  const rest = items.filter((a) => !open.includes(a));
  const table = (list: Assignment[], caption: string) => (
    <DataTable
      caption={caption}
      columns={["Job", "Language", "Your review", "Job status", "Updated"]}
      busy={loading}
      rowCount={list.length}
    >
      {list.map((a) => (
        <tr key={`${a.job._id}:${a.lang}`} data-job-id={a.job._id}>
          <td>{a.job.title || "Untitled job"}</td>
          <td>
            <Link href={`/jobs/${a.job._id}/review/${a.lang}`}>
              Review {languageName(a.lang)}
              <span class="visually-hidden"> of {a.job.title || "Untitled job"}</span>
            </Link>
          </td>
          <td>
            {WORDS[a.status] ?? a.status}
            {a.reason && (
              <>
                : <span class="user-text">{a.reason}</span>
              </>
            )}
          </td>
          <td>
            <StatusTag status={a.job.status} />
          </td>
          <td class="when">{when(a.job.updated_at)}</td>
        </tr>
      ))}
    </DataTable>
  );
  return (
    <section>
      <h1 tabIndex={-1}>My assignments</h1>
      <ErrorBanner error={error} />
      <h2>Waiting for your review</h2>
      {open.length ? table(open, "Waiting for your review") : !loading && <p>Nothing is waiting for you.</p>}
      {rest.length > 0 && (
        <>
          <h2>Earlier assignments</h2>
          {table(rest, "Earlier assignments")}
        </>
      )}
    </section>
  );
}
