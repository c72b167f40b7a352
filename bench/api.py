"""The API against its floor, side by side, with the same client.

The floor is bench/floor_app.py (bare Flask + PyJWT + SQLite) under gunicorn with one sync worker
per core; the platform is `python -m shared.local.serve` (AVP_HTTP_WORKERS processes, default one
per core). Both hold the same jobs: the platform's seeded through its document port
(SqliteDocuments transactions), the floor's in its own table. The client is wrk
(`apt-get install wrk`), `-t2 -c32 --latency` by default. For /health, GET /jobs/{id},
GET /jobs?limit=20 and GET /users/me it prints req/s, p50, p90, p99 and p99.9 of each (p99.9
through bench/wrk_percentiles.lua), the server's CPU time per request, the ratio platform /
floor, and how evenly the platform served wrk's connections: requests per connection (min /
median / max, read from the kernel with `ss -ti`, iproute2) and connections per server process.
Then it grows the platform's jobs collection (default 1,000 -> 100,000) and prints the list's
latency at each size (it should stay flat: decision 1201).

Usage: .venv/bin/python bench/api.py [--seconds 10] [--connections 32] [--jobs 1000]
                                     [--scale 1000,10000,100000] [--workers N]
                                     [--endpoints health,job,list,me]
The client shares the machine's cores with the server (the figures include that contention);
on a machine shared with other work, say so next to the figures. On such a machine (as root,
cgroup v1) give the bench and everything it starts the largest CPU weight, so other work gets a
few percent of the cores:

    mkdir /sys/fs/cgroup/cpu/bench && echo 262144 > /sys/fs/cgroup/cpu/bench/cpu.shares
    sh -c 'echo $$ > /sys/fs/cgroup/cpu/bench/cgroup.procs; exec .venv/bin/python bench/api.py'
    rmdir /sys/fs/cgroup/cpu/bench

Not `chrt -f` (real-time): once wrk and the servers fill both cores the kernel stops real-time
tasks for ~50 ms a second (sched_rt_runtime_us), which sets every p99, the floor's too, to ~50 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _platform import LocalPlatform, free_port  # noqa: E402
from floor_app import seed as seed_floor  # noqa: E402

from shared.persistence.documents import Query  # noqa: E402
from shared.persistence.sqlite_documents import SqliteDocuments  # noqa: E402

BENCH = Path(__file__).resolve().parent
# Statuses at rest (human QC or finished): the pipeline's reconciler would otherwise pick up
# seeded jobs in an automated step and run (and fail) them inside the server during the bench.
STATUSES = ("SOURCE_QC", "LANGUAGE_QC", "FINAL_QC", "COMPLETED", "REJECTED")


def job_doc(i: int, admin_id: str) -> tuple[str, dict]:
    """A job document shaped like the pipeline's (API fields plus internal ones)."""
    created = f"2026-{1 + i // 2_000_000:02d}-01T00:00:00.{i:07d}Z"
    doc = {
        "org_id": f"org-{i % 7}",
        "created_by": admin_id,
        "title": f"Bench video {i}",
        "status": STATUSES[i % len(STATUSES)],
        "source_language": "en",
        "requested_outputs": ["en", "es"],
        "options": {"delivery_profile": "broadcast", "extended_ad": False, "burn_in": False},
        "glossary_id": None,
        "outputs": {"en": {"captions_vtt": f"jobs/{i:024x}/en/captions.vtt"}},
        "language_qc": {"es": {"status": "pending", "assignee": None}},
        "feedback": [],
        "progress": {"step": "transcribe", "percent": 100},
        "error": None,
        "media": {"duration": 80.0, "width": 1280, "height": 720},
        "created_at": created,
        "updated_at": created,
        "assignees": [],
        "step_attempts": {"transcribe": 1},
        "outbox": [],
        "outbox_pending": False,
    }
    return f"{i:024x}", doc


