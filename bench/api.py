"""Drives concurrent keep-alive clients at /health and an authenticated endpoint of the local
platform and prints req/s and p50/p99 latency (aim: >= 500 authenticated req/s, p99 < 50 ms).

Usage: .venv/bin/python bench/api.py [--clients 16] [--seconds 10]
The clients run in a separate process so their CPU use is not counted against the server's
threads, but they share the machine's 2 cores with it (the figures include that contention).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _platform import LocalPlatform  # noqa: E402


def _client(port: int, path: str, headers: dict, stop_at: float, out: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.perf_counter() < stop_at:
        t0 = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(resp.status)
        except (OSError, http.client.HTTPException):
            errors.append("conn")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        out.append(time.perf_counter() - t0)


def _worker(port, path, headers, clients, seconds, queue):
    stop_at = time.perf_counter() + seconds
    lat: list = []
    errors: list = []
    threads = [
        threading.Thread(target=_client, args=(port, path, headers, stop_at, lat, errors)) for _ in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((lat, errors))


def run(port: int, path: str, headers: dict, clients: int, seconds: float, procs: int = 1) -> None:
    queue: mp.Queue = mp.Queue()
    workers = [
        mp.Process(target=_worker, args=(port, path, headers, clients // procs, seconds, queue)) for _ in range(procs)
    ]
    started = time.perf_counter()
    for w in workers:
        w.start()
    lat, errors = [], []
    for _ in workers:
        a, b = queue.get()
        lat += a
        errors += b
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    print(
        f"{path:<24} clients={clients:<3} requests={len(lat):<7} req/s={len(lat) / elapsed:8.1f} "
        f"p50={p(0.50):6.2f} ms  p99={p(0.99):6.2f} ms  mean={statistics.fmean(lat) * 1000:6.2f} ms  errors={len(errors)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()
    with LocalPlatform() as platform:
        token = platform.login()
        auth = {"Authorization": f"Bearer {token}"}
        run(platform.port, "/health", {}, args.clients, 2, 1)  # warm-up
        run(platform.port, "/health", {}, args.clients, args.seconds, 1)
        run(platform.port, "/api/v1/users/me", auth, args.clients, args.seconds, 1)
        run(platform.port, "/api/v1/jobs?limit=20", auth, args.clients, args.seconds, 1)


if __name__ == "__main__":
    main()
