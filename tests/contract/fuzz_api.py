"""Schemathesis over the running local platform: every operation of /openapi.json, `--checks
all`, examples + coverage + fuzzing + stateful phases, once per role (CLIENT, LINGUIST,
REVIEWER, PM, ADMIN; the ADMIN last, since its run may change other accounts).

    .venv/bin/python -m tests.contract.fuzz_api [--base URL] [--max-examples N] [--roles A,B]

Without --base it starts the platform itself (free port, fresh data folder), seeds one
organisation with a user of each role (their logins go through the API), runs schemathesis
for each role and stops the platform. Exit code 0 only when every run found nothing.
Decision 1002 describes the run."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared import bootstrap, config
from tests.conftest import Users
from tests.support.platform_process import ROOT, clean_env, free_port, running

ROLES = ("CLIENT", "LINGUIST", "REVIEWER", "PM", "ADMIN")
ADMIN_EMAIL = "fuzz-admin@example.com"
PASSWORD = "Fuzz-Correct-Horse-9"


def seed(data_dir: Path) -> dict[str, str]:
    """One organisation with a user of each role besides the first ADMIN, written into the
    platform's store with the test suite's helper; a bearer token for each (same JWT secret)."""
    os.environ["AVP_DATA_DIR"] = str(data_dir)
    config.reset()
    bootstrap.reset()
    users = Users(bootstrap.platform())
    org_id = users.org("Fuzz Org")
    return {role: users.user(role, None if role == "ADMIN" else org_id, password=PASSWORD)["token"] for role in ROLES}


def schemathesis_cmd(base: str, max_examples: int, max_time: int, report_dir: Path, seed_value: int) -> list[str]:
    exe = Path(sys.executable).with_name("schemathesis")
    return [
        str(exe),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "--no-color",
        "run",
        f"{base}/openapi.json",
        "--url",
        base,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed_value),
        "--workers",
        "1",
        *(["--max-time", str(max_time)] if max_time else []),
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-dir",
        str(report_dir),
        "--suppress-health-check",
        "all",
    ]


def run_roles(
    base: str, tokens: dict[str, str], roles, max_examples: int, max_time: int, report_dir: Path
) -> dict[str, int]:
    results = {}
    for n, role in enumerate(roles):
        started = time.monotonic()
        print(f"== schemathesis as {role}", flush=True)
        cmd = schemathesis_cmd(base, max_examples, max_time, report_dir / role.lower(), 1000 + n)
        env = {
            **os.environ,
            "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("hooks.py")),
            "AVP_FUZZ_TOKEN": tokens[role],  # tests/contract/schemathesis.toml binds it to the bearer scheme
        }
        rc = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
        print(f"== {role}: exit {rc} in {time.monotonic() - started:.0f} s", flush=True)
        results[role] = rc
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="an already running platform (with the fuzz users seeded)")
    ap.add_argument("--max-examples", type=int, default=int(os.environ.get("AVP_FUZZ_EXAMPLES", "3")))
    ap.add_argument(
        "--max-time",
        type=int,
        default=int(os.environ.get("AVP_FUZZ_SECONDS", "0")),
        help="a time budget per role (0: none; a budget spent before the stateful phase skips it)",
    )
    ap.add_argument("--roles", default=",".join(ROLES))
    ap.add_argument("--report-dir", default=str(ROOT / "build" / "schemathesis"))
    args = ap.parse_args(argv)
    roles = [r.strip().upper() for r in args.roles.split(",") if r.strip()]
    report_dir = Path(args.report_dir)
    with tempfile.TemporaryDirectory(prefix="avp-fuzz-") as tmp:
        data_dir = Path(tmp) / "data"
        port = free_port()
        env = clean_env(
            AVP_PORT=port,
            AVP_DATA_DIR=data_dir,
            AVP_COOKIE_SECURE=0,
            AVP_ADMIN_EMAIL=ADMIN_EMAIL,
            AVP_ADMIN_PASSWORD=PASSWORD,
            AVP_JWT_SECRET="fuzz-secret-" + "k" * 40,
        )
        log = Path(tmp) / "platform.log"
        with running([sys.executable, "-m", "shared.local.serve"], env, log) as base:
            os.environ["AVP_JWT_SECRET"] = env["AVP_JWT_SECRET"]
            tokens = seed(data_dir)
            results = run_roles(base, tokens, roles, args.max_examples, args.max_time, report_dir)
        server_errors = [line for line in log.read_text(errors="replace").splitlines() if "unhandled error" in line]
    for line in server_errors[:20]:
        print("server log:", line[:2000])
    failed = [r for r, rc in results.items() if rc != 0]
    print(f"schemathesis: {len(results) - len(failed)} roles clean, {len(failed)} with findings {failed}")
    return 1 if failed or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
