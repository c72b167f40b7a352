// Create a job: choose the video and what to make of it, upload it to a signed URL with a
// progress bar, then create the job from the upload and open its page.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorText, type Schemas } from "../../api/client";
import { navigate } from "../../app/router";
import { announce, useStore } from "../../app/store";
import { uploadWithProgress } from "../../app/upload";
import { byLanguageName, languageName } from "../../app/languages";
import { bytes } from "../../app/format";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";

type Languages = Schemas["Languages"];
const PROFILES = [
  { value: "default", label: "Standard", hint: "The platform's caption rules (42 characters a line, 2 lines)." },
  { value: "bbc", label: "BBC", hint: "BBC subtitle guidelines (37 characters a line)." },
  { value: "dcmp", label: "DCMP", hint: "Described and Captioned Media Program (32 characters a line)." },
] as const;

export function NewJobScreen() {
  const session = useStore((s) => s.session)!;
  const isAdmin = session.user.role === "ADMIN";
  const [title, setTitle] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState("en");
  const [langs, setLangs] = useState<Languages | null>(null);
  const [outputs, setOutputs] = useState<string[]>(["en"]);
  const [glossaries, setGlossaries] = useState<Schemas["GlossarySummary"][]>([]);
  const [glossary, setGlossary] = useState("");
  const [orgs, setOrgs] = useState<Schemas["Organization"][]>([]);
  const [org, setOrg] = useState(session.user.org_id ?? "");
  const [profile, setProfile] = useState<"default" | "bbc" | "dcmp">("default");
  const [extended, setExtended] = useState(false);
  const [burnIn, setBurnIn] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<"form" | "uploading" | "creating">("form");
  const lastQuarter = useRef(-1);
  const idempotency = useRef(crypto.randomUUID());

  useEffect(() => {
    api
      .get("/api/v1/languages", { query: { source } })
      .then((l) => {
        setLangs(l);
        setOutputs((cur) => {
          const kept = cur.filter((c) => l.targets.includes(c));
          return kept.length ? kept : [l.source];
        });
      })
      .catch((e) => setErrors([{ text: errorText(e) }]));
  }, [source]);

  useEffect(() => {
    api.get("/api/v1/glossaries").then((g) => setGlossaries(g.items)).catch(() => setGlossaries([]));
    if (isAdmin) api.get("/api/v1/organizations", { query: { limit: 100 } }).then((o) => setOrgs(o.items)).catch(() => setOrgs([]));
  }, []);

  const validate = (): FieldError[] => {
    const found: FieldError[] = [];
    if (!file) found.push({ field: "video", text: "Choose the video to upload (MP4 or QuickTime)" });
    else if (!/\.(mp4|m4v|mov)$/i.test(file.name) && !file.type.startsWith("video/"))
      found.push({ field: "video", text: "The file must be a video: MP4 or QuickTime (.mp4, .mov)" });
    if (!outputs.length) found.push({ field: `out-${langs?.targets[0] ?? "en"}`, text: "Choose at least one output language" });
    if (isAdmin && !org) found.push({ field: "org", text: "Choose the organisation the job is for" });
    if (title.length > 200) found.push({ field: "title", text: "The title must be 200 characters or fewer" });
    return found;
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    if (found.length || !file) return;
    try {
      setPhase("uploading");
      setProgress({ sent: 0, total: file.size });
      const contentType = /\.mov$/i.test(file.name) || file.type === "video/quicktime" ? "video/quicktime" : "video/mp4";
      const target = await api.post("/api/v1/files/upload-url", {
        body: { filename: file.name, content_type: contentType, size: file.size, org_id: isAdmin ? org : null },
      });
      announce("Uploading the video.");
      await uploadWithProgress({ ...target, headers: { ...target.headers } }, file, (sent, total) => {
        setProgress({ sent, total });
        const quarter = Math.floor((sent / Math.max(1, total)) * 4);
        if (quarter !== lastQuarter.current && quarter < 4) {
          lastQuarter.current = quarter;
          if (quarter > 0) announce(`Uploaded ${quarter * 25}%`);
        }
      });
      announce("Upload complete. Creating the job.");
      setPhase("creating");
      const job = await api.post("/api/v1/jobs", {
        body: {
          source_language: source,
          requested_outputs: outputs,
          title: title.trim() || null,
          glossary_id: glossary || null,
          options: { delivery_profile: profile, extended_ad: extended, burn_in: burnIn },
          org_id: isAdmin ? org : null,
          upload_id: target.upload_id,
        },
        headers: { "Idempotency-Key": idempotency.current },
      });
      announce("Job created.");
      navigate(`/jobs/${job._id}`);
    } catch (err) {
      setPhase("form");
      setProgress(null);
      setErrors([{ text: errorText(err) }]);
    }
  };

  const percent = progress ? Math.round((progress.sent / Math.max(1, progress.total)) * 100) : 0;
  const busy = phase !== "form";
  const fe = (f: string) => errors.find((e) => e.field === f);
  return (
    <section class="narrow-wide">
      <h1 tabIndex={-1}>New job</h1>
      <ErrorSummary errors={errors} />
      <form onSubmit={submit} noValidate>
        {isAdmin && (
          <div class={`field ${fe("org") ? "has-error" : ""}`}>
            <label for="org">Organisation</label>
            {fe("org") && <p class="field-error">{fe("org")!.text}</p>}
            <select id="org" value={org} onChange={(e) => setOrg(e.currentTarget.value)} disabled={busy}>
              <option value="">Choose an organisation</option>
              {orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div class={`field ${fe("title") ? "has-error" : ""}`}>
          <label for="title">Title (optional)</label>
          {fe("title") && <p class="field-error">{fe("title")!.text}</p>}
          <input id="title" type="text" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} disabled={busy} />
        </div>
        <div class={`field ${fe("video") ? "has-error" : ""}`}>
          <label for="video">Video</label>
          <p class="hint" id="video-hint">
            MP4 or QuickTime, up to an hour long.
          </p>
          {fe("video") && <p class="field-error">{fe("video")!.text}</p>}
          <input
            id="video"
            type="file"
            accept="video/mp4,video/quicktime,.mp4,.mov,.m4v"
            aria-describedby="video-hint"
            disabled={busy}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
          />
          {file && (
            <p class="muted">
              {file.name}, {bytes(file.size)}
            </p>
          )}
        </div>
        <div class="field">
          <label for="source">Spoken language</label>
          <select id="source" value={source} onChange={(e) => setSource(e.currentTarget.value)} disabled={busy}>
            {(langs?.sources ?? [source]).map((c) => (
              <option key={c} value={c}>
                {languageName(c)}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>Output languages</legend>
          <p class="hint">Captions, description and narration are made in each language you choose.</p>
          {fe(`out-${langs?.targets[0] ?? "en"}`) && <p class="field-error">Choose at least one output language</p>}
          {byLanguageName(langs?.targets ?? []).map((c) => (
            <div class="checkbox" key={c}>
              <input
                id={`out-${c}`}
                type="checkbox"
                checked={outputs.includes(c)}
                disabled={busy}
                onChange={(e) => setOutputs(e.currentTarget.checked ? [...outputs, c] : outputs.filter((o) => o !== c))}
              />
              <label for={`out-${c}`}>{languageName(c)}</label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="glossary">Glossary</label>
          <select id="glossary" value={glossary} onChange={(e) => setGlossary(e.currentTarget.value)} disabled={busy}>
            <option value="">{glossaries.some((g) => g.is_default) ? "The organisation's default glossary" : "No glossary"}</option>
            {glossaries.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name} ({g.term_count} terms)
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>Delivery profile</legend>
          {PROFILES.map((p) => (
            <div class="checkbox" key={p.value}>
              <input id={`profile-${p.value}`} type="radio" name="profile" checked={profile === p.value} disabled={busy} onChange={() => setProfile(p.value)} aria-describedby={`profile-${p.value}-hint`} />
              <label for={`profile-${p.value}`}>
                {p.label} <span class="hint" id={`profile-${p.value}-hint`}>{p.hint}</span>
              </label>
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          <div class="checkbox">
            <input id="extended" type="checkbox" checked={extended} disabled={busy} onChange={(e) => setExtended(e.currentTarget.checked)} />
            <label for="extended">Extended audio description (the video pauses where a description needs more time than the gap)</label>
          </div>
          <div class="checkbox">
            <input id="burnin" type="checkbox" checked={burnIn} disabled={busy} onChange={(e) => setBurnIn(e.currentTarget.checked)} />
            <label for="burnin">Burn captions into the accessible video</label>
          </div>
        </fieldset>
        {progress && (
          <div class="field">
            <label for="upload-progress">{phase === "creating" ? "Upload complete, creating the job" : "Uploading"}</label>
            <progress id="upload-progress" max={100} value={percent} aria-valuetext={`${percent}%`} />
            <p class="muted" aria-hidden="true">
              {percent}% · {bytes(progress.sent)} of {bytes(progress.total)}
            </p>
          </div>
        )}
        <button type="submit" class="button" disabled={busy}>
          {phase === "uploading" ? "Uploading…" : phase === "creating" ? "Creating…" : "Create job"}
        </button>
      </form>
    </section>
  );
}
