// QC flags per cue, recomputed as people type. The caption rules mirror
// shared/media/caption_rules.py (the profiles the pipeline used to make the cues).
import type { Cue } from "./vtt";

export type Profile = {
  name: string;
  maxChars: number;
  maxLines: number;
  minDuration: number;
  maxDuration: number;
  minGapFrames: number;
  maxCps?: number;
  maxWpm?: number;
};

export const PROFILES: Record<string, Profile> = {
  default: { name: "Standard", maxChars: 42, maxLines: 2, minDuration: 5 / 6, maxDuration: 7, minGapFrames: 2, maxCps: 17 },
  bbc: { name: "BBC", maxChars: 37, maxLines: 2, minDuration: 1, maxDuration: 7, minGapFrames: 2, maxWpm: 180 },
  dcmp: { name: "DCMP", maxChars: 32, maxLines: 2, minDuration: 1.5, maxDuration: 6, minGapFrames: 2, maxWpm: 160 },
};

export type Flag = { rule: string; text: string };
export type GlossaryTerm = { source: string; target: string; target_language: string; case_sensitive: boolean };

const NARRATION_WPS = 2.6; // words a narrator speaks per second, to judge whether a description fits

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function glossaryFlags(text: string, lang: string, sourceLang: string, terms: GlossaryTerm[]): Flag[] {
  const flags: Flag[] = [];
  const primary = lang.split("-")[0];
  for (const t of terms) {
    if (!t.source) continue;
    const re = new RegExp(`\\b${escapeRe(t.source)}\\b`, "i");
    const m = re.exec(text);
    if (!m) continue;
    if (primary === sourceLang.split("-")[0]) {
      if (t.case_sensitive && m[0] !== t.source) flags.push({ rule: "glossary", text: `write “${t.source}” as in the glossary` });
    } else if (t.target_language.split("-")[0] === primary && t.target && t.target.toLowerCase() !== t.source.toLowerCase()) {
      flags.push({ rule: "glossary", text: `glossary: “${t.source}” is “${t.target}” in ${lang}` });
    }
  }
  return flags;
}

/** A sound tag cue ("[MUSIC]", "[door slams]", "♪♪"; shared/media/sound_tags.py, decision 0355):
 * its whole text in brackets, or music notes. It is an ordinary cue to edit, but it may stay up as
 * long as the sound, and a description over it does not talk over speech. */
export function isSoundTag(text: string): boolean {
  const flat = text.split(/\s+/).filter(Boolean).join(" ");
  return /^\[[^[\]]+\]$/.test(flat) || /^[♪♫ ]+$/.test(flat);
}

/** A number as Python's f"{x:.<digits>f}" writes it: an exact tie (0.25 to one decimal) rounds to
 * the even digit, where toFixed rounds up. The server's report and this live check print the same
 * figures for the same cue. */
export function fixed(x: number, digits: number): string {
  // toFixed works on the exact binary value, as Python does, and differs only on an exact tie,
  // which its exact expansion shows (x * 10 would make false ties: 0.45 * 10 is 4.5 in floats,
  // while 0.45 is a little over 0.45 and both languages print "0.5").
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf(".");
  if (!/^50*$/.test(exact.slice(dot + 1 + digits))) return x.toFixed(digits);
  const last = Number(exact[digits ? dot + digits : dot - 1]);
  if (last % 2 === 1) return x.toFixed(digits); // the tie rounds up to the even digit, as toFixed does
  const down = exact.slice(0, digits ? dot + 1 + digits : dot);
  return (x < 0 && Number(down) !== 0 ? "-" : "") + down;
}

/** Characters of a cue as the server counts them (caption_rules._chars): code points, runs of
 * spaces and the line break as one space. */
