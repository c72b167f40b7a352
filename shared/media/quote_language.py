"""The language of a quoted on-screen text, told cheaply and only when it is clear (decision 0341).

A description in Spanish that quotes an English title ('Aparece en la pantalla el texto
"SUMMER SALE 50% OFF".') is spoken by the Spanish voice, which reads the English words with
Spanish letter sounds. The narration speaks such a quote in a voice of the quote's language
(shared.media.narration), and this module says which language that is.

How: the installed Apertium morphological analysers (`<lang>-<other>.automorf.bin`, the
dictionaries the local translation pairs already use) say which words of the quote each
language knows. The quote is in language L when L knows at least two of its words and at least
half of them, half more of them than the narration language does, and no other language knows
as many.
Anything less clear (a brand name nobody knows, "HOTEL" that every language knows, no
analysers installed as on gcp) gives None: the narration voice reads it, as before.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from shared.media import languages

APERTIUM_DIR = Path("/usr/share/apertium")
MIN_KNOWN = 0.5  # of the quote's words, known to its language
MIN_LEAD = 0.5  # ... more than the narration language knows
READABLE = 0.5  # of an on-screen text's words, known to one language, for it to be quoted at all
MIN_WORDS = 2  # words it knows, at least: one short word ("ZARA" is Basque for "you are") is no evidence
_TOKEN = re.compile(r"\^([^/$]*)/([^$]*)\$")
QUOTE = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]")


@functools.lru_cache(maxsize=4)
def analysers(folder: str = str(APERTIUM_DIR)) -> dict[str, tuple[str, ...]]:
    """language (BCP-47 primary subtag) -> the analyser files that know its words."""
    out: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("apertium-*/*.automorf.bin")):
        lang = languages.normalize(path.name.split("-")[0])
        out.setdefault(lang, []).append(str(path))
    return {lang: tuple(paths) for lang, paths in out.items()}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text.lower())]


_KNOWN: dict[str, dict[str, bool]] = {}  # analyser -> word -> known (a process's lifetime)


def _looked_up(seen: dict[str, bool], analyser: str, words: set[str], spell, accept) -> set[str]:
    """The (lower-case) `words` whose analysis `accept`s, remembered in `seen`: the words not
    asked before go to one lt-proc run, each written as `spell(word)`, one a line."""
    missing = sorted(w for w in words if w not in seen)
    if missing:
        found: set[str] = set()
        try:
            proc = subprocess.run(
                ["lt-proc", "-w", analyser],
                input="\n".join(spell(w) for w in missing) + "\n",
                capture_output=True,
                text=True,
                timeout=60,
            )
            if proc.returncode == 0:
                found = {w.lower() for w, analysis in _TOKEN.findall(proc.stdout) if accept(analysis)}
        except (OSError, subprocess.SubprocessError):
            return set()  # not remembered: asked again next time
        for w in missing:
            seen[w] = w in found
    return {w for w in words if seen[w]}


def _known(analyser: str, words: set[str]) -> set[str]:
    """The words the analyser knows (an unknown word's analysis starts with "*")."""
    return _looked_up(_KNOWN.setdefault(analyser, {}), analyser, words, str, lambda a: not a.startswith("*"))


_NAMES: dict[str, dict[str, bool]] = {}  # analyser -> word -> a proper noun when capitalised

# Titles before a name on a lower third ("DR MARIA LOPEZ"): abbreviations no analyser lists
TITLES = frozenset({"dr", "dra", "mr", "mrs", "ms", "mx", "prof", "sr", "sra", "srta", "sir"})


def _names(analyser: str, words: set[str]) -> set[str]:
    """The (lower-case) words that the analyser knows as proper nouns when capitalised: the
    dictionaries list names ("Maria", "Lopez") only with their capital, and OCR reads lower
    thirds in capitals ("MARIA LOPEZ"). Looked up in one lt-proc run, remembered."""
    seen = _NAMES.setdefault(analyser, {})
    return _looked_up(seen, analyser, words, lambda w: w[:1].upper() + w[1:], lambda a: "<np>" in a)


def names(text: str, folder: str = str(APERTIUM_DIR)) -> set[str]:
    """The words of `text` (lower case) that some installed language knows as a person's or
    place's name, or that are a title before a name ("dr")."""
    words = set(_words(text))
    out = words & TITLES
    for files in analysers(folder).values():
        for f in files:
            out |= _names(f, words - out)
    return out


def learn(texts, folder: str = str(APERTIUM_DIR)) -> None:
    """Look up the words of every quote in `texts` at once (one lt-proc run per analyser for a
    whole narration, not one per quote)."""
    words = {w for t in texts for m in QUOTE.finditer(t) for w in _words(m.group(1))}
    if words:
        for files in analysers(folder).values():
            for f in files:
                _known(f, words)


def known_of(words: set[str], folder: str = str(APERTIUM_DIR)) -> set[str]:
    """The (lower-case) `words` some installed language knows: the words not asked before go to
    one lt-proc run per analyser, however many there are."""
    out: set[str] = set()
    for files in analysers(folder).values():
        for f in files:
            out |= _known(f, set(words) - out)
    return out


def coverage(text: str, folder: str = str(APERTIUM_DIR)) -> dict[str, tuple[int, int]]:
    """For each language with an analyser, (words of the text it knows, words in the text)."""
    words = _words(text)
    if not words:
        return {}
    out = {}
    for lang, files in analysers(folder).items():
        known: set[str] = set()
        for f in files:
            known |= _known(f, set(words))
        out[lang] = (sum(w in known for w in words), len(words))
    return out


def readable(text: str, folder: str = str(APERTIUM_DIR)) -> bool:
    """Whether on-screen text reads as words of some installed language: one of them knows at
    least READABLE of its words. Greek or Cyrillic capitals read by a Latin recogniser
    ("KAAHMEPA KOZME" for "ΚΑΛΗΜΕΡΑ ΚΟΣΜΕ") pass every shape test but no language knows them
    (decision 0342). Names count as known words ("DR MARIA LOPEZ", decision 0344). Text
    without words (codes, prices) and machines without analysers (gcp) are not judged here
    (True)."""
    words = _words(text)
    if not words or not analysers(folder):
        return True
    return known_words(text, folder) / len(words) >= READABLE


def known_words(text: str, folder: str = str(APERTIUM_DIR)) -> int:
    """How many of the text's words the language that knows most of them knows (names and
    titles count as known)."""
    words = _words(text)
    if not words:
        return 0
    named = names(text, folder)
    best = 0
    for files in analysers(folder).values():
        known = set(named)
        for f in files:
            known |= _known(f, set(words) - known)
        best = max(best, sum(w in known for w in words))
    return best


def decide(counts: dict[str, tuple[int, int]], narration: str) -> str | None:
    """The quote's language from what each language knows of it ((known, total) words), when
    it is clearly not the narration's; else None."""
    narration = languages.normalize(narration)
    cover = {lang: known / total for lang, (known, total) in counts.items() if total}
    others = {lang: c for lang, c in cover.items() if lang != narration}
    if not others:
        return None
    best = max(others, key=lambda lang: others[lang])
    top = others[best]
    if counts[best][0] < MIN_WORDS or top < MIN_KNOWN or top - cover.get(narration, 0.0) < MIN_LEAD:
        return None
    if sum(1 for c in others.values() if c >= top) > 1:
        return None  # two other languages know it as well: unsure which
    return best


def language_of(quote: str, narration: str, folder: str = str(APERTIUM_DIR)) -> str | None:
    """The language to speak `quote` in when it is clearly not `narration`'s, else None."""
    return decide(coverage(quote, folder), narration)


def parts(text: str, narration: str, folder: str = str(APERTIUM_DIR)) -> list[tuple[str, str]]:
    """The description split into (text, language) runs to speak: each quote that is clearly
    in another language is its own run in that language (the quote marks dropped); everything
    else stays in the narration language. Runs without a letter or digit (a closing period)
    are left out. One run when nothing needs another voice."""
    runs: list[tuple[str, str]] = []
    at = 0
    for m in QUOTE.finditer(text):
        lang = language_of(m.group(1), narration, folder)
        if lang is None:
            continue
        runs.append((text[at : m.start()], narration))
        runs.append((m.group(1), lang))
        at = m.end()
    if not runs:
        return [(text, narration)]
    runs.append((text[at:], narration))
    return [(" ".join(t.split()), lang) for t, lang in runs if any(c.isalnum() for c in t)]


MIN_PIECE = 2  # letters of a word found inside a run-together line
MAX_RUN = 40  # longer runs of letters are not split


def split_words(token: str, folder: str = str(APERTIUM_DIR)) -> str | None:
    """A run of letters that reads as several words without spaces ("FREEDELIVERYTODAY", as
    OCR returns words whose spaces it lost), split into the fewest words one language knows
    ("FREE DELIVERY TODAY"), keeping the letters and their case; None when the run is a word
    itself, no language can split it, or languages disagree on where."""
    if not token.isalpha() or not (2 * MIN_PIECE <= len(token) <= MAX_RUN):
        return None
    low = token.lower()
    pieces = {low[i:j] for i in range(len(low)) for j in range(i + MIN_PIECE, len(low) + 1)}
    found: set[tuple[int, ...]] = set()
    best = len(low)
    for files in analysers(folder).values():
        known: set[str] = set()
        for f in files:
            known |= _known(f, pieces)
        if low in known:
            return None  # a word in this language as it stands
        cuts = _fewest(low, known)
        if cuts is None:
            continue
        if len(cuts) < best:
            best, found = len(cuts), {cuts}
        elif len(cuts) == best:
            found.add(cuts)
    if not found:
        # names run together ("MARIALOPEZ" on a lower third): the pieces the dictionaries
        # know as names (or titles), the same in every language
        named = {p for p in pieces if p in TITLES}
        for files in analysers(folder).values():
            for f in files:
                named |= _names(f, pieces - named)
        cuts = _fewest(low, named)
        if cuts is not None:
            found = {cuts}
    if len(found) != 1:
        return None
    cuts = found.pop()
    return " ".join(token[a:b] for a, b in zip((0, *cuts), (*cuts, len(token))) if b > a)


def _fewest(word: str, known: set[str]) -> tuple[int, ...] | None:
    """Cut positions splitting `word` into the fewest known pieces (at least two), or None."""
    n = len(word)
    best: dict[int, tuple[int, ...]] = {0: ()}  # position -> fewest piece ends reaching it
    for j in range(1, n + 1):
        for i in range(0, j - MIN_PIECE + 1):
            if i in best and word[i:j] in known:
                cand = (*best[i], j)
                if j not in best or len(cand) < len(best[j]):
                    best[j] = cand
    cuts = best.get(n)
    if cuts is None or len(cuts) < 2:
        return None
    return cuts[:-1]
