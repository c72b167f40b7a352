"""`expire_at` on the Firestore emulator: stored as a Firestore timestamp (so the TTL policies
in terraform/modules/firestore/ttl.tf act on it), read back as the same ISO 8601 string, usable
in range filters, orderings and cursors with ISO strings, and purged by housekeeping."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from shared import bootstrap, config
from shared.persistence.documents import Query
from shared.persistence.firestore_documents import FirestoreDocuments
from shared.services import housekeeping
from shared.timestamps import iso_at, now_iso
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401

pytestmark = pytest.mark.emulators


@pytest.fixture
def store(gcp_emulators):  # noqa: F811
    return FirestoreDocuments(project=unique_project())


def raw(store, collection: str, doc_id: str) -> dict:
    return store.client.collection(collection).document(doc_id).get().to_dict()


def test_expire_at_is_a_timestamp_in_firestore_and_the_same_string_in_the_port(store):
    when = now_iso()
    created = store.create("sso_states", "a", {"expire_at": when, "expires_at": "2030-01-01T00:00:00Z", "n": 1})
    assert created["expire_at"] == when
    assert store.get("sso_states", "a")["expire_at"] == when
    stored = raw(store, "sso_states", "a")
    assert isinstance(stored["expire_at"], datetime) and stored["expire_at"].tzinfo is not None
    assert stored["expire_at"].timestamp() == pytest.approx(
        datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp()
    )
    assert stored["expires_at"] == "2030-01-01T00:00:00Z"  # only that one field name is converted

    later = iso_at(time.time() + 3600)
    store.update("sso_states", "a", {"expire_at": later, "n": 2}, expected_version=1)
    assert store.get("sso_states", "a")["expire_at"] == later
    assert isinstance(raw(store, "sso_states", "a")["expire_at"], datetime)

    def tx_write(tx):
        doc = tx.get("sso_states", "a")
        tx.update("sso_states", "a", {**doc, "n": 3}, expected_version=doc["_version"])
        tx.create("sso_states", "b", {"expire_at": when})

    store.transaction(tx_write)
    assert store.get("sso_states", "a")["expire_at"] == later
    assert store.get("sso_states", "b")["expire_at"] == when
    assert isinstance(raw(store, "sso_states", "b")["expire_at"], datetime)

    store.create("sso_states", "legacy", {"n": 0})  # no expire_at: unchanged
    assert "expire_at" not in store.get("sso_states", "legacy")


def test_range_filter_order_and_cursor_on_expire_at(store):
    base = time.time() - 100
    for i in range(5):
        store.create("rate_limits", f"d{i}", {"expire_at": iso_at(base + i)})
    store.create("rate_limits", "future", {"expire_at": iso_at(time.time() + 600)})
    q = Query("rate_limits", where=[("expire_at", "<", now_iso())], order_by=[("expire_at", "asc")], limit=2)
    seen, cursor = [], None
    while True:
        q.cursor = cursor
        page = store.query(q)
        seen += [d["id"] for d in page.items]
        assert all(isinstance(d["expire_at"], str) for d in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [f"d{i}" for i in range(5)]


def test_purge_expired_on_firestore(gcp_emulators):  # noqa: F811
    config.configure(backend="emulators", gcp_project=unique_project())
    bootstrap.reset()
    docs = bootstrap.platform().documents

    assert isinstance(docs, FirestoreDocuments)
    docs.create("sso_states", "old", {"expire_at": iso_at(time.time() - 60)})
    docs.create("sso_states", "new", {"expire_at": iso_at(time.time() + 600)})
    docs.create("refresh_tokens", "old", {"expire_at": iso_at(time.time() - 60)})
    counts = housekeeping.purge_expired()
    assert counts["sso_states"] == 1 and counts["refresh_tokens"] == 1 and counts["uploads"] == 0
    assert docs.get("sso_states", "old") is None and docs.get("sso_states", "new") is not None
    assert housekeeping.purge_expired() == {c: 0 for c in housekeeping.COLLECTIONS}
