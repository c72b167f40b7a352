"""WebVTT documents as the QC workflow sees them: parse and check an edit, shift cue timings.

Pure functions, no I/O. webvtt-py does the parsing; a line-aware scan in front of it finds the
line at fault, because webvtt-py reports malformed input without line numbers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

_TIMESTAMP = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_TIMING_LINE = re.compile(rf"^\s*({_TIMESTAMP})[ \t]+-->[ \t]+({_TIMESTAMP})(?=\s|$)(.*)$")
_MAX_CUES = 20000


class VttError(ValueError):
    """A VTT the platform refuses; `line` is 1-based (None when it concerns the whole file)."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(self.describe())

    def describe(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class Cue:
    index: int  # 0-based position in the file
    identifier: str | None
    start_ms: int
    end_ms: int
    text: str  # payload lines joined by "\n", markup kept
    settings: str
    line: int  # 1-based line of the timing line

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "identifier": self.identifier,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "start": format_ms(self.start_ms),
            "end": format_ms(self.end_ms),
            "text": self.text,
        }


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def etag_for(content: str) -> str:
    """A strong ETag (quoted) for a VTT's exact content."""
    return f'"{content_hash(content)[:32]}"'


def parse_ms(stamp: str) -> int:
    parts = stamp.strip().split(":")
    sec, _, frac = parts[-1].partition(".")
    hours = int(parts[0]) if len(parts) == 3 else 0
    minutes = int(parts[-2])
    return ((hours * 60 + minutes) * 60 + int(sec)) * 1000 + int(frac.ljust(3, "0")[:3])


