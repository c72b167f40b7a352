"""WebSocket fan-out benchmark: N clients on one org channel, M status changes.

Starts a WebSocket server process on a fresh data folder (the Cloud Run service entry,
functions/websocket/serve.py, or with --server local the whole local platform,
`python -m shared.local.serve`), connects N clients to `WS /api/v1/ws/org/{org_id}` from
one asyncio process, publishes M `job_status_update` events to the SQLite event log (what
every status change does) and measures, per delivered message, the time from publish to
receipt. Prints p50/p90/p99/max latency and messages lost.

    .venv/bin/python bench/ws_fanout.py                      # 1000 clients, 100 changes
    .venv/bin/python bench/ws_fanout.py --clients 200 --changes 50 --interval 0.02

Both processes share this machine's cores, so the figures include the clients' own CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import bootstrap, config  # noqa: E402
from shared.auth.tokens import issue_access_token  # noqa: E402
from shared.ids import new_id  # noqa: E402
from shared.timestamps import now_iso  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, port: int, env: dict, threads: int) -> subprocess.Popen:
    # One bench user holds every connection: lift the per-user and per-process WebSocket caps
    # (decision 0903) to what this run needs, keeping threads for /health.
    env = dict(
        env,
        AVP_PORT=str(port),
        AVP_BIND="127.0.0.1",
        AVP_WS_MAX_CONNECTIONS=str(max(1, threads - 50)),
        AVP_WS_MAX_PER_USER=str(threads),
    )
    if kind == "local":
        env["AVP_HTTP_THREADS"] = str(threads)
        cmd = [sys.executable, "-m", "shared.local.serve"]
    else:
        env["AVP_WS_THREADS"] = str(threads)
        cmd = [sys.executable, str(ROOT / "functions" / "websocket" / "serve.py")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not answer /health within 30 s")


def seed(data_dir: Path) -> tuple[str, str, list[str]]:
    """An organisation, a CLIENT of it with an access token, and 10 jobs."""
    config.reset()
    bootstrap.reset()
    config.configure(access_ttl_seconds=3600)
    docs = bootstrap.platform().documents
    org = new_id()
    docs.create("organizations", org, {"name": "Bench", "created_at": now_iso()})
    uid = new_id()
    docs.create("users", uid, {"email": "bench@example.com", "role": "CLIENT", "org_id": org, "status": "active"})
    token = issue_access_token({"id": uid, "role": "CLIENT", "org_id": org, "email": "bench@example.com"})
    jobs = []
    for _ in range(10):
        jid = new_id()
        docs.create("jobs", jid, {"org_id": org, "created_by": uid, "status": "CREATED", "updated_at": now_iso()})
        jobs.append(jid)
    return org, token, jobs


async def run_clients(
    url: str,
    n: int,
    expected: int,
    published: dict,
    done_publishing: threading.Event,
    connected: asyncio.Event,
    drain_seconds: float,
):
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    received = [0] * n
    unexpected: list[str] = []
    closed_early = [0]
    conns = []

    async def open_one(i):
        for attempt in range(5):
            try:
                return await connect(url, compression=None, ping_interval=None, open_timeout=30, max_queue=None)
            except OSError:
                await asyncio.sleep(0.2 * (attempt + 1))
        raise SystemExit(f"client {i} could not connect")

    t0 = time.perf_counter()
    for start in range(0, n, 100):  # in batches, not to overflow the listen backlog
        conns.extend(await asyncio.gather(*(open_one(i) for i in range(start, min(n, start + 100)))))
    connect_seconds = time.perf_counter() - t0
    connected.set()

    async def reader(i, ws):
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                now = time.time()
                msg = json.loads(raw)
                if msg.get("type") != "job_status_update":
                    continue
                sent = published.get(msg["updated_at"])
                if sent is None:
                    unexpected.append(raw)
                    continue
                latencies.append(now - sent)
                received[i] += 1
                if received[i] == expected:
                    return
        except ConnectionClosed:
            closed_early[0] += 1

    tasks = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(conns)]
    while not done_publishing.is_set():
        await asyncio.sleep(0.05)
    await asyncio.wait(tasks, timeout=drain_seconds)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*(ws.close() for ws in conns), return_exceptions=True)
    return latencies, received, unexpected, closed_early[0], connect_seconds


def publisher(
    events,
    org: str,
    jobs: list[str],
    changes: int,
    interval: float,
    published: dict,
    connected: threading.Event,
    done: threading.Event,
) -> None:
    connected.wait()
    time.sleep(1.0)  # let the server settle after the connection storm
    statuses = ["UPLOADED", "TRANSCRIBING", "DESCRIBING", "SOURCE_QC", "TRANSLATING"]
    next_at = time.perf_counter()
    for k in range(changes):
        stamp = now_iso()
        while stamp in published:
            stamp = now_iso()
        event = {
            "type": "job_status_update",
            "job_id": jobs[k % len(jobs)],
            "org_id": org,
            "status": statuses[k % len(statuses)],
            "updated_at": stamp,
        }
        published[stamp] = time.time()
        events.publish(event)
        next_at += interval
        delay = next_at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if (k + 1) % max(1, changes // 5) == 0:
            print(f"  published {k + 1}/{changes}", flush=True)
    done.set()


def process_cpu(pid: int) -> float:
    """User+system CPU seconds of a process and its children (gunicorn's worker), Linux only."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += process_cpu(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def process_rss(pid: int) -> float:
    """Resident memory (MiB) of a process and its children, Linux only."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total = int(line.split()[1]) / 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += process_rss(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--interval", type=float, default=0.05, help="seconds between status changes")
    ap.add_argument(
        "--server",
        choices=("service", "local"),
        default="service",
        help="service: functions/websocket/serve.py; local: python -m shared.local.serve",
    )
    ap.add_argument("--threads", type=int, default=0, help="server threads (default: clients + 100)")
    ap.add_argument("--drain", type=float, default=15.0, help="seconds to wait for late messages")
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, args.clients * 3 + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    threads = args.threads or args.clients + 100

    data_dir = Path(tempfile.mkdtemp(prefix="avp-ws-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVP_")}
    env.update(AVP_DATA_DIR=str(data_dir), AVP_JWT_SECRET="bench-" + "x" * 48, AVP_ADMIN_PASSWORD="Bench-admin-1")
    os.environ.update({k: env[k] for k in ("AVP_DATA_DIR", "AVP_JWT_SECRET")})
    proc = None
    try:
        org, token, jobs = seed(data_dir)
        port = free_port()
        proc = start_server(args.server, port, env, threads)
        events = bootstrap.platform().events
        url = f"ws://127.0.0.1:{port}/api/v1/ws/org/{org}?token={token}"
        print(
            f"{args.clients} clients on one org channel, {args.changes} status changes every "
            f"{args.interval * 1000:.0f} ms; server: {args.server}, gthread, {threads} threads; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start",
            flush=True,
        )

        published: dict[str, float] = {}
        marks: dict[str, float] = {}
        connected_t = threading.Event()
        done = threading.Event()
        pub = threading.Thread(
            target=publisher,
            args=(events, org, jobs, args.changes, args.interval, published, connected_t, done),
            daemon=True,
        )
        pub.start()

        async def go():
            connected = asyncio.Event()

            async def relay():
                await connected.wait()
                marks["server_connected"] = process_cpu(proc.pid)
                marks["client_connected"] = time.process_time()
                marks["rss_connected"] = process_rss(proc.pid)
                connected_t.set()

            relay_task = asyncio.create_task(relay())
            result = await run_clients(url, args.clients, args.changes, published, done, connected, args.drain)
            relay_task.cancel()
            return result

        server_cpu0, client_cpu0 = process_cpu(proc.pid), time.process_time()
        rss0 = process_rss(proc.pid)
        latencies, received, unexpected, closed_early, connect_seconds = asyncio.run(go())
        server_cpu, client_cpu = process_cpu(proc.pid) - server_cpu0, time.process_time() - client_cpu0
        expected = args.clients * args.changes
        got = sum(received)
        ms = [v * 1000 for v in latencies]
        print(f"connected {args.clients} clients in {connect_seconds:.1f} s")
        print(
            f"delivered {got}/{expected} messages; lost {expected - got}; "
            f"clients closed early {closed_early}; unexpected messages {len(unexpected)}"
        )
        if ms:
            print(
                f"latency ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  "
                f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
            )
        s_conn = marks["server_connected"] - server_cpu0
        c_conn = marks["client_connected"] - client_cpu0
        print(
            f"CPU seconds, connecting: server {s_conn:.1f}, clients {c_conn:.1f}; delivering: server "
            f"{server_cpu - s_conn:.1f}, clients+publisher {client_cpu - c_conn:.1f}"
        )
        per_conn = (marks["rss_connected"] - rss0) * 1024 / args.clients
        print(
            f"server memory: {rss0:.0f} MiB idle, {marks['rss_connected']:.0f} MiB with {args.clients} connections "
            f"(~{per_conn:.0f} KiB each)"
        )
        if args.server == "service":
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                h = json.loads(r.read())
            print(
                f"server: {h.get('events')} events, {h.get('messages')} messages queued or written, "
                f"{h.get('direct')} written directly by the hub"
            )
        print(
            f"aim: p99 < 250 ms, 0 lost -> {'met' if ms and percentile(ms, 99) < 250 and got == expected else 'NOT met'}"
        )
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
