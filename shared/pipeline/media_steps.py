"""The media steps of the pipeline (see shared.pipeline.contract for the rules they follow).

Storage written per job (all paths deterministic, so a re-run overwrites):
  jobs/<id>/work/transcript.json          words with timings (transcribe)
  jobs/<id>/work/peaks.json               waveform peaks for the console's timeline (transcribe)
  jobs/<id>/work/analysis.json            the picture analysis, made while transcribing (transcribe,
                                          describe; shared.pipeline.picture_analysis)
  jobs/<id>/work/visual.json              scene / on-screen text events (describe)
  jobs/<id>/work/<lang>/narration.json    the narration plan: one clip per description (tts)
  jobs/<id>/work/<lang>/ad-NNN.wav        the narration clips (tts)
  jobs/<id>/work/voiced.zip               every clip the voices said, by (voice, text, rate), for a
                                          re-run of tts (shared.media.tts.ClipMemo)
  jobs/<id>/<lang>/captions.vtt|.srt|.ttml|.scc, descriptions.vtt, narration.m4a,
  jobs/<id>/<lang>/accessible.mp4 (+ -burned-in / -extended on request), qc-report.json

Job options read (under job["options"] or top level): delivery_profile (default|bbc|dcmp),
min_gap_seconds (AD gap, default 2), max_speech_rate (default 1.5), burn_in (bool),
extended_ad (bool), glossary_id.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, cast

from shared.bootstrap import platform
from shared.config import settings
from shared.domain.jobs import JobDocument
from shared.errors import PermanentStepError
from shared.media import (
    caption_numbers,
    caption_rules,
    ffmpeg,
    language_id,
    languages,
    narration,
    peaks,
    placement,
    punctuation,
    quote_language,
    sentence_ends,
    sound_tags,
    speaker_change,
    target_text,
    vtt,
)
from shared.media import caption_translation as ct
from shared.media import describe as ad
from shared.media import glossary as gl
from shared.media import render as rd
from shared.media import transcript as tr
from shared.media import tts as voices
from shared.media.engines import engines as current_engines
from shared.media.languages import UNDETERMINED, normalize
from shared.pipeline import picture_analysis
from shared.pipeline.contract import Step, StepIO
from shared.storage.layout import (
    ACCESSIBLE_MP4,
    BURNED_MP4,
    CAPTIONS_SCC,
    CAPTIONS_SRT,
    CAPTIONS_TTML,
    CAPTIONS_VTT,
    DESCRIPTIONS_VTT,
    EXTENDED_MP4,
    NARRATION,
    QC_REPORT,
    job_path,
)

TRANSCRIPT_JSON = "transcript.json"
VISUAL_JSON = "visual.json"
NARRATION_PLAN = "narration.json"
VOICED_ZIP = "voiced.zip"

VTT_TYPE = "text/vtt"
JSON_TYPE = "application/json"


# ---------------------------------------------------------------- helpers


def _opt(job: JobDocument, name: str, default=None):
    fields = cast(Mapping[str, Any], job)  # a top-level field of that name wins over options
    if fields.get(name) is not None:
        return fields[name]
    return (job.get("options") or {}).get(name, default)


def _langs(job: JobDocument) -> tuple[str, list[str]]:
    src = normalize(job["source_language"])
    outs = []
    for lang in job.get("requested_outputs") or [src]:
        code = normalize(lang)
        if code not in outs:
            outs.append(code)
    if src not in outs:
        outs.insert(0, src)
    return src, outs


def _outputs(job: JobDocument) -> dict:
    """The job's outputs so far (deep copy), so a step returns the whole map whether the runner
    merges fields shallowly or deeply."""
    return copy.deepcopy(job.get("outputs") or {})


def _set_output(outputs: dict, lang: str, key: str, path: str) -> None:
    outputs.setdefault(lang, {})[key] = path


def _source(io: StepIO) -> Path:
    local = io.workdir / "source.mp4"
    if not local.exists():
        src_path = io.job.get("source_path") or job_path(io.job["id"], "source.mp4")
        if not io.exists(src_path):
            raise PermanentStepError("The source video is missing from storage; upload it again.")
        io.get_file(src_path, local)
    return local


def _media_info(io: StepIO, video: Path):
    try:
        return ffmpeg.probe(video)
    except ffmpeg.MediaError as exc:
        raise PermanentStepError(str(exc)) from exc


def _read_vtt(io: StepIO, path: str):
    """The cues of a stored VTT; an invalid one (a bad manual edit) is a permanent failure
    with a reason a reviewer can act on."""
    try:
        return vtt.read(io.get_text(path))
    except vtt.VttError as exc:
        raise PermanentStepError(f"{path.split('/', 2)[-1]} is not valid WebVTT; fix it and retry ({exc}).") from exc


def _update_qc(io: StepIO, lang: str, section: str, data: dict) -> str:
    """Merge one section into jobs/<id>/<lang>/qc-report.json and return its path."""
    path = job_path(io.job["id"], lang, QC_REPORT)
    report: dict[str, Any] = {"job_id": io.job["id"], "language": lang}
    if io.exists(path):
        try:
            report = json.loads(io.get_text(path))
        except ValueError:
            pass
    report[section] = data
    io.put_text(path, json.dumps(report, indent=2, ensure_ascii=False), JSON_TYPE)
    return path


def _qc_summary(job: JobDocument, lang: str, section: str, summary: dict) -> dict:
    qc = copy.deepcopy(job.get("qc_report") or {})
    entry = qc.setdefault(lang, {"path": job_path(job["id"], lang, QC_REPORT)})
    entry[section] = summary
    return qc


def _profile_name(job: JobDocument) -> str:
    return _opt(job, "delivery_profile") or _opt(job, "caption_profile") or "netflix"


def _fps(job: JobDocument, info=None) -> float:
    media = job.get("media") or {}
    if info is not None:
        return info.fps
    return float(media.get("fps") or 25.0)


# ---------------------------------------------------------------- transcribe


def _glossary_doc(job: JobDocument) -> dict | None:
    gid = _opt(job, "glossary_id")
    if not gid:
        return None
    doc = platform().documents.get("glossaries", gid)
    if doc is None:
        raise PermanentStepError("The job's glossary no longer exists; choose another one and retry.")
    return doc


def _identify_language(transcriber, wav: Path, src: str, job: JobDocument):
    """(source language, verdict) for the job (shared.media.language_id). An undetermined
    source becomes the language heard, when the model transcribes it and the job's outputs
    can be translated from it. Backends without language identification give a no-speech
    verdict, which never withholds captions."""
    detect = getattr(transcriber, "detect_language", None)
    guess = detect(wav) if detect is not None else None
    if src != UNDETERMINED:
        return src, language_id.judge(guess, src)
    wanted = [normalize(lang) for lang in job.get("requested_outputs") or []]
    if guess is None:
        fallback = wanted[0] if wanted else "en"
        verdict = language_id.judge(None, None)
        verdict.detail += f" Captions are made as {fallback}, the job's first output language."
        return fallback, verdict
    known = set(getattr(transcriber, "languages", None) or [guess.language])
    translatable = {
        lang
        for lang in known
        if all(w == lang or w in languages.supported_targets(lang) for w in wanted if w != UNDETERMINED)
    }
    verdict = language_id.judge(guess, None, translatable)
    if guess.language not in translatable:
        raise PermanentStepError(
            f"{verdict.detail} Outputs asked for: {', '.join(wanted)}. Create the job again with a supported "
            f"source_language and outputs."
        )
    return guess.language, verdict


def transcribe(io: StepIO) -> dict:
    """Source audio -> spoken-language check -> words (transcript.json) -> source-language
    captions.vtt + caption QC. A confident other language withholds the captions and flags it.
    Meanwhile the describe step's picture analysis runs on a thread (decision 1210)."""
    job = io.job
    src, _ = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    if not info.has_audio:
        if src != UNDETERMINED:
            return _no_speech(io, info)
        # Nothing to detect a language from: the job's first output language stands in.
        first = normalize((job.get("requested_outputs") or ["en"])[0])
        io.job = {**job, "source_language": first}
        return {**_no_speech(io, info), "source_language": first}
    analysis = _start_picture_analysis(io, video, src)
    try:
        return _transcribe_speech(io, video, info, src)
    finally:
        if analysis is not None:
            analysis.finish(io)


