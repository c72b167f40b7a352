"""Rendering the accessible MP4s with ffmpeg (every backend).

Audio: both the programme audio and the narration are first brought to the same loudness
(static gains from an ebur128 measurement), the programme is ducked under each narration clip
with short ramps (a `volume` envelope: valid in ffmpeg 4.4 and 5.1), by at least DUCK_DB and as
far as that clip needs to stand MARGIN_LU above the programme in its window (`ducking`), the two
are mixed, and the mix is brought to -23 LUFS integrated by a static gain measured with ebur128,
true peak under -1 dBTP (aimed at -2 so AAC encoding overshoot stays below -1); where the gain
alone would push the true peak over, a 4x-oversampled lookahead limiter holds the loud moments
and the limited mix is measured again until it reaches the target (decision 0304).

Picture: copied (`-c:v copy`) in the accessible MP4; re-encoded only for burned-in captions
and for the extended-AD version, which holds frames (tpad clone) where a description needs
more time than the dialogue leaves.

Every output is probed afterwards: stream kinds and counts, each stream's duration within
0.1 s of what was expected, integrated loudness and true peak.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from shared.media import ducking, vtt
from shared.media import ffmpeg as ff
from shared.media.language_tags import iso639_2
from shared.media.narration import SAMPLE_RATE, Clip, Plan, write_stem_wav

TARGET_LUFS = -23.0
TARGET_TP = -2.0  # aim; the acceptance limit is -1 dBTP
MAX_TP = -1.0
LOUDNESS_TOLERANCE = 1.0
DURATION_TOLERANCE = 0.1
DUCK_DB = ducking.LEAST_DB  # the least a description turns the programme down (more where it is loud)
RAMP = 0.3
HOLD_PAD = 0.4  # extra held time around an extended description

ISO639_2 = {
    "en": "eng",
    "es": "spa",
    "ca": "cat",
    "gl": "glg",
    "eo": "epo",
    "eu": "eus",
    "is": "isl",
    "fr": "fra",
    "pt": "por",
    "it": "ita",
    "de": "deu",
    "nl": "nld",
}


class RenderError(RuntimeError):
    """An output failed verification (retrying may help if it was a resource problem)."""


# The versions whose picture is re-encoded (burnt-in captions, extended AD) are H.264 4:2:0,
# which needs an even width and height: an odd-sized source (854x481) gets one black row or
# column added (nothing of the picture is lost; decision 0342). A no-op on even sizes.
EVEN_SIZE = "pad=ceil(iw/2)*2:ceil(ih/2)*2"
# The programme's sound from the programme's start: a sound track that starts after the
# picture (an audio delay in the edit list) gets silence before it instead of being moved to
# 0 (it was 2 s early, and its mix 2 s short: RENDER failed; decision 0342). The same filter
# is ffmpeg.FROM_ZERO, used for the audio the recogniser hears.
FROM_ZERO = ff.FROM_ZERO


def frames_as_they_are() -> list[str]:
    """Output options that keep every frame at its own time. Without them ffmpeg makes the
    re-encoded MP4 constant-rate at the stream's nominal rate: a variable-frame-rate source
    (15 fps, then 30 fps) lost a third of its frames and ran 0.13 s long (decision 0342)."""
    try:
        major = int(ff.version().split(".")[0].lstrip("n"))
    except ValueError:
        major = 5
    return ["-fps_mode", "passthrough"] if major >= 5 else ["-vsync", "passthrough"]


def lang3(code: str) -> str:
    return iso639_2(code)


def duck_expression(
    clips: list[Clip], duck_db: float = DUCK_DB, ramp: float = RAMP, depths: list[float] | None = None
) -> str:
    """A volume expression: 1 outside narration, 10^(depth/20) under each clip (its own depth
    from `depths`, else `duck_db`), linear ramps; where two clips' ramps meet, no deeper than
    the deeper of them."""
    if not clips:
        return "1"
    dbs = depths if depths is not None else [duck_db] * len(clips)
    factors = [1 - 10 ** (db / 20) for db in dbs]
    terms = []
    for c, k in zip(clips, factors):
        a, b = c.start - ramp, c.start + c.duration + ramp
        terms.append(f"{k:.4f}*clip((t-{a:.3f})/{ramp},0,1)*clip(({b:.3f}-t)/{ramp},0,1)")
    return f"1-min({max(factors):.4f},{_sum_expression(terms)})"


def _sum_expression(terms: list[str], flat: int = 16) -> str:
    """`a+b+...` as a balanced tree of parenthesised halves: ffmpeg's expression parser refuses
    a flat sum of about 100 terms (an hour of source has ~180 descriptions); nesting by halves
    keeps the depth at log2(n / flat). Up to `flat` terms the sum stays flat."""
    if len(terms) <= flat:
        return "+".join(terms)
    mid = len(terms) // 2
    return f"({_sum_expression(terms[:mid], flat)})+({_sum_expression(terms[mid:], flat)})"


_measure_locks: dict[tuple, threading.Lock] = {}
_measure_locks_guard = threading.Lock()


def _measure(path: Path, stream: str = "0:a:0") -> ducking.Loudness:
    """Loudness of `path` (integrated and per 400 ms block), measured once per file version
    even when several languages render at once and ask for the same programme together."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, stream)
    with _measure_locks_guard:
        if len(_measure_locks) > 256:  # one per source file seen; a long-running worker sheds them
            _measure_locks.clear()
        lock = _measure_locks.setdefault(key, threading.Lock())
    with lock:
        return _measure_cached(*key)


