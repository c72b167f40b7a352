"""Generated videos for audio-description quality, and the measures taken on what the
describer, the placement, the narration and the mix make of them. Used by
bench/quality_description.py (prints) and tests/integration/test_description_quality.py
(asserts).

Cases:
- busy_sale: a moving test pattern with a changing frame counter (ffmpeg testsrc) behind
  "SUMMER SALE 50% OFF", a music-only intro, one spoken sentence, music after it.
- silent_film: no audio track at all; two faces (drawn with OpenCV), a fade to black, a white
  title card "CHAPTER TWO", a cut to a new colour.
- busy_changing (bench only): a moving fractal behind a price that changes every 3 s and a
  news crawl, a fade through black, music, two voices.
- portrait_subtitles: a 9:16 phone video, music intro, two voices whose words are burnt into
  the picture as subtitles wider than the frame, a title in a pause, a logo in a corner.
- interview_lower_third (bench only): an interview over a moving picture with a two-line lower
  third (a name in capitals and a role), a one-word channel logo no dictionary knows, a dark
  stretch of moving specks that is not black, a Greek title whose capitals read as Latin.
- foreign_subtitles (bench only): Spanish voices with English subtitles burnt in.
- screen_recording (bench only): a 1280x720 screen recording in small UI type: a notification,
  then a screen full of text (a mail client's inbox).
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.media import describe as ad
from shared.media import ducking, narration, placement
from shared.media import ffmpeg as ff
from shared.media import render as rd
from shared.media.tts import LocalSpeech
from shared.media.types import Transcript, Word
from shared.media.vtt import VttCue

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
AUDIBLE_LUFS = -40.0  # a cue window whose loudest 400 ms is quieter than this is not heard


@dataclass
class Case:
    name: str
    path: Path
    duration: float
    on_screen: list[str]  # the texts really shown
    words: list[Word] = field(default_factory=list)  # what is said, with times (the "transcript")
    script: str = ""
    expect: list[str] = field(default_factory=list)  # phrase keys the describer must find
    never: list[str] = field(default_factory=list)  # phrase keys that would be false here ("black")
    speech: str = "en"  # the language spoken (when anything is)


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _speech(text: str, out: Path, voice: str = "en-us") -> float:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(out), "--stdin"], input=text.encode(), check=True)
    return narration_wav_seconds(out)


def narration_wav_seconds(path: Path) -> float:
    import wave

    with wave.open(str(path), "rb") as f:
        return f.getnframes() / f.getframerate()


def busy_sale(folder: Path) -> Case:
    """14 s: music 0-4 s, speech from 4.2 s, music to the end; the title from 2 to 11 s over a
    moving test pattern."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "busy_sale.mp4"
    sentence = "Everything in the store is half price this week."
    voice = folder / "busy_voice.wav"
    length = _speech(sentence, voice)
    start = 4.2
    if not out.exists():
        music = "sine=f=220:d=14,volume=0.25[m1];sine=f=277:d=14,volume=0.2[m2];[m1][m2]amix=inputs=2[m]"
        _run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=640x360:rate=25:duration=14",
                "-i",
                str(voice),
                "-filter_complex",
                f"{music};[1:a]adelay={int(start * 1000)}|{int(start * 1000)},apad[s];"
                "[m][s]amix=inputs=2:duration=first,volume=2[a];"
                f"[0:v]drawtext=fontfile={FONT}:expansion=none:text='SUMMER SALE 50% OFF':fontsize=44:"
                "fontcolor=white:borderw=3:bordercolor=black:x=(w-tw)/2:y=h*0.62:"
                "enable='between(t,2,11)',format=yuv420p[v]",
                "-map",
                "[v]",
                "-map",
                "[a]",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-ar",
                "48000",
                "-t",
                "14",
                str(out),
            ]
        )
    tokens = sentence.split()
    step = length / len(tokens)
    words = [Word(round(start + i * step, 3), round(start + (i + 0.85) * step, 3), t) for i, t in enumerate(tokens)]
    return Case("busy_sale", out, 14.0, ["SUMMER SALE 50% OFF"], words, sentence, expect=["text"])


