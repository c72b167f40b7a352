"""Caption delivery profiles, cue building from word timings, line breaking and QC checks.

Pure functions over plain data (no I/O). The default profile follows the Netflix English
template; `bbc` and `dcmp` follow those guides' headline numbers (docs/decisions/0301).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.media import sound_tags
from shared.media.caption_numbers import NumberStyle
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
    pause_break: float = 0.5  # a silence this long between words always starts a new cue
    chain_gap: float = 0.5  # gaps shorter than this are closed down to min_gap_frames
    speaker_mark: str = "- "  # starts a cue whose speaker differs from the previous cue's
    max_lead_in: float = 0.2  # seconds a cue may appear before its speech to be readable
    # How numbers are written (shared.media.caption_numbers, docs/decisions/0334): one to ten
    # in words, figures above, a percentage as "12%"; every profile follows the broadcast rule.
    numbers: NumberStyle = field(default_factory=NumberStyle)
    # How a non-speech sound is tagged (shared.media.sound_tags.STYLES, docs/decisions/0355):
    # "brackets-lower" [music], "brackets-upper" [MUSIC], "upper" MUSIC, "notes" ♪♪.
    sound_style: str = "brackets-lower"


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
        "bbc",
        max_chars=37,
        max_lines=2,
        min_duration=1.0,
        max_duration=7.0,
        min_gap_frames=2,
        max_wpm=180.0,
        sound_style="brackets-upper",
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

# Words a line (or a cue cut short) must not end with: articles, prepositions, conjunctions,
# possessive determiners, auxiliaries that need their verb (English, Spanish, Catalan,
# Galician, Portuguese, French, Italian, German: the languages the speech model is measured on,
# 0352). One set for every language, so a word that is a noun or verb in another of them
# ("car", "ton", "war", "hat", "era", "come", "mes") is left out.
FUNCTION_WORDS = frozenset(
    """a an the this that these those my your his her its our their every each some any no both
    another such to of in on at by for from
    with into onto about over under after before between through during without within and or
    but nor so if as than is are was were be been will would can could should shall may might
    must do does did has have had not very
    el la los las lo un una unos unas al del de en con por para sin sobre entre desde hasta
    hacia según tras y e o u ni que mi tu su mis tus sus nuestro nuestra es son está están fue
    ha han muy
    els les uns unes amb per i o na no da do das dos um uma os as
    le des du au aux et ou dans sur sous avec pour par
    à une ce cet cette ces ma ta sa tes ses notre nos votre vos leur leurs mais donc ni qui
    chez vers sans depuis contre est sont était étaient sera ont avait très
    il gli lo di da con su per nel della
    tra fra dello dei degli delle allo alla ai agli alle dal dalla dai nello nella nei negli
    nelle sul sulla sui ed ma mio mia tuo tua suo sua nostra vostro vostra loro è sono hanno
    molto
    der die das den dem des ein eine und oder mit von zu im am
    einen einem einer eines aber denn dass auf aus bei nach seit über unter vor für ohne gegen
    durch um zum zur vom beim ins mein meine seine ihr ihre unser unsere ist sind waren wird
    werden haben hatte kann muss soll sehr""".split()
)

# A pronoun and the verb after it read as one: "there / are", "they / were", "we / will"
# split a phrase (decision 0338).
SUBJECT_PRONOUNS = frozenset("i you he she it we they there this that who".split())
AUXILIARIES = frozenset(
    "is are was were will would can could should shall may might must do does did has have had be been".split()
)


def splits_subject_and_verb(last: str, first: str) -> bool:
    """A break between a subject pronoun and its verb ("they / were")."""
    return _bare(last) in SUBJECT_PRONOUNS and _bare(first) in AUXILIARIES and not _CLAUSE_END.search(last)


_WORD_CHARS = re.compile(r"[^\w'’-]+", re.UNICODE)


def _bare(word: str) -> str:
    return _WORD_CHARS.sub("", word).lower()


def dangles(word: str) -> bool:
    """A word a line or cue should not end on (no punctuation after it)."""
    return not _CLAUSE_END.search(word) and not _SENTENCE_END.search(word) and _bare(word) in FUNCTION_WORDS


def _break_cost(first: list[str], second: list[str]) -> float:
    a, b = " ".join(first), " ".join(second)
    cost = abs(len(a) - len(b))
    if len(a) > len(b):
        cost += 1  # bottom-heavy ties
    last = first[-1]
    if _SENTENCE_END.search(last):
        cost -= 24
    elif _CLAUSE_END.search(last):
        # After a comma: the line ends where the clause does, up to 20 characters out of
        # balance ("building it, / and there are more ..." rather than "building it, and
        # there / are more ..."; decision 0337).
        cost -= 20
    if dangles(last):
        cost += 1000  # never after an article or a preposition while another break fits
    elif splits_subject_and_verb(last, second[0]):
        cost += 20  # the BBC's guide: a pronoun is not split from its verb
    return cost


def wrap(text: str, prof: Profile) -> str:
    """Lines joined with '\\n': one line if it fits, else the most balanced break at a
    linguistic boundary (never after an article, preposition or conjunction while another break
    fits; bottom-heavy ties; punctuation preferred); more lines only when two cannot hold it."""
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
    """The text fits the profile's lines, broken where a line may end (a cue that could hold it
    only by breaking after an article or a preposition does not count as fitting: the cue is
    cut instead)."""
    lines = wrap(text, prof).split("\n")
    if len(lines) > prof.max_lines or any(len(line) > prof.max_chars for line in lines):
        return False
    return not any(dangles(line.split()[-1]) for line in lines[:-1] if line.split())


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


def _forced_cut(cur: list[Word]) -> int:
    """Where to cut a cue that cannot take the next word: after its last clause end in its
    second half, else before a dangling function word, else at the end."""
    cut = max(
        (k for k, x in enumerate(cur[:-1]) if _CLAUSE_END.search(x.text) or _SENTENCE_END.search(x.text)),
        default=None,
    )
    if cut is not None and cut + 1 >= len(cur) // 2:
        return cut + 1
    end = len(cur)
    while end > max(1, len(cur) // 2) and dangles(cur[end - 1].text):
        end -= 1
    return end


def group_words(words: list[Word], prof: Profile) -> list[list[Word]]:
    """Words into cues: a cue ends at every sentence end, at a pause of prof.pause_break or
    more, at a change of speaker, and where the next word would not fit (lines, duration)."""
    groups: list[list[Word]] = []
    cur: list[Word] = []
    forced: set[int] = set()  # groups cut only because the next word did not fit
    for w in words:
        if cur:
            prev = cur[-1]
            if (
                w.start - prev.end >= prof.pause_break - 1e-6
                or w.speaker != prev.speaker
                or _SENTENCE_END.search(prev.text)
            ):
                groups.append(cur)
                cur = []
            else:
                candidate = prof.speaker_mark + " ".join(x.text for x in cur + [w])
                if not fits(candidate, prof) or w.end - cur[0].start > prof.max_duration:
                    cut = _forced_cut(cur)
                    forced.add(len(groups))
                    groups.append(cur[:cut])
                    cur = cur[cut:]
        cur.append(w)
    if cur:
        groups.append(cur)
    for i in sorted(forced):
        if i + 1 < len(groups) and i + 1 not in forced:
            groups[i], groups[i + 1] = _rebalanced(groups[i], groups[i + 1], prof)
    return groups


def _rebalanced(first: list[Word], tail: list[Word], prof: Profile) -> tuple[list[Word], list[Word]]:
    """A sentence cut because it did not fit one cue, with a short last piece ("... another
    fort" / "night."): the cut moved so both cues read as balanced parts (clause punctuation
    preferred, never after an article or a preposition)."""
    if len(tail) > 2 and _chars(" ".join(w.text for w in tail)) >= 0.4 * _chars(" ".join(w.text for w in first)):
        return first, tail
    both = first + tail
    best = None
    for k in range(1, len(both)):
        a, b = both[:k], both[k:]
        ta, tb = " ".join(w.text for w in a), " ".join(w.text for w in b)
        if not fits(prof.speaker_mark + ta, prof) or not fits(prof.speaker_mark + tb, prof):
            continue
        if a[-1].end - a[0].start > prof.max_duration or b[-1].end - b[0].start > prof.max_duration:
            continue
        cost = abs(len(ta) - len(tb)) + (1000 if dangles(a[-1].text) else 0)
        if _CLAUSE_END.search(a[-1].text):
            cost -= 30  # after a comma, even at the price of balance ("faster, / driven by ...")
            if 3 * min(len(ta), len(tb)) >= max(len(ta), len(tb)):
                # and over a new phrase's start when neither piece is under a third of the
                # other ("building it, / and there are more ...", not "..., and there / are
                # more ..."; decision 0338)
                cost -= 15
        elif _bare(b[0].text) in FUNCTION_WORDS and not splits_subject_and_verb(a[-1].text, b[0].text):
            cost -= 12  # before "will", "to", "and": the next phrase starts there ("main line / will take")
        if best is None or cost < best[0]:
            best = (cost, k)
    if best is None:
        return first, tail
    return both[: best[1]], both[best[1] :]


def cue_texts(groups: list[list[Word]], prof: Profile) -> list[str]:
    """Each group's text, wrapped; a group whose speaker differs from the previous group's
    starts with the profile's speaker mark."""
    out = []
    for i, g in enumerate(groups):
        text = " ".join(w.text for w in g)
        if i > 0 and g[0].speaker != groups[i - 1][-1].speaker:
            text = prof.speaker_mark + text
        out.append(wrap(text, prof))
    return out