@functools.lru_cache(maxsize=32)
def _measure_cached(path: str, size: int, mtime_ns: int, stream: str) -> ducking.Loudness:
    """The programme is measured once per file (every language's mix starts from it)."""
    proc = ff.run(
        [ff.FFMPEG, "-hide_banner", "-nostdin", "-i", path, "-map", stream, "-af", "ebur128", "-f", "null", "-"]
    )
    return ducking.parse(proc.stderr)


def _gain_to(lufs: float | None, target: float = TARGET_LUFS) -> float:
    if lufs is None or lufs < -70:
        return 0.0
    return max(-30.0, min(30.0, target - lufs))


def parse_ebur128(stderr: str) -> dict:
    """The summary of ebur128 (peak=true): integrated loudness, its relative gate threshold,
    loudness range and true peak, floored so silence still gives usable numbers."""
    summary = stderr[stderr.rfind("Summary:") :]

    def num(pattern: str, default: float) -> float:
        m = re.search(pattern, summary, re.S)
        try:
            return max(-99.0, float(m.group(1))) if m else default
        except ValueError:  # "-inf"
            return -99.0

    return {
        "i": num(r"I:\s+(-?[\d.]+|-inf) LUFS", -99.0),
        "thresh": num(r"I:.*?Threshold:\s+(-?[\d.]+|-inf) LUFS", -99.0),
        "lra": max(0.0, num(r"LRA:\s+(-?[\d.]+) LU", 0.0)),
        "tp": num(r"Peak:\s+(-?[\d.]+|-inf) dBFS", -99.0),
    }


def linear_gain(measured: dict) -> float | None:
    """The static gain (dB) that brings a mix with these ebur128 measurements to TARGET_LUFS, or
    None where it would push the true peak over TARGET_TP or a measurement is degenerate (then
    loudnorm's dynamic mode limits it). Unlike loudnorm's own linear mode, a loudness range
    wider than loudnorm's 11 LU does not stop it: EBU R128 normalises by gain and sets no limit on the
    range, and compressing a programme with a music swell to 11 LU (dynamic mode on a short
    file) missed the target by 1.6 LU on a 42 s interview and failed the render."""
    i, tp, thresh = measured["i"], measured["tp"], measured["thresh"]
    if i <= -70 or i == 0 or thresh <= -70 or tp >= 99:
        return None
    offset = TARGET_LUFS - i
    if tp + offset <= TARGET_TP:
        return offset
    return None


LIMIT_DBFS = -6.0  # the limiter's ceiling, 4x oversampled: AAC adds up to ~3.3 dB on limited peaks


LIMIT_TRIES = 4  # measurements of the limited mix, each correcting the gain by what was missing


def limited_gain(offset: float) -> str:
    """A static gain of `offset` dB with a lookahead limiter, run at 192 kHz so its sample peaks
    stand for true peaks, holding the loud moments (a door slam, a clap) at LIMIT_DBFS. Its 1 ms
    lookahead delays the audio by 1 ms. `level=0`: no automatic make-up gain (4.4 and 5.1)."""
    limit = 10 ** (LIMIT_DBFS / 20)
    return (
        f"volume={offset:.3f}dB,aresample=192000,alimiter=limit={limit:.4f}:attack=1:release=50:level=0,"
        f"aresample={SAMPLE_RATE}"
    )


