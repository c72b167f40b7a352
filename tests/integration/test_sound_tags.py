"""Music-only passages found in generated audio by the real detector (Silero VAD from
faster-whisper, sox/ffmpeg/espeak-ng media; shared.media.sound_tags): chords, a melody and
the quality bench's tune (loud and quiet) are tagged; noise, applause, room tone, silence,
a clock, a hammer, a test tone, a buzz, drums alone, speech and speech over music are not. A
music sting between two answers is tagged between their cues, in the job's profile style and
in Spanish from the phrase table. A reviewer rewords or deletes a tag over the VTT API like any
cue."""

import copy
import json

import pytest

from shared.media import sound_tags, vtt
from shared.pipeline.media_steps import STEPS
from tests.support import quality as q
from tests.support import sound_cases as sc
from tests.support.jobs import api_job
from tests.support.media import Part, make_talking_video

pytestmark = pytest.mark.slow

TAGGED = {"chords", "melody", "bench_tune", "quiet_tune"}


@pytest.fixture(scope="module")
def pieces(tmp_path_factory):
    return sc.generate(tmp_path_factory.mktemp("sound"))


def test_music_is_tagged_and_nothing_else_is(pieces, tmp_path):
    spans = sc.timeline(pieces, tmp_path / "timeline.wav", gap=1.0)
    found = sound_tags.find(tmp_path / "timeline.wav")
    score = sc.score([(p.start, p.end) for p in found], spans)
    tagged = score["tagged_seconds"]
    for name in TAGGED:
        assert tagged[name] >= 4.5, score  # of 6 s
    assert not score["false_in"], score  # no tag in any piece that is not music
    assert score["false_seconds"] <= 0.2, score  # at most an edge past a piece's end
    assert tagged["drums"] == 0.0, score  # percussion alone measures like a hammer: not said
    assert all(p.duration >= sound_tags.MIN_SECONDS for p in found)


def test_music_over_a_noisy_room_is_still_told_from_noise(pieces, tmp_path):
    # Back to back, under a steady noise bed 50 dB down: no silence between pieces to help.
    import numpy as np  # heavy

    spans = sc.timeline(pieces, tmp_path / "joined.wav", gap=0.0)
    x = sound_tags.read_wav(tmp_path / "joined.wav")
    rng = np.random.default_rng(1)
    bed = rng.standard_normal(len(x))
    x = x + (bed * 10 ** (-50 / 20)).astype("float32")
    sc.write_wav(tmp_path / "noisy.wav", x)
    found = sound_tags.find(tmp_path / "noisy.wav")
    score = sc.score([(p.start, p.end) for p in found], spans)
    assert not score["false_in"], score
    assert score["precision_seconds"] >= 0.95, score
    assert sum(1 for n in TAGGED if score["tagged_seconds"][n] >= 3.0) >= 3, score


def test_a_sting_between_answers_is_tagged_between_the_speech_cues_in_the_bbc_style(tmp_path, platform):
    # Speech, three seconds of music alone, speech; a one-second pause later stays silent. The
    # job asks for the BBC profile and Spanish captions.
    tv = make_talking_video(
        [
            Part(text="Our first guest makes garden furniture by hand."),
            Part(pause=3.0),
            Part(text="Welcome to the show, it is good to have you here."),
            Part(pause=1.0),
            Part(text="Thank you, it is good to be here."),
        ],
        tmp_path / "speech.mp4",
    )
    a, b = tv.pauses[0]
    video = sc.with_sting(tv.path, a, b, tmp_path / "sting.mp4")
    job = {
        "id": "sting",
        "source_language": "en",
        "requested_outputs": ["en", "es"],
        "outputs": {},
        "options": {"delivery_profile": "bbc"},
    }
    store = tmp_path / "store"
    (store / "jobs" / "sting").mkdir(parents=True)
    (store / "jobs" / "sting" / "source.mp4").write_bytes(video.read_bytes())
    for step in ("transcribe", "translate"):
        result = STEPS[step](q.FolderIO(copy.deepcopy(job), store, tmp_path / "work" / step))
        q._merge(job, result)
    cues = [vtt.to_cue(c) for c in vtt.read((store / job["outputs"]["en"]["captions_vtt"]).read_text())]
    tags = [c for c in cues if sound_tags.is_tag(c.text)]
    assert [t.text for t in tags] == ["[MUSIC]"], [c.text for c in cues]
    tag = tags[0]
    assert tag.start >= a - 0.2 and tag.end <= b + 0.2 and tag.end - tag.start >= sound_tags.MIN_SECONDS, (tag, a, b)
    i = cues.index(tag)
    assert 0 < i < len(cues) - 1 and cues[i - 1].end <= tag.start and tag.end <= cues[i + 1].start, cues
    report = json.loads((store / job["outputs"]["en"]["qc_report"]).read_text())["captions"]
    assert len(report["sound_tags"]) == 1 and not [x for x in report["issues"] if x["rule"] == "sound_tag"]
    es = [vtt.to_cue(c) for c in vtt.read((store / job["outputs"]["es"]["captions_vtt"]).read_text())]
    assert [c.text for c in es if sound_tags.is_tag(c.text)] == ["[MÚSICA]"], [c.text for c in es]
    assert len(es) == len(cues)  # the tag stood alone: no sentence swallowed it


TAGGED_VTT = """WEBVTT

1
00:00:00.000 --> 00:00:03.840
[music]

2
00:00:04.400 --> 00:00:06.600
Welcome back to the summer sale.
"""
WITHOUT_TAG = "WEBVTT\n\n" + TAGGED_VTT.split("\n\n", 2)[2]


def test_a_reviewer_rewords_and_deletes_a_tag_like_any_cue_over_the_api(client, platform, users):
    org = users.org()
    reviewer = users.user("REVIEWER")
    job_id = api_job(platform, org, "SOURCE_QC", ("en", "es"), media={"duration": 10.0})
    platform.files.put_bytes(f"jobs/{job_id}/en/captions.vtt", TAGGED_VTT.encode(), "text/vtt")
    url = f"/api/v1/jobs/{job_id}/vtt/en"
    for content in (TAGGED_VTT.replace("[music]", "[upbeat music]"), WITHOUT_TAG):
        etag = client.get(url, headers=reviewer["headers"]).headers["ETag"]
        r = client.patch(url, json={"content": content}, headers={**reviewer["headers"], "If-Match": etag})
        assert r.status_code == 200, r.get_json()
        stored = platform.files.get_bytes(f"jobs/{job_id}/en/captions.vtt").decode()
        assert stored == content
    cues = vtt.read(stored)
    assert [c.text for c in cues] == ["Welcome back to the summer sale."]  # the tag is gone
