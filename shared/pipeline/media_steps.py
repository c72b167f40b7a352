"""The media steps of the pipeline (see shared.pipeline.contract for the rules they follow).

Storage written per job (all paths deterministic, so a re-run overwrites):
  jobs/<id>/work/transcript.json          words with timings (transcribe)
  jobs/<id>/work/visual.json              scene / on-screen text events (describe)
  jobs/<id>/work/<lang>/narration.json    the narration plan: one clip per description (tts)
  jobs/<id>/work/<lang>/ad-NNN.wav        the narration clips (tts)
  jobs/<id>/<lang>/captions.vtt|.srt|.ttml|.scc, descriptions.vtt, narration.m4a,
  jobs/<id>/<lang>/accessible.mp4 (+ -burned-in / -extended on request), qc-report.json

Job options read (under job["options"] or top level): delivery_profile (default|bbc|dcmp),
min_gap_seconds (AD gap, default 2), max_speech_rate (default 1.5), burn_in (bool),
extended_ad (bool), glossary_id.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from shared.bootstrap import platform
from shared.errors import PermanentStepError
from shared.media import caption_rules, ffmpeg, languages, narration, vtt
from shared.media import describe as ad
from shared.media import glossary as gl
from shared.media import render as rd
from shared.media import transcript as tr
from shared.media.languages import normalize
from shared.pipeline.contract import (
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
    Step,
    StepIO,
    job_path,
)

TRANSCRIPT_JSON = "transcript.json"
VISUAL_JSON = "visual.json"
NARRATION_PLAN = "narration.json"

VTT_TYPE = "text/vtt"
JSON_TYPE = "application/json"


# ---------------------------------------------------------------- helpers


def _opt(job: dict, name: str, default=None):
    if name in job and job[name] is not None:
        return job[name]
    return (job.get("options") or {}).get(name, default)


def _engines():
    return platform().engines


def _langs(job: dict) -> tuple[str, list[str]]:
    src = normalize(job["source_language"])
    outs = []
    for lang in job.get("requested_outputs") or [src]:
        code = normalize(lang)
        if code not in outs:
            outs.append(code)
    if src not in outs:
        outs.insert(0, src)
    return src, outs


def _outputs(job: dict) -> dict:
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
    report = {"job_id": io.job["id"], "language": lang}
    if io.exists(path):
        try:
            report = json.loads(io.get_text(path))
        except ValueError:
            pass
    report[section] = data
    io.put_text(path, json.dumps(report, indent=2, ensure_ascii=False), JSON_TYPE)
    return path


def _qc_summary(job: dict, lang: str, section: str, summary: dict) -> dict:
    qc = copy.deepcopy(job.get("qc_report") or {})
    entry = qc.setdefault(lang, {"path": job_path(job["id"], lang, QC_REPORT)})
    entry[section] = summary
    return qc


def _profile_name(job: dict) -> str:
    return _opt(job, "delivery_profile") or _opt(job, "caption_profile") or "netflix"


def _fps(job: dict, info=None) -> float:
    media = job.get("media") or {}
    if info is not None:
        return info.fps
    return float(media.get("fps") or 25.0)


# ---------------------------------------------------------------- transcribe


def transcribe(io: StepIO) -> dict:
    """Source audio -> words (transcript.json) -> source-language captions.vtt + caption QC."""
    job = io.job
    src, _ = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    if not info.has_audio:
        raise PermanentStepError("The video has no audio track, so there is nothing to transcribe.")
    wav = ffmpeg.extract_wav16k(video, io.workdir / "audio16k.wav")
    io.progress(10)
    if io.cancelled():
        return {}
    raw = _engines().transcriber.transcribe(wav, src, progress=lambda f: io.progress(10 + 70 * f))
    io.progress(80)
    clean = tr.clean(raw, wav)
    profile = caption_rules.profile(_profile_name(job))
    cues = caption_rules.build_cues(clean.words, profile, info.fps, clean.duration)
    issues = caption_rules.check(cues, profile, info.fps)
    jid = job["id"]
    io.put_text(job_path(jid, "work", TRANSCRIPT_JSON), json.dumps(clean.to_dict(), ensure_ascii=False), JSON_TYPE)
    cap_path = job_path(jid, src, CAPTIONS_VTT)
    io.put_text(cap_path, vtt.write_captions(cues), VTT_TYPE)
    qc_path = _update_qc(
        io,
        src,
        "captions",
        {"profile": profile.name, "cues": len(cues), "issues": issues, "dropped_text": clean.dropped},
    )
    outputs = _outputs(job)
    _set_output(outputs, src, "captions_vtt", cap_path)
    _set_output(outputs, src, "qc_report", qc_path)
    io.progress(100)
    return {
        "outputs": outputs,
        "media": {"duration": info.duration, "fps": info.fps, "width": info.width, "height": info.height},
        "qc_report": _qc_summary(job, src, "captions", {"cues": len(cues), "issues": len(issues)}),
    }


# ---------------------------------------------------------------- describe


def describe(io: StepIO) -> dict:
    """Scene changes + on-screen text (or Gemini) -> descriptions.vtt placed in dialogue gaps."""
    job = io.job
    jid = job["id"]
    src, _ = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    transcript = tr.Transcript.from_dict(json.loads(io.get_text(job_path(jid, "work", TRANSCRIPT_JSON))))
    io.progress(5)
    events = _engines().describer.describe(video, transcript, io.workdir, src)
    io.progress(70)
    if io.cancelled():
        return {}
    min_gap = float(_opt(job, "min_gap_seconds", ad.MIN_GAP_SECONDS))
    gaps = ad.dialogue_gaps(transcript.words, info.duration, min_gap)
    descriptions = ad.place(events, gaps, info.duration, src, transcript.words)
    io.put_text(
        job_path(jid, "work", VISUAL_JSON),
        json.dumps({"events": [e.__dict__ for e in events], "gaps": [g.__dict__ for g in gaps]}, ensure_ascii=False),
        JSON_TYPE,
    )
    path = job_path(jid, src, DESCRIPTIONS_VTT)
    io.put_text(path, vtt.write_descriptions(descriptions), VTT_TYPE)
    extended = [d.to_dict() for d in descriptions if d.extended]
    qc_path = _update_qc(
        io,
        src,
        "descriptions",
        {"cues": len(descriptions), "gaps": len(gaps), "min_gap_seconds": min_gap, "extended": extended},
    )
    outputs = _outputs(job)
    _set_output(outputs, src, "descriptions_vtt", path)
    _set_output(outputs, src, "qc_report", qc_path)
    io.progress(100)
    return {
        "outputs": outputs,
        "qc_report": _qc_summary(job, src, "descriptions", {"cues": len(descriptions), "extended": len(extended)}),
    }


# ---------------------------------------------------------------- translate


def _glossary_terms(job: dict, target: str):
    gid = _opt(job, "glossary_id")
    if not gid:
        return []
    doc = platform().documents.get("glossaries", gid)
    if doc is None:
        raise PermanentStepError("The job's glossary no longer exists; choose another one and retry.")
    return gl.terms_for(doc, target)


def translate(io: StepIO) -> dict:
    """Source captions and descriptions (as reviewed) -> each target language, cue by cue, with
    glossary enforcement."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    targets = [lang for lang in langs if lang != src]
    engines = _engines()
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    profile = caption_rules.profile(_profile_name(job))
    fps = _fps(job)
    cap_src = _read_vtt(io, job_path(jid, src, CAPTIONS_VTT))
    desc_path = job_path(jid, src, DESCRIPTIONS_VTT)
    desc_src = _read_vtt(io, desc_path) if io.exists(desc_path) else []
    for n, tgt in enumerate(targets):
        if io.cancelled():
            return {}
        if engines.backend != "gcp" and languages.apertium_mode(src, tgt) is None:
            raise PermanentStepError(
                f"No translation from {src} to {tgt} is installed; "
                f"supported: {', '.join(languages.supported_targets(src))}."
            )
        terms = _glossary_terms(job, tgt)
        cap_texts = [c.text.replace("\n", " ") for c in cap_src]
        desc_texts = [c.text.replace("\n", " ") for c in desc_src]
        result = gl.translate_enforced(engines.translator, cap_texts + desc_texts, src, tgt, terms)
        cap_out = [
            vtt.VttCue(c.start, c.end, caption_rules.wrap(t, profile), c.identifier)
            for c, t in zip(cap_src, result.texts[: len(cap_texts)])
        ]
        desc_out = [
            vtt.VttCue(c.start, c.end, t, c.identifier) for c, t in zip(desc_src, result.texts[len(cap_texts) :])
        ]
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
    speech = _engines().speech
    max_rate = float(_opt(job, "max_speech_rate", narration.MAX_RATE))
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    for n, lang in enumerate(langs):
        if io.cancelled():
            return {}
        d_path = job_path(jid, lang, DESCRIPTIONS_VTT)
        cues = _read_vtt(io, d_path) if io.exists(d_path) else []
        folder = io.workdir / "tts" / lang
        folder.mkdir(parents=True, exist_ok=True)
        plan = narration.synthesize_plan(speech, cues, lang, transcript.words, duration, folder, max_rate)
        for clip in plan.clips:
            store = job_path(jid, "work", lang, clip.name)
            io.put_file(store, folder / clip.name, "audio/wav")
            clip.path = store
        stem = narration.write_stem(plan, folder, duration, folder / NARRATION)
        n_path = job_path(jid, lang, NARRATION)
        io.put_file(n_path, stem, "audio/mp4")
        io.put_text(
            job_path(jid, "work", lang, NARRATION_PLAN), json.dumps(plan.to_dict(), ensure_ascii=False), JSON_TYPE
        )
        speech_qc = {
            "clips": len(plan.clips),
            "max_rate": max_rate,
            "extended": [c.to_dict() for c in plan.clips if c.extended],
            "rate_raised": [c.to_dict() for c in plan.clips if c.rate > 1.0 and not c.extended],
        }
        qc_path = _update_qc(io, lang, "speech", speech_qc)
        _set_output(outputs, lang, "narration", n_path)
        _set_output(outputs, lang, "qc_report", qc_path)
        qc.setdefault(lang, {"path": qc_path})["speech"] = {
            "clips": len(plan.clips),
            "extended": len(speech_qc["extended"]),
        }
        io.progress(100 * (n + 1) / len(langs))
    return {"outputs": outputs, "qc_report": qc}


