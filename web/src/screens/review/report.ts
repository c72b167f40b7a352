// The pipeline's QC report (jobs/<id>/<lang>/qc-report.json, written by
// shared/pipeline/media_steps.py) in words a reviewer understands: one note per thing the
// pipeline noticed, grouped by section, each with the cue it is about (kind + time) to jump to.
import { languageName } from "../../app/languages";
import { shortTime, type Cue } from "./vtt";

export type NoteKind = "captions" | "descriptions";
export type Note = {
  text: string;
  warn: boolean; // needs a person's look (a rule broken, a guess made); otherwise information
  kind?: NoteKind; // the cue list to jump to
  at?: number; // seconds: the cue playing at this time
  quote?: string; // a person's or the pipeline's text, shown as text
};
export type Section = { id: string; title: string; summary: string; notes: Note[] };
/** The source language's cues (a translation's reference), to find where a glossary term is said. */
export type SourceCues = Partial<Record<NoteKind, Cue[]>>;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x) => x && typeof x === "object").map((x) => x as Json) : []);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (p: number | undefined) => (p === undefined ? "" : `${Math.round(p * 100)}%`);

const PROFILE_NAMES: Record<string, string> = { netflix: "Standard", default: "Standard", "netflix-children": "Standard (children)", bbc: "BBC", dcmp: "DCMP" };

/** What each caption rule of shared/media/caption_rules.check means, in a person's words. */
export const RULE_WORDS: Record<string, string> = {
  line_count: "Too many lines",
  line_length: "Line too long",
  line_break: "Awkward line break",
  sentence_end: "A sentence ends inside the cue",
  pause: "A pause inside the cue",
  speaker_change: "The speaker changes inside the cue",
  min_duration: "Too short on screen",
  max_duration: "Too long on screen",
  reading_speed: "Too fast to read",
  timing: "Ends before it starts",
  overlap: "Overlaps the next cue",
  gap: "Too close to the next cue",
  sound_tag: "A sound tag covers speech",
  language: "Spoken language",
};

function languageSection(r: Json, lang: string): Section | null {
  const l = obj(r.language);
  const status = str(l.status);
  if (!status) return null;
  const claimed = str(l.claimed) || lang;
  const heard = str(l.heard);
  const sure = pct(num(l.probability));
  const notes: Note[] = [];
  let summary: string;
  if (status === "match") summary = `Heard ${languageName(heard || claimed)} as expected${sure ? `, ${sure} sure` : ""}.`;
  else if (status === "mismatch") {
    summary = `The speech sounds like ${languageName(heard)} (${sure} sure), not ${languageName(claimed)}, the language the job was created with.`;
    notes.push({ warn: true, text: "No captions were made from this speech." });
  } else if (status === "unsure")
    summary = `Not sure the speech is ${languageName(claimed)}: it sounds most like ${languageName(heard)} (${sure} sure). Check the captions read as ${languageName(claimed)}.`;
  else if (status === "detected") summary = `The spoken language was detected: ${languageName(heard)}${sure ? ` (${sure} sure)` : ""}.`;
  else if (status === "no_speech") summary = "No speech was heard, so the language could not be checked.";
  else summary = str(l.detail) || status;
  const detail = str(l.detail);
  if (detail && status !== "match") notes.push({ warn: false, text: detail });
  const alternatives = Array.isArray(l.alternatives) ? (l.alternatives as unknown[]) : [];
  const others = alternatives
    .filter((a): a is [string, number] => Array.isArray(a) && typeof a[0] === "string" && typeof a[1] === "number")
    .map(([code, p]) => `${languageName(code)} ${pct(p)}`);
  if (others.length && status !== "match") notes.push({ warn: false, text: `Other languages it could be: ${others.join(", ")}.` });
  return { id: "language", title: "Spoken language", summary, notes };
}

