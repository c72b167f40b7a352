"""Deliverable quality benchmark: makes its own cases (tests/support/quality.py: clean speech
with a made-up brand name, music intro + music bed + two voices at 29.97 fps, fast speech (by
espeak-ng, and the same script by Piper's neural voice at the same pace), a ten-minute talk, a Spanish source (said by SVOX Pico, and by espeak-ng as the hard voice), French, German and Italian
sources (Pico), Spanish speech claimed as English; with --cases long_fast or
all, three and a half minutes of two presenters at 230 words per minute), runs the real media
steps on each and prints per case:

- the spoken-language verdict, WER (jiwer) of the transcript against the script;
- cues within the delivery profile (%), cues crossing a sentence end / a pause / a speaker
  change (by the script's ground truth) and how many of those the QC report left unflagged;
- SubER (subtitle-edit-rate) against a reference SRT written from the script, with the sound
  tags a captioner writes (the music intro's "[music]"), and over speech cues alone;
- sound tags found / expected / false (shared.media.sound_tags), in the source and in Spanish;
- chrF (sacrebleu) of the Spanish captions against reference translations;
- the speaker-change detector's precision and recall, within 1 s and one to one (each true
  change matched by one found change at most, so a second dash next to it is false); sentence ends (precision/recall) and the
  ends added from the audio (shared.media.sentence_ends) that lie on a real boundary;
- step times;
- the music tagger's precision and recall on generated pieces (sound_cases: chords, melody,
  drums, the bench tune, noise, applause, room tone, a clock, a hammer, silence, speech, speech
  over music), with silence between them, back to back and under a noise bed.
Then, with --models, WER and time of tiny.en and base on every case (transcription only), and
the brand-name case with and without glossary hints.

Then the description and narration figures of bench/quality_description.py on its cases (busy
picture with on-screen text, silent film): overlapping descriptions, text quoted correctly vs
garbage, standard descriptions audible, narration WER, loudness (its comparisons with --models).

With --voices, the Spanish script said by SVOX Pico and several espeak-ng voices and speeds, transcribed with
beam 1 and beam 5 (engine vs synthetic voice; docs/decisions/0332).

Usage: .venv/bin/python bench/quality.py [--cases clean,fast|all] [--models] [--voices] [--keep DIR]
       [--description-cases all|none|busy_sale,silent_film]
Prints figures only; it asserts nothing (tests/integration/test_caption_quality.py asserts the
aims on two cases).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jiwer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import bootstrap, config  # noqa: E402
from shared.bootstrap import platform  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.media import ffmpeg, sound_tags  # noqa: E402
from shared.media import glossary as gl  # noqa: E402
from shared.media import transcript as tr  # noqa: E402
from shared.media.engines import engines  # noqa: E402
from shared.media.whisper import FasterWhisperTranscriber, _model, whisper_models  # noqa: E402
from tests.support import quality as q  # noqa: E402
from tests.support import sound_cases as sc  # noqa: E402
from tests.support.media import wer  # noqa: E402


def _say(msg: str = "") -> None:
    print(msg, flush=True)


def configure(data_dir: Path) -> str:
    """A local platform (documents for the glossary); returns the glossary id."""
    config.configure(config.Settings(data_dir=data_dir, jwt_secret="bench-" + "x" * 40, cookie_secure=False))
    bootstrap.reset()
    return new_id()


def _glossary(gid: str, case) -> str | None:
    if not case.glossary:
        return None
    platform().documents.create(
        "glossaries",
        gid + case.name[:4],
        {"org_id": "bench", "name": case.name, "source_language": case.language, "terms": case.glossary},
    )
    return gid + case.name[:4]


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _num(x, fmt="{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


def run_case(name: str, case, media: Path, work: Path, gid: str) -> dict:
    t = time.perf_counter()
    gen = q.generate(case, media)
    _say(f"[{name}] {gen.duration:.1f} s video ready in {time.perf_counter() - t:.1f} s")
    steps = ["transcribe"]
    mismatch_expected = case.claimed != case.language
    if any(lang != case.claimed for lang in case.outputs) and not mismatch_expected:
        steps.append("translate")
    job, times = q.run_steps(gen, work / name, steps, _glossary(gid, case))
    figures = q.measure(gen, job, work / name)
    if figures.get("chrf_es") is not None and case.claimed != "es":
        figures["chrf_es_by_cue"] = chrf_cue_by_cue(job, work / name, case)
    figures["seconds"] = {k: round(v, 1) for k, v in times.items()}
    figures["duration"] = gen.duration
    figures["aims"] = case.aims
    return figures


def chrf_cue_by_cue(job: dict, root: Path, case) -> float:
    """chrF of the Spanish captions had every cue been translated on its own (the old way),
    for comparison with whole-sentence translation."""
    cues = q.read_cues(root, job, case.claimed)
    terms = gl.terms_for({"terms": case.glossary}, "es")
    texts = [c.text.replace("\n", " ") for c in cues]
    marks = ["- " if t.startswith("- ") else "" for t in texts]
    bare = [t.removeprefix("- ") for t in texts]
    out = gl.translate_enforced(engines().translator, bare, case.claimed, "es", terms).texts
    return q.chrf([type(c)(c.start, c.end, m + t) for c, m, t in zip(cues, marks, out)], [s.es for s in case.sentences])


def print_table(rows: list[dict]) -> None:
    _say()
    head = (
        f"{'case':<24}{'lang':<18}{'WER':>7}{'cues':>6}{'in prof':>9}{'x sent':>7}{'x pause':>8}"
        f"{'x spk':>6}{'unflag':>7}{'SubER':>7}{'chrF es':>8}{'es prof':>8}{'spk P/R':>12}{'1:1 P/R':>11}{'punct':>6}{'end P/R':>11}"
        f"{'added':>7}{'s':>7}"
    )
    _say(head)
    _say("-" * len(head))
    for r in rows:
        lang = r.get("language") or {}
        verdict = f"{lang.get('status', '-')}:{lang.get('heard') or '-'} {_num(lang.get('probability'), '{:.2f}')}"
        spk = r.get("speakers")
        spk_s = "-" if not spk else f"{spk['precision']:.2f}/{spk['recall']:.2f}"
        strict_s = "-" if not spk else f"{spk['strict_precision']:.2f}/{spk['strict_recall']:.2f}"
        c = r["crossing"]
        ends = r.get("sentence_ends")
        ends_s = "-" if not ends else f"{ends['precision']:.2f}/{ends['recall']:.2f}"
        added = r.get("ends_added") or {}
        added_s = f"{added.get('right', 0)}/{added.get('added', 0)}"
        _say(
            f"{r['case']:<24}{verdict:<18}{_pct(r['wer']):>7}{r['cues']:>6}{_pct(r['within_profile']):>9}"
            f"{c['sentence_end']:>7}{c['pause']:>8}{c['speaker_change']:>6}{r['unflagged_crossings']:>7}"
            f"{_num(r['suber']):>7}{_num(r.get('chrf_es')):>8}{_pct(r.get('es_within_profile')):>8}{spk_s:>12}{strict_s:>11}"
            f"{'yes' if r.get('punctuation_restored') else 'no':>6}{ends_s:>11}{added_s:>7}{sum(r['seconds'].values()):>7.1f}"
        )
    _say()
    _say("What a viewer reads (default profile: 17 characters/s, 2 lines, 7 s at most):")
    _say(
        f"{'case':<24}{'max cps':>8}{'mean cps':>9}{'over speed':>11}{'unflagged':>10}{'longest s':>10}{'>2 lines':>9}"
    )
    for r in rows:
        rd = r.get("reading") or {}
        _say(
            f"{r['case']:<24}{rd.get('max_cps', 0):>8.1f}{rd.get('mean_cps', 0):>9.1f}{rd.get('over_speed', 0):>11}"
            f"{rd.get('over_speed_unflagged', 0):>10}{rd.get('longest', 0):>10.2f}{rd.get('too_many_lines', 0):>9}"
        )
    _say()
    _say("Sound tags (music-only passages, shared.media.sound_tags): found / expected / false; SubER")
    _say("over every cue (tags included, against a reference with the tags a captioner writes) and over")
    _say("speech cues alone; WER counts spoken words only (tags are never words):")
    _say(f"{'case':<24}{'tags':>8}{'es tags':>9}{'SubER':>7}{'speech':>8}  tag cues")
    for r in rows:
        t, es = r.get("tags") or {}, r.get("tags_es") or {}
        es_s = f"{es['found']}/{es['expected']}/{es['false']}" if es else "-"
        _say(
            f"{r['case']:<24}{t.get('found', 0)}/{t.get('expected', 0)}/{t.get('false', 0):<4}{es_s:>9}"
            f"{_num(r.get('suber')):>7}{_num(r.get('suber_speech')):>8}  "
            + "; ".join(f"{a:.2f}-{b:.2f} {text}" for a, b, text in t.get("cues", []))
        )
    _say()
    for r in rows:
        if r.get("chrf_es_by_cue") is not None:
            _say(f"{r['case']:<24}chrF es by sentence {r['chrf_es']:.1f} vs cue by cue {r['chrf_es_by_cue']:.1f}")
    _say()
    _say("Aims: WER <= 8% clean (and fast, talk), <= 12% under music; SubER <= 10 on clean speech;")
    _say("every cue within the profile or flagged (unflagged crossings 0). end P/R: sentence ends in the")
    _say("transcript vs the script's; added: sentence ends added from pauses + falling pitch, right/all.")
    for r in rows:
        for metric, limit in (r.get("aims") or {}).items():
            value = r.get(metric)
            ok = value is not None and value <= limit
            _say(
                f"  {r['case']:<24}{metric:<7} {value if value is None else round(value, 3)} <= {limit}: {'met' if ok else 'MISSED'}"
            )


def compare_models(names: list[str], cases: dict, media: Path) -> None:
    """WER and time of each shipped model on every case (transcription only), and the brand
    case with and without hints."""
    _say()
    _say(f"{'case':<24}{'model':<9}{'WER':>8}{'seconds':>9}{'RTF':>7}")
    for model in ("tiny.en", "base"):
        _model(whisper_models.resolve(model), 2)  # load once, outside the timings
    for name in names:
        case = cases[name]
        if case.claimed != case.language:
            continue
        gen = q.generate(case, media)
        wav = ffmpeg.extract_wav16k(gen.video, media / f"{name}.16k.wav")
        script = " ".join(s.caption for s in case.sentences)
        for model in ("tiny.en", "base"):
            if model == "tiny.en" and case.language != "en":
                continue
            t = time.perf_counter()
            out = tr.clean(FasterWhisperTranscriber(model=model).transcribe(wav, case.language), wav)
            dt = time.perf_counter() - t
            _say(f"{name:<24}{model:<9}{100 * wer(script, out.text):>7.1f}%{dt:>9.1f}{dt / gen.duration:>7.2f}")
    if "clean" in names:
        case = cases["clean"]
        gen = q.generate(case, media)
        wav = media / "clean.16k.wav"
        terms = [t["source"] for t in case.glossary]
        want = sum(s.text.count(terms[0]) for s in case.sentences)
        _say()
        _say(f"Brand name {terms[0]!r} said {want} times; heard right:")
        for model in ("tiny.en", "base"):
            for hints in (None, terms):
                out = FasterWhisperTranscriber(model=model).transcribe(wav, "en", hints=hints)
                got = out.text.count(terms[0])
                _say(f"  {model:<8} {'with' if hints else 'without':<8} hints: {got}/{want}   {out.text[:90]}...")


SPANISH_VOICES = [
    ("pico-es", 150),  # SVOX Pico es-ES at its own pace (the spanish case, decision 0360)
    ("pico-es", 160),  # and at the espeak-ng case's words per minute
    ("pico-es", 180),
    ("es", 160),
    ("es", 130),
    ("es-419", 160),
    ("es-419", 130),
    ("es+m3", 160),
    ("es+f3", 160),
]


def compare_voices(media: Path) -> None:
    """The Spanish case's script said by SVOX Pico and several espeak-ng voices and speeds, transcribed by
    the pipeline's transcriber with beam 1 and beam 5: how much of the Spanish WER is the
    engine and how much the synthetic voice. Lists each voice's misheard words."""
    base = q.cases()["spanish"]
    script = " ".join(s.text for s in base.sentences)
    _say()
    _say(f"Spanish script ({len(script.split())} words) by voice, WER beam 1 / beam 5, and what beam 1 misheard:")
    for voice, speed in SPANISH_VOICES:
        case = q.Case(
            f"spanish_{voice.replace('+', '_').replace('-', '_')}_{speed}",
            [q.Sentence(s.text, s.es, voice=voice) for s in base.sentences],
            language="es",
            speed=speed,
        )
        gen = q.generate(case, media)
        wav = ffmpeg.extract_wav16k(gen.video, media / f"{case.name}.16k.wav")
        texts = [tr.clean(FasterWhisperTranscriber(beam_size=beam).transcribe(wav, "es"), wav).text for beam in (1, 5)]
        ref = " ".join(q.norm(script).split())
        out = jiwer.process_words(ref, q.norm(texts[0]))
        misheard = []
        for chunk in out.alignments[0]:
            if chunk.type != "equal":
                got = " ".join(out.hypotheses[0][chunk.hyp_start_idx : chunk.hyp_end_idx]) or "-"
                want = " ".join(out.references[0][chunk.ref_start_idx : chunk.ref_end_idx]) or "-"
                misheard.append(f"{want}->{got}")
        _say(
            f"  {voice:<8}{speed:>4} wpm  {100 * wer(script, texts[0]):5.1f}% / {100 * wer(script, texts[1]):5.1f}%  "
            + "; ".join(misheard)
        )


