"""Caption delivery profiles, cue building from word timings, line breaking and QC checks.

Pure functions over plain data (no I/O). The default profile follows the Netflix English
template; `bbc` and `dcmp` follow those guides' headline numbers (docs/decisions/0301).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.media.types import Cue, Word


@dataclass(frozen=True)
class Profile:
    name: str
    max_chars: int  # per line
    max_lines: int
    min_duration: float  # seconds
    max_duration: float
    min_gap_frames: int
    max_cps: float | None = None  # characters per second (spaces count)
    max_wpm: float | None = None  # words per minute
    pause_break: float = 1.2  # a silence this long between words always starts a new cue
    chain_gap: float = 0.5  # gaps shorter than this are closed down to min_gap_frames


PROFILES = {
    "netflix": Profile(
        "netflix", max_chars=42, max_lines=2, min_duration=5 / 6, max_duration=7.0, min_gap_frames=2, max_cps=17.0
    ),
    "netflix-children": Profile(
        "netflix-children",
        max_chars=42,
        max_lines=2,
        min_duration=5 / 6,
        max_duration=7.0,
        min_gap_frames=2,
        max_cps=13.0,
    ),
    "bbc": Profile(
        "bbc", max_chars=37, max_lines=2, min_duration=1.0, max_duration=7.0, min_gap_frames=2, max_wpm=180.0
    ),
    "dcmp": Profile(
        "dcmp", max_chars=32, max_lines=2, min_duration=1.5, max_duration=6.0, min_gap_frames=2, max_wpm=160.0
    ),
}

_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$")
_CLAUSE_END = re.compile(r"[,;:]['\")\]]*$")


def profile(name: str | None) -> Profile:
    """The named profile (default netflix); ValueError for an unknown name."""
    key = (name or "netflix").lower()
    if key == "default":
        key = "netflix"
    if key not in PROFILES:
        raise ValueError(f"unknown caption profile {name!r}; known: {', '.join(sorted(PROFILES))}")
    return PROFILES[key]


# ---------------------------------------------------------------- line breaking


def _break_cost(first: list[str], second: list[str]) -> float:
    a, b = " ".join(first), " ".join(second)
    cost = abs(len(a) - len(b))
    last = first[-1]
    if _SENTENCE_END.search(last):
        cost -= 12
    elif _CLAUSE_END.search(last):
        cost -= 6
    # Do not leave a short function word dangling at the end of the first line.
    if last.lower() in {"a", "an", "the", "to", "of", "and", "or", "in", "on", "at", "de", "la", "el", "y", "en"}:
        cost += 8
    return cost


def wrap(text: str, prof: Profile) -> str:
    """Lines joined with '\\n': one line if it fits, else the most balanced break (bottom-heavy
    ties, preferring punctuation); more lines only when two cannot hold the text."""
    words = text.split()
    if not words:
        return ""
    joined = " ".join(words)
    if len(joined) <= prof.max_chars:
        return joined
    best = None
    for i in range(1, len(words)):
        first, second = words[:i], words[i:]
        if len(" ".join(first)) > prof.max_chars or len(" ".join(second)) > prof.max_chars:
            continue
        cost = _break_cost(first, second)
        if best is None or cost < best[0]:
            best = (cost, i)
    if best is not None:
        i = best[1]
        return " ".join(words[:i]) + "\n" + " ".join(words[i:])
    lines, line = [], ""
    for w in words:  # cannot fit in two lines: greedy fill (QC reports it)
        if line and len(line) + 1 + len(w) > prof.max_chars:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


def fits(text: str, prof: Profile) -> bool:
    lines = wrap(text, prof).split("\n")
    return len(lines) <= prof.max_lines and all(len(line) <= prof.max_chars for line in lines)


# ---------------------------------------------------------------- reading speed


def _chars(text: str) -> int:
    return len(" ".join(text.split()))


def reading_time(text: str, prof: Profile) -> float:
    """Seconds the text needs on screen at the profile's reading speed."""
    need = 0.0
    if prof.max_cps:
        need = max(need, _chars(text) / prof.max_cps)
    if prof.max_wpm:
        need = max(need, len(text.split()) * 60.0 / prof.max_wpm)
    return need


# ---------------------------------------------------------------- building cues