def _faces_png(path: Path) -> Path:
    import cv2  # comes with opencv-python
    import numpy as np

    img = np.full((360, 640, 3), (90, 120, 60), np.uint8)
    for cx, s in ((200, 160), (450, 150)):
        cy = 180
        cv2.ellipse(img, (cx, cy), (int(s * 0.5), int(s * 0.65)), 0, 0, 360, (150, 180, 220), -1)
        for dx in (-1, 1):
            ex, ey = cx + int(dx * s * 0.2), cy - int(s * 0.12)
            cv2.ellipse(img, (ex, ey - int(s * 0.1)), (int(s * 0.13), int(s * 0.03)), 0, 0, 360, (40, 50, 70), -1)
            cv2.ellipse(img, (ex, ey), (int(s * 0.1), int(s * 0.05)), 0, 0, 360, (255, 255, 255), -1)
            cv2.circle(img, (ex, ey), int(s * 0.045), (30, 30, 30), -1)
        cv2.ellipse(img, (cx, cy + int(s * 0.1)), (int(s * 0.05), int(s * 0.12)), 0, 0, 360, (120, 150, 195), -1)
        cv2.ellipse(img, (cx, cy + int(s * 0.33)), (int(s * 0.17), int(s * 0.05)), 0, 0, 360, (60, 60, 150), -1)
        cv2.ellipse(img, (cx, cy - int(s * 0.5)), (int(s * 0.52), int(s * 0.25)), 0, 180, 360, (30, 40, 60), -1)
    cv2.imwrite(str(path), cv2.GaussianBlur(img, (5, 5), 0))
    return path


