// The timeline of a job: the waveform (peaks.js over peaks the pipeline computed once) with the
// caption and description cues on it, and lanes for spoken words, caption cues, description
// cues (standard / extended), dialogue gaps and scene changes, zoomable. Caption edges can be
// dragged on the waveform, or moved a frame at a time with the buttons (a non-drag alternative).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import Peaks, { type PeaksInstance } from "peaks.js";
import { api, ApiError, call, errorText, type Job, type Schemas } from "../../api/client";
import { announce, useStore } from "../../app/store";
import { readJobFile } from "../../api/jobFiles";
import { languageName, languageShort } from "../../app/languages";
import { Link } from "../../components/Link";
import { useLocation, type ScreenProps } from "../../app/router";
import { parseVtt, serializeVtt, shortTime, formatTime, type Cue } from "../review/vtt";
import { descriptionFlags } from "../review/qc";
import { clearDraft, saveDraft } from "../review/drafts";
import { ScreenPending } from "../../components/Banner";

type Timeline = Schemas["Timeline"];
type Doc = { etag: string; base: string; header: string; cues: Cue[] };
const ZOOM_LEVELS = [320, 640, 1280, 2560, 5120, 10240];

// Where the playhead was, per job, when the person switched language (the new one starts there).
const playheads = new Map<string, number>();

/** The timeline of the language in the address (?lang=, the source by default). A language link
 * navigates in the page; the screen below is built again for the new language (the waveform and
 * its cue segments are made for one), with the playhead where it was, but without a page load. */
export function TimelineScreen({ params }: ScreenProps) {
  const loc = useLocation();
  const lang = new URLSearchParams(loc.split("?")[1] ?? "").get("lang") ?? "";
  return <LanguageTimeline key={lang} params={params} initialLang={lang} />;
}