def _start_picture_analysis(io: StepIO, video: Path, src: str):
    """The describe step's picture analysis on a thread next to the transcription; None for an
    engine without one (Gemini on gcp describes with the transcript) or when it cannot start."""
    engines = current_engines()
    if engines.cloud:
        return None
    try:
        return picture_analysis.start(io, engines.describer, video, src if src != UNDETERMINED else "en")
    except Exception:  # the describe step analyses the picture itself
        return None


def _transcribe_speech(io: StepIO, video: Path, info, src: str) -> dict:
    job = io.job
    wav = ffmpeg.extract_wav16k(video, io.workdir / "audio16k.wav")
    io.progress(5)
    if io.cancelled():
        return {}
    transcriber = current_engines().transcriber
    claimed = src
    src, verdict = _identify_language(transcriber, wav, src, job)
    io.progress(10)
    hints = gl.source_terms(_glossary_doc(job))
    if verdict.withhold_captions:
        raw = tr.Transcript(language=src, duration=info.duration)
    else:
        raw = transcriber.transcribe(wav, src, progress=lambda f: io.progress(10 + 70 * f), hints=hints)
    io.progress(80)
    clean = tr.clean(raw, wav)
    clean.words, markers = sound_tags.drop_markers(clean.words)  # "♪", "[Music]": the tagger's job (0355)
    clean.dropped += markers
    speaker_change.apply(clean.words, wav)
    clean.words, restored = punctuation.restore(clean.words, src)
    tr.reattach_sentence_starts(clean.words, caption_rules.PROFILES["netflix"].pause_break)
    speaker_change.align_sentence_starts(clean.words, wav)
    ends_added = sentence_ends.mark(clean.words, wav)
    profile = caption_rules.profile(_profile_name(job))
    # What a viewer reads: numbers in the profile's style, one spelling per word (0334).
    clean.words, numbers_rewritten = caption_numbers.apply(clean.words, src, profile.numbers)
    recased = punctuation.consistent_casing(clean.words, src, hints)
    cues = caption_rules.build_cues(clean.words, profile, info.fps, clean.duration)
    # Music-only passages get a tag cue where no speech cue is (0354, 0355); none when the
    # captions are withheld for a language mismatch.
    music = [] if verdict.withhold_captions else sound_tags.find(wav, clean.words)
    gap = profile.min_gap_frames / (info.fps or 25.0)
    cues = sound_tags.tag_cues(cues, music, src, profile.sound_style, gap)
    issues = caption_rules.check(cues, profile, info.fps, clean.words, sentence_ends.doubtful(clean.words, wav))
    if verdict.flagged:
        issues.insert(0, {"cue": None, "rule": "language", "detail": verdict.detail})
    jid = job["id"]
    io.put_text(job_path(jid, "work", TRANSCRIPT_JSON), json.dumps(clean.to_dict(), ensure_ascii=False), JSON_TYPE)
    # The console's timeline draws these peaks (computed once here, served by GET .../timeline).
    io.put_text(
        job_path(jid, "work", peaks.PEAKS_JSON), json.dumps(peaks.compute(wav), separators=(",", ":")), JSON_TYPE
    )
    cap_path = job_path(jid, src, CAPTIONS_VTT)
    io.put_text(cap_path, vtt.write_captions(cues), VTT_TYPE)
    _update_qc(io, src, "language", verdict.to_dict())
    qc_path = _update_qc(
        io,
        src,
        "captions",
        {
            "profile": profile.name,
            "cues": len(cues),
            "issues": issues,
            "dropped_text": clean.dropped,
            "punctuation_restored": restored,
            "sentence_ends_added": [a.to_dict() for a in ends_added],
            "numbers_rewritten": numbers_rewritten,
            "words_recased": recased,
            "speakers": len({w.speaker for w in clean.words}),
            "sound_tags": [p.to_dict() for p in music],
        },
    )
    outputs = _outputs(job)
    _set_output(outputs, src, "captions_vtt", cap_path)
    _set_output(outputs, src, "qc_report", qc_path)
    io.progress(100)
    qc = _qc_summary(job, src, "captions", {"cues": len(cues), "issues": len(issues)})
    qc[src]["language"] = {
        "status": verdict.status,
        "heard": verdict.heard,
        "probability": verdict.probability,
        "detail": verdict.detail,
    }
    result: dict[str, Any] = {
        "outputs": outputs,
        "media": {"duration": info.duration, "fps": info.fps, "width": info.width, "height": info.height},
        "qc_report": qc,
    }
    if src != claimed:  # detected: the job's source language from now on
        result["source_language"] = src
    return result


