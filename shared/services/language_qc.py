"""Language QC: read the per-language state of a job, assign a linguist, approve, reject and
give feedback. Every change is a compare-and-set on the job document (`language_qc[lang]`,
plus the denormalized `assignees` list); when the last language is approved the job moves
LANGUAGE_QC -> TTS_GENERATING through shared.services.jobs.transition, whose own CAS on the
status makes that happen exactly once however many approvals race."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared import logs
from shared.auth.tokens import Principal
from shared.domain import language_qc as qc
from shared.domain.accounts import actor as actor_of
from shared.domain.jobs import JobDocument, LanguageQcState, assignees
from shared.domain.roles import LINGUIST, PM
from shared.domain.status import JobStatus, translated_languages
from shared.errors import Conflict, DomainError, Forbidden, Unprocessable
from shared.ids import new_id
from shared.persistence.job_store import JobStore
from shared.services import jobs
from shared.services.job_events import publish_notification
from shared.services.users import get_active_user
from shared.timestamps import now_iso

log = logs.get("avp.language_qc")


def entry_view(job: JobDocument, lang: str) -> dict[str, Any]:
    entry = qc.state_of(job, lang)
    return {
        "job_id": job["id"],
        "lang": lang,
        "status": entry["status"],
        "assignee": entry.get("assignee"),
        "assignee_email": entry.get("assignee_email"),
        "rejection_reason": entry.get("rejection_reason"),
        "history": entry["history"],
        "feedback": entry["feedback"],
    }


def load_for_action(principal: Principal, job_id: str, lang: str) -> JobDocument:
    """The job, for a language action. A LINGUIST who is not assigned `lang` gets 403 (the
    issue's rule), PMs only see their own organisation's jobs (404 otherwise)."""
    if principal.role == LINGUIST:
        job = jobs.store().require(job_id)
        if qc.state_of(job, lang).get("assignee") != principal.user_id:
            raise Forbidden(f"Only the linguist assigned to {lang}, a PM or an ADMIN may act on this language")
    else:
        job = jobs.get_job_for(principal, job_id)
    qc.require_qc_language(job, lang)
    return job


def _update(
    store: JobStore, job_id: str, lang: str, change: Callable[[JobDocument, LanguageQcState], LanguageQcState]
) -> JobDocument:
    """Compare-and-set on the job: check the stage, apply `change(job, entry)` to the language's
    entry and keep `assignees` in sync (re-run on a fresh read when another writer came first)."""

    def apply(job: JobDocument) -> JobDocument:
        qc.require_language_qc_stage(job)
        entry = change(job, qc.state_of(job, lang))
        states = dict(job.get("language_qc") or {})
        states[lang] = entry
        job["language_qc"] = states
        job["assignees"] = assignees(job)
        job["updated_at"] = now_iso()
        return job

    return store.update_existing(job_id, apply)


def get_language_qc(principal: Principal, job_id: str) -> dict[str, Any]:
    job = jobs.get_job_for(principal, job_id)
    return {
        "job_id": job["id"],
        "job_status": job.get("status"),
        "source_language": job.get("source_language"),
        "languages": [entry_view(job, lang) for lang in translated_languages(job)],
    }


def assign(principal: Principal, job_id: str, lang: str, linguist_id: str) -> dict[str, Any]:
    job = load_for_action(principal, job_id, lang)
    if job.get("status") != JobStatus.LANGUAGE_QC.value:
        raise Conflict(f"Languages can be assigned only while the job is LANGUAGE_QC; it is {job.get('status')}")
    linguist = get_active_user(linguist_id)
    if linguist is None or linguist.get("role") != LINGUIST:
        raise Unprocessable("linguist_id must be the id of an active user with the LINGUIST role")
    if principal.role == PM and linguist.get("org_id") != principal.org_id:
        raise Unprocessable("A PM may assign only linguists of their own organisation")
    linguist = {"id": linguist_id, "email": linguist.get("email", "")}
    actor, at = actor_of(principal), now_iso()
    stored = _update(jobs.store(), job["id"], lang, lambda _job, entry: qc.assign(entry, linguist, actor, at))
    publish_notification(
        stored,
        "assignment",
        f"{lang} assigned to {linguist['email'] or linguist_id} for language QC",
        lang=lang,
        assignee=linguist_id,
        by=principal.user_id,
    )
    return entry_view(stored, lang)


def approve(principal: Principal, job_id: str, lang: str) -> dict[str, Any]:
    job = load_for_action(principal, job_id, lang)
    actor, at = actor_of(principal), now_iso()
    entry = qc.state_of(job, lang)
    if (
        entry["status"] == qc.L.APPROVED.value
        and job.get("status") == JobStatus.LANGUAGE_QC.value
        and qc.all_approved(job)
    ):
        # A repeated approve after a crash between the last approval and the status change.
        _advance_if_done(job["id"])
        raise Conflict("This language is already APPROVED")
    stored = _update(jobs.store(), job["id"], lang, lambda _job, e: qc.approve(e, actor, at))
    stored = _advance_if_done(stored["id"]) or stored
    return entry_view(stored, lang)


def _advance_if_done(job_id: str) -> JobDocument | None:
    """Move the job on when every language is approved. Of racing callers, the status CAS in
    transition() lets exactly one win; the others see Conflict and leave it."""
    job = jobs.store().get(job_id)
    if job is None or job.get("status") != JobStatus.LANGUAGE_QC.value or not qc.all_approved(job):
        return None
    try:
        return jobs.transition(job_id, JobStatus.LANGUAGE_QC.value, JobStatus.TTS_GENERATING.value)
    except Conflict:
        return None
    except DomainError:
        log.exception("advance after language QC failed", extra={"fields": {"job_id": job_id}})
        return None


def reject(principal: Principal, job_id: str, lang: str, reason: str) -> dict[str, Any]:
    job = load_for_action(principal, job_id, lang)
    actor, at = actor_of(principal), now_iso()
    stored = _update(jobs.store(), job["id"], lang, lambda _job, e: qc.reject(e, actor, at, reason))
    publish_notification(
        stored,
        "rejection",
        f"{lang} rejected in language QC: {reason.strip()}",
        lang=lang,
        reason=reason.strip(),
        by=principal.user_id,
        assignee=qc.state_of(stored, lang).get("assignee"),
    )
    return entry_view(stored, lang)


def feedback(principal: Principal, job_id: str, lang: str, message: str) -> dict[str, Any]:
    job = load_for_action(principal, job_id, lang)
    actor, at, fid = actor_of(principal), now_iso(), new_id()
    stored = _update(jobs.store(), job["id"], lang, lambda _job, e: qc.add_feedback(e, actor, at, message, fid))
    publish_notification(
        stored,
        "feedback",
        f"Feedback on {lang}: {message.strip()}",
        lang=lang,
        feedback_id=fid,
        by=principal.user_id,
        assignee=qc.state_of(stored, lang).get("assignee"),
    )
    return entry_view(stored, lang)
