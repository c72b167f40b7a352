"""The `avp` command against the real local platform (`python -m shared.local.serve` on a free
port): sign-in with a cached, refreshed token, a job created with an upload, followed over the
WebSocket, a caption edited in $EDITOR (and a conflicting edit shown as a diff), QC actions,
language assignment, downloads, `--json` output and exit codes. A PM's webhook on a real local
receiver (loopback allowed by AVP_WEBHOOK_ALLOW_PRIVATE=1) sees the same job's events, signed."""

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from shared.webhooks import signing
from tests.support.media import session_video
from tests.support.platform_process import PY, free_port, platform_env, running
from tests.support.webhook_receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL, ADMIN_PASSWORD = "cli-admin@example.com", "Cli-Admin-Passw0rd!"
PASSWORD = "Cli-User-Passw0rd!"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli-platform")
    env = platform_env(
        tmp / "data", ADMIN_EMAIL, ADMIN_PASSWORD, AVP_WEBHOOK_ALLOW_PRIVATE="1", AVP_WEBHOOK_BACKOFF_SECONDS="0.5"
    )
    log = tmp / "server.log"
    with running([PY, "-m", "shared.local.serve"], env, log) as base:
        yield {"base": base, "log": log, "tmp": tmp}


class Avp:
    """Runs `python -m avp_client` as one person (their own token cache)."""

    def __init__(self, base: str, config_dir: Path):
        self.base = base
        self.config_dir = config_dir

    def __call__(self, *args, editor: str | None = None, password: str | None = None, timeout=600):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
        # TMPDIR: an edit kept after a conflict stays with the test, not in the machine's /tmp
        env |= {"AVP_URL": self.base, "AVP_CONFIG_DIR": str(self.config_dir), "TMPDIR": str(self.config_dir)}
        if editor:
            env["EDITOR"] = editor
        if password:
            env["AVP_PASSWORD"] = password
        return subprocess.run(
            [PY, "-m", "avp_client", *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )

    def json(self, *args, **kw):
        run = self("--json", *args, **kw)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    @property
    def cache(self) -> Path:
        return self.config_dir / "credentials.json"


def person(server, name: str) -> Avp:
    return Avp(server["base"], server["tmp"] / f"config-{name}")


def test_cli_drives_a_job_and_webhooks_follow_it(server, tmp_path_factory, tmp_path):
    from avp_client import Client, CredentialStore

    admin = person(server, "admin")
    bad = admin("login", "--email", ADMIN_EMAIL, password="wrong-password-1")
    assert bad.returncode == 3 and "avp:" in bad.stderr
    login = admin("--json", "login", "--email", ADMIN_EMAIL, password=ADMIN_PASSWORD)
    assert login.returncode == 0, login.stderr
    assert json.loads(login.stdout)["role"] == "ADMIN"
    assert stat.S_IMODE(admin.cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(admin.cache.parent.stat().st_mode) == 0o700

    # an organisation with a CLIENT, REVIEWER, PM and LINGUIST, through the client library
    api = Client(server["base"], store=CredentialStore(admin.cache))
    org = api.call("POST", "/api/v1/organizations", json={"name": "CLI Org"})
    people, emails = {"ADMIN": admin}, {"ADMIN": ADMIN_EMAIL}
    for role in ("CLIENT", "REVIEWER", "PM", "LINGUIST"):
        emails[role] = f"cli-{role.lower()}@example.com"
        invite = api.call(
            "POST", f"/api/v1/organizations/{org['id']}/invite", json={"email": emails[role], "role": role}
        )
        people[role] = person(server, role.lower())
        Client(server["base"], store=CredentialStore(people[role].cache)).accept_invite(invite["token"], PASSWORD)

    pm = people["PM"]
    assert pm("login", "--email", emails["PM"], password=PASSWORD).returncode == 0
    bad_event = pm("webhooks", "create", "https://127.0.0.1/hooks", "--events", "job.exploded")
    assert bad_event.returncode == 7 and "events" in bad_event.stderr
    with WebhookReceiver() as receiver:
        hook = pm.json("webhooks", "create", receiver.url, "--events", "job.status_changed,job.qc_needed,job.completed")
        assert hook["secret"].startswith("whsec_")
        _job_flow(people, emails, session_video(tmp_path_factory).path, tmp_path, receiver)
        received = receiver.wait_for(
            lambda rs: any(json.loads(r.body)["type"] == "job.completed" for r in rs), timeout=60
        )
        for req in received:
            signing.verify(hook["secret"], req.headers, req.body)
        types = [json.loads(r.body)["type"] for r in received]
        statuses = [
            json.loads(r.body)["data"]["status"] for r in received if json.loads(r.body)["type"] == "job.status_changed"
        ]
        assert types.count("job.qc_needed") == 3  # SOURCE_QC, LANGUAGE_QC, FINAL_QC
        for status in ("UPLOADED", "TRANSCRIBING", "SOURCE_QC", "TRANSLATING", "LANGUAGE_QC", "FINAL_QC", "COMPLETED"):
            assert status in statuses
        log = pm.json("webhooks", "deliveries", hook["id"], "--limit", "100")
        assert len(log) == len(received) and all(d["status"] == "succeeded" for d in log)
        table = pm("webhooks", "deliveries", hook["id"])
        assert "job.completed" in table.stdout and "succeeded" in table.stdout

        # replay the newest delivery: the receiver gets the same webhook-id again, freshly signed
        replayed = pm.json("webhooks", "replay", hook["id"], log[0]["id"])
        assert replayed["replay_of"] == log[0]["id"]
        again = receiver.wait_for(lambda rs: len(rs) == len(received) + 1, timeout=30)[-1]
        assert again.headers["webhook-id"] == log[0]["message_id"]
        signing.verify(hook["secret"], again.headers, again.body)

        rotated = pm.json("webhooks", "rotate-secret", hook["id"])
        assert rotated["secret"] != hook["secret"]
        # a test event after the rotation carries two signatures: the new secret's and the old one's
        assert pm.json("webhooks", "test", hook["id"])["event_type"] == "webhook.test"
        ping = receiver.wait_for(lambda rs: len(rs) == len(received) + 2, timeout=30)[-1]
        assert json.loads(ping.body)["type"] == "webhook.test"
        signing.verify(rotated["secret"], ping.headers, ping.body)
        signing.verify(hook["secret"], ping.headers, ping.body)
        disabled = pm.json("webhooks", "update", hook["id"], "--disable")
        assert disabled["enabled"] is False
        assert pm("webhooks", "update", hook["id"]).returncode == 1  # nothing to change
    assert people["REVIEWER"]("webhooks", "list").returncode == 4  # a REVIEWER may not (403)


def _job_flow(people, emails, video, tmp_path, receiver):
    client, reviewer, pm, linguist = people["CLIENT"], people["REVIEWER"], people["PM"], people["LINGUIST"]
    for role, avp in people.items():
        if role not in ("PM", "ADMIN"):
            assert avp("login", "--email", emails[role], password=PASSWORD).returncode == 0

    created = client("--json", "jobs", "create", str(video), "--languages", "es", "--title", "CLI job")
    assert created.returncode == 0, created.stderr
    job = json.loads(created.stdout)
    job_id = job["_id"]
    assert job["requested_outputs"] == ["en", "es"]
    assert "uploaded" in created.stderr and "(100%)" in created.stderr

    # the signed-URL path (used for files over 16 MB) gives the same job
    signed = client("--json", "jobs", "create", str(video), "--signed-upload", "--title", "CLI signed")
    assert signed.returncode == 0, signed.stderr
    assert json.loads(signed.stdout)["title"] == "CLI signed"
    # (deleted at once by the ADMIN, so only one job runs through the pipeline)
    assert people["ADMIN"]("jobs", "delete", json.loads(signed.stdout)["_id"]).returncode == 0

    watched = client("jobs", "watch", job_id, "--timeout", "600")
    assert watched.returncode == 0, watched.stderr
    assert "status SOURCE_QC" in watched.stderr and "step transcribe" in watched.stderr

    # a CLIENT may not approve: 403 -> exit code 4; an unknown job: 404 -> 5
    assert client("jobs", "approve", job_id).returncode == 4
    assert client("jobs", "show", "0" * 24).returncode == 5

    edit = reviewer("vtt", "edit", job_id, "en", "-m", "capitalise", editor="sed -i -e 0,/widget/s//Widget/")
    assert edit.returncode == 0, edit.stderr
    assert "Saved en captions" in edit.stderr
    assert "Widget" in reviewer("vtt", "show", job_id, "en").stdout

    conflict_editor = tmp_path / "conflicting_editor.py"
    conflict_editor.write_text(
        "import os, subprocess, sys\n"
        "# someone else saves first (a second avp session), then this edit is made\n"
        f"subprocess.run([{PY!r}, '-m', 'avp_client', 'vtt', 'edit', {job_id!r}, 'en'],\n"
        "               env=dict(os.environ, EDITOR='sed -i -e s/Widget/WIDGET/'), check=True)\n"
        "path = sys.argv[1]\n"
        "text = open(path).read()\n"
        "open(path, 'w').write(text.replace('factory', 'plant', 1))\n"
    )
    clash = reviewer("vtt", "edit", job_id, "en", editor=f"{PY} {conflict_editor}")
    assert clash.returncode == 6, clash.stderr
    assert "Conflict" in clash.stderr and "+" in clash.stderr and "WIDGET" in clash.stderr and "plant" in clash.stderr

    fb = reviewer("--json", "jobs", "feedback", job_id, "-m", "Looks good")
    assert fb.returncode == 0 and json.loads(fb.stdout)["feedback"]
    assert reviewer("jobs", "approve", job_id).returncode == 0
    assert client("jobs", "watch", job_id, "--until", "LANGUAGE_QC", "--timeout", "600").returncode == 0

    assigned = pm("--json", "qc", "assign", job_id, "es", "--linguist", emails["LINGUIST"])
    assert assigned.returncode == 0, assigned.stderr
    assert json.loads(assigned.stdout)["status"] == "ASSIGNED"
    # a LINGUIST reads through the signed file URL (no GET /vtt for them) and saves with If-Match
    mark = tmp_path / "mark_first_cue.py"
    mark.write_text(
        "import sys\n"
        "lines = open(sys.argv[1]).read().split('\\n')\n"
        "i = next(n for n, line in enumerate(lines) if '-->' in line) + 1\n"
        "lines[i] += ' (revisado)'\n"
        "open(sys.argv[1], 'w').write('\\n'.join(lines))\n"
    )
    ling_edit = linguist("vtt", "edit", job_id, "es", editor=f"{PY} {mark}")
    assert ling_edit.returncode == 0, ling_edit.stderr
    assert linguist("qc", "approve", job_id, "es").returncode == 0
    state = pm.json("qc", "show", job_id)
    assert state["languages"][0]["status"] == "APPROVED"

    assert reviewer("jobs", "watch", job_id, "--until", "FINAL_QC", "--timeout", "600").returncode == 0
    final = reviewer.json("jobs", "approve", job_id)
    assert final["status"] == "COMPLETED"

    out = tmp_path / "out"
    listing = client.json("jobs", "download", job_id, "--out", str(out))
    files = {f["path"] for f in listing["files"]}
    assert {"en/captions.vtt", "es/captions.vtt", "en/accessible.mp4", "es/accessible.mp4"} <= files
    assert (out / job_id / "es" / "captions.vtt").read_text().startswith("WEBVTT")
    assert "(revisado)" in (out / job_id / "es" / "captions.vtt").read_text()
    assert job_id in {j["_id"] for j in client.json("jobs", "list")}

    # an expired access token is refreshed with the cached refresh token (which rotates)
    cache = json.loads(client.cache.read_text())
    assert cache["default_url"] == client.base  # later commands need no --url
    entry = cache[client.base]
    before = entry["refresh_token"]
    entry["access_token"], entry["access_expires_at"] = "expired.token.value", 0
    client.cache.write_text(json.dumps(cache))
    assert client("jobs", "show", job_id).returncode == 0
    entry = json.loads(client.cache.read_text())[client.base]
    assert entry["refresh_token"] != before and entry["access_token"] != "expired.token.value"

    assert client("logout").returncode == 0
    signed_out = client("--json", "jobs", "list")
    assert signed_out.returncode == 3 and json.loads(signed_out.stderr)["exit_code"] == 3


def test_cli_exit_codes_for_failed_jobs_timeouts_and_bad_input(server, tmp_path, tmp_path_factory):
    from avp_client import Client, CredentialStore

    admin = person(server, "admin2")
    assert admin("login", "--email", ADMIN_EMAIL, password=ADMIN_PASSWORD).returncode == 0
    api = Client(server["base"], store=CredentialStore(admin.cache))
    org = api.call("POST", "/api/v1/organizations", json={"name": "CLI Failures"})
    invite = api.call(
        "POST", f"/api/v1/organizations/{org['id']}/invite", json={"email": "f@example.com", "role": "CLIENT"}
    )
    client = person(server, "client2")
    Client(server["base"], store=CredentialStore(client.cache)).accept_invite(invite["token"], PASSWORD)

    missing = client("jobs", "create", str(tmp_path / "nope.mp4"))
    assert missing.returncode == 1 and "No such file" in missing.stderr
    bad_lang = client("jobs", "create", str(session_video(tmp_path_factory).path), "--languages", "not a language")
    assert bad_lang.returncode == 7, bad_lang.stderr

    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"this is not a video " * 500)
    job = client.json("jobs", "create", str(garbage))
    watched = client("--json", "jobs", "watch", job["_id"], "--timeout", "120")
    assert watched.returncode == 8, watched.stderr
    assert json.loads(watched.stdout)["status"] == "UPLOAD_INVALID"
    assert "UPLOAD_INVALID" in watched.stderr

    # a job still running when the timeout passes: exit 10 (then the ADMIN deletes it)
    running_job = client.json("jobs", "create", str(session_video(tmp_path_factory).path))
    waiting = client("jobs", "watch", running_job["_id"], "--until", "COMPLETED", "--timeout", "2")
    assert waiting.returncode == 10, waiting.stderr
    assert admin("jobs", "delete", running_job["_id"]).returncode == 0

    listed = client("exit-codes")
    assert listed.returncode == 0 and "10  timed out waiting" in listed.stdout
    unreachable = Avp(f"http://127.0.0.1:{free_port()}", client.config_dir)
    assert unreachable("login", "--email", "f@example.com", password=PASSWORD).returncode == 9
    assert unreachable("jobs", "list").returncode == 3  # never signed in there
