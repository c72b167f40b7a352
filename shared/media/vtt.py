"""WebVTT in and out with webvtt-py; SRT, TTML/DFXP and SCC exports with pycaption.

No hand-written VTT parsing: webvtt-py reads and writes the tracks, pycaption converts.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.media.types import Cue, Description

EXTENDED_ID = "extended"


class VttError(ValueError):
    """The text is not valid WebVTT (message is safe to show)."""


@dataclass
class VttCue:
    start: float
    end: float
    text: str
    identifier: str | None = None

    @property
    def extended(self) -> bool:
        return self.identifier is not None and EXTENDED_ID in self.identifier


def _ts(seconds: float) -> str:
    ms = int(round(max(0.0, seconds) * 1000))
    h, rem = divmod(ms, 3600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def read(text: str) -> list[VttCue]:
    """Cues of a WebVTT document, times in seconds (millisecond precision)."""
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        doc = webvtt.WebVTT.from_string(text)
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise VttError(f"Not valid WebVTT: {exc}") from exc
    cues = [
        VttCue(
            c.start_time.in_milliseconds() / 1000.0, c.end_time.in_milliseconds() / 1000.0, c.text, c.identifier or None
        )
        for c in doc.captions
    ]
    # webvtt-py skips blocks it cannot parse; a timing line it skipped means a broken cue.
    timing_lines = sum(1 for line in text.splitlines() if "-->" in line)
    if timing_lines != len(cues):
        raise VttError(f"{timing_lines - len(cues)} cue(s) have an unreadable timing line")
    for n, c in enumerate(cues, 1):
        if c.end <= c.start:
            raise VttError(f"cue {n} ends ({_ts(c.end)}) before it starts ({_ts(c.start)})")
    return cues


def write(cues: list[VttCue], kind: str = "captions", language: str | None = None) -> str:
    import webvtt

    captions = [webvtt.Caption(start=_ts(c.start), end=_ts(c.end), text=c.text, identifier=c.identifier) for c in cues]
    meta = [f"Kind: {kind}"] + ([f"Language: {language}"] if language else [])
    doc = webvtt.WebVTT(captions=captions, metadata=meta)
    # A file without cues (a video without speech) still needs the blank line after its header.
    return doc.content if cues else doc.content.rstrip("\n") + "\n\n"


def write_captions(cues: list[Cue]) -> str:
    return write([VttCue(c.start, c.end, c.text, str(i + 1)) for i, c in enumerate(cues)])


def write_descriptions(descriptions: list[Description]) -> str:
    """Identifier `ad-N`, or `ad-N-extended` for a description that fits no gap."""
    return write(
        [
            VttCue(d.start, d.end, d.text, f"ad-{i + 1}" + (f"-{EXTENDED_ID}" if d.extended else ""))
            for i, d in enumerate(descriptions)
        ],
        kind="descriptions",
    )


def to_cue(c: VttCue) -> Cue:
    return Cue(c.start, c.end, c.text)


def export_all(vtt_text: str, lang: str) -> dict[str, str | None]:
    """SRT, TTML (DFXP) and SCC renderings of a captions VTT. SCC is None when the content
    cannot be carried by CEA-608 (pycaption refuses it)."""
    from pycaption import CaptionList, CaptionSet, DFXPWriter, SCCWriter, SRTWriter, WebVTTReader
    from pycaption.exceptions import CaptionReadNoCaptions

    try:
        captions = WebVTTReader().read(vtt_text, lang=lang)
    except CaptionReadNoCaptions:  # no speech, no captions: empty exports, not a failure
        captions = CaptionSet({lang: CaptionList()})
    out: dict[str, str | None] = {"srt": SRTWriter().write(captions), "ttml": DFXPWriter().write(captions)}
    try:
        out["scc"] = SCCWriter().write(captions)
    except Exception:  # pycaption raises assorted errors for content 608 cannot carry
        out["scc"] = None
    return out
