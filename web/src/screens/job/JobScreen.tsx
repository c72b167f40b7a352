// A job: status timeline, live step progress (job WebSocket), errors in plain words, the way
// into review for each language, feedback and rejection, and retry for an ADMIN.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText, type Job } from "../../api/client";
import { openChannel } from "../../app/live";
import { announce, useStore } from "../../app/store";
import { statusWords, when } from "../../app/format";
import { languageName } from "../../app/languages";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import type { ScreenProps } from "../../app/router";
import { ErrorBanner, ScreenPending } from "../../components/Banner";

const STAGES = ["UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC", "TRANSLATING", "LANGUAGE_QC", "TTS_GENERATING", "RENDERING", "FINAL_QC", "COMPLETED"];
const FAILED_AT: Record<string, string> = {
  UPLOAD_INVALID: "UPLOADED",
  TRANSCRIPTION_FAILED: "TRANSCRIBING",
  DESCRIPTION_FAILED: "DESCRIBING",
  TRANSLATION_FAILED: "TRANSLATING",
  TTS_FAILED: "TTS_GENERATING",
  RENDER_FAILED: "RENDERING",
};
type QcEntry = {
  captions?: { issues?: number };
  language?: { status?: string; heard?: string; probability?: number };
  glossary?: { unenforced?: number };
  speech?: { inaudible?: number };
};

/** What the pipeline's report summary (job.qc_report) says needs a look, per language under
 * review; the review screen shows the whole report with a jump to each cue. */
function QcSummary({ job, langs }: { job: Job; langs: string[] }) {
  const qc = (job.qc_report ?? {}) as Record<string, QcEntry>;
  const lines = langs.flatMap((l) => {
    const e = qc[l];
    if (!e) return [];
    const parts: string[] = [];
    const lang = e.language;
    if (lang?.status === "mismatch") parts.push(`the speech sounds like ${languageName(lang.heard ?? "")} (${Math.round((lang.probability ?? 0) * 100)}% sure), not ${languageName(l)}`);
    if (lang?.status === "unsure") parts.push(`not sure the speech is ${languageName(l)}`);
    // The pipeline lists a doubtful language among the caption issues too: count it once.
    const issues = Math.max(0, (e.captions?.issues ?? 0) - (lang?.status === "mismatch" || lang?.status === "unsure" ? 1 : 0));
    if (issues) parts.push(`${issues} caption rule${issues === 1 ? "" : "s"} broken`);
    if (e.glossary?.unenforced) parts.push(`${e.glossary.unenforced} glossary term${e.glossary.unenforced === 1 ? "" : "s"} missing`);
    if (e.speech?.inaudible) parts.push(`${e.speech.inaudible} description${e.speech.inaudible === 1 ? "" : "s"} too quiet in the narration`);
    return parts.length ? [`${languageName(l)}: ${parts.join("; ")}.`] : [];
  });
  if (!lines.length) return null;
  return (
    <div class="banner warn-inline">
      <p class="banner-line">The pipeline noted things to check (details on each review page):</p>
      <ul class="banner-list">
        {lines.map((t) => (
          <li key={t}>{t}</li>
        ))}
      </ul>
    </div>
  );
}

const RETRYABLE = new Set(["TRANSCRIPTION_FAILED", "DESCRIPTION_FAILED", "TRANSLATION_FAILED", "TTS_FAILED", "RENDER_FAILED"]);
/** What happens at a review stage, for whoever has nothing to do there (the job waits for people). */
const WAITING: Record<string, string> = {
  SOURCE_QC: "A reviewer is checking the captions and the audio description in the spoken language. The job moves on when they approve it.",
  LANGUAGE_QC: "Linguists are checking each translated language. The job moves on when every language is approved.",
  FINAL_QC: "A reviewer is checking the finished files. When they approve, the job is completed and its downloads are final.",
};

