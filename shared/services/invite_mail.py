"""The invite email: the invite link goes to the invitee's mailbox through the mail port
(decision 0904). The API also returns the link to the ADMIN/PM who made the invite, for
copying; a failed delivery does not undo the invite (the response says it was not sent)."""

from __future__ import annotations

from urllib.parse import urlencode

from shared import logs
from shared.bootstrap import platform
from shared.config import settings
from shared.mail import MailError, Message

log = logs.get("avp.invites")


def invite_link(token: str) -> str:
    s = settings()
    base = s.invite_url or f"{s.public_base_url.rstrip('/')}/accept-invite"
    return f"{base}{'&' if '?' in base else '?'}{urlencode({'token': token})}"


def message_for(email: str, org_name: str, role: str, link: str, expires_at: str) -> Message:
    text = (
        f"You have been invited to join {org_name} on the Accessible Video Platform as {role}.\n\n"
        f"Open this link to choose a password, or to sign in with your Microsoft account:\n{link}\n\n"
        f"The link works once and expires at {expires_at} (UTC).\n"
        "If you did not expect this invitation, ignore this email; no account is created without it.\n"
    )
    return Message(to=email, subject=f"Your invitation to {org_name}", text=text)


def send(email: str, org_name: str, role: str, token: str, expires_at: str) -> tuple[str, bool]:
    """Send the invite; returns (link, whether the mail system accepted the message)."""
    link = invite_link(token)
    try:
        platform().mail.send(message_for(email, org_name, role, link, expires_at))
    except MailError:
        log.exception("invite email not sent")
        return link, False
    return link, True
