"""Captions translated a whole sentence at a time, then re-timed into cues (pure, no I/O).

Cue fragments translated on their own lose their grammar ("half priced / this week" becomes
two broken phrases). So consecutive cues are joined into sentences (a group closes at the cue
whose text ends a sentence), each sentence is translated whole, and the translation is cut back
into the same cues: the words are shared out in proportion to the source cues' lengths, each
cut moved to the nearest clause punctuation and never after an article or preposition. Cue
timings (which already respect pauses and speaker changes) are kept; a speaker mark on a source
cue is carried to its translated cue. A sound tag cue ("[music]") is a group of its own, worded
in the target language from shared.media.sound_tags' phrases, never machine-translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.media import caption_rules as cr
from shared.media import sound_tags
from shared.media.types import Cue

_SENTENCE_END = re.compile(r"[.!?…]['\")\]»]*$")
_CLAUSE_END = re.compile(r"[,;:]['\")\]»]*$")


@dataclass
class Sentence:
    text: str
    cues: list[int]  # indices of the source cues it spans
    lengths: list[int]  # characters of each of those cues' text
    marked: list[bool]  # whether each cue started with a speaker mark
    tag: bool = False  # a sound tag ("[music]"): its own group, worded from the target's phrases


def _unmark(text: str, mark: str) -> tuple[str, bool]:
    flat = " ".join(text.split())
    m = mark.strip()
    if m and flat.startswith(m + " "):
        return flat[len(m) + 1 :], True
    return flat, False


def sentences(cues: list[Cue], prof: cr.Profile) -> list[Sentence]:
    out: list[Sentence] = []
    cur: Sentence | None = None
    for i, cue in enumerate(cues):
        text, marked = _unmark(cue.text, prof.speaker_mark)
        if sound_tags.is_tag(text):  # a sound tag stands alone, never merged into a sentence
            if cur is not None:
                out.append(cur)
                cur = None
            out.append(Sentence(text, [i], [max(1, len(text))], [False], tag=True))
            continue
        if cur is None or marked:
            if cur is not None:
                out.append(cur)
            cur = Sentence("", [], [], [])
        cur.text = f"{cur.text} {text}".strip()
        cur.cues.append(i)
        cur.lengths.append(max(1, len(text)))
        cur.marked.append(marked)
        if _SENTENCE_END.search(text):
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def _cut_cost(words: list[str], j: int, target: float) -> float:
    chars = len(" ".join(words[:j]))
    cost = abs(chars - target)
    last = words[j - 1]
    if _SENTENCE_END.search(last):
        cost -= 10
    elif _CLAUSE_END.search(last):
        cost -= 6
    if cr.dangles(last):
        cost += 50
    return cost


def split(translation: str, lengths: list[int]) -> list[str]:
    """The translation shared out over len(lengths) pieces in proportion to `lengths`
    (an empty piece where there are fewer words than pieces)."""
    words = translation.split()
    n = len(lengths)
    if n == 1:
        return [" ".join(words)]
    total_src = sum(lengths)
    total = len(" ".join(words))
    pieces: list[str] = []
    start = 0
    acc = 0
    for k in range(n - 1):
        acc += lengths[k]
        remaining_pieces = n - 1 - k
        lo = start + 1
        hi = len(words) - remaining_pieces
        if lo > hi:
            pieces.append(" ".join(words[start:lo]) if start < len(words) else "")
            start = min(lo, len(words))
            continue
        target = total * acc / total_src
        j = min(range(lo, hi + 1), key=lambda j: _cut_cost(words, j, target))
        pieces.append(" ".join(words[start:j]))
        start = j
    pieces.append(" ".join(words[start:]))
    return pieces


def retime(
    cues: list[Cue],
    groups: list[Sentence],
    translations: list[str],
    prof: cr.Profile,
    fps: float | None = None,
    duration: float | None = None,
) -> list[Cue]:
    """Translated cues on the source cues' timings; a cue left without words hands its time to
    the cue before it. With `fps`, each cue's end then stretches toward the reading time of
    its own (usually longer) text, without crowding the next cue (caption_rules.time_cues)."""
    out: list[Cue] = []
    for group, text in zip(groups, translations):
        for k, piece in zip(group.cues, split(text, group.lengths)):
            src = cues[k]
            marked = group.marked[group.cues.index(k)]
            if not piece:
                if out and out[-1].end <= src.end:
                    out[-1].end = src.end
                continue
            body = (prof.speaker_mark + piece) if marked else piece
            out.append(Cue(src.start, src.end, cr.wrap(body, prof)))
    if fps:
        cr.time_cues(out, prof, fps, duration)
    return out