const EXPLAIN: Record<string, string> = {
  UPLOAD_INVALID: "The uploaded file could not be used as a video. Create a new job with another file.",
  TRANSCRIPTION_FAILED: "The speech in the video could not be transcribed.",
  DESCRIPTION_FAILED: "The audio description could not be written.",
  TRANSLATION_FAILED: "The captions could not be translated.",
  TTS_FAILED: "The narration could not be recorded.",
  RENDER_FAILED: "The accessible video could not be rendered.",
  REJECTED: "A reviewer rejected this job.",
};

type Progress = { step?: string | null; percent: number } | null;
type FeedbackEntry = { message?: string; by?: string; at?: string; stage?: string; lang?: string };

/** Is an automated step running (or waiting for its next attempt) at this status? */
function isRunning(status: string): boolean {
  return !status.endsWith("_QC") && !FAILED_AT[status] && !["COMPLETED", "REJECTED", "CREATED"].includes(status);
}

/** What happens next while a step is retried; when the next attempt starts comes with the live
 * retry event (a re-read of the job does not say). */
function againIn(at: number | null): string {
  const s = at === null ? null : Math.round((at - Date.now()) / 1000);
  const when =
    s === null
      ? "tries again by itself after a short pause"
      : s <= 1
        ? "is trying again by itself"
        : `tries again by itself at ${new Date(at!).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" })} (in about ${s} seconds)`;
  return `The previous attempt failed; the platform ${when}, so there is nothing to do yet.`;
}

export function reviewLanguages(job: Job, role: string, userId: string): string[] {
  if (job.status === "SOURCE_QC") return ["REVIEWER", "ADMIN"].includes(role) ? [job.source_language] : [];
  if (job.status === "FINAL_QC") return ["REVIEWER", "ADMIN"].includes(role) ? job.requested_outputs : [];
  if (job.status === "LANGUAGE_QC") {
    if (["ADMIN", "PM"].includes(role)) return job.requested_outputs;
    if (role === "LINGUIST") {
      const qc = job.language_qc as Record<string, { assignee?: string | null; assignee_id?: string | null }>;
      return job.requested_outputs.filter((l) => qc[l] && (qc[l].assignee === userId || qc[l].assignee_id === userId));
    }
  }
  return [];
}

