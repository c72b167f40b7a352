"""Screenshots of the console for the README (docs/console/*.png): taken by the browser tests
only when DOC_SCREENSHOTS=1, so an ordinary run writes nothing into the tree."""

from __future__ import annotations

import os
from pathlib import Path

DOCS = Path(__file__).resolve().parents[3] / "docs" / "console"


def doc_shot(page, name: str, part=None) -> None:
    """The page's top (or only the `part` locator, e.g. a panel further down)."""
    if os.environ.get("DOC_SCREENSHOTS") == "1":
        if part is not None:
            part.screenshot(path=str(DOCS / f"{name}.png"))
            return
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS / f"{name}.png"))
