"""Where descriptions go: the dialogue gaps, and one description at a time inside them.

Rules (issue 12 item 3, decision 0321):
- No two description cues overlap. A description starts after the previous one has ended
  (plus a breath, PAUSE) and ends before the next dialogue word or the end of its gap.
- Events that fall into the stretch one description is spoken in become that one description,
  said in the order they happen; when they do not all fit, the lower priorities are left out
  (on-screen text, then people, then scene changes, decision 0322), never the gap stretched.
- Nothing is described where nothing changed: only events make descriptions.
- An event with no gap that has room (within SEARCH_AHEAD s after it) becomes an extended
  description at the next phrase boundary; extended descriptions do not overlap either.

The length of a description is estimated for every language the job delivers (the longest
counts), so that a Spanish description is not squeezed into a slot measured in English; the TTS
step measures the real clip and may speak up to narration.MAX_RATE faster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.media.narration import MAX_RATE
from shared.media.narration import MIN_GAP_SECONDS as MIN_GAP_SECONDS
from shared.media.types import Description, Gap, VisualEvent, Word

GAP_PAD = 0.15  # keep narration this far from dialogue on each side
SEARCH_AHEAD = 8.0  # a description may come this late after what it describes
PAUSE = 0.4  # silence between two descriptions in one gap
LEAD = 0.1  # a description starts this long after what it describes
CARRIED = ("text",)  # kinds of event tried again in a later description when one has no room
PRIORITY = {"text": 0, "people": 1, "description": 1, "scene": 2}

# Seconds of speech per character at rate 1.0, per language (espeak-ng's default 175 wpm; the
# Piper voice speaks at about the same pace); the TTS step measures the real duration.
SPEECH_CPS = {"en": 14.5, "es": 15.5, "ca": 15.0, "gl": 15.0, "eo": 14.0}


def estimate_speech(text: str, lang: str) -> float:
    return 0.3 + len(text) / SPEECH_CPS.get(lang.split("-")[0].lower(), 14.5)


def dialogue_gaps(words: list[Word], duration: float, min_gap: float = MIN_GAP_SECONDS) -> list[Gap]:
    """Stretches without dialogue of at least min_gap seconds (after padding)."""
    bounds = [(0.0, 0.0)] + [(w.start, w.end) for w in sorted(words, key=lambda w: w.start)] + [(duration, duration)]
    gaps = []
    for (_, prev_end), (next_start, _) in zip(bounds, bounds[1:]):
        start = prev_end + (GAP_PAD if prev_end > 0 else 0.0)
        end = next_start - (GAP_PAD if next_start < duration else 0.0)
        if end - start >= min_gap:
            gaps.append(Gap(round(start, 3), round(end, 3)))
    return gaps


def hold_point(t: float, words: list[Word]) -> float:
    """Where to hold the picture for an extended description: the first phrase boundary
    (a pause of 0.3 s or more between words) at or after t, GAP_PAD after the word (a
    recogniser's word ends are often early: narration starting on the word's end was heard over
    its last syllable, decision 0342)."""
    ws = sorted(words, key=lambda w: w.start)
    for a, b in zip(ws, ws[1:]):
        if a.end >= t and b.start - a.end >= 0.3:
            return round(a.end + min(GAP_PAD, (b.start - a.end) / 2), 3)
        if a.end < t <= b.start:
            return max(t, round(min(a.end + GAP_PAD, b.start), 3))
    if not ws or t >= ws[-1].end + GAP_PAD:
        return t
    return round(max(t, ws[-1].end + GAP_PAD), 3)


@dataclass
class Placed:
    """A description being built: its events (in priority order) and the time it starts."""

    start: float
    events: list[VisualEvent] = field(default_factory=list)
    extended: bool = False


def _ordered(events: list[VisualEvent]) -> list[VisualEvent]:
    """Priority order, then time; the same sentence is said once."""
    seen: set[str] = set()
    out = []
    for e in sorted(events, key=lambda e: (PRIORITY.get(e.kind, 1), e.time)):
        if e.text and e.text not in seen:
            seen.add(e.text)
            out.append(e)
    return out


def _spoken(events: list[VisualEvent]) -> list[VisualEvent]:
    """What of a description's events is said, in the order they happen (priorities decided
    what was kept). A bare scene change adds nothing when something more specific is said."""
    specific = [e for e in events if e.kind != "scene" or e.key in ("black", "white")]
    return sorted(specific if specific else events[:1], key=lambda e: e.time)


def combine(events: list[VisualEvent]) -> str:
    """The text of one description from its events (already in priority order)."""
    return " ".join(e.text for e in _spoken(events))


def _need(events: list[VisualEvent], langs: list[str], sentence) -> float:
    return max(estimate_speech(combine([sentence(e, lang) for e in events]), lang) for lang in langs)


def place(
    events: list[VisualEvent],
    gaps: list[Gap],
    duration: float,
    lang: str | list[str],
    words: list[Word] | None = None,
    sentence=None,
) -> list[Description]:
    """Descriptions, one at a time, from the events (their `text` in the first language).
    `sentence(event, lang)` gives an event worded in another language (default: as it is),
    so the timing suits every language the job delivers."""
    langs = [lang] if isinstance(lang, str) else list(lang)
    sentence = sentence or (lambda e, _lang: e)
    words = words or []
    timeline = sorted((e for e in events if e.text.strip()), key=lambda e: e.time)
    placed: list[Placed] = []
    leftovers: list[VisualEvent] = []
    carried: set[int] = set()
    cursor = {i: g.start for i, g in enumerate(gaps)}
    i = 0
    while i < len(timeline):
        e = timeline[i]
        gap_index = next(
            (
                k
                for k, g in enumerate(gaps)
                if g.end > e.time and g.start <= e.time + SEARCH_AHEAD and g.end - max(cursor[k], e.time) > 0.5
            ),
            None,
        )
        if gap_index is None:
            leftovers.append(e)
            i += 1
            continue
        g = gaps[gap_index]
        start = max(cursor[gap_index] + (PAUSE if cursor[gap_index] > g.start else 0.0), e.time, g.start) + LEAD
        room = g.end - start
        # Everything seen before this description would end joins it, best first, as long
        # as it fits (at the fastest rate the TTS step may use).
        group = [e]
        j = i + 1
        while j < len(timeline) and timeline[j].time <= start + _need(_ordered(group), langs, sentence):
            group.append(timeline[j])
            j += 1
        chosen: list[VisualEvent] = []
        for cand in _ordered(group):
            trial = _ordered(chosen + [cand])
            if _need(trial, langs, sentence) / MAX_RATE <= room:
                chosen = trial
        first = min((c.time for c in chosen), default=start)
        if first + LEAD > start:
            # what was kept all happens later than the event that opened the group (which did
            # not fit): the description must not start before it is on screen (decision 0346)
            start = first + LEAD
            if _need(chosen, langs, sentence) / MAX_RATE > g.end - start:
                chosen = []
        if not chosen:  # the best event alone does not fit here: describe it elsewhere
            best = _ordered(group)[0]
            leftovers.append(best)
            # on-screen text that came after it is tried again on its own (decision 0346)
            later = [c for c in group if c is not best and c.kind in CARRIED and id(c) not in carried]
            carried.update(id(c) for c in later)
            timeline[i:j] = later
            continue
        need = _need(chosen, langs, sentence)
        end = min(start + need, g.end)
        placed.append(Placed(start=round(start, 3), events=chosen))
        cursor[gap_index] = end
        # on-screen text left out for lack of room is tried again after this description (a
        # name on a lower third that appeared while a logo was being quoted, decision 0346):
        # once, so it can still become an extended description; scene changes and people go
        later = [c for c in group if c not in chosen and c.kind in CARRIED and id(c) not in carried]
        carried.update(id(c) for c in later)
        timeline[i:j] = later  # i now points at them (or at what came after the group)
    out = [Description(p.start, 0.0, combine(p.events), parts=_spoken(p.events)) for p in placed]
    for p, d in zip(placed, out):
        d.end = round(min(p.start + _need(p.events, langs, sentence), _gap_end(gaps, p.start)), 3)
    out += _extended(leftovers, words, duration, langs, sentence, occupied=out)
    out.sort(key=lambda d: d.start)
    return _no_overlap(out)


def _gap_end(gaps: list[Gap], t: float) -> float:
    return next((g.end for g in gaps if g.start <= t < g.end), t)


def _extended(
    leftovers: list[VisualEvent], words: list[Word], duration: float, langs, sentence, occupied
) -> list[Description]:
    """One extended description per hold point, from the events that fit no gap (only the
    best of them when several meet: the picture should not wait long)."""
    by_hold: dict[float, list[VisualEvent]] = {}
    for e in leftovers:
        # the last half second is too late to stop the picture: hold it a little earlier
        by_hold.setdefault(round(min(hold_point(e.time, words), max(0.0, duration - 0.5)), 3), []).append(e)
    out = []
    for hold, group in sorted(by_hold.items()):
        best = _ordered(group)
        if best and best[0].kind == "scene" and best[0].key == "scene":
            continue  # a bare "new scene" is not worth stopping the picture for
        chosen = best[:2] if len(best) > 1 and best[1].kind != "scene" else best[:1]
        need = round(_need(chosen, langs, sentence), 3)
        out.append(
            Description(
                hold,
                round(min(hold + need, duration), 3),
                combine(chosen),
                extended=True,
                needed=need,
                parts=_spoken(chosen),
            )
        )
    return out


def _no_overlap(descriptions: list[Description]) -> list[Description]:
    """Last guard: an extended cue never runs into the next cue (its time is held picture, so
    its span on the source timeline is only nominal)."""
    out: list[Description] = []
    for d in descriptions:
        if out and d.start < out[-1].end:
            prev = out[-1]
            if prev.extended and d.start - prev.start >= 0.2:
                prev.end = round(d.start - 0.01, 3)
            elif d.extended:
                d.start = round(prev.end + 0.01, 3)
                d.end = max(d.end, round(d.start + 0.2, 3))
            else:
                prev.end = round(d.start - 0.01, 3)
        out.append(d)
    return out
