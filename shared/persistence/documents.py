"""The document-store port. SQLite implements it locally, Firestore in the cloud; both pass
tests/integration/test_documents_contract.py unchanged.

Documents are plain JSON-able dicts. Every stored document carries two read-only keys the
store manages: `id` and `_version` (an int, 1 on create, +1 on every update) used for
compare-and-set.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from shared.errors import Conflict, Invalid, NotFound, VersionConflict

T = TypeVar("T")

OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "array_contains")
Filter = tuple  # (field, op, value)
Order = tuple  # (field, "asc" | "desc")


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None = None


@dataclass
class Query:
    collection: str
    where: list[Any] = field(default_factory=list)
    order_by: list[Any] = field(default_factory=list)
    limit: int | None = None
    cursor: str | None = None


class Transaction(Protocol):
    """Reads first, then writes (Firestore's rule; SQLite does not need it but follows it)."""

    def get(self, collection: str, doc_id: str) -> dict[str, Any] | None: ...
    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> dict[str, Any]: ...
    def update(
        self, collection: str, doc_id: str, data: dict[str, Any], *, expected_version: int
    ) -> dict[str, Any]: ...
    def delete(self, collection: str, doc_id: str) -> object: ...


class Documents(Protocol):
    def get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        """The document with `id` and `_version`, or None."""

    def create(self, collection: str, doc_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Create if absent; raise shared.errors.AlreadyExists otherwise."""

    def update(self, collection: str, doc_id: str, data: dict[str, Any], *, expected_version: int) -> dict[str, Any]:
        """Replace the document's data if its version is still `expected_version`; raise
        VersionConflict if it changed and NotFound... no: VersionConflict if it is gone too."""

    def delete(self, collection: str, doc_id: str, *, expected_version: int | None = None) -> bool:
        """Delete; True if something was deleted. With expected_version, raise VersionConflict on mismatch."""

    def query(self, q: Query) -> Page:
        """Equality/range filters, order (id is the final tie-break), limit and opaque cursor."""

    def transaction(self, fn: Callable[[Transaction], T]) -> T:
        """Run fn atomically; it may be re-run on contention, so it must not have side effects."""


def strip_meta(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("id", "_version")}


def encode_cursor(values: Iterable[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise Invalid("Invalid cursor; use the next_cursor value of the previous page") from None
    if not isinstance(values, list):
        raise Invalid("Invalid cursor; use the next_cursor value of the previous page")
    return values


def field_value(doc: dict[str, Any], path: str) -> Any:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def cursor_for(doc: dict[str, Any], order_by: list[Any]) -> str:
    return encode_cursor([field_value(doc, f) for f, _ in order_by] + [doc["id"]])


CAS_ATTEMPTS = 50  # lost races before a writer gives up (409); each attempt is one read and one write


def update_with_retry(
    store: Documents,
    collection: str,
    doc_id: str,
    mutate: Callable[[dict[str, Any]], dict[str, Any] | None],
    *,
    what: str = "record",
    attempts: int = CAS_ATTEMPTS,
) -> dict[str, Any] | None:
    """THE compare-and-set write: read the document, `mutate` a copy of its data (without `id`
    and `_version`), write it if the version is still the one read, and start again from a
    fresh read when another writer came first. `mutate` returns the new data, or None to leave
    the document as it is; it may raise (a domain rule refusing the change) and must have no
    side effects, since it can run more than once. Returns the stored document, or None if there
    is no such document. Raises Conflict ("The <what> is changing too often; retry") after
    `attempts` lost races."""
    for _ in range(attempts):
        doc = store.get(collection, doc_id)
        if doc is None:
            return None
        new = mutate(strip_meta(doc))
        if new is None:
            return doc
        try:
            return store.update(collection, doc_id, new, expected_version=doc["_version"])
        except VersionConflict:
            continue
    raise Conflict(f"The {what} is changing too often; retry")


def update_existing(
    store: Documents,
    collection: str,
    doc_id: str,
    mutate: Callable[[dict[str, Any]], dict[str, Any] | None],
    *,
    what: str,
    attempts: int = CAS_ATTEMPTS,
) -> dict[str, Any]:
    """update_with_retry on a document that must exist: NotFound ("<What> not found") if it
    does not."""
    stored = update_with_retry(store, collection, doc_id, mutate, what=what, attempts=attempts)
    if stored is None:
        raise NotFound(f"{what.capitalize()} not found")
    return stored
