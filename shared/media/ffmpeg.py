"""Thin helpers over the ffmpeg / ffprobe command-line tools.

Only filters and options that both ffmpeg 4.4 (Cloud Functions google-22-full stack) and 5.1
(Debian here) accept are used; `version()` is probed once so callers can log it.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"

# Uploaded sources are opened only with the ISO-BMFF demuxer (MP4/MOV family) and only from a
# local file: ffmpeg would otherwise guess the format from the content, and an HLS playlist or
# an ffconcat file named .mp4 would make it open whatever paths or URLs the file names.
SOURCE_DEMUXER = "mov"
PROTOCOLS = "file"


def source_input(path: Path | str, protocols: str = PROTOCOLS) -> list[str]:
    """The input options for an uploaded source (or anything derived from it in MP4/MOV)."""
    return ["-f", SOURCE_DEMUXER, "-protocol_whitelist", protocols, "-i", str(path)]


class MediaError(Exception):
    """The media itself is unusable (message is safe to show to a person)."""


class ToolError(RuntimeError):
    """An external tool failed for a reason that may be transient."""


def run(args: list[str], *, timeout: float | None = None, text: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=text, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stderr or "")[-1500:] if text else proc.stderr[-1500:].decode("utf-8", "replace")
        raise ToolError(f"{Path(args[0]).name} failed ({proc.returncode}): {tail}")
    return proc


def ffmpeg(*args: str, timeout: float | None = None) -> subprocess.CompletedProcess:
    return run([FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *args], timeout=timeout)


@functools.lru_cache(maxsize=1)
def version() -> str:
    out = run([FFMPEG, "-hide_banner", "-version"]).stdout
    m = re.search(r"ffmpeg version (\S+)", out)
    return m.group(1) if m else "unknown"


@dataclass
class StreamInfo:
    index: int
    kind: str  # video | audio | subtitle | data
    codec: str
    duration: float | None
    language: str | None


@dataclass
class MediaInfo:
    duration: float
    fps: float
    width: int
    height: int
    has_audio: bool
    has_video: bool
    streams: list[StreamInfo]
    sample_rate: int = 0

    def of(self, kind: str) -> list[StreamInfo]:
        return [s for s in self.streams if s.kind == kind]


def _rate(value: str | None) -> float:
    if not value or value in ("0/0", "N/A"):
        return 0.0
    if "/" in value:
        num, den = value.split("/", 1)
        return float(num) / float(den) if float(den) else 0.0
    return float(value)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def probe(path: Path) -> MediaInfo:
    """Streams and durations via ffprobe; MediaError if the file is not usable media."""
    try:
        out = run(
            [
                FFPROBE,
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                *source_input(path),
            ]
        ).stdout
    except ToolError as exc:
        raise MediaError("The file is not a readable video (ffprobe could not parse it).") from exc
    data = json.loads(out or "{}")
    streams = []
    fps = 0.0
    width = height = sample_rate = 0
    for s in data.get("streams", []):
        kind = s.get("codec_type", "data")
        tags = s.get("tags") or {}
        streams.append(
            StreamInfo(
                index=int(s.get("index", 0)),
                kind=kind,
                codec=s.get("codec_name", ""),
                duration=_float(s.get("duration")),
                language=tags.get("language"),
            )
        )
        if kind == "video" and not fps:
            fps = _rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate"))
            width, height = int(s.get("width") or 0), int(s.get("height") or 0)
        if kind == "audio" and not sample_rate:
            sample_rate = int(s.get("sample_rate") or 0)
    duration = _float((data.get("format") or {}).get("duration"))
    spans = [
        (start, start + length)
        for s in data.get("streams", [])
        if s.get("codec_type") in ("video", "audio")
        and (start := _float(s.get("start_time"))) is not None
        and (length := _float(s.get("duration")))
    ]
    if spans and min(a for a, _ in spans) > 0.001:
        # a non-zero start (an edit list, a cut from a longer recording): the MOV header's
        # duration runs from 0, but every tool here sees the programme from its first sample
        # (decision 0342)
        duration = max(b for _, b in spans) - min(a for a, _ in spans)
    if duration is None:
        durations = [s.duration for s in streams if s.duration]
        duration = max(durations) if durations else 0.0
    has_video = any(s.kind == "video" for s in streams)
    has_audio = any(s.kind == "audio" for s in streams)
    if not streams or duration <= 0:
        raise MediaError("The file has no playable streams.")
    return MediaInfo(
        duration=duration,
        fps=fps or 25.0,
        width=width,
        height=height,
        has_audio=has_audio,
        has_video=has_video,
        streams=streams,
        sample_rate=sample_rate,
    )


# Audio from the programme's start: a sound track starting after the picture gets silence
# before it (else its first sample lands at 0 and the captions come early; decision 0342)
FROM_ZERO = "aresample=async=1:first_pts=0"


def extract_wav16k(video: Path, out: Path) -> Path:
    """The first audio stream as 16 kHz mono 16-bit PCM (what the recognisers expect), on the
    programme's timeline (FROM_ZERO)."""
    ffmpeg(
        *source_input(video),
        "-map",
        "0:a:0",
        "-vn",
        "-af",
        FROM_ZERO,
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "pcm_s16le",
        str(out),
    )
    return out


def with_silent_audio(video: Path, info: MediaInfo, out: Path) -> Path:
    """A copy of a video that has no audio track, with a silent stereo 48 kHz AAC track of the
    picture's length (the picture is copied, not re-encoded), so mixing and rendering treat it
    like any other source."""
    ffmpeg(
        *source_input(video),
        "-f",
        "lavfi",
        "-i",
        "anullsrc=r=48000:cl=stereo",
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-t",
        f"{info.duration:.3f}",
        "-c:v",
        "copy",
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        str(out),
    )
    return out


def loudness(path: Path) -> dict:
    """Integrated loudness (LUFS), loudness range and true peak (dBTP) via the ebur128 filter."""
    proc = subprocess.run(
        [
            FFMPEG,
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise ToolError(f"ebur128 failed: {proc.stderr[-500:]}")
    summary = proc.stderr[proc.stderr.rfind("Summary:") :]
    i = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    lra = re.search(r"LRA:\s+(-?[\d.]+) LU", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return {
        "integrated_lufs": float(i.group(1)) if i else None,
        "lra": float(lra.group(1)) if lra else None,
        "true_peak_dbtp": float(peak.group(1)) if peak else None,
    }
