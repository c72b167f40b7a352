"""Generated audio with known non-speech sound, to measure the music tagger
(shared.media.sound_tags) against ground truth: sox-synthesised music (chords, a melody,
drums, the quality bench's tune), pink and brown noise, applause-like bursts, room tone, a
clock, a hammer, a 1 kHz test tone, a buzz, silence, speech alone and speech over music. Every piece is 16 kHz mono, labelled, and can be
joined into one timeline with its truth.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

from shared.media.sound_tags import read_wav

RATE = 16000
# The quality bench's tune (tests/support/quality.py): melody over a bass line with a beat.
BENCH_TUNE = (
    "0.18*sin(2*PI*t*(262+131*mod(floor(t*2),4)))*exp(-3*mod(t,0.5))"
    "+0.12*sin(2*PI*t*(65+33*mod(floor(t/2),3)))"
    "+0.05*(random(0)-0.5)*exp(-30*mod(t,0.25))"
)
# A kick and a hi-hat: a falling sine burst every half second, a noise tick every quarter.
DRUMS = "0.5*sin(2*PI*t*(50+120*exp(-25*mod(t,0.5))))*exp(-12*mod(t,0.5))+0.15*(random(0)-0.5)*exp(-60*mod(t,0.25))"
# Not music, though regular: a clock's tick every second, a hammer striking twice a second.
CLOCK = "0.6*(random(0)-0.5)*exp(-400*mod(t,1))+0.3*sin(2*PI*2400*t)*exp(-300*mod(t,1))"
HAMMER = "0.7*(random(0)-0.5)*exp(-40*mod(t,0.5))+0.3*sin(2*PI*900*t)*exp(-60*mod(t,0.5))"
SENTENCE = "The widgets are packed in boxes and loaded onto the trucks every morning."


@dataclass
class Piece:
    name: str
    music: bool  # a music-only passage a careful captioner tags
    path: Path
    seconds: float


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True)


def _sox(out: Path, *effects: str) -> None:
    _run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects])


def _ffmpeg_expr(out: Path, expr: str, seconds: float, volume_db: float = 0.0) -> None:
    _run(
        [
            "ffmpeg", "-y", "-loglevel", "error", "-f", "lavfi",
            "-i", f"aevalsrc=exprs='{expr}':s={RATE}:d={seconds}",
            "-af", f"volume={volume_db}dB", "-ac", "1", "-ar", str(RATE), "-c:a", "pcm_s16le", str(out),
        ]
    )  # fmt: skip


def _chords(out: Path, seconds: float) -> None:
    """C, F, G, C major chords of plucked strings (sox synth), each `seconds`/4 long."""
    parts = []
    each = seconds / 4
    for n, notes in enumerate((("C4", "E4", "G4"), ("F3", "A3", "C4"), ("G3", "B3", "D4"), ("C4", "E4", "G4"))):
        part = out.with_name(f"{out.stem}-{n}.wav")
        _sox(
            part, "synth", f"{each}", *[x for note in notes for x in ("pluck", note)], "remix", "-", "gain", "-n", "-16"
        )
        parts.append(str(part))
    _run(["sox", *parts, str(out)])


def _melody(out: Path, seconds: float) -> None:
    """A tune of eighth notes on a square-ish lead over a held sine pad (sox synth)."""
    tune = ["C4", "E4", "G4", "E4", "A4", "G4", "E4", "D4"]
    each = 0.3
    parts = []
    n = int(seconds / each)
    for i in range(n):
        part = out.with_name(f"{out.stem}-{i}.wav")
        _sox(part, "synth", f"{each}", "square", tune[i % len(tune)], "fade", "0.01", f"{each}", "0.05", "gain", "-24")
        parts.append(str(part))
    lead = out.with_name(f"{out.stem}-lead.wav")
    _run(["sox", *parts, str(lead)])
    pad = out.with_name(f"{out.stem}-pad.wav")
    _sox(pad, "synth", f"{n * each}", "sine", "C3", "sine", "G3", "remix", "-", "gain", "-n", "-24")
    _run(["sox", "-m", str(lead), str(pad), str(out), "gain", "-n", "-16"])


def _applause(out: Path, seconds: float, seed: int = 7) -> None:
    """Claps: many short noise bursts at random times (about 30 a second), like an audience."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = np.zeros(n, dtype="float64")
    for t in rng.uniform(0, seconds, int(30 * seconds)):
        a = int(t * RATE)
        length = int(0.03 * RATE)
        burst = rng.standard_normal(length) * np.exp(-np.arange(length) / (0.006 * RATE)) * rng.uniform(0.3, 1)
        x[a : a + length] += burst[: max(0, min(length, n - a))]
    x *= 0.2 / (np.sqrt(np.mean(x**2)) + 1e-9) * 0.5
    write_wav(out, x)


def write_wav(out: Path, x) -> None:
    import numpy as np

    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def _speech(out: Path, text: str = SENTENCE) -> None:
    raw = out.with_name(out.stem + "-raw.wav")
    _run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(raw), "--", text])
    _run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out), "gain", "-n", "-14"])