def _measure_mix(inputs: list[str], chain: str) -> dict:
    """ebur128 (integrated, gate threshold, LRA, true peak) of the audio `chain` makes."""
    proc = ff.run(
        [ff.FFMPEG, "-hide_banner", "-nostdin", *inputs, "-filter_complex", f"{chain},ebur128=peak=true[m]"]
        + ["-map", "[m]", "-f", "null", "-"]
    )
    return parse_ebur128(proc.stderr)


def _limited_to_target(inputs: list[str], graph: str, measured: dict) -> str:
    """The gain-and-limiter chain that brings a mix whose static gain would clip to TARGET_LUFS.
    Limiting lowers the loudness where loud moments carry much of it, so the limited mix is
    measured and the gain raised by what is missing, up to LIMIT_TRIES times (it converges from
    below: more gain, more limiting, never past the target). loudnorm's dynamic mode did this
    before and missed the target on short programmes (a quiet programme with claps: -28.2 LUFS
    and -0.6 dBTP, a failed render)."""
    offset = TARGET_LUFS - measured["i"] if -70 < measured["i"] < 0 else 0.0
    chain = limited_gain(offset)
    for _ in range(LIMIT_TRIES):
        got = _measure_mix(inputs, f"{graph},{chain}")
        missing = TARGET_LUFS - got["i"]
        if got["i"] <= -70 or abs(missing) <= 0.3 or offset >= 40:
            break
        offset = min(40.0, offset + missing)
        chain = limited_gain(offset)
    return chain


def mix_programme(video: Path, info: ff.MediaInfo, plan: Plan, out: Path, clips: list[Clip] | None = None) -> Path:
    """Programme audio ducked under the narration clips and mixed, then brought to -23 LUFS
    (a static gain, peak-limited where needed); AAC 48 kHz stereo, exactly the source's duration."""
    clips = plan.standard if clips is None else clips
    work = out.parent
    duration = info.duration
    programme = _measure(video)
    gp = _gain_to(programme.integrated)
    inputs = ["-i", str(video)]
    if clips:
        stem = write_stem_wav(clips, duration, work / f"{out.stem}-narration.wav")
        narration = _measure(stem)
        gn = _gain_to(narration.integrated)
        windows = [(c.start, c.start + c.duration) for c in clips]
        depths = ducking.depths(windows, programme, gp, narration, gn)
        inputs += ["-i", str(stem)]
        graph = (
            f"[0:a:0]{FROM_ZERO},aformat=sample_rates={SAMPLE_RATE}:channel_layouts=stereo,volume={gp:.2f}dB,"
            f"volume='{duck_expression(clips, depths=depths)}':eval=frame[p];"
            f"[1:a:0]aformat=sample_rates={SAMPLE_RATE}:channel_layouts=stereo,volume={gn:.2f}dB[n];"
            f"[p][n]amix=inputs=2:duration=first:dropout_transition=0,volume=2"
        )
    else:
        graph = f"[0:a:0]{FROM_ZERO},aformat=sample_rates={SAMPLE_RATE}:channel_layouts=stereo,volume={gp:.2f}dB"
    # Pass 1 measures the mix with ebur128 (integrated, gate threshold, LRA, true peak: the
    # values loudnorm's own first pass reports, at a third of its cost); pass 2 applies a static
    # gain, with a peak limiter where the gain alone would push the true peak over the target.
    m = _measure_mix(inputs, graph)
    gain = linear_gain(m)
    if gain is not None:
        # loudnorm would run in linear mode: the same static gain, without its 192 kHz resampling
        second = f"volume={gain:.3f}dB,apad,atrim=0:{duration:.3f}"
    else:
        second = f"{_limited_to_target(inputs, graph, m)},apad,atrim=0:{duration:.3f}"
    ff.ffmpeg(
        *inputs,
        "-filter_complex",
        f"{graph},{second}[m]",
        "-map",
        "[m]",
        "-c:a",
        "aac",
        "-aac_coder",
        "fast",
        "-b:a",
        "160k",
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "2",
        str(out),
    )
    return out