function captionsSection(r: Json): Section | null {
  const c = obj(r.captions);
  if (!Object.keys(c).length) return null;
  const notes: Note[] = [];
  if (str(c.note)) notes.push({ warn: false, text: str(c.note) });
  for (const i of arr(c.issues)) {
    const rule = str(i.rule);
    if (rule === "language") continue; // the spoken-language section says it
    const words = RULE_WORDS[rule] ?? rule.replace(/_/g, " ");
    const cue = num(i.cue);
    const said = rule === "sentence_end" ? sentenceEndWords(str(i.detail)) : "";
    notes.push({
      warn: true,
      kind: num(i.start) === undefined ? undefined : "captions",
      at: num(i.start),
      text: said ? `${cue === undefined ? "" : `Cue ${cue}: `}${said}` : cue === undefined ? `${words}: ${str(i.detail)}` : `Cue ${cue}: ${words.toLowerCase()}: ${str(i.detail)}`,
      quote: str(i.text) || undefined,
    });
  }
  for (const a of arr(c.sentence_ends_added)) {
    notes.push({
      warn: true,
      kind: "captions",
      at: num(a.start),
      text: `A full stop was added after “${str(a.after)}” (before “${str(a.before)}”): the voice fell and paused at ${shortTime(num(a.start) ?? 0)}, though the recogniser wrote no full stop. Check the sentence really ends there.`,
    });
  }
  for (const d of arr(c.dropped_text)) {
    const why = str(d.reason) === "repetition loop" ? "the recogniser repeated itself" : str(d.reason) === "text over silence" ? "nothing was heard there" : str(d.reason);
    notes.push({ warn: true, kind: "captions", at: num(d.start), text: `Words left out at ${shortTime(num(d.start) ?? 0)} because ${why}. Add them back if they were really said.`, quote: str(d.text) || undefined });
  }
  for (const t of arr(c.sound_tags)) {
    const start = num(t.start);
    const end = num(t.end);
    if (start === undefined || end === undefined) continue;
    notes.push({
      warn: false,
      kind: "captions",
      at: start,
      text: `${str(t.kind) === "music" || !str(t.kind) ? "Music" : str(t.kind).replace(/_/g, " ")} without speech from ${shortTime(start)} to ${shortTime(end)}: a sound tag cue says so where 2 s or more of it is clear of the captions (edit or delete it like any cue).`,
    });
  }
  const numbers = num(c.numbers_rewritten) ?? 0;
  if (numbers)
    notes.push({
      warn: false,
      text: `${plural(numbers, "number was", "numbers were")} rewritten in the captions' house style: one to ten in words, 11 and over in figures (“forty” became “40”), percentages in figures, and a number that starts a sentence in words. Years, times and ordinals were left as said.`,
    });
  const recased = num(c.words_recased) ?? 0;
  if (recased)
    notes.push({
      warn: false,
      text: `${plural(recased, "word was", "words were")} respelt so each is written one way throughout: a glossary term as the glossary writes it, and a capital the recogniser put inside a sentence lowered where the word is lower case elsewhere.`,
    });
  if (c.punctuation_restored === true) notes.push({ warn: true, text: "The recogniser gave no punctuation: the platform added the capitals and full stops. Check sentences start and end in the right places." });
  const speakers = num(c.speakers);
  const cues = num(c.cues) ?? 0;
  const checked = arr(c.issues).filter((i) => str(i.rule) !== "language");
  const guesses = checked.filter((i) => /^a sentence may end/.test(str(i.detail))).length;
  const issues = checked.length - guesses;
  const summary = [
    `${plural(cues, "cue")} made with the ${PROFILE_NAMES[str(c.profile)] ?? (str(c.profile) || "Standard")} rules`,
    speakers && speakers > 1 ? `${speakers} speakers (a new speaker's cue starts with “- ”)` : "",
    issues ? `${plural(issues, "rule")} still broken when the pipeline finished` : "every cue kept the rules when the pipeline finished",
    guesses ? `${plural(guesses, "cue")} where a sentence may end (from the voice) to check` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return { id: "captions", title: "Captions", summary: `${summary}.`, notes };
}

/** A sentence_end rule's detail (shared/media/caption_rules.check) in words: "may end" is a
 * guess from the voice (a pause and a falling pitch), "ends" is a full stop inside the cue. */
export function sentenceEndWords(detail: string): string {
  const maybe = /^a sentence may end inside the cue after (['"])(.*)\1/.exec(detail);
  if (maybe)
    return `a sentence may end after “${maybe[2]}”: the voice paused and fell there, but no full stop was heard. If a new sentence starts there, add the full stop and split the cue; if not, leave it.`;
  const ends = /^a sentence ends inside the cue \(after (['"])(.*)\1\)/.exec(detail);
  if (ends) return `a sentence ends inside the cue, after “${ends[2]}”: split the cue there so each sentence starts a cue.`;
  return "";
}

function descriptionsSection(r: Json, extendedAd: boolean): Section | null {
  const d = obj(r.descriptions);
  if (!Object.keys(d).length) return null;
  const notes: Note[] = [];
  for (const e of arr(d.extended)) {
    const needed = num(e.needed);
    notes.push({
      warn: !extendedAd,
      kind: "descriptions",
      at: num(e.start),
      text: `Extended at ${shortTime(num(e.start) ?? 0)}: no gap in the dialogue is long enough, so the accessible video pauses${needed ? ` about ${needed.toFixed(1)} s` : ""} while it is spoken.`,
      quote: str(e.text) || undefined,
    });
  }
  const overlapping = num(d.overlapping) ?? 0;
  if (overlapping) notes.push({ warn: true, text: `${plural(overlapping, "description")} overlap the next one.` });
  const gaps = num(d.gaps);
  const count = num(d.cues) ?? 0;
  const minGap = num(d.min_gap_seconds) ?? 2;
  const summary = count
    ? `${plural(count, "description")} placed in ${gaps === undefined ? "the" : plural(gaps, "gap")} of ${minGap} s or more between speech${arr(d.extended).length ? `; ${arr(d.extended).length} extended` : ""}.`
    : `No descriptions: ${gaps ? "nothing new was seen to describe" : `there is no gap of ${minGap} s or more between speech`}.`;
  return { id: "descriptions", title: "Descriptions", summary, notes };
}

const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where the source language says a glossary term that the translation did not keep. The report
 * says where the text with the term starts (`kind`, `at`: the first cue of its sentence, or the
 * description; decision 0831): the jump goes to the first cue from there that says the term, or
 * to the sentence's start. A report from before then has only `cue`, which counts the texts sent
 * for translation, not cues: the entry is found by rank (the n-th text with the term, enforced or
 * not, is the n-th source cue that says it, captions first, then descriptions). */
function whereSaid(entry: Json, all: Json[], source: SourceCues): { kind: NoteKind; at: number } | null {
  const term = str(entry.source).trim();
  if (!term) return null;
  const said = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(term).replace(/\s+/g, "\\s+")}($|[^\\p{L}\\p{N}])`, "iu");
  const kind = entry.kind === "captions" || entry.kind === "descriptions" ? (entry.kind as NoteKind) : null;
  const from = num(entry.at);
  if (kind && from !== undefined) {
    for (const c of source[kind] ?? []) {
      if (c.start < from - 0.002) continue;
      if (said.test(c.text)) return { kind, at: c.start };
      if (kind === "descriptions" || /[.!?…]["”’)]*$/.test(c.text.trim())) break; // the sentence ended
    }
    return { kind, at: from };
  }
  const places: { kind: NoteKind; at: number }[] = [];
  for (const kind of ["captions", "descriptions"] as NoteKind[])
    for (const c of source[kind] ?? []) if (said.test(c.text)) places.push({ kind, at: c.start });
  if (!places.length) return null;
  const same = all.filter((e) => str(e.source) === str(entry.source)).map((e) => num(e.cue) ?? 0).sort((a, b) => a - b);
  const rank = Math.max(0, same.indexOf(num(entry.cue) ?? 0));
  return places[Math.min(rank, places.length - 1)];
}

function glossarySection(r: Json, lang: string, source: SourceCues): Section | null {
  const g = obj(r.glossary);
  if (!Object.keys(g).length) return null;
  const all = [...arr(g.enforced), ...arr(g.unenforced)];
  const notes: Note[] = arr(g.unenforced).map((u) => {
    const at = whereSaid(u, all, source);
    return {
      warn: true,
      kind: at?.kind,
      at: at?.at,
      text: `“${str(u.source)}” should be “${str(u.target)}” in ${languageName(lang)}, but the translation does not use it (${str(u.reason) || "not kept"}). ${at ? "Fix it in the cue where it is said:" : "Find where it is said and fix it."}`,
    };
  });
  const enforced = arr(g.enforced).length;
  const terms = num(g.terms) ?? 0;
  const summary = !g.glossary_id ? "The job has no glossary." : terms ? `${plural(terms, "glossary term")} for ${languageName(lang)}; used ${plural(enforced, "time")}, missing ${arr(g.unenforced).length}.` : "No glossary terms for this language.";
  return { id: "glossary", title: "Glossary", summary, notes };
}

function speechSection(r: Json): Section | null {
  const s = obj(r.speech);
  if (!Object.keys(s).length) return null;
  const notes: Note[] = [];
  for (const c of arr(s.rate_raised)) {
    notes.push({ warn: true, kind: "descriptions", at: num(c.start), text: `Spoken ${(num(c.rate) ?? 1).toFixed(2)}× faster at ${shortTime(num(c.start) ?? 0)} to fit its gap; shorten it if that sounds rushed.`, quote: str(c.text) || undefined });
  }
  for (const c of arr(s.extended)) {
    notes.push({ warn: false, kind: "descriptions", at: num(c.start), text: `Extended narration at ${shortTime(num(c.start) ?? 0)}: the video pauses while it is spoken.`, quote: str(c.text) || undefined });
  }
  for (const lv of arr(s.inaudible)) {
    notes.push({ warn: true, kind: "descriptions", at: num(lv.start), text: `The narration at ${shortTime(num(lv.start) ?? 0)} is too quiet to hear (${(num(lv.level_dbfs) ?? 0).toFixed(0)} dBFS).` });
  }
  const clips = num(s.clips) ?? 0;
  const extended = arr(s.extended).length;
  const heard = arr(s.inaudible).length ? `${arr(s.inaudible).length} too quiet` : `every ${extended ? "standard " : ""}one loud enough to hear`;
  return { id: "speech", title: "Narration", summary: `${plural(clips, "description")} spoken${extended ? ` (${extended} extended: the picture holds while ${extended === 1 ? "it is" : "they are"} spoken)` : ""}; ${heard}.`, notes };
}

function renderSection(r: Json): Section | null {
  const v = obj(r.render);
  const kinds = Object.keys(v);
  if (!kinds.length) return null;
  const names: Record<string, string> = { accessible: "accessible video", burned_in: "video with burned-in captions", extended: "extended video" };
  const notes = kinds.map((k) => {
    const streams = arr(obj(v[k]).streams).map((s) => str(s.kind)).filter(Boolean);
    const duration = num(obj(v[k]).duration);
    return { warn: false, text: `The ${names[k] ?? k} was checked after it was made: ${duration === undefined ? "" : `${shortTime(duration)} long, `}${streams.length ? `tracks: ${streams.join(", ")}` : "no track list"}.` };
  });
  return { id: "render", title: "Accessible video", summary: `${plural(kinds.length, "video")} made and checked.`, notes };
}

/** Every section of the report that has something in it, in the order a reviewer meets them. */
export function reportSections(report: unknown, lang: string, extendedAd: boolean, source: SourceCues = {}): Section[] {
  const r = obj(report);
  return [languageSection(r, lang), captionsSection(r), descriptionsSection(r, extendedAd), glossarySection(r, lang, source), speechSection(r), renderSection(r)].filter((s): s is Section => s !== null);
}
