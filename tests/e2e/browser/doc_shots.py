"""Screenshots of the console for the README (docs/console/*.png): taken by the browser tests
only when DOC_SCREENSHOTS=1, so an ordinary run writes nothing into the tree."""

from __future__ import annotations

import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs" / "console"


def doc_shot(page, name: str) -> None:
    if os.environ.get("DOC_SCREENSHOTS") == "1":
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS / f"{name}.png"))
