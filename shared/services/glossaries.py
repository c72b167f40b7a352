"""Glossaries (collection "glossaries"): per organisation; everyone in the organisation reads,
ADMIN writes (any organisation). Terms live inside the glossary document, so adding or deleting
a term is one compare-and-set and duplicates cannot slip in between two requests.

Stored shape, read by the translate step:
  {org_id, name, description, source_language, is_default,
   terms: [{id, source, target_language, target, case_sensitive, note}], created_at, updated_at}
At most one glossary per organisation has is_default; marking one default clears the flag on
the others (a job uses the glossary named at creation, else its organisation's default)."""

from __future__ import annotations

from shared.errors import AlreadyExists, Conflict, Invalid, NotFound, VersionConflict
from shared.ids import is_id, new_id
from shared.persistence.documents import Query, strip_meta, update_with_retry
from shared.timestamps import now_iso

COLLECTION = "glossaries"
MAX_GLOSSARIES_PER_ORG = 500


def _docs():
    from shared.bootstrap import platform

    return platform().documents


def _keys(term: dict) -> tuple[tuple, tuple]:
    lang = term["target_language"].lower()
    source = " ".join(term["source"].split())
    return (source, lang), (source.casefold(), lang)


def _clean_term(data: dict) -> dict:
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


def _check_duplicates(terms: list[dict]) -> None:
    """Refuse a term that maps the same source text into the same target language as another:
    a case-insensitive term clashes with any term whose source matches ignoring case, two
    case-sensitive terms clash only when their sources match exactly."""
    any_fold: set[tuple] = set()
    insensitive_fold: set[tuple] = set()
    sensitive_exact: set[tuple] = set()
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


def view(doc: dict) -> dict:
    out = strip_meta(doc)
    out["id"] = doc["id"]
    out.setdefault("terms", [])
    return out


def summary(doc: dict) -> dict:
    out = view(doc)
    out["term_count"] = len(out.pop("terms"))
    return out


def _readable_org(principal, org_id: str | None) -> str:
    if principal.role == "ADMIN":
        target = org_id or principal.org_id
        if not target:
            raise Invalid("Name the organisation: ?org_id=<organisation id>")
        return target
    if org_id and org_id != principal.org_id:
        raise NotFound("Organisation not found")
    if not principal.org_id:
        raise NotFound("You do not belong to an organisation")
    return principal.org_id


def _get_visible(principal, glossary_id: str) -> dict:
    doc = _docs().get(COLLECTION, glossary_id) if is_id(glossary_id) else None
    if doc is None or (principal.role != "ADMIN" and doc.get("org_id") != principal.org_id):
        raise NotFound("Glossary not found")
    return doc


def list_glossaries(principal, org_id: str | None) -> dict:
    org = _readable_org(principal, org_id)
    page = _docs().query(
        Query(COLLECTION, where=[("org_id", "==", org)], order_by=[("name", "asc")], limit=MAX_GLOSSARIES_PER_ORG)
    )
    return {"items": [summary(d) for d in page.items]}


def get_glossary(principal, glossary_id: str) -> dict:
    return view(_get_visible(principal, glossary_id))


def _clear_other_defaults(org_id: str, keep_id: str) -> None:
    """One default per organisation: clear is_default on the organisation's other glossaries."""
    page = _docs().query(
        Query(COLLECTION, where=[("org_id", "==", org_id), ("is_default", "==", True)], limit=MAX_GLOSSARIES_PER_ORG)
    )
    for doc in page.items:
        if doc["id"] != keep_id:
            update_with_retry(
                _docs(),
                COLLECTION,
                doc["id"],
                lambda d: dict(d, is_default=False, updated_at=now_iso()) if d.get("is_default") else None,
            )


def create_glossary(principal, body) -> dict:
    org = _docs().get("organizations", body.org_id) if is_id(body.org_id) else None
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
        doc = _docs().create(COLLECTION, gid, data)
    except AlreadyExists:  # 8 random bytes per id: only a broken clock could repeat one
        raise Conflict("Could not create the glossary; retry") from None
    if body.is_default:
        _clear_other_defaults(body.org_id, gid)
    return view(doc)


def update_glossary(principal, glossary_id: str, body) -> dict:
    _get_visible(principal, glossary_id)
    changes = body.model_dump(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None}
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        if not changes["name"]:
            raise Invalid("name must not be blank")

    def mutate(data: dict) -> dict:
        data.update(changes)
        data["updated_at"] = now_iso()
        return data

    doc = update_with_retry(_docs(), COLLECTION, glossary_id, mutate)
    if doc is None:
        raise NotFound("Glossary not found")
    if changes.get("is_default"):
        _clear_other_defaults(doc["org_id"], glossary_id)
    return view(doc)


def delete_glossary(principal, glossary_id: str) -> None:
    _get_visible(principal, glossary_id)
    _docs().delete(COLLECTION, glossary_id)


def add_term(principal, glossary_id: str, body) -> dict:
    _get_visible(principal, glossary_id)
    term = _clean_term(body.model_dump())
    docs = _docs()
    for _ in range(50):
        doc = docs.get(COLLECTION, glossary_id)
        if doc is None:
            raise NotFound("Glossary not found")
        data = strip_meta(doc)
        terms = list(data.get("terms") or [])
        _check_duplicates(terms + [term])
        data["terms"] = terms + [term]
        data["updated_at"] = now_iso()
        try:
            return {
                **view(docs.update(COLLECTION, glossary_id, data, expected_version=doc["_version"])),
                "added_term_id": term["id"],
            }
        except VersionConflict:
            continue
    raise Conflict("The glossary is changing too often; retry")


def delete_term(principal, glossary_id: str, term_id: str) -> None:
    _get_visible(principal, glossary_id)
    found = {"hit": False}

    def mutate(data: dict) -> dict | None:
        terms = list(data.get("terms") or [])
        kept = [t for t in terms if t.get("id") != term_id]
        found["hit"] = len(kept) != len(terms)
        if not found["hit"]:
            return None
        data["terms"] = kept
        data["updated_at"] = now_iso()
        return data

    if update_with_retry(_docs(), COLLECTION, glossary_id, mutate) is None:
        raise NotFound("Glossary not found")
    if not found["hit"]:
        raise NotFound("Term not found in this glossary")