def time_cues(cues: list[Cue], prof: Profile, fps: float, duration: float | None = None) -> list[Cue]:
    """Stretch each cue toward the minimum duration and reading-speed time without crowding
    the next cue (in place; returns the list)."""
    gap = prof.min_gap_frames / (fps or 25.0)
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
    return lead_in(cues, prof, fps)


def lead_in(cues: list[Cue], prof: Profile, fps: float) -> list[Cue]:
    """A cue still too short to read (reading speed, minimum duration) appears up to
    prof.max_lead_in seconds before its first word: into the silence before it, else by ending
    the previous cue earlier where that one has time to spare beyond its own reading time (in
    place; returns the list). Docs/decisions/0335."""
    gap = prof.min_gap_frames / (fps or 25.0)
    for i, cue in enumerate(cues):
        need = max(prof.min_duration, reading_time(cue.text, prof)) - (cue.end - cue.start)
        if need <= 0.005:
            continue
        room = min(need, prof.max_lead_in)
        floor = 0.0 if i == 0 else cues[i - 1].end + gap
        take = max(0.0, min(room, cue.start - floor))
        if i > 0 and take < room:
            prev = cues[i - 1]
            spare = (prev.end - prev.start) - max(prof.min_duration, reading_time(prev.text, prof)) - 0.001
            more = max(0.0, min(room - take, spare))
            prev.end = round(prev.end - more, 3)
            take += more
        cue.start = round(cue.start - take, 3)
    return cues


