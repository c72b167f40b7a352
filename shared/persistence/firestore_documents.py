"""FirestoreDocuments: the document-store port on Cloud Firestore (native mode), or on its
emulator when FIRESTORE_EMULATOR_HOST is set.

Each port collection is a top-level Firestore collection and each document keeps its data plus
a `_version` field (1 on create, +1 per write). `update`/`delete` are optimistic compare-and-set:
read, check `_version`, then write with a `last_update_time` precondition, so a writer in between
makes the write fail (VersionConflict) instead of being lost, and no lock is held meanwhile.
`transaction(fn)` is a Firestore transaction (reads validated at commit, fn re-run on
contention) for writes that span documents.

Queries order by the requested fields, then by any range-filtered field not already ordered on
(Firestore orders on it implicitly), then by document id; the opaque cursor carries those
values and the query resumes with start_after.

One field name is stored differently from the port's view: `expire_at` (housekeeping, decision
0700) is an ISO 8601 UTC string in the port and a Firestore timestamp in the database, so the
collections' TTL policies act on it. It is converted on every write, in filters and cursors,
and back to the same ISO string (shared.timestamps format) on every read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from shared.errors import AlreadyExists, Invalid, VersionConflict
from shared.persistence.documents import OPS, Page, Query, Transaction, decode_cursor, encode_cursor, field_value
from shared.timestamps import iso, parse_iso

T = TypeVar("T")

RANGE_OPS = ("<", "<=", ">", ">=", "!=")
_FS_OPS = {
    "==": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "in": "in",
    "array_contains": "array_contains",
}
META = ("id", "_version")
TX_ATTEMPTS = 20
TIMESTAMP_FIELD = "expire_at"


def _to_timestamp(value):
    """An ISO 8601 string as an aware UTC datetime (what Firestore stores as a timestamp);
    anything else unchanged."""
    if not isinstance(value, str):
        return value
    try:
        parsed = parse_iso(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _from_timestamp(value):
    if isinstance(value, datetime):
        return iso(value)
    return value


def _stored(body: dict) -> dict:
    """The data as written to Firestore: `expire_at` as a timestamp."""
    if TIMESTAMP_FIELD in body:
        return {**body, TIMESTAMP_FIELD: _to_timestamp(body[TIMESTAMP_FIELD])}
    return body


def _body(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in META}


def _doc(snapshot) -> dict:
    data = snapshot.to_dict() or {}
    if TIMESTAMP_FIELD in data:
        data[TIMESTAMP_FIELD] = _from_timestamp(data[TIMESTAMP_FIELD])
    version = data.pop("_version", 1)
    data["id"] = snapshot.id
    data["_version"] = version
    return data


def effective_order(q: Query) -> list[tuple[str, str]]:
    """The full ordering Firestore applies to `q`, document id excluded: the requested fields,
    then range-filtered fields not already ordered on (in filter order)."""
    order = [(f, d) for f, d in q.order_by]
    ordered = {f for f, _ in order}
    direction = order[-1][1] if order else "asc"
    for f, op, _ in q.where:
        if op in RANGE_OPS and f not in ordered:
            order.append((f, direction))
            ordered.add(f)
    return order


class _FirestoreTx:
    """The port's Transaction over a google.cloud.firestore Transaction: reads first, then writes."""

    def __init__(self, store: FirestoreDocuments, txn):
        self.store = store
        self.txn = txn
        self._seen: dict[tuple[str, str], dict | None] = {}
        self._wrote = False

    def _read(self, collection: str, doc_id: str) -> dict | None:
        key = (collection, doc_id)
        if key not in self._seen:
            if self._wrote:
                # Firestore transactions read everything before they write; what was not read
                # first is checked by the write's precondition instead.
                return None
            snap = self.store._ref(collection, doc_id).get(transaction=self.txn)
            self._seen[key] = _doc(snap) if snap.exists else None
        return self._seen[key]

    def get(self, collection: str, doc_id: str) -> dict | None:
        if self._wrote and (collection, doc_id) not in self._seen:
            raise RuntimeError("Firestore transactions must do every read before the first write")
        doc = self._read(collection, doc_id)
        return dict(doc) if doc is not None else None

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        if self._read(collection, doc_id) is not None:
            raise AlreadyExists(f"{collection}/{doc_id}")
        body = _body(data)
        self.txn.create(self.store._ref(collection, doc_id), {**_stored(body), "_version": 1})
        self._wrote = True
        self._seen[(collection, doc_id)] = {**body, "id": doc_id, "_version": 1}
        return {**body, "id": doc_id, "_version": 1}

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        key = (collection, doc_id)
        ref = self.store._ref(collection, doc_id)
        body = _body(data)
        if key in self._seen or not self._wrote:
            current = self._read(collection, doc_id)
            if current is None or current["_version"] != expected_version:
                raise VersionConflict(f"{collection}/{doc_id}")
            self.txn.set(ref, {**_stored(body), "_version": expected_version + 1})
        else:
            raise RuntimeError("Firestore transactions must read a document before updating it after a write")
        self._wrote = True
        self._seen[key] = {**body, "id": doc_id, "_version": expected_version + 1}
        return {**body, "id": doc_id, "_version": expected_version + 1}

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        key = (collection, doc_id)
        if key not in self._seen and self._wrote:
            raise RuntimeError("Firestore transactions must read a document before deleting it after a write")
        current = self._read(collection, doc_id)
        if current is None:
            return False
        if expected_version is not None and current["_version"] != expected_version:
            raise VersionConflict(f"{collection}/{doc_id}")
        self.txn.delete(self.store._ref(collection, doc_id))
        self._wrote = True
        self._seen[key] = None
        return True