def seed_platform(docs: SqliteDocuments, admin_id: str, start: int, stop: int) -> None:
    """Jobs start..stop-1 through the document port, 2,000 per transaction."""
    for lo in range(start, stop, 2000):

        def run(tx, lo=lo):
            for i in range(lo, min(stop, lo + 2000)):
                doc_id, doc = job_doc(i, admin_id)
                tx.create("jobs", doc_id, doc)

        docs.transaction(run)


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of `root_pid` and its child processes (from /proc), so the bench
    can print CPU per request: a figure that other load on the machine disturbs much less than
    req/s."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


def connection_counts(port: int) -> dict:
    """Per-connection fairness, read from the kernel while the client runs: for every established
    client connection to `port`, the requests it has sent so far (`data_segs_out`: wrk writes each
    request as one segment), and for every server connection the process that holds it. A server
    that starves some connections while it answers the others shows as a low minimum here, which
    wrk's latency figures cannot show (they only count answered requests)."""
    if shutil.which("ss") is None:  # iproute2
        return {"sent": [], "per_process": []}
    out = subprocess.run(
        ["ss", "-tinpH", "state", "established", f"( dport = :{port} or sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    sent: list[int] = []
    per_pid: dict[str, int] = {}
    lines = out.splitlines()
    for head, info in zip(lines[::2], lines[1::2], strict=False):
        cols = head.split()
        if len(cols) < 4:
            continue
        if cols[3].endswith(f":{port}"):  # the client's side: peer is the server
            m = re.search(r"data_segs_out:(\d+)", info)
            sent.append(int(m.group(1)) if m else 0)
        else:
            pid = re.search(r"pid=(\d+)", head)
            if pid:
                per_pid[pid.group(1)] = per_pid.get(pid.group(1), 0) + 1
    return {"sent": sent, "per_process": sorted(per_pid.values(), reverse=True)}


def wrk(
    url: str, token: str | None, seconds: float, connections: int, threads: int, server_pid: int = 0, port: int = 0
) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s"]
    cmd += ["-s", str(BENCH / "wrk_percentiles.lua")]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
    proc = subprocess.Popen([*cmd, url], stdout=subprocess.PIPE, text=True)
    conns = None
    if port:
        time.sleep(max(0.0, seconds - 0.5))  # just before wrk stops: every connection has been busy
        conns = connection_counts(port)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"wrk failed ({proc.returncode}): {out}")
    cpu = cpu_seconds(server_pid) - cpu_before if server_pid else 0.0

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        return float(m.group(1)) * _UNIT[m.group(2)] if m else float("nan")

    def lua_pct(p: str) -> float:
        m = re.search(rf"^p{p}=([\d.]+)us$", out, re.M)
        return float(m.group(1)) / 1000 if m else float("nan")

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    done = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "cpu_ms": cpu * 1000 / int(done.group(1)) if done and int(done.group(1)) else float("nan"),
        "p50": pct("50"),
        "p90": pct("90"),
        "p99": pct("99"),
        "p999": lua_pct("99.9"),
        "non2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        "conns": conns,
    }


class Floor:
    def __init__(self, db: str, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "AVP_FLOOR_DB": db}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-k",
                "sync",
                "--log-level",
                "warning",
                "-b",
                f"127.0.0.1:{self.port}",
                "floor_app:app",
            ],
            cwd=BENCH,
            env=env,
        )

    def __enter__(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("floor app did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(15)


def line(name: str, r: dict) -> str:
    extra = f"  non-2xx={r['non2xx']}" if r["non2xx"] else ""
    extra += f"  {r['socket_errors']}" if r["socket_errors"] else ""
    cpu = f"  server CPU/request={r['cpu_ms']:.2f} ms" if r.get("cpu_ms") == r.get("cpu_ms") else ""
    return (
        f"{name:<10} req/s={r['rps']:8.1f}  p50={r['p50']:6.2f}  p90={r['p90']:6.2f}  p99={r['p99']:6.2f}  "
        f"p99.9={r['p999']:6.2f} ms{cpu}{extra}"
    )


def fairness(r: dict, connections: int) -> str:
    """Requests per kept-alive connection (min / median / max) and connections per server
    process, half a second before the end of the run."""
    c = r["conns"]
    if not c or not c["sent"]:
        return ""
    sent = sorted(c["sent"])
    open_note = f" ({len(sent)} of {connections} open)" if len(sent) != connections else ""
    return (
        f"requests per connection min/median/max={sent[0]}/{sent[len(sent) // 2]}/{sent[-1]}{open_note}  "
        f"connections per server process={'/'.join(map(str, c['per_process']))}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--scale", default="1000,10000,100000", help="job counts for the list-latency series")
    ap.add_argument("--endpoints", default="health,job,list,me", help="which of health,job,list,me to measure")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes of each side")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")
    cores = os.cpu_count()
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  cores={cores}  load={os.getloadavg()[0]:.1f}  server processes={args.workers}  "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds:g}s  jobs={args.jobs}"
    )
    floor_dir = tempfile.mkdtemp(prefix="avp-floor-")
    try:
        run(args, str(Path(floor_dir) / "floor.sqlite3"))
    finally:
        shutil.rmtree(floor_dir, ignore_errors=True)


