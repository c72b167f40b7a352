"""shared.persistence.documents.update_with_retry: the one compare-and-set helper."""

from __future__ import annotations

import pytest

from shared.errors import Conflict, NotFound, VersionConflict
from shared.persistence.documents import CAS_ATTEMPTS, update_existing, update_with_retry


class RacingStore:
    """A document store whose first `lose` writes find the version moved on."""

    def __init__(self, lose: int):
        self.doc = {"id": "d", "_version": 1, "n": 0}
        self.lose = lose
        self.reads = 0

    def get(self, collection, doc_id):
        self.reads += 1
        return dict(self.doc) if doc_id == "d" else None

    def update(self, collection, doc_id, data, *, expected_version):
        if self.lose:
            self.lose -= 1
            self.doc["_version"] += 1  # another writer came first
            raise VersionConflict(doc_id)
        assert expected_version == self.doc["_version"]
        self.doc = {**data, "id": doc_id, "_version": expected_version + 1}
        return dict(self.doc)


def bump(data: dict) -> dict:
    return {**data, "n": data["n"] + 1}


def test_retries_from_a_fresh_read_until_the_write_wins():
    store = RacingStore(lose=3)
    stored = update_with_retry(store, "c", "d", bump)
    assert stored["n"] == 1 and store.reads == 4


def test_gives_up_with_409_naming_what_changes():
    store = RacingStore(lose=CAS_ATTEMPTS)
    with pytest.raises(Conflict, match="The glossary is changing too often; retry"):
        update_with_retry(store, "c", "d", bump, what="glossary")
    assert store.reads == CAS_ATTEMPTS


def test_none_from_mutate_leaves_the_document_and_a_missing_one_gives_none():
    store = RacingStore(lose=0)
    assert update_with_retry(store, "c", "d", lambda data: None)["_version"] == 1
    assert update_with_retry(store, "c", "missing", bump) is None


def test_a_refusal_inside_mutate_propagates_without_a_write():
    store = RacingStore(lose=0)

    def refuse(data):
        raise Conflict("Job is COMPLETED; this needs it to be FINAL_QC")

    with pytest.raises(Conflict, match="COMPLETED"):
        update_with_retry(store, "c", "d", refuse)
    assert store.doc["_version"] == 1


def test_update_existing_answers_404_for_a_missing_document():
    store = RacingStore(lose=0)
    assert update_existing(store, "c", "d", bump, what="glossary")["n"] == 1
    with pytest.raises(NotFound, match="Glossary not found"):
        update_existing(store, "c", "missing", bump, what="glossary")
