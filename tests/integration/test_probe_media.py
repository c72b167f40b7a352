"""ffprobe validation against real files made by ffmpeg: every refusal has a readable reason."""

import shutil
import subprocess
from pathlib import Path

import pytest

from shared import config
from shared.errors import PermanentStepError
from shared.media import ffmpeg as ff
from shared.media.probe import InvalidMedia, probe
from shared.pipeline import probe_step

pytestmark = pytest.mark.slow


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


def make_video(
    path: Path, seconds: float = 1.0, audio: bool = True, video: bool = True, faststart: bool = False
) -> Path:
    args = []
    if video:
        args += ["-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if video:
        args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac"]
    if faststart:
        args += ["-movflags", "+faststart"]
    ffmpeg(*args, str(path))
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("media")
    good = make_video(d / "good.mp4")
    fast = make_video(d / "fast.mp4", seconds=2.0, faststart=True)
    out = {
        "good": good,
        "mov": make_video(d / "good.mov"),
        "silent": make_video(d / "silent.mp4", audio=False),
        "audio_only": make_video(d / "audio.m4a", video=False),
        "text": d / "notes.mp4",
        "empty": d / "empty.mp4",
        "cut_index": d / "cut-index.mp4",
        "cut_tail": d / "cut-tail.mp4",
        "webm": d / "clip.webm",
    }
    out["text"].write_text("this is not a video at all\n" * 20)
    # Text that would pass a naive box check: bytes 4-8 spell "free", a top-level MP4 box type.
    out["text_free"] = d / "freebies.mp4"
    out["text_free"].write_text("get free stuff here\n" * 10)
    # A playlist and a concat list named .mp4, each naming another file.
    secret = d / "secret.mp4"
    secret.write_bytes(good.read_bytes())
    out["hls"] = d / "playlist.mp4"
    out["hls"].write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{secret.name}\n#EXT-X-ENDLIST\n")
    out["concat"] = d / "concat.mp4"
    out["concat"].write_text(f"ffconcat version 1.0\nfile '{secret.name}'\n")
    out["empty"].write_bytes(b"")
    data = good.read_bytes()
    out["cut_index"].write_bytes(data[: len(data) // 2])  # moov at the end: the index is lost
    fdata = fast.read_bytes()
    out["cut_tail"].write_bytes(fdata[: int(len(fdata) * 0.7)])  # index intact, frames missing
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x120:rate=10:duration=1",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=1",
        "-c:v",
        "libvpx",
        "-c:a",
        "libopus",
        str(out["webm"]),
    )
    return out


def test_good_mp4_and_mov_pass(media):
    info = probe(media["good"])
    assert info.container == "mp4" and 0.9 <= info.duration <= 1.2
    assert (info.width, info.height) == (160, 120) and info.audio_codec == "aac" and info.video_codec == "h264"
    assert info.fps == 10.0 and info.channels >= 1
    assert probe(media["mov"]).container == "mov"


@pytest.mark.parametrize(
    "name, words",
    [
        ("audio_only", "no video"),
        ("text", "is text, not a video"),
        ("text_free", "is text, not a video"),
        ("hls", "playlist"),
        ("concat", "concat list"),
        ("empty", "empty"),
        ("cut_index", "incomplete"),
        ("cut_tail", "truncated"),
        ("webm", "not an MP4 or MOV"),
    ],
)
def test_refusals_are_readable(media, name, words):
    with pytest.raises(InvalidMedia) as exc:
        probe(media[name])
    assert words in str(exc.value), str(exc.value)
    assert "ffprobe" not in str(exc.value) and "Traceback" not in str(exc.value)


def test_a_video_without_audio_is_accepted(media):
    info = probe(media["silent"])
    assert info.has_audio is False and info.audio_codec == "" and info.video_codec == "h264"
    assert probe(media["good"]).has_audio is True


def test_playlists_and_concat_lists_are_refused_without_opening_what_they_name(media, tmp_path):
    """Even past the first-bytes check, ffprobe and ffmpeg open an upload only as MP4/MOV from a
    local file: the concat demuxer never runs, so nothing the list names is opened."""
    for name in ("hls", "concat"):
        with pytest.raises(ff.MediaError):
            ff.probe(media[name])
        with pytest.raises(ff.ToolError):
            ff.extract_wav16k(media[name], tmp_path / f"{name}.wav")
        # what an unrestricted ffprobe does with the same file: it follows the list
        loose = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=format_name", "-of", "csv=p=0", str(media[name])],
            capture_output=True,
            text=True,
        )
        assert loose.stdout.strip() in ("hls", "concat")


def test_ffprobe_present():
    assert shutil.which("ffprobe"), "ffprobe is required by the probe step"


class _StepIO:
    """The part of StepIO the probe step uses, over the platform's real file store."""

    def __init__(self, files, job: dict, workdir):
        self.files, self.job, self.workdir = files, job, workdir

    def exists(self, path):
        return self.files.exists(path)

    def progress(self, pct):
        pass


def _step_io(platform, source, workdir) -> _StepIO:
    platform.files.put_file("jobs/j1/source.mp4", source, "video/mp4")
    return _StepIO(platform.files, {"id": "j1", "source_path": "jobs/j1/source.mp4"}, workdir)


def test_probe_step_refuses_a_source_over_the_upload_cap(media, platform, tmp_path):
    """A signed GCS PUT URL cannot bind the size: the probe step enforces the cap before work."""
    config.configure(max_signed_upload_bytes=1024)
    io = _step_io(platform, media["good"], tmp_path)
    with pytest.raises(PermanentStepError, match="over the upload limit"):
        probe_step.run(io)


def test_probe_step_refuses_a_source_longer_than_accepted(media, platform, tmp_path):
    """Media steps must fit a 30-minute task: the longest accepted source is a setting."""
    config.configure(max_source_seconds=0)
    io = _step_io(platform, media["good"], tmp_path)  # 1 s long
    with pytest.raises(PermanentStepError, match="longer than the 0 minutes"):
        probe_step.run(io)
    config.configure(max_source_seconds=3600)
    assert probe_step.run(io)["media"]["duration"] > 0.5