def format_ms(ms: int) -> str:
    ms = max(0, int(ms))
    hours, rest = divmod(ms, 3600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def normalize(content: str) -> str:
    """CRLF/CR to LF, BOM dropped, exactly one trailing newline."""
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.rstrip("\n") + "\n"


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blocks separated by blank lines, each with the 1-based number of its first line."""
    out: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip() == "":
            if cur:
                out.append((start, cur))
                cur = []
            continue
        if not cur:
            start = number
        cur.append(line)
    if cur:
        out.append((start, cur))
    return out


def _scan(lines: list[str]) -> list[tuple[int, int, int]]:
    """Check the structure line by line; return (timing line, start ms, end ms) per cue."""
    if not lines or not lines[0].startswith("WEBVTT") or (len(lines[0]) > 6 and lines[0][6] not in " \t"):
        raise VttError('the file must start with "WEBVTT"', 1)
    blocks = _blocks(lines)
    for offset, line in enumerate(blocks[0][1]):
        if "-->" in line:
            raise VttError("a blank line is missing between the WEBVTT header and the first cue", 1 + offset)
    found: list[tuple[int, int, int]] = []
    for first, block in blocks[1:]:
        head = block[0]
        if head.startswith(("NOTE", "STYLE", "REGION")) and (
            len(head) == len(head.split()[0]) or head[len(head.split()[0])] in " \t"
        ):
            if head.startswith("NOTE"):
                for offset, line in enumerate(block):
                    if "-->" in line:
                        raise VttError('a NOTE must not contain "-->"; put a blank line before the cue', first + offset)
            if not head.startswith("NOTE") and found:
                raise VttError(f"{head.split()[0]} blocks must come before the first cue", first)
            continue
        if "-->" in head:
            timing_at = 0
        elif len(block) > 1 and "-->" in block[1]:
            timing_at = 1
        else:
            raise VttError(
                "text outside a cue: expected a cue timing line such as "
                '"00:00:01.000 --> 00:00:03.500" (or a blank line is missing)',
                first,
            )
        number = first + timing_at
        match = _TIMING_LINE.match(block[timing_at])
        if not match:
            raise VttError(
                f'invalid cue timing {block[timing_at].strip()!r}; write it as "HH:MM:SS.mmm --> HH:MM:SS.mmm"', number
            )
        for offset, line in enumerate(block[timing_at + 1 :], start=timing_at + 1):
            if "-->" in line:
                raise VttError(
                    'cue text must not contain "-->"; is a blank line missing before this cue?', first + offset
                )
        if len(block) == timing_at + 1:
            raise VttError("cue has no text", number)
        start, end = parse_ms(match.group(1)), parse_ms(match.group(2))
        for stamp in (match.group(1), match.group(2)):
            mm, ss = stamp.split(":")[-2], stamp.split(":")[-1][:2]
            if int(mm) > 59 or int(ss) > 59:
                raise VttError(f"invalid timestamp {stamp}: minutes and seconds must be below 60", number)
        found.append((number, start, end))
        if len(found) > _MAX_CUES:
            raise VttError(f"too many cues (more than {_MAX_CUES})", number)
    return found


def parse(content: str, *, duration_ms: int | None = None) -> list[Cue]:
    """Parse and check a VTT. Raises VttError naming the line at fault when the file is
    malformed, a cue ends before it starts, a cue starts before the one above it, or a cue
    ends after the media (`duration_ms`, when known)."""
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    text = normalize(content)
    lines = text.split("\n")[:-1]
    scanned = _scan(lines)
    try:
        parsed = webvtt.from_string(text, strict=True)
    except (MalformedFileError, MalformedCaptionError, ValueError):
        raise VttError("the file is not valid WebVTT") from None
    if len(parsed.captions) != len(scanned):
        raise VttError("the file is not valid WebVTT: some cue blocks could not be read")
    cues: list[Cue] = []
    for index, (caption, (line, start, end)) in enumerate(zip(parsed.captions, scanned)):
        cues.append(Cue(index, caption.identifier, start, end, "\n".join(caption.lines), str(caption.settings), line))
    check_timings(cues, duration_ms)
    return cues


def check_timings(cues: list[Cue], duration_ms: int | None) -> None:
    previous: Cue | None = None
    for cue in cues:
        if cue.end_ms <= cue.start_ms:
            raise VttError(
                f"cue ends ({format_ms(cue.end_ms)}) before or when it starts ({format_ms(cue.start_ms)})", cue.line
            )
        if previous is not None and cue.start_ms < previous.start_ms:
            raise VttError(
                f"cue starts at {format_ms(cue.start_ms)}, before the cue above it "
                f"(line {previous.line}, {format_ms(previous.start_ms)}): timings are out of order",
                cue.line,
            )
        if duration_ms is not None and cue.end_ms > duration_ms:
            raise VttError(
                f"cue ends at {format_ms(cue.end_ms)}, after the end of the media ({format_ms(duration_ms)})", cue.line
            )
        previous = cue


def shift(
    content: str,
    offset_ms: int,
    *,
    from_ms: int | None = None,
    to_ms: int | None = None,
    duration_ms: int | None = None,
) -> tuple[str, int]:
    """Shift the cues that start within [from_ms, to_ms] by offset_ms; returns (new content,
    number of cues shifted). Starts are clamped at zero and, for a ranged shift, at the start of
    the nearest cue before the range, so the order never changes; a clamped cue keeps its
    duration. A shift that would carry a cue past the next cue outside the range or past the
    media is refused (VttError). Everything but the timing lines is kept byte for byte."""
    cues = parse(content, duration_ms=None)
    text = normalize(content)
    lines = text.split("\n")
    lo = from_ms if from_ms is not None else 0
    hi = to_ms if to_ms is not None else float("inf")
    if hi < lo:
        raise VttError("to_ms must not be before from_ms")
    selected = [c for c in cues if lo <= c.start_ms <= hi]
    if not selected:
        return text, 0
    first, last = selected[0].index, selected[-1].index
    floor = cues[first - 1].start_ms if first > 0 else 0
    ceiling = cues[last + 1].start_ms if last + 1 < len(cues) else None
    new_cues: list[Cue] = []
    for cue in cues:
        if not first <= cue.index <= last:
            new_cues.append(cue)
            continue
        start = cue.start_ms + offset_ms
        end = cue.end_ms + offset_ms
        if start < floor:
            start, end = floor, floor + (cue.end_ms - cue.start_ms)
        if ceiling is not None and start > ceiling:
            raise VttError(
                f"shifting by {offset_ms} ms would move the cue past the next cue at "
                f"{format_ms(ceiling)}; narrow the range or use a smaller offset",
                cue.line,
            )
        new_cues.append(Cue(cue.index, cue.identifier, start, end, cue.text, cue.settings, cue.line))
        match = _TIMING_LINE.match(lines[cue.line - 1])
        tail = match.group(3) if match else ""  # the parse checked every timing line
        lines[cue.line - 1] = f"{format_ms(start)} --> {format_ms(end)}{tail}"
    check_timings(new_cues, duration_ms)
    return "\n".join(lines), len(selected)