def run(args, floor_db: str) -> None:
    env = {"AVP_HTTP_WORKERS": str(args.workers), "AVP_COOKIE_SECURE": "0"}
    with LocalPlatform(env) as platform:
        token = platform.login()
        docs = SqliteDocuments(Path(platform.data) / "documents.sqlite3")
        admin = docs.query(Query("users", where=[("role", "==", "ADMIN")], limit=1)).items[0]
        seed_platform(docs, admin["id"], 0, args.jobs)
        floor_jobs = [{"_id": job_doc(i, admin["id"])[0], **job_doc(i, admin["id"])[1]} for i in range(args.jobs)]
        floor_user = {k: v for k, v in admin.items() if k != "password_hash"}
        floor_token = seed_floor(floor_db, floor_user, floor_jobs)
        job_id = job_doc(args.jobs // 2, admin["id"])[0]
        paths = [
            ("health", "/health", False),
            ("job", f"/api/v1/jobs/{job_id}", True),
            ("list", "/api/v1/jobs?limit=20", True),
            ("me", "/api/v1/users/me", True),
        ]
        paths = [p for p in paths if p[0] in args.endpoints.split(",")]
        with Floor(floor_db, args.workers) as floor:
            # warm both (imports, index creation, connections)
            for _, path, auth in paths:
                wrk(floor.base + path, floor_token if auth else None, 1, args.connections, args.threads)
                wrk(platform.base + path, token if auth else None, 1, args.connections, args.threads)
            for name, path, auth in paths:
                f = wrk(
                    floor.base + path,
                    floor_token if auth else None,
                    args.seconds,
                    args.connections,
                    args.threads,
                    floor.proc.pid,
                )
                p = wrk(
                    platform.base + path,
                    token if auth else None,
                    args.seconds,
                    args.connections,
                    args.threads,
                    platform.proc.pid,
                    platform.port,
                )
                print(f"{path.split('?')[0] if name != 'list' else path}")
                print("  " + line("floor", f))
                print("  " + line("platform", p))
                if fair := fairness(p, args.connections):
                    print("    platform " + fair)
                ratio = p["rps"] / f["rps"] if f["rps"] else float("nan")
                print(f"  ratio platform/floor: {ratio:.2f}x")
        print("GET /api/v1/jobs?limit=20 (platform) as the jobs collection grows:")
        have = args.jobs
        for size in (int(s) for s in args.scale.split(",") if s):
            if size > have:
                started = time.perf_counter()
                seed_platform(docs, admin["id"], have, size)
                print(
                    f"  (seeded {size - have} jobs through the document port in {time.perf_counter() - started:.1f} s)"
                )
                have = size
            r = wrk(
                platform.base + "/api/v1/jobs?limit=20",
                token,
                args.seconds,
                args.connections // 2,
                args.threads,
                platform.proc.pid,
                platform.port,
            )
            print(f"  jobs={size:<7} " + line("platform", r))
            if fair := fairness(r, args.connections // 2):
                print("    " + fair)


if __name__ == "__main__":
    main()