def silent_film(folder: Path) -> Case:
    """16 s, no audio track: two faces (0-5 s, fading to black 4-5 s), black (5-6.5 s), a white
    card reading CHAPTER TWO (6.5-11 s), an orange picture (11-16 s)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "silent_film.mp4"
    if not out.exists():
        faces = _faces_png(folder / "faces.png")
        graph = (
            "[0:v]scale=640:360,setsar=1,fps=25,format=yuv420p,trim=duration=5,fade=t=out:st=4:d=1[a];"
            "color=c=black:s=640x360:r=25:d=1.5,format=yuv420p[b];"
            f"color=c=white:s=640x360:r=25:d=4.5,drawtext=fontfile={FONT}:text='CHAPTER TWO':fontsize=48:"
            "fontcolor=black:x=(w-tw)/2:y=(h-th)/2,format=yuv420p[c];"
            "color=c=orange:s=640x360:r=25:d=5,format=yuv420p[d];"
            "[a][b][c][d]concat=n=4:v=1:a=0[v]"
        )
        _run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-loop",
                "1",
                "-t",
                "5",
                "-i",
                str(faces),
                "-filter_complex",
                graph,
                "-map",
                "[v]",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                str(out),
            ]
        )
    return Case("silent_film", out, 16.0, ["CHAPTER TWO"], [], "", expect=["people", "black", "card"])


def _draw(text: str, t0: float, t1: float, size: int, y: str, colour: str = "white", border: int = 3) -> str:
    return (
        f"drawtext=fontfile={FONT}:expansion=none:text='{text}':fontsize={size}:fontcolor={colour}:"
        f"borderw={border}:bordercolor=black:x=(w-tw)/2:y={y}:enable='between(t,{t0},{t1})'"
    )


def _voices(folder: Path, name: str, lines) -> tuple[list, list[Word]]:
    """Each (start, text, espeak-ng voice, pitch) spoken into a WAV: the spans (wav, start,
    length, text) and the words with times spread evenly over each span."""
    words: list[Word] = []
    spans = []
    for k, (start, text, voice, pitch) in enumerate(lines):
        wav = folder / f"{name}-{k}.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", "165", "-w", str(wav), "--stdin"],
            input=text.encode(),
            check=True,
        )
        length = narration_wav_seconds(wav)
        spans.append((wav, start, length, text))
        tokens = text.split()
        step = length / len(tokens)
        words += [
            Word(round(start + i * step, 3), round(start + (i + 0.85) * step, 3), t) for i, t in enumerate(tokens)
        ]
    return spans, words


def _voice_inputs(spans, seconds: float, tones: tuple[int, int]) -> tuple[list[str], list[str]]:
    """ffmpeg inputs and filter graph parts: the voices at their starts over two sine tones
    (music) for `seconds`, mixed into [a]."""
    inputs: list[str] = []
    graph = []
    for k, (wav, start, _, _) in enumerate(spans):
        inputs += ["-i", str(wav)]
        ms = int(start * 1000)
        graph.append(f"[{k}:a]aresample=48000,adelay={ms}|{ms},apad[s{k}]")
    a, b = tones
    graph.append(
        f"sine=f={a}:d={seconds},volume=0.2[m1];sine=f={b}:d={seconds},volume=0.15[m2];[m1][m2]amix=inputs=2[m]"
    )
    voices = "".join(f"[s{k}]" for k in range(len(spans)))
    graph.append(f"[m]{voices}amix=inputs={len(spans) + 1}:duration=first:normalize=0[a]")
    return inputs, graph


def _encode(inputs: list[str], graph: list[str], seconds: float, out: Path) -> None:
    _run(
        ["ffmpeg", "-y", "-loglevel", "error", *inputs, "-filter_complex", ";".join(graph), "-map", "[v]"]
        + ["-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ar", "48000"]
        + ["-t", str(seconds), str(out)]
    )


def busy_changing(folder: Path) -> Case:
    """20 s over a moving fractal (ffmpeg mandelbrot): a price that changes every 3 s
    ("NOW ONLY 99 EUR" ... "49 EUR"), a news crawl scrolling along the bottom all the time, a
    logo, a fade through black at 10 s, music, two voices. The crawl must never be quoted
    (it never reads the same twice); a price may be quoted only as it is shown. Bench only."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "busy_changing.mp4"
    lines = [
        (1.0, "Prices are falling all over town this weekend.", "en-us", 50),
        (12.0, "Do not miss the big clearance on Sunday.", "en-gb+f3", 70),
    ]
    spans, words = _voices(folder, "busy", lines)
    prices = [(4, 99), (7, 79), (14, 59), (17, 49)]
    if not out.exists():
        inputs, graph = _voice_inputs(spans, 20, (330, 415))
        shown = ",".join(_draw(f"NOW ONLY {p} EUR", a, a + 3, 34, "h*0.2") for a, p in prices)
        crawl = (
            f"drawtext=fontfile={FONT}:expansion=none:text='BREAKING NEWS - STORMS EXPECTED IN THE NORTH - "
            "TRAFFIC DELAYS ON THE RING ROAD - ':fontsize=20:fontcolor=white:box=1:boxcolor=black@0.7:"
            "x=w-mod(t*120\\,w+tw):y=h-th-10"
        )
        logo = (
            f"drawtext=fontfile={FONT}:expansion=none:text='NEWS24':fontsize=22:fontcolor=yellow@0.8:"
            "borderw=2:bordercolor=black:x=w-tw-12:y=12"
        )
        graph.append(
            "mandelbrot=s=640x360:r=25,trim=duration=10,setpts=PTS-STARTPTS,fade=t=out:st=9:d=0.6[x1];"
            "mandelbrot=s=640x360:r=25:start_scale=1,trim=duration=10,setpts=PTS-STARTPTS,fade=t=in:st=0.6:d=0.5[x2];"
            f"[x1][x2]concat=n=2:v=1:a=0,format=yuv420p,{shown},{crawl},{logo}[v]"
        )
        _encode(inputs, graph, 20, out)
    script = " ".join(text for *_, text in spans)
    return Case("busy_changing", out, 20.0, [f"NOW ONLY {p} EUR" for _, p in prices], words, script)