class FirestoreDocuments:
    """Document store on Cloud Firestore. The client is created on first use and reused."""

    def __init__(self, project: str | None = None, database: str = "(default)", client=None):
        self.project = project or None
        self.database = database or "(default)"
        self._client = client
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, cfg) -> FirestoreDocuments:
        return cls(project=cfg.gcp_project or None, database=cfg.firestore_database)

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from google.cloud import firestore

                    self._client = firestore.Client(project=self.project, database=self.database)
        return self._client

    def _ref(self, collection: str, doc_id: str):
        if not collection or "/" in collection or not doc_id or "/" in doc_id:
            raise Invalid(f"Invalid document path: {collection}/{doc_id}")
        return self.client.collection(collection).document(doc_id)

    # -- single-document operations ---------------------------------------------------------

    def get(self, collection: str, doc_id: str) -> dict | None:
        snap = self._ref(collection, doc_id).get()
        return _doc(snap) if snap.exists else None

    def create(self, collection: str, doc_id: str, data: dict) -> dict:
        from google.api_core import exceptions as gexc

        body = _body(data)
        try:
            self._ref(collection, doc_id).create({**_stored(body), "_version": 1})
        except (gexc.AlreadyExists, gexc.Conflict):
            raise AlreadyExists(f"{collection}/{doc_id}") from None
        return {**body, "id": doc_id, "_version": 1}

    def update(self, collection: str, doc_id: str, data: dict, *, expected_version: int) -> dict:
        from google.api_core import exceptions as gexc
        from google.cloud import firestore
        from google.cloud.firestore_v1.field_path import FieldPath

        ref = self._ref(collection, doc_id)
        snap = ref.get()
        if not snap.exists or _doc(snap)["_version"] != expected_version:
            raise VersionConflict(f"{collection}/{doc_id}")
        body = _body(data)
        # A full replacement as a field update: every top-level field is written whole (quoted,
        # so dots in keys are not paths) and fields no longer present are deleted.
        fields = {FieldPath(k).to_api_repr(): v for k, v in _stored(body).items()}
        for k in snap.to_dict() or {}:
            if k not in body and k != "_version":
                fields[FieldPath(k).to_api_repr()] = firestore.DELETE_FIELD
        fields["_version"] = expected_version + 1
        try:
            ref.update(fields, option=self.client.write_option(last_update_time=snap.update_time))
        except (gexc.FailedPrecondition, gexc.NotFound, gexc.Aborted):
            raise VersionConflict(f"{collection}/{doc_id}") from None
        return {**body, "id": doc_id, "_version": expected_version + 1}

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        from google.api_core import exceptions as gexc

        ref = self._ref(collection, doc_id)
        for _ in range(TX_ATTEMPTS):
            snap = ref.get()
            if not snap.exists:
                return False
            if expected_version is not None and _doc(snap)["_version"] != expected_version:
                raise VersionConflict(f"{collection}/{doc_id}")
            try:
                ref.delete(option=self.client.write_option(last_update_time=snap.update_time))
                return True
            except (gexc.FailedPrecondition, gexc.NotFound, gexc.Aborted):
                if expected_version is not None:
                    raise VersionConflict(f"{collection}/{doc_id}") from None
        raise VersionConflict(f"{collection}/{doc_id} kept changing")

    # -- transactions -----------------------------------------------------------------------

    def transaction(self, fn: Callable[[Transaction], T]) -> T:
        from google.api_core import exceptions as gexc
        from google.cloud import firestore

        @firestore.transactional
        def run(txn):
            return fn(_FirestoreTx(self, txn))

        for _ in range(TX_ATTEMPTS):
            try:
                return run(self.client.transaction(max_attempts=TX_ATTEMPTS))
            except gexc.Aborted:
                continue  # aborted during a read (the client retries only aborted commits)
            except (gexc.AlreadyExists, gexc.Conflict):
                # a create buffered after the first write found the document at commit
                raise AlreadyExists("document created concurrently") from None
            except gexc.FailedPrecondition:
                raise VersionConflict("transaction conflicted") from None
            except ValueError as exc:
                if isinstance(exc.__cause__, gexc.Aborted):
                    raise VersionConflict("transaction kept conflicting") from None
                raise
        raise VersionConflict("transaction kept conflicting")

    # -- queries ----------------------------------------------------------------------------

    def build(self, q: Query):
        """The google.cloud.firestore Query for `q` (without cursor/limit), and its full order."""
        from google.cloud.firestore_v1.base_query import FieldFilter

        ref = self.client.collection(q.collection)
        query = ref
        for field, op, value in q.where:
            if op not in OPS:
                raise Invalid(f"Unsupported filter operator: {op}")
            if op == "in":
                value = list(value)
            if field == TIMESTAMP_FIELD:
                value = [_to_timestamp(v) for v in value] if op == "in" else _to_timestamp(value)
            query = query.where(filter=FieldFilter(field, _FS_OPS[op], value))
        order = effective_order(q)
        for field, direction in order:
            query = query.order_by(field, direction="DESCENDING" if direction == "desc" else "ASCENDING")
        last = order[-1][1] if order else "asc"
        query = query.order_by("__name__", direction="DESCENDING" if last == "desc" else "ASCENDING")
        return query, order

    def query(self, q: Query) -> Page:
        for _field, op, value in q.where:
            if op == "in" and not list(value):
                return Page([], None)
        query, order = self.build(q)
        if q.cursor:
            values = decode_cursor(q.cursor)
            if len(values) != len(order) + 1:
                raise Invalid("Invalid cursor; use the next_cursor value of the previous page")
            values = [_to_timestamp(v) if f == TIMESTAMP_FIELD else v for (f, _), v in zip(order, values)] + values[-1:]
            query = query.start_after(values[:-1] + [self.client.collection(q.collection).document(str(values[-1]))])
        if q.limit is not None:
            query = query.limit(int(q.limit) + 1)
        items = [_doc(s) for s in query.stream()]
        next_cursor = None
        if q.limit is not None and len(items) > q.limit:
            items = items[: q.limit]
            last = items[-1]
            next_cursor = encode_cursor([field_value(last, f) for f, _ in order] + [last["id"]])
        return Page(items, next_cursor)
