// Unsaved edits kept in localStorage, so nothing typed is lost on a reload, a network error or
// an expired session. One draft per job, language and kind; cleared by a successful save.
import type { Cue } from "./vtt";

export type Draft = { etag: string; base: string; header: string; cues: Cue[]; savedAt: number };

const key = (job: string, lang: string, kind: string) => `avp-draft:${job}:${lang}:${kind}`;

export function loadDraft(job: string, lang: string, kind: string): Draft | null {
  try {
    const raw = localStorage.getItem(key(job, lang, kind));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

export function saveDraft(job: string, lang: string, kind: string, draft: Draft): void {
  try {
    localStorage.setItem(key(job, lang, kind), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the edits stay in memory only
  }
}

export function clearDraft(job: string, lang: string, kind: string): void {
  localStorage.removeItem(key(job, lang, kind));
}
