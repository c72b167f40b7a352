"""The local describer on footage that fooled it in session 4 (decisions 0343-0346), real
engines (ffmpeg, RapidOCR, OpenCV, Apertium): a dark picture full of moving specks that is
not black, a name on a lower third, a one-word brand, and letters of other scripts that must
stay unquoted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from shared.media import describe as ad
from shared.media import placement
from tests.support import description_cases as dc
from tests.support.description_cases import FONT

pytestmark = pytest.mark.slow


def _encode(graph: str, seconds: float, out: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264"]
        + ["-preset", "ultrafast", "-t", str(seconds), str(out)],
        check=True,
        capture_output=True,
    )
    return out


def test_a_dark_speckled_moving_picture_is_not_black_but_a_grainy_fade_to_black_is(tmp_path):
    """0-4 s: near-black with 4% bright specks that move every frame (stars, sparks): its 8x8
    averages are as dark as black. 4-6 s orange, 6-8 s black with a little grain, then orange."""
    graph = (
        "nullsrc=s=640x360:r=25:d=4,geq=lum='if(lt(random(1),0.04),220,12)':cb=128:cr=128[a];"
        "color=c=orange:s=640x360:r=25:d=2[b];"
        "color=c=black:s=640x360:r=25:d=2,noise=alls=6:allf=t[c];"
        "color=c=orange:s=640x360:r=25:d=2[d];"
        "[a][b][c][d]concat=n=4:v=1:a=0,format=yuv420p[v]"
    )
    video = _encode(graph, 10, tmp_path / "speckled.mp4")
    events = ad.LocalDescriber(people=False).analyse(video, tmp_path / "work", "en")
    blacks = [e.time for e in events if e.key == "black"]
    assert len(blacks) == 1 and 5.75 <= blacks[0] <= 6.5, [(e.time, e.key) for e in events]


BOLD = FONT
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
CONDENSED = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"


def _draw(font: str, text: str, size: int, x: str, y: str, t0: float, t1: float) -> str:
    return (
        f"drawtext=fontfile={font}:expansion=none:text='{text}':fontsize={size}:fontcolor=white:"
        f"borderw=2:bordercolor=black:x={x}:y={y}:enable='between(t,{t0},{t1})'"
    )


def lower_thirds_brand_and_scripts(out: Path) -> Path:
    """24 s over a moving fractal: a lower third "DR MARIA LOPEZ" (0-3.5 s, the recogniser
    drops its spaces on some samples), a two-line one "MARIA LOPEZ" / "Head of Research" in a
    serif font (8-11.5 s), a Greek and a Cyrillic word whose capitals read as Latin letters
    (12-15.6 s, 16-19.6 s), and a one-word logo "CITYTV" no dictionary knows (20-24 s)."""
    parts = [
        _draw(BOLD, "DR MARIA LOPEZ", 20, "30", "270", 0, 3.5),
        _draw(CONDENSED, "JOHN SMITH", 18, "30", "270", 4, 7.5),
        _draw(SERIF, "MARIA LOPEZ", 24, "30", "260", 8, 11.5),
        _draw(SERIF, "Head of Research", 16, "30", "292", 8, 11.5),
        _draw(BOLD, "ΚΑΛΗΜΕΡΑ", 40, "(w-tw)/2", "h*0.4", 12, 15.6),
        _draw(BOLD, "МОСКВА", 40, "(w-tw)/2", "h*0.4", 16, 19.6),
        _draw(BOLD, "CITYTV", 24, "w-tw-20", "20", 20, 24),
    ]
    graph = f"mandelbrot=s=640x360:r=25,trim=duration=24,setpts=PTS-STARTPTS,{','.join(parts)},format=yuv420p[v]"
    return _encode(graph, 24, out)


def test_names_on_lower_thirds_and_a_one_word_logo_are_told_but_other_scripts_are_not(tmp_path):
    video = lower_thirds_brand_and_scripts(tmp_path / "lower.mp4")
    events = ad.LocalDescriber(people=False).analyse(video, tmp_path / "work", "en")
    said = [(e.key, e.value) for e in events if e.key in ("text", "name")]
    assert said == [
        ("name", "Dr Maria Lopez"),
        ("name", "John Smith"),
        ("name", "Maria Lopez, Head of Research"),
        ("text", "CITYTV"),
    ], [(e.time, e.text) for e in events]
    name = next(e for e in events if e.key == "name")
    assert name.text == 'The caption names "Dr Maria Lopez".'
    assert ad.sentence(name, "es").text == 'Un rótulo presenta a "Dr Maria Lopez".'


def test_a_silent_films_title_card_and_subtitles_are_introduced_briefly(tmp_path):
    """4 s: a title card (white on black); then a moving picture with three subtitle lines,
    centred at the bottom, no sound. Each was 'The text "..." appears on the screen.'."""
    sub = "fontsize=22:fontcolor=white:borderw=2:bordercolor=black:x=(w-tw)/2:y=h-th-30"
    lines = [("Where are you going tonight", 1, 4.5), ("I am going to the river", 6, 9.5)]
    subs = ",".join(
        f"drawtext=fontfile={BOLD}:expansion=none:text='{t}':{sub}:enable='between(t,{a},{b})'" for t, a, b in lines
    )
    graph = (
        f"color=c=black:s=640x360:r=25:d=4,drawtext=fontfile={BOLD}:expansion=none:text='THE LONG ROAD HOME':"
        "fontsize=36:fontcolor=white:x=(w-tw)/2:y=(h-th)/2,format=yuv420p[a];"
        f"testsrc2=s=640x360:r=25:d=10,{subs},format=yuv420p[b];[a][b]concat=n=2:v=1:a=0[v]"
    )
    video = _encode(graph, 14, tmp_path / "silent.mp4")
    events = ad.LocalDescriber(people=False).analyse(video, tmp_path / "work", "en")
    said = [e.text for e in events if e.kind == "text"]
    assert said == [
        'Title card: "THE LONG ROAD HOME".',
        'Subtitle: "Where are you going tonight".',
        'Subtitle: "I am going to the river".',
    ], [(e.time, e.text) for e in events]
    assert ad.sentence(events[0], "es").text == 'Cartela: "THE LONG ROAD HOME".'


def test_prices_changing_over_a_moving_fractal_are_quoted_as_shown(tmp_path):
    """busy_changing: "NOW ONLY 99/79/59/49 EUR" over a moving fractal, 3 s each, read at
    RapidOCR confidence 0.85-0.98, with a news crawl. Before: only "49" (the others were read
    under 0.9, or taken for the price before them)."""
    case = dc.busy_changing(tmp_path / "media")
    events = ad.LocalDescriber(people=False).analyse(case.path, tmp_path / "work", "en")
    quoted = [e.value for e in events if e.kind == "text"]
    assert set(quoted) <= set(case.on_screen), quoted
    assert len(quoted) >= 2, quoted


def test_subtitles_of_speech_in_another_language_are_read_as_subtitles_without_garbage(tmp_path):
    """Spanish voices, English subtitles: not the words said, so read as subtitles. One line is
    cut by the detector into two overlapping boxes on some samples; before: quoted as "They sell
    the best fish in the e cityh ere." (tesseract's spaces shifted) or "... in the ecityhere"."""
    case = dc.foreign_subtitles(tmp_path / "media")
    events = ad.without_subtitles(
        ad.LocalDescriber(people=False).analyse(case.path, tmp_path / "work", "es"), case.words
    )
    quoted = [e for e in events if e.kind == "text"]
    assert quoted and all(e.key == "subtitle" for e in quoted), [(e.time, e.text) for e in events]
    # as shown (a final full stop may be lost: the third line is read without it since the
    # fine detector's band is widened, decision 0374)
    _, n_bad, garbage = dc.quotes([f'"{e.value}"' for e in quoted], case.on_screen)
    assert n_bad == 0, garbage
    assert "They sell the best fish in the city here." in [e.value for e in quoted]
    # decision 0371: the Spanish track (the speech's language) leaves them out; the English
    # track, whose listeners do not follow the Spanish, quotes them
    gaps = placement.dialogue_gaps(case.words, case.duration)
    placed = placement.place(events, gaps, case.duration, ["es", "en"], case.words, sentence=ad.sentence)
    assert placed
    assert ad.for_track(placed, "es", case.speech) == []
    english = ad.for_track(placed, "en", case.speech)
    assert [d.text for d in english] and all(d.text.startswith("Subtitle:") for d in english)
    # a silent film's subtitles (no speech) are for every listener
    assert [d.text for d in ad.for_track(placed, "es", None)] == [ad.localized(d, "es") for d in placed]


