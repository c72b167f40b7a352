"""The "jobs" collection, typed: every read returns a `JobDocument` (shared.domain.jobs), every
write is a compare-and-set (`update_with_retry`) whose `mutate` receives one, so mypy checks
each job field a service reads or writes (decision 1310).

This is the one place a stored job turns from the document store's plain dict into the typed
document: `_typed` is the only cast. The data itself is unchanged (a TypedDict is a dict at
run time), so stored jobs keep their shape and nothing is copied or validated here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from shared.domain.jobs import JobDocument
from shared.errors import NotFound
from shared.persistence.documents import Documents, Query, update_with_retry

COLLECTION = "jobs"

# A compare-and-set change: gets a copy of the stored job (without `id` and `_version`) and
# returns the new data, or None to leave the job as it is.
JobChange = Callable[[JobDocument], JobDocument | None]


def _typed(doc: dict[str, Any]) -> JobDocument:
    return cast(JobDocument, doc)


def _plain(job: JobDocument) -> dict[str, Any]:
    return cast(dict[str, Any], job)


class JobPage:
    """One page of a job query: the jobs and the cursor of the next page (None at the end)."""

    __slots__ = ("items", "next_cursor")

    def __init__(self, items: list[JobDocument], next_cursor: str | None) -> None:
        self.items = items
        self.next_cursor = next_cursor


class JobStore:
    """The job repository over a document store (SQLite locally, Firestore in the cloud)."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents

    def get(self, job_id: str) -> JobDocument | None:
        """The job (with `id` and `_version`), or None; an empty id is no job."""
        doc = self.documents.get(COLLECTION, job_id) if job_id else None
        return None if doc is None else _typed(doc)

    def require(self, job_id: str) -> JobDocument:
        """The job, or NotFound ("Job not found")."""
        job = self.get(job_id)
        if job is None:
            raise NotFound("Job not found")
        return job

    def create(self, job_id: str, data: JobDocument) -> JobDocument:
        """Store a new job; AlreadyExists if the id is taken."""
        return _typed(self.documents.create(COLLECTION, job_id, _plain(data)))

    def update(self, job_id: str, change: JobChange) -> JobDocument | None:
        """Compare-and-set (shared.persistence.documents.update_with_retry): the stored job after
        `change`, the job unchanged if `change` returned None, or None if there is no such job.
        `change` may run more than once and may raise to refuse the change."""

        def mutate(data: dict[str, Any]) -> dict[str, Any] | None:
            new = change(_typed(data))
            return None if new is None else _plain(new)

        stored = update_with_retry(self.documents, COLLECTION, job_id, mutate, what="job")
        return None if stored is None else _typed(stored)

    def update_existing(self, job_id: str, change: JobChange) -> JobDocument:
        """`update` on a job that must exist: NotFound ("Job not found") if it does not."""
        stored = self.update(job_id, change)
        if stored is None:
            raise NotFound("Job not found")
        return stored

    def delete(self, job_id: str) -> bool:
        return self.documents.delete(COLLECTION, job_id)

    def query(self, q: Query) -> JobPage:
        """One page of the jobs `q` finds. Callers spell the query out (`Query(COLLECTION,
        where=[...], order_by=[...])`) where they make it: tests/unit/test_terraform_indexes.py
        reads those to check every query has its Firestore index."""
        if q.collection != COLLECTION:
            raise ValueError(f"JobStore queries the {COLLECTION} collection, not {q.collection}")
        page = self.documents.query(q)
        return JobPage([_typed(doc) for doc in page.items], page.next_cursor)

    def in_statuses(self, statuses: Iterable[str], limit: int = 500) -> list[JobDocument]:
        return self.query(Query(COLLECTION, where=[("status", "in", list(statuses))], limit=limit)).items

    def with_pending_outbox(self, limit: int = 500) -> list[JobDocument]:
        """Jobs whose status events are not all published yet."""
        return self.query(Query(COLLECTION, where=[("outbox_pending", "==", True)], limit=limit)).items
