"""Written conventions of a translation's language that the machine translation leaves out
(pure, no I/O; decision 0312).

Apertium's English-Spanish pair writes questions and exclamations without their opening marks
("Qué tiene que las familias ven primero?") and sometimes capitalises a function word in the
middle of a sentence ("Gracias Para tenerme."). A Spanish viewer reads both as mistakes. So
each translated text is tidied before it is cut into cues:
- Spanish: a sentence ending in "?" or "!" without its opening mark gets "¿" / "¡" at its start;
- Spanish, Catalan, Galician, English: an article, preposition, conjunction or pronoun written
  with a capital in the middle of a sentence is lower-cased ("Gracias Todo para" -> "todo",
  "Thank you By his visit" -> "by"), unless a glossary term writes it so, it
  starts a name ("El Salvador": the next word has a capital too) or it is inside a quotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

OPENING_MARKS = {"es": {"?": "¿", "!": "¡"}}

FUNCTION_WORDS = {
    "es": set(
        "el la los las lo un una unos unas de del al a en con por para sin sobre entre hasta desde hacia "
        "y e o u ni pero sino que se le les me te nos os su sus mi mis tu tus este esta estos estas ese "
        "esa esos esas muy más no como cuando donde todo toda todos todas".split()
    ),
    # Apertium's Spanish-English pair does the same ("Thank you By his visit."); "may", "will",
    # "can" are left out (a month, a name).
    "en": set(
        "a an the this that these those my your his her its our their to of in on at by for from with "
        "into about over under after before between through and or but nor so if as than is are was "
        "were be been would could should might must do does did has have had not very all".split()
    ),
    "ca": set(
        "el la els les l un una uns unes de del dels al als a en amb per sense sobre entre fins des cap "
        "i o ni però que es se li els em et ens us seu seva seus seves meu meva molt més no com quan on".split()
    ),
    "gl": set(
        "o a os as un unha uns unhas de do da dos das ao á aos ás en no na nos nas con por para sen sobre "
        "entre ata desde cara e ou nin pero que se lle lles me te nos vos seu súa seus súas meu miña moi "
        "máis non como cando onde".split()
    ),
}

# Between sentences: the spaces after an end mark (and a closing quote or bracket after it).
_BETWEEN = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…]['\")\]»]))(\s+)")
_LEADING = re.compile(r"^(\s*[-–—\"'«(\[]*\s*)")


def _base(lang: str) -> str:
    return lang.split("-")[0].lower()


def _open_marks(sentence: str, marks: dict[str, str]) -> str:
    end = sentence.rstrip().rstrip("'\")]»")
    if not end:
        return sentence
    mark = marks.get(end[-1])
    if mark is None or mark in sentence:
        return sentence
    lead = _LEADING.match(sentence)
    cut = lead.end() if lead else 0
    return sentence[:cut] + mark + sentence[cut:]


def _lower_function_words(sentence: str, words: set[str], keep: set[str]) -> str:
    tokens = sentence.split(" ")
    cores = [t.strip("¿¡\"'«»()[],;:") for t in tokens]
    seen_word = quoted = False
    for i, core in enumerate(cores):
        opens = tokens[i].lstrip("¿¡([").startswith(('"', "«"))
        closes = tokens[i].rstrip(".,;:!?…)]").endswith(('"', "»"))
        if opens:
            quoted = True
        if quoted:  # a quotation (the text on screen) is written as it was
            quoted = not closes or (opens and len(tokens[i].strip('"«»')) == 0)
            seen_word = True
            continue
        if not core:
            continue
        following = next((c for c in cores[i + 1 :] if c), "")
        name = following[:1].isupper()  # "El Salvador", "La Paz": part of a name
        if seen_word and core[0].isupper() and core[1:].islower() and core.lower() in words and core not in keep:
            if not name:
                tokens[i] = tokens[i].replace(core, core.lower(), 1)
        seen_word = True
    return " ".join(tokens)


def tidy(text: str, lang: str, keep: Iterable[str] = ()) -> str:
    """`text` (one or more sentences in `lang`) with the conventions above applied; `keep` are
    words a glossary writes with their capital (never lower-cased)."""
    base = _base(lang)
    marks = OPENING_MARKS.get(base)
    words = FUNCTION_WORDS.get(base)
    if not text or (marks is None and words is None) or text.isupper():
        return text
    kept = {w for term in keep for w in term.split()}
    parts = _BETWEEN.split(text)  # sentence, spaces, sentence, ...
    for i in range(0, len(parts), 2):
        if words is not None:
            parts[i] = _lower_function_words(parts[i], words, kept)
        if marks is not None:
            parts[i] = _open_marks(parts[i], marks)
    return "".join(parts)
