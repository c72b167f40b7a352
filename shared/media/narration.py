"""Fitting spoken descriptions into their slots, and the narration stem.

Each description cue gets a slot: from its start to the next dialogue word (or the next
description, or the end). A clip longer than its slot is re-synthesised faster, up to
MAX_RATE x; what still does not fit is an extended description: the standard mix leaves it
out (it would talk over dialogue) and the extended-AD render holds the picture for it. A cue the
placement already made extended (identifier `ad-N-extended`) stays extended unless the pause at
its hold point is at least the job's minimum gap (decision 0370).

Every clip is then brought to one loudness, CLIP_LUFS, by a static gain (decision 0357): the
voices differ by several LU (Piper's English against espeak-ng's Spanish, short clips against
long ones), and a listener should hear every description at one steady level.
"""

from __future__ import annotations

import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shared.media import ducking, quote_language, spoken_capitals
from shared.media import ffmpeg as ff
from shared.media.types import Word
from shared.media.vtt import EXTENDED_ID, VttCue

MAX_RATE = 1.5
MIN_GAP_SECONDS = 2.0  # pauses under about 2 s are too short for a description (the placement's default)
SAMPLE_RATE = 48000
MARGIN = 0.1
VOICE_GAP = 0.12  # seconds between a description's words and a quote spoken in another voice
FIT_TRIES = 3  # syntheses at a faster rate to fit a clip into its slot
LONG_SILENCE = 0.3  # seconds of a clip's leading plus trailing silence above which it is trimmed
EDGE_SILENCE = 0.03  # seconds of a voice's leading/trailing silence kept when runs are joined
# The stem's sample peak at most -3 dBFS, so the delivered AAC stem stays under -1 dBTP (it was
# at -0.1 to -0.5 dBTP on generated footage; decision 0342)
STEM_PEAK = 10 ** (-3 / 20)
# Each clip's integrated loudness: one level for every voice and language (the render then brings
# the stem to -23 LUFS by one static gain). -26, not -23: the voices' peaks stand up to 22.5 dB
# over their loudness (Piper writes its peaks at 0 dBFS), and a static gain must keep them under
# STEM_PEAK (decision 0357)
CLIP_LUFS = -26.0


@dataclass
class Clip:
    name: str
    start: float
    duration: float
    slot: float
    rate: float
    text: str
    extended: bool = False
    gain_db: float = 0.0  # the static gain that brought the voiced clip to CLIP_LUFS
    path: str = ""  # storage path
    local: str = ""  # local file while a step runs

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("local")
        return d


@dataclass
class Plan:
    language: str
    clips: list[Clip] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"language": self.language, "clips": [c.to_dict() for c in self.clips]}

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        return cls(language=data["language"], clips=[Clip(**c) for c in data.get("clips", [])])

    @property
    def standard(self) -> list[Clip]:
        return [c for c in self.clips if not c.extended]


def slot_for(start: float, next_cue_start: float | None, words: list[Word], duration: float) -> float:
    ends = [duration]
    if next_cue_start is not None:
        ends.append(next_cue_start)
    ends += [w.start for w in words if w.start >= start + 0.05]
    return max(0.0, min(ends) - start - MARGIN)


def speak(speech, text: str, language: str, out: Path, rate: float = 1.0) -> float:
    """`text` spoken into `out` (WAV) in `language`; a quote in it that is clearly in another
    language ('... el texto "SUMMER SALE 50% OFF".') is spoken by a voice of that language
    (shared.media.quote_language, decision 0341). Returns the duration in seconds."""
    runs = voiced_runs(text, language)
    if len(runs) == 1:
        return without_long_silence(out, speech.synthesize(runs[0][0], runs[0][1], out, rate))
    import numpy as np

    audios = []
    for k, (words, lang) in enumerate(runs):
        part = out.with_name(f"{out.stem}.part{k}.wav")
        speech.synthesize(words, lang, part, rate)
        audios.append(trimmed(_read(part)))
        part.unlink(missing_ok=True)
    # every run brought to the loudest run's level (Piper speaks 3-6 dB louder than
    # espeak-ng), without clipping: one sentence at one level. (Bringing the quote down to the
    # quieter voice instead made whisper miss it when the stem was transcribed back.)
    reference = max((_level(a) for a in audios), default=0.0)
    pieces: list = []
    gap = np.zeros(int(VOICE_GAP * SAMPLE_RATE), dtype="float32")
    for audio in audios:
        if reference > 0 and len(audio):
            audio = audio * min(reference / max(_level(audio), 1.0), 32000.0 / max(float(np.abs(audio).max()), 1.0))
        pieces += [gap, audio] if pieces else [audio]
    return _write(out, np.concatenate(pieces)) / SAMPLE_RATE