def mux_accessible(
    video: Path, info: ff.MediaInfo, audio: Path, tracks: list[tuple[Path, str]], out: Path, copy_video: bool = True
) -> Path:
    """Picture (copied) + the mixed audio + caption tracks as mov_text with language tags.
    Each input is mapped explicitly; no -shortest, so a short subtitle track cannot cut the
    audio (verify() checks anyway)."""
    lang = tracks[0][1] if tracks else "und"
    args = ["-i", str(video), "-i", str(audio)]
    for path, _ in tracks:
        args += ["-i", str(path)]
    args += ["-map", "0:v:0", "-map", "1:a:0"]
    for n in range(len(tracks)):
        args += ["-map", f"{n + 2}:0"]
    args += ["-c:v", "copy"] if copy_video else ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20"]
    args += ["-c:a", "copy", "-c:s", "mov_text", "-metadata:s:a:0", f"language={lang3(lang)}"]
    for n, (_, code) in enumerate(tracks):
        args += [f"-metadata:s:s:{n}", f"language={lang3(code)}", f"-disposition:s:{n}", "default" if n == 0 else "0"]
    args += ["-movflags", "+faststart", str(out)]
    ff.ffmpeg(*args)
    return out


def burn_in(video: Path, info: ff.MediaInfo, audio: Path, captions_vtt: Path, out: Path) -> Path:
    """Captions rendered into the picture (libass `subtitles` filter); picture re-encoded."""
    escaped = str(captions_vtt).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")
    ff.ffmpeg(
        "-i",
        str(video),
        "-i",
        str(audio),
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-vf",
        f"{EVEN_SIZE},subtitles='{escaped}'",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "20",
        "-pix_fmt",
        "yuv420p",
        *frames_as_they_are(),
        "-c:a",
        "copy",
        "-movflags",
        "+faststart",
        str(out),
    )
    return out


# ---------------------------------------------------------------- extended AD


@dataclass
class Extended:
    path: Path
    duration: float
    holds: list[tuple[float, float]]


def shift_time(t: float, holds: list[tuple[float, float]], inclusive: bool = True) -> float:
    """Where source time t lands on the extended timeline."""
    return t + sum(h for at, h in holds if (at <= t if inclusive else at < t))


def frame_holds(clips: list[Clip], fps: float) -> list[tuple[float, float]]:
    """(time, seconds) of each hold, on the picture's frame grid: the cut on a frame boundary and
    a whole number of frames held. The picture can only be cut and held in whole frames, and
    the concat filter pads the sound to the picture's length, so holds off the grid moved the
    programme up to a frame per hold against the captions and narration (70 ms after 9 holds
    on a 10-minute talk; decision 0342)."""
    fps = fps if fps > 0 else 25.0
    out = []
    for c in sorted(clips, key=lambda c: c.start):
        at = round(round(c.start * fps) / fps, 6)
        frames = math.ceil(round((c.duration + HOLD_PAD) * fps, 6))
        out.append((at, round(frames / fps, 6)))
    return out