NO_AUDIO_NOTE = (
    "The video has no audio track: there is no speech to caption, so the captions are empty; "
    "the audio description and narration are made from the picture."
)


def _no_speech(io: StepIO, info) -> dict:
    """A video without audio: an empty transcript and empty captions with a note saying why
    (description, narration and render go on from the picture)."""
    job = io.job
    jid = job["id"]
    src, _ = _langs(job)
    empty = tr.Transcript(language=src, duration=info.duration)
    io.put_text(job_path(jid, "work", TRANSCRIPT_JSON), json.dumps(empty.to_dict(), ensure_ascii=False), JSON_TYPE)
    cap_path = job_path(jid, src, CAPTIONS_VTT)
    io.put_text(cap_path, vtt.write_captions([]), VTT_TYPE)
    profile = caption_rules.profile(_profile_name(job))
    qc_path = _update_qc(
        io, src, "captions", {"profile": profile.name, "cues": 0, "issues": [], "no_audio": True, "note": NO_AUDIO_NOTE}
    )
    outputs = _outputs(job)
    _set_output(outputs, src, "captions_vtt", cap_path)
    _set_output(outputs, src, "qc_report", qc_path)
    io.progress(100)
    return {
        "outputs": outputs,
        "media": {
            "duration": info.duration,
            "fps": info.fps,
            "width": info.width,
            "height": info.height,
            "has_audio": False,
        },
        "qc_report": _qc_summary(job, src, "captions", {"cues": 0, "issues": 0, "note": NO_AUDIO_NOTE}),
    }


