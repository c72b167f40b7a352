"""SqliteDocuments: the document-store port on SQLite (WAL), one connection per thread.

Queries are index-backed (decision 1201): the first query of a shape (collection, equality and
`in` fields, order, range fields) creates a partial expression index for that shape, the way
Firestore needs a composite index per query shape, so a page is a short index walk (keyset
paging from the cursor) and never a scan of the collection. `array_contains` filters are
checked per row along the index of the rest of the query."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from shared import fast_json
from shared.errors import AlreadyExists, Invalid, VersionConflict
from shared.file_modes import private_dir, private_file
from shared.persistence.documents import OPS, Page, Query, Transaction, cursor_for, decode_cursor

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, id)
) WITHOUT ROWID;
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the settings every local SQLite file of the platform uses."""
    private_dir(path.parent)
    private_file(path)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class PerThreadConnection:
    """One connection per thread to one SQLite file (sqlite3 connections are not shared across
    threads here); call it to get the calling thread's connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn


_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9_]{1,100}$")


def _json_path(field: str) -> str:
    if not all(part.replace("_", "").replace("-", "").isalnum() for part in field.split(".")):
        raise Invalid(f"Invalid field name: {field}")
    return "$." + ".".join(f'"{p}"' for p in field.split("."))


def _sql_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return v


class _Tx:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def get(self, collection: str, doc_id: str) -> dict | None:
        row = self.conn.execute(
            "SELECT version, data FROM documents WHERE collection=? AND id=?", (collection, doc_id)
        ).fetchone()
        if row is None:
            return None
        doc = fast_json.loads(row[1])
        doc["id"] = doc_id
        doc["_version"] = row[0]
        return doc

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        body = {k: v for k, v in data.items() if k not in ("id", "_version")}
        try:
            self.conn.execute(
                "INSERT INTO documents (collection, id, version, data) VALUES (?, ?, 1, ?)",
                (collection, doc_id, json.dumps(body)),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExists(f"{collection}/{doc_id}") from None
        return {**body, "id": doc_id, "_version": 1}

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        body = {k: v for k, v in data.items() if k not in ("id", "_version")}
        cur = self.conn.execute(
            "UPDATE documents SET version=version+1, data=? WHERE collection=? AND id=? AND version=?",
            (json.dumps(body), collection, doc_id, expected_version),
        )
        if cur.rowcount != 1:
            raise VersionConflict(f"{collection}/{doc_id}")
        return {**body, "id": doc_id, "_version": expected_version + 1}

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        if expected_version is None:
            cur = self.conn.execute("DELETE FROM documents WHERE collection=? AND id=?", (collection, doc_id))
            return cur.rowcount == 1
        cur = self.conn.execute(
            "DELETE FROM documents WHERE collection=? AND id=? AND version=?", (collection, doc_id, expected_version)
        )
        if cur.rowcount != 1:
            if self.get(collection, doc_id) is None:
                return False
            raise VersionConflict(f"{collection}/{doc_id}")
        return True


class SqliteDocuments:
    """Document store on one SQLite file in WAL mode."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._conn = PerThreadConnection(self.path)
        self._conn().executescript(SCHEMA)
        self._indexes = {
            name for (name,) in self._conn().execute("SELECT name FROM sqlite_master WHERE type='index'").fetchall()
        }
        self._shapes: set[tuple] = set()  # query shapes whose index is known to exist
        self._index_lock = threading.Lock()

    def _ensure_index(self, collection: str, columns: list[tuple[str, str]]) -> None:
        """The partial index `columns` (SQL expression, ASC|DESC) over `collection`'s documents."""
        shape = (collection, *columns)
        if shape in self._shapes:  # every query after the first of its shape: one set lookup
            return
        spec = ", ".join(f"{expr} {direction}" for expr, direction in columns)
        name = f"ix_{collection}_{hashlib.sha1(spec.encode()).hexdigest()[:16]}"
        with self._index_lock:
            if name not in self._indexes:
                self._conn().execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON documents ({spec}) WHERE collection='{collection}'"
                )
                self._indexes.add(name)
            self._shapes.add(shape)

    def get(self, collection: str, doc_id: str) -> dict | None:
        return _Tx(self._conn()).get(collection, doc_id)

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        return _Tx(self._conn()).create(collection, doc_id, data)

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        return _Tx(self._conn()).update(collection, doc_id, data, expected_version=expected_version)

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        return _Tx(self._conn()).delete(collection, doc_id, expected_version=expected_version)

    def transaction(self, fn: Callable[[Transaction], T]) -> T:
        conn = self._conn()
        for attempt in range(50):
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                time.sleep(0.01 * (attempt + 1))
                continue
            try:
                result = fn(_Tx(conn))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result
        raise VersionConflict("database busy")

    def query(self, q: Query) -> Page:
        select = self._select(q)
        if select is None:
            return Page([], None)
        rows = self._conn().execute(*select).fetchall()
        items = []
        for doc_id, version, data in rows:
            doc = fast_json.loads(data)
            doc["id"] = doc_id
            doc["_version"] = version
            items.append(doc)
        next_cursor = None
        if q.limit is not None and len(items) > q.limit:
            items = items[: q.limit]
            next_cursor = cursor_for(items[-1], list(q.order_by))
        return Page(items, next_cursor)

    def explain(self, q: Query) -> list[str]:
        """SQLite's plan for `q` (EXPLAIN QUERY PLAN lines), for tests and diagnostics."""
        select = self._select(q)
        if select is None:
            return []
        sql, params = select
        return [row[-1] for row in self._conn().execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]

    def _select(self, q: Query) -> tuple[str, list] | None:
        """The SELECT of `q` and its parameters (None when it cannot match anything)."""
        indexed = bool(_COLLECTION_NAME.match(q.collection))
        # a literal collection lets SQLite use the partial indexes (a bound parameter would not)
        sql = [
            "SELECT id, version, data FROM documents WHERE "
            + (f"collection='{q.collection}'" if indexed else "collection=?")
        ]
        params: list[Any] = [] if indexed else [q.collection]
        equal: list[str] = []
        listed: list[str] = []
        ranged: list[str] = []
        for field, op, value in q.where:
            if op not in OPS:
                raise Invalid(f"Unsupported filter operator: {op}")
            path = _json_path(field)
            expr = f"json_extract(data, '{path}')"
            if op == "array_contains":
                sql.append(f"AND EXISTS (SELECT 1 FROM json_each(data, '{path}') WHERE value = ?)")
                params.append(_sql_value(value))
            elif op == "in":
                values = list(value)
                if not values:
                    return None
                sql.append(f"AND {expr} IN ({','.join('?' * len(values))})")
                params.extend(_sql_value(v) for v in values)
                listed.append(expr)
            elif op == "==" and value is None:
                sql.append(f"AND {expr} IS NULL")
                equal.append(expr)
            else:
                sql_op = "=" if op == "==" else op
                sql.append(f"AND {expr} {sql_op} ?")
                params.append(_sql_value(value))
                (equal if op == "==" else ranged).append(expr)
        order = list(q.order_by) + [("__id__", q.order_by[-1][1] if q.order_by else "asc")]
        exprs = ["id" if f == "__id__" else f"json_extract(data, '{_json_path(f)}')" for f, _ in order]
        directions = ["ASC" if d == "asc" else "DESC" for _, d in order]
        if indexed:
            # `collection` first too: without it the planner may prefer the primary key and a sort
            columns = [("collection", "ASC")] + [(e, "ASC") for e in sorted(set(equal))]
            columns += [(e, "ASC") for e in sorted(set(listed) - set(equal))]
            columns += list(zip(exprs, directions))
            columns += [(e, "ASC") for e in sorted(set(ranged) - set(exprs))]
            if len(columns) > 2:  # (collection, id) alone is the primary key
                self._ensure_index(q.collection, columns)
        if q.cursor:
            values = decode_cursor(q.cursor)
            if len(values) != len(order):
                raise Invalid("Invalid cursor; use the next_cursor value of the previous page")
            if len(set(directions)) == 1:
                # keyset pagination as one row-value comparison, which SQLite seeks in the index
                cmp = ">" if directions[0] == "ASC" else "<"
                sql.append(f"AND ({', '.join(exprs)}) {cmp} ({', '.join('?' * len(exprs))})")
                params.extend(_sql_value(v) for v in values)
            else:
                # (a, b, id) strictly after the cursor under mixed directions
                ors = []
                for i in range(len(order)):
                    parts = []
                    for j in range(i):
                        parts.append(f"{exprs[j]} = ?")
                        params.append(_sql_value(values[j]))
                    cmp = ">" if order[i][1] == "asc" else "<"
                    parts.append(f"{exprs[i]} {cmp} ?")
                    params.append(_sql_value(values[i]))
                    ors.append("(" + " AND ".join(parts) + ")")
                sql.append("AND (" + " OR ".join(ors) + ")")
        sql.append("ORDER BY " + ", ".join(f"{e} {d}" for e, d in zip(exprs, directions)))
        if q.limit is not None:
            sql.append("LIMIT ?")
            params.append(int(q.limit) + 1)
        return " ".join(sql), params
