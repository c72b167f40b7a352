"""Glossaries (collection "glossaries"): per organisation; everyone in the organisation reads,
ADMIN writes (any organisation). Terms live inside the glossary document, so adding or deleting
a term is one compare-and-set and duplicates cannot slip in between two requests.

Stored shape, read by the translate step:
  {org_id, name, description, source_language, is_default,
   terms: [{id, source, target_language, target, case_sensitive, note}], created_at, updated_at}
At most one glossary per organisation has is_default; marking one default clears the flag on
the others (a job uses the glossary named at creation, else its organisation's default)."""

from __future__ import annotations

from typing import Any

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.roles import ADMIN
from shared.errors import AlreadyExists, Conflict, Invalid, NotFound
from shared.ids import is_id, new_id
from shared.models.glossaries import GlossaryCreate, GlossaryUpdate, TermCreate
from shared.persistence.documents import Query, strip_meta, update_existing, update_with_retry
from shared.timestamps import now_iso

COLLECTION = "glossaries"
MAX_GLOSSARIES_PER_ORG = 500


def _keys(term: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lang = term["target_language"].lower()
    source = " ".join(term["source"].split())
    return (source, lang), (source.casefold(), lang)


def _clean_term(data: dict[str, Any]) -> dict[str, Any]:
    source, target = " ".join(data["source"].split()), data["target"].strip()
    if not source or not target:
        raise Invalid("A term needs non-blank source and target text")
    note = (data.get("note") or "").strip() or None
    return {
        "id": new_id(),
        "source": source,
        "target_language": data["target_language"],
        "target": target,
        "case_sensitive": bool(data.get("case_sensitive")),
        "note": note,
    }


def _check_duplicates(terms: list[dict[str, Any]]) -> None:
    """Refuse a term that maps the same source text into the same target language as another:
    a case-insensitive term clashes with any term whose source matches ignoring case, two
    case-sensitive terms clash only when their sources match exactly."""
    any_fold: set[tuple[str, ...]] = set()
    insensitive_fold: set[tuple[str, ...]] = set()
    sensitive_exact: set[tuple[str, ...]] = set()
    for term in terms:
        exact, fold = _keys(term)
        if term.get("case_sensitive"):
            clash = exact in sensitive_exact or fold in insensitive_fold
        else:
            clash = fold in any_fold
        if clash:
            raise Conflict(
                f"Duplicate term: {term['source']!r} -> {term['target_language']} is already in this glossary"
            )
        any_fold.add(fold)
        (sensitive_exact.add(exact) if term.get("case_sensitive") else insensitive_fold.add(fold))


def view(doc: dict[str, Any]) -> dict[str, Any]:
    out = strip_meta(doc)
    out["id"] = doc["id"]
    out.setdefault("terms", [])
    return out


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    out = view(doc)
    out["term_count"] = len(out.pop("terms"))
    return out


def _readable_org(principal: Principal, org_id: str | None) -> str:
    if principal.role == ADMIN:
        target = org_id or principal.org_id
        if not target:
            raise Invalid("Name the organisation: ?org_id=<organisation id>")
        return target
    if org_id and org_id != principal.org_id:
        raise NotFound("Organisation not found")
    if not principal.org_id:
        raise NotFound("You do not belong to an organisation")
    return principal.org_id


def _get_visible(principal: Principal, glossary_id: str) -> dict[str, Any]:
    doc = platform().documents.get(COLLECTION, glossary_id) if is_id(glossary_id) else None
    if doc is None or (principal.role != ADMIN and doc.get("org_id") != principal.org_id):
        raise NotFound("Glossary not found")
    return doc


def list_glossaries(principal: Principal, org_id: str | None) -> dict[str, Any]:
    org = _readable_org(principal, org_id)
    page = platform().documents.query(
        Query(COLLECTION, where=[("org_id", "==", org)], order_by=[("name", "asc")], limit=MAX_GLOSSARIES_PER_ORG)
    )
    return {"items": [summary(d) for d in page.items]}


def get_glossary(principal: Principal, glossary_id: str) -> dict[str, Any]:
    return view(_get_visible(principal, glossary_id))


def _clear_other_defaults(org_id: str, keep_id: str) -> None:
    """One default per organisation: clear is_default on the organisation's other glossaries."""
    page = platform().documents.query(
        Query(COLLECTION, where=[("org_id", "==", org_id), ("is_default", "==", True)], limit=MAX_GLOSSARIES_PER_ORG)
    )
    for doc in page.items:
        if doc["id"] != keep_id:
            update_with_retry(
                platform().documents,
                COLLECTION,
                doc["id"],
                lambda d: dict(d, is_default=False, updated_at=now_iso()) if d.get("is_default") else None,
            )


def create_glossary(principal: Principal, body: GlossaryCreate) -> dict[str, Any]:
    org = platform().documents.get("organizations", body.org_id) if is_id(body.org_id) else None
    if org is None:
        raise NotFound("Organisation not found (org_id)")
    terms = [_clean_term(t.model_dump()) for t in body.terms]
    _check_duplicates(terms)
    now = now_iso()
    data = {
        "org_id": body.org_id,
        "name": body.name.strip(),
        "description": body.description.strip(),
        "source_language": body.source_language,
        "is_default": body.is_default,
        "terms": terms,
        "created_by": principal.user_id,
        "created_at": now,
        "updated_at": now,
    }
    if not data["name"]:
        raise Invalid("name must not be blank")
    gid = new_id()
    try:
        doc = platform().documents.create(COLLECTION, gid, data)
    except AlreadyExists:  # 8 random bytes per id: only a broken clock could repeat one
        raise Conflict("Could not create the glossary; retry") from None
    if body.is_default:
        _clear_other_defaults(body.org_id, gid)
    return view(doc)


def update_glossary(principal: Principal, glossary_id: str, body: GlossaryUpdate) -> dict[str, Any]:
    _get_visible(principal, glossary_id)
    changes = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None}
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise Invalid("name must not be blank")

    def mutate(data: dict[str, Any]) -> dict[str, Any]:
        data.update(changes)
        data["updated_at"] = now_iso()
        return data

    doc = update_with_retry(platform().documents, COLLECTION, glossary_id, mutate)
    if doc is None:
        raise NotFound("Glossary not found")
    if changes.get("is_default"):
        _clear_other_defaults(doc["org_id"], glossary_id)
    return view(doc)