# ---------------------------------------------------------------- describe


def describe(io: StepIO) -> dict:
    """What is seen (local engine or Gemini) -> descriptions.vtt, one description at a time in
    the dialogue gaps, timed for the longest wording among the job's languages."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    transcript = tr.Transcript.from_dict(json.loads(io.get_text(job_path(jid, "work", TRANSCRIPT_JSON))))
    io.progress(5)
    seen = _visual_events(io, video, transcript, src)
    events = ad.without_subtitles(seen, transcript.words)
    io.progress(70)
    if io.cancelled():
        return {}
    min_gap = float(_opt(job, "min_gap_seconds", placement.MIN_GAP_SECONDS))
    gaps = placement.dialogue_gaps(transcript.words, info.duration, min_gap)
    placed = placement.place(events, gaps, info.duration, langs, transcript.words, sentence=ad.sentence)
    # the source track is in the speech's language: its listeners hear the speaker, so the
    # subtitles that translate the speech are left for the other languages' tracks (0371)
    speech = src if transcript.words else None
    descriptions = ad.for_track(placed, src, speech)
    io.put_text(
        job_path(jid, "work", VISUAL_JSON),
        json.dumps(
            {
                "events": [e.__dict__ for e in events],
                "gaps": [g.__dict__ for g in gaps],
                "descriptions": ad.record(placed, descriptions),
                "speech_language": speech,
            },
            ensure_ascii=False,
        ),
        JSON_TYPE,
    )
    path = job_path(jid, src, DESCRIPTIONS_VTT)
    io.put_text(path, vtt.write_descriptions(descriptions), VTT_TYPE)
    extended = [d.to_dict() for d in descriptions if d.extended]
    qc_path = _update_qc(
        io,
        src,
        "descriptions",
        {
            "cues": len(descriptions),
            "gaps": len(gaps),
            "min_gap_seconds": min_gap,
            "extended": extended,
            "events": len(events),
            "subtitles_not_quoted": [e.value for e in seen if e not in events],
            "overlapping": _overlaps(descriptions),
        },
    )
    outputs = _outputs(job)
    _set_output(outputs, src, "descriptions_vtt", path)
    _set_output(outputs, src, "qc_report", qc_path)
    io.progress(100)
    return {
        "outputs": outputs,
        "qc_report": _qc_summary(job, src, "descriptions", {"cues": len(descriptions), "extended": len(extended)}),
    }


def _visual_events(io: StepIO, video: Path, transcript, src: str) -> list:
    """What is seen: the picture analysis made while transcribing when it is fresh for this
    source, describer and code (decision 1210), else the describer's own run (stored for a
    retry of this step)."""
    describer = current_engines().describer
    key = picture_analysis.key_for(describer, video) if picture_analysis.analyser(describer) else None
    stored = picture_analysis.load(io, key) if key is not None else None
    if stored is not None:
        return picture_analysis.worded(stored, src)
    events = describer.describe(video, transcript, io.workdir, src)
    if key is not None:
        picture_analysis.store(io, key, src, events)
    return events


def _overlaps(cues) -> int:
    ordered = sorted(cues, key=lambda c: c.start)
    return sum(1 for a, b in zip(ordered, ordered[1:]) if b.start < a.end - 0.001)


def _described_in(io: StepIO, desc_src, tgt: str) -> tuple[list[str | None], list]:
    """Each source description in the target language's own phrases where the describer's
    record allows (decision 0323), None where it must be machine-translated; and the
    descriptions the source track left out for its listeners that the target's need (burnt-in
    subtitles translating the speech, decision 0371)."""
    path = job_path(io.job["id"], "work", VISUAL_JSON)
    if not io.exists(path):
        return [None] * len(desc_src), []
    try:
        record = json.loads(io.get_text(path))
    except ValueError:
        record = {}
    placed = record.get("descriptions") or []
    speech = record.get("speech_language")
    return ad.own_phrases(desc_src, placed, tgt, speech), ad.not_in_source(placed, tgt, speech)


def _with_added(cues: list, added: list) -> list:
    """The target's description cues with those only its listeners need (ad.not_in_source),
    in time order and numbered again (`ad-N`, `ad-N-extended`)."""
    merged = sorted(
        [*cues, *(vtt.VttCue(d.start, d.end, d.text, "-extended" if d.extended else "") for d in added)],
        key=lambda c: c.start,
    )
    return [
        vtt.VttCue(c.start, c.end, c.text, f"ad-{i + 1}" + (f"-{vtt.EXTENDED_ID}" if c.extended else ""))
        for i, c in enumerate(merged)
    ]


# ---------------------------------------------------------------- translate


def _glossary_terms(job: JobDocument, target: str):
    doc = _glossary_doc(job)
    return gl.terms_for(doc, target) if doc is not None else []


def translate(io: StepIO) -> dict:
    """Source captions and descriptions (as reviewed) -> each target language with glossary
    enforcement; captions a whole sentence at a time, then re-timed into the source cues."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    targets = [lang for lang in langs if lang != src]
    engines = current_engines()
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    profile = caption_rules.profile(_profile_name(job))
    fps = _fps(job)
    cap_src = _read_vtt(io, job_path(jid, src, CAPTIONS_VTT))
    desc_path = job_path(jid, src, DESCRIPTIONS_VTT)
    desc_src = _read_vtt(io, desc_path) if io.exists(desc_path) else []
    language = ((job.get("qc_report") or {}).get(src) or {}).get("language") or {}
    if language.get("status") == "mismatch" and not cap_src:
        raise PermanentStepError(language.get("detail") or "The speech is not in the job's source language.")
    cap_cues = [vtt.to_cue(c) for c in cap_src]
    groups = ct.sentences(cap_cues, profile)
    for n, tgt in enumerate(targets):
        if io.cancelled():
            return {}
        if engines.backend != "gcp" and languages.apertium_mode(src, tgt) is None:
            raise PermanentStepError(
                f"No translation from {src} to {tgt} is installed; "
                f"supported: {', '.join(languages.supported_targets(src))}."
            )
        terms = _glossary_terms(job, tgt)
        # Sound tags in the target's own words (0355); a tag without a phrase goes alone.
        tags = [sound_tags.worded(g.text, tgt, profile.sound_style) if g.tag else None for g in groups]
        cap_texts = [sound_tags.inner(g.text) if g.tag else g.text for g, t in zip(groups, tags) if t is None]
        own, added = _described_in(io, desc_src, tgt)  # descriptions in the target's own phrases
        desc_texts = [c.text.replace("\n", " ") for c, o in zip(desc_src, own) if o is None]
        result = gl.translate_enforced(engines.translator, cap_texts + desc_texts, src, tgt, terms)
        written = [t.target for t in terms]  # the capitals a glossary asks for stay
        result.texts = [target_text.tidy(t, tgt, keep=written) for t in result.texts]
        # Where each glossary entry's text is said (its `cue` counts the texts sent, not cues),
        # so the review screen's "Go to" lands on it (decision 0831).
        origins = [("captions", cap_cues[g.cues[0]].start) for g, t in zip(groups, tags) if t is None]
        origins += [("descriptions", c.start) for c, o in zip(desc_src, own) if o is None]
        for entry in (*result.enforced, *result.unenforced):
            k = int(entry.get("cue") or 0) - 1
            if 0 <= k < len(origins):
                entry["kind"], entry["at"] = origins[k][0], round(origins[k][1], 3)
        said = iter(result.texts[: len(cap_texts)])
        cap_translated = [
            t if t is not None else (sound_tags.rewrap(g.text, next(said)) if g.tag else next(said))
            for g, t in zip(groups, tags)
        ]
        cap_out = [
            vtt.VttCue(c.start, c.end, c.text, str(i + 1))
            for i, c in enumerate(
                ct.retime(
                    cap_cues,
                    groups,
                    cap_translated,
                    profile,
                    fps,
                    (job.get("media") or {}).get("duration"),
                )
            )
        ]
        translated = iter(result.texts[len(cap_texts) :])
        desc_out = [
            vtt.VttCue(c.start, c.end, o if o is not None else next(translated), c.identifier)
            for c, o in zip(desc_src, own)
        ]
        if added:
            desc_out = _with_added(desc_out, added)
        cap_path = job_path(jid, tgt, CAPTIONS_VTT)
        io.put_text(cap_path, vtt.write(cap_out), VTT_TYPE)
        d_path = job_path(jid, tgt, DESCRIPTIONS_VTT)
        io.put_text(d_path, vtt.write(desc_out, kind="descriptions"), VTT_TYPE)
        issues = caption_rules.check([vtt.to_cue(c) for c in cap_out], profile, fps)
        _update_qc(io, tgt, "captions", {"profile": profile.name, "cues": len(cap_out), "issues": issues})
        qc_path = _update_qc(
            io,
            tgt,
            "glossary",
            {
                "glossary_id": _opt(job, "glossary_id"),
                "terms": len(terms),
                "enforced": result.enforced,
                "unenforced": result.unenforced,
            },
        )
        _set_output(outputs, tgt, "captions_vtt", cap_path)
        _set_output(outputs, tgt, "descriptions_vtt", d_path)
        _set_output(outputs, tgt, "qc_report", qc_path)
        entry = qc.setdefault(tgt, {"path": qc_path})
        entry["captions"] = {"cues": len(cap_out), "issues": len(issues)}
        entry["glossary"] = {"enforced": len(result.enforced), "unenforced": len(result.unenforced)}
        io.progress(100 * (n + 1) / max(1, len(targets)))
    return {"outputs": outputs, "qc_report": qc}


