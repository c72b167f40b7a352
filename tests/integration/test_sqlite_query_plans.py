"""SqliteDocuments answers every query shape from an index (decision 1201): the plans of the
job-list shapes walk an index in order (no scan of the collection, no sort), and keyset pages
taken through the cursor are exactly the ordered collection, ties included."""

from __future__ import annotations

import pytest

from shared.persistence.documents import Query
from shared.persistence.sqlite_documents import SqliteDocuments

ORGS = ("org-a", "org-b", "org-c")
STATUSES = ("QUEUED", "FINAL_QC", "DELIVERED")


@pytest.fixture
def store(tmp_path):
    docs = SqliteDocuments(tmp_path / "docs.sqlite3")
    for i in range(240):
        docs.create(
            "jobs",
            f"{i:024x}",
            {
                "org_id": ORGS[i % 3],
                "status": STATUSES[i % 4 % 3],
                # every created_at is shared by four jobs: the id breaks the ties
                "created_at": f"2026-12-01T10:{i // 4 // 60:02d}:{i // 4 % 60:02d}.000000Z",
                "assignees": [f"user-{i % 5}"],
            },
        )
        docs.create("users", f"u{i:03d}", {"org_id": ORGS[i % 3], "created_at": f"2026-12-01T{i:06d}"})
    return docs


LIST_SHAPES = [
    [],
    [("org_id", "==", "org-b")],
    [("status", "==", "FINAL_QC")],
    [("status", "==", "FINAL_QC"), ("org_id", "==", "org-b")],
    [("assignees", "array_contains", "user-2")],
    [("assignees", "array_contains", "user-2"), ("org_id", "==", "org-a")],
]


@pytest.mark.parametrize("where", LIST_SHAPES, ids=lambda w: "+".join(f[0] for f in w) or "all")
def test_job_list_pages_walk_an_index(store, where):
    first = Query("jobs", where=where, order_by=[("created_at", "desc")], limit=20)
    page = store.query(first)
    later = Query("jobs", where=where, order_by=[("created_at", "desc")], limit=20, cursor=page.next_cursor)
    for q in (first, later):
        plan = " | ".join(store.explain(q))
        assert "USING INDEX ix_jobs_" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        assert "SCAN documents" not in plan, plan


@pytest.mark.parametrize("where", LIST_SHAPES, ids=lambda w: "+".join(f[0] for f in w) or "all")
@pytest.mark.parametrize("direction", ["desc", "asc"])
def test_keyset_pages_are_the_ordered_collection(store, where, direction):
    everything = store.query(Query("jobs", where=where, order_by=[("created_at", direction)])).items
    expected = sorted(everything, key=lambda d: (d["created_at"], d["id"]), reverse=direction == "desc")
    assert everything == expected and everything
    seen, cursor = [], None
    while True:
        page = store.query(Query("jobs", where=where, order_by=[("created_at", direction)], limit=7, cursor=cursor))
        seen += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    assert [d["id"] for d in seen] == [d["id"] for d in expected]


def test_mixed_directions_page_correctly(store):
    order = [("org_id", "asc"), ("created_at", "desc")]
    expected = sorted(store.query(Query("jobs")).items, key=lambda d: d["created_at"] + d["id"], reverse=True)
    expected = sorted(expected, key=lambda d: d["org_id"])  # stable: org asc, then created_at desc
    seen, cursor = [], None
    while True:
        page = store.query(Query("jobs", order_by=order, limit=11, cursor=cursor))
        seen += page.items
        if not (cursor := page.next_cursor):
            break
    assert [d["id"] for d in seen] == [d["id"] for d in expected]


def test_indexes_are_partial_per_collection_and_survive_reopening(store, tmp_path):
    store.query(Query("users", where=[("org_id", "==", "org-a")], order_by=[("created_at", "asc")], limit=5))
    reopened = SqliteDocuments(tmp_path / "docs.sqlite3")
    conn = reopened._conn()  # noqa: SLF001
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND name LIKE 'ix_users_%'").fetchall()
    assert rows and all("WHERE collection='users'" in sql for _, sql in rows)
    plan = " | ".join(
        reopened.explain(Query("users", where=[("org_id", "==", "org-a")], order_by=[("created_at", "asc")], limit=5))
    )
    assert "USING INDEX ix_users_" in plan and "TEMP B-TREE" not in plan, plan