def sound_figures(folder: Path) -> None:
    """The music tagger on generated pieces (tests/support/sound_cases.py), joined four ways:
    with a second of silence between them, back to back, and under a steady noise bed 50 and
    40 dB down. Per condition: music pieces found (at least half tagged) / expected, seconds
    tagged outside music, the share of tagged time that is music, and which pieces got a
    false tag. Drums alone count as expected music here; the tagger leaves them out by design
    (docs/decisions/0354)."""
    import numpy as np  # heavy

    pieces = sc.generate(folder)
    _say()
    _say("Music tagger on generated audio (found/expected; false seconds; precision by time):")
    for label, gap, bed_db in (
        ("1 s silence between", 1.0, None),
        ("back to back", 0.0, None),
        ("noise bed -50 dBFS", 0.3, -50.0),
        ("noise bed -40 dBFS", 0.3, -40.0),
    ):
        wav = folder / "timeline.wav"
        spans = sc.timeline(pieces, wav, gap=gap)
        if bed_db is not None:
            x = sound_tags.read_wav(wav)
            bed = np.random.default_rng(1).standard_normal(len(x)) * 10 ** (bed_db / 20)
            sc.write_wav(wav, x + bed.astype("float32"))
        t = time.perf_counter()
        found = sound_tags.find(wav)
        dt = time.perf_counter() - t
        r = sc.score([(p.start, p.end) for p in found], spans)
        per = ", ".join(f"{k} {v:.1f}" for k, v in r["tagged_seconds"].items() if v)
        _say(
            f"  {label:<22}{r['music_found']}/{r['music_expected']}  false {r['false_seconds']:.2f} s  "
            f"precision {r['precision_seconds']:.3f}  false in: {', '.join(r['false_in']) or '-'}  ({dt:.1f} s)"
        )
        _say(f"    tagged seconds: {per}")