# ---------------------------------------------------------------- tts


def _voice_requests(text: str, lang: str) -> list[tuple[str, str, float]]:
    """What narration.speak asks the voice for `text` at the natural rate."""
    text = " ".join(text.split())
    return [(words, voice_lang, 1.0) for words, voice_lang in narration.voiced_runs(text, lang)]


def tts(io: StepIO) -> dict:
    """Each language's descriptions (as edited) -> narration clips fitted to their gaps, the
    narration stem, and the plan render uses."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    duration = (job.get("media") or {}).get("duration")
    if not duration:  # a job transcribed before `media` was recorded: probe the source
        duration = _media_info(io, _source(io)).duration
    transcript = tr.Transcript.from_dict(json.loads(io.get_text(job_path(jid, "work", TRANSCRIPT_JSON))))
    speech = voices.ClipMemo(current_engines().speech, io.workdir / "tts" / "voiced", _parallel())
    voiced_path = job_path(jid, "work", VOICED_ZIP)
    if io.exists(voiced_path):  # clips of an earlier run: unchanged descriptions are not voiced again
        speech.load(io.get_file(voiced_path, io.workdir / "tts" / VOICED_ZIP))
    max_rate = float(_opt(job, "max_speech_rate", narration.MAX_RATE))
    min_gap = float(_opt(job, "min_gap_seconds", placement.MIN_GAP_SECONDS))
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    wanted = []
    for lang in langs:
        if io.cancelled():
            return {}
        d_path = job_path(jid, lang, DESCRIPTIONS_VTT)
        cues = _read_vtt(io, d_path) if io.exists(d_path) else []
        folder = io.workdir / "tts" / lang
        folder.mkdir(parents=True, exist_ok=True)
        wanted.append((lang, cues, folder))

    def speak(lang: str, cues: list, folder: Path):
        """One language's clips and stem: engine and ffmpeg work only, languages side by side."""
        plan = narration.synthesize_plan(speech, cues, lang, transcript.words, duration, folder, max_rate, min_gap)
        return plan, narration.write_stem(plan, folder, duration, folder / NARRATION)

    # Every description at the voice's natural rate, on every core, as narration.speak will ask
    # for it (a quote in another language is its own request); fitting them then re-voices only
    # the clips that must go faster (decision 1211).
    quote_language.learn(c.text for _, cues, _ in wanted for c in cues)  # every quote's words at once
    speech.prepare([request for lang, cues, _ in wanted for c in cues for request in _voice_requests(c.text, lang)])
    io.progress(60)
    spoken = _side_by_side(speak, wanted, lambda done: io.progress(60 + 30 * done / len(langs)))
    for lang, cues, folder in wanted:
        plan, stem = spoken[lang]
        agreed = narration.relabelled(cues, plan)
        if agreed is not None:  # the descriptions track says what the narration does
            io.put_text(job_path(jid, lang, DESCRIPTIONS_VTT), vtt.write(agreed, kind="descriptions"), VTT_TYPE)
        for clip in plan.clips:
            store = job_path(jid, "work", lang, clip.name)
            io.put_file(store, folder / clip.name, "audio/wav")
            clip.path = store
        n_path = job_path(jid, lang, NARRATION)
        io.put_file(n_path, stem, "audio/mp4")
        io.put_text(
            job_path(jid, "work", lang, NARRATION_PLAN), json.dumps(plan.to_dict(), ensure_ascii=False), JSON_TYPE
        )
        levels = narration.clip_levels(plan, folder / narration.STEM_WAV)
        speech_qc: dict[str, Any] = {
            "clips": len(plan.clips),
            "max_rate": max_rate,
            "extended": [c.to_dict() for c in plan.clips if c.extended],
            "rate_raised": [c.to_dict() for c in plan.clips if c.rate > 1.0 and not c.extended],
            "levels": levels,  # every standard description's level in the stem
            "inaudible": [lv for lv in levels if not lv["audible"]],
        }
        qc_path = _update_qc(io, lang, "speech", speech_qc)
        _set_output(outputs, lang, "narration", n_path)
        _set_output(outputs, lang, "qc_report", qc_path)
        qc.setdefault(lang, {"path": qc_path})["speech"] = {
            "clips": len(plan.clips),
            "extended": len(speech_qc["extended"]),
            "inaudible": len(speech_qc["inaudible"]),
        }
    io.put_file(voiced_path, speech.save(io.workdir / "tts" / VOICED_ZIP), "application/zip")
    io.progress(100)
    return {"outputs": outputs, "qc_report": qc}


