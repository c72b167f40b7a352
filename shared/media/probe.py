"""ffprobe validation of a source video before any work: it must be an MP4 or MOV with a video
and an audio stream, a readable non-zero duration, and every packet inside the file (a
truncated upload fails here, not an hour into transcription). Works with ffmpeg 4.4 and 5.x."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

FFPROBE = "ffprobe"
TIMEOUT = 300
# The demuxer name ffprobe reports for ISO-BMFF files (MP4, MOV, M4A, 3GP...).
_MOV_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2"
_VIDEO_BRANDS_MOV = {"qt  "}


class InvalidMedia(Exception):
    """The file is not a usable source video; the message says why, for a person."""


@dataclass(frozen=True)
class MediaInfo:
    container: str  # mp4 | mov
    duration: float
    size: int
    video_codec: str
    width: int
    height: int
    fps: float
    audio_codec: str
    sample_rate: int
    channels: int

    def as_dict(self) -> dict:
        return asdict(self)


def _run(args: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([FFPROBE, "-hide_banner", *args], capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise InvalidMedia("The video could not be read in time; it may be damaged") from None


def duration_seconds(path: Path) -> float | None:
    """The container's duration in seconds; None if ffprobe cannot tell."""
    try:
        out = _run(["-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)])
        return float(json.loads(out.stdout)["format"]["duration"])
    except (InvalidMedia, OSError, KeyError, ValueError, TypeError):
        return None


def _rate(value: str | None) -> float:
    try:
        num, _, den = (value or "0/1").partition("/")
        return float(num) / float(den or 1) if float(den or 1) else 0.0
    except ValueError:
        return 0.0


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _brand(path: Path) -> str | None:
    """The ISO-BMFF major brand, or None if the file does not start with an ftyp box."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    return head[8:12].decode("latin-1")


def _looks_isobmff(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(8)
    return len(head) == 8 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")


def probe(path: Path) -> MediaInfo:
    """Validate `path` as a source video; raise InvalidMedia with a readable reason."""
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        raise InvalidMedia("The uploaded file is empty")
    meta = _run(["-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)])
    try:
        info = json.loads(meta.stdout or b"{}")
    except ValueError:
        info = {}
    fmt = info.get("format") or {}
    if meta.returncode != 0 or not fmt:
        err = meta.stderr.decode(errors="replace")
        if "moov atom not found" in err and _looks_isobmff(path):
            raise InvalidMedia(
                "The video file is incomplete (its index is missing); the upload was probably cut "
                "short, upload it again"
            )
        raise InvalidMedia("The file is not a readable video; upload an MP4 or MOV file")
    if fmt.get("format_name") != _MOV_DEMUXER:
        raise InvalidMedia(
            f"The file is {fmt.get('format_long_name') or fmt.get('format_name') or 'not a video'}, "
            "not an MP4 or MOV video"
        )
    brand = _brand(path)
    streams = info.get("streams") or []
    video = next(
        (s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None:
        raise InvalidMedia("The file has no video stream; upload a video, not an audio file")
    if audio is None:
        raise InvalidMedia("The video has no audio track; captions and audio description need its soundtrack")
    duration = _float(fmt.get("duration")) or _float(video.get("duration"))
    if duration <= 0:
        raise InvalidMedia("The video's duration is zero or unreadable")
    _check_complete(path, size)
    container = "mov" if brand in _VIDEO_BRANDS_MOV or (brand is None and path.suffix.lower() == ".mov") else "mp4"
    return MediaInfo(
        container=container,
        duration=round(duration, 3),
        size=size,
        video_codec=video.get("codec_name") or "",
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        fps=round(_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")), 3),
        audio_codec=audio.get("codec_name") or "",
        sample_rate=int(_float(audio.get("sample_rate"))),
        channels=int(audio.get("channels") or 0),
    )


def _check_complete(path: Path, size: int) -> None:
    """Demux every packet (no decoding, fast): a file cut short has packets past its end."""
    res = _run(["-v", "error", "-show_entries", "packet=pos,size", "-of", "csv=p=0", str(path)])
    err = res.stderr.decode(errors="replace").lower()
    end = 0
    for line in res.stdout.decode(errors="replace").splitlines():
        pos, _, length = line.partition(",")
        try:
            end = max(end, int(pos) + int(length))
        except ValueError:
            continue
    if res.returncode != 0 or "partial file" in err or "truncat" in err or end > size:
        raise InvalidMedia("The video file is truncated (it ends before its last frames); upload it again")
    if end == 0:
        raise InvalidMedia("The video contains no readable frames")
