"""The project's own modules are imported at the top of every module (conventions; issue 16).

An import of shared/, functions/, tests/, bench/ or scripts/ code inside a function hides a
dependency; the few that must stay lazy carry a comment saying why, on the import's line or the
line above it. `python tests/unit/test_imports_at_top.py` lists every import inside a function
and counts them (the figure the issue's reports quote).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("shared", "functions", "tests", "bench", "scripts")
TREES = ("shared", "functions", "tests", "bench", "scripts", "clients")


def python_files() -> list[Path]:
    return sorted(p for tree in TREES for p in (ROOT / tree).rglob("*.py") if "node_modules" not in p.parts)


def imports_inside_functions(path: Path) -> list[tuple[int, str, bool]]:
    """(line, statement, has a comment) of each project import inside a function of `path`."""
    source = path.read_text()
    lines = source.splitlines()
    found = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                if isinstance(child, ast.Import):
                    modules = [alias.name for alias in child.names]
                else:
                    modules = ["." if child.level else child.module or ""]
                if any(m.split(".")[0] in PROJECT for m in modules):
                    line = lines[child.lineno - 1]
                    above = lines[child.lineno - 2].strip() if child.lineno >= 2 else ""
                    found.append((child.lineno, line.strip(), "#" in line or above.startswith("#")))
            walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(ast.parse(source, str(path)), False)
    return found


def test_project_modules_are_imported_at_the_top():
    hidden = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in python_files()
        for line, text, commented in imports_inside_functions(path)
        if not commented
    ]
    assert not hidden, (
        "Import these at the top of the module (or, where it must stay lazy, say why in a comment "
        "on the line or the line above):\n" + "\n".join(hidden)
    )


def test_the_scan_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import shared\n\n\ndef f():\n    from shared import config\n\n    # lazy: why\n"
        "    import tests.support\n    import json\n"
    )
    assert imports_inside_functions(sample) == [
        (5, "from shared import config", False),
        (8, "import tests.support", True),
    ]


if __name__ == "__main__":
    total = 0
    for path in python_files():
        for line, text, commented in imports_inside_functions(path):
            total += 1
            print(f"{path.relative_to(ROOT)}:{line}: {text}{'' if commented else '   (no comment)'}")
    print(f"{total} imports of project modules inside functions", file=sys.stderr)