# ---------------------------------------------------------------- render


def render_language(
    video: Path,
    info,
    work: Path,
    cap_vtt: Path,
    plan,
    tracks: list,
    burn: bool,
    extended: bool,
    silent_source: bool = False,
):
    """One language's MP4s, each verified: {kind: (local mp4, verification report)}. ffmpeg
    work only (no storage, no job), so several languages run side by side."""
    mixed = rd.mix_programme(video, info, plan, work / "mix.m4a")
    mp4 = rd.mux_accessible(video, info, mixed, tracks, work / ACCESSIBLE_MP4)
    # Silence cannot be normalised: a silent film with nothing described has no loudness.
    audible = not silent_source or bool(plan.standard)
    made = {"accessible": (mp4, rd.verify(mp4, info, subtitles=len(tracks), check_loudness=audible))}
    if burn:
        burned = rd.burn_in(video, info, mixed, cap_vtt, work / BURNED_MP4)
        made["burned_in"] = (burned, rd.verify(burned, info, subtitles=0, reencoded=True, check_loudness=audible))
    if extended:
        ext = rd.extended_version(video, info, plan, tracks, work / EXTENDED_MP4)
        made["extended"] = (
            ext.path,
            rd.verify(
                ext.path,
                info,
                subtitles=len(tracks),
                expected_duration=ext.duration,
                reencoded=True,
                # a silent film with nothing described at all is silent in this version too
                check_loudness=not silent_source or bool(plan.clips),
            ),
        )
    return made


