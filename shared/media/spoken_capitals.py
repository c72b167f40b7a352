"""How a word in capitals on screen is spoken (decision 0373). Quotes keep what the screen shows
("CITYTV", "BBC"), but the voices read an unknown word in capitals as one word, and badly:
Piper said "CITYTV" as "sit at TV", espeak-ng's Spanish said "BBC" as one word nobody heard.
So before a run of text goes to a voice, a word in capitals that no installed dictionary
knows is:
- spelled letter by letter when it cannot be said as a word (no vowel: "TV", "CNN", "HTML"),
  or is SPELL_MAX letters or fewer ("HBO", "ABC"): "T V", each letter then named by the voice of
  the run's language ("tee vee" in English, "te uve" in Spanish);
- split where a known word meets such an acronym ("CITYTV" -> "CITY T V", "BBCNEWS" ->
  "B B C NEWS");
- otherwise said as a word ("SPOTIFY", "UEFA": the brand's own name).
Words a dictionary knows ("SUMMER SALE", "CHAPTER TWO") are left as they are: the voices read
them right. The description text itself never changes; only what the voice is given.
"""

from __future__ import annotations

import re

from shared.media import quote_language

SPELL_MAX = 3  # letters: an unknown word in capitals this short is an acronym ("HBO")
ACRONYM = (2, 4)  # letters of an acronym glued to a known word ("CITYTV", "BBCNEWS")
WORD_MIN = 3  # letters of the known word beside it
_CAPS = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-Þ]{2,}(?![\w'’])")
_VOWELS = frozenset("AEIOUÁÉÍÓÚÀÈÌÒÙÄËÏÖÜÂÊÎÔÛ")


def _known(words: set[str]) -> set[str]:
    """The (lower-case) words some installed language knows (one lookup for all of them)."""
    return quote_language.known_of(words)


def _spell(word: str) -> str:
    return " ".join(word)


def _acronym(piece: str) -> bool:
    return ACRONYM[0] <= len(piece) <= ACRONYM[1] and not set(piece) & _VOWELS


def said(word: str) -> str:
    """One word in capitals as the voice should be given it."""
    low = word.lower()
    if low in quote_language.TITLES:
        return word
    cuts = [(word[:cut], word[cut:]) for cut in range(1, len(word))]
    heads = {head for head, tail in cuts if _acronym(tail) and len(head) >= WORD_MIN}
    tails = {tail for head, tail in cuts if _acronym(head) and len(tail) >= WORD_MIN}
    known = _known({low} | {piece.lower() for piece in heads | tails})  # one lookup for them all
    if low in known:
        return word
    if len(word) <= SPELL_MAX or not set(word) & _VOWELS:
        return _spell(word)
    for head, tail in cuts:
        if head in heads and head.lower() in known:
            return f"{head} {_spell(tail)}"
        if tail in tails and tail.lower() in known:
            return f"{_spell(head)} {tail}"
    return word


def spoken(text: str) -> str:
    """`text` with each word in capitals as the voice should be given it (`said`). Without an
    installed dictionary (the gcp runtime has no Apertium) nothing can be told known, so the
    text is given as it is: "OFF" spelled "O F F" would be worse than an odd brand."""
    if not quote_language.analysers():
        return text
    return _CAPS.sub(lambda m: said(m.group(0)), text)
