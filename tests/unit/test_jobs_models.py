"""Job creation input rules (pydantic) and the API view of a job document."""

import pytest
from pydantic import ValidationError

from shared.auth.tokens import Principal
from shared.domain.jobs import assignees, can_see
from shared.models.jobs import Feedback, JobCreate, Reason, canonical_language
from shared.services.jobs import view


@pytest.mark.parametrize(
    "raw, canonical", [("en", "en"), ("EN-gb", "en-GB"), ("zh_hant_tw", "zh-Hant-TW"), ("es-419", "es-419")]
)
def test_language_codes_are_canonical(raw, canonical):
    assert canonical_language(raw) == canonical


def test_job_create_normalises_and_dedupes():
    job = JobCreate(source_language="EN", requested_outputs=["en", "es", "ES"])
    assert job.source_language == "en" and job.requested_outputs == ["en", "es"]
    assert job.options.model_dump() == {"delivery_profile": "default", "extended_ad": False, "burn_in": False}


@pytest.mark.parametrize(
    "bad",
    [
        {"source_language": "english!", "requested_outputs": ["en"]},
        {"source_language": "en", "requested_outputs": []},
        {"source_language": "en", "requested_outputs": ["en"], "options": {"delivery_profile": "netflix2"}},
        {"source_language": "en", "requested_outputs": ["en"], "surprise": 1},
    ],
)
def test_job_create_refuses(bad):
    with pytest.raises(ValidationError):
        JobCreate.model_validate(bad)


def test_reason_and_feedback_must_have_text():
    with pytest.raises(ValidationError):
        Reason(reason="   ")
    with pytest.raises(ValidationError):
        Feedback(message="")
    assert Reason(reason=" too loud ").reason == "too loud"


JOB = {
    "id": "a" * 24,
    "org_id": "o1",
    "status": "LANGUAGE_QC",
    "source_language": "en",
    "requested_outputs": ["en", "es", "ca"],
    "step_attempts": {"probe": 1},
    "created_at": "t",
    "updated_at": "t",
    "language_qc": {"es": {"assignee": "u1"}, "ca": {"assignee": None}},
}


def test_view_shows_spec_fields_not_internals():
    out = view(JOB)
    assert out["_id"] == "a" * 24 and out["error"] is None and out["outputs"] == {}
    assert "step_attempts" not in out and "id" not in out


@pytest.mark.parametrize(
    "principal, visible",
    [
        (Principal("x", "ADMIN", None), True),
        (Principal("x", "REVIEWER", None), True),
        (Principal("x", "CLIENT", "o1"), True),
        (Principal("y", "CLIENT", "o1"), False),  # another client's job (decision 0906)
        (Principal("x", "CLIENT", "o2"), False),
        (Principal("x", "PM", "o1"), True),
        (Principal("x", "CLIENT", None), False),
        (Principal("u1", "LINGUIST", None), True),
        (Principal("u2", "LINGUIST", "o1"), False),
    ],
)
def test_visibility(principal, visible):
    assert can_see(principal, {**JOB, "created_by": "x"}) is visible


def test_assignees():
    assert assignees(JOB) == ["u1"]
