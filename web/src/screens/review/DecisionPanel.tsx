// The QC decision at this stage: approve, reject with a reason, or send feedback. SOURCE_QC and
// FINAL_QC decide for the whole job; LANGUAGE_QC decides this language.
import { useState } from "preact/hooks";
import { api, errorText, type Job } from "../../api/client";
import { announce } from "../../app/store";
import { statusWords } from "../../app/format";
import { languageName } from "../../app/languages";
import { ErrorBanner } from "../../components/Banner";

type Props = { job: Job; lang: string; role: string; changedSinceRender?: boolean; onDone: (job: Job) => void };

/** Whether `role` decides at the job's stage: the whole job (SOURCE_QC, FINAL_QC) or a language. */
export function decisionLevel(status: string, role: string): "job" | "language" | null {
  if ((status === "SOURCE_QC" || status === "FINAL_QC") && ["REVIEWER", "ADMIN"].includes(role)) return "job";
  if (status === "LANGUAGE_QC" && ["LINGUIST", "PM", "ADMIN"].includes(role)) return "language";
  return null;
}

export function DecisionPanel({ job, lang, role, changedSinceRender, onDone }: Props) {
  const [reason, setReason] = useState("");
  const [feedback, setFeedback] = useState("");
  const [error, setError] = useState("");
  const [done, setDone] = useState("");
  const [busy, setBusy] = useState(false);
  const stage = job.status;
  const jobLevel = decisionLevel(stage, role) === "job";
  const langLevel = decisionLevel(stage, role) === "language";
  if (!jobLevel && !langLevel) return null;
  const what = jobLevel ? statusWords(stage) : `${languageName(lang)} language review`;

  const run = async (action: "approve" | "reject" | "feedback") => {
    setError("");
    if (action === "reject" && !reason.trim()) {
      setError("Enter the reason for rejecting.");
      document.getElementById("reject-reason")?.focus();
      return;
    }
    if (action === "feedback" && !feedback.trim()) {
      setError("Enter the feedback to send.");
      document.getElementById("feedback-message")?.focus();
      return;
    }
    setBusy(true);
    try {
      const path = { id: job._id, lang };
      if (jobLevel) {
        const j =
          action === "approve"
            ? await api.post("/api/v1/jobs/{id}/actions/approve", { path })
            : action === "reject"
              ? await api.post("/api/v1/jobs/{id}/actions/reject", { path, body: { reason } })
              : await api.post("/api/v1/jobs/{id}/actions/feedback", { path, body: { message: feedback } });
        onDone(j);
      } else {
        if (action === "approve") await api.post("/api/v1/jobs/{id}/language-qc/{lang}/approve", { path });
        else if (action === "reject") await api.post("/api/v1/jobs/{id}/language-qc/{lang}/reject", { path, body: { reason } });
        else await api.post("/api/v1/jobs/{id}/language-qc/{lang}/feedback", { path, body: { message: feedback } });
        onDone(await api.get("/api/v1/jobs/{id}", { path: { id: job._id } }));
      }
      const text = action === "approve" ? `Approved: ${what}.` : action === "reject" ? `Rejected: ${what}.` : "Feedback sent.";
      setDone(text);
      announce(text);
      if (action === "feedback") setFeedback("");
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel decision" id="decision" aria-labelledby="decision-title">
      <h2 id="decision-title">Decision: {what}</h2>
      <ErrorBanner error={error} />
      {done && (
        <p class="banner ok" role="status">
          {done}
        </p>
      )}
      {stage === "FINAL_QC" && changedSinceRender && (
        <p class="hint" id="approve-hint">
          The captions or descriptions changed since the accessible video was made: approving records the narration and makes the video again, and the final review then comes back.
        </p>
      )}
      <button type="button" class="button" onClick={() => run("approve")} disabled={busy} aria-describedby={stage === "FINAL_QC" && changedSinceRender ? "approve-hint" : undefined}>
        Approve {jobLevel ? statusWords(stage).toLowerCase() : languageName(lang)}
      </button>
      <div class="field">
        <label for="reject-reason">Reason for rejecting</label>
        <p class="hint" id="reject-hint">
          {jobLevel
            ? "Rejecting ends the job for good; the client sees your reason. To ask for changes and carry on, send feedback instead."
            : `Rejecting sends ${languageName(lang)} back: a project manager reassigns it for rework.`}
        </p>
        <textarea id="reject-reason" rows={2} value={reason} aria-describedby="reject-hint" onInput={(e) => setReason(e.currentTarget.value)} />
        <button type="button" class="button warning" onClick={() => run("reject")} disabled={busy}>
          Reject
        </button>
      </div>
      <div class="field">
        <label for="feedback-message">Feedback (without rejecting)</label>
        <textarea id="feedback-message" rows={2} value={feedback} onInput={(e) => setFeedback(e.currentTarget.value)} />
        <button type="button" class="button secondary" onClick={() => run("feedback")} disabled={busy}>
          Send feedback
        </button>
      </div>
    </section>
  );
}
