"""The local describer on footage nobody designed to pass (decision 0342), real engines
(ffmpeg, RapidOCR, OpenCV): a title appearing over a still shot, a fade to white with a
channel logo in the corner the whole time."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from shared.media import describe as ad
from shared.media import ocr
from tests.support.description_cases import FONT

pytestmark = pytest.mark.slow


def _still_with_title_and_logo(out: Path) -> Path:
    """12 s, no audio: a still dark shot (0-7 s) with "MORNING MIST" drawn over it from 2 to
    6 s, then white (7-12 s); a small "NEWS24" logo in the top right corner throughout."""
    title = (
        f"drawtext=fontfile={FONT}:expansion=none:text='MORNING MIST':fontsize=36:fontcolor=white:"
        "x=(w-tw)/2:y=h*0.3:enable='between(t,2,6)'"
    )
    logo = (
        f"drawtext=fontfile={FONT}:expansion=none:text='NEWS24':fontsize=22:fontcolor=yellow@0.8:"
        "borderw=2:bordercolor=black:x=w-tw-12:y=12"
    )
    graph = (
        "color=c=0x203040:s=640x360:r=25:d=7[a];color=c=white:s=640x360:r=25:d=5[b];"
        f"[a][b]concat=n=2:v=1:a=0,{title},{logo},format=yuv420p[v]"
    )
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264"]
        + ["-preset", "ultrafast", "-t", "12", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_a_title_over_a_still_shot_is_read_and_a_fade_to_white_is_seen_past_a_logo(tmp_path):
    video = _still_with_title_and_logo(tmp_path / "still.mp4")
    events = ad.LocalDescriber().analyse(video, tmp_path / "work", "en")
    seen = [(e.time, e.key, e.value) for e in events]
    texts = [(t, v) for t, k, v in seen if k in ("text", "card")]
    assert [v for _, v in texts] == ["MORNING MIST"], seen
    assert 1.5 <= texts[0][0] <= 3.5, seen
    assert any(k == "white" and 6.5 <= t <= 7.5 for t, k, _ in seen), seen


def test_a_title_card_held_still_on_several_samples_is_read(tmp_path):
    """A still title over a still shot gives byte-identical samples: they are read once, and
    that one picture's text persists (it is on consecutive samples), so it is read."""
    plain, card = tmp_path / "plain.png", tmp_path / "card.png"
    base = ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=0x203040:s=640x360:d=1"]
    subprocess.run(base + ["-frames:v", "1", str(plain)], check=True)
    title = f"drawtext=fontfile={FONT}:expansion=none:text='RIVER VALLEY':fontsize=36:fontcolor=white:x=200:y=100"
    subprocess.run(base + ["-vf", title, "-frames:v", "1", str(card)], check=True)
    samples = []
    for k, source in enumerate([plain, plain, card, card, card, plain]):
        path = tmp_path / f"f-{k:05d}.png"
        path.write_bytes(source.read_bytes())
        samples.append(path)
    pages = ocr.read_distinct(ocr.RapidOcrReader(), samples)
    assert [[b.text for b in page] for page in pages] == [[], []] + [["RIVER VALLEY"]] * 3 + [[]]


def _draw(text: str, t0: float, t1: float, size: int, y: str) -> str:
    return (
        f"drawtext=fontfile={FONT}:expansion=none:text='{text}':fontsize={size}:fontcolor=white:"
        f"borderw=2:bordercolor=black:x=(w-tw)/2:y={y}:enable='between(t,{t0},{t1})'"
    )


def test_greek_capitals_are_not_quoted_as_latin_and_changing_lines_on_a_still_shot_are_read(tmp_path):
    """A Greek title (whose capitals a Latin recogniser reads as "KAAHMEPA KOZME") is not
    quoted; two lines of small text that replace each other at the bottom of a still grey shot
    are each read (the picture as a whole hardly changes)."""
    out = tmp_path / "scripts.mp4"
    graph = (
        "color=c=0x204080:s=640x360:r=25:d=5[a];color=c=gray:s=640x360:r=25:d=7[b];[a][b]concat=n=2:v=1:a=0,"
        + _draw("ΚΑΛΗΜΕΡΑ ΚΟΣΜΕ", 0.5, 4.5, 40, "h*0.4")
        + ","
        + _draw("I never thought I would see you again.", 6, 8.5, 22, "h-th-20")
        + ","
        + _draw("Come inside, it is getting cold.", 8.5, 11.5, 22, "h-th-20")
        + ",format=yuv420p[v]"
    )
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264"]
        + ["-preset", "ultrafast", "-t", "12", str(out)],
        check=True,
        capture_output=True,
    )
    events = ad.LocalDescriber().analyse(out, tmp_path / "work", "en")
    texts = [e.value for e in events if e.kind == "text"]
    assert texts == ["I never thought I would see you again.", "Come inside, it is getting cold."], texts


def test_numbers_and_words_run_together_get_their_spaces_back():
    """A price over a moving picture read without spaces (decision 0342); real Apertium."""
    assert ocr.split_glued("NOWONLY99EUR") == "NOW ONLY 99 EUR"
    assert ocr.split_glued("OPEN9:30TODAY") == "OPEN 9:30 TODAY"
    assert ocr.split_glued("SUMMERSALE50%OFF") == "SUMMER SALE 50% OFF"
    assert ocr.split_glued("FREEDELIVERYTODAY") == "FREE DELIVERY TODAY"
    assert ocr.split_glued("SHIPPING") == "SHIPPING"
    # a misread separator stays, so the line is not plausible and is not quoted
    assert not ocr.plausible(ocr.normalise(ocr.split_glued("NOWONLY-99EUR")))