def build_cues(words: list[Word], prof: Profile, fps: float, duration: float | None = None) -> list[Cue]:
    """Cues from timed words: sentence-, pause- and speaker-aligned groups that fit the lines,
    then timings stretched toward the minimum duration and reading speed."""
    groups = group_words(words, prof)
    cues = [Cue(g[0].start, g[-1].end, t) for g, t in zip(groups, cue_texts(groups, prof))]
    return time_cues(cues, prof, fps, duration)


# ---------------------------------------------------------------- QC


def _words_in(cue: Cue, words: list[Word]) -> list[Word]:
    return [w for w in words if cue.start - 0.02 <= (w.start + w.end) / 2 <= cue.end + 0.02]


def check(
    cues: list[Cue],
    prof: Profile,
    fps: float,
    words: list[Word] | None = None,
    doubtful_ends: list[tuple[str, float]] | None = None,
) -> list[dict]:
    """Every rule each cue still breaks, with a readable reason. Index is 1-based. With the
    transcript's `words`, pauses and speaker changes inside a cue are checked too; with
    `doubtful_ends` ((word, time) of a possible sentence end the audio suggests,
    shared.media.sentence_ends.doubtful), a cue holding one is flagged `sentence_end`. A sound
    tag ("[music]", shared.media.sound_tags) may stay up longer than the maximum duration (as
    long as the sound), and is flagged `sound_tag` where it covers speech."""
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
        for n, line in enumerate(lines[:-1], 1):
            last = line.split()[-1] if line.split() else ""
            if dangles(last):
                add(i, cue, "line_break", f"line {n} ends on {last!r}; break before it")
        tokens = cue.text.split()
        inner = [t for t in tokens[:-1] if _SENTENCE_END.search(t)]
        if inner:
            add(i, cue, "sentence_end", f"a sentence ends inside the cue (after {inner[0]!r})")
        else:
            maybe = [w for w, t in doubtful_ends or [] if cue.start + 0.2 < t < cue.end - 0.2]
            if maybe:
                add(
                    i,
                    cue,
                    "sentence_end",
                    f"a sentence may end inside the cue after {maybe[0]!r} (a pause and a falling pitch; "
                    "no full stop was heard there)",
                )
        tag = sound_tags.is_tag(cue.text)
        if tag and words is not None:
            spoken = _words_in(cue, words)
            if spoken:
                add(i, cue, "sound_tag", f"the sound tag covers speech ({spoken[0].text!r}); shorten or remove it")
        if words is not None and not tag:
            inside = _words_in(cue, words)
            for a, b in zip(inside, inside[1:]):
                if b.start - a.end >= prof.pause_break - 1e-6:
                    add(i, cue, "pause", f"a {b.start - a.end:.2f} s pause after {a.text!r} inside the cue")
                    break
            for a, b in zip(inside, inside[1:]):
                if a.speaker != b.speaker:
                    add(i, cue, "speaker_change", f"the speaker changes before {b.text!r} inside the cue")
                    break
        d = cue.end - cue.start
        if d < prof.min_duration - 1e-3:
            add(i, cue, "min_duration", f"on screen {d:.2f} s (min {prof.min_duration:.2f} s)")
        if d > prof.max_duration + 1e-3 and not tag:  # a tag stays up as long as the sound (0355)
            add(i, cue, "max_duration", f"on screen {d:.2f} s (max {prof.max_duration:.2f} s)")
        if d > 0:
            if prof.max_cps:
                cps = _chars(cue.text) / d
                if cps > prof.max_cps + 0.05:
                    add(
                        i,
                        cue,
                        "reading_speed",
                        f"{cps:.1f} characters/s (max {prof.max_cps:g}); " + _reading_help(cues, i, prof, gap),
                    )
            if prof.max_wpm:
                wpm = len(cue.text.split()) * 60.0 / d
                if wpm > prof.max_wpm + 0.5:
                    add(
                        i,
                        cue,
                        "reading_speed",
                        f"{wpm:.0f} words/min (max {prof.max_wpm:g}); " + _reading_help(cues, i, prof, gap),
                    )
        else:
            add(i, cue, "timing", "ends before it starts")
        if i + 1 < len(cues):
            g = cues[i + 1].start - cue.end
            if g < 0:
                add(i, cue, "overlap", f"overlaps the next cue by {-g:.2f} s")
            elif g < gap - 1e-3:
                add(i, cue, "gap", f"{g * (fps or 25):.1f} frames before the next cue (min {prof.min_gap_frames})")
    return issues