def portrait_subtitles(folder: Path) -> Case:
    """26 s, portrait 360x640 at 30 fps (a phone video): a music-only intro (0-5 s), then two
    voices (different espeak-ng voices and pitch) with their words burnt into the picture as
    subtitles, each line wider than the frame (cut off at both edges); a title "OPEN DAY"
    in the pause between them (13-16.3 s); a channel logo in a corner all the time; music under
    everything. The subtitles must not be quoted (they are the dialogue); the title must."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "portrait_subtitles.mp4"
    lines = [
        (5.0, "Hello and welcome to our open day at the harbour.", "en-us", 50),
        (9.5, "Thank you. I am glad to be here with all of you.", "en-gb+f3", 70),
        (16.5, "Let us walk down to the boats before it gets dark.", "en-us", 50),
        (21.0, "That sounds like a lovely idea.", "en-gb+f3", 70),
    ]
    spans, words = _voices(folder, "portrait", lines)
    if not out.exists():
        inputs, graph = _voice_inputs(spans, 26, (196, 247))
        subs = ",".join(
            _draw(text.replace("'", ""), start, round(start + length, 2), 18, "h-th-60", border=2)
            for _, start, length, text in spans
        )
        logo = (
            f"drawtext=fontfile={FONT}:expansion=none:text='NEWS24':fontsize=18:fontcolor=yellow@0.8:"
            "borderw=2:bordercolor=black:x=w-tw-12:y=12"
        )
        graph.append(
            f"testsrc2=s=360x640:r=30:d=26,format=yuv420p,{subs},{_draw('OPEN DAY', 13, 16.3, 40, 'h*0.3')},{logo}[v]"
        )
        _encode(inputs, graph, 26, out)
    script = " ".join(text for *_, text in spans)
    return Case("portrait_subtitles", out, 26.0, ["OPEN DAY"], words, script, expect=["text"])


def interview_lower_third(folder: Path) -> Case:
    """24 s over a moving test pattern (testsrc2): a channel logo "CITYTV" in the top right
    corner all the time; a lower third "DR MARIA LOPEZ" / "Head of Research" (1-9 s) while a
    voice answers (from 3 s); a dark stretch of moving bright specks (12-15.5 s, not black); a
    Greek title "ΚΑΛΗΜΕΡΑ" (16-19.5 s, read by the Latin recogniser as "KAAHMEPA": never to
    be quoted); a second voice (20 s); music under everything. Bench only."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "interview_lower_third.mp4"
    lines = [
        (3.0, "Thank you for having me. Our research shows the city is warmer every year.", "en-gb+f3", 60),
        (20.0, "We will be right back after the break.", "en-us", 45),
    ]
    spans, words = _voices(folder, "interview", lines)
    if not out.exists():
        inputs, graph = _voice_inputs(spans, 24, (262, 330))
        serif = FONT.replace("Sans-Bold", "Serif")
        lower = (
            "drawbox=x=0:y=250:w=380:h=70:color=0x102040@0.85:t=fill:enable='between(t,1,9)',"
            f"drawtext=fontfile={FONT}:expansion=none:text='DR MARIA LOPEZ':fontsize=24:fontcolor=white:"
            "x=20:y=258:enable='between(t,1,9)',"
            f"drawtext=fontfile={serif}:expansion=none:text='Head of Research':fontsize=18:fontcolor=white:"
            "x=20:y=291:enable='between(t,1,9)'"
        )
        logo = (
            f"drawtext=fontfile={FONT}:expansion=none:text='CITYTV':fontsize=24:fontcolor=white:"
            "borderw=2:bordercolor=black:x=w-tw-16:y=14"
        )
        greek = _draw("ΚΑΛΗΜΕΡΑ", 16, 19.5, 40, "h*0.4")
        graph.append(
            "testsrc2=s=640x360:r=25:d=12[p1];"
            "nullsrc=s=640x360:r=25:d=3.5,geq=lum='if(lt(random(1),0.04),220,12)':cb=128:cr=128[p2];"
            "testsrc2=s=640x360:r=25:d=8.5[p3];"
            f"[p1][p2][p3]concat=n=3:v=1:a=0,format=yuv420p,{lower},{greek},{logo}[v]"
        )
        _encode(inputs, graph, 24, out)
    script = " ".join(text for *_, text in spans)
    return Case(
        "interview_lower_third",
        out,
        24.0,
        ["DR MARIA LOPEZ Head of Research", "CITYTV"],
        words,
        script,
        expect=["name"],
        never=["black"],
    )


