"""Punctuation and casing for a transcript that came back without them.

Whisper usually punctuates, but not always (music beds, some models, other recognisers). When
fewer than one word in MIN_WORDS_PER_SENTENCE ends a sentence, sentences are restored from the
timing: a pause of at least SENTENCE_PAUSE, or a change of speaker, ends a sentence; a shorter
pause of at least COMMA_PAUSE gets a comma; a comma the recogniser put where a pause of
COMMA_TO_END_PAUSE follows becomes a sentence end (some models mark every sentence end with a
comma). Then each sentence starts with a capital and the
English pronoun "i" is capitalised. Words keep their timings; only their text changes.

A punctuated transcript still gets the sentence ends Whisper sometimes drops between two
sentences ("... at the store Everything is ..."): a capitalised word after a pause of at least
LOCAL_PAUSE, or a change of speaker, closes the sentence before it. Every sentence then starts
with a capital (a word written with a capital inside, "iPhone", is left as written) and the
last word ends with a full stop when the recogniser left it open.
"""

from __future__ import annotations

import re

from shared.media.types import Word

SENTENCE_PAUSE = 0.45
COMMA_PAUSE = 0.25
LOCAL_PAUSE = 0.3
MIN_WORDS_PER_SENTENCE = 25  # more words than this per sentence end means sentence ends are missing
COMMA_TO_END_PAUSE = 0.2  # restoring: a comma followed by this much silence was a sentence end

_END = re.compile(r"[.!?…]['\")\]»]*$")
_ANY = re.compile(r"[.!?…,;:]['\")\]»]*$")


def needs_restoring(words: list[Word]) -> bool:
    if len(words) < 8:
        return not any(_END.search(w.text) for w in words) and len(words) > 2
    ends = sum(1 for w in words if _END.search(w.text))
    return ends == 0 or len(words) / ends > MIN_WORDS_PER_SENTENCE


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
    return text


def restore(words: list[Word], language: str = "en") -> tuple[list[Word], bool]:
    """(words, restored): the words with sentence ends, commas and capitals restored when they
    lacked them (restored True); else with only the missing sentence ends mended."""
    if not words:
        return words, False
    if not needs_restoring(words):
        return mend(words), False
    out: list[Word] = []
    start_of_sentence = True
    for i, w in enumerate(words):
        text = w.text
        if start_of_sentence:
            text = _capitalise(text)
        if language.startswith("en") and text == "i":
            text = "I"
        nxt = words[i + 1] if i + 1 < len(words) else None
        gap = (nxt.start - w.end) if nxt else float("inf")
        if not _ANY.search(text):
            if nxt is None or gap >= SENTENCE_PAUSE or nxt.speaker != w.speaker:
                text += "."
            elif gap >= COMMA_PAUSE:
                text += ","
        elif text.endswith(",") and (nxt is None or gap >= COMMA_TO_END_PAUSE or nxt.speaker != w.speaker):
            text = text[:-1] + "."
        start_of_sentence = bool(_END.search(text))
        out.append(Word(w.start, w.end, text, w.probability, w.speaker))
    return out, True


def _starts_sentence(text: str) -> bool:
    bare = text.lstrip("\"'“¿¡(")
    return bool(bare[:1].isupper()) and bare.rstrip(".,!?;:") not in ("I", "I'm", "I'll", "I've", "I'd")


def mend(words: list[Word]) -> list[Word]:
    """Sentence ends added where a capitalised word follows a pause of LOCAL_PAUSE or more, or
    where the speaker changes, and nothing marks the end."""
    out: list[Word] = []
    for i, w in enumerate(words):
        text = w.text
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and not _ANY.search(text):
            if nxt.speaker != w.speaker or (nxt.start - w.end >= LOCAL_PAUSE and _starts_sentence(nxt.text)):
                text += "."
        elif nxt is not None and nxt.speaker != w.speaker and not _END.search(text):
            text = text.rstrip(",;:") + "."
        out.append(Word(w.start, w.end, text, w.probability, w.speaker))
    for i in range(len(out)):
        if i == 0 or _END.search(out[i - 1].text):
            out[i].text = _sentence_start(out[i].text)
    if out and not _END.search(out[-1].text):  # the very last caption ends with a full stop
        out[-1].text = out[-1].text.rstrip(",;:") + "."
    return out


def _sentence_start(text: str) -> str:
    """A sentence's first word with a capital, unless the recogniser wrote it with a capital
    inside ("iPhone", "eBay": a name written that way)."""
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.islower() for ch in letters):
        return _capitalise(text)
    return text


# English words written with a capital whatever the rest of the transcript does (a month is
# not the verb "may", a weekday not an adjective).
_PROPER_EN = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_EDGE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.UNICODE)


def _parts(text: str) -> tuple[str, str, str]:
    m = _EDGE.match(text)
    return (m.group(1), m.group(2), m.group(3)) if m else ("", text, "")


def consistent_casing(words: list[Word], language: str = "en", names: list[str] | None = None) -> int:
    """One word, one spelling through the captions (in place; returns how many words changed):
    - a glossary term is written as the glossary writes it ("zentrix" -> "Zentrix");
    - a word the recogniser capitalised inside a sentence ("the Widget Factory") that it writes
      in lower case inside sentences at least twice as often elsewhere is lower-cased (words
      capitalised in a row only all together). Words written in capitals throughout ("US"),
      sentence starts, "I", and in English month and weekday names keep their capital."""
    changed = 0
    for term in names or []:
        tokens = term.split()
        keys = [t.lower() for t in tokens]
        for i in range(len(words) - len(tokens) + 1):
            span = words[i : i + len(tokens)]
            if [_parts(w.text)[1].lower() for w in span] == keys:
                for w, t in zip(span, tokens):
                    head, bare, tail = _parts(w.text)
                    if bare != t:
                        w.text = head + t + tail
                        changed += 1
    protected = {t.lower() for term in names or [] for t in term.split()}
    if language.lower().startswith("en"):
        protected |= _PROPER_EN | {"i"}
    inside = [i for i in range(1, len(words)) if not _END.search(words[i - 1].text)]
    title: dict[str, int] = {}
    lower: dict[str, int] = {}
    for i in inside:
        bare = _parts(words[i].text)[1]
        if not bare.isalpha():
            continue
        if bare.islower():
            lower[bare] = lower.get(bare, 0) + 1
        elif bare[0].isupper() and (len(bare) == 1 or bare[1:].islower()):
            title[bare.lower()] = title.get(bare.lower(), 0) + 1

    def titled(i: int) -> bool:
        bare = _parts(words[i].text)[1]
        return bare.isalpha() and len(bare) >= 2 and bare[0].isupper() and bare[1:].islower()

    def lower_more_often(i: int) -> bool:
        key = _parts(words[i].text)[1].lower()
        return lower.get(key, 0) >= 2 and lower.get(key, 0) >= 2 * title.get(key, 0)

    # Capitalised words in a row ("the Widget Factory") are a name or not as a whole: they are
    # lower-cased only when every one of them (glossary terms aside) is lower case elsewhere.
    runs: list[list[int]] = []
    for i in inside:
        if not titled(i):
            continue
        if runs and runs[-1][-1] == i - 1 and not _parts(words[i - 1].text)[2]:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        free = [i for i in run if _parts(words[i].text)[1].lower() not in protected]
        if free and all(lower_more_often(i) for i in free):
            for i in free:
                head, bare, tail = _parts(words[i].text)
                words[i].text = head + bare.lower() + tail
                changed += 1
    return changed
