"""Judging a spoken-language guess against the job's `source_language` (pure, no I/O).

A guess is trusted when the claimed language is the top one with at least MATCH_MIN; a
different language heard with at least MISMATCH_MIN is a mismatch (captions are withheld: the
job goes to SOURCE_QC with the flag, never with confident captions in the wrong language);
anything in between is unsure (captions are made in the claimed language and flagged).
docs/decisions/0310 has the figures behind the thresholds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from shared.media.types import LanguageGuess

MATCH_MIN = 0.4
MISMATCH_MIN = 0.5

MATCH = "match"
MISMATCH = "mismatch"
UNSURE = "unsure"
NO_SPEECH = "no_speech"
DETECTED = "detected"


@dataclass
class Verdict:
    status: str
    claimed: str | None
    heard: str | None
    probability: float
    claimed_probability: float
    detail: str
    alternatives: list[tuple[str, float]]

    @property
    def withhold_captions(self) -> bool:
        return self.status == MISMATCH

    @property
    def flagged(self) -> bool:
        return self.status in (MISMATCH, UNSURE)

    def to_dict(self) -> dict:
        return asdict(self)


_NAMES = {
    "en": "English",
    "es": "Spanish",
    "ca": "Catalan",
    "gl": "Galician",
    "eu": "Basque",
    "is": "Icelandic",
    "eo": "Esperanto",
    "fr": "French",
    "pt": "Portuguese",
    "it": "Italian",
    "de": "German",
    "nl": "Dutch",
}


def _name(code: str) -> str:
    return f"{_NAMES[code]} ({code})" if code in _NAMES else code


def judge(guess: LanguageGuess | None, claimed: str | None, supported: set[str] | None = None) -> Verdict:
    """The verdict for a job that claims `claimed` (None: detect it). `supported`: languages
    the job could be transcribed in; a detected language outside it is unsure."""
    claimed = (claimed or "").split("-")[0].lower() or None
    if guess is None:
        return Verdict(NO_SPEECH, claimed, None, 0.0, 0.0, "Too little speech to identify a language.", [])
    probs = dict(guess.alternatives)
    probs[guess.language] = guess.probability
    heard, p = guess.language, guess.probability
    alts = list(guess.alternatives)
    sure = f"{p:.0%} sure"
    if claimed is None:
        if p >= MISMATCH_MIN and (supported is None or heard in supported):
            return Verdict(DETECTED, None, heard, p, p, f"Detected {_name(heard)}, {sure}.", alts)
        if supported is not None and heard not in supported:
            detail = f"Heard {_name(heard)} ({sure}), which this platform cannot transcribe or translate."
        else:
            detail = f"Could not tell the spoken language reliably: best guess {_name(heard)}, only {sure}."
        return Verdict(UNSURE, None, heard, p, 0.0, detail, alts)
    pc = probs.get(claimed, 0.0)
    if heard == claimed and p >= MATCH_MIN:
        return Verdict(MATCH, claimed, heard, p, pc, f"Heard {_name(heard)} as expected, {sure}.", alts)
    if heard != claimed and p >= MISMATCH_MIN:
        return Verdict(
            MISMATCH,
            claimed,
            heard,
            p,
            pc,
            f"The speech is in {_name(heard)} ({sure}; {_name(claimed)} {pc:.0%}), but the job says "
            f"{_name(claimed)}. Captions were not made; create the job again with source_language "
            f'"{heard}" (or leave it out to have it detected).',
            alts,
        )
    return Verdict(
        UNSURE,
        claimed,
        heard,
        p,
        pc,
        f"Not sure the speech is in {_name(claimed)}: best guess {_name(heard)} {sure}, "
        f"{_name(claimed)} {pc:.0%}. Check the captions against the audio.",
        alts,
    )
