"""ffprobe validation of a source video before any work: it must be an MP4 or MOV with a video
stream, a readable non-zero duration, and every packet inside the file (a truncated upload fails
here, not an hour into transcription). A video without an audio track is accepted (a silent film
needs audio description most); `has_audio` tells the later steps. Works with ffmpeg 4.4 and 5.x.

ffprobe is never left to guess the format: it opens the file with the MP4/MOV demuxer only and
the `file` protocol only (shared.media.ffmpeg.source_input), so a playlist or concat list
named .mp4 is refused without anything it names being opened. Before ffprobe runs, the first
bytes are looked at so that a file which is not a video at all (text, an image, a PDF...) is
told so, instead of being called an incomplete video."""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.media.ffmpeg import source_input

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
    audio_codec: str  # "" when the video has no audio track
    sample_rate: int
    channels: int
    has_audio: bool = True

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


_TOP_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot", b"uuid", b"moof", b"styp", b"sidx")
# Signatures of common files that are not MP4/MOV, for a message that says what was sent.
_OTHER_VIDEO = (
    (b"\x1aE\xdf\xa3", "a WebM or Matroska video"),
    (b"RIFF", "an AVI or WAV file"),
    (b"FLV", "a Flash video"),
    (b"\x00\x00\x01\xba", "an MPEG program stream"),
    (b"0&\xb2u", "a Windows Media file"),
)
_NOT_VIDEO = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg file"),
    (b"fLaC", "a FLAC audio file"),
    (b"#EXTM3U", "a playlist (text), not a video"),
    (b"ffconcat", "an ffmpeg concat list (text), not a video"),
)


def _looks_isobmff(path: Path) -> bool:
    """The file starts with a top-level MP4/MOV box: a known type and a size that fits."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if len(head) < 8 or head[4:8] not in _TOP_BOXES:
        return False
    size = int.from_bytes(head[:4], "big")
    return size in (0, 1) or 8 <= size <= path.stat().st_size


def _not_a_video(path: Path) -> str | None:
    """Why the file is plainly not an MP4/MOV video, from its first bytes; None if it may be one."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if _looks_isobmff(path):
        return None
    for magic, what in _OTHER_VIDEO:
        if head.startswith(magic):
            return f"The file is {what}, not an MP4 or MOV video; convert it to MP4 and upload it again"
    for magic, what in _NOT_VIDEO:
        if head.startswith(magic):
            what = what if "not a video" in what else f"{what}, not a video"
            return f"The file is {what}; upload an MP4 or MOV file"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "The file is text, not a video; upload an MP4 or MOV file"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 4 KiB window
                return "The file is text, not a video; upload an MP4 or MOV file"
    return "The file is not a video (it is not an MP4 or MOV file); upload an MP4 or MOV file"


def probe(path: Path) -> MediaInfo:
    """Validate `path` as a source video; raise InvalidMedia with a readable reason."""
    path = Path(path)
    size = path.stat().st_size if path.exists() else 0
    if size == 0:
        raise InvalidMedia("The uploaded file is empty")
    reason = _not_a_video(path)
    if reason:
        raise InvalidMedia(reason)
    meta = _run(["-v", "error", "-print_format", "json", "-show_format", "-show_streams", *source_input(path)])
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
    duration = _float(fmt.get("duration")) or _float(video.get("duration"))
    spans = [
        (_float(s.get("start_time")), _float(s.get("start_time")) + _float(s.get("duration")))
        for s in streams
        if s.get("codec_type") in ("video", "audio") and _float(s.get("duration")) > 0
    ]
    if spans and min(a for a, _ in spans) > 0.001:  # a late start (edit list): as ffmpeg.probe
        duration = max(b for _, b in spans) - min(a for a, _ in spans)
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
        audio_codec=(audio or {}).get("codec_name") or "",
        sample_rate=int(_float((audio or {}).get("sample_rate"))),
        channels=int((audio or {}).get("channels") or 0),
        has_audio=audio is not None,
    )


def _check_complete(path: Path, size: int) -> None:
    """Demux every packet (no decoding, fast): a file cut short has packets past its end."""
    res = _run(["-v", "error", "-show_entries", "packet=pos,size", "-of", "csv=p=0", *source_input(path)])
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
