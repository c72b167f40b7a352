"""The stored job (shared.domain.jobs.JobDocument) and the API's view of it (shared.models.jobs.Job,
which is the OpenAPI schema) are held together:

- every field is declared once: shown by the API (a `Job` field) or internal
  (`INTERNAL_FIELDS`), never both, never neither; the API's only unstored fields are the ones the
  view computes (`DERIVED_FIELDS`: `retrying`, from `step_tries` and `last_error`);
- every value the stored type allows is a value the API model accepts (the types are compared
  field by field, through nested objects and lists);
- the view shows exactly the model's fields and a fully populated stored job passes the model.
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin, get_type_hints

import pytest

from shared.domain.jobs import DERIVED_FIELDS, INTERNAL_FIELDS, JobDocument
from shared.models.jobs import Job
from shared.services.jobs import API_FIELDS, view

STORED = get_type_hints(JobDocument)
API_SCHEMA = Job.model_json_schema(by_alias=False)
API_PROPERTIES = API_SCHEMA["properties"]
DEFS = API_SCHEMA.get("$defs", {})

ANY = "any"


def stored_shape(tp: Any) -> dict[str, Any]:
    """A Python annotation of the stored document as {json type: detail}: the JSON types a value
    may take and, for arrays and objects, what they hold."""
    if tp is Any or tp is object:
        return {ANY: None}
    if tp is type(None) or tp is None:
        return {"null": None}
    if tp is bool:
        return {"boolean": None}
    if tp is int:
        return {"integer": None}
    if tp is float:
        return {"number": None}
    if tp is str:
        return {"string": None}
    if typing.is_typeddict(tp):
        return {"object": {"properties": {k: stored_shape(v) for k, v in get_type_hints(tp).items()}}}
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        out: dict[str, Any] = {}
        for arg in get_args(tp):
            out.update(stored_shape(arg))
        return out
    if origin is typing.Literal:
        return {"string": None}
    if origin is list:
        (item,) = get_args(tp) or (Any,)
        return {"array": stored_shape(item)}
    if origin is dict:
        _, value = get_args(tp) or (str, Any)
        return {"object": {"values": stored_shape(value)}}
    raise AssertionError(f"the test does not know the stored type {tp!r}")


def api_shape(schema: dict[str, Any]) -> dict[str, Any]:
    """The same shape for a JSON schema of the API model."""
    if "$ref" in schema:
        return api_shape(DEFS[schema["$ref"].rsplit("/", 1)[-1]])
    if "anyOf" in schema or "oneOf" in schema:
        out: dict[str, Any] = {}
        for sub in schema.get("anyOf") or schema["oneOf"]:
            out.update(api_shape(sub))
        return out
    kind = schema.get("type")
    if kind is None:
        return {ANY: None}
    if kind == "array":
        return {"array": api_shape(schema.get("items", {}))}
    if kind == "object":
        extra = schema.get("additionalProperties", True)
        values = api_shape(extra) if isinstance(extra, dict) else ({ANY: None} if extra else None)
        props = {k: api_shape(v) for k, v in schema.get("properties", {}).items()}
        return {"object": {"properties": props, "values": values}}
    return {kind: None}


def incompatibilities(stored: dict[str, Any], api: dict[str, Any], where: str) -> list[str]:
    """Where a stored value of shape `stored` could fail the API's shape `api`."""
    if ANY in api:
        return []
    problems = []
    for kind, detail in stored.items():
        if kind == ANY:
            problems.append(f"{where}: stored as Any, the API expects {sorted(api)}")
        elif kind == "integer" and ("integer" in api or "number" in api):
            continue
        elif kind not in api:
            problems.append(f"{where}: stored {kind}, the API expects {sorted(api)}")
        elif kind == "array":
            problems += incompatibilities(detail, api["array"], f"{where}[]")
        elif kind == "object":
            problems += object_incompatibilities(detail, api["object"], where)
    return problems


def object_incompatibilities(stored: dict[str, Any], api: dict[str, Any], where: str) -> list[str]:
    api_props = api.get("properties") or {}
    problems = []
    if "properties" in stored:
        for key, shape in stored["properties"].items():
            if key in api_props:
                problems += incompatibilities(shape, api_props[key], f"{where}.{key}")
            elif api.get("values") is None:
                problems.append(f"{where}.{key}: stored, but the API object allows no such key")
            else:
                problems += incompatibilities(shape, api["values"], f"{where}.{key}")
        return problems
    # a stored mapping with free keys: each value must fit every declared key and the rest
    values = stored["values"]
    for key, shape in api_props.items():
        problems += incompatibilities(values, shape, f"{where}.{key}")
    if api.get("values") is not None:
        problems += incompatibilities(values, api["values"], f"{where}.*")
    return problems


def test_every_field_is_either_shown_or_internal():
    api = set(Job.model_fields)
    assert api - set(STORED) == DERIVED_FIELDS, (
        f"Job shows fields the stored job does not have: {sorted(api - set(STORED))}"
    )
    assert DERIVED_FIELDS & set(STORED) == set(), (
        f"derived fields are never stored: {sorted(DERIVED_FIELDS & set(STORED))}"
    )
    undeclared = set(STORED) - api - INTERNAL_FIELDS
    assert undeclared == set(), (
        f"stored fields neither in the API model nor in INTERNAL_FIELDS: {sorted(undeclared)} "
        "(add them to shared.models.jobs.Job to show them, or to INTERNAL_FIELDS)"
    )
    assert INTERNAL_FIELDS & api == set(), f"fields both internal and shown: {sorted(INTERNAL_FIELDS & api)}"
    assert INTERNAL_FIELDS <= set(STORED), f"internal fields not stored: {sorted(INTERNAL_FIELDS - set(STORED))}"
    assert set(API_FIELDS) | {"id"} == api


