"""The audit log: one entry per state-changing request, written by the dispatcher
(shared/http.py) through `record(ctx, status)`, read through `query(...)`.

Entries hold who (actor), what (action = function.handler, method), on what (target), in
which organisation, when, the outcome, status code, client address and request id. They are
built only from the route, the principal, path parameters and what handlers put in
`ctx.audit`: request bodies, headers and cookies are never copied, so passwords and tokens
cannot end up here.
"""

from __future__ import annotations

from typing import Any, Protocol

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.domain.roles import ADMIN
from shared.errors import Unprocessable
from shared.ids import new_id
from shared.persistence.documents import Query
from shared.routes import Route
from shared.timestamps import iso, now_iso, parse_iso

COLLECTION = "audit_log"
_MAX_FIELD = 200


class AuditedRequest(Protocol):
    """What an entry is built from (shared.http.RequestContext is one)."""

    route: Route
    params: dict[str, Any]
    principal: Principal | None
    audit: dict[str, Any]
    request_id: str

    @property
    def client_address(self) -> str: ...


def _short(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:_MAX_FIELD]


# Unauthenticated requests that are audited: sign-in attempts, each counted by a per-address
# limit first (a refused one, 429, writes nothing). Other unauthenticated requests (no or bad
# token, bad refresh cookie) leave no document: nothing bounds how many of them arrive.
AUDITED_ANONYMOUS = frozenset({"auth.login", "auth.accept_invite", "auth.microsoft_callback"})
# Resource collections whose documents carry the organisation an action belongs to.
JOB_PREFIX = "/api/v1/jobs/{id}"
GLOSSARY_PREFIX = "/api/v1/glossaries/{id}"


def should_record(ctx: AuditedRequest, status: int) -> bool:
    """Whether this finished request gets an audit entry (decision 0909)."""
    if getattr(ctx, "principal", None) is not None or (getattr(ctx, "audit", None) or {}).get("actor"):
        return True
    if status == 429:
        return False
    return f"{ctx.route.function}.{ctx.route.handler}" in AUDITED_ANONYMOUS


def _org_of(collection: str, doc_id: object) -> tuple[bool, str | None]:
    doc = platform().documents.get(collection, str(doc_id)) if doc_id else None
    return (doc is not None), (doc or {}).get("org_id")


def resource_org(ctx: AuditedRequest, target: object) -> str | None:
    """The organisation the acted-on resource belongs to: a job's or a glossary's org, else
    (or when the resource does not exist) the actor's own."""
    principal = getattr(ctx, "principal", None)
    path = ctx.route.path
    params = getattr(ctx, "params", None) or {}
    found, org = False, None
    if path.startswith(JOB_PREFIX):
        found, org = _org_of("jobs", params.get("id"))
    elif ctx.route.function == "vtt" and target:  # adjust-timing names its job in the body
        found, org = _org_of("jobs", target)
    elif path.startswith(GLOSSARY_PREFIX):
        found, org = _org_of("glossaries", params.get("id"))
    if found:
        return org
    return principal.org_id if principal else None


def entry_for(ctx: AuditedRequest, status: int) -> dict[str, Any]:
    principal = getattr(ctx, "principal", None)
    extra = getattr(ctx, "audit", None) or {}
    params = getattr(ctx, "params", None) or {}
    target = extra.get("target")
    if target is None and params:
        target = next(iter(params.values()))
    org_id = extra.get("org_id") if "org_id" in extra else resource_org(ctx, target)
    return {
        "actor": _short(principal.user_id if principal else extra.get("actor")),
        "action": f"{ctx.route.function}.{ctx.route.handler}",
        "method": ctx.route.method,
        "target": _short(target),
        "org_id": _short(org_id),
        "time": now_iso(),
        "outcome": "success" if status < 400 else "failure",
        "status": int(status),
        "client_address": _short(ctx.client_address),
        "request_id": _short(ctx.request_id),
    }


def record(ctx: AuditedRequest, status: int) -> dict[str, Any] | None:
    """Write the audit entry of one finished request; returns it (None when not recorded)."""
    if not should_record(ctx, status):
        return None
    entry = entry_for(ctx, status)
    return platform().documents.create(COLLECTION, new_id(), entry)


def _bound(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = parse_iso(value)
    except ValueError:
        raise Unprocessable(f"Query parameter {name} must be an ISO 8601 date-time") from None
    return iso(parsed)


def query(
    principal: Principal,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Newest first. A PM sees only their organisation's entries; ADMIN sees all."""
    where = []
    if principal.role != ADMIN:
        if not principal.org_id:
            return {"items": [], "next_cursor": None}
        where.append(("org_id", "==", principal.org_id))
    for field, value in (("actor", actor), ("action", action), ("target", target)):
        if value:
            where.append((field, "==", value))
    lo, hi = _bound("since", since), _bound("until", until)
    if lo:
        where.append(("time", ">=", lo))
    if hi:
        where.append(("time", "<=", hi))
    page = platform().documents.query(
        Query(COLLECTION, where=where, order_by=[("time", "desc")], limit=limit, cursor=cursor)
    )
    items = [{k: v for k, v in e.items() if k != "_version"} for e in page.items]
    return {"items": items, "next_cursor": page.next_cursor}