def group_words(words: list[Word], prof: Profile) -> list[list[Word]]:
    groups: list[list[Word]] = []
    cur: list[Word] = []
    for w in words:
        if cur:
            candidate = " ".join(x.text for x in cur + [w])
            if w.start - cur[-1].end > prof.pause_break:
                groups.append(cur)
                cur = []
            elif not fits(candidate, prof) or w.end - cur[0].start > prof.max_duration:
                # Forced break: cut after the last clause in the cue, if any, so the tail
                # starts the next cue rather than dangling at its end.
                cut = max(
                    (k for k, x in enumerate(cur[:-1]) if _CLAUSE_END.search(x.text) or _SENTENCE_END.search(x.text)),
                    default=None,
                )
                if cut is not None and cut + 1 >= len(cur) // 2:
                    groups.append(cur[: cut + 1])
                    cur = cur[cut + 1 :]
                else:
                    groups.append(cur)
                    cur = []
        cur.append(w)
        text = " ".join(x.text for x in cur)
        if _SENTENCE_END.search(w.text) and len(text) >= prof.max_chars * 0.5:
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    return groups


def build_cues(words: list[Word], prof: Profile, fps: float, duration: float | None = None) -> list[Cue]:
    """Cues from timed words: sentence-aligned groups that fit the lines, then timings
    stretched toward the minimum duration and reading speed without crowding the next cue."""
    gap = prof.min_gap_frames / (fps or 25.0)
    groups = group_words(words, prof)
    cues = [Cue(g[0].start, g[-1].end, wrap(" ".join(w.text for w in g), prof)) for g in groups]
    for i, cue in enumerate(cues):
        nxt = cues[i + 1].start if i + 1 < len(cues) else (duration if duration else cue.end + prof.max_duration)
        limit = nxt - gap
        want = max(cue.end, cue.start + prof.min_duration, cue.start + reading_time(cue.text, prof))
        want = min(want, cue.start + prof.max_duration)
        end = max(cue.end, min(want, limit))
        if i + 1 < len(cues) and 0 < limit - end < prof.chain_gap:
            end = limit  # close small gaps: the eye prefers a steady 2-frame gap to a flicker
        if end > limit and limit > cue.start + 0.2:
            end = limit  # the last word ran into the next cue's gap: trim it back
        cue.end = round(end, 3)
        cue.start = round(cue.start, 3)
    return cues


# ---------------------------------------------------------------- QC


def check(cues: list[Cue], prof: Profile, fps: float) -> list[dict]:
    """Every rule each cue still breaks, with a readable reason. Index is 1-based."""
    issues: list[dict] = []
    gap = prof.min_gap_frames / (fps or 25.0)

    def add(i: int, cue: Cue, rule: str, detail: str) -> None:
        issues.append(
            {
                "cue": i + 1,
                "start": round(cue.start, 3),
                "end": round(cue.end, 3),
                "text": cue.text,
                "rule": rule,
                "detail": detail,
            }
        )

    for i, cue in enumerate(cues):
        lines = cue.text.split("\n")
        if len(lines) > prof.max_lines:
            add(i, cue, "line_count", f"{len(lines)} lines (max {prof.max_lines})")
        for n, line in enumerate(lines, 1):
            if len(line) > prof.max_chars:
                add(i, cue, "line_length", f"line {n} has {len(line)} characters (max {prof.max_chars})")
        d = cue.end - cue.start
        if d < prof.min_duration - 1e-3:
            add(i, cue, "min_duration", f"on screen {d:.2f} s (min {prof.min_duration:.2f} s)")
        if d > prof.max_duration + 1e-3:
            add(i, cue, "max_duration", f"on screen {d:.2f} s (max {prof.max_duration:.2f} s)")
        if d > 0:
            if prof.max_cps:
                cps = _chars(cue.text) / d
                if cps > prof.max_cps + 0.05:
                    add(i, cue, "reading_speed", f"{cps:.1f} characters/s (max {prof.max_cps:g})")
            if prof.max_wpm:
                wpm = len(cue.text.split()) * 60.0 / d
                if wpm > prof.max_wpm + 0.5:
                    add(i, cue, "reading_speed", f"{wpm:.0f} words/min (max {prof.max_wpm:g})")
        else:
            add(i, cue, "timing", "ends before it starts")
        if i + 1 < len(cues):
            g = cues[i + 1].start - cue.end
            if g < 0:
                add(i, cue, "overlap", f"overlaps the next cue by {-g:.2f} s")
            elif g < gap - 1e-3:
                add(i, cue, "gap", f"{g * (fps or 25):.1f} frames before the next cue (min {prof.min_gap_frames})")
    return issues