def render_languages(
    video: Path, info, prepared: list, burn: bool, extended: bool, progress=None, silent_source: bool = False
) -> dict:
    """render_language for each (lang, work, cap_vtt, plan, tracks) of `prepared`, up to
    _render_parallel at once; {lang: its outputs}. The first failure stops the rest."""

    def one(lang, work, cap_vtt, plan, tracks):
        return render_language(video, info, work, cap_vtt, plan, tracks, burn, extended, silent_source)

    return _side_by_side(one, prepared, progress)


def _side_by_side(fn, items: list[tuple], progress=None) -> dict:
    """{item[0]: fn(*item)} for each item, up to _render_parallel at once (media work of one
    language per item). The first failure stops the items not yet started and is raised."""
    done: dict = {}
    with ThreadPoolExecutor(max_workers=_render_parallel(len(items))) as pool:
        futures = {pool.submit(fn, *item): item[0] for item in items}
        try:
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if progress is not None:
                    progress(len(done))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return done


def _parallel() -> int:
    """Media jobs run at once in a step: AVP_RENDER_PARALLEL, else one per core (1202)."""
    return max(1, settings().render_parallel or os.cpu_count() or 1)


def _render_parallel(languages: int) -> int:
    """Languages voiced or rendered at once (1202)."""
    return max(1, min(languages, _parallel()))


