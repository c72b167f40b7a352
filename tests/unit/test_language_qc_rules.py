"""Language QC state rules (pure domain code)."""

import pytest

from shared.domain import language_qc as qc
from shared.domain.jobs import assignees
from shared.errors import Conflict, NotFound, Unprocessable

ACTOR = {"user_id": "pm1", "email": "pm@example.com", "role": "PM"}
LING = {"id": "l1", "email": "l1@example.com"}


def job(**states):
    return {
        "id": "j",
        "status": "LANGUAGE_QC",
        "source_language": "en",
        "requested_outputs": ["en", "es", "ca"],
        "language_qc": states,
    }


def test_missing_entries_default_to_pending():
    entry = qc.state_of(job(), "es")
    assert entry == {"status": "PENDING", "assignee": None, "history": [], "feedback": []}


def test_assign_approve_flow_records_history():
    e = qc.assign(qc.empty_state(), LING, ACTOR, "t1")
    assert e["status"] == "ASSIGNED" and e["assignee"] == "l1"
    e = qc.approve(e, {"user_id": "l1", "email": "l1@example.com", "role": "LINGUIST"}, "t2")
    assert e["status"] == "APPROVED"
    assert [h["action"] for h in e["history"]] == ["assigned", "approved"]
    assert e["history"][0]["assignee"] == "l1" and e["history"][1]["by"] == "l1"


def test_approve_needs_an_assigned_language():
    with pytest.raises(Conflict, match="assign a linguist"):
        qc.approve(qc.empty_state(), ACTOR, "t")
    rejected = qc.reject(qc.assign(qc.empty_state(), LING, ACTOR, "t"), ACTOR, "t", "wrong terms")
    with pytest.raises(Conflict, match="reassign"):
        qc.approve(rejected, ACTOR, "t")
    again = qc.assign(rejected, LING, ACTOR, "t")
    assert qc.approve(again, ACTOR, "t")["status"] == "APPROVED"


def test_reject_needs_a_reason_and_keeps_it():
    assigned = qc.assign(qc.empty_state(), LING, ACTOR, "t")
    with pytest.raises(Unprocessable):
        qc.reject(assigned, ACTOR, "t", "   ")
    e = qc.reject(assigned, ACTOR, "t", " bad glossary use ")
    assert e["status"] == "REJECTED" and e["rejection_reason"] == "bad glossary use"
    assert e["history"][-1]["reason"] == "bad glossary use"


def test_approved_language_cannot_be_reassigned():
    approved = qc.approve(qc.assign(qc.empty_state(), LING, ACTOR, "t"), ACTOR, "t")
    with pytest.raises(Conflict, match="already APPROVED"):
        qc.assign(approved, LING, ACTOR, "t")


def test_feedback_is_stored_with_author_and_time():
    e = qc.add_feedback(qc.empty_state(), ACTOR, "2026-01-01T00:00:00Z", "check line 3", "f1")
    assert e["feedback"] == [
        {
            "id": "f1",
            "author": "pm1",
            "author_email": "pm@example.com",
            "author_role": "PM",
            "at": "2026-01-01T00:00:00Z",
            "message": "check line 3",
        }
    ]
    with pytest.raises(Unprocessable):
        qc.add_feedback(e, ACTOR, "t", "", "f2")


def test_only_the_assigned_linguist_pm_or_admin_may_act():
    entry = {"assignee": "l1"}
    assert qc.may_act("LINGUIST", "l1", entry)
    assert not qc.may_act("LINGUIST", "l2", entry)
    assert qc.may_act("PM", "x", entry) and qc.may_act("ADMIN", "x", entry)
    assert not qc.may_act("REVIEWER", "x", entry)


def test_all_approved_and_assignees():
    j = job(es={"status": "APPROVED", "assignee": "l1"}, ca={"status": "ASSIGNED", "assignee": "l2"})
    assert not qc.all_approved(j)
    j["language_qc"]["ca"]["status"] = "APPROVED"
    assert qc.all_approved(j)
    assert assignees(j) == ["l1", "l2"]


def test_stage_and_language_checks():
    with pytest.raises(Conflict, match="it is SOURCE_QC"):
        qc.require_language_qc_stage({"status": "SOURCE_QC"})
    with pytest.raises(NotFound):
        qc.require_qc_language(job(), "en")
    qc.require_qc_language(job(), "ca")
