// The narration step's plan (jobs/<id>/work/<lang>/narration.json, shared/media/narration.py):
// one clip per description, `extended` when no gap was long enough and the extended video holds
// the picture while it is spoken. The narration stem holds only the standard clips, so the review
// screen plays the extended ones from their own files (decision 0825).
export type NarrationClip = { name: string; start: number; duration: number; slot: number; text: string; extended: boolean };

const CLIP_NAME = /^ad-\d{3}\.wav$/;

/** The clips of a plan file's JSON; anything malformed is left out. */
export function parsePlan(json: unknown): NarrationClip[] {
  const clips = (json && typeof json === "object" ? (json as { clips?: unknown }).clips : undefined) ?? [];
  if (!Array.isArray(clips)) return [];
  return clips
    .filter((c): c is Record<string, unknown> => !!c && typeof c === "object")
    .filter((c) => typeof c.name === "string" && CLIP_NAME.test(c.name) && typeof c.start === "number" && typeof c.duration === "number")
    .map((c) => ({
      name: c.name as string,
      start: c.start as number,
      duration: c.duration as number,
      slot: typeof c.slot === "number" ? c.slot : 0,
      text: typeof c.text === "string" ? c.text : "",
      extended: c.extended === true,
    }))
    .sort((a, b) => a.start - b.start);
}

const words = (t: string) => t.split(/\s+/).filter(Boolean).join(" ");

/** The clip recorded for a description cue (the plan keeps the cue's start, to the millisecond),
 * and whether the cue's text was edited since it was recorded. */
export function clipFor(clips: NarrationClip[], cue: { start: number; text: string }): { clip: NarrationClip; edited: boolean } | null {
  const clip = clips.find((c) => Math.abs(c.start - cue.start) < 0.002);
  return clip ? { clip, edited: words(clip.text) !== words(cue.text) } : null;
}

/** The extended clip whose start playback crossed between `from` and `to` (a second or less of
 * play, not a seek), if any. */
export function extendedCrossed(clips: NarrationClip[], from: number, to: number): NarrationClip | null {
  if (!(to > from) || to - from > 1) return null;
  return clips.find((c) => c.extended && from < c.start && c.start <= to) ?? null;
}