def room_around(cues: list[Cue], i: int, gap: float) -> float:
    """Seconds cue i could still take on screen without crowding its neighbours: the free time
    before it (after the previous cue and its gap) and after it (before the next cue's gap)."""
    cue = cues[i]
    before = cue.start - (cues[i - 1].end + gap if i > 0 else 0.0)
    after = (cues[i + 1].start - gap - cue.end) if i + 1 < len(cues) else 0.0
    return max(0.0, before) + max(0.0, after)


def _reading_help(cues: list[Cue], i: int, prof: Profile, gap: float) -> str:
    """What would bring a cue that is too fast to read within the profile (decision 0339):
    the time it needs, whether the free time around it is enough (then move its in/out times),
    else how many characters (or words) shorter it must be read at the profile's speed, the
    free time included. Words are never dropped automatically: condensing verbatim captions is
    the reviewer's call."""
    cue = cues[i]
    has = cue.end - cue.start
    need = reading_time(cue.text, prof)
    room = room_around(cues, i, gap)
    if has + room >= need - 0.005:
        return f"it needs {need:.1f} s and there is {room:.1f} s free around it: extend it into the gap"
    seconds = has + room
    if prof.max_cps:
        keep = int(prof.max_cps * seconds)
        cut = _chars(cue.text) - keep
        unit = "character" if cut == 1 else "characters"
    else:
        keep = int((prof.max_wpm or 0) * seconds / 60.0)
        cut = len(cue.text.split()) - keep
        unit = "word" if cut == 1 else "words"
    free = f" ({room:.1f} s free around it)" if room >= 0.05 else " (no free time around it)"
    # two decimals where one would print "needs 2.2 s, has 2.2 s" for a cue that is too short
    digits = 2 if f"{need:.1f}" == f"{has:.1f}" else 1
    return f"it needs {need:.{digits}f} s, has {has:.{digits}f} s{free}: condense it by {cut} {unit} to at most {keep}"
