"""SmtpMail: hands each message to an SMTP server (submission port 587 with STARTTLS by
default, or implicit TLS on 465), logging in when a user is configured. Certificates are
verified with the system's CA store."""

from __future__ import annotations

import smtplib
import ssl

from shared.mail import MailError, Message
from shared.mail.compose import to_email

TIMEOUT_SECONDS = 20


class SmtpMail:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        user: str = "",
        password: str = "",
        security: str = "starttls",  # starttls | tls | none (none only for a local relay)
        context: ssl.SSLContext | None = None,
    ):
        if security not in ("starttls", "tls", "none"):
            raise ValueError("AVP_SMTP_SECURITY must be starttls, tls or none")
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.security = user, password, security
        self.context = context or ssl.create_default_context()

    def send(self, message: Message) -> None:
        msg = to_email(message, self.sender)
        try:
            smtp: smtplib.SMTP
            if self.security == "tls":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=self.context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self.context)
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"SMTP delivery to {self.host}:{self.port} failed: {type(exc).__name__}") from exc
