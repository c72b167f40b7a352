"""Numbers in captions written one way, the delivery profile's, whatever the recogniser wrote.

A recogniser writes the same spoken number as "twelve percent", "12 percent" or "12%" from one
sentence to the next. Captions follow one house style (docs/decisions/0334; the broadcast
rule of the DCMP Captioning Key and the Netflix English guide):

- one to ten (and zero) in words, 11 and above in figures ("forty" -> "40"); thousands
  separated by commas ("twelve thousand" -> "12,000"); round millions as "5 million";
- a percentage in figures with the profile's sign ("twelve percent" -> "12%", or
  "12 percent" where the profile says so), whatever its size;
- a number that begins a sentence in words ("12% of ..." -> "Twelve percent of ...");
- a year said in words where the sentence says it is one (after "in", "since", "by", "of",
  "year" ..., and not before a noun: "in two thousand." / "since nineteen ninety-nine we")
  in figures without a comma ("2000", "1999"; decision 0338), as the guides write years;
- left as said: four-digit figures ("2024"), spelled numbers that may be years elsewhere
  ("two thousand and five cars"), times ("9:30", "8 p.m."), ordinals,
  figures with a unit or a currency sign, "hundreds of", and two number phrases in a row
  ("twenty twenty-four", "nineteen eighty"), which are years or lists the rules cannot tell.

English only (the parser reads English number words); other languages' words pass unchanged.
Word timings are kept: a number said in several words becomes one word spanning them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.media.types import Word

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORDS_FOR = {v: k for k, v in {**UNITS, **TENS}.items()}
PERCENT_WORDS = ("percent", "per cent")
# After a figure these keep it a figure: times of day, units, "number 5".
_KEEP_AFTER = frozenset(
    "am pm a.m. p.m. a.m p.m o'clock km kg cm mm m g mg ml l kb mb gb tb kw kwh mph km/h hz khz mhz".split()
)
# A number said in words after one of these, and followed by nothing, punctuation or one of
# YEAR_AFTER (not a noun: "in two thousand homes" is a quantity), is a year (decision 0338).
YEAR_BEFORE = frozenset("in since until till from during before after by of year around circa".split())
YEAR_AFTER = frozenset(
    """the a an and but or so when while as then to at on in for with from by we i you he she it
    they there this that these those our their his her its my your is was were are had has have
    will would could did which who""".split()
)
_FIGURE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%)?$")
_PUNCT_TAIL = re.compile(r"[.,!?;:…'\")\]»]+$")
_PUNCT_HEAD = re.compile(r"^[\"'“(¿¡\[«]+")
_SENTENCE_END = re.compile(r"[.!?…]['\")\]»]*$")


@dataclass(frozen=True)
class NumberStyle:
    """How a profile writes numbers: words up to `words_up_to`, figures above; a percentage
    as figure + `percent` ("%" or " percent")."""

    words_up_to: int = 10
    percent: str = "%"
    comma_from: int = 1_000  # thousands separators from this value ("2,500"; a recogniser's "2024" stays)


@dataclass
class _Number:
    start: int  # index of the first word
    end: int  # index after the last word (the percent word included)
    value: float
    decimals: str  # the figures after the point, "" for an integer
    percent: bool
    figures: bool  # written in figures by the recogniser
    year: bool = False  # a year said in words (written in figures, no comma)


def _split(text: str) -> tuple[str, str, str]:
    """(leading punctuation, bare token, trailing punctuation)."""
    head = _PUNCT_HEAD.match(text)
    h = head.group(0) if head else ""
    rest = text[len(h) :]
    tail = _PUNCT_TAIL.search(rest)
    t = tail.group(0) if tail else ""
    # A trailing "%" is part of the number, a trailing "." may be a decimal point: keep those.
    return h, rest[: len(rest) - len(t)], t


def _bare(text: str) -> str:
    return _split(text)[1].lower()


def _parse_words(tokens: list[str], i: int) -> tuple[int, int] | None:
    """(value, index after) of the English cardinal said in words from tokens[i], stopping at
    punctuation after a word; None when no number starts there. "hundred"/"thousand" without a
    number before them ("a hundred", "thousands of") start none."""
    total, current, j, seen = 0, 0, i, False
    last = None  # "unit" | "teen" | "tens" | "hundred" | "scale"
    while j < len(tokens):
        h, bare, tail = _split(tokens[j])
        if h and j > i:
            break
        parts = bare.lower().split("-")
        if (
            len(parts) == 2
            and parts[0] in TENS
            and parts[1] in UNITS
            and 0 < UNITS[parts[1]] < 10
            and last in (None, "hundred", "scale", "and")
        ):
            current += TENS[parts[0]] + UNITS[parts[1]]
            last = "unit"
        elif bare.lower() in UNITS and last in (None, "tens", "hundred", "scale", "and"):
            v = UNITS[bare.lower()]
            if last == "tens" and (v >= 10 or v == 0):
                break
            current += v
            last = "unit"
        elif bare.lower() in TENS and last in (None, "hundred", "scale", "and"):
            current += TENS[bare.lower()]
            last = "tens"
        elif bare.lower() == "hundred" and seen and last in ("unit",) and 0 < current < 10:
            current *= 100
            last = "hundred"
        elif bare.lower() in SCALES and seen and last in ("unit", "tens", "hundred") and current:
            total += current * SCALES[bare.lower()]
            current = 0
            last = "scale"
        elif bare.lower() == "and" and last in ("hundred", "scale") and j + 1 < len(tokens) and not tail:
            nxt = _bare(tokens[j + 1]).split("-")[0]
            if nxt not in UNITS and nxt not in TENS:
                break
            last = "and"
        else:
            break
        seen = True
        j += 1
        if tail:
            break
    if not seen or last == "and":
        return None
    return total + current, j


def _find(words: list[Word], i: int) -> _Number | None:
    tokens = [w.text for w in words]
    h, bare, tail = _split(tokens[i])
    joined = 1
    # "12 ,000": a figure the recogniser wrote in two tokens
    while not tail and i + joined < len(tokens) and re.match(r"^,\d{3}", tokens[i + joined]):
        h2, more, tail = _split(tokens[i + joined])
        bare += more if more.startswith(",") else "," + more
        joined += 1
    m = _FIGURE.match(bare)
    if m:
        integer = int(m.group(1).replace(",", ""))
        decimals = (m.group(2) or "")[1:]
        value = float(f"{integer}.{decimals}") if decimals else float(integer)
        end = i + joined
        percent = bool(m.group(3))
        if not percent and not tail and end < len(tokens):
            end, percent = _percent_after(tokens, end)
        return _Number(i, end, value, decimals, percent, figures=True)
    parsed = _parse_words(tokens, i)
    if parsed is None:
        return None
    value_int, end = parsed
    decimals = ""
    # "two point five": a decimal said digit by digit
    if end < len(tokens) and _bare(tokens[end]) == "point" and not _split(tokens[end - 1])[2]:
        k = end + 1
        digits = ""
        while k < len(tokens) and _bare(tokens[k]) in UNITS and UNITS[_bare(tokens[k])] < 10:
            digits += str(UNITS[_bare(tokens[k])])
            k += 1
            if _split(tokens[k - 1])[2]:
                break
        if digits:
            decimals, end = digits, k
    percent = False
    if not _split(tokens[end - 1])[2] and end < len(tokens):
        end, percent = _percent_after(tokens, end)
    value = float(f"{value_int}.{decimals}") if decimals else float(value_int)
    return _Number(i, end, value, decimals, percent, figures=False)


def _percent_after(tokens: list[str], j: int) -> tuple[int, bool]:
    if _bare(tokens[j]) in ("percent", "%"):
        return j + 1, True
    if _bare(tokens[j]) == "per" and j + 1 < len(tokens) and _bare(tokens[j + 1]) == "cent":
        return j + 2, True
    return j, False


def in_words(n: int) -> str:
    """English words for 0 <= n < 10**12 ("forty-two", "one hundred and five")."""
    if n < 20:
        return _WORDS_FOR[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _WORDS_FOR[tens * 10] + (f"-{_WORDS_FOR[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_WORDS_FOR[hundreds]} hundred" + (f" and {in_words(rest)}" if rest else "")
    for scale, size in sorted(SCALES.items(), key=lambda kv: -kv[1]):
        if n >= size:
            high, rest = divmod(n, size)
            tail = ""
            if rest:
                tail = (" and " if rest < 100 else " ") + in_words(rest)
            return f"{in_words(high)} {scale}{tail}"
    raise ValueError(n)


def _figures(num: _Number, style: NumberStyle) -> str:
    n = int(num.value)
    if num.decimals:
        return (f"{n:,}" if n >= style.comma_from else str(n)) + "." + num.decimals
    for scale, size in sorted(SCALES.items(), key=lambda kv: -kv[1]):
        if size >= 1_000_000 and n >= size and n % size == 0:
            return f"{n // size} {scale}"
    return f"{n:,}" if n >= style.comma_from else str(n)


def _spelled(num: _Number) -> str | None:
    if num.decimals:
        return in_words(int(num.value)) + " point " + " ".join(_WORDS_FOR[int(d)] for d in num.decimals)
    return in_words(int(num.value)) if num.value < 10**12 else None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _written(num: _Number, style: NumberStyle, sentence_start: bool) -> str | None:
    """The number in the house style, or None to leave it as the recogniser wrote it."""
    n = num.value
    if sentence_start:
        words = _spelled(num)
        if words is None:
            return None
        return _capitalise(words + (" percent" if num.percent else ""))
    if num.percent:
        return _figures(num, style) + style.percent
    if not num.decimals and n <= style.words_up_to:
        return _WORDS_FOR[int(n)]
    return _figures(num, style)


def apply(words: list[Word], language: str, style: NumberStyle | None = None) -> tuple[list[Word], int]:
    """(words, how many numbers were rewritten): numbers in the house style. English only."""
    style = style or NumberStyle()
    if not language.lower().startswith("en") or not words:
        return words, 0
    out: list[Word] = []
    changed = 0
    i = 0
    found: list[_Number | None] = [None] * len(words)
    k = 0
    while k < len(words):  # number phrases first, so neighbours can be checked
        num = _find(words, k)
        if num is not None:
            found[k] = num
            k = num.end
        else:
            k += 1
    _mark_years(words, found)
    while i < len(words):
        num = found[i]
        if num is None:
            out.append(words[i])
            i += 1
            continue
        text = _rewrite(words, num, found, style)
        span = words[num.start : num.end]
        if text is None:
            out.extend(span)
        else:
            head = _split(span[0].text)[0]
            tail = _split(span[-1].text)[2]
            new = head + text + tail
            said = " ".join(w.text for w in span)
            if new.lower() == said.lower():  # same words ("Formula One" keeps its capital)
                out.extend(span)
            else:
                changed += 1
                out.extend(_respread(span, new))
        i = num.end
    return out, changed


def _said_as_year(num: _Number) -> bool:
    return not num.figures and not num.decimals and not num.percent


def _mark_years(words: list[Word], found: list[_Number | None]) -> None:
    """Numbers said in words that the sentence shows to be years ("in two thousand",
    "since nineteen ninety-nine we"), including a year said as two numbers, which become one
    (in place)."""
    tokens = [w.text for w in words]
    for k, num in enumerate(found):
        if num is None or not _said_as_year(num) or k == 0:
            continue
        h, before, tail = _split(tokens[k - 1])
        if tail or before.lower() not in YEAR_BEFORE:
            continue
        end, value = num.end, int(num.value)
        nxt = found[end] if end < len(found) else None
        if (
            nxt is not None
            and _said_as_year(nxt)
            and not _split(tokens[end - 1])[2]
            and 10 <= value <= 20
            and 1 <= nxt.value <= 99
        ):
            end, value = nxt.end, value * 100 + int(nxt.value)  # "nineteen ninety-nine"
        if not 1000 <= value < 2100:
            continue
        if end < len(tokens) and not _split(tokens[end - 1])[2] and _bare(tokens[end]) not in YEAR_AFTER:
            continue  # "in two thousand homes": a quantity
        for j in range(k + 1, end):
            found[j] = None
        found[k] = _Number(k, end, float(value), "", False, figures=False, year=True)


def _rewrite(words: list[Word], num: _Number, found: list[_Number | None], style: NumberStyle) -> str | None:
    tokens = [w.text for w in words]
    if num.year:
        return str(int(num.value))
    last_tail = _split(tokens[num.end - 1])[2]
    # Two number phrases in a row ("twenty twenty-four"): a year or a list; leave both.
    if not last_tail and num.end < len(words) and found[num.end] is not None:
        return None
    before = [p for p in found[: num.start] if p is not None]
    if before and before[-1].end == num.start and not _split(tokens[num.start - 1])[2]:
        return None
    bare = _bare(tokens[num.start])
    if num.figures and not num.decimals and not num.percent and re.fullmatch(r"\d{4}", bare):
        return None  # a year, a model number: left as written
    if not num.figures and not num.decimals and 1000 < num.value < 2100 and num.value % 100:
        return None  # "two thousand and five": as likely a year as a quantity
    if num.end < len(tokens) and not last_tail and _bare(tokens[num.end]) in _KEEP_AFTER:
        return None  # a time of day or a measurement
    if num.figures and _split(tokens[num.start])[0]:
        return None
    start = num.start == 0 or bool(_SENTENCE_END.search(tokens[num.start - 1]))
    return _written(num, style, start)


def _respread(span: list[Word], text: str) -> list[Word]:
    """The span's words replaced by `text`: one word over the whole span, except a spelled-out
    number of several words said as one figure, whose time is shared out by length."""
    parts = text.split()
    first, last = span[0], span[-1]
    probability = min(w.probability for w in span)
    if len(parts) == len(span):
        return [Word(w.start, w.end, p, w.probability, w.speaker) for w, p in zip(span, parts)]
    if len(parts) == 1:
        return [Word(first.start, last.end, parts[0], probability, first.speaker)]
    total = sum(len(p) for p in parts) or 1
    out, t = [], first.start
    for n, p in enumerate(parts):
        end = last.end if n == len(parts) - 1 else round(t + (last.end - first.start) * len(p) / total, 3)
        out.append(Word(round(t, 3), end, p, probability, first.speaker))
        t = end
    return out
