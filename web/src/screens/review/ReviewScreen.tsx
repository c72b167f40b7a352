// Review: the video with caption and description tracks and the narration, the cue list synced
// with playback, editing (text, split, merge, insert, delete, nudge by frames, bulk shift), QC
// flags as you type, save with If-Match and a conflict dialog, drafts that survive a reload,
// versions with diff and restore, and the QC decision (approve, reject with a reason, feedback).
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ApiError, call, errorText, type Job, type Schemas } from "../../api/client";
import { announce, useStore } from "../../app/store";
import { languageName } from "../../app/languages";
import { statusWords, when } from "../../app/format";
import { Link } from "../../components/Link";
import { StatusTag } from "../../components/StatusTag";
import type { ScreenProps } from "../../app/router";
import { CueList } from "./CueList";
import { captionFlags, descriptionFlags, PROFILES, type Flag, type GlossaryTerm } from "./qc";
import { cueAt, formatTime, newKey, shortTime, parseTime, parseVtt, renumber, serializeVtt, type Cue } from "./vtt";
import { diffCues, reapply, type CueChange } from "./merge";
import { clearDraft, loadDraft, saveDraft } from "./drafts";
import { VersionsPanel } from "./VersionsPanel";
import { DecisionPanel, decisionLevel } from "./DecisionPanel";
import { SHORTCUTS, matchShortcut } from "./shortcuts";
import { ScreenPending } from "../../components/Banner";
import { readJobFile } from "../../api/jobFiles";
import { ReportPanel } from "./ReportPanel";
import { reportSections, type NoteKind, type Section } from "./report";
import { clipFor, extendedCrossed, parsePlan, type NarrationClip } from "./narrationClips";

type Kind = "captions" | "descriptions";
type VttAnswer = Schemas["VttDocument"];
export type DocState = {
  etag: string;
  base: string; // the content as last loaded or saved (what the etag names)
  baseCues: Cue[];
  header: string;
  cues: Cue[];
  versionId: string | null;
  restored: boolean; // cues came from a draft on this device
};
type Conflict = { kind: Kind; theirs: VttAnswer; theirCues: Cue[]; changes: CueChange[] };

const KINDS: Kind[] = ["captions", "descriptions"];

async function etagOf(content: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(content));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `"${hex.slice(0, 32)}"`; // shared/domain/vtt_document.py etag_for
}

/** One VTT with its ETag. The VTT endpoint serves REVIEWER and ADMIN; an assigned LINGUIST (and a
 * PM, who reads and decides at LANGUAGE_QC) reads the language's file through its signed URL, and the console computes the ETag (a SHA-256 of
 * the content, as the platform does) so nobody has to. */
async function loadVtt(id: string, lang: string, kind: Kind, role: string): Promise<VttAnswer> {
  if (role === "REVIEWER" || role === "ADMIN") return api.get("/api/v1/jobs/{id}/vtt/{lang}", { path: { id, lang }, query: { kind } });
  const content = await readJobFile(id, `${lang}/${kind}.vtt`, `The ${languageName(lang)} ${kind}`);
  return { job_id: id, lang, kind, content, etag: await etagOf(content), version_id: null, updated_at: null, vtt_changed_since_render: false };
}

function fromAnswer(a: VttAnswer): DocState {
  const parsed = parseVtt(a.content);
  return { etag: a.etag, base: a.content, baseCues: parsed.cues, header: parsed.header, cues: parsed.cues, versionId: a.version_id ?? null, restored: false };
}

function contentOf(d: DocState): string {
  return serializeVtt({ header: d.header, cues: d.cues });
}

function sameCue(a: Cue, b: Cue): boolean {
  return a === b || (a.text === b.text && a.start === b.start && a.end === b.end && a.id === b.id && a.settings === b.settings && a.notes === b.notes);
}

/** Whether the cues differ from what was loaded or saved (cue by cue: cheap enough per keystroke). */
export function isDirty(d: DocState | undefined): boolean {
  if (!d) return false;
  if (d.cues === d.baseCues) return false;
  return d.cues.length !== d.baseCues.length || d.cues.some((c, i) => !sameCue(c, d.baseCues[i]));
}