function LanguageTimeline({ params, initialLang }: ScreenProps & { initialLang: string }) {
  const id = params.id;
  const role = useStore((s) => s.session?.user.role ?? "");
  const userId = useStore((s) => s.session?.user.id ?? "");
  const viaVttApi = role === "REVIEWER" || role === "ADMIN"; // others read the files (decision 0822)
  const [job, setJob] = useState<Job | null>(null);
  const [lang, setLang] = useState<string>(initialLang);
  const [tl, setTl] = useState<Timeline | null>(null);
  const [captions, setCaptions] = useState<Doc | null>(null);
  const [descriptions, setDescriptions] = useState<Cue[]>([]);
  const [videoUrl, setVideoUrl] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [message, setMessage] = useState("");
  const [view, setView] = useState({ start: 0, end: 30 });
  const [selected, setSelected] = useState<number>(-1);
  const [zoom, setZoom] = useState(0);
  const zoomRef = useRef<HTMLDivElement>(null);
  const lanesRef = useRef<HTMLDivElement>(null);
  // The lanes' width in pixels: a caption narrower than a 24 px target at this zoom is drawn but
  // is not a button (WCAG 2.5.8); zooming in makes it one.
  const [trackPx, setTrackPx] = useState(0);
  useEffect(() => {
    const el = lanesRef.current;
    if (!el) return;
    const measure = () => setTrackPx((el.querySelector(".lane-track") as HTMLElement | null)?.clientWidth ?? 0);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [lanesRef.current]);
  const overviewRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const peaksRef = useRef<PeaksInstance | null>(null);
  // Timings are edited where the VTT may be saved: reviewers and admins at SOURCE_QC and FINAL_QC.
  const canEdit = viaVttApi && (job?.status === "SOURCE_QC" || job?.status === "FINAL_QC");
  const capRef = useRef(captions);
  capRef.current = captions;

  useEffect(() => {
    (async () => {
      try {
        const j = await api.get("/api/v1/jobs/{id}", { path: { id } });
        setJob(j);
        const l = lang || j.source_language;
        setLang(l);
        const t = await api.get("/api/v1/jobs/{id}/timeline", { path: { id } });
        setTl(t);
        setView({ start: 0, end: Math.min(t.duration || 30, 30) });
        const read = async (kind: "captions" | "descriptions") =>
          viaVttApi
            ? await api.get("/api/v1/jobs/{id}/vtt/{lang}", { path: { id, lang: l }, query: { kind } })
            : { etag: "", content: await readJobFile(id, `${l}/${kind}.vtt`, `The ${kind}`) };
        try {
          const c = await read("captions");
          const p = parseVtt(c.content);
          setCaptions({ etag: c.etag, base: c.content, header: p.header, cues: p.cues });
        } catch (e) {
          if (!(e instanceof ApiError && (e.status === 404 || e.status === 403))) throw e;
        }
        try {
          setDescriptions(parseVtt((await read("descriptions")).content).cues);
        } catch (e) {
          if (!(e instanceof ApiError && (e.status === 404 || e.status === 403))) throw e;
        }
        try {
          setVideoUrl((await api.get("/api/v1/files/{job_id}/{path}", { path: { job_id: id, path: "source.mp4" } })).url);
        } catch {
          setVideoUrl(null);
        }
      } catch (e) {
        setError(errorText(e));
      }
    })();
  }, [id]);

  // peaks.js: the waveform with caption cues as draggable segments and descriptions beside them.
  useEffect(() => {
    if (!tl?.peaks || !videoUrl || !zoomRef.current || !overviewRef.current || !videoRef.current || !captions) return;
    if (peaksRef.current) return;
    Peaks.init(
      {
        zoomview: { container: zoomRef.current, waveformColor: "#5a6d7c", playheadColor: "#b10e1e", axisLabelColor: "#0b0c0c" },
        overview: { container: overviewRef.current, waveformColor: "#8a9ba8", playheadColor: "#b10e1e" },
        mediaElement: videoRef.current,
        waveformData: { json: tl.peaks as never },
        zoomLevels: ZOOM_LEVELS,
        keyboard: false,
        segments: [
          ...captions.cues.map((c, i) => ({ id: `c${i}`, startTime: c.start, endTime: c.end, labelText: c.text, editable: canEdit, color: "#1d4ed8" })),
          ...descriptions.map((c, i) => ({ id: `d${i}`, startTime: c.start, endTime: c.end, labelText: c.text, editable: false, color: "#7a3c00" })),
        ],
        points: (tl.scenes ?? []).map((t, i) => ({ id: `s${i}`, time: t, labelText: "Scene change", color: "#00703c" })),
      },
      (err, peaks) => {
        if (err || !peaks) {
          setError(`The waveform could not be drawn: ${err?.message ?? "unknown error"}`);
          return;
        }
        peaksRef.current = peaks;
        peaks.on("zoomview.update", (e) => setView({ start: e.startTime, end: e.endTime }));
        peaks.on("segments.dragend", (e) => {
          const sid = String(e.segment.id ?? "");
          if (!sid.startsWith("c")) return;
          const i = Number(sid.slice(1));
          moveCue(i, e.segment.startTime, e.segment.endTime);
        });
        const zv = peaks.views.getView("zoomview");
        if (zv) setView({ start: zv.getStartTime(), end: zv.getEndTime() });
      },
    );
    return undefined;
  }, [tl, videoUrl, captions !== null]);
  useEffect(
    () => () => {
      if (videoRef.current) playheads.set(id, videoRef.current.currentTime);
      peaksRef.current?.destroy();
    },
    [],
  );

  const moveCue = (i: number, start: number, end: number) => {
    const d = capRef.current;
    if (!d || !d.cues[i]) return;
    const cues = d.cues.slice();
    cues[i] = { ...cues[i], start: Math.round(start * 1000) / 1000, end: Math.round(end * 1000) / 1000 };
    const next = { ...d, cues };
    setCaptions(next);
    setSelected(i);
    // The review screen's draft: an unsaved move survives a reload and shows there too.
    saveDraft(id, lang, "captions", { etag: d.etag, base: d.base, header: d.header, cues, savedAt: Date.now() });
    const seg = peaksRef.current?.segments.getSegment(`c${i}`);
    seg?.update({ startTime: cues[i].start, endTime: cues[i].end });
    announce(`Caption ${i + 1}: ${formatTime(cues[i].start)} to ${formatTime(cues[i].end)}`);
    setMessage("Not saved yet: press “Save caption timings”.");
  };

  const fps = tl?.fps || 25;
  const nudge = (edge: "start" | "end", frames: number) => {
    const c = captions?.cues[selected];
    if (!c) return;
    const v = Math.max(0, c[edge] + frames / fps);
    moveCue(selected, edge === "start" ? v : c.start, edge === "end" ? v : c.end);
  };

  const save = async () => {
    if (!captions) return;
    setMessage("Saving…");
    try {
      const r = await call<"patch", "/api/v1/jobs/{id}/vtt/{lang}">("patch", "/api/v1/jobs/{id}/vtt/{lang}", {
        path: { id, lang },
        query: { kind: "captions" },
        body: { content: serializeVtt({ header: captions.header, cues: captions.cues }), message: "Timing edited on the timeline" },
        headers: { "If-Match": captions.etag },
      });
      const saved = r.data as Schemas["VttDocument"];
      setCaptions({ ...captions, etag: saved.etag, base: saved.content });
      clearDraft(id, lang, "captions");
      setMessage("Saved.");
      announce("Caption timings saved.");
    } catch (e) {
      setMessage(
        e instanceof ApiError && e.status === 412
          ? "Someone else saved these captions meanwhile. Your moves are kept: open the review screen to compare and re-apply them."
          : `Not saved: ${errorText(e)} Your moves are kept on this device.`,
      );
    }
  };

  const zoomBy = (dir: 1 | -1) => {
    const p = peaksRef.current;
    if (!p) return;
    const next = Math.max(0, Math.min(ZOOM_LEVELS.length - 1, zoom + dir));
    p.zoom.setZoom(next);
    setZoom(next);
  };

  const words = tl?.words ?? [];
  const capCues = captions?.cues ?? [];
  const descKinds = useMemo(
    () => descriptions.map((_, i) => descriptionFlags(descriptions, i, capCues, !!(job?.options as { extended_ad?: boolean } | undefined)?.extended_ad, lang, job?.source_language ?? lang, [])),
    [descriptions, capCues, job],
  );

  if (error || !job || !tl) return <ScreenPending title="Timeline" error={error} />;
  // The languages this person may read here (a linguist: the source and their own, decision 0822).
  const qc = (job.language_qc ?? {}) as Record<string, { assignee?: string | null; assignee_id?: string | null }>;
  const readable = Array.from(new Set([job.source_language, ...job.requested_outputs])).filter(
    (l) => role !== "LINGUIST" || l === job.source_language || qc[l]?.assignee === userId || qc[l]?.assignee_id === userId,
  );
  const others = readable.filter((l) => l !== lang);

  const span = Math.max(0.001, view.end - view.start);
  const visible = <T extends { start: number; end: number }>(xs: T[]) => xs.map((x, i) => ({ x, i })).filter(({ x }) => x.end >= view.start && x.start <= view.end);
  const pos = (start: number, end: number) => ({ left: `${((Math.max(start, view.start) - view.start) / span) * 100}%`, width: `${Math.max(0.3, ((Math.min(end, view.end) - Math.max(start, view.start)) / span) * 100)}%` });
  // Zooming out further than the whole programme only adds empty waveform.
  const wholeShown = !!tl.duration && view.start <= 0.001 && view.end >= tl.duration;
  const tooNarrow = (x: { start: number; end: number }) => trackPx > 0 && ((Math.min(x.end, view.end) - Math.max(x.start, view.start)) / span) * trackPx < 24;
  const narrow = visible(capCues).filter(({ x }) => tooNarrow(x)).length;
  const sel = capCues[selected];

  return (
    <section class="timeline-screen">
      <p>
        <Link href={`/jobs/${id}`}>Back to the job</Link>
      </p>
      <h1 tabIndex={-1}>
        Timeline, {languageShort(lang)}: <span class="user-text">{job.title || "Untitled job"}</span>
      </h1>
      {others.length > 0 && (
        <nav aria-label="Other languages">
          <p>
            Other languages:{" "}
            {others.map((l, i) => (
              <span key={l}>
                {i > 0 && ", "}
                <Link href={`/jobs/${id}/timeline?lang=${encodeURIComponent(l)}`}>{languageName(l)}</Link>
              </span>
            ))}
          </p>
        </nav>
      )}
      <div class="timeline-top">
        {videoUrl && (
          <video
            ref={videoRef}
            src={videoUrl}
            controls
            preload="metadata"
            crossOrigin="anonymous"
            aria-label="Programme video"
            onLoadedMetadata={(e) => {
              const t = playheads.get(id);
              if (t) e.currentTarget.currentTime = t;
            }}
          />
        )}
        <div class="timeline-controls">
          <p>
            Showing {shortTime(view.start)} to {shortTime(view.end)}; the programme is {shortTime(tl.duration)} long.
          </p>
          <div class="toolbar-buttons">
            <button type="button" class="button secondary small" onClick={() => zoomBy(-1)} disabled={!peaksRef.current || zoom === 0}>
              Zoom in
            </button>
            <button type="button" class="button secondary small" onClick={() => zoomBy(1)} disabled={!peaksRef.current || zoom === ZOOM_LEVELS.length - 1 || wholeShown}>
              Zoom out
            </button>
          </div>
          {!canEdit && <p class="banner">You can see the timeline here; reviewers move caption timings at source review and final review.</p>}
          {sel && canEdit && (
            <div class="edges" role="group" aria-label={`Caption ${selected + 1}`}>
              <span>
                Caption {selected + 1}: {formatTime(sel.start)} → {formatTime(sel.end)}
              </span>
              <button type="button" class="button secondary small" onClick={() => nudge("start", -1)} aria-label="Start −1 frame">
                Start −1 frame
              </button>
              <button type="button" class="button secondary small" onClick={() => nudge("start", 1)} aria-label="Start +1 frame">
                Start +1 frame
              </button>
              <button type="button" class="button secondary small" onClick={() => nudge("end", -1)} aria-label="End −1 frame">
                End −1 frame
              </button>
              <button type="button" class="button secondary small" onClick={() => nudge("end", 1)} aria-label="End +1 frame">
                End +1 frame
              </button>
            </div>
          )}
          {canEdit && (
            <div class="save-row">
              <button type="button" class="button" onClick={save} disabled={!captions}>
                Save caption timings
              </button>
              <p class="save-message" role="status">
                {message}
              </p>
            </div>
          )}
        </div>
      </div>
      {tl.peaks ? (
        <>
          <div class="peaks-zoom" ref={zoomRef} aria-hidden="true" />
          <div class="peaks-overview" ref={overviewRef} aria-hidden="true" />
        </>
      ) : (
        <p class="banner">No waveform: this job has no audio, or transcription has not run yet.</p>
      )}
      <div class="lanes" ref={lanesRef}>
        <Lane label="Spoken words" empty={words.length ? "No words spoken here" : "No spoken words: none were heard, or the transcript could not be read"}>
          {visible(words).map(({ x, i }) => (
            <span key={i} class="item word" style={pos(x.start, x.end)}>
              {x.text}
            </span>
          ))}
        </Lane>
        <Lane label="Caption cues" empty="No captions here">
          {visible(capCues).map(({ x, i }) =>
            tooNarrow(x) ? (
              <span key={x.key} class={`item cap item-narrow ${i === selected ? "item-selected" : ""}`} style={pos(x.start, x.end)} aria-hidden="true" />
            ) : (
            <button
              key={x.key}
              type="button"
              class={`item cap ${i === selected ? "item-selected" : ""}`}
              style={pos(x.start, x.end)}
              aria-label={`Caption ${i + 1}, ${shortTime(x.start)} to ${shortTime(x.end)}: ${x.text}`}
              onClick={() => {
                setSelected(i);
                if (videoRef.current) videoRef.current.currentTime = x.start;
              }}
            >
              {x.text}
            </button>
            ),
          )}
        </Lane>
        {narrow > 0 && (
          <p class="muted lane-note">
            {narrow === 1 ? "1 caption here is" : `${narrow} captions here are`} too narrow to pick at this zoom: zoom in, or find {narrow === 1 ? "it" : "them"} on the review screen.
          </p>
        )}
        <Lane label="Description cues" empty="No descriptions here">
          {visible(descriptions).map(({ x, i }) => {
            const f = descKinds[i] ?? [];
            const extended = f.some((k) => k.rule === "extended_ad");
            const overSpeech = f.some((k) => k.rule === "overlaps_speech");
            return (
              <span key={x.key} class={`item desc ${extended ? "desc-extended" : ""} ${overSpeech ? "desc-over" : ""}`} style={pos(x.start, x.end)}>
                <span class="visually-hidden">{extended ? "Extended description: " : overSpeech ? "Description over speech: " : "Description: "}</span>
                {x.text}
              </span>
            );
          })}
        </Lane>
        <Lane label="Dialogue gaps" empty="No gap of 2 s or more here">
          {visible(tl.gaps).map(({ x, i }) => (
            <span key={i} class="item gap" style={pos(x.start, x.end)}>
              {(x.end - x.start).toFixed(1)} s
            </span>
          ))}
        </Lane>
        <Lane label="Scene changes" empty="No scene change here">
          {tl.scenes
            .filter((t) => t >= view.start && t <= view.end)
            .map((t, i) => (
              <span key={i} class="item scene" style={pos(t, t + span / 300)}>
                <span class="visually-hidden">Scene change at {shortTime(t)}</span>
              </span>
            ))}
        </Lane>
      </div>
      <p class="muted">
        Extended descriptions are outlined; descriptions that talk over speech without extended AD are marked in red.
        {canEdit ? " Drag a caption's edge on the waveform, or select it in the lane and move it a frame at a time." : ""}
      </p>
    </section>
  );
}

function Lane({ label, empty, children }: { label: string; empty: string; children: preact.ComponentChildren[] }) {
  return (
    <div class="lane" role="group" aria-label={label}>
      <div class="lane-label" aria-hidden="true">
        {label}
      </div>
      <div class="lane-track">{children.length ? children : <span class="lane-empty">{empty}</span>}</div>
    </div>
  );
}
