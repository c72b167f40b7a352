"""docs/spec/api.md is the repository's copy of the API contract handed out with the project
(shared/spec/api.md beside the checkout). The route-table tests read the copy, so they always
run; this test keeps the copy equal to the handout wherever the handout is present."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COPY = ROOT / "docs" / "spec" / "api.md"


def _handout() -> Path | None:
    # the handout sits at <folder>/shared/spec/api.md, the checkout at <folder>/<name> (or one
    # level deeper for a git worktree)
    for folder in ROOT.parents[:2]:
        candidate = folder / "shared" / "spec" / "api.md"
        if candidate.is_file():
            return candidate
    return None


def test_the_copy_is_the_contract():
    assert COPY.read_text(encoding="utf-8").startswith("# API Specification")


def test_the_copy_matches_the_handout():
    handout = _handout()
    if handout is None:
        pytest.skip("no shared/spec/api.md handout beside this checkout to compare with")
    assert COPY.read_text(encoding="utf-8") == handout.read_text(encoding="utf-8"), (
        f"docs/spec/api.md differs from {handout}: copy the handout over it"
    )