def _write(wav: Path, samples) -> int:
    """`samples` (float, 16-bit scale) written to `wav` as mono 16-bit PCM at SAMPLE_RATE,
    clipped to the 16-bit range; how many samples were written."""
    import numpy as np

    pcm = np.clip(samples, -32768, 32767).astype("<i2")
    with wave.open(str(wav), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SAMPLE_RATE)
        f.writeframes(pcm.tobytes())
    return len(pcm)


def without_long_silence(wav: Path, length: float) -> float:
    """`wav` (`length` seconds) rewritten without its leading and trailing silence when they
    add up to more than LONG_SILENCE (SVOX Pico ends every clip with about 1 s of silence: it
    counted against the pause the clip must fit, and lowered the clip's window in the stem by
    1-2 LU); its length in seconds afterwards."""

    data = _read(wav)
    kept = trimmed(data)
    if (len(data) - len(kept)) / SAMPLE_RATE <= LONG_SILENCE:
        return length
    return _write(wav, kept) / SAMPLE_RATE


def voiced_runs(text: str, language: str) -> list[tuple[str, str]]:
    """What `speak` asks the voices for `text`: (words, language) runs, a quote clearly in
    another language its own run (decision 0341), words in capitals as they are to be said
    (shared.media.spoken_capitals, decision 0373)."""
    runs = quote_language.parts(text, language) or [(text, language)]
    return [(spoken_capitals.spoken(words), lang) for words, lang in runs]


def _level(data, threshold: float = 100.0) -> float:
    """RMS of the sounding samples (louder than `threshold`)."""
    import numpy as np

    loud = data[np.abs(data) > threshold]
    return float(np.sqrt(np.mean(loud**2))) if len(loud) else 0.0


def trimmed(data, threshold: float = 100.0):
    """`data` (48 kHz samples) without the voice's leading and trailing silence (quieter than
    `threshold`, about -50 dBFS), keeping EDGE_SILENCE on each side."""
    import numpy as np

    loud = np.flatnonzero(np.abs(data) > threshold)
    if not len(loud):
        return data
    keep = int(EDGE_SILENCE * SAMPLE_RATE)
    return data[max(0, loud[0] - keep) : loud[-1] + 1 + keep]


def synthesize_plan(
    speech,
    cues,
    language: str,
    words: list[Word],
    duration: float,
    folder: Path,
    max_rate: float = MAX_RATE,
    min_gap: float = MIN_GAP_SECONDS,
) -> Plan:
    """Synthesize every description cue (vtt.VttCue) and fit it into its slot. A cue the
    placement made extended is fitted only into a pause of `min_gap` seconds or more (the
    job's min_gap_seconds); otherwise it stays extended (decision 0370)."""
    plan = Plan(language=language)
    ordered = sorted(cues, key=lambda c: c.start)
    quote_language.learn(c.text for c in ordered)  # every quote's words looked up at once
    for i, cue in enumerate(ordered):
        name = f"ad-{i + 1:03d}.wav"
        out = folder / name
        nxt = ordered[i + 1].start if i + 1 < len(ordered) else None
        slot = slot_for(cue.start, nxt, words, duration)
        text = " ".join(cue.text.split())
        rate = 1.0
        length = speak(speech, text, language, out, rate)
        # a cue the placement made extended holds the picture when the pause at its hold point
        # is shorter than the job's min_gap_seconds, even if its clip would fit it: the user set
        # that gap for a reason (decision 0370)
        held = cue.extended and slot < min_gap
        for _ in range(FIT_TRIES):
            if held or length <= slot or rate >= max_rate:
                break
            # a voice's pauses do not shrink with its rate: ask again from what was measured
            rate = min(max_rate, rate * length / max(slot, 0.01) * 1.03)
            length = speak(speech, text, language, out, rate)
        extended = held or length > slot  # measured, whatever the script's estimate said
        if extended and rate != 1.0:
            rate = 1.0  # extended: the picture waits, so speak at the natural rate
            length = speak(speech, text, language, out, rate)
        plan.clips.append(
            Clip(
                name=name,
                start=round(cue.start, 3),
                duration=round(length, 3),
                slot=round(slot, 3),
                rate=round(rate, 3),
                text=text,
                extended=extended,
                gain_db=levelled(out),
            )
        )
    return plan


def integrated_lufs(wav: Path) -> float | None:
    """A clip's integrated loudness (ffmpeg ebur128), or None when it is too short or too quiet
    to measure (under one 400 ms block, or below the -70 LUFS gate)."""
    proc = ff.run([ff.FFMPEG, "-hide_banner", "-nostdin", "-i", str(wav), "-af", "ebur128", "-f", "null", "-"])
    found = ducking.parse(proc.stderr).integrated
    return found if found is not None and found > ducking.SILENT else None


