"""WebSocket connection tickets (decision 0903): `?token=` is recorded in full by Cloud Run's
request logs, so a client first gets a ticket with its bearer token over HTTPS
(`POST /api/v1/ws/tickets`) and connects with `?token=<ticket>`. A ticket works once, within
TICKET_SECONDS; a logged URL is useless afterwards.

A ticket is `wst_<random>`; the store keeps `ws_tickets/<sha256(ticket)>` with the user and the
issuing access token's iat/exp (the connection closes when that token would have expired, as
with a token in the URL). Redeeming deletes it in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from shared.auth.session import principal_for
from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.errors import Unauthenticated
from shared.timestamps import iso_at

COLLECTION = "ws_tickets"
PREFIX = "wst_"
TICKET_SECONDS = 30


def _doc_id(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def is_ticket(token: str | None) -> bool:
    return token is not None and token.startswith(PREFIX)


def issue(principal: Principal) -> dict:
    ticket = PREFIX + secrets.token_urlsafe(32)
    expires = time.time() + TICKET_SECONDS
    platform().documents.create(
        COLLECTION,
        _doc_id(ticket),
        {
            "user_id": principal.user_id,
            "token_iat": principal.iat,
            "token_exp": principal.exp,
            "token_jti": principal.jti,
            "expires_epoch": expires,
            "expire_at": iso_at(expires),
        },
    )
    return {"ticket": ticket, "expires_in": TICKET_SECONDS}


def redeem(ticket: str) -> Principal:
    """The principal a ticket stands for; the ticket is gone afterwards. Unauthenticated if it
    is unknown, used or expired, or the account was disabled or signed out meanwhile."""
    bad = Unauthenticated("Unknown, used or expired connection ticket; get a new one")
    if len(ticket) > 100:
        raise bad
    doc_id = _doc_id(ticket)

    def run(tx):
        doc = tx.get(COLLECTION, doc_id)
        if doc is not None:
            tx.delete(COLLECTION, doc_id)
        return doc

    doc = platform().documents.transaction(run)
    if doc is None or float(doc.get("expires_epoch", 0)) <= time.time():
        raise bad
    return principal_for(
        Principal(
            user_id=doc["user_id"],
            role="",
            org_id=None,
            jti=str(doc.get("token_jti") or ""),
            exp=int(doc.get("token_exp") or 0),
            iat=int(doc.get("token_iat") or 0),
        )
    )
