"""The document-store contract: every adapter of shared.persistence.documents.Documents passes
these tests unchanged (SQLite locally, Firestore through its emulator)."""

from __future__ import annotations

import threading

import pytest

from shared.errors import AlreadyExists, Invalid, VersionConflict
from shared.persistence.documents import Query, update_with_retry
from shared.persistence.firestore_documents import FirestoreDocuments
from shared.persistence.sqlite_documents import SqliteDocuments
from tests.integration.emulators import gcp_emulators, unique_project  # noqa: F401


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.emulators)])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SqliteDocuments(tmp_path / "docs.sqlite3")
    request.getfixturevalue("gcp_emulators")

    return FirestoreDocuments(project=unique_project())


def ids(page):
    return [d["id"] for d in page.items]


def test_get_missing_is_none(store):
    assert store.get("things", "nope") is None


def test_create_then_get_round_trips_json_values(store):
    data = {
        "name": "A",
        "n": 3,
        "ratio": 0.5,
        "ok": True,
        "none": None,
        "tags": ["x", "y"],
        "nested": {"a": {"b": [1, 2]}, "s": "t"},
    }
    created = store.create("things", "a1", data)
    assert created == {**data, "id": "a1", "_version": 1}
    assert store.get("things", "a1") == {**data, "id": "a1", "_version": 1}


def test_create_if_absent_refuses_existing(store):
    store.create("things", "a1", {"v": 1})
    with pytest.raises(AlreadyExists):
        store.create("things", "a1", {"v": 2})
    assert store.get("things", "a1")["v"] == 1


def test_meta_keys_in_data_are_ignored(store):
    created = store.create("things", "a1", {"id": "other", "_version": 99, "v": 1})
    assert created["id"] == "a1" and created["_version"] == 1
    doc = store.get("things", "a1")
    assert doc["id"] == "a1" and doc["_version"] == 1 and doc["v"] == 1


def test_update_is_compare_and_set_and_replaces_data(store):
    store.create("things", "a1", {"v": 1, "gone": "x"})
    updated = store.update("things", "a1", {"v": 2}, expected_version=1)
    assert updated == {"v": 2, "id": "a1", "_version": 2}
    assert store.get("things", "a1") == {"v": 2, "id": "a1", "_version": 2}
    with pytest.raises(VersionConflict):
        store.update("things", "a1", {"v": 3}, expected_version=1)
    assert store.get("things", "a1")["v"] == 2


def test_update_of_missing_document_is_a_conflict(store):
    with pytest.raises(VersionConflict):
        store.update("things", "missing", {"v": 1}, expected_version=1)
    assert store.get("things", "missing") is None


def test_delete(store):
    store.create("things", "a1", {"v": 1})
    assert store.delete("things", "a1") is True
    assert store.get("things", "a1") is None
    assert store.delete("things", "a1") is False


def test_update_replaces_nested_maps_and_keeps_dotted_keys(store):
    store.create("things", "a1", {"outputs": {"en": {"vtt": "x", "srt": "y"}}, "a.b": 1})
    store.update("things", "a1", {"outputs": {"en": {"vtt": "z"}}, "a.b": 2, "new": [1]}, expected_version=1)
    assert store.get("things", "a1") == {
        "outputs": {"en": {"vtt": "z"}},
        "a.b": 2,
        "new": [1],
        "id": "a1",
        "_version": 2,
    }


def test_delete_with_expected_version(store):
    store.create("things", "a1", {"v": 1})
    store.update("things", "a1", {"v": 2}, expected_version=1)
    with pytest.raises(VersionConflict):
        store.delete("things", "a1", expected_version=1)
    assert store.get("things", "a1") is not None
    assert store.delete("things", "a1", expected_version=2) is True
    assert store.delete("things", "a1", expected_version=2) is False


def test_collections_are_separate(store):
    store.create("things", "same", {"k": "things"})
    store.create("others", "same", {"k": "others"})
    assert store.get("things", "same")["k"] == "things"
    assert store.get("others", "same")["k"] == "others"


