"""Helpers of the browser tests: API calls that set the scene (organisations, people of each
role, jobs) and the axe-core check run on every screen."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ADMIN_EMAIL, ADMIN_PASSWORD = "console-admin@example.com", "Console-Admin-Passw0rd!"
PASSWORD = "Browser-Test-Passw0rd!"


@dataclass
class ApiUser:
    base: str
    email: str
    password: str
    token: str
    user: dict

    @classmethod
    def sign_in(cls, base: str, email: str, password: str) -> ApiUser:
        r = requests.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        return cls(base, email, password, body["access_token"], body["user"])

    def call(self, method: str, path: str, expect: int | None = 200, **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
        r = requests.request(method, f"{self.base}{path}", headers=headers, timeout=60, **kw)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r

    def create_org(self, name: str | None = None) -> str:
        name = name or f"Org {uuid.uuid4().hex[:6]}"
        return self.call("POST", "/api/v1/organizations", expect=201, json={"name": name}).json()["id"]

    def add_member(self, org_id: str, role: str, email: str | None = None) -> ApiUser:
        """Invite someone to `org_id` with `role`, accept the invite, and sign them in."""
        email = email or f"{role.lower()}-{uuid.uuid4().hex[:8]}@example.com"
        invite = self.call(
            "POST", f"/api/v1/organizations/{org_id}/invite", expect=None, json={"email": email, "role": role}
        )
        assert invite.status_code in (200, 201), invite.text
        token = invite.json()["token"]
        r = requests.post(
            f"{self.base}/api/v1/auth/accept-invite", json={"token": token, "password": PASSWORD}, timeout=30
        )
        assert r.status_code == 200, r.text
        return ApiUser.sign_in(self.base, email, PASSWORD)


def sign_in(page, email: str, password: str, next_path: str = "/jobs") -> None:
    """Sign in through the console's own form and wait for the first screen."""
    page.goto(f"/signin?next={quote(next_path, safe='')}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.wait_for_url(f"**{next_path.split('?')[0]}*")


def axe_check(page, screen: str) -> list[dict]:
    """Run axe-core (WCAG 2.0-2.2 A/AA rules) on the page; fail on any serious or critical
    violation. Returns all violations found (minor and moderate ones included) for the log."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluated by the driver, not as page script: the CSP stays on
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe found serious/critical violations on {screen}: {bad}"
    return result


def create_job(
    user: ApiUser,
    org_id: str | None,
    video: Path,
    outputs: list[str],
    title: str = "Browser test",
    source_language: str = "en",
    **fields: str,
) -> str:
    """A job from a multipart upload (as a CLIENT or ADMIN would post it), with any other form
    `fields` (e.g. glossary_id); returns its id."""
    data = {"source_language": source_language, "requested_outputs": ",".join(outputs), "title": title, **fields}
    if org_id and user.user["role"] == "ADMIN":
        data["org_id"] = org_id
    with open(video, "rb") as fh:
        r = user.call("POST", "/api/v1/jobs", expect=201, files={"file": ("video.mp4", fh, "video/mp4")}, data=data)
    return r.json()["_id"]


def wait_status(user: ApiUser, job_id: str, status: str, timeout: float = 300) -> dict:
    """Poll the job until it reaches `status`; fail early on a failure status."""
    import time

    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = user.call("GET", f"/api/v1/jobs/{job_id}").json()
        if job["status"] == status:
            return job
        assert not job["status"].endswith("_FAILED") and job["status"] != "UPLOAD_INVALID", job
        time.sleep(1)
    raise AssertionError(f"job {job_id} did not reach {status} in {timeout} s: {job.get('status')}")
