"""Glossary enforcement around any translator: every glossary source term present in a cue
must come out as its target term.

Strategy per term, cheapest first:
1. the engine already produced the target term (Cloud Translation with a glossary resource
   usually does);
2. the engine's own translation of the term appears in the output: replace it with the
   target term (keeps the sentence's grammar around it);
3. translate the cue again with the term protected by a placeholder the engine passes through,
   then put the target term in its place.
Whatever still lacks its target term is reported as unenforced, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.media.languages import normalize
from shared.media.types import GlossaryTerm


@dataclass
class Enforced:
    texts: list[str]
    enforced: list[dict] = field(default_factory=list)
    unenforced: list[dict] = field(default_factory=list)


def source_terms(doc: dict | None) -> list[str]:
    """The glossary's distinct source terms (hints for the transcriber: names and brand terms
    heard right)."""
    seen: dict[str, str] = {}
    for t in (doc or {}).get("terms") or []:
        src = " ".join(str(t.get("source") or "").split())
        if src and src.lower() not in seen:
            seen[src.lower()] = src
    return list(seen.values())


def terms_for(doc: dict, target_language: str) -> list[GlossaryTerm]:
    """The terms of a glossary document that translate into target_language."""
    tgt = normalize(target_language)
    out = []
    for t in doc.get("terms") or []:
        if normalize(t.get("target_language", "")) != tgt or not t.get("source") or not t.get("target"):
            continue
        out.append(
            GlossaryTerm(
                source=t["source"],
                target=t["target"],
                target_language=tgt,
                case_sensitive=bool(t.get("case_sensitive")),
                id=str(t.get("id", "")),
                note=t.get("note", "") or "",
            )
        )
    return sorted(out, key=lambda t: len(t.source), reverse=True)


def _pattern(phrase: str, case_sensitive: bool) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", 0 if case_sensitive else re.IGNORECASE)


def present(term: GlossaryTerm, text: str) -> bool:
    return bool(_pattern(term.source, term.case_sensitive).search(text))


def has_target(term: GlossaryTerm, text: str) -> bool:
    return bool(_pattern(term.target, term.case_sensitive).search(text))


def _cased(replacement: str, found: str, case_sensitive: bool) -> str:
    # Keep sentence-initial capitals: "Fábrica ..." -> "Planta ...", unless the glossary fixes case.
    if not case_sensitive and found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _replace(text: str, phrase: str, term: GlossaryTerm) -> tuple[str, int]:
    pat = _pattern(phrase, False)
    return pat.subn(lambda m: _cased(term.target, m.group(0), term.case_sensitive), text)


def placeholder(n: int) -> str:
    return f"[G{n}]"


def protect(text: str, terms: list[GlossaryTerm]) -> tuple[str, dict[str, GlossaryTerm]]:
    """The text with each given term's occurrences replaced by a placeholder."""
    mapping: dict[str, GlossaryTerm] = {}
    for n, term in enumerate(terms):
        token = placeholder(n)
        text, count = _pattern(term.source, term.case_sensitive).subn(token, text)
        if count:
            mapping[token] = term
    return text, mapping


def restore(text: str, mapping: dict[str, GlossaryTerm]) -> str:
    for token, term in mapping.items():
        text = text.replace(token, term.target)
    return text


_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')


def protect_quoted(text: str) -> tuple[str, dict[str, str]]:
    """Quoted passages (on-screen text in descriptions) replaced by placeholders, to be kept
    verbatim through translation."""
    mapping: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        token = f"[Q{len(mapping)}]"
        mapping[token] = m.group(0)
        return token

    return _QUOTED.sub(sub, text), mapping


def translate_enforced(translator, texts: list[str], source: str, target: str, terms: list[GlossaryTerm]) -> Enforced:
    """Translate texts one output per input, enforcing the glossary terms; quoted passages
    come through verbatim."""
    quoted = [protect_quoted(t) for t in texts]
    result = _translate_terms(translator, [q[0] for q in quoted], source, target, terms)
    for i, (_, mapping) in enumerate(quoted):
        for token, original in mapping.items():
            result.texts[i] = result.texts[i].replace(token, original)
    return result


def _translate_terms(translator, texts: list[str], source: str, target: str, terms: list[GlossaryTerm]) -> Enforced:
    wanted = {i: [t for t in terms if present(t, text)] for i, text in enumerate(texts)} if terms else {}
    wanted = {i: ts for i, ts in wanted.items() if ts}
    used = sorted({t.source for ts in wanted.values() for t in ts})
    # The engine's own words for the terms: in the same call when the glossary does not change
    # what the engine says (Apertium: one process start instead of two, decision 1212).
    batched = used if used and not getattr(translator, "glossary_aware", True) else []
    out = translator.translate(texts + batched, source, target, terms or None)
    result = Enforced(texts=list(out[: len(texts)]))
    if not wanted:
        return result
    if batched:
        engine_terms = dict(zip(used, out[len(texts) :]))
    else:
        engine_terms = dict(zip(used, translator.translate(used, source, target, None)))
    retry: dict[int, list[GlossaryTerm]] = {}
    for i, ts in wanted.items():
        for term in ts:
            if has_target(term, result.texts[i]):
                continue
            own = engine_terms.get(term.source, "").strip()
            if own and own.lower() != term.target.lower():
                result.texts[i], count = _replace(result.texts[i], own, term)
                if count:
                    continue
            retry.setdefault(i, []).append(term)
    if retry:
        idx = sorted(retry)
        protected = [protect(texts[i], retry[i]) for i in idx]
        again = translator.translate([p[0] for p in protected], source, target, terms)
        for i, (_, mapping), text in zip(idx, protected, again):
            if all(token in text for token in mapping):
                result.texts[i] = restore(text, mapping)
    for i, ts in wanted.items():
        for term in ts:
            entry = {"cue": i + 1, "term_id": term.id, "source": term.source, "target": term.target}
            if has_target(term, result.texts[i]):
                result.enforced.append(entry)
            else:
                result.unenforced.append(
                    {**entry, "reason": "the translation engine did not keep the term, even when protected"}
                )
    return result