def description_figures(cases: str, quick: bool) -> None:
    """The description and narration figures (bench/quality_description.py, issue 12 items
    1-3, 7, 8) on its own cases: overlapping descriptions, on-screen text quoted correctly vs
    garbage, standard descriptions audible, narration WER, loudness."""
    path = ROOT / "bench" / "quality_description.py"
    spec = importlib.util.spec_from_file_location("quality_description", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = sys.argv
    sys.argv = [str(path)] + (["--cases", cases] if cases != "all" else []) + (["--quick"] if quick else [])
    try:
        _say()
        _say("Descriptions and narration (bench/quality_description.py):")
        module.main()
    finally:
        sys.argv = argv


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    all_cases = q.cases()
    default = [n for n, c in all_cases.items() if not c.optional]
    ap.add_argument(
        "--cases",
        default=",".join(default),
        help=f"comma-separated, or all (default: {', '.join(default)}); known: {', '.join(all_cases)}",
    )
    ap.add_argument("--models", action="store_true", help="also compare tiny.en and base on every case")
    ap.add_argument(
        "--voices",
        action="store_true",
        help="also transcribe the Spanish script said by SVOX Pico and several espeak-ng voices",
    )
    ap.add_argument("--keep", help="keep the media and outputs in this folder (reused on the next run)")
    ap.add_argument(
        "--description-cases",
        default="all",
        help="cases of bench/quality_description.py to run after the caption cases (all, none, or a list)",
    )
    args = ap.parse_args()
    names = list(all_cases) if args.cases == "all" else [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = [n for n in names if n not in all_cases]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(all_cases)}")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="avp-quality-"))
    media, work = base / "media", base / "work"
    if work.exists():
        shutil.rmtree(work)
    gid = configure(base / "data")
    rows = []
    try:
        for name in names:
            rows.append(run_case(name, all_cases[name], media, work, gid))
        print_table(rows)
        sound_figures(media / "sound")
        (base / "quality.json").write_text(json.dumps(rows, indent=2, default=str))
        _say(f"figures: {base / 'quality.json'}")
        if args.models:
            compare_models(names, all_cases, media)
        if args.voices:
            compare_voices(media)
        if args.description_cases != "none":
            description_figures(args.description_cases, quick=not args.models)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
