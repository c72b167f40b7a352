// Finished work: the jobs whose deliverables are ready (COMPLETED, or FINAL_QC for a look
// before approval), each linking to its downloads page.
import { useEffect, useState } from "preact/hooks";
import { api, errorText, type Job } from "../../api/client";
import { when } from "../../app/format";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/Banner";
import { languageShort } from "../../app/languages";

export function DeliveriesScreen() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    Promise.all([
      api.get("/api/v1/jobs", { query: { status: "COMPLETED", limit: 100 } }),
      api.get("/api/v1/jobs", { query: { status: "FINAL_QC", limit: 100 } }),
    ])
      .then(([done, final]) => setJobs([...done.items, ...final.items]))
      .catch((e) => setError(errorText(e)))
      .finally(() => setLoading(false));
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>Downloads</h1>
      <p class="hint">Jobs whose files are ready: completed, or at final review. Open one for its captions, descriptions, narration and accessible video.</p>
      <ErrorBanner error={error} />
      <DataTable
        caption={`Jobs with deliverables`}
        columns={["Job", "Status", "Languages", "Updated"]}
        busy={loading}
        rowCount={jobs.length}
        empty={error ? null : "No job has finished yet. Jobs appear here at final review and when completed."}
      >
        {jobs.map((j) => (
          <tr key={j._id}>
            <td>
              <Link href={`/jobs/${j._id}/downloads`} aria-label={`Downloads of ${j.title || "Untitled job"}`}>
                {j.title || "Untitled job"}
              </Link>
            </td>
            <td>
              <StatusTag status={j.status} />
            </td>
            <td>{j.requested_outputs.map(languageShort).join(", ")}</td>
            <td class="when">{when(j.updated_at)}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