def foreign_subtitles(folder: Path) -> Case:
    """22 s over a moving test pattern: two Spanish voices (espeak-ng) with English subtitles
    burnt in at the bottom, centred (the translation a sighted viewer reads), music under
    everything. The subtitles are not the words said, so they are read as subtitles; the
    detector cuts the second line into two overlapping boxes on some samples ("... in the
    ecityhere"). Bench only."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "foreign_subtitles.mp4"
    lines = [
        (1.0, "Buenos días. Hoy vamos a visitar el mercado del puerto.", "es", 50),
        (8.0, "Aquí venden el mejor pescado de la ciudad.", "es+f3", 70),
        (15.0, "Volveremos mañana con más historias.", "es", 50),
    ]
    english = [
        "Good morning. Today we visit the harbour market.",
        "They sell the best fish in the city here.",
        "We will be back tomorrow with more stories.",
    ]
    spans, words = _voices(folder, "foreign", lines)
    if not out.exists():
        inputs, graph = _voice_inputs(spans, 22, (220, 277))
        subs = ",".join(
            _draw(text, start, round(start + length, 2), 20, "h-th-30", border=2)
            for (_, start, length, _), text in zip(spans, english)
        )
        graph.append(f"testsrc2=s=640x360:r=25:d=22,format=yuv420p,{subs}[v]")
        _encode(inputs, graph, 22, out)
    script = " ".join(text for *_, text in spans)
    return Case("foreign_subtitles", out, 22.0, english, words, script, expect=["subtitle"], speech="es")


def screen_recording(folder: Path) -> Case:
    """14 s of a 1280x720 screen recording, small UI type (DejaVu Sans 14-15 px): a desktop
    with a notification "Meeting moved to Thursday afternoon" (1-6 s, read only at full
    resolution: at 640 px its letters are 7 px high), then a mail client's inbox, a screen full
    of text (7-14 s: a sidebar, a heading, five messages), which is told as a page, not read
    whole (decision 0374). One voice at 8 s. Bench only."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "screen_recording.mp4"
    spans, words = _voices(folder, "screen", [(8.0, "Let me show you the new inbox.", "en-us", 50)])
    regular = FONT.replace("-Bold", "")
    if not out.exists():
        inputs, graph = _voice_inputs(spans, 14, (262, 330))

        def text(t: str, x: int, y: int, size: int, t0: float, t1: float, font: str = regular) -> str:
            return (
                f"drawtext=fontfile={font}:expansion=none:text='{t}':fontsize={size}:fontcolor=black:"
                f"x={x}:y={y}:enable='between(t,{t0},{t1})'"
            )

        toast = [
            "drawbox=x=900:y=600:w=360:h=60:color=0xf0f0f0:t=fill:enable='between(t,1,6.5)'",
            text("Meeting moved to Thursday afternoon", 915, 622, 14, 1, 6.5),
        ]
        inbox = ["drawbox=x=0:y=0:w=220:h=720:color=0xe8e8f0:t=fill:enable='between(t,7,14)'"]
        inbox += [text(t, 20, 80 + 30 * k, 14, 7, 14) for k, t in enumerate(["Inbox", "Sent", "Drafts", "Archive"])]
        inbox.append(text("Mail", 260, 24, 22, 7, 14, FONT))
        messages = [
            "Meeting moved to Thursday afternoon",
            "Your invoice for March is ready",
            "The quarterly report has been published",
            "Team lunch on Friday at noon",
            "Welcome to the new office in Lisbon",
        ]
        inbox += [text(m, 260, 90 + 34 * k, 15, 7, 14) for k, m in enumerate(messages)]
        graph.append(
            f"color=c=0x3a6ea5:s=1280x720:r=25:d=7[d];color=c=white:s=1280x720:r=25:d=7[m];[d][m]concat=n=2:v=1:a=0,{','.join(toast + inbox)},format=yuv420p[v]"
        )
        _encode(inputs, graph, 14, out)
    script = " ".join(t for *_, t in spans)
    return Case("screen_recording", out, 14.0, ["Meeting moved to Thursday afternoon"], words, script, expect=["page"])


