"""The route table covers the spec and is internally consistent."""

import re
from pathlib import Path

from shared.routes import ALL_ROLES, ROUTES, spec_path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec" / "api.md"  # the repository's copy of the binding API contract


def _spec_rows():
    rows = []
    for line in SPEC.read_text().splitlines():
        m = re.match(r"\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*`([^`]+)`\s*\|\s*([^|]+)\|", line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3).strip()))
    return rows


def test_every_spec_row_is_routed_with_its_roles():
    table = {(r.method, spec_path(r.path)): r for r in ROUTES}
    rows = _spec_rows()
    assert len(rows) >= 45
    for method, path, roles in rows:
        route = table.get((method, path))
        assert route is not None, f"{method} {path} missing from the route table"
        if roles in ("None", "Cookie", "None (internal)"):
            assert route.public, path
        elif roles == "Bearer" or roles == "ALL":
            assert route.roles == ALL_ROLES, path
        else:
            listed = {r.strip().split(" ")[0] for r in roles.split(",")}
            assert route.roles == frozenset(listed), (path, listed, route.roles)


def test_no_duplicate_routes():
    keys = [(r.method, r.path) for r in ROUTES]
    assert len(keys) == len(set(keys))
