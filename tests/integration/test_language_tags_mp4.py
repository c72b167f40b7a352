"""The accessible MP4 carries the right three-letter language tag on every track, for languages
the old table did not know (they used to become `und`): real ffmpeg mux, real ffprobe read."""

from __future__ import annotations

from shared.media import ffmpeg as ff
from shared.media.render import mux_accessible

LANGS = ["he", "zh-TW", "mni-Mtei", "ckb", "yue", "sw", "de", "iw"]
EXPECTED = ["heb", "zho", "mni", "ckb", "yue", "swa", "deu", "heb"]


def _vtt(path, text):
    path.write_text(f"WEBVTT\n\n00:00:00.000 --> 00:00:00.800\n{text}\n", encoding="utf-8")
    return path


def test_mp4_tracks_carry_iso639_tags(tmp_path):
    video = tmp_path / "v.mp4"
    audio = tmp_path / "a.m4a"
    ff.ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=160x90:rate=10:duration=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(video),
    )
    ff.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", str(audio))
    tracks = [(_vtt(tmp_path / f"{n}.vtt", f"cue {code}"), code) for n, code in enumerate(LANGS)]
    out = mux_accessible(video, ff.probe(video), audio, tracks, tmp_path / "out.mp4")
    info = ff.probe(out)
    assert [s.language for s in info.of("audio")] == ["heb"]  # the first language's audio
    assert [s.language for s in info.of("subtitle")] == EXPECTED
