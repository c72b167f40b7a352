"""The stored job (shared.domain.jobs.JobDocument) and the API's view of it (shared.models.jobs.Job)
are held together: every field the API shows is a stored field, and the view shows exactly the
model's fields."""

from __future__ import annotations

from typing import get_type_hints

from shared.domain.jobs import JobDocument
from shared.models.jobs import Job
from shared.services.jobs import view

STORED = set(get_type_hints(JobDocument))


def test_every_api_field_is_a_stored_field():
    missing = {name for name in Job.model_fields if name not in STORED}
    assert missing == set(), f"Job shows fields the stored job does not have: {sorted(missing)}"


def test_the_view_shows_the_model_fields_and_nothing_internal():
    stored: JobDocument = {
        "id": "0123456789abcdef01234567",
        "org_id": "o1",
        "created_by": "u1",
        "title": "t",
        "status": "SOURCE_QC",
        "source_language": "en",
        "requested_outputs": ["en", "es"],
        "options": {"delivery_profile": "default"},
        "created_at": "2026-01-01T00:00:00.000000Z",
        "updated_at": "2026-01-01T00:00:00.000000Z",
        "assignees": ["u2"],
        "step_attempts": {"transcribe": 1},
        "step_tries": 1,
        "outbox": [],
        "outbox_pending": False,
        "_version": 3,
    }
    shown = view(stored)
    aliases = {field.alias or name for name, field in Job.model_fields.items()}
    assert set(shown) <= aliases
    assert not {"assignees", "step_attempts", "step_tries", "outbox", "outbox_pending", "_version"} & set(shown)
    assert Job.model_validate(shown).id == stored["id"]