def _seed(store):
    rows = [
        (
            "j1",
            {"org": "o1", "status": "CREATED", "n": 5, "tags": ["a", "b"], "meta": {"lang": "en"}, "at": "2026-01-01"},
        ),
        ("j2", {"org": "o1", "status": "UPLOADED", "n": 3, "tags": ["b"], "meta": {"lang": "es"}, "at": "2026-01-03"}),
        ("j3", {"org": "o2", "status": "CREATED", "n": 9, "tags": [], "meta": {"lang": "en"}, "at": "2026-01-02"}),
        (
            "j4",
            {
                "org": "o1",
                "status": "COMPLETED",
                "n": 1,
                "tags": ["c", "a"],
                "meta": {"lang": "fr"},
                "at": "2026-01-05",
            },
        ),
        ("j5", {"org": "o2", "status": "UPLOADED", "n": 7, "tags": ["a"], "meta": {"lang": "en"}, "at": "2026-01-04"}),
        ("j6", {"org": None, "status": "CREATED", "n": 5, "tags": ["z"], "meta": {"lang": "de"}, "at": "2026-01-06"}),
    ]
    for doc_id, data in rows:
        store.create("jobs", doc_id, data)


def test_query_equality_and_order(store):
    _seed(store)
    page = store.query(Query("jobs", where=[("org", "==", "o1")], order_by=[("at", "desc")]))
    assert ids(page) == ["j4", "j2", "j1"]
    assert page.next_cursor is None
    assert all(d["_version"] == 1 for d in page.items)


def test_query_equality_with_none(store):
    _seed(store)
    assert ids(store.query(Query("jobs", where=[("org", "==", None)]))) == ["j6"]


def test_query_ranges(store):
    _seed(store)
    assert ids(store.query(Query("jobs", where=[("n", ">", 5)], order_by=[("n", "asc")]))) == ["j5", "j3"]
    assert ids(store.query(Query("jobs", where=[("n", ">=", 5)], order_by=[("n", "asc")]))) == ["j1", "j6", "j5", "j3"]
    assert ids(store.query(Query("jobs", where=[("n", "<", 5)], order_by=[("n", "desc")]))) == ["j2", "j4"]
    assert ids(store.query(Query("jobs", where=[("n", "<=", 3)], order_by=[("n", "asc")]))) == ["j4", "j2"]
    between = Query("jobs", where=[("at", ">=", "2026-01-02"), ("at", "<", "2026-01-05")], order_by=[("at", "asc")])
    assert ids(store.query(between)) == ["j3", "j2", "j5"]


def test_query_range_on_one_field_ordered_by_another(store):
    _seed(store)
    q = Query("jobs", where=[("org", "==", "o1"), ("at", ">=", "2026-01-02")], order_by=[("n", "asc")])
    assert ids(store.query(q)) == ["j4", "j2"]


def test_query_in_and_array_contains(store):
    _seed(store)
    q = Query("jobs", where=[("status", "in", ["UPLOADED", "COMPLETED"])], order_by=[("at", "asc")])
    assert ids(store.query(q)) == ["j2", "j5", "j4"]
    assert ids(store.query(Query("jobs", where=[("tags", "array_contains", "a")], order_by=[("at", "asc")]))) == [
        "j1",
        "j5",
        "j4",
    ]
    assert store.query(Query("jobs", where=[("status", "in", [])])).items == []


def test_query_on_nested_field(store):
    _seed(store)
    q = Query("jobs", where=[("meta.lang", "==", "en")], order_by=[("n", "asc")])
    assert ids(store.query(q)) == ["j1", "j5", "j3"]


def test_query_ties_are_broken_by_id(store):
    _seed(store)
    assert ids(store.query(Query("jobs", where=[("n", "==", 5)], order_by=[("n", "asc")]))) == ["j1", "j6"]
    assert ids(store.query(Query("jobs", where=[("n", "==", 5)], order_by=[("n", "desc")]))) == ["j6", "j1"]


def test_query_without_order_is_by_id(store):
    _seed(store)
    assert ids(store.query(Query("jobs"))) == ["j1", "j2", "j3", "j4", "j5", "j6"]