CASES = {"busy_sale": busy_sale, "silent_film": silent_film, "portrait_subtitles": portrait_subtitles}
# the bench's cases: these, and footage where quoting nothing can be right (no test asserts a quote)
BENCH_CASES = {
    **CASES,
    "busy_changing": busy_changing,
    "interview_lower_third": interview_lower_third,
    "foreign_subtitles": foreign_subtitles,
    "screen_recording": screen_recording,
}


# ---------------------------------------------------------------- measures

_QUOTE = re.compile(r"[\"“«]([^\"”»]+)[\"”»]")


def _key(text: str) -> str:
    return re.sub(r"[^0-9A-Z%]", "", text.upper())


def quotes(descriptions: list[str], shown: list[str]) -> tuple[int, int, list[str]]:
    """(quoted correctly, garbage quoted, the garbage): a quote is correct when it reads as one
    of the texts really shown (ignoring case, spaces and punctuation)."""
    good, bad = 0, []
    keys = {_key(s) for s in shown}
    for text in descriptions:
        for q in _QUOTE.findall(text):
            if _key(q) in keys:
                good += 1
            else:
                bad.append(q)
    return good, len(bad), bad


def overlaps(cues) -> int:
    ordered = sorted(cues, key=lambda c: c.start)
    return sum(1 for a, b in zip(ordered, ordered[1:]) if b.start < a.end - 0.001)


def momentary(path: Path) -> list[tuple[float, float]]:
    """(time, momentary loudness in LUFS) every 100 ms, from ffmpeg's ebur128 filter."""
    proc = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    return list(ducking.parse(proc.stderr).momentary)


def window_levels(levels: list[tuple[float, float]], windows: list[tuple[float, float]]) -> list[float]:
    """The loudest momentary loudness inside each window (its 400 ms blocks end in it)."""
    out = []
    for a, b in windows:
        inside = [v for t, v in levels if a + 0.3 <= t <= b + 0.1]
        out.append(max(inside) if inside else -120.0)
    return out


def window_loudness(levels: list[tuple[float, float]], windows: list[tuple[float, float]]) -> list[float | None]:
    """The loudness of each window (energy mean of its 400 ms blocks, as the ducking measures
    it), None where nothing sounds."""
    measured = ducking.Loudness(None, tuple(levels))
    return [measured.window(a, b) for a, b in windows]