def test_a_countdown_over_a_moving_picture_is_told_once_and_its_numbers_never_quoted(tmp_path):
    """Decision 0372: "STARTING IN 5" ... "1", one number a second over a moving test pattern
    (0.5-5.5 s), then a title. Before: nothing was said of the countdown."""
    shown = ",".join(
        _draw(BOLD, f"STARTING IN {n}", 40, "(w-tw)/2", "h*0.4", 0.5 + k, 1.5 + k)
        for k, n in enumerate((5, 4, 3, 2, 1))
    )
    graph = f"testsrc2=s=640x360:r=25:d=10,{shown},{_draw(BOLD, 'WELCOME BACK', 40, '(w-tw)/2', 'h*0.4', 6.5, 10)},format=yuv420p[v]"
    video = _encode(graph, 10, tmp_path / "countdown.mp4")
    events = ad.LocalDescriber(people=False).analyse(video, tmp_path / "work", "en")
    said = [(e.time, e.key, e.text) for e in events]
    counts = [e for e in events if e.key == "countdown"]
    assert len(counts) == 1 and counts[0].time <= 4.0, said
    assert counts[0].text == "A countdown is on screen.", said
    assert not [e for e in events if e.kind == "text" and "STARTING" in e.value.upper()], said
    assert "WELCOME BACK" in [e.value for e in events if e.kind == "text"], said


def test_small_type_on_a_screen_recording_is_read_whole_and_a_full_screen_is_a_page(tmp_path):
    """Decision 0374: a 1280x720 screen recording in 14-15 px type. Before: the notification
    was not read at all (frames were read at 640 px), at full size it was read cut short ("...
    has been publi"), and the inbox was quoted whole."""
    case = dc.screen_recording(tmp_path / "media")
    events = ad.LocalDescriber(people=False).analyse(case.path, tmp_path / "work", "en")
    said = [(e.time, e.key, e.text) for e in events]
    quoted = [e.value for e in events if e.key in ("text", "card")]
    # quoted as text: small type on a plain desktop is not a title card
    assert ("text", "Meeting moved to Thursday afternoon") in [(e.key, e.value) for e in events], said
    assert set(quoted) <= set(case.on_screen), said
    pages = [e for e in events if e.key == "page"]
    assert len(pages) == 1 and 6.5 <= pages[0].time <= 8.5, said