def levelled(wav: Path, target: float = CLIP_LUFS) -> float:
    """`wav` rewritten at `target` LUFS by one static gain (never a compressor: nothing pumps),
    kept under STEM_PEAK; the gain applied in dB (0 when the clip cannot be measured)."""
    import numpy as np

    measured = integrated_lufs(wav)
    if measured is None:
        return 0.0
    with wave.open(str(wav), "rb") as f:
        params = f.getparams()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32")
    peak = float(np.abs(data).max()) if len(data) else 0.0
    gain = target - measured
    if peak > 0:  # a louder target than the peaks allow stays as loud as they allow
        gain = min(gain, float(20 * np.log10(STEM_PEAK * 32767 / peak)))
    if abs(gain) < 0.05:
        return 0.0
    pcm = np.clip(np.round(data * 10 ** (gain / 20)), -32768, 32767).astype("<i2")
    with wave.open(str(wav), "wb") as f:
        f.setparams(params)
        f.writeframes(pcm.tobytes())
    return round(gain, 2)


def _read(path: Path):
    import numpy as np

    with wave.open(str(path), "rb") as f:
        rate, ch = f.getframerate(), f.getnchannels()
        data = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype("float32")
    if ch > 1:
        data = data.reshape(-1, ch).mean(axis=1)
    if rate != SAMPLE_RATE:
        n = int(round(len(data) * SAMPLE_RATE / rate))
        data = np.interp(np.linspace(0, len(data) - 1, n), np.arange(len(data)), data).astype("float32")
    return data


def write_stem_wav(clips: list[Clip], duration: float, out: Path, folder: Path | None = None) -> Path:
    """Mono 48 kHz WAV of `duration` seconds with each clip at its start time."""
    import numpy as np

    total = int(round(duration * SAMPLE_RATE))
    buf = np.zeros(total, dtype="float32")
    for c in clips:
        src = Path(c.local) if c.local else (folder or Path(".")) / c.name
        data = _read(src)
        a = int(round(c.start * SAMPLE_RATE))
        b = min(total, a + len(data))
        if b > a:
            buf[a:b] += data[: b - a]
    peak = float(np.abs(buf).max()) if total else 0.0
    if peak > STEM_PEAK * 32767:  # one gain for the whole stem: clips keep their relative level
        buf *= STEM_PEAK * 32767 / peak
    _write(out, buf)
    return out


def relabelled(cues, plan: Plan) -> list | None:
    """The description cues (vtt.VttCue) with identifiers that say what the narration does with
    each (`ad-N` plays in the programme, `ad-N-extended` holds the picture), or None when they
    already agree. Text and times are never changed."""
    ordered = sorted(cues, key=lambda c: c.start)
    out, changed = [], False
    for i, (cue, clip) in enumerate(zip(ordered, plan.clips)):
        base = (cue.identifier or f"ad-{i + 1}").replace(f"-{EXTENDED_ID}", "")
        ident = f"{base}-{EXTENDED_ID}" if clip.extended else base
        changed |= ident != cue.identifier
        out.append(VttCue(cue.start, cue.end, cue.text, ident))
    return out if changed else None


INAUDIBLE_DBFS = -50.0  # a standard clip's window quieter than this in the stem is not heard
STEM_WAV = "narration-stem.wav"


def clip_levels(plan: Plan, stem_wav: Path) -> list[dict]:
    """RMS level (dBFS) of the stem inside each standard clip's window: the check that every
    description the track lists as standard is really heard (issue 12 item 3)."""
    import numpy as np

    data = _read(stem_wav)
    out = []
    for c in plan.standard:
        a = int(round(c.start * SAMPLE_RATE))
        b = int(round((c.start + c.duration) * SAMPLE_RATE))
        window = data[a:b] / 32768.0
        rms = float(np.sqrt(np.mean(window**2))) if len(window) else 0.0
        level = round(float(20 * np.log10(rms)), 1) if rms > 0 else -120.0
        out.append({"name": c.name, "start": c.start, "level_dbfs": level, "audible": bool(level >= INAUDIBLE_DBFS)})
    return out


def write_stem(plan: Plan, folder: Path, duration: float, out_m4a: Path) -> Path:
    """The narration stem alone (standard timeline, AAC in M4A)."""
    wav = write_stem_wav(plan.standard, duration, folder / STEM_WAV, folder)
    ff.ffmpeg("-i", str(wav), "-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", "-ar", str(SAMPLE_RATE), str(out_m4a))
    return out_m4a