export function ReviewScreen({ params }: ScreenProps) {
  const { id, lang } = params;
  const session = useStore((s) => s.session)!;
  const [job, setJob] = useState<Job | null>(null);
  const [docs, setDocs] = useState<Partial<Record<Kind, DocState>>>({});
  const [missing, setMissing] = useState<Partial<Record<Kind, string>>>({});
  const [kind, setKind] = useState<Kind>("captions");
  const [error, setError] = useState("");
  const [message, setMessage] = useState("");
  const [videoUrl, setVideoUrl] = useState<string | null>(null);
  const [narrationUrl, setNarrationUrl] = useState<string | null>(null);
  // The narration plan's clips (extended ones play on their own: the stem leaves them out).
  const [clips, setClips] = useState<NarrationClip[]>([]);
  const [holdForExtended, setHoldForExtended] = useState(true);
  const [extPlaying, setExtPlaying] = useState<{ clip: NarrationClip; edited: boolean } | null>(null);
  const [extSrc, setExtSrc] = useState("");
  const [extError, setExtError] = useState("");
  const [terms, setTerms] = useState<GlossaryTerm[]>([]);
  const [time, setTime] = useState(0);
  const [selected, setSelected] = useState(0);
  const [follow, setFollow] = useState(true);
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [showHelp, setShowHelp] = useState(false);
  const [shift, setShift] = useState({ offset: "", from: "", to: "" });
  const [reloadTick, setReloadTick] = useState(0);
  const [report, setReport] = useState<Section[] | null>(null);
  const [reportError, setReportError] = useState("");
  // The source language's cues (read-only), shown under each cue of a translation.
  const [reference, setReference] = useState<Partial<Record<Kind, Cue[]>>>({});
  const [videoError, setVideoError] = useState("");
  const [savedOnce, setSavedOnce] = useState(false); // a save here since the job was loaded
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const extRef = useRef<HTMLAudioElement>(null);
  const clipUrls = useRef(new Map<string, string>());
  const resumeAfterClip = useRef(false);
  const lastTime = useRef(0);
  const clipsRef = useRef(clips);
  clipsRef.current = clips;
  const listRef = useRef<HTMLDivElement>(null);
  const docsRef = useRef(docs);
  docsRef.current = docs;

  // Load the job, both VTTs (restoring drafts), the video and the glossary.
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const j = await api.get("/api/v1/jobs/{id}", { path: { id } });
        if (!live) return;
        setJob(j);
        const next: Partial<Record<Kind, DocState>> = {};
        const gone: Partial<Record<Kind, string>> = {};
        for (const k of KINDS) {
          try {
            const a = await loadVtt(id, lang, k, session.user.role);
            const state = fromAnswer(a);
            const draft = loadDraft(id, lang, k);
            if (draft) {
              const draftContent = serializeVtt({ header: draft.header, cues: draft.cues });
              if (draftContent !== a.content) {
                // Keep the draft's base: if the file moved on meanwhile, saving raises the conflict dialog.
                const base = parseVtt(draft.base);
                next[k] = { ...state, etag: draft.etag, base: draft.base, baseCues: base.cues, header: draft.header, cues: draft.cues.map((c) => ({ ...c, key: newKey() })), restored: true };
                continue;
              }
              clearDraft(id, lang, k);
            }
            next[k] = state;
          } catch (e) {
            if (e instanceof ApiError && e.status === 404) gone[k] = e.detail;
            else throw e;
          }
        }
        if (!live) return;
        setDocs(next);
        setMissing(gone);
        if (!next.captions && next.descriptions) setKind("descriptions");
        if (Object.values(next).some((d) => d?.restored)) announce("Unsaved edits from this device were restored.");
        try {
          const f = await api.get("/api/v1/files/{job_id}/{path}", { path: { job_id: id, path: "source.mp4" } });
          if (live) setVideoUrl(f.url);
        } catch (e) {
          setVideoUrl(null);
          if (live) setVideoError(errorText(e));
        }
        const src = j.source_language;
        let sourceCues: Partial<Record<Kind, Cue[]>> = {};
        if (src && src !== lang) {
          const ref: Partial<Record<Kind, Cue[]>> = {};
          for (const k of KINDS) {
            try {
              ref[k] = parseVtt(await readJobFile(id, `${src}/${k}.vtt`, `The ${languageName(src)} ${k}`)).cues;
            } catch {
              // Not made (yet) or not readable: the rows show no source text.
            }
          }
          sourceCues = ref;
          if (live) setReference(ref);
        } else if (live) setReference({});
        try {
          const text = await readJobFile(id, `${lang}/qc-report.json`, "The QC report");
          if (live) setReport(reportSections(JSON.parse(text), lang, !!(j.options as { extended_ad?: boolean } | undefined)?.extended_ad, sourceCues));
        } catch (e) {
          if (!live) return;
          if (e instanceof ApiError && e.status === 404) setReport([]);
          else setReportError(e instanceof SyntaxError ? "The QC report could not be read (it is not valid JSON)." : errorText(e));
        }
        const out = ((j.outputs ?? {}) as Record<string, Record<string, string>>)[lang] ?? {};
        const narrationKey = Object.keys(out).find((k) => k.startsWith("narration"));
        if (narrationKey) {
          try {
            const f = await api.get("/api/v1/files/{job_id}/{path}", { path: { job_id: id, path: `${lang}/${out[narrationKey].split("/").pop()}` } });
            if (live) setNarrationUrl(f.url);
          } catch {
            setNarrationUrl(null);
          }
          try {
            const plan = parsePlan(JSON.parse(await readJobFile(id, `work/${lang}/narration.json`, "The narration plan")));
            if (live) setClips(plan);
          } catch {
            if (live) setClips([]); // no plan (an older job): the extended video in Downloads has them
          }
        }
        if (j.glossary_id) {
          try {
            const g = await api.get("/api/v1/glossaries/{id}", { path: { id: j.glossary_id } });
            if (live) setTerms(((g as { terms?: GlossaryTerm[] }).terms ?? []) as GlossaryTerm[]);
          } catch {
            setTerms([]);
          }
        }
      } catch (e) {
        if (!live) return;
        if (e instanceof ApiError && e.status === 403 && session.user.role === "LINGUIST")
          setError(`You are not assigned to ${languageName(lang)} on this job, so you cannot review it. The languages you review are under “My assignments”.`);
        else setError(errorText(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [id, lang, reloadTick]);

  // Every change is written to the draft (debounced), so a reload or an expired session loses nothing.
  const draftTimer = useRef<number>();
  useEffect(() => {
    window.clearTimeout(draftTimer.current);
    draftTimer.current = window.setTimeout(() => {
      for (const k of KINDS) {
        const d = docsRef.current[k];
        if (!d) continue;
        if (isDirty(d)) saveDraft(id, lang, k, { etag: d.etag, base: d.base, header: d.header, cues: d.cues, savedAt: Date.now() });
        else clearDraft(id, lang, k);
      }
    }, 250);
  }, [docs]);
  useEffect(() => {
    const flush = () => {
      for (const k of KINDS) {
        const d = docsRef.current[k];
        if (d && isDirty(d)) saveDraft(id, lang, k, { etag: d.etag, base: d.base, header: d.header, cues: d.cues, savedAt: Date.now() });
      }
    };
    window.addEventListener("pagehide", flush);
    return () => {
      flush();
      window.removeEventListener("pagehide", flush);
    };
  }, [id, lang]);

  const doc = docs[kind];
  const cues = doc?.cues ?? [];
  const options = (job?.options ?? {}) as { delivery_profile?: string; extended_ad?: boolean };
  const profile = PROFILES[options.delivery_profile ?? "default"] ?? PROFILES.default;
  const fps = ((job as { media?: { fps?: number } } | null)?.media?.fps as number) || 25;
  const frame = 1 / fps;
  const sourceLang = job?.source_language ?? lang;

  // Caption flags depend on the cue and its neighbours (the gap to the next, the free time around
  // it for the reading-speed advice): cached per (previous, cue, next) so a keystroke recomputes
  // a few cues, not all of them.
  const flagCache = useRef(new WeakMap<Cue, { prev: Cue | undefined; next: Cue | undefined; flags: Flag[] }>());
  useEffect(() => {
    flagCache.current = new WeakMap();
  }, [profile, fps, terms, lang]);
  const flags: Flag[][] = useMemo(() => {
    if (kind === "captions") {
      const cache = flagCache.current;
      return cues.map((c, i) => {
        const hit = cache.get(c);
        if (hit && hit.next === cues[i + 1] && hit.prev === cues[i - 1]) return hit.flags;
        const f = captionFlags(cues, i, profile, fps, lang, sourceLang, terms);
        cache.set(c, { prev: cues[i - 1], next: cues[i + 1], flags: f });
        return f;
      });
    }
    return cues.map((_, i) => descriptionFlags(cues, i, docs.captions?.cues ?? [], !!options.extended_ad, lang, sourceLang, terms));
  }, [cues, kind, profile, fps, terms, docs.captions]);
  const flagged = flags.filter((f) => f.length).length;

  const playing = useMemo(() => cueAt(cues, time), [cues, time]);

  // The source-language text said at the same time as each cue (a translation's reference).
  const refLang = job?.source_language && job.source_language !== lang ? job.source_language : "";
  const refTexts: string[] = useMemo(() => {
    const ref = reference[kind];
    if (!ref?.length) return [];
    return cues.map((c) => {
      let lo = 0;
      let hi = ref.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ref[mid].end <= c.start + 0.01) lo = mid + 1;
        else hi = mid;
      }
      const parts: string[] = [];
      for (let k = lo; k < ref.length && ref[k].start < c.end - 0.01; k++) parts.push(ref[k].text.replace(/\n/g, " "));
      return parts.join(" ");
    });
  }, [cues, reference, kind]);

  // Keep the playing cue in view while following playback (not while someone types elsewhere).
  useEffect(() => {
    if (!follow || playing < 0) return;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-cue="${playing + 1}"]`);
    const active = document.activeElement;
    if (row && !(active instanceof HTMLTextAreaElement && !row.contains(active))) row.scrollIntoView({ block: "nearest" });
  }, [playing, follow]);

  // Tracks from the current (edited) cues, so the video shows what you typed; rebuilt a moment
  // after typing stops (a new track reloads in the player, too costly per keystroke).
  const [trackUrls, setTrackUrls] = useState<Partial<Record<Kind, string>>>({});
  useEffect(() => {
    const t = window.setTimeout(() => {
      const urls: Partial<Record<Kind, string>> = {};
      for (const k of KINDS) {
        const d = docsRef.current[k];
        if (d) urls[k] = URL.createObjectURL(new Blob([contentOf(d)], { type: "text/vtt" }));
      }
      setTrackUrls((old) => {
        Object.values(old).forEach((u) => u && URL.revokeObjectURL(u));
        return urls;
      });
    }, 800);
    return () => window.clearTimeout(t);
  }, [docs.captions?.cues, docs.descriptions?.cues]);

  const update = useCallback(
    (fn: (cues: Cue[]) => Cue[]) => {
      setDocs((cur) => {
        const d = cur[kind];
        if (!d) return cur;
        return { ...cur, [kind]: { ...d, cues: renumber(fn(d.cues)) } };
      });
    },
    [kind],
  );

  const onText = useCallback(
    (i: number, text: string) =>
      setDocs((cur) => {
        const d = cur[kind];
        if (!d) return cur;
        const next = d.cues.slice();
        next[i] = { ...next[i], text };
        return { ...cur, [kind]: { ...d, cues: next } };
      }),
    [kind],
  );
  const stopAt = useRef<number | null>(null);
  const onSeek = useCallback((i: number) => {
    const v = videoRef.current;
    const c = docsRef.current[kind]?.cues[i];
    stopAt.current = null;
    if (v && c) {
      v.currentTime = c.start + 0.001;
      setTime(c.start + 0.001);
    }
    setSelected(i);
  }, [kind]);
  // Plays one cue from its start to its end (with the narration, for a description), then pauses.
  const onPlay = useCallback((i: number) => {
    const v = videoRef.current;
    const c = docsRef.current[kind]?.cues[i];
    setSelected(i);
    if (!v || !c) return;
    const found = kind === "descriptions" ? clipFor(clipsRef.current, c) : null;
    v.currentTime = c.start + 0.001;
    setTime(c.start + 0.001);
    lastTime.current = c.start + 0.001;
    if (found?.clip.extended) {
      // As in the extended video: the picture holds at the cue while its narration is spoken.
      stopAt.current = null;
      void playExtended(found.clip, found.edited, false);
      return;
    }
    stopAt.current = c.end;
    void v.play().catch(() => undefined);
  }, [kind]);

  /** "Go to cue" from the QC report: the cue of `k` showing at `at` (or the next one). */
  const jumpTo = (k: NoteKind, at: number) => {
    const list = docsRef.current[k]?.cues ?? [];
    if (!list.length) return;
    let i = cueAt(list, at + 0.001);
    if (i < 0) i = list.findIndex((c) => c.end > at);
    if (i < 0) i = list.length - 1;
    setKind(k);
    setSelected(i);
    stopAt.current = null;
    const v = videoRef.current;
    if (v) v.currentTime = list[i].start + 0.001;
    setTime(list[i].start + 0.001);
    const key = list[i].key;
    window.setTimeout(() => {
      const el = document.getElementById(`cue-text-${k}-${key}`);
      el?.scrollIntoView({ block: "center" });
      el?.focus();
    }, 50);
  };

  const focusCue = (i: number) => {
    const c = cues[i];
    if (!c) return;
    setSelected(i);
    window.setTimeout(() => document.getElementById(`cue-text-${kind}-${c.key}`)?.focus(), 0);
  };

  // A PM reads the cues and decides at LANGUAGE_QC; only reviewers, admins and linguists edit, a
  // linguist only while the language is assigned to them (after a rejection, once reassigned).
  const langState = ((job?.language_qc ?? {}) as Record<string, { status?: string }>)[lang]?.status;
  const linguistWaits = session.user.role === "LINGUIST" && (job?.status !== "LANGUAGE_QC" || langState !== "ASSIGNED");
  // Reviewers and admins edit at SOURCE_QC and FINAL_QC only (shared/services/vtt.check_edit_window).
  const reviewerWaits = ["REVIEWER", "ADMIN"].includes(session.user.role) && !!job && job.status !== "SOURCE_QC" && job.status !== "FINAL_QC";
  const readOnly = !["REVIEWER", "ADMIN", "LINGUIST"].includes(session.user.role) || linguistWaits || reviewerWaits;
  const sel = Math.min(selected, Math.max(0, cues.length - 1));
  const selCue = cues[sel];

  const split = () => {
    if (!selCue) return;
    const el = document.getElementById(`cue-text-${kind}-${selCue.key}`) as HTMLTextAreaElement | null;
    const pos = el && el.selectionStart > 0 && el.selectionStart < selCue.text.length ? el.selectionStart : Math.floor(selCue.text.length / 2);
    const at = Math.round((selCue.start + ((selCue.end - selCue.start) * pos) / Math.max(1, selCue.text.length)) * 1000) / 1000;
    const first = { ...selCue, end: at, text: selCue.text.slice(0, pos).trim() };
    const second = { ...selCue, key: newKey(), id: "", notes: "", start: at, text: selCue.text.slice(pos).trim() };
    update((cs) => [...cs.slice(0, sel), first, second, ...cs.slice(sel + 1)]);
    announce(`Cue ${sel + 1} split in two.`);
    focusCue(sel + 1);
  };
  const merge = () => {
    const nextCue = cues[sel + 1];
    if (!selCue || !nextCue) return;
    const joined = { ...selCue, end: nextCue.end, text: `${selCue.text}\n${nextCue.text}`.trim() };
    update((cs) => [...cs.slice(0, sel), joined, ...cs.slice(sel + 2)]);
    announce(`Cue ${sel + 1} merged with the next cue.`);
    focusCue(sel);
  };
  const insert = () => {
    const after = selCue;
    const start = after ? after.end + frame * 2 : Math.max(0, time);
    const following = cues[sel + 1];
    const end = following ? Math.max(start + 0.5, Math.min(start + 2, following.start - frame * 2)) : start + 2;
    const cue: Cue = { key: newKey(), id: "", start, end, settings: "", text: "", notes: "" };
    const at = after ? sel + 1 : 0;
    update((cs) => [...cs.slice(0, at), cue, ...cs.slice(at)]);
    announce(`New cue ${at + 1} inserted.`);
    focusCue(at);
  };
  const remove = () => {
    if (!selCue) return;
    update((cs) => cs.filter((_, i) => i !== sel));
    announce(`Cue ${sel + 1} deleted.`);
    focusCue(Math.max(0, Math.min(sel, cues.length - 2)));
  };
  const nudge = (edge: "start" | "end", frames: number) => {
    if (!selCue) return;
    const v = Math.max(0, Math.round((selCue[edge] + frames * frame) * 1000) / 1000);
    update((cs) => cs.map((c, i) => (i === sel ? { ...c, [edge]: v } : c)));
    announce(`Cue ${sel + 1} ${edge} ${formatTime(v)}`);
  };
  const setEdge = (edge: "start" | "end", raw: string) => {
    const v = parseTime(raw);
    if (Number.isNaN(v) || !selCue) return;
    update((cs) => cs.map((c, i) => (i === sel ? { ...c, [edge]: v } : c)));
  };

  const save = async () => {
    if (!doc || saving) return;
    setSaving(true);
    setMessage("");
    try {
      const answer = await call<"patch", "/api/v1/jobs/{id}/vtt/{lang}">("patch", "/api/v1/jobs/{id}/vtt/{lang}", {
        path: { id, lang },
        query: { kind },
        body: { content: contentOf(doc), message: null },
        headers: { "If-Match": doc.etag },
      });
      const saved = answer.data as VttAnswer;
      setDocs((cur) => {
        const d = cur[kind]!;
        const parsed = parseVtt(saved.content);
        // Keep the cues being edited (their keys) when the server stored exactly what we sent.
        const same = saved.content === contentOf(d);
        return { ...cur, [kind]: { ...d, etag: saved.etag, base: saved.content, baseCues: same ? d.cues : parsed.cues, cues: same ? d.cues : parsed.cues, versionId: saved.version_id ?? d.versionId, restored: false } };
      });
      clearDraft(id, lang, kind);
      setMessage("Saved.");
      setSavedOnce(true);
      announce(`${kind === "captions" ? "Captions" : "Descriptions"} saved.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        try {
          const theirs = await loadVtt(id, lang, kind, session.user.role);
          const theirCues = parseVtt(theirs.content).cues;
          setConflict({ kind, theirs, theirCues, changes: diffCues(doc.baseCues, theirCues) });
        } catch (e2) {
          setMessage(`Not saved: ${errorText(e2)} Your edits are kept on this device.`);
        }
      } else if (e instanceof ApiError && e.network) {
        setMessage("Not saved: the platform could not be reached. Your edits are kept on this device; save again when you are back online.");
      } else {
        setMessage(`Not saved: ${errorText(e)} Your edits are kept on this device.`);
      }
      announce("Not saved.");
    } finally {
      setSaving(false);
    }
  };

  const resolveConflict = (how: "reload" | "reapply") => {
    if (!conflict) return;
    const d = docs[conflict.kind]!;
    const theirState = fromAnswer(conflict.theirs);
    if (how === "reload") {
      setDocs({ ...docs, [conflict.kind]: theirState });
      clearDraft(id, lang, conflict.kind);
      announce("Loaded their version; your changes were discarded.");
    } else {
      const { cues: merged, merged: cueWise } = reapply(d.baseCues, d.cues, conflict.theirCues);
      setDocs({ ...docs, [conflict.kind]: { ...theirState, cues: renumber(merged) } });
      announce(cueWise ? "Your changes were re-applied on their version. Check and save." : "Your version is ready to save over theirs. Check and save.");
    }
    setConflict(null);
  };

  const bulkShift = async (e: Event) => {
    e.preventDefault();
    if (!doc) return;
    const offset = Math.round(parseFloat(shift.offset) * 1000);
    if (!Number.isFinite(offset) || offset === 0) {
      setMessage("Enter the shift in seconds, for example 0.5 or -1.2.");
      return;
    }
    if (isDirty(doc)) {
      setMessage("Save your edits before shifting all cues.");
      return;
    }
    try {
      const from = shift.from ? Math.round(parseTime(shift.from) * 1000) : undefined;
      const to = shift.to ? Math.round(parseTime(shift.to) * 1000) : undefined;
      const answer = await call<"post", "/api/v1/vtt/adjust-timing">("post", "/api/v1/vtt/adjust-timing", {
        body: { job_id: id, lang, kind, offset_ms: offset, from_ms: from === undefined || Number.isNaN(from) ? null : from, to_ms: to === undefined || Number.isNaN(to) ? null : to, message: null },
        headers: { "If-Match": doc.etag },
      });
      setDocs({ ...docs, [kind]: fromAnswer(answer.data as VttAnswer) });
      setMessage(`Shifted by ${shift.offset} s and saved.`);
      announce("Cues shifted and saved.");
    } catch (err) {
      setMessage(`Not shifted: ${errorText(err)}`);
    }
  };

  const togglePlay = () => {
    const v = videoRef.current;
    if (!v) return;
    if (v.paused) void v.play();
    else v.pause();
  };
  const seekBy = (s: number) => {
    const v = videoRef.current;
    if (v) v.currentTime = Math.max(0, v.currentTime + s);
  };

  // Keyboard shortcuts (listed in the help panel).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = matchShortcut(e);
      if (!action) return;
      if (readOnly && !["play", "back", "forward", "next", "previous", "help"].includes(action)) return;
      e.preventDefault();
      switch (action) {
        case "play":
          return togglePlay();
        case "back":
          return seekBy(-2);
        case "forward":
          return seekBy(2);
        case "next":
          return focusCue(Math.min(cues.length - 1, sel + 1));
        case "previous":
          return focusCue(Math.max(0, sel - 1));
        case "save":
          return void save();
        case "split":
          return split();
        case "merge":
          return merge();
        case "insert":
          return insert();
        case "delete":
          return remove();
        case "startEarlier":
          return nudge("start", -1);
        case "startLater":
          return nudge("start", 1);
        case "endEarlier":
          return nudge("end", -1);
        case "endLater":
          return nudge("end", 1);
        case "help":
          return setShowHelp(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  // An extended description: the video (and the stem) pause, its clip plays, then the video goes on
  // if it was playing (`resume`), as the extended accessible video does.
  async function playExtended(clip: NarrationClip, edited: boolean, resume: boolean) {
    const v = videoRef.current;
    const a = extRef.current;
    if (!a) return;
    resumeAfterClip.current = resume;
    v?.pause();
    setExtError("");
    setExtPlaying({ clip, edited });
    try {
      let url = clipUrls.current.get(clip.name);
      if (!url) {
        url = (await api.get("/api/v1/files/{job_id}/{path}", { path: { job_id: id, path: `work/${lang}/${clip.name}` } })).url;
        clipUrls.current.set(clip.name, url);
      }
      if (a.getAttribute("src") !== url) {
        a.src = url;
        setExtSrc(url);
      }
      a.currentTime = 0;
      await a.play();
    } catch (e) {
      setExtPlaying(null);
      resumeAfterClip.current = false;
      setExtError(`The extended description at ${shortTime(clip.start)} could not be played: ${e instanceof Error && !(e instanceof ApiError) ? "the browser could not play the file." : errorText(e)}`);
    }
  }
  const onExtendedEnded = () => {
    setExtPlaying(null);
    if (resumeAfterClip.current) {
      resumeAfterClip.current = false;
      void videoRef.current?.play().catch(() => undefined);
    }
  };
  const stopExtended = () => {
    resumeAfterClip.current = false;
    extRef.current?.pause();
    setExtPlaying(null);
  };

  // The narration plays along with the video.
  const syncAudio = () => {
    const a = audioRef.current;
    const v = videoRef.current;
    if (!a || !v) return;
    if (Math.abs(a.currentTime - v.currentTime) > 0.3) a.currentTime = v.currentTime;
    if (v.paused && !a.paused) a.pause();
    if (!v.paused && a.paused) void a.play().catch(() => undefined);
  };

  if (error || !job) return <ScreenPending title="Review" error={error} />;

  const currentDescription = (() => {
    const ds = docs.descriptions?.cues ?? [];
    const i = cueAt(ds, time);
    return i >= 0 ? ds[i].text : "";
  })();
  const dirtyKinds = KINDS.filter((k) => isDirty(docs[k]));
  const isLinguist = session.user.role === "LINGUIST";
  const extendedClips = clips.filter((c) => c.extended).length;
  const hasExtendedVideo = !!((job.outputs ?? {}) as Record<string, Record<string, string>>)[lang]?.video_extended;
  const reportWarnings = (report ?? []).reduce((n, s) => n + s.notes.filter((x) => x.warn).length, 0);

  return (
    <section class="review">
      <p>
        <Link href={`/jobs/${id}`}>Back to the job</Link>
      </p>
      <div class="title-row">
        <h1 tabIndex={-1}>
          Review {languageName(lang)}: <span class="user-text">{job.title || "Untitled job"}</span>
        </h1>
        <StatusTag status={job.status} />
      </div>
      {decisionLevel(job.status, session.user.role) && !linguistWaits && (
        <p class="muted">
          {readOnly ? "Read the captions and descriptions in the cue list" : "Edit the captions and descriptions in the cue list and save"}; then approve or reject under <a href="#decision">Decision</a>.
        </p>
      )}
      <LanguageReviewState job={job} lang={lang} role={session.user.role} />
      {reportWarnings > 0 && (
        <p class="banner warn-inline">
          The pipeline noted {reportWarnings} {reportWarnings === 1 ? "thing" : "things"} to check: see <a href="#report-title">What the pipeline noticed</a>.
        </p>
      )}
      {dirtyKinds.length > 0 && (
        <p class="banner warn-inline" role="status">
          Unsaved changes in {dirtyKinds.join(" and ")}
          {dirtyKinds.some((k) => docs[k]?.restored) ? " (restored from this device)" : ""}.
        </p>
      )}
      <div class="review-grid">
        <div class="review-media">
          {videoUrl ? (
            <video
              ref={videoRef}
              controls
              preload="metadata"
              src={videoUrl}
              crossOrigin="anonymous"
              onTimeUpdate={(e) => {
                const v = e.currentTarget;
                if (stopAt.current !== null && v.currentTime >= stopAt.current) {
                  stopAt.current = null;
                  v.pause();
                }
                const crossed = !v.paused && holdForExtended ? extendedCrossed(clips, lastTime.current, v.currentTime) : null;
                lastTime.current = v.currentTime;
                if (crossed) {
                  v.currentTime = crossed.start;
                  lastTime.current = crossed.start;
                  const cue = (docsRef.current.descriptions?.cues ?? []).find((c) => Math.abs(c.start - crossed.start) < 0.002);
                  void playExtended(crossed, !!cue && clipFor([crossed], cue)?.edited === true, true);
                }
                setTime(v.currentTime);
                syncAudio();
              }}
              onSeeked={(e) => {
                setTime(e.currentTarget.currentTime);
                lastTime.current = e.currentTarget.currentTime;
                syncAudio();
              }}
              onPlay={syncAudio}
              onPause={syncAudio}
              aria-label="Programme video"
            >
              {trackUrls.captions && <track kind="captions" srclang={lang} label={`${languageName(lang)} captions`} src={trackUrls.captions} default />}
              {trackUrls.descriptions && <track kind="descriptions" srclang={lang} label={`${languageName(lang)} descriptions`} src={trackUrls.descriptions} />}
            </video>
          ) : (
            <p class="banner">{videoError ? `The programme video could not be loaded: ${videoError}` : "Loading the programme video…"}</p>
          )}
          {narrationUrl && (
            <div class="field">
              <label for="narration">Narration in {languageName(lang)}, played with the video</label>
              <audio id="narration" ref={audioRef} src={narrationUrl} preload="auto" controls />
            </div>
          )}
          {extendedClips > 0 && (
            <div class="extended-player">
              <p class="muted">
                {extendedClips === 1 ? "1 description is extended" : `${extendedClips} descriptions are extended`}: the narration track above leaves {extendedClips === 1 ? "it" : "them"} out, and the extended video holds the picture while {extendedClips === 1 ? "it is" : "they are"} spoken.
              </p>
              <label class="inline-check">
                <input type="checkbox" checked={holdForExtended} onChange={(e) => setHoldForExtended(e.currentTarget.checked)} /> Hold the picture and play extended descriptions during playback
              </label>
              <div class={extSrc ? "field" : undefined}>
                {extSrc && <label for="extended-narration">Extended description{extPlaying ? ` at ${shortTime(extPlaying.clip.start)}` : ""}</label>}
                <audio id="extended-narration" ref={extRef} preload="metadata" controls={!!extSrc} onEnded={onExtendedEnded} aria-label={extSrc ? undefined : "Extended description"} />
              </div>
              <p role="status" class="muted">
                {extPlaying
                  ? `Playing the extended description at ${shortTime(extPlaying.clip.start)} (${extPlaying.clip.duration.toFixed(1)} s); the picture holds.${extPlaying.edited ? " It was recorded before the text was edited: approving records it again." : ""}`
                  : "Use “Play” on an extended description, or play the video, to hear one."}
              </p>
              {extPlaying && (
                <button type="button" class="button secondary small" onClick={stopExtended}>
                  Stop the extended description
                </button>
              )}
              {extError && <p class="banner">{extError}</p>}
            </div>
          )}
          {hasExtendedVideo && extendedClips === 0 && (
            <p class="muted">
              Extended descriptions pause the programme, so this narration track leaves them out: hear them in the extended accessible video under{" "}
              <Link href={`/jobs/${id}/downloads`}>Downloads</Link>.
            </p>
          )}
          <p class="now-description" aria-live="off">
            <span class="label">Description now:</span> <span class="user-text">{currentDescription || "none"}</span>
          </p>
        </div>
        <div class="review-cues">
          <div class="tabs" role="group" aria-label="Which cues">
            {KINDS.map((k) => (
              <button key={k} type="button" class={`tab ${k === kind ? "tab-current" : ""}`} aria-pressed={k === kind} onClick={() => setKind(k)} disabled={!docs[k]}>
                {k === "captions" ? "Captions" : "Descriptions"} ({docs[k]?.cues.length ?? 0})
              </button>
            ))}
          </div>
          {missing[kind] && <p class="banner">{missing[kind]}</p>}
          {doc && cues.length === 0 && (
            <p class="banner">
              There are no {kind === "captions" ? "caption" : "description"} cues{kind === "captions" ? " (no speech was captioned)" : ""}. Use “Insert after” to add one.
            </p>
          )}
          <p class="muted">
            {(() => {
              const noun = kind === "captions" ? "caption" : "description";
              const many = cues.length === 1 ? noun : `${noun}s`;
              return flagged ? `${flagged} of ${cues.length} ${many} ${flagged === 1 ? "has" : "have"} QC flags.` : `No QC flags in ${cues.length} ${many}.`;
            })()} Profile: {profile.name}.{" "}
            <label class="inline-check">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow playback
            </label>
          </p>
          <div class="cue-scroll" ref={listRef}>
            <CueList cues={cues} flags={flags} refs={refTexts} refLabel={refLang ? languageName(refLang) : ""} playing={playing} selected={sel} kind={kind} readOnly={readOnly} onText={onText} onSelect={setSelected} onSeek={onSeek} onPlay={onPlay} />
          </div>
        </div>
        <div class="review-tools">
          {readOnly && (
            <p class="banner">
              {linguistWaits
                ? langState === "APPROVED"
                  ? `${languageName(lang)} is approved: nothing more to do here. The job goes on to narration and the final review.`
                  : langState === "REJECTED"
                  ? "You can edit this language again once a project manager reassigns it to you for rework."
                  : `You can read and play the cues; editing is open while the job is at language review and ${languageName(lang)} is assigned to you.`
                : reviewerWaits
                  ? `You can read and play the cues; reviewers edit them at source review and final review (the job is at ${statusWords(job.status).toLowerCase()}).`
                  : "You can read the cues, play them and decide here; the assigned linguist or a reviewer edits them."}
            </p>
          )}
          {!readOnly && (<>
          <div class="toolbar" role="group" aria-label="Selected cue">
            <p class="toolbar-title">
              Selected: cue {selCue ? sel + 1 : "none"}
              {selCue ? ` of ${cues.length}` : ""}
            </p>
            {selCue && (
              <div class="edges">
                <span class="edge">
                <label for="cue-start">Start</label>
                <input id="cue-start" type="text" class="time-input" value={formatTime(selCue.start)} key={`s-${selCue.key}-${selCue.start}`} onChange={(e) => setEdge("start", e.currentTarget.value)} />
                <button type="button" class="button secondary small" onClick={() => nudge("start", -1)} aria-label="Start −1 frame">
                  −1 frame
                </button>
                <button type="button" class="button secondary small" onClick={() => nudge("start", 1)} aria-label="Start +1 frame">
                  +1 frame
                </button>
                </span>
                <span class="edge">
                <label for="cue-end">End</label>
                <input id="cue-end" type="text" class="time-input" value={formatTime(selCue.end)} key={`e-${selCue.key}-${selCue.end}`} onChange={(e) => setEdge("end", e.currentTarget.value)} />
                <button type="button" class="button secondary small" onClick={() => nudge("end", -1)} aria-label="End −1 frame">
                  −1 frame
                </button>
                <button type="button" class="button secondary small" onClick={() => nudge("end", 1)} aria-label="End +1 frame">
                  +1 frame
                </button>
                </span>
              </div>
            )}
            <div class="toolbar-buttons">
              <button type="button" class="button secondary small" onClick={split} disabled={!selCue}>
                Split
              </button>
              <button type="button" class="button secondary small" onClick={merge} disabled={!cues[sel + 1]}>
                Merge with next
              </button>
              <button type="button" class="button secondary small" onClick={insert}>
                Insert after
              </button>
              <button type="button" class="button secondary small" onClick={remove} disabled={!selCue}>
                Delete
              </button>
              <button type="button" class="button secondary small" onClick={() => setShowHelp(true)}>
                Keyboard shortcuts
              </button>
            </div>
          </div>
          <div class="save-row">
            <button type="button" class="button" onClick={save} disabled={!doc || saving}>
              {saving ? "Saving…" : `Save ${kind}`}
            </button>
            <p class="save-message" role="status">
              {message}
            </p>
          </div>
          </>)}
          {!isLinguist && !readOnly && (<form class="shift" onSubmit={bulkShift}>
            <fieldset>
              <legend>Shift all {kind === "captions" ? "caption" : "description"} cues</legend>
              <div class="shift-fields">
                <span>
                  <label for="shift-offset">By (seconds)</label>
                  <input id="shift-offset" type="text" inputMode="decimal" value={shift.offset} onInput={(e) => setShift({ ...shift, offset: e.currentTarget.value })} />
                </span>
                <span>
                  <label for="shift-from">From (optional)</label>
                  <input id="shift-from" type="text" placeholder="00:00:00.000" value={shift.from} onInput={(e) => setShift({ ...shift, from: e.currentTarget.value })} />
                </span>
                <span>
                  <label for="shift-to">To (optional)</label>
                  <input id="shift-to" type="text" placeholder="00:00:00.000" value={shift.to} onInput={(e) => setShift({ ...shift, to: e.currentTarget.value })} />
                </span>
              </div>
              <button type="submit" class="button secondary">
                Shift and save
              </button>
            </fieldset>
          </form>)}
          <ReportPanel sections={report} error={reportError} onJump={jumpTo} />
          {!linguistWaits && <DecisionPanel job={job} lang={lang} role={session.user.role} changedSinceRender={savedOnce || !!job.vtt_changed_since_render} onDone={(j) => setJob(j)} />}
          {doc && !isLinguist && !readOnly && <VersionsPanel jobId={id} lang={lang} kind={kind} etag={doc.etag} versionId={doc.versionId} onRestored={(a) => setDocs({ ...docs, [kind]: fromAnswer(a) })} dirty={isDirty(doc)} />}
        </div>
      </div>
      {conflict && <ConflictDialog conflict={conflict} onResolve={resolveConflict} />}
      {showHelp && <HelpDialog onClose={() => setShowHelp(false)} />}
      <p class="muted">Job status: {statusWords(job.status)}.</p>
      <button type="button" class="linklike" onClick={() => setReloadTick((t) => t + 1)}>
        Reload from the platform
      </button>
    </section>
  );
}

type LanguageQc = {
  status?: string;
  assignee_email?: string;
  rejection_reason?: string;
  history?: { action?: string; by_email?: string; at?: string; reason?: string }[];
  feedback?: { author_email?: string; at?: string; message?: string }[];
};

/** At LANGUAGE_QC: who reviews this language, why it was sent back and the feedback so far, so the
 * linguist sees what to fix where they fix it. */
function LanguageReviewState({ job, lang, role }: { job: Job; lang: string; role: string }) {
  const st = ((job.language_qc ?? {}) as Record<string, LanguageQc>)[lang];
  if (job.status !== "LANGUAGE_QC" || !st) return null;
  const rejected = st.status === "REJECTED" ? [...(st.history ?? [])].reverse().find((h) => h.action === "rejected") : undefined;
  const feedback = st.feedback ?? [];
  return (
    <div class={`banner ${rejected ? "warn-inline" : ""}`}>
      <p class="banner-line">
        {languageName(lang)} language review: {st.status === "APPROVED" ? "approved" : st.status === "REJECTED" ? "sent back" : st.assignee_email ? "assigned" : "not assigned yet"}
        {st.assignee_email ? ` (linguist: ${st.assignee_email})` : ""}.
      </p>
      {rejected && (
        <p class="banner-line">
          Sent back by {rejected.by_email ?? "a project manager"}
          {rejected.at ? ` on ${when(rejected.at)}` : ""}: <q class="user-text">{rejected.reason ?? st.rejection_reason ?? ""}</q>{" "}
          {role === "LINGUIST" ? (
            "A project manager reassigns it to you for rework; then edit, save and approve again."
          ) : (
            <>
              Assign it again on the <Link href="/language-qc">Language review board</Link> so the linguist can rework it.
            </>
          )}
        </p>
      )}
      {feedback.length > 0 && (
        <ul class="banner-list">
          {feedback.map((f, i) => (
            <li key={i}>
              Feedback from {f.author_email ?? "someone"}
              {f.at ? ` (${when(f.at)})` : ""}: <span class="user-text">{f.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function useModal(onClose?: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose?.();
    };
    d?.addEventListener("cancel", cancel);
    return () => d?.removeEventListener("cancel", cancel);
  }, []);
  return ref;
}

function ConflictDialog({ conflict, onResolve }: { conflict: Conflict; onResolve: (how: "reload" | "reapply") => void }) {
  const ref = useModal();
  const author = conflict.theirs.updated_at ? ` at ${new Date(conflict.theirs.updated_at).toLocaleTimeString()}` : "";
  return (
    <dialog ref={ref} aria-labelledby="conflict-title" class="conflict">
      <h2 id="conflict-title">Someone else saved these {conflict.kind} first</h2>
      <p>
        Their version was saved{author}. Your edits are not lost: they are kept on this device until you choose.
      </p>
      <h3>What they changed</h3>
      {conflict.changes.length === 0 ? (
        <p>No cue text or timing changed (only the file's layout).</p>
      ) : (
        <ol class="diff-list">
          {conflict.changes.slice(0, 200).map((c, i) => (
            <li key={i} class={`diff-${c.kind}`}>
              <strong>
                Cue {c.n} {c.kind}
              </strong>
              {c.before && (
                <p>
                  <span class="visually-hidden">Before: </span>
                  <del class="user-text">
                    {shortRange(c.before)} {c.before.text}
                  </del>
                </p>
              )}
              {c.after && (
                <p>
                  <span class="visually-hidden">After: </span>
                  <ins class="user-text">
                    {shortRange(c.after)} {c.after.text}
                  </ins>
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
      <div class="dialog-buttons">
        <button type="button" class="button" onClick={() => onResolve("reapply")}>
          Re-apply my changes on their version
        </button>
        <button type="button" class="button secondary" onClick={() => onResolve("reload")}>
          Reload their version (discard mine)
        </button>
      </div>
    </dialog>
  );
}

function shortRange(c: Cue): string {
  return `[${formatTime(c.start)} → ${formatTime(c.end)}]`;
}

function HelpDialog({ onClose }: { onClose: () => void }) {
  const ref = useModal(onClose);
  return (
    <dialog ref={ref} aria-labelledby="help-title">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" class="button" onClick={onClose} autoFocus>
        Close
      </button>
    </dialog>
  );
}
