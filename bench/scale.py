"""Render at scale: time and peak memory of the render step's media work for long sources.

For each length (default 1, 10 and 60 minutes) it generates a source (320x240 H.264 test
picture, 48 kHz stereo programme of pink noise under a tone, both cheap to make), narration
clips with espeak-ng (one description every 20 s, each language its own voice) and a caption
track per language, then runs `shared.pipeline.media_steps.render_languages`: the code the
render step runs for its languages (mix, two-pass loudness, mux with the picture copied,
verification), AVP_RENDER_PARALLEL languages at once. It prints wall time, time per second of
source, and peak memory (this process and the largest ffmpeg child), and for the 60-minute
source with 8 languages whether it fits Cloud Tasks' 30-minute limit on the pipeline_worker
sizing of decision 0004 (2 vCPU, 8 GiB), from the CPU time measured per second of source and
language (CPU time, unlike wall time, is not inflated by other work on a shared machine).

Usage: .venv/bin/python bench/scale.py [--minutes 1,10,60] [--languages 2] [--parallel N]
Prints figures only; it asserts nothing. On a shared machine the times include other load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared import config  # noqa: E402
from shared.media import ffmpeg as ff  # noqa: E402
from shared.media.narration import Clip, Plan  # noqa: E402
from shared.media.tts import EspeakSpeech  # noqa: E402
from shared.pipeline import media_steps  # noqa: E402

LANGUAGES = ["en", "es", "fr", "de", "it", "pt", "ca", "nl"]
CLOUD_TASK_LIMIT = 1800.0
DESCRIPTION_EVERY = 20.0


def make_source(minutes: float, out: Path) -> Path:
    seconds = minutes * 60
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.08:duration={seconds}:sample_rate=48000",
            "-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}:sample_rate=48000",
            "-filter_complex", "[1:a][2:a]amix=inputs=2,aformat=channel_layouts=stereo[a]",
            "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
            "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


def _vtt(seconds: float, lang: str) -> str:
    cues = []
    t = 0.5
    while t + 2.5 < seconds:
        cues.append(f"{ff_ts(t)} --> {ff_ts(t + 2.5)}\nCaption line in {lang} at {int(t)} seconds")
        t += 3.0
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def ff_ts(t: float) -> str:
    return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:06.3f}"


def prepare(video: Path, seconds: float, languages: list[str], work: Path) -> list:
    speech = EspeakSpeech()
    prepared = []
    for lang in languages:
        folder = work / lang
        folder.mkdir(parents=True)
        cap = folder / "captions.vtt"
        cap.write_text(_vtt(seconds, lang), encoding="utf-8")
        clip_wav = folder / "ad-000.wav"  # one clip, reused at every description point
        length = speech.synthesize("A new scene: the factory floor with workers at a long bench.", lang, clip_wav)
        clips = []
        at = 5.0
        while at + length < seconds:
            clips.append(
                Clip(
                    name="ad-000.wav",
                    start=round(at, 3),
                    duration=length,
                    slot=length + 1,
                    rate=1.0,
                    text="",
                    local=str(clip_wav),
                )
            )
            at += DESCRIPTION_EVERY
        tracks = [(cap, lang)] + (
            [(work / languages[0] / "captions.vtt", languages[0])] if lang != languages[0] else []
        )
        prepared.append((lang, folder, cap, Plan(lang, clips), tracks))
    return prepared


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the ffmpeg runs)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peak_child_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def peak_self_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(minutes: float, languages: list[str], base: Path) -> dict:
    """Each length in its own process, so peak memory is this length's alone."""
    work = base / f"{minutes:g}min"
    work.mkdir()
    video = make_source(minutes, work / "source.mp4")
    info = ff.probe(video)
    prepared = prepare(video, info.duration, languages, work)
    before = cpu_seconds()
    started = time.perf_counter()
    made = media_steps.render_languages(video, info, prepared, burn=False, extended=False)
    took = time.perf_counter() - started
    cpu = cpu_seconds() - before
    loud = [made[lang]["accessible"][1].get("integrated_lufs") for lang in languages]
    return {
        "seconds": info.duration,
        "render": took,
        "cpu": cpu,
        "self_mib": peak_self_mib(),
        "child_mib": peak_child_mib(),
        "lufs": loud,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", default="1,10,60")
    ap.add_argument("--languages", type=int, default=2)
    ap.add_argument("--parallel", type=int, default=0, help="AVP_RENDER_PARALLEL (0: one per core)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    languages = LANGUAGES[: max(1, min(len(LANGUAGES), args.languages))]
    if args.child:
        config.configure(render_parallel=args.parallel)
        result = run_one(float(args.child), languages, Path(os.environ["AVP_SCALE_DIR"]))
        print(json.dumps(result))
        return
    base = Path(tempfile.mkdtemp(prefix="avp-bench-scale-"))
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  cores={os.cpu_count()}  "
        f"load={os.getloadavg()[0]:.1f}  languages={len(languages)}  parallel={args.parallel or 'one per core'}"
    )
    rates = []
    try:
        for minutes in (float(m) for m in args.minutes.split(",") if m):
            env = {**os.environ, "AVP_SCALE_DIR": str(base)}
            proc = subprocess.run(
                [sys.executable, __file__, "--child", f"{minutes:g}", "--languages", str(len(languages)),
                 "--parallel", str(args.parallel)],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            if proc.returncode != 0:
                print(f"source {minutes:>4g} min  failed:\n{proc.stderr[-3000:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            rates.append(r["cpu"] / r["seconds"] / len(languages))
            print(
                f"source {minutes:>4g} min  render {r['render']:7.1f} s wall ({r['render'] / r['seconds']:.4f} s per s "
                f"of source), CPU {r['cpu']:7.1f} s ({rates[-1]:.4f} CPU-s per s of source per language)  "
                f"peak memory: bench {r['self_mib']:.0f} MiB, largest child process at most {r['child_mib']:.0f} MiB  "
                f"loudness {r['lufs']}"
            )
        # On the pipeline_worker (2 dedicated vCPU, AVP_RENDER_PARALLEL=2) the languages' ffmpeg
        # runs share two cores: wall ~ CPU / 2. CPU time is what this shared machine measures
        # reliably; its wall times include other work.
        if not rates:
            return
        hour8 = max(rates) * 8 * 3600 / 2
        print(
            f"60-minute source, 8 languages on 2 dedicated vCPU (from the largest CPU rate above): about "
            f"{hour8 / 60:.1f} min of render ({'inside' if hour8 < CLOUD_TASK_LIMIT else 'OVER'} the 30-minute "
            "task limit)"
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
