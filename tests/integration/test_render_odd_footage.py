"""Render on footage nobody designed to pass (decision 0342): an odd-sized, variable-frame-rate
picture (854x481, 4:4:4, which H.264 4:2:0 cannot encode as it is). Every version the render
step makes (accessible, burnt-in captions, extended AD) is made and verified, with the picture
and the programme in sync."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from shared.media import ffmpeg as ff
from shared.media import probe, vtt
from shared.media import render as rd
from shared.media.narration import Clip, Plan
from shared.pipeline.media_steps import render_language

pytestmark = pytest.mark.slow


def _make(out: Path, size: str, pix_fmt: str, vfr: bool, audio: list[str]) -> Path:
    picture = f"testsrc2=s={size}:r=30:d=6,format={pix_fmt}"
    if vfr:  # every other frame dropped in the first half: 15 fps, then 30 fps
        picture += ",select='not(mod(n,2))+gt(t,3)'"
    args = ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", picture, *audio]
    args += ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", pix_fmt]
    args += (["-fps_mode", "vfr"] if vfr else []) + ["-c:a", "aac", "-t", "6", str(out)]
    subprocess.run(args, check=True, capture_output=True)
    return out


def _clip(folder: Path, name: str, start: float, seconds: float, extended: bool) -> Clip:
    """A 440 Hz tone as a narration clip (faded in and out: no clicks)."""
    wav = folder / name
    tone = f"sine=f=440:d={seconds}:r=48000,afade=t=in:d=0.05,afade=t=out:st={seconds - 0.05}:d=0.05"
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", tone, str(wav)], check=True)
    return Clip(name, start, seconds, seconds, 1.0, "x", extended=extended, local=str(wav))


def _render(tmp_path: Path, video: Path) -> dict:
    info = ff.probe(video)
    captions = tmp_path / "captions.vtt"
    captions.write_text(vtt.write([vtt.VttCue(0.5, 2.0, "Hello there.")]), encoding="utf-8")
    plan = Plan("en", [_clip(tmp_path, "ad-1.wav", 2.5, 1.5, False), _clip(tmp_path, "ad-2.wav", 4.0, 1.2, True)])
    return render_language(video, info, tmp_path, captions, plan, [(captions, "en")], burn=True, extended=True)


def test_an_odd_sized_variable_frame_rate_picture_gets_every_version(tmp_path):
    tone = ["-f", "lavfi", "-i", "sine=f=220:d=6:r=48000,volume=0.3"]
    video = _make(tmp_path / "odd.mp4", "854x481", "yuv444p", True, tone)
    made = _render(tmp_path, video)
    assert set(made) == {"accessible", "burned_in", "extended"}
    assert ff.probe(made["accessible"][0]).height == 481  # the picture copied as it is
    for kind in ("burned_in", "extended"):
        info = ff.probe(made[kind][0])
        assert (info.width, info.height) == (854, 482), kind  # one black row added, nothing cut
    # every frame kept at its own time (not made 15 fps constant: the first half's rate)
    assert _frames(made["burned_in"][0]) == _frames(video)


def _frames(path: Path) -> int:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries"]
        + ["stream=nb_read_packets", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


def _first_sound(path: Path) -> float:
    """When the first sound louder than -40 dBFS starts."""
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0", "-af", "silencedetect=n=-40dB:d=0.2"]
        + ["-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return float(re.search(r"silence_end: ([0-9.]+)", proc.stderr).group(1))


def _first_flash(path: Path) -> float:
    """When the picture first turns from black to white."""
    proc = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-map",
            "0:v:0",
            "-vf",
            "select='gt(scene,0.5)',showinfo",
        ]
        + ["-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return float(re.search(r"pts_time:([0-9.]+)", proc.stderr).group(1))


def _assert_every_version_in_sync(tmp_path: Path, video: Path, info, standard_at: float, extended_at: float) -> None:
    """Render every version (with one standard and one extended description) and check that in
    each the first sound is heard when the first flash is seen."""
    captions = tmp_path / "captions.vtt"
    captions.write_text(vtt.write([vtt.VttCue(0.5, 1.5, "Look.")]), encoding="utf-8")
    clips = [_clip(tmp_path, "ad-1.wav", standard_at, 1.0, False), _clip(tmp_path, "ad-2.wav", extended_at, 1.0, True)]
    made = render_language(
        video, info, tmp_path, captions, Plan("en", clips), [(captions, "en")], burn=True, extended=True
    )
    for kind in ("accessible", "burned_in", "extended"):
        path = made[kind][0]
        assert abs(_first_sound(path) - _first_flash(path)) < 0.06, kind


def test_a_late_start_and_sound_longer_than_the_picture_keep_sync_in_every_version(tmp_path):
    """The source starts at 3 s (an edit list) and its 96 kHz sound runs 2 s past the picture;
    a white flash and a tone burst happen together 2 s into the programme. Every version is
    made and verified, and in each the burst is heard when the flash is seen."""
    video = tmp_path / "late.mp4"
    picture = "color=c=black:s=640x360:r=25:d=8,drawbox=c=white:t=fill:enable='between(t,2,2.4)',format=yuv420p"
    sound = "sine=f=660:d=10:r=96000,volume='between(t,2,2.4)':eval=frame,aformat=channel_layouts=stereo"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound]
        + ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ar", "96000"]
        + ["-output_ts_offset", "3", str(video)],
        check=True,
        capture_output=True,
    )
    info = ff.probe(video)
    assert abs(info.duration - 10.0) < 0.1, info  # the programme, not the header's 13 s
    assert abs(probe.probe(video).duration - 10.0) < 0.1  # what the job records
    _assert_every_version_in_sync(tmp_path, video, info, standard_at=5.0, extended_at=6.5)


def _tick(path: Path) -> float:
    """When the programme's 3 kHz tick is first heard (the narration is a 440 Hz tone)."""
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0", "-af"]
        + ["highpass=f=2000,highpass=f=2000,silencedetect=n=-40dB:d=0.2", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return float(re.search(r"silence_end: ([0-9.]+)", proc.stderr).group(1))


def test_many_holds_keep_the_programme_where_the_captions_and_narration_expect_it(tmp_path):
    """Eight extended descriptions at times and lengths off the 25 fps frame grid: the
    programme's tick at 9 s must be heard where the shifted timeline puts it (each hold cut
    and held in whole frames; before, each hold moved the sound up to a frame)."""
    video = tmp_path / "holds.mp4"
    sound = "sine=f=3000:d=12:r=48000,volume='between(t,9,9.3)':eval=frame"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=12", "-f", "lavfi"]
        + ["-i", sound, "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]
        + [str(video)],
        check=True,
        capture_output=True,
    )
    info = ff.probe(video)
    clips = [_clip(tmp_path, f"ad-{k}.wav", 0.53 + k * 1.01, 0.77, True) for k in range(8)]
    ext = rd.extended_version(video, info, Plan("en", clips), [], tmp_path / "extended.mp4")
    assert abs(_tick(ext.path) - rd.shift_time(9.0, ext.holds)) < 0.02


def test_a_sound_track_starting_after_the_picture_stays_in_sync_for_captions_and_every_version(tmp_path):
    """The sound starts 2 s after the picture (an audio delay in the edit list); a flash and a
    tone happen together at 3 s. The audio the recogniser hears has the tone at 3 s (so the
    captions are not 2 s early), and every version is made and keeps them together."""
    video = tmp_path / "late-sound.mp4"
    picture = "color=c=black:s=320x240:r=25:d=10,drawbox=c=white:t=fill:enable='between(t,3,3.4)',format=yuv420p"
    sound = "sine=f=1000:d=8:r=48000,volume='between(t,1,1.4)':eval=frame"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", picture, "-itsoffset", "2", "-f", "lavfi"]
        + ["-i", sound, "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"]
        + [str(video)],
        check=True,
        capture_output=True,
    )
    heard = ff.extract_wav16k(video, tmp_path / "heard.wav")
    assert abs(_first_sound(heard) - 3.0) < 0.05
    info = ff.probe(video)
    _assert_every_version_in_sync(tmp_path, video, info, standard_at=6.0, extended_at=8.0)


def test_a_silent_film_with_nothing_to_describe_gets_every_version(tmp_path):
    """No sound and nothing the describer can tell (a plain shot): nothing is audible in any
    version, and that is not a loudness failure (the extended version failed RENDER)."""
    still = tmp_path / "still.mp4"
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=blue:s=320x240:r=25:d=3"]
        + ["-c:v", "libx264", "-preset", "ultrafast", str(still)],
        check=True,
        capture_output=True,
    )
    info = ff.probe(still)
    video = ff.with_silent_audio(still, info, tmp_path / "with-track.mp4")
    captions = tmp_path / "captions.vtt"
    captions.write_text(vtt.write([]), encoding="utf-8")
    made = render_language(
        video, ff.probe(video), tmp_path, captions, Plan("en", []), [(captions, "en")], True, True, silent_source=True
    )
    assert set(made) == {"accessible", "burned_in", "extended"}
