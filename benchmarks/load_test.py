"""Load test of `forcegraph serve`: many library queries from concurrent clients, on loopback only.

Starts the server (or uses one given with --url, which must be on this machine), then sends
--requests GET /queries/NAME.json requests from --clients threads, cycling through every library
query with the parameters of its own `example`. Reports throughput and latency percentiles and
exits 1 if any request failed. Bounded in count and in time (--deadline), and stops by itself.

    .venv/bin/python benchmarks/load_test.py --requests 2000 --clients 16
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

import forcegraph
from forcegraph import library

REPO = Path(__file__).resolve().parents[1]


def example_requests() -> list[tuple[str, dict[str, str]]]:
    """(query name, parameters) for each library query, from its `example` line."""
    out = []
    for q in library.library().values():
        words = shlex.split(q.example)
        params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")
        out.append((q.name, params))
    return out


def on_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def started_server(workers: int, timeout: float):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tempfile.TemporaryFile()
    env = {**os.environ, "PYTHONPATH": str(Path(forcegraph.__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "forcegraph", "serve", "--graph", str(REPO / "graph"), "--port", str(port),
         "--workers", str(workers), "--timeout", str(timeout), "--no-access-log"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                sys.exit(f"the server did not start:\n{log.read().decode()}")
            try:
                if httpx.get(base + "/health", timeout=1).json()["status"] == "ok":
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def load(base: str, total: int, clients: int, deadline: float) -> dict:
    plan = example_requests()
    next_index, lock = iter(range(total)), threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + deadline

    def client():
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < stop_at:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                name, params = plan[i % len(plan)]
                start = time.perf_counter()
                try:
                    r = http.get(f"/queries/{name}.json", params=params)
                    ok = r.status_code == 200 and "results" in r.json()
                    problem = f"{name}: HTTP {r.status_code} {r.text[:200]}"
                except (httpx.HTTPError, ValueError) as e:
                    ok, problem = False, f"{name}: {type(e).__name__}: {e}"
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed) if ok else errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    done = len(latencies) + len(errors)
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return {
        "requests": done, "planned": total, "clients": clients, "errors": errors, "seconds": wall,
        "throughput": done / wall, "p50": q[49] * 1000, "p90": q[89] * 1000, "p99": q[98] * 1000,
        "max": max(latencies, default=float("nan")) * 1000, "queries": len(plan),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server this starts")
    parser.add_argument("--timeout", type=float, default=5.0, help="query time limit of the server this starts")
    parser.add_argument("--deadline", type=float, default=600.0, help="stop sending after this many seconds")
    parser.add_argument("--url", help="a running server on this machine (http://127.0.0.1:PORT) instead")
    args = parser.parse_args()
    if args.url and not on_loopback(args.url):
        sys.exit(f"{args.url} is not on this machine: the load test only sends to loopback addresses")
    with (contextmanager(lambda: (yield args.url.rstrip("/")))() if args.url
          else started_server(args.workers, args.timeout)) as base:
        r = load(base, args.requests, args.clients, args.deadline)
    print(f"{r['requests']} of {r['planned']} requests ({r['queries']} library queries in turn) from "
          f"{r['clients']} clients to {args.url or f'a server with {args.workers} workers'} in {r['seconds']:.1f} s")
    print(f"throughput {r['throughput']:.0f} requests/s; latency p50 {r['p50']:.0f} ms, p90 {r['p90']:.0f} ms, "
          f"p99 {r['p99']:.0f} ms, max {r['max']:.0f} ms; errors {len(r['errors'])}")
    for problem in r["errors"][:10]:
        print("  error:", problem)
    sys.exit(1 if r["errors"] or r["requests"] < r["planned"] else 0)


if __name__ == "__main__":
    main()
