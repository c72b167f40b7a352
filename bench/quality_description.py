"""Audio-description quality bench (issue 12 items 1-3, 7, 8). Makes its own cases
(tests/support/description_cases.py: a busy moving test pattern behind "SUMMER SALE 50% OFF"
with a music intro; a silent film with no audio track, two faces, a fade to black, a title card
and a cut; a 9:16 phone video with burnt-in subtitles wider than the frame, two voices and a
title; a moving fractal behind changing prices and a news crawl) and prints per case and
language:

- descriptions: standard / extended as the pipeline delivers them (the track relabelled by what
  the narration did) and how many the placement made extended, overlapping descriptions (aim 0);
- on-screen text quoted correctly vs garbage quoted (aim: garbage 0);
- standard descriptions audible in the narration stem and in the mix (momentary loudness per
  cue window >= -40 LUFS, ffmpeg ebur128), with the quietest window's level;
- narration WER: each stem transcribed back with faster-whisper against the description text,
  and against what is meant to be heard (words in capitals as they are spoken, decision 0373);
- describe_s: the describer's wall time on the case (shared by its languages);
- loudness: integrated LUFS of the stem and of the mix, the mix's true peak; then per language, each standard
  description window's loudness in the stem as voiced, as levelled (decision 0357) and in the
  mix: min, max and spread.
Then two comparisons on the busy case: RapidOCR vs tesseract (quoted correctly / garbage, the
choice in decision 0320), for English Piper (en_US-joe-medium) vs espeak-ng (narration WER), and
three English wordings of a name on screen, transcribed back (decision 0358).

Usage: .venv/bin/python bench/quality_description.py [--cases busy_sale,silent_film,...] [--quick]
(--quick skips the comparisons). Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shared.media import describe as ad  # noqa: E402  (after the path set-up above)
from shared.media import ffmpeg as ff  # noqa: E402
from shared.media import narration, spoken_capitals  # noqa: E402
from shared.media.tts import EspeakSpeech, LocalSpeech, PiperSpeech  # noqa: E402
from shared.media.types import Transcript  # noqa: E402
from shared.media.whisper import FasterWhisperTranscriber  # noqa: E402
from tests.support import description_cases as dc  # noqa: E402
from tests.support.media import wer  # noqa: E402


def _say(msg: str = "") -> None:
    print(msg, flush=True)


_TRANSCRIBER = None


def transcribe_back(stem: Path, lang: str, work: Path) -> str:
    global _TRANSCRIBER
    if _TRANSCRIBER is None:
        _TRANSCRIBER = FasterWhisperTranscriber()
    wav = work / f"{stem.stem}-{lang}-16k.wav"
    ff.ffmpeg("-i", str(stem), "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(wav))
    return _TRANSCRIBER.transcribe(wav, lang).text


_SPELLED = re.compile(r"\b(?:[A-Z] )+[A-Z]\b")


def meant(text: str) -> str:
    """What a listener should hear: words in capitals as the voice is given them (decision
    0373), a spelled acronym written whole again ("CITYTV" -> "CITY TV", as Whisper writes it)."""
    return _SPELLED.sub(lambda m: m.group(0).replace(" ", ""), spoken_capitals.spoken(text))


def narration_wer(outcome, work: Path) -> tuple[float | None, float | None]:
    """(WER against the description text, WER against what is meant to be heard, `meant`)."""
    reference = " ".join(c.text for c in outcome.plan.standard)
    if not reference:
        return None, None
    heard = transcribe_back(outcome.stem, outcome.language, work)
    _say(f"    {outcome.language} heard back: {heard}")
    return wer(reference, heard), wer(meant(reference), heard)


def report(outcomes, work: Path, seconds: float) -> list[dict]:
    rows = []
    for o in outcomes:
        w, w_meant = narration_wer(o, work)
        rows.append(
            {
                "case": o.case,
                "lang": o.language,
                "std": o.standard,
                "ext": o.extended,
                "placed_ext": o.placed_extended,
                "overlap": o.overlapping,
                "quoted_ok": o.quoted_ok,
                "garbage": len(o.garbage),
                "audible_stem": f"{o.audible_stem}/{o.standard}",
                "audible_mix": f"{o.audible_mix}/{o.standard}",
                "min_stem": min(o.stem_levels) if o.stem_levels else None,
                "min_mix": min(o.mix_levels) if o.mix_levels else None,
                "wer": w,
                "wer_meant": w_meant,
                "stem_lufs": o.stem_lufs,
                "mix_lufs": o.mix_lufs,
                "mix_tp": o.mix_tp,
                "describe_s": o.describe_seconds,
                "seconds": seconds,
            }
        )
        for c in o.descriptions:
            _say(f"    {o.language} {c.start:6.2f}-{c.end:6.2f}  {c.identifier or '':16} {c.text}")
        if o.garbage:
            _say(f"    garbage quoted: {o.garbage}")
    return rows


def fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1 else f"{v:.1f}"
    return str(v)


def table(rows: list[dict]) -> None:
    cols = [
        "case",
        "lang",
        "std",
        "ext",
        "placed_ext",
        "overlap",
        "quoted_ok",
        "garbage",
        "audible_stem",
        "audible_mix",
        "min_stem",
        "min_mix",
        "wer",
        "wer_meant",
        "stem_lufs",
        "mix_lufs",
        "mix_tp",
        "describe_s",
        "seconds",
    ]
    _say("  ".join(f"{c:>12}" for c in cols))
    for r in rows:
        _say("  ".join(f"{fmt(r[c]):>12}" for c in cols))


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{min(values):6.1f} {max(values):6.1f} {max(values) - min(values):5.1f}"


def levels(outcomes) -> None:
    """Each standard description's loudness (its window, energy mean of 400 ms blocks) per
    language: in the stem as voiced (before its clip's static gain, decision 0357), in the stem
    as delivered, and in the mix."""
    _say("\nNarration level per description window, LUFS (min max spread):")
    _say(f"  {'lang':4} {'n':>3}  {'stem as voiced':>18}  {'stem levelled':>18}  {'mix':>18}")
    groups = [(lang, [o for o in outcomes if o.language == lang]) for lang in sorted({o.language for o in outcomes})]
    for lang, mine in [*groups, ("all", list(outcomes))]:
        before = [v for o in mine for v in o.voiced_loudness if v is not None]
        after = [v for o in mine for v in o.stem_loudness if v is not None]
        mix = [v for o in mine for v in o.mix_loudness if v is not None]
        _say(f"  {lang:4} {len(after):>3}  {_spread(before):>18}  {_spread(after):>18}  {_spread(mix):>18}")


def compare_ocr(case, work: Path) -> None:
    _say("\nOCR engines on busy_sale (quoted correctly / garbage quoted, seconds):")
    for engine in ("rapidocr", "tesseract"):
        t = time.perf_counter()
        describer = ad.LocalDescriber(ocr_engine=engine)
        events = describer.describe(case.path, Transcript("en", case.duration), work / f"ocr-{engine}", "en")
        good, n_bad, bad = dc.quotes([e.text for e in events if e.kind == "text"], case.on_screen)
        _say(f"  {engine:10} quoted_ok={good} garbage={n_bad} {bad} ({time.perf_counter() - t:.1f} s)")


def compare_voices(cases, work: Path) -> None:
    _say("\nEnglish voices (narration WER of each stem transcribed back):")
    for name, speech in (("piper", PiperSpeech()), ("espeak-ng", EspeakSpeech())):
        for case in cases:
            outcome = dc.run_case(case, work / f"voice-{name}-{case.name}", languages=("en",), speech=speech)[0]
            spoken = sum(c.duration for c in outcome.plan.clips)
            w, _ = narration_wer(outcome, work)
            _say(f"  {name:10} {case.name:12} wer={fmt(w)} clips={len(outcome.plan.clips)} speech={spoken:.1f} s")


NAMES = [
    "Dr Maria Lopez, Head of Research",
    "John Smith",
    "Anna Berg, Producer",
    "Peter Olsen",
    "Sara Kim, Chief Editor",
]
NAME_WORDINGS = ['A caption names "{t}".', 'Name on screen: "{t}".', 'The caption names "{t}".']


def compare_name_wordings(work: Path, repeats: int = 4) -> None:
    """The English introduction of a name (decision 0358): each wording said by Piper for five
    names, `repeats` times (Piper samples noise), and transcribed back; WER of the whole line and
    of its introduction alone."""
    _say("\nEnglish name wordings (Piper, transcribed back; WER of the line / of its introduction):")
    speech = LocalSpeech()
    folder = work / "wordings"
    folder.mkdir(parents=True, exist_ok=True)
    for form in NAME_WORDINGS:
        intro = form.split('"')[0].strip(" :,")
        lines, intros = [], []
        for n in range(repeats):
            for k, name in enumerate(NAMES):
                text = form.format(t=name)
                wav = folder / f"name-{n}-{k}.wav"
                narration.speak(speech, text, "en", wav)
                heard = transcribe_back(wav, "en", folder)
                said = re.findall(r"[\w']+", heard)
                lines.append(wer(text, heard))
                intros.append(wer(intro, " ".join(said[: len(intro.split())])))
        _say(
            f"  {form:28} line {sum(lines) / len(lines):.3f}  introduction {sum(intros) / len(intros):.3f}  (n={len(lines)})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=",".join(sorted(dc.BENCH_CASES)))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="avp-quality-description-"))
    _say(f"work folder: {work}")
    rows = []
    made = {}
    outcomes_all = []
    for name in args.cases.split(","):
        case = dc.BENCH_CASES[name](work / "media")
        made[name] = case
        _say(f"\n{name}: {case.duration:.0f} s, on screen {case.on_screen}")
        t = time.perf_counter()
        outcomes = dc.run_case(case, work / name, speech=LocalSpeech())
        outcomes_all += outcomes
        rows += report(outcomes, work, round(time.perf_counter() - t, 1))
    _say("\nPer case and language (aims: overlap 0, garbage 0, every standard description audible):")
    table(rows)
    levels(outcomes_all)
    if not args.quick and "busy_sale" in made:
        compare_ocr(made["busy_sale"], work)
        compare_voices(list(made.values()), work)
        compare_name_wordings(work)
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