@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_query_pages_with_cursor_visit_every_document_once(store, direction):
    for i in range(11):
        store.create("items", f"i{i:02d}", {"group": "g", "rank": i % 4, "k": i})
    store.create("items", "other", {"group": "h", "rank": 0, "k": 99})
    seen, cursor, pages = [], None, 0
    while True:
        page = store.query(
            Query("items", where=[("group", "==", "g")], order_by=[("rank", direction)], limit=3, cursor=cursor)
        )
        assert len(page.items) <= 3
        seen += ids(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 4
    assert sorted(seen) == sorted(f"i{i:02d}" for i in range(11))
    assert len(seen) == len(set(seen))
    ranks = [store.get("items", i)["rank"] for i in seen]
    assert ranks == sorted(ranks, reverse=direction == "desc")


def test_query_cursor_with_range_filter(store):
    for i in range(7):
        store.create("items", f"i{i}", {"at": f"2026-01-0{i + 1}", "org": "o"})
    q = Query("items", where=[("org", "==", "o"), ("at", ">", "2026-01-02")], order_by=[("at", "desc")], limit=2)
    first = store.query(q)
    assert ids(first) == ["i6", "i5"]
    second = store.query(Query(q.collection, q.where, q.order_by, 2, first.next_cursor))
    assert ids(second) == ["i4", "i3"]
    third = store.query(Query(q.collection, q.where, q.order_by, 2, second.next_cursor))
    assert ids(third) == ["i2"] and third.next_cursor is None


def test_query_limit_exact_fit_has_no_next_cursor(store):
    for i in range(3):
        store.create("items", f"i{i}", {"k": i})
    page = store.query(Query("items", order_by=[("k", "asc")], limit=3))
    assert ids(page) == ["i0", "i1", "i2"] and page.next_cursor is None


def test_query_rejects_bad_cursor(store):
    store.create("items", "i0", {"k": 0})
    with pytest.raises(Invalid):
        store.query(Query("items", order_by=[("k", "asc")], limit=1, cursor="not-a-cursor!"))


def test_transaction_commits_all_writes(store):
    store.create("acct", "a", {"balance": 10})
    store.create("acct", "b", {"balance": 0})

    def move(tx):
        a, b = tx.get("acct", "a"), tx.get("acct", "b")
        tx.update("acct", "a", {"balance": a["balance"] - 4}, expected_version=a["_version"])
        tx.update("acct", "b", {"balance": b["balance"] + 4}, expected_version=b["_version"])
        tx.create("log", "t1", {"amount": 4})
        return "moved"

    assert store.transaction(move) == "moved"
    assert store.get("acct", "a")["balance"] == 6 and store.get("acct", "a")["_version"] == 2
    assert store.get("acct", "b")["balance"] == 4
    assert store.get("log", "t1") == {"amount": 4, "id": "t1", "_version": 1}


def test_transaction_failure_writes_nothing(store):
    store.create("acct", "a", {"balance": 10})

    class Boom(Exception):
        pass

    def fail(tx):
        a = tx.get("acct", "a")
        tx.update("acct", "a", {"balance": 0}, expected_version=a["_version"])
        tx.create("log", "t1", {"amount": 10})
        raise Boom()

    with pytest.raises(Boom):
        store.transaction(fail)
    assert store.get("acct", "a") == {"balance": 10, "id": "a", "_version": 1}
    assert store.get("log", "t1") is None


def test_transaction_create_and_version_checks(store):
    store.create("acct", "a", {"balance": 10})
    with pytest.raises(AlreadyExists):
        store.transaction(lambda tx: tx.create("acct", "a", {"balance": 1}))
    with pytest.raises(VersionConflict):
        store.transaction(lambda tx: (tx.get("acct", "a"), tx.update("acct", "a", {"balance": 1}, expected_version=7)))
    assert store.get("acct", "a")["balance"] == 10

    def remove(tx):
        doc = tx.get("acct", "a")
        return tx.delete("acct", "a", expected_version=doc["_version"])

    assert store.transaction(remove) is True
    assert store.get("acct", "a") is None
    assert store.transaction(lambda tx: tx.get("acct", "a")) is None


def test_concurrent_transactions_are_serialised(store):
    store.create("counters", "c", {"n": 0})
    errors = []

    def bump(tx):
        doc = tx.get("counters", "c")
        tx.update("counters", "c", {"n": doc["n"] + 1}, expected_version=doc["_version"])

    def worker():
        try:
            for _ in range(3):
                store.transaction(bump)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    # small on purpose: the Firestore emulator resolves lock contention by a 2 s lock timeout
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    doc = store.get("counters", "c")
    assert doc["n"] == 6 and doc["_version"] == 7


def test_update_with_retry_under_contention_loses_no_write(store):
    store.create("counters", "c", {"items": []})

    def worker(tag):
        for i in range(4):
            update_with_retry(store, "counters", "c", lambda d: {**d, "items": d["items"] + [f"{tag}{i}"]})

    threads = [threading.Thread(target=worker, args=(t,)) for t in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    doc = store.get("counters", "c")
    assert sorted(doc["items"]) == sorted(f"{t}{i}" for t in "xyz" for i in range(4))
    assert doc["_version"] == 13