export function JobScreen({ params }: ScreenProps) {
  const session = useStore((s) => s.session)!;
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState("");
  const [progress, setProgress] = useState<Progress>(null);
  const [tick, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  // When this page's ADMIN retried a failed step (to say so if it fails again).
  const [retriedAt, setRetriedAt] = useState<string | null>(null);
  // Is the job's WebSocket connected? While it is not, the page re-reads the job instead.
  const [live, setLive] = useState(true);
  // When the next attempt of a retried step starts (from the live retry event), as Date.now() ms.
  const [nextAttempt, setNextAttempt] = useState<{ attempt: number; at: number } | null>(null);
  const progressRef = useRef<HTMLHeadingElement>(null);
  const id = params.id;

  useEffect(() => {
    api
      .get("/api/v1/jobs/{id}", { path: { id } })
      .then((j) => {
        setJob(j);
        setProgress(j.progress ?? null);
        setError("");
      })
      .catch((e) => setError(errorText(e)));
  }, [id, tick]);

  useEffect(
    () =>
      openChannel(
        `/api/v1/ws/jobs/${encodeURIComponent(id)}`,
        (msg) => {
          if (msg.type === "notification" && msg.kind === "progress") {
            setProgress({ step: msg.step ?? null, percent: msg.percent ?? 0 });
            return;
          }
          if (msg.type === "notification" && msg.kind === "retry" && msg.step && msg.attempt && msg.max_attempts) {
            // A failed attempt (decision 0830): the same facts as the job's `retrying`, no re-read.
            const retrying = { step: msg.step, attempt: msg.attempt, max_attempts: msg.max_attempts, last_error: msg.message ?? "" };
            setJob((j) => (j && j.status === msg.status ? { ...j, retrying } : j));
            setNextAttempt({ attempt: msg.attempt, at: Date.now() + (msg.delay_seconds ?? 0) * 1000 });
            return;
          }
          if (msg.type === "job_status_update") {
            setJob((j) => {
              if (j && msg.status && j.status !== msg.status) announce(`Status: ${statusWords(msg.status)}`);
              return j;
            });
          }
          setTick((t) => t + 1);
        },
        setLive,
      ),
    [id],
  );

  // The socket delivers status changes, progress and each failed attempt. Only while it is down
  // (it reconnects by itself) does the page re-read the job, every 5 s; on reconnecting, the
  // job's current status arrives first and the page reads the job once.
  const polling = !!job && !live;
  useEffect(() => {
    if (!polling) return;
    // (the stored progress is written before it is sent live, so a re-read never goes back)
    const timer = window.setInterval(() => setTick((t) => t + 1), 5000);
    return () => window.clearInterval(timer);
  }, [id, polling]);
  const attempt = job?.retrying ? `${job.retrying.step}:${job.retrying.attempt}` : "";
  useEffect(() => {
    if (job?.retrying) announce(`Retrying ${statusWords(job.status).toLowerCase()}: attempt ${job.retrying.attempt} of ${job.retrying.max_attempts}.`);
  }, [attempt]);

  if (!job) return <ScreenPending title="Job" error={error} />;

  const role = session.user.role;
  const failedAt = FAILED_AT[job.status];
  // A job with no language but the spoken one skips translation and language review: not shown
  // as done when they never ran.
  const translated = job.requested_outputs.some((l) => l !== job.source_language);
  const skipped = ["TRANSLATING", "LANGUAGE_QC"];
  const stages = translated || skipped.includes(failedAt ?? job.status) ? STAGES : STAGES.filter((s) => !skipped.includes(s));
  const position = stages.indexOf(failedAt ?? job.status);
  const running = isRunning(job.status);
  const retrying = running ? job.retrying : null;
  const langs = reviewLanguages(job, role, session.user.id);
  const feedback = (job.feedback ?? []) as FeedbackEntry[];
  const hasOutputs = Object.values((job.outputs ?? {}) as Record<string, Record<string, string>>).some((o) => o && Object.keys(o).length > 0);
  const rejection = job.rejection as { reason?: string; stage?: string; at?: string } | null;

  const retry = async () => {
    setBusy(true);
    try {
      const j = await api.post("/api/v1/jobs/{id}/actions/retry", { path: { id } });
      setJob(j);
      setRetriedAt(new Date().toISOString());
      announce(`Retrying: ${statusWords(j.status)}`);
      // The button goes away with the failure: keep keyboard focus on the progress it started.
      window.setTimeout(() => progressRef.current?.focus(), 0);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p>
        <Link href="/jobs">Back to jobs</Link>
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>{job.title || "Untitled job"}</h1>
        <StatusTag status={job.status} />
      </div>
      <dl class="meta">
        <dt>Spoken language</dt>
        <dd>{languageName(job.source_language)}</dd>
        <dt>Output languages</dt>
        <dd>{job.requested_outputs.map(languageName).join(", ")}</dd>
        <dt>Created</dt>
        <dd>{when(job.created_at)}</dd>
        <dt>Last change</dt>
        <dd>{when(job.updated_at)}</dd>
        <dt>Job id</dt>
        <dd>
          <code class="job-id">{job._id}</code>
        </dd>
      </dl>
      {!live && <p class="banner live-fallback">Live updates are not connected: this page checks the job every 5 seconds until they are back.</p>}
      <ErrorBanner error={error} />
      {(EXPLAIN[job.status] || job.error) && (
        <div class="banner error" role="alert">
          <p>
            <strong>{EXPLAIN[job.status] ?? "Something went wrong."}</strong>
          </p>
          {job.error && <p class="job-error">{job.error}</p>}
          {failedAt && retriedAt && <p>It failed again after your retry at {when(retriedAt)}: read the message above before retrying once more.</p>}
          {rejection?.reason && (
            <p>
              Reason given{rejection.stage ? ` at ${statusWords(rejection.stage)}` : ""}: <span class="user-text">{rejection.reason}</span>
            </p>
          )}
          {RETRYABLE.has(job.status) &&
            (role === "ADMIN" ? (
              <button type="button" class="button" onClick={retry} disabled={busy}>
                Retry {statusWords(failedAt).toLowerCase()}
              </button>
            ) : (
              <p>Only an administrator can retry this step. When you ask, quote the job id {job._id}. The files made before the failure are kept.</p>
            ))}
        </div>
      )}
      <h2 tabIndex={-1} ref={progressRef}>
        Progress
      </h2>
      <ol class="timeline">
        {stages.map((s, i) => {
          const state = failedAt && i === position ? "failed" : i < position ? "done" : i === position ? "current" : "todo";
          return (
            <li key={s} class={`step step-${state}`} aria-current={i === position ? "step" : undefined}>
              <span class="step-name">{statusWords(s)}</span>
              <span class="visually-hidden">
                {state === "done" ? " (done)" : state === "current" ? " (current)" : state === "failed" ? " (failed)" : ""}
              </span>
            </li>
          );
        })}
      </ol>
      {running && (
        <div class="field">
          <label for="step-progress">
            {statusWords(job.status)}
            {progress?.step ? ` (${progress.step})` : ""}
          </label>
          <progress id="step-progress" max={100} value={Math.round(progress?.percent ?? 0)} aria-valuetext={`${Math.round(progress?.percent ?? 0)}%`} />
          <p class="muted">{Math.round(progress?.percent ?? 0)}% done</p>
          {retrying && (
            <div class="banner warn-inline retrying">
              <p class="banner-line">
                <strong>
                  Retrying: attempt {retrying.attempt} of {retrying.max_attempts}.
                </strong>{" "}
                {againIn(nextAttempt?.attempt === retrying.attempt ? nextAttempt.at : null)}
              </p>
              <p class="banner-line">
                Last error: <span class="job-error">{retrying.last_error}</span>
              </p>
            </div>
          )}
        </div>
      )}
      {langs.length === 0 && WAITING[job.status] && <p class="banner">{WAITING[job.status]}</p>}
      {langs.length > 0 && (
        <>
          <h2>Review</h2>
          <ul class="actions">
            {langs.map((l) => (
              <li key={l}>
                <Link class="button" href={`/jobs/${id}/review/${l}`}>
                  Review {languageName(l)}
                </Link>
              </li>
            ))}
          </ul>
          <QcSummary job={job} langs={langs} />
        </>
      )}
      {(hasOutputs || (job.status !== "CREATED" && job.status !== "UPLOADED")) && (
        <>
          <h2>Files and timeline</h2>
          <ul class="link-list">
            {hasOutputs && (
              <li>
                <Link href={`/jobs/${id}/downloads`}>Downloads</Link>
                <span class="muted">
                  {" "}
                  {job.status === "COMPLETED" ? "— the approved captions, descriptions, narration and accessible video" : "— the files made so far (not final until the job is completed)"}
                </span>
              </li>
            )}
            {job.status !== "CREATED" && job.status !== "UPLOADED" && (
              <li>
                <Link href={`/jobs/${id}/timeline`}>Timeline of speech, captions and descriptions</Link>
              </li>
            )}
          </ul>
        </>
      )}
      {feedback.length > 0 && (
        <>
          <h2>Feedback</h2>
          <ul class="feedback-list">
            {feedback.map((f, i) => (
              <li key={i}>
                <p class="user-text">{f.message}</p>
                <p class="muted">
                  {f.stage ? statusWords(f.stage) : ""}
                  {f.lang ? ` · ${languageName(f.lang)}` : ""}
                  {f.at ? ` · ${when(f.at)}` : ""}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
