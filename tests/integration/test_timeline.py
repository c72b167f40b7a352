"""Waveform peaks (shared.media.peaks) from a real WAV, and GET /api/v1/jobs/{id}/timeline over
the local app serving what the pipeline stored in the job's work folder."""

import json
import math
import struct
import wave

from shared.ids import new_id
from shared.media import peaks
from shared.timestamps import now_iso


def _wav(path, seconds_loud=1.0, seconds_quiet=1.0, rate=16000):
    frames = []
    for i in range(int(rate * seconds_loud)):
        frames.append(int(20000 * math.sin(2 * math.pi * 440 * i / rate)))
    frames += [0] * int(rate * seconds_quiet)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack(f"<{len(frames)}h", *frames))
    return path


def test_peaks_follow_the_loudness_of_the_audio(tmp_path):
    data = peaks.compute(_wav(tmp_path / "a.wav"))
    assert data["version"] == 2 and data["bits"] == 8 and data["channels"] == 1
    assert data["sample_rate"] == 16000 and data["samples_per_pixel"] == peaks.SAMPLES_PER_PIXEL
    assert data["length"] == 32000 // peaks.SAMPLES_PER_PIXEL == len(data["data"]) // 2
    half = data["length"] // 2
    loud, quiet = data["data"][: 2 * half], data["data"][2 * half :]
    assert max(loud) >= 70 and min(loud) <= -70  # 20000/256 = 78
    assert max(quiet) == 0 and min(quiet) >= -1
    assert all(-128 <= v <= 127 for v in data["data"])


def test_timeline_serves_peaks_words_gaps_and_scenes(client, platform, users, tmp_path):
    org = users.org()
    client_user = users.user("CLIENT", org)
    job_id = new_id()
    now = now_iso()
    platform.documents.create(
        "jobs",
        job_id,
        {
            "org_id": org,
            "created_by": client_user["id"],
            "title": "t",
            "status": "SOURCE_QC",
            "source_language": "en",
            "requested_outputs": ["en"],
            "options": {},
            "media": {"duration": 2.0, "fps": 25.0},
            "created_at": now,
            "updated_at": now,
        },
    )
    r = client.get(f"/api/v1/jobs/{job_id}/timeline", headers=client_user["headers"])
    assert r.status_code == 200 and r.get_json()["peaks"] is None and r.get_json()["words"] == []

    wave_json = peaks.compute(_wav(tmp_path / "a.wav"))
    files = platform.files
    files.put_bytes(f"jobs/{job_id}/work/peaks.json", json.dumps(wave_json).encode(), "application/json")
    transcript = {"duration": 2.0, "words": [{"start": 0.1, "end": 0.5, "text": "Hello", "probability": 0.9}]}
    files.put_bytes(f"jobs/{job_id}/work/transcript.json", json.dumps(transcript).encode(), "application/json")
    visual = {
        "events": [{"time": 1.2, "kind": "scene", "text": ""}, {"time": 1.5, "kind": "text", "text": "SALE"}],
        "gaps": [{"start": 0.6, "end": 2.0}],
    }
    files.put_bytes(f"jobs/{job_id}/work/visual.json", json.dumps(visual).encode(), "application/json")
    body = client.get(f"/api/v1/jobs/{job_id}/timeline", headers=client_user["headers"]).get_json()
    assert body["peaks"] == wave_json
    assert body["words"] == [{"start": 0.1, "end": 0.5, "text": "Hello"}]
    assert body["gaps"] == [{"start": 0.6, "end": 2.0}] and body["scenes"] == [1.2]
    assert body["events"] == [{"time": 1.5, "kind": "text", "text": "SALE"}]
    assert body["duration"] == 2.0 and body["fps"] == 25.0

    stranger = users.user("CLIENT", users.org())
    assert client.get(f"/api/v1/jobs/{job_id}/timeline", headers=stranger["headers"]).status_code == 404
    assert client.get("/api/v1/jobs/not-an-id/timeline", headers=client_user["headers"]).status_code == 404
