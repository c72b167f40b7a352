// Comparing and combining cue lists: what another person changed (shown in the conflict
// dialog) and re-applying my edits on top of their saved version.
import { newKey, type Cue } from "./vtt";

export type CueChange = { n: number; kind: "changed" | "added" | "removed"; before?: Cue; after?: Cue };

function same(a: Cue, b: Cue): boolean {
  return a.text === b.text && Math.abs(a.start - b.start) < 5e-4 && Math.abs(a.end - b.end) < 5e-4;
}

/** Cue-by-cue differences from `a` to `b` (positional, with insertions/removals detected by LCS). */
export function diffCues(a: Cue[], b: Cue[]): CueChange[] {
  const n = a.length;
  const m = b.length;
  // LCS over "same cue" is O(n*m); for very long lists fall back to positional comparison.
  if (n * m > 4_000_000) {
    const out: CueChange[] = [];
    for (let i = 0; i < Math.max(n, m); i++) {
      if (i >= n) out.push({ n: i + 1, kind: "added", after: b[i] });
      else if (i >= m) out.push({ n: i + 1, kind: "removed", before: a[i] });
      else if (!same(a[i], b[i])) out.push({ n: i + 1, kind: "changed", before: a[i], after: b[i] });
    }
    return out;
  }
  const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = same(a[i], b[j]) ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out: CueChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[i], b[j])) {
      i++;
      j++;
    } else if (i < n && j < m && L[i + 1][j + 1] === L[i][j]) {
      out.push({ n: j + 1, kind: "changed", before: a[i], after: b[j] });
      i++;
      j++;
    } else if (j < m && (i >= n || L[i][j + 1] >= L[i + 1][j])) {
      out.push({ n: j + 1, kind: "added", after: b[j] });
      j++;
    } else {
      out.push({ n: j + 1, kind: "removed", before: a[i] });
      i++;
    }
  }
  return out;
}

/**
 * Re-apply my edits (base -> mine) on their version (base -> theirs). Cues are matched by
 * position when base and theirs have the same number of cues: a cue I changed takes my
 * version, one only they changed keeps theirs. When they added or removed cues, my document is
 * kept whole (the dialog has shown what they changed, and their version stays in the history).
 */
export function reapply(base: Cue[], mine: Cue[], theirs: Cue[]): { cues: Cue[]; merged: boolean } {
  const baseKeys = new Map(base.map((c, i) => [c.key, i]));
  const structuralMine = mine.length !== base.length || mine.some((c, i) => baseKeys.get(c.key) !== i);
  if (theirs.length !== base.length || structuralMine) return { cues: mine.map((c) => ({ ...c })), merged: false };
  const cues = theirs.map((t, i) => {
    const mineChanged = !same(mine[i], base[i]);
    return mineChanged ? { ...mine[i], key: newKey() } : { ...t, key: newKey() };
  });
  return { cues, merged: true };
}
