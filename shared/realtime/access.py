"""Who may open which channel. The rules are the REST ones: a CLIENT or PM sees their own
organisation, a LINGUIST the jobs with a language assigned to them, REVIEWER and ADMIN all.
Every refusal is a `Refused` carrying the close code the connection ends with."""

from __future__ import annotations

import os
import time

from shared.auth.session import authenticate as verify
from shared.auth.session import principal_for
from shared.auth.tokens import ALGORITHM, Principal
from shared.bootstrap import platform
from shared.config import settings, signing_secret
from shared.domain.jobs import JobDocument
from shared.domain.roles import LINGUIST, SEES_EVERY_ORG, SEES_OWN_ORG
from shared.errors import Unauthenticated
from shared.ids import is_id
from shared.persistence.job_store import JobStore
from shared.realtime import protocol as P
from shared.realtime import tickets
from shared.services.jobs import can_see
from shared.timestamps import iso, parse_iso


class Refused(Exception):
    """The connection must be closed with `code` (see protocol) and a short `reason`."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def authenticate(token: str | None) -> Principal:
    """The principal of a connection ticket (single use, decision 0903) or an access token;
    Refused(4401) if missing/invalid, Refused(4408) if an access token expired."""
    if not token:
        raise Refused(P.UNAUTHENTICATED, "Missing token: connect with ?token=<connection ticket or access token>")
    if tickets.is_ticket(token):
        try:
            return tickets.redeem(token)
        except Unauthenticated as exc:
            raise Refused(P.UNAUTHENTICATED, exc.detail[:120]) from None
    if settings().extra.get("ws_tickets_only") or os.environ.get("AVP_WS_TICKETS_ONLY") == "1":
        raise Refused(P.UNAUTHENTICATED, "Connect with ?token=<ticket> from POST /api/v1/ws/tickets")
    try:
        return verify(token)
    except Unauthenticated as exc:
        if token_expired(token):
            raise Refused(P.TOKEN_EXPIRED, "Access token expired; refresh it and reconnect") from None
        raise Refused(P.UNAUTHENTICATED, exc.detail[:120]) from None


def recheck(principal: Principal) -> Principal:
    """The connection's principal as the account stands now (read at every ping): Refused(4401)
    when the account was disabled, removed or signed out, or moved to another organisation or
    role since the connection opened (reconnecting applies the new rights)."""
    try:
        now = principal_for(principal)
    except Unauthenticated as exc:
        raise Refused(P.UNAUTHENTICATED, exc.detail[:120]) from None
    if (now.role, now.org_id) != (principal.role, principal.org_id):
        raise Refused(P.UNAUTHENTICATED, "Your account changed; reconnect")
    return now


def token_expired(token: str) -> bool:
    """True if the token is genuine (signature, issuer, audience) but past its expiry."""
    import jwt

    s = settings()
    try:
        claims = jwt.decode(
            token,
            signing_secret(),
            algorithms=[ALGORITHM],
            audience=s.jwt_audience,
            issuer=s.jwt_issuer,
            options={"verify_exp": False, "require": ["exp"]},
        )
    except jwt.PyJWTError:
        return False
    return int(claims["exp"]) <= time.time()


def can_see_job(principal: Principal, job: JobDocument) -> bool:
    """Exactly the REST rule (shared.services.jobs.can_see)."""
    return can_see(principal, job)


def open_job(principal: Principal, job_id: str) -> JobDocument:
    """The job a principal may watch; Refused(4404) if it does not exist or is not theirs."""
    job = JobStore(platform().documents).get(job_id) if is_id(job_id) else None
    if job is None or not can_see_job(principal, job):
        raise Refused(P.NOT_FOUND, "No such job")
    return job


def open_org(principal: Principal, org_id: str) -> None:
    """Check a principal may watch an organisation's stream. A CLIENT or PM asking for another
    organisation gets 4403 without a lookup (nothing to learn about other ids); REVIEWER, ADMIN and
    LINGUIST (who then only get their assigned jobs' events) get 4404 for an unknown organisation."""
    role = principal.role
    if role in SEES_OWN_ORG:
        if principal.org_id is None or org_id != principal.org_id:
            raise Refused(P.FORBIDDEN, "You may only watch your own organisation")
        return
    if role not in SEES_EVERY_ORG and role != LINGUIST:
        raise Refused(P.FORBIDDEN, "Your role may not watch organisation streams")
    if not is_id(org_id) or platform().documents.get("organizations", org_id) is None:
        raise Refused(P.NOT_FOUND, "No such organisation")


def parse_since(raw: str | None) -> str | None:
    """`?since=` as the canonical timestamp string jobs carry; Refused(4400) if malformed."""
    if raw in (None, ""):
        return None
    try:
        value = parse_iso(raw)
    except ValueError:
        raise Refused(P.BAD_REQUEST, "since must be an ISO 8601 timestamp, e.g. a job's updated_at") from None
    if value.tzinfo is None:
        raise Refused(P.BAD_REQUEST, "since must carry a timezone (e.g. end in Z)")

    return iso(value)
