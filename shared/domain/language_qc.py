"""Per-language QC (design.md, LANGUAGE_QC): states, who may act, and the pure state changes.

A language goes PENDING -> ASSIGNED -> APPROVED, or to REJECTED (with a reason), from which
the PM reassigns it (-> ASSIGNED) for rework. The functions below take and return plain dicts
(the `language_qc[lang]` entry of a job) and never touch storage; a refused action raises
Conflict, NotFound (a language not under QC) or Unprocessable (an empty reason or message).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Unpack

from shared.domain.accounts import Actor
from shared.domain.jobs import JobDocument, LanguageQcDetails, LanguageQcEvent, LanguageQcFeedback, LanguageQcState
from shared.domain.roles import ADMIN, LINGUIST, PM
from shared.domain.status import JobStatus, translated_languages
from shared.errors import Conflict, NotFound, Unprocessable


class LangStatus(str, Enum):
    PENDING = "PENDING"
    ASSIGNED = "ASSIGNED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


L = LangStatus


def empty_state() -> LanguageQcState:
    return {"status": L.PENDING.value, "assignee": None, "history": [], "feedback": []}


def state_of(job: JobDocument, lang: str) -> LanguageQcState:
    """The QC entry of `lang`, with defaults filled in (jobs created before it existed)."""
    entry = empty_state()
    entry.update((job.get("language_qc") or {}).get(lang) or {})
    entry["history"] = list(entry.get("history") or [])
    entry["feedback"] = list(entry.get("feedback") or [])
    return entry


def as_seen_by_linguist(states: dict[str, Any], user_id: str) -> dict[str, Any]:
    """The job's `language_qc` as a LINGUIST sees it: their own languages in full, only the status
    of the others (who else works on the job, with their emails, feedback and history, is not a
    linguist's business; decision 0910)."""
    return {
        lang: entry if (entry or {}).get("assignee") == user_id else {"status": (entry or {}).get("status")}
        for lang, entry in states.items()
    }


def require_qc_language(job: JobDocument, lang: str) -> None:
    if lang not in translated_languages(job):
        langs = ", ".join(translated_languages(job)) or "none"
        raise NotFound(f"Language {lang} is not a translated output of this job (languages under QC: {langs})")


def require_language_qc_stage(job: JobDocument) -> None:
    if job.get("status") != JobStatus.LANGUAGE_QC.value:
        raise Conflict(f"Language QC actions are only possible while the job is LANGUAGE_QC; it is {job.get('status')}")


def may_act(role: str, user_id: str, entry: LanguageQcState) -> bool:
    """Approve/reject/feedback: the assigned linguist, any PM (own org, checked by the caller) or ADMIN."""
    if role in (PM, ADMIN):
        return True
    return role == LINGUIST and entry.get("assignee") == user_id


def _event(action: str, actor: Actor, at: str, **details: Unpack[LanguageQcDetails]) -> LanguageQcEvent:
    return {"action": action, "by": actor["user_id"], "by_email": actor["email"], "at": at, **details}


def assign(entry: LanguageQcState, linguist: dict[str, Any], actor: Actor, at: str) -> LanguageQcState:
    status = entry["status"]
    if status == L.APPROVED.value:
        raise Conflict("This language is already APPROVED; it cannot be reassigned")
    new = entry.copy()
    new.update({"status": L.ASSIGNED.value, "assignee": linguist["id"], "assignee_email": linguist.get("email", "")})
    new["history"] = entry["history"] + [
        _event(
            "assigned",
            actor,
            at,
            assignee=linguist["id"],
            assignee_email=linguist.get("email", ""),
            previous_status=status,
        )
    ]
    return new


def approve(entry: LanguageQcState, actor: Actor, at: str) -> LanguageQcState:
    status = entry["status"]
    if status == L.PENDING.value:
        raise Conflict("This language is PENDING: assign a linguist before approving it")
    if status == L.REJECTED.value:
        raise Conflict("This language was REJECTED: reassign it for rework before approving it")
    if status == L.APPROVED.value:
        raise Conflict("This language is already APPROVED")
    new = entry.copy()
    new["status"] = L.APPROVED.value
    new["history"] = entry["history"] + [_event("approved", actor, at)]
    return new


def reject(entry: LanguageQcState, actor: Actor, at: str, reason: str) -> LanguageQcState:
    reason = (reason or "").strip()
    if not reason:
        raise Unprocessable("A reason is required to reject a language")
    status = entry["status"]
    if status == L.PENDING.value:
        raise Conflict("This language is PENDING: nothing to reject until a linguist is assigned")
    if status == L.REJECTED.value:
        raise Conflict("This language is already REJECTED")
    new = entry.copy()
    new.update({"status": L.REJECTED.value, "rejection_reason": reason})
    new["history"] = entry["history"] + [_event("rejected", actor, at, reason=reason)]
    return new


def add_feedback(entry: LanguageQcState, actor: Actor, at: str, message: str, feedback_id: str) -> LanguageQcState:
    message = (message or "").strip()
    if not message:
        raise Unprocessable("Feedback must not be empty")
    new = entry.copy()
    item: LanguageQcFeedback = {
        "id": feedback_id,
        "author": actor["user_id"],
        "author_email": actor["email"],
        "author_role": actor["role"],
        "at": at,
        "message": message,
    }
    new["feedback"] = entry["feedback"] + [item]
    new["history"] = entry["history"] + [_event("feedback", actor, at, feedback_id=feedback_id)]
    return new


def all_approved(job: JobDocument) -> bool:
    langs = translated_languages(job)
    return bool(langs) and all(state_of(job, lang)["status"] == L.APPROVED.value for lang in langs)
