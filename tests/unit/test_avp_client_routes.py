"""Every API call the `avp` client makes names a route of the route table with that method, so
a renamed or removed endpoint fails here before a user meets it."""

import re
from pathlib import Path

from shared.routes import ROUTES

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "python" / "src" / "avp_client" / "client.py"
CALL = re.compile(
    r'(?:self\.call|self\._send|self\.http\.(get|post))\(\s*(?:"(GET|POST|PATCH|PUT|DELETE)",\s*)?f"\{V1\}([^"?]+)"'
)


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_client_calls_only_routed_endpoints():
    routed = {(r.method, _shape(r.path.replace("{path:path}", "{path}"))) for r in ROUTES}
    calls = []
    for http_method, method, path in CALL.findall(CLIENT.read_text()):
        # `{action}` is one of the QC actions the client's job_action/language_action take
        actions = (
            ("approve", "reject", "feedback", "retry") if "/actions/" in path else ("approve", "reject", "feedback")
        )
        for action in actions if "{action}" in path else ("",):
            calls.append(((method or http_method).upper(), _shape("/api/v1" + path.replace("{action}", action))))
    assert len(calls) >= 25, calls
    missing = [c for c in calls if c not in routed]
    assert not missing, f"the avp client calls endpoints the route table does not have: {missing}"
