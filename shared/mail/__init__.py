"""The email port: `send(Message)` delivers one plain-text message. Adapters: SMTP
(`smtp_mail.SmtpMail`, for deployments) and a local outbox folder (`outbox_mail.OutboxMail`,
one .eml file per message, for the local platform and tests). `bootstrap.Platform.mail`
picks SMTP when `AVP_SMTP_HOST` is set, else the outbox locally and `NoMail` on gcp."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str


class Mail(Protocol):
    def send(self, message: Message) -> None:
        """Deliver `message` or raise MailError."""


class MailError(Exception):
    """The message could not be handed to the mail system."""


class NoMail:
    """The gcp backend without AVP_SMTP_HOST: a function's filesystem is not a mailbox, so
    nothing is sent and the caller is told (an invite then says email_sent: false)."""

    def send(self, message: Message) -> None:
        raise MailError("no mail server is configured (AVP_SMTP_HOST)")
