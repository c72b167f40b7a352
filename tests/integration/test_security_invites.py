"""Invites go to the invitee by email (SMTP or the local outbox folder), the API still returns
the link to ADMIN/PM, and a PM learns nothing about other organisations' users (0904)."""

from __future__ import annotations

import email
import socket
import stat
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from shared import bootstrap, config
from shared.mail import MailError, Message, NoMail
from shared.mail.outbox_mail import OutboxMail
from shared.mail.smtp_mail import SmtpMail

V1 = "/api/v1"


def _outbox(isolated_settings):
    folder = config.settings().outbox_dir
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _invite(client, who, org, email_addr, role="CLIENT"):
    return client.post(
        f"{V1}/organizations/{org}/invite", json={"email": email_addr, "role": role}, headers=who["headers"]
    )


def test_the_invite_is_mailed_to_the_invitee_and_the_link_returned(client, users, isolated_settings):
    config.configure(invite_url="https://console.example/accept-invite")
    org = users.org("Acme Captions")
    pm = users.user("PM", org)
    resp = _invite(client, pm, org, "New.Person@Example.com")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["email_sent"] is True
    assert body["link"] == f"https://console.example/accept-invite?token={body['token']}"
    files = _outbox(isolated_settings)
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "new.person@example.com" and "Acme Captions" in msg["Subject"]
    assert body["link"] in msg.get_content()
    # the mailed link works: accepting with its token creates the account
    accepted = client.post(f"{V1}/auth/accept-invite", json={"token": body["token"], "password": "Fresh-Pass-2026"})
    assert accepted.status_code == 200


def test_a_pm_cannot_tell_whether_another_organisation_has_the_email(client, users, isolated_settings):
    acme, other = users.org("Acme"), users.org("Other")
    pm = users.user("PM", acme)
    outsider = users.user("CLIENT", other, email="taken@example.com")
    fresh = _invite(client, pm, acme, "fresh@example.com")
    taken = _invite(client, pm, acme, outsider["email"])
    assert fresh.status_code == taken.status_code == 201  # today's code answered 409 for `taken`
    assert set(fresh.get_json()) == set(taken.get_json())
    # Only the invitee finds out, when accepting.
    resp = client.post(
        f"{V1}/auth/accept-invite", json={"token": taken.get_json()["token"], "password": "Fresh-Pass-2026"}
    )
    assert resp.status_code == 409
    # A member of the PM's own organisation is reported (the PM can list them anyway).
    member = users.user("CLIENT", acme)
    assert _invite(client, pm, acme, member["email"]).status_code == 409
    # ADMIN sees every user, so ADMIN is told.
    admin = users.user("ADMIN")
    assert _invite(client, admin, acme, outsider["email"]).status_code == 409


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_invites_go_through_smtp_when_configured(client, users, smtp_server):
    controller, inbox = smtp_server
    config.configure(
        smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none", mail_from="AVP <no-reply@avp.example>"
    )
    org = users.org("Acme")
    admin = users.user("ADMIN")
    body = _invite(client, admin, org, "someone@example.com", role="REVIEWER").get_json()
    assert body["email_sent"] is True
    deadline = time.monotonic() + 5
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    mail_from, rcpts, content = inbox.messages[0]
    assert mail_from == "no-reply@avp.example" and rcpts == ["someone@example.com"]
    assert body["link"] in email.message_from_bytes(content, policy=policy.default).get_content()


def test_a_mail_failure_keeps_the_invite_and_says_so(client, users):
    config.configure(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_security="none")
    org = users.org()
    pm = users.user("PM", org)
    resp = _invite(client, pm, org, "later@example.com")
    assert resp.status_code == 201 and resp.get_json()["email_sent"] is False and resp.get_json()["link"]


def test_smtp_adapter_refuses_unknown_security():
    with pytest.raises(ValueError):
        SmtpMail("h", 25, "a@b", security="ssl3")
    assert Message("a@b.c", "s", "t").to == "a@b.c"


def test_gcp_without_smtp_sends_nothing_and_says_so(isolated_settings):
    config.configure(backend="gcp")
    mail = bootstrap.platform().mail
    assert isinstance(mail, NoMail)
    with pytest.raises(MailError, match="AVP_SMTP_HOST"):
        mail.send(Message("a@b.example", "s", "t"))


def test_an_unwritable_outbox_is_a_mail_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(MailError, match="outbox"):
        OutboxMail(blocker / "outbox", "a@b.example").send(Message("c@d.example", "s", "t"))
