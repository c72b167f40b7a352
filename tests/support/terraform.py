"""The Terraform configuration as python-hcl2 reads it, for the tests that check it (providers
cannot be downloaded here, so `terraform validate` cannot run).

Each file is parsed once per test process: python-hcl2 takes 10-300 ms a file, and the checks
read all of them several times over. Callers get their own copy, so a test that changes what it
was given cannot change what the next one reads.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import hcl2

ROOT = Path(__file__).resolve().parents[2]
TF = ROOT / "terraform"
MODULES = TF / "modules"


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _keys_unquoted(value):
    if isinstance(value, dict):
        return {unquote(k): _keys_unquoted(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_keys_unquoted(v) for v in value]
    return value


@functools.cache
def _parsed(path: Path, mtime_ns: int) -> dict:
    with open(path) as fh:
        return _keys_unquoted(hcl2.load(fh))


def load(path: Path) -> dict:
    """The HCL file as python-hcl2 reads it, block labels without their quotes."""
    path = Path(path).resolve()
    return copy.deepcopy(_parsed(path, path.stat().st_mtime_ns))


def code(path: Path) -> str:
    """The file without comment lines."""
    return "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())


def tf_files() -> list[Path]:
    return sorted(TF.rglob("*.tf"))


def blocks(kind: str, path: Path | None = None) -> list[tuple[Path, dict]]:
    """Every `kind` block (resource, variable, module, ...) of one file or of the whole tree."""
    out = []
    for f in [path] if path else tf_files():
        for block in load(f).get(kind, []):
            out.append((f, block))
    return out


def resources(rtype: str) -> list[tuple[Path, str, dict]]:
    out = []
    for f, block in blocks("resource"):
        for name, body in block.get(rtype, {}).items() if rtype in block else []:
            out.append((f, name, body))
    return out


def platform_functions() -> dict:
    for block in load(MODULES / "platform" / "functions.tf")["locals"]:
        if "functions" in block:
            return block["functions"]
    raise AssertionError("local.functions not found in modules/platform/functions.tf")