function charCount(text: string): number {
  return [...text.split(/\s+/).filter(Boolean).join(" ")].length;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Seconds the text needs on screen at the profile's reading speed (caption_rules.reading_time). */
export function readingTime(text: string, p: Profile): number {
  let need = 0;
  if (p.maxCps) need = Math.max(need, charCount(text) / p.maxCps);
  if (p.maxWpm) need = Math.max(need, (wordCount(text) * 60) / p.maxWpm);
  return need;
}

/** Free seconds around cue i: after the previous cue and its gap, before the next cue's gap
 * (caption_rules.room_around). */
export function roomAround(cues: Cue[], i: number, gap: number): number {
  const c = cues[i];
  const before = c.start - (i > 0 ? cues[i - 1].end + gap : 0);
  const after = i + 1 < cues.length ? cues[i + 1].start - gap - c.end : 0;
  return Math.max(0, before) + Math.max(0, after);
}

/** How to bring a cue that is too fast to read within the profile, worded and computed as the
 * saved QC report does (caption_rules._reading_help, decision 0339): extend it into the free
 * time around it when that is enough, else condense it by so many characters (words for the
 * profiles that count words a minute). */
export function readingHelp(cues: Cue[], i: number, p: Profile, gap: number): string {
  const c = cues[i];
  const has = c.end - c.start;
  const need = readingTime(c.text, p);
  const room = roomAround(cues, i, gap);
  if (has + room >= need - 0.005) return `it needs ${fixed(need, 1)} s and there is ${fixed(room, 1)} s free around it: extend it into the gap`;
  const seconds = has + room;
  let keep: number;
  let cut: number;
  let unit: string;
  if (p.maxCps) {
    keep = Math.trunc(p.maxCps * seconds);
    cut = charCount(c.text) - keep;
    unit = cut === 1 ? "character" : "characters";
  } else {
    keep = Math.trunc(((p.maxWpm ?? 0) * seconds) / 60);
    cut = wordCount(c.text) - keep;
    unit = cut === 1 ? "word" : "words";
  }
  const free = room >= 0.05 ? ` (${fixed(room, 1)} s free around it)` : " (no free time around it)";
  // two decimals where one would print "needs 2.2 s, has 2.2 s" for a cue that is too short
  const digits = fixed(need, 1) === fixed(has, 1) ? 2 : 1;
  return `it needs ${fixed(need, digits)} s, has ${fixed(has, digits)} s${free}: condense it by ${cut} ${unit} to at most ${keep}`;
}

/** Flags of caption cue i. */
export function captionFlags(cues: Cue[], i: number, p: Profile, fps: number, lang: string, sourceLang: string, terms: GlossaryTerm[]): Flag[] {
  const c = cues[i];
  const flags: Flag[] = [];
  const lines = c.text.split("\n");
  if (!c.text.trim()) flags.push({ rule: "empty", text: "no text" });
  if (lines.length > p.maxLines) flags.push({ rule: "line_count", text: `${lines.length} lines (max ${p.maxLines})` });
  lines.forEach((line, n) => {
    const length = [...line].length; // code points, as the server counts
    if (length > p.maxChars) flags.push({ rule: "line_length", text: `line ${n + 1}: ${length} characters (max ${p.maxChars})` });
  });
  const d = c.end - c.start;
  if (d <= 0) flags.push({ rule: "timing", text: "ends before it starts" });
  else {
    if (d < p.minDuration - 1e-3) flags.push({ rule: "min_duration", text: `${d.toFixed(2)} s on screen (min ${p.minDuration.toFixed(2)} s)` });
    if (d > p.maxDuration + 1e-3 && !isSoundTag(c.text)) flags.push({ rule: "max_duration", text: `${d.toFixed(2)} s on screen (max ${p.maxDuration.toFixed(2)} s)` });
    // The same figures and advice as the saved report's reading_speed issue (decision 0339),
    // recomputed as the reviewer types or retimes (the advice depends on the neighbours' times).
    const gap = p.minGapFrames / (fps || 25);
    const chars = charCount(c.text);
    if (p.maxCps && chars / d > p.maxCps + 0.05)
      flags.push({ rule: "reading_speed", text: `${fixed(chars / d, 1)} characters/s (max ${p.maxCps}); ${readingHelp(cues, i, p, gap)}` });
    const words = wordCount(c.text);
    if (p.maxWpm && (words * 60) / d > p.maxWpm + 0.5)
      flags.push({ rule: "reading_speed", text: `${fixed((words * 60) / d, 0)} words/min (max ${p.maxWpm}); ${readingHelp(cues, i, p, gap)}` });
  }
  if (i + 1 < cues.length) {
    const g = cues[i + 1].start - c.end;
    if (g < 0) flags.push({ rule: "overlap", text: `overlaps the next cue by ${(-g).toFixed(2)} s` });
    else if (g < p.minGapFrames / fps - 1e-3) flags.push({ rule: "gap", text: `${(g * fps).toFixed(1)} frames before the next cue (min ${p.minGapFrames})` });
  }
  return flags.concat(glossaryFlags(c.text, lang, sourceLang, terms));
}

/** Flags of description cue i: does it fit its slot, does it talk over speech (extended AD)? */
export function descriptionFlags(cues: Cue[], i: number, speech: Cue[], extendedAd: boolean, lang: string, sourceLang: string, terms: GlossaryTerm[]): Flag[] {
  const c = cues[i];
  const flags: Flag[] = [];
  if (!c.text.trim()) flags.push({ rule: "empty", text: "no text" });
  const d = c.end - c.start;
  if (d <= 0) flags.push({ rule: "timing", text: "ends before it starts" });
  const words = c.text.split(/\s+/).filter(Boolean).length;
  const needs = words / NARRATION_WPS;
  const overlapping = speech.filter((s) => s.start < c.end && s.end > c.start && !isSoundTag(s.text)).length;
  if (overlapping) {
    flags.push(
      extendedAd
        ? { rule: "extended_ad", text: `extended: the video pauses here (overlaps ${overlapping} caption cue${overlapping > 1 ? "s" : ""})` }
        : { rule: "overlaps_speech", text: `talks over ${overlapping} caption cue${overlapping > 1 ? "s" : ""}; shorten or move it (extended AD is off)` },
    );
  }
  if (d > 0 && needs > d + 0.25)
    flags.push(
      extendedAd
        ? { rule: "extended_ad", text: `needs about ${needs.toFixed(1)} s to speak, slot is ${d.toFixed(1)} s: the video pauses` }
        : { rule: "too_long", text: `needs about ${needs.toFixed(1)} s to speak, slot is ${d.toFixed(1)} s` },
    );
  if (i + 1 < cues.length && cues[i + 1].start < c.end) flags.push({ rule: "overlap", text: "overlaps the next description" });
  return flags.concat(glossaryFlags(c.text, lang, sourceLang, terms));
}