def extended_version(
    video: Path, info: ff.MediaInfo, plan: Plan, tracks: list[tuple[Path, str]], out: Path
) -> Extended:
    """The picture held (last frame repeated) and the programme paused where an extended
    description plays; all narration (standard and extended) mixed on the new timeline."""
    work = out.parent
    holds = frame_holds([c for c in plan.clips if c.extended], info.fps)
    cuts = [0.0] + [at for at, _ in holds] + [info.duration]
    n = len(cuts) - 1
    # a picture shorter than the programme (its sound runs on) keeps its last frame to the end
    pictures = [s.duration for s in info.of("video") if s.duration]
    short = round(info.duration - pictures[0], 3) if pictures else 0.0
    parts, labels = [], []
    parts.append(f"[0:v:0]{EVEN_SIZE},split={n}" + "".join(f"[vs{i}]" for i in range(n)))
    parts.append(f"[0:a:0]{FROM_ZERO},asplit={n}" + "".join(f"[as{i}]" for i in range(n)))
    for i in range(n):
        a, b = cuts[i], cuts[i + 1]
        hold = holds[i][1] if i < len(holds) else 0.0
        v = f"[vs{i}]trim=start={a:.3f}:end={b:.3f},setpts=PTS-STARTPTS"
        au = f"[as{i}]atrim=start={a:.3f}:end={b:.3f},asetpts=PTS-STARTPTS"
        if hold:
            v += f",tpad=stop_mode=clone:stop_duration={hold:.3f}"
            au += f",apad=pad_dur={hold:.3f}"
        if i == n - 1 and short > DURATION_TOLERANCE:
            v += f",tpad=stop_mode=clone:stop_duration={short:.3f}"
        parts.append(f"{v}[v{i}]")
        parts.append(f"{au}[a{i}]")
        labels.append(f"[v{i}][a{i}]")
    parts.append("".join(labels) + f"concat=n={n}:v=1:a=1[v][a]")
    held = work / f"{out.stem}-held.mp4"
    ff.ffmpeg(
        "-i",
        str(video),
        "-filter_complex",
        ";".join(parts),
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "20",
        "-pix_fmt",
        "yuv420p",
        *frames_as_they_are(),
        "-c:a",
        "aac",
        "-b:a",
        "192k",
        str(held),
    )
    held_info = ff.probe(held)
    total = info.duration + sum(h for _, h in holds)
    held_info = replace(held_info, duration=total)
    clips = []
    extended = iter(holds)  # frame_holds keeps the extended clips' order
    for c in sorted(plan.clips, key=lambda c: c.start):
        if c.extended:  # plays from its hold, on the frame grid
            start = shift_time(next(extended)[0], holds, inclusive=False)
        else:
            start = shift_time(c.start, holds)
        clips.append(replace(c, start=round(start, 3), extended=False))
    mixed = mix_programme(held, held_info, Plan(plan.language, clips), work / f"{out.stem}-mix.m4a", clips=clips)
    shifted_tracks = []
    for k, (path, code) in enumerate(tracks):
        cues = vtt.read(path.read_text(encoding="utf-8"))
        moved = [vtt.VttCue(shift_time(c.start, holds), shift_time(c.end, holds), c.text, c.identifier) for c in cues]
        p = work / f"{out.stem}-captions-{k}.vtt"
        p.write_text(vtt.write(moved), encoding="utf-8")
        shifted_tracks.append((p, code))
    mux_accessible(held, held_info, mixed, shifted_tracks, out)
    return Extended(path=out, duration=total, holds=holds)


# ---------------------------------------------------------------- verification


def verify(
    path: Path,
    source: ff.MediaInfo,
    subtitles: int,
    expected_duration: float | None = None,
    reencoded: bool = False,
    check_loudness: bool = True,
) -> dict:
    """ffprobe the output: 1 video, 1 audio, `subtitles` mov_text streams, every audio/video
    stream within DURATION_TOLERANCE of the expected duration, loudness on target. Raises
    RenderError with what is wrong."""
    info = ff.probe(path)
    expected = source.duration if expected_duration is None else expected_duration
    problems = []
    video, audio, subs = info.of("video"), info.of("audio"), info.of("subtitle")
    if len(video) != 1:
        problems.append(f"{len(video)} video streams (expected 1)")
    if len(audio) != 1:
        problems.append(f"{len(audio)} audio streams (expected 1)")
    if len(subs) != subtitles or any(s.codec != "mov_text" for s in subs):
        problems.append(f"subtitle streams {[s.codec for s in subs]} (expected {subtitles} mov_text)")
    src_video = source.of("video")
    for s in video + audio:
        ref = expected
        if s.kind == "video" and expected_duration is None and src_video and src_video[0].duration:
            ref = src_video[0].duration  # a copied picture keeps its own length
        if s.duration is None or abs(s.duration - ref) > DURATION_TOLERANCE:
            problems.append(f"{s.kind} stream lasts {s.duration} s, expected {ref:.3f} s")
    report = {
        "duration": info.duration,
        "streams": [
            {"kind": s.kind, "codec": s.codec, "duration": s.duration, "language": s.language} for s in info.streams
        ],
    }
    if check_loudness and audio:
        loud = ff.loudness(path)
        report.update(loud)
        i, tp = loud["integrated_lufs"], loud["true_peak_dbtp"]
        if i is None or abs(i - TARGET_LUFS) > LOUDNESS_TOLERANCE:
            problems.append(f"integrated loudness {i} LUFS (target {TARGET_LUFS}±{LOUDNESS_TOLERANCE})")
        if tp is not None and tp > MAX_TP:
            problems.append(f"true peak {tp} dBTP (max {MAX_TP})")
    if problems:
        raise RenderError(f"{path.name}: " + "; ".join(problems))
    return report
