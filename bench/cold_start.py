"""Prints the import time of each function's main.py in a fresh Python process (aim: <= 250 ms).

Usage: .venv/bin/python bench/cold_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = r"""
import importlib.util, sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
spec = importlib.util.spec_from_file_location("main", {path!r})
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
print(round((time.perf_counter() - t0) * 1000, 1))
"""


def measure(path: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        code = PROBE.format(root=str(ROOT), path=str(path))
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if res.returncode != 0:
            raise SystemExit(f"{path} failed to import:\n{res.stderr[-2000:]}")
        out.append(float(res.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    mains = sorted(ROOT.glob("functions/*/main.py"))
    print(f"{'function':<18} {'median ms':>10} {'max ms':>8}  (aim <= 250 ms; {args.runs} fresh processes each)")
    worst = 0.0
    for path in mains:
        times = measure(path, args.runs)
        worst = max(worst, statistics.median(times))
        flag = "" if statistics.median(times) <= 250 else "  OVER AIM"
        print(f"{path.parent.name:<18} {statistics.median(times):>10.1f} {max(times):>8.1f}{flag}")
    print(f"worst median: {worst:.1f} ms")


if __name__ == "__main__":
    main()