def _room_tone(out: Path, seconds: float) -> None:
    """Brown noise at about -58 dBFS with a 50 Hz hum: a quiet room's microphone."""
    _sox(out, "synth", f"{seconds}", "brownnoise", "synth", f"{seconds}", "sine", "mix", "50", "gain", "-n", "-58")


def generate(folder: Path, seconds: float = 6.0) -> list[Piece]:
    """Every labelled piece (cached in `folder`)."""
    folder.mkdir(parents=True, exist_ok=True)
    makers = {
        "chords": (True, lambda p: _chords(p, seconds)),
        "melody": (True, lambda p: _melody(p, seconds)),
        "drums": (True, lambda p: _ffmpeg_expr(p, DRUMS, seconds, -6)),
        "bench_tune": (True, lambda p: _ffmpeg_expr(p, BENCH_TUNE, seconds)),
        "quiet_tune": (True, lambda p: _ffmpeg_expr(p, BENCH_TUNE, seconds, -18)),
        "pink_noise": (False, lambda p: _sox(p, "synth", f"{seconds}", "pinknoise", "gain", "-n", "-20")),
        "brown_noise": (False, lambda p: _sox(p, "synth", f"{seconds}", "brownnoise", "gain", "-n", "-20")),
        "applause": (False, lambda p: _applause(p, seconds)),
        "room_tone": (False, lambda p: _room_tone(p, seconds)),
        "clock": (False, lambda p: _ffmpeg_expr(p, CLOCK, seconds, -6)),
        "hammering": (False, lambda p: _ffmpeg_expr(p, HAMMER, seconds, -6)),
        "test_tone": (False, lambda p: _sox(p, "synth", f"{seconds}", "sine", "1000", "gain", "-n", "-20")),
        "buzz": (False, lambda p: _sox(p, "synth", f"{seconds}", "sawtooth", "100", "gain", "-n", "-30")),
        "silence": (False, lambda p: _sox(p, "trim", "0", f"{seconds}")),
        "speech": (False, lambda p: _speech(p)),
    }
    pieces = []
    for name, (music, make) in makers.items():
        path = folder / f"{name}.wav"
        if not path.exists():
            make(path)
        pieces.append(Piece(name, music, path, _duration(path)))
    over = folder / "speech_over_music.wav"
    if not over.exists():
        tune = folder / "speech_over_music-tune.wav"
        _ffmpeg_expr(tune, BENCH_TUNE, _duration(folder / "speech.wav"), -10)
        _run(["sox", "-m", str(folder / "speech.wav"), str(tune), str(over)])
    pieces.append(Piece("speech_over_music", False, over, _duration(over)))
    return pieces


def _duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def timeline(pieces: list[Piece], out: Path, gap: float = 1.0) -> list[tuple[float, float, Piece]]:
    """The pieces joined with `gap` seconds of silence between them; (start, end, piece) each."""
    import numpy as np

    chunks, spans, t = [], [], 0.0
    silence = np.zeros(int(gap * RATE), dtype="float32")
    for p in pieces:
        x = read_wav(p.path)
        spans.append((t, t + len(x) / RATE, p))
        chunks += [x, silence]
        t += (len(x) + len(silence)) / RATE
    write_wav(out, np.concatenate(chunks))
    return spans


def score(found: list[tuple[float, float]], spans: list[tuple[float, float, Piece]]) -> dict:
    """Per piece: tagged seconds; music pieces found (at least half their length tagged);
    false tags (tagged seconds outside music pieces) and the pieces they fell in."""

    def tagged(a: float, b: float) -> float:
        return sum(max(0.0, min(b, y) - max(a, x)) for x, y in found)

    per = {p.name: round(tagged(a, b), 2) for a, b, p in spans}
    music = [(a, b, p) for a, b, p in spans if p.music]
    hits = [p.name for a, b, p in music if tagged(a, b) >= 0.5 * (b - a)]
    in_music = sum(tagged(a, b) for a, b, _ in music)
    total = sum(y - x for x, y in found)
    false_pieces = [p.name for a, b, p in spans if not p.music and tagged(a, b) > 0]
    return {
        "tagged_seconds": per,
        "music_found": len(hits),
        "music_expected": len(music),
        "recall": len(hits) / len(music) if music else 1.0,
        "precision_seconds": in_music / total if total else 1.0,
        "false_seconds": round(max(0.0, total - in_music), 2),
        "false_in": false_pieces,
    }


def with_sting(talking_video: Path, start: float, end: float, out: Path) -> Path:
    """`talking_video` with the bench's tune alone from `start` to `end` (a pause between
    answers), mixed under its own audio; the picture is copied."""
    _run(
        [
            "ffmpeg", "-y", "-loglevel", "error", "-i", str(talking_video), "-f", "lavfi",
            "-i", f"aevalsrc=exprs='{BENCH_TUNE}':s=48000:d={end - start}",
            "-filter_complex",
            f"[1:a]adelay={int(start * 1000)}|{int(start * 1000)},apad,aformat=channel_layouts=stereo[m];"
            "[0:a][m]amix=inputs=2:duration=first:normalize=0[a]",
            "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", str(out),
        ]
    )  # fmt: skip
    return out
