"""The whole local pipeline on a generated video, through the platform: a CLIENT creates the job
(multipart upload, outputs en+es, a glossary, burn-in and extended AD requested), the local
worker runs the real probe and media steps, a REVIEWER approves at SOURCE_QC, an ADMIN assigns a
LINGUIST who approves Spanish at LANGUAGE_QC, and the job reaches FINAL_QC. Then the deliverables are checked: word
error rate of the English captions against the script, the descriptions mention the on-screen
text, the Spanish captions carry the glossary's target term, every MP4 has the expected streams
and duration, and the loudness is on target."""

import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from shared.ids import new_id
from shared.media import ffmpeg as ff
from shared.media import vtt
from shared.timestamps import now_iso
from tests.support import description_cases as dc
from tests.support.job_flow import post_job, wait_for_status
from tests.support.media import session_video, wer

pytestmark = pytest.mark.slow

STEP_TIMEOUT = 240


def wait_status(client, user, job_id, status, timeout=STEP_TIMEOUT):
    return wait_for_status(client, user, job_id, status, timeout)


def streams(path: Path) -> list[dict]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["streams"]


def test_local_pipeline_en_es(client, users, platform, worker, tmp_path_factory):
    video = session_video(tmp_path_factory)
    org_id = users.org("Acme")
    customer, reviewer, admin = users.user("CLIENT", org_id), users.user("REVIEWER"), users.user("ADMIN")
    glossary_id = new_id()
    platform.documents.create(
        "glossaries",
        glossary_id,
        {
            "org_id": org_id,
            "name": "Acme terms",
            "source_language": "en",
            "is_default": False,
            "created_at": now_iso(),
            "updated_at": now_iso(),
            "terms": [
                {
                    "id": "t1",
                    "source": "factory",
                    "target_language": "es",
                    "target": "planta",
                    "case_sensitive": False,
                    "note": "client's house term",
                }
            ],
        },
    )
    resp = post_job(
        client,
        customer,
        video.path.read_bytes(),
        "tour.mp4",
        source_language="en",
        requested_outputs="en,es",
        title="Widget tour",
        glossary_id=glossary_id,
        options=json.dumps({"burn_in": True, "extended_ad": True}),
    )
    assert resp.status_code == 201, resp.get_json()
    job_id = resp.get_json()["_id"]

    wait_status(client, reviewer, job_id, "SOURCE_QC")
    assert client.post(f"/api/v1/jobs/{job_id}/actions/approve", headers=reviewer["headers"]).status_code == 200
    wait_status(client, reviewer, job_id, "LANGUAGE_QC")
    linguist = users.user("LINGUIST")
    assign = client.post(
        f"/api/v1/jobs/{job_id}/language-qc/es/assign", headers=admin["headers"], json={"linguist_id": linguist["id"]}
    )
    assert assign.status_code == 200, assign.get_json()
    approve = client.post(f"/api/v1/jobs/{job_id}/language-qc/es/approve", headers=linguist["headers"])
    assert approve.status_code == 200, approve.get_json()
    job = wait_status(client, reviewer, job_id, "FINAL_QC")

    files = platform.files
    work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))

    def text(path: str) -> str:
        return files.get_bytes(path).decode("utf-8")

    outputs = job["outputs"]
    # Captions: the recognised English against the script.
    en_caps = vtt.read(text(outputs["en"]["captions_vtt"]))
    hypothesis = " ".join(c.text.replace("\n", " ") for c in en_caps)
    assert wer(video.script, hypothesis) <= 0.15, hypothesis
    # Descriptions mention the on-screen text, inside the pause.
    en_desc = vtt.read(text(outputs["en"]["descriptions_vtt"]))
    assert any("ACME WIDGETS" in c.text for c in en_desc)
    pause = video.pauses[0]
    assert any(pause[0] <= c.start < pause[1] for c in en_desc)
    # Spanish captions exist and carry the glossary's target term.
    es_caps = text(outputs["es"]["captions_vtt"])
    assert "planta" in es_caps.lower() and "fábrica" not in es_caps.lower()
    es_qc = json.loads(text(outputs["es"]["qc_report"]))
    assert es_qc["glossary"]["unenforced"] == [] and es_qc["glossary"]["enforced"]
    # each entry says where its text is said: the sentence starting there has the term
    for entry in es_qc["glossary"]["enforced"]:
        first = [i for i, c in enumerate(en_caps) if entry["kind"] == "captions" and abs(c.start - entry["at"]) < 0.002]
        assert first, entry
        sentence = []
        for c in en_caps[first[0] :]:
            sentence.append(c.text)
            if c.text.rstrip().endswith((".", "!", "?")):
                break
        assert "factory" in " ".join(sentence).lower(), (entry, sentence)
    assert "issues" in es_qc["captions"]
    es_desc = vtt.read(text(outputs["es"]["descriptions_vtt"]))
    assert any("ACME WIDGETS" in c.text for c in es_desc)
    # Spanish descriptions come from the Spanish phrases, not machine translation (decision 0323);
    # the title on a plain picture is a title card (decision 0347)
    assert any('Cartela: "ACME WIDGETS".' in c.text for c in es_desc), es_desc
    # Exports regenerated at render.
    for lang in ("en", "es"):
        assert text(outputs[lang]["captions_srt"]).startswith("1\n")
        assert "<tt" in text(outputs[lang]["captions_ttml"])
    # MP4s: streams, durations, loudness.
    for lang, subtitle_langs in (("en", ["eng"]), ("es", ["spa", "eng"])):
        mp4 = work / f"{lang}.mp4"
        files.get_file(outputs[lang]["video"], mp4)
        s = streams(mp4)
        assert [x["codec_type"] for x in s] == ["video", "audio"] + ["subtitle"] * len(subtitle_langs)
        assert s[0]["codec_name"] == "h264" and s[1]["codec_name"] == "aac"
        assert [x["codec_name"] for x in s[2:]] == ["mov_text"] * len(subtitle_langs)
        assert [x["tags"]["language"] for x in s[2:]] == subtitle_langs
        for x in s[:2]:
            assert abs(float(x["duration"]) - video.duration) <= 0.1, (lang, x["codec_type"], x["duration"])
        loud = ff.loudness(mp4)
        assert abs(loud["integrated_lufs"] + 23) <= 1 and loud["true_peak_dbtp"] <= -1, loud
        narration = work / f"{lang}.m4a"
        files.get_file(outputs[lang]["narration"], narration)
        assert abs(ff.probe(narration).duration - video.duration) <= 0.1
        # one description at a time, and each standard one is heard in the stem and the mix
        cues = vtt.read(text(outputs[lang]["descriptions_vtt"]))
        assert dc.overlaps(cues) == 0, cues
        windows = [(c.start, c.end) for c in cues if not c.extended]
        for heard in (narration, mp4):
            levels = dc.window_levels(dc.momentary(heard), windows)
            assert windows and all(v >= dc.AUDIBLE_LUFS for v in levels), (lang, heard.name, levels)
        burned = work / f"{lang}-burned.mp4"
        files.get_file(outputs[lang]["video_burned_in"], burned)
        assert [x["codec_type"] for x in streams(burned)] == ["video", "audio"]
        assert abs(ff.probe(burned).duration - video.duration) <= 0.1
        extended = work / f"{lang}-extended.mp4"
        files.get_file(outputs[lang]["video_extended"], extended)
        assert ff.probe(extended).duration >= video.duration - 0.1
    report = json.loads(text(outputs["en"]["qc_report"]))
    assert {"captions", "descriptions", "speech", "render"} <= set(report)
    assert report["speech"]["levels"] and report["speech"]["inaudible"] == [], report["speech"]
    assert report["descriptions"]["overlapping"] == 0
    assert report["render"]["accessible"]["integrated_lufs"] == pytest.approx(-23, abs=1)