@dataclass
class Outcome:
    case: str
    language: str
    events: list
    descriptions: list
    plan: narration.Plan
    stem: Path
    mix: Path
    stem_levels: list[float]
    mix_levels: list[float]
    quoted_ok: int
    garbage: list[str]
    overlapping: int
    stem_lufs: float | None
    mix_lufs: float | None
    mix_tp: float | None = None  # the mix's true peak (dBTP)
    stem_loudness: list[float | None] = field(default_factory=list)  # per standard clip's window
    mix_loudness: list[float | None] = field(default_factory=list)
    placed_extended: int = 0  # cues the placement made extended (the narration may play them)
    describe_seconds: float = 0.0  # wall time of the describer on this case (shared by its languages)

    @property
    def voiced_loudness(self) -> list[float | None]:
        """Each standard window's loudness in the stem as voiced, before its clip's static gain."""
        return [None if v is None else v - c.gain_db for v, c in zip(self.stem_loudness, self.plan.standard)]

    @property
    def extended(self) -> int:
        """Extended descriptions as the pipeline delivers them (the relabelled track)."""
        return sum(1 for c in self.descriptions if c.extended)

    @property
    def standard(self) -> int:
        return len(self.plan.standard)

    @property
    def audible_stem(self) -> int:
        return sum(1 for v in self.stem_levels if v >= AUDIBLE_LUFS)

    @property
    def audible_mix(self) -> int:
        return sum(1 for v in self.mix_levels if v >= AUDIBLE_LUFS)


def run_case(case: Case, work: Path, languages=("en", "es"), describer=None, speech=None) -> list[Outcome]:
    """Describe, place, narrate and mix one case the way the pipeline steps do, in each language;
    the measures of each language's output."""
    work.mkdir(parents=True, exist_ok=True)
    describer = describer or ad.LocalDescriber()
    speech = speech or LocalSpeech()
    transcript = Transcript(languages[0], case.duration, list(case.words))
    began = time.perf_counter()
    seen = describer.describe(case.path, transcript, work / "describe", languages[0])
    describe_seconds = round(time.perf_counter() - began, 2)
    events = ad.without_subtitles(seen, case.words)
    info = ff.probe(case.path)
    source = case.path if info.has_audio else ff.with_silent_audio(case.path, info, work / "with-track.mp4")
    src_info = ff.probe(source)
    gaps = placement.dialogue_gaps(case.words, case.duration)
    placed = placement.place(events, gaps, case.duration, list(languages), case.words, sentence=ad.sentence)
    said_in = case.speech if case.words else None  # the language spoken, if anything is
    out = []
    for lang in languages:
        # each language's track as the pipeline words it (without the subtitles of the speech
        # for the speech's own language, decision 0371), identified as the describe step writes
        # them (`ad-N`, `ad-N-extended`), then relabelled as the tts step does: the track says
        # what the narration did with each cue
        cues = [
            VttCue(d.start, d.end, d.text, f"ad-{i + 1}" + ("-extended" if d.extended else ""))
            for i, d in enumerate(ad.for_track(placed, lang, said_in))
        ]
        folder = work / lang
        folder.mkdir(parents=True, exist_ok=True)
        plan = narration.synthesize_plan(speech, cues, lang, case.words, case.duration, folder)
        cues = narration.relabelled(cues, plan) or cues
        stem = narration.write_stem_wav(plan.standard, case.duration, folder / "stem.wav", folder)
        for clip in plan.clips:
            clip.local = str(folder / clip.name)
        mix = rd.mix_programme(source, src_info, plan, folder / "mix.m4a")
        windows = [(c.start, c.start + c.duration) for c in plan.standard]
        stem_blocks, mix_blocks = momentary(stem), momentary(mix)
        mixed = ff.loudness(mix)
        good, n_bad, bad = quotes([c.text for c in cues], case.on_screen)
        out.append(
            Outcome(
                case=case.name,
                language=lang,
                events=events,
                descriptions=cues,
                plan=plan,
                stem=stem,
                mix=mix,
                stem_levels=window_levels(stem_blocks, windows),
                mix_levels=window_levels(mix_blocks, windows),
                stem_loudness=window_loudness(stem_blocks, windows),
                mix_loudness=window_loudness(mix_blocks, windows),
                placed_extended=sum(1 for d in placed if d.extended),
                describe_seconds=describe_seconds,
                quoted_ok=good,
                garbage=bad,
                overlapping=overlaps(cues),
                stem_lufs=ff.loudness(stem)["integrated_lufs"],
                mix_lufs=mixed["integrated_lufs"],
                mix_tp=mixed["true_peak_dbtp"],
            )
        )
    return out