def delete_glossary(principal: Principal, glossary_id: str) -> None:
    _get_visible(principal, glossary_id)
    platform().documents.delete(COLLECTION, glossary_id)


def add_term(principal: Principal, glossary_id: str, body: TermCreate) -> dict[str, Any]:
    _get_visible(principal, glossary_id)
    term = _clean_term(body.model_dump())

    def add(data: dict[str, Any]) -> dict[str, Any]:
        terms = list(data.get("terms") or [])
        _check_duplicates(terms + [term])
        data["terms"] = terms + [term]
        data["updated_at"] = now_iso()
        return data

    stored = update_existing(platform().documents, COLLECTION, glossary_id, add, what="glossary")
    return {**view(stored), "added_term_id": term["id"]}


def delete_term(principal: Principal, glossary_id: str, term_id: str) -> None:
    _get_visible(principal, glossary_id)
    found = {"hit": False}

    def mutate(data: dict[str, Any]) -> dict[str, Any] | None:
        terms = list(data.get("terms") or [])
        kept = [t for t in terms if t.get("id") != term_id]
        found["hit"] = len(kept) != len(terms)
        if not found["hit"]:
            return None
        data["terms"] = kept
        data["updated_at"] = now_iso()
        return data

    if update_with_retry(platform().documents, COLLECTION, glossary_id, mutate) is None:
        raise NotFound("Glossary not found")
    if not found["hit"]:
        raise NotFound("Term not found in this glossary")