@pytest.mark.parametrize("name", sorted(set(Job.model_fields) - DERIVED_FIELDS))
def test_every_stored_value_is_a_valid_api_value(name):
    problems = incompatibilities(stored_shape(STORED[name]), api_shape(API_PROPERTIES[name]), name)
    assert problems == [], "the stored job and the API model disagree:\n" + "\n".join(problems)


def test_the_comparison_finds_drift():
    """The checker itself: a stored string under an integer, Any under a typed key, a key a
    closed object does not allow."""
    assert incompatibilities({"string": None}, {"integer": None}, "x")
    assert incompatibilities({ANY: None}, {"integer": None, "null": None}, "x")
    closed = {"object": {"properties": {"a": {"string": None}}, "values": None}}
    assert incompatibilities({"object": {"properties": {"b": {"string": None}}}}, closed, "x")
    assert not incompatibilities({"integer": None}, {"number": None}, "x")
    assert not incompatibilities(stored_shape(dict[str, int]), api_shape({"type": "object"}), "x")


STORED_JOB: JobDocument = {
    "id": "0123456789abcdef01234567",
    "org_id": "0123456789abcdef01234568",
    "created_by": "0123456789abcdef01234569",
    "title": "Interview",
    "source_language": "en",
    "requested_outputs": ["en", "es"],
    "options": {"delivery_profile": "default", "extended_ad": False, "burn_in": False},
    "glossary_id": None,
    "upload_id": "0123456789abcdef0123456a",
    "created_at": "2026-01-01T00:00:00.000000Z",
    "updated_at": "2026-01-01T00:05:00.000000Z",
    "source_path": "jobs/0123456789abcdef01234567/source.mp4",
    "source_size": 1234,
    "source_content_type": "video/mp4",
    "media": {
        "container": "mp4",
        "duration": 12.5,
        "size": 1234,
        "video_codec": "h264",
        "width": 640,
        "height": 360,
        "fps": 25.0,
        "audio_codec": "aac",
        "sample_rate": 48000,
        "channels": 2,
        "has_audio": True,
    },
    "status": "LANGUAGE_QC",
    "progress": {"step": None, "percent": 100},
    "error": None,
    "outputs": {"en": {"captions_vtt": "jobs/0123456789abcdef01234567/en/captions.vtt"}},
    "qc_report": {"en": {"path": "jobs/0123456789abcdef01234567/en/qc_report.json"}},
    "vtt_changed_since_render": False,
    "language_qc": {
        "es": {"status": "ASSIGNED", "assignee": "u2", "assignee_email": "l@example.com", "history": [], "feedback": []}
    },
    "assignees": ["u2"],
    "feedback": [
        {
            "stage": "SOURCE_QC",
            "message": "ok",
            "by": {"user_id": "u1", "email": "r@example.com", "role": "REVIEWER"},
            "at": "2026-01-01T00:01:00.000000Z",
        }
    ],
    "rejection": None,
    "qc_history": [],
    "step_attempts": {"transcribe": 1},
    "step_tries": 1,
    "step_history": [{"step": "transcribe", "attempt": 1, "seconds": 3.2, "at": "2026-01-01T00:02:00.000000Z"}],
    "last_error": "timeout",
    "failed_step": "translate",
    "outbox": [],
    "outbox_pending": False,
    "_version": 3,
}


def test_the_view_shows_the_model_fields_and_nothing_internal():
    assert set(STORED_JOB) == set(STORED), "the sample must populate every stored field"
    shown = view(STORED_JOB)
    aliases = {field.alias or name for name, field in Job.model_fields.items()}
    assert set(shown) == aliases
    assert not INTERNAL_FIELDS & set(shown)
    model = Job.model_validate(shown)
    assert model.id == STORED_JOB["id"]
    assert model.model_dump(mode="json", by_alias=True, exclude={"media"}) == {
        k: v for k, v in shown.items() if k != "media"
    }


def test_a_step_being_retried_shows_the_attempt_and_the_last_error():
    """`retrying` (decision 0829): set while an automated step waits for or runs its next attempt,
    null at the first attempt, at a human stage, or after the step gave up."""
    running: JobDocument = {
        **STORED_JOB,
        "status": "TTS_GENERATING",
        "step_tries": 3,
        "last_error": "The voice engine stopped.",
    }
    shown = view(running)
    assert shown["retrying"] == {
        "step": "tts",
        "attempt": 3,
        "max_attempts": 5,
        "last_error": "The voice engine stopped.",
    }
    assert Job.model_validate(shown).retrying is not None
    assert view({**running, "step_tries": 1})["retrying"] is None  # the first attempt
    assert view({**running, "status": "SOURCE_QC"})["retrying"] is None  # stale bookkeeping
    assert view({**running, "status": "TTS_FAILED"})["retrying"] is None  # gave up: `error` says it