def render(io: StepIO) -> dict:
    """Per language: SRT/TTML/SCC exports from the current VTTs, the accessible MP4 (picture
    copied, programme ducked under narration, loudness normalised, captions as mov_text), and
    on request burned-in and extended-AD versions; every output verified with ffprobe."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    silent_source = not info.has_audio
    if silent_source:  # a silent film: the narration is mixed over a silent track
        video = ffmpeg.with_silent_audio(video, info, io.workdir / "source-silent-track.mp4")
        info = _media_info(io, video)
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    burn = bool(_opt(job, "burn_in", False))
    want_extended = bool(_opt(job, "extended_ad", False))
    total = len(langs)
    prepared = []
    for lang in langs:
        if io.cancelled():
            return {}
        work = io.workdir / "render" / lang
        work.mkdir(parents=True, exist_ok=True)
        # Exports from the current (possibly human-edited) captions.
        cap_path = job_path(jid, lang, CAPTIONS_VTT)
        _read_vtt(io, cap_path)
        cap_text = io.get_text(cap_path)
        cap_vtt = work / CAPTIONS_VTT
        cap_vtt.write_text(cap_text, encoding="utf-8")
        exports = vtt.export_all(cap_text, lang)
        for key, name, ctype in (
            ("srt", CAPTIONS_SRT, "application/x-subrip"),
            ("ttml", CAPTIONS_TTML, "application/ttml+xml"),
            ("scc", CAPTIONS_SCC, "text/plain"),
        ):
            text = exports.get(key)
            if text is not None:
                path = job_path(jid, lang, name)
                io.put_text(path, text, ctype)
                _set_output(outputs, lang, f"captions_{key}", path)
        # Narration plan from tts; the clips come back from storage.
        plan_path = job_path(jid, "work", lang, NARRATION_PLAN)
        plan = (
            narration.Plan.from_dict(json.loads(io.get_text(plan_path)))
            if io.exists(plan_path)
            else narration.Plan(language=lang, clips=[])
        )
        for clip in plan.clips:
            local = work / clip.name
            io.get_file(clip.path, local)
            clip.local = str(local)
        tracks = [(cap_vtt, lang)]
        if lang != src:
            src_vtt = work / f"source-{CAPTIONS_VTT}"
            src_vtt.write_text(io.get_text(job_path(jid, src, CAPTIONS_VTT)), encoding="utf-8")
            tracks.append((src_vtt, src))
        prepared.append((lang, work, cap_vtt, plan, tracks))

    made = render_languages(
        video,
        info,
        prepared,
        burn,
        want_extended,
        lambda done: io.progress(90 * done / total),
        silent_source=silent_source,
    )
    for lang in langs:
        names = {"accessible": (ACCESSIBLE_MP4, "video"), "burned_in": (BURNED_MP4, "video_burned_in")}
        names["extended"] = (EXTENDED_MP4, "video_extended")
        report = {}
        for kind, (local, verified) in made[lang].items():
            name, key = names[kind]
            path = job_path(jid, lang, name)
            io.put_file(path, local, "video/mp4")
            _set_output(outputs, lang, key, path)
            report[kind] = verified
        qc_path = _update_qc(io, lang, "render", report)
        _set_output(outputs, lang, "qc_report", qc_path)
        qc.setdefault(lang, {"path": qc_path})["render"] = {
            k: {"duration": v["duration"], "loudness": v.get("integrated_lufs")} for k, v in report.items()
        }
    io.progress(100)
    return {"outputs": outputs, "qc_report": qc, "vtt_changed_since_render": False}


STEPS: dict[str, Step] = {
    "transcribe": transcribe,
    "describe": describe,
    "translate": translate,
    "tts": tts,
    "render": render,
}
