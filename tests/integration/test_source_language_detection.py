"""A job may leave `source_language` out to have the spoken language detected: it is created
as "und" (BCP-47 undetermined) with every output under language QC, and outputs no installed
translation covers are refused up front."""

import io

from tests.integration.test_jobs_api import org, videos  # noqa: F401  (fixtures)


def post(client, user, video, outputs):
    return client.post(
        "/api/v1/jobs",
        data={"requested_outputs": outputs, "file": (io.BytesIO(video), "clip.mp4")},
        headers=user["headers"],
        content_type="multipart/form-data",
    )


def test_a_job_without_source_language_is_created_for_detection(client, org, videos):  # noqa: F811
    resp = post(client, org["client"], videos["good"], "en,es")
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    assert job["source_language"] == "und" and job["requested_outputs"] == ["en", "es"]
    assert set(job["language_qc"]) == {"en", "es"}


def test_detection_jobs_still_refuse_outputs_nothing_translates(client, org, videos):  # noqa: F811
    resp = post(client, org["client"], videos["good"], "en,ja")
    assert resp.status_code == 400
    detail = resp.get_json()["detail"]
    assert detail.startswith("No installed translation covers ja") and "es" in detail


def test_a_source_language_the_speech_model_does_not_know_is_refused(client, org, videos):  # noqa: F811
    resp = client.post(
        "/api/v1/jobs",
        data={"source_language": "eo", "requested_outputs": "eo,en", "file": (io.BytesIO(videos["good"]), "c.mp4")},
        headers=org["client"]["headers"],
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400 and "cannot be transcribed" in resp.get_json()["detail"]
