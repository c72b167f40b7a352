// WebVTT in the browser: parse into cues, serialise back, times as text. The header block
// (WEBVTT, Kind:, STYLE/NOTE before the first cue) is kept as it was; a NOTE block between cues
// stays attached to the cue after it.
export type Cue = {
  key: number; // identity inside this editor session (ids in the file may repeat or be absent)
  id: string;
  start: number; // seconds
  end: number;
  settings: string;
  text: string;
  notes: string; // NOTE blocks just before this cue, as written
};

export type VttDoc = { header: string; cues: Cue[] };

let nextKey = 1;
export function newKey(): number {
  return nextKey++;
}

const TIMING = /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})(.*)$/;

export function parseTime(s: string): number {
  const parts = s.trim().replace(",", ".").split(":");
  if (parts.length < 2 || parts.length > 3) return NaN;
  const secs = parseFloat(parts[parts.length - 1]);
  const mins = parseInt(parts[parts.length - 2], 10);
  const hours = parts.length === 3 ? parseInt(parts[0], 10) : 0;
  if ([secs, mins, hours].some((n) => Number.isNaN(n))) return NaN;
  return Math.round((hours * 3600 + mins * 60 + secs) * 1000) / 1000;
}

export function formatTime(t: number): string {
  const ms = Math.max(0, Math.round(t * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(rest, 3)}`;
}

/** "00:01:02.500" -> "1:02.5" for compact display. */
export function shortTime(t: number): string {
  const m = Math.floor(t / 60);
  const s = (t - m * 60).toFixed(2).padStart(5, "0");
  return `${m}:${s}`;
}

export function parseVtt(content: string): VttDoc {
  const text = content.replace(/\r\n?/g, "\n").replace(/^\uFEFF/, "");
  const blocks = text.split(/\n{2,}/);
  const headerBlocks: string[] = [];
  const cues: Cue[] = [];
  let pendingNotes: string[] = [];
  let seenCue = false;
  for (const raw of blocks) {
    const block = raw.replace(/^\n+|\n+$/g, "");
    if (!block) continue;
    const lines = block.split("\n");
    const timingLine = TIMING.test(lines[0]) ? 0 : lines.length > 1 && TIMING.test(lines[1]) ? 1 : -1;
    if (timingLine < 0) {
      if (!seenCue) headerBlocks.push(block);
      else pendingNotes.push(block);
      continue;
    }
    seenCue = true;
    const m = TIMING.exec(lines[timingLine])!;
    cues.push({
      key: newKey(),
      id: timingLine === 1 ? lines[0] : "",
      start: parseTime(m[1]),
      end: parseTime(m[2]),
      settings: m[3].trim(),
      text: lines.slice(timingLine + 1).join("\n"),
      notes: pendingNotes.join("\n\n"),
    });
    pendingNotes = [];
  }
  const header = headerBlocks.length ? headerBlocks.join("\n\n") : "WEBVTT";
  return { header, cues };
}

export function serializeVtt(doc: VttDoc): string {
  const out: string[] = [doc.header.trim() || "WEBVTT"];
  for (const c of doc.cues) {
    if (c.notes) out.push(c.notes);
    const timing = `${formatTime(c.start)} --> ${formatTime(c.end)}${c.settings ? " " + c.settings : ""}`;
    out.push([c.id, timing, c.text.replace(/\n{2,}/g, "\n")].filter((l, i) => i > 0 || l).join("\n"));
  }
  return out.join("\n\n") + "\n";
}

/** Renumber numeric ids after insert/split/merge/delete (non-numeric ids are kept). */
export function renumber(cues: Cue[]): Cue[] {
  const numeric = cues.every((c) => c.id === "" || /^\d+$/.test(c.id));
  if (!numeric) return cues;
  return cues.map((c, i) => (c.id === "" || c.id === String(i + 1) ? c : { ...c, id: String(i + 1) }));
}

/** Index of the cue showing at time t (the last one starting at or before t that has not ended). */
export function cueAt(cues: Cue[], t: number): number {
  let lo = 0;
  let hi = cues.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].start <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && t < cues[found].end ? found : -1;
}