# ---------------------------------------------------------------- render


def render(io: StepIO) -> dict:
    """Per language: SRT/TTML/SCC exports from the current VTTs, the accessible MP4 (picture
    copied, programme ducked under narration, loudness normalised, captions as mov_text), and
    on request burned-in and extended-AD versions; every output verified with ffprobe."""
    job = io.job
    jid = job["id"]
    src, langs = _langs(job)
    video = _source(io)
    info = _media_info(io, video)
    outputs = _outputs(job)
    qc = copy.deepcopy(job.get("qc_report") or {})
    burn = bool(_opt(job, "burn_in", False))
    want_extended = bool(_opt(job, "extended_ad", False))
    total = len(langs)
    for n, lang in enumerate(langs):
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
            if exports.get(key) is not None:
                path = job_path(jid, lang, name)
                io.put_text(path, exports[key], ctype)
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
        mixed = rd.mix_programme(video, info, plan, work / "mix.m4a")
        mp4 = rd.mux_accessible(video, info, mixed, tracks, work / ACCESSIBLE_MP4)
        report = {"accessible": rd.verify(mp4, info, subtitles=len(tracks))}
        path = job_path(jid, lang, ACCESSIBLE_MP4)
        io.put_file(path, mp4, "video/mp4")
        _set_output(outputs, lang, "video", path)
        io.progress(100 * (n + 0.5) / total)
        if burn:
            burned = rd.burn_in(video, info, mixed, cap_vtt, work / BURNED_MP4)
            report["burned_in"] = rd.verify(burned, info, subtitles=0, reencoded=True)
            path = job_path(jid, lang, BURNED_MP4)
            io.put_file(path, burned, "video/mp4")
            _set_output(outputs, lang, "video_burned_in", path)
        if want_extended:
            ext = rd.extended_version(video, info, plan, tracks, work / EXTENDED_MP4)
            report["extended"] = rd.verify(
                ext.path, info, subtitles=len(tracks), expected_duration=ext.duration, reencoded=True
            )
            path = job_path(jid, lang, EXTENDED_MP4)
            io.put_file(path, ext.path, "video/mp4")
            _set_output(outputs, lang, "video_extended", path)
        qc_path = _update_qc(io, lang, "render", report)
        _set_output(outputs, lang, "qc_report", qc_path)
        qc.setdefault(lang, {"path": qc_path})["render"] = {
            k: {"duration": v["duration"], "loudness": v.get("integrated_lufs")} for k, v in report.items()
        }
        io.progress(100 * (n + 1) / total)
    return {"outputs": outputs, "qc_report": qc, "vtt_changed_since_render": False}


STEPS: dict[str, Step] = {
    "transcribe": transcribe,
    "describe": describe,
    "translate": translate,
    "tts": tts,
    "render": render,
}
