"""Two recognition passes over the same speech combined word by word (ROVER-style voting by
word probability; docs/decisions/0337).

Fast speech is decoded twice (shared.media.whisper): at its own speed and slowed down. The
two passes mishear different words: on the 3.4-minute fast case the normal pass heard 12.4 %
wrong, the slowed pass 8.8-10.0 % and their combination 7.5-8.1 %. The passes are aligned
word by word (fewest edits, a word matching only the same word said about the same time,
within stretches both passes leave silent, so a phrase repeated a minute later is never
matched with its first saying); where they agree the word stays, where they differ the side
whose word (or run of words, by mean word probability) the model was surer of wins, and a
word only one pass heard is kept when its probability reaches KEEP_ALONE."""

from __future__ import annotations

import re

from shared.media.types import Word

# A word (or run of words) only one pass heard is kept when the model gave it at least this
# probability (0.3, 0.5 and 0.7 measured within 0.2 points of WER of each other: 0337).
KEEP_ALONE = 0.5
# The passes are aligned within stretches cut where neither has a word for this long.
WINDOW_GAP = 0.3
# Speech without such silences (a fast talker for minutes) is cut anyway, where no word of
# either pass is being said, once a stretch holds this many words: the alignment's cost grows
# with the square of a stretch's words (400 words align in about 0.1 s).
MAX_WINDOW_WORDS = 400
# Two passes' copies of a word are the same word when their middles lie this close.
MATCH_SECONDS = 1.0

_NOT_WORD = re.compile(r"[^\w'’%]+", re.UNICODE)


def _key(word: Word) -> str:
    """What the passes must agree on: the word without case or punctuation."""
    return _NOT_WORD.sub("", word.text.lower())


def _mean(words: list[Word]) -> float:
    return sum(w.probability for w in words) / len(words) if words else 0.0


def windows(first: list[Word], second: list[Word], gap: float = WINDOW_GAP) -> list[tuple[list[Word], list[Word]]]:
    """Both passes cut into matching stretches of time, at silences of at least `gap` seconds
    that neither pass has a word in (or between words, once a stretch is MAX_WINDOW_WORDS long)."""
    tagged = sorted(
        [(w.start, w.end, 0, w) for w in first] + [(w.start, w.end, 1, w) for w in second], key=lambda t: t[:3]
    )
    out: list[tuple[list[Word], list[Word]]] = []
    cur: tuple[list[Word], list[Word]] = ([], [])
    reach = None
    for start, end, side, word in tagged:
        if reach is not None and (
            start - reach >= gap or (start >= reach and len(cur[0]) + len(cur[1]) >= MAX_WINDOW_WORDS)
        ):
            out.append(cur)
            cur = ([], [])
        cur[side].append(word)
        reach = end if reach is None else max(reach, end)
    if cur[0] or cur[1]:
        out.append(cur)
    return out


def combine(first: list[Word], second: list[Word], lead: float = 0.0, keep_alone: float = KEEP_ALONE) -> list[Word]:
    """One transcript from two passes over the same audio (words in time order, timings on the
    same clock). Where the passes agree, the surer pass's copy of each word is kept; where
    they differ word for word (as many words on each side), `second`'s word wins only when its
    probability beats `first`'s by more than `lead`; a run of other lengths goes to `second`
    only when its words' mean probability beats `first`'s by more than `lead`, and a word only `second` heard needs keep_alone + lead (only `first` heard:
    keep_alone - lead)."""
    out: list[Word] = []
    for a, b in windows(first, second):
        for ours, theirs, same in aligned(a, b):
            if same:
                out += [x if x.probability >= y.probability else y for x, y in zip(ours, theirs)]
            elif len(ours) == len(theirs):  # word for word: each word by its own probability
                out += [x if x.probability + lead >= y.probability else y for x, y in zip(ours, theirs)]
            elif ours and theirs:
                out += ours if _mean(ours) + lead >= _mean(theirs) else theirs
            elif ours and _mean(ours) >= keep_alone - lead:  # heard by the first pass only
                out += ours
            elif theirs and _mean(theirs) >= keep_alone + lead:
                out += theirs
    return _in_order(out)


def aligned(a: list[Word], b: list[Word]) -> list[tuple[list[Word], list[Word], bool]]:
    """The two word lists aligned (fewest edits; a word matches only the same word said within
    MATCH_SECONDS): runs of (a's words, b's words, whether they are the same words)."""
    n, m = len(a), len(b)
    ka, kb = [_key(w) for w in a], [_key(w) for w in b]

    def same(i: int, j: int) -> bool:
        return ka[i] == kb[j] and abs((a[i].start + a[i].end) - (b[j].start + b[j].end)) / 2 <= MATCH_SECONDS

    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = i
    for j in range(m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        row, up = cost[i], cost[i - 1]
        for j in range(1, m + 1):
            row[j] = min(up[j - 1] + (0 if same(i - 1, j - 1) else 1), up[j] + 1, row[j - 1] + 1)
    steps: list[tuple[int, int, bool]] = []  # (i, j, matched), walked back from the end
    i, j = n, m
    while i or j:
        if i and j and same(i - 1, j - 1) and cost[i][j] == cost[i - 1][j - 1]:
            steps.append((i - 1, j - 1, True))
            i, j = i - 1, j - 1
        elif i and j and cost[i][j] == cost[i - 1][j - 1] + 1:
            steps.append((i - 1, j - 1, False))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            steps.append((i - 1, -1, False))
            i -= 1
        else:
            steps.append((-1, j - 1, False))
            j -= 1
    runs: list[tuple[list[Word], list[Word], bool]] = []
    for i, j, matched in reversed(steps):
        if not runs or runs[-1][2] != matched:
            runs.append(([], [], matched))
        if i >= 0:
            runs[-1][0].append(a[i])
        if j >= 0:
            runs[-1][1].append(b[j])
    return runs


def _in_order(words: list[Word]) -> list[Word]:
    """Timings made monotonic: words taken from different passes may overlap by a few
    hundredths at the seams."""
    out: list[Word] = []
    for w in words:
        if out and w.start < out[-1].end:
            start = out[-1].end
            w = Word(start, max(start, w.end), w.text, w.probability, w.speaker)
        out.append(w)
    return out
