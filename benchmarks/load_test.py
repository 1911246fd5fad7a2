"""Load test of `forcegraph serve`: many library queries from concurrent clients, on loopback only.

Starts the server (or uses one given with --url, which must be on this machine), then sends
--requests GET /queries/NAME.json requests from --clients threads, cycling through every library
query with the parameters of its own `example`. Reports throughput and latency percentiles and
exits 1 if any request failed. Bounded in count and in time (--deadline), and stops by itself.

    .venv/bin/python benchmarks/load_test.py --requests 2000 --clients 16

With --abuse, it measures fairness instead: 14 well-behaved clients (library queries in turn,
each from its own loopback address) alone, then beside 2 and beside 4 clients that loop a runaway
query, for --seconds each; and the same against Oxigraph's own server (`oxigraph serve`, the same
graph, the same query texts). It prints one table row per phase.

    .venv/bin/python benchmarks/load_test.py --abuse --seconds 20
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


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def bound_texts() -> list[str]:
    """Each library query's SPARQL with its example's parameters bound, as forcegraph runs it."""
    from forcegraph.binding import with_values
    from forcegraph.query import bind_params, resolver

    kg = forcegraph.load([REPO / "graph"])
    forcegraph.reason(kg)
    return [with_values(library.get(name).sparql, bind_params(library.get(name), params, resolver(kg)))
            for name, params in example_requests()]


def abuse_phase(url: str, texts: list[str], abusers: int, seconds: float, polite: int = 14) -> dict:
    """`polite` clients asking the library's questions beside `abusers` looping RUNAWAY, each
    client from its own loopback address (servers share their workers per address)."""
    stop_at = time.monotonic() + seconds
    latencies, errors, abuse_statuses, lock = [], [], {}, threading.Lock()

    def session(address: str) -> httpx.Client:
        return httpx.Client(timeout=60, transport=httpx.HTTPTransport(local_address=address),
                            headers={"Accept": "application/sparql-results+json",
                                     "Content-Type": "application/sparql-query"})

    def polite_client(i: int):
        with session(f"127.0.0.{10 + i}") as http:
            n = i
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                try:
                    r = http.post(url, content=texts[n % len(texts)].encode())
                    ok = r.status_code == 200
                    problem = f"HTTP {r.status_code} {r.text[:120]}"
                except httpx.HTTPError as e:
                    ok, problem = False, f"{type(e).__name__}: {e}"
                with lock:
                    latencies.append(time.perf_counter() - start) if ok else errors.append(problem)
                n += 1

    def abusive_client(i: int):
        with session(f"127.0.1.{10 + i}") as http:
            while time.monotonic() < stop_at:
                try:
                    status = http.post(url, content=RUNAWAY.encode(), timeout=max(1.0, stop_at - time.monotonic())).status_code
                except httpx.HTTPError:
                    status = "no answer"
                with lock:
                    abuse_statuses[status] = abuse_statuses.get(status, 0) + 1

    threads = ([threading.Thread(target=polite_client, args=(i,)) for i in range(polite)]
               + [threading.Thread(target=abusive_client, args=(i,), daemon=True) for i in range(abusers)])
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads[:polite]:
        t.join()
    wall = time.perf_counter() - start
    return {"abusers": abusers, "done": len(latencies), "throughput": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "errors": errors, "abuse": abuse_statuses}


@contextmanager
def started_oxigraph():
    """Oxigraph's own server over the same reasoned graph, answering on the union of its graphs."""
    import shutil

    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    kg = forcegraph.load([REPO / "graph"])
    forcegraph.reason(kg)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "graph.nq"
        data.write_bytes(kg.store.dump(format=__import__("pyoxigraph").RdfFormat.N_QUADS))
        subprocess.run([oxigraph, "load", "--location", f"{folder}/db", "--file", str(data)], check=True,
                       capture_output=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([oxigraph, "serve", "--location", f"{folder}/db", "--bind", f"127.0.0.1:{port}",
                                 "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/query"
        finally:
            proc.kill()
            proc.wait()


def abuse(args) -> int:
    texts = bound_texts()
    rows = []
    for server, starting in (("forcegraph", lambda: started_server(args.workers, args.timeout)),
                             ("oxigraph serve", started_oxigraph)):
        for abusers in (0, 2, 4):
            # A fresh server per phase: the debts of one phase's abusers do not carry over.
            with starting() as base:
                url = base if server == "oxigraph serve" else base + "/sparql"
                r = abuse_phase(url, texts, abusers, args.seconds)
            r["server"] = server
            rows.append(r)
    print(f"14 well-behaved clients for {args.seconds:g} s per phase, beside 0, 2 and 4 clients looping a runaway "
          f"query; forcegraph with {args.workers} workers and a {args.timeout:g} s limit")
    print("| server | abusers | well-behaved requests/s | of the same server without abusers | p50 ms | errors | abusers' answers |")
    print("|---|---:|---:|---:|---:|---:|---|")
    failed = 0
    for r in rows:
        alone = next(x for x in rows if x["server"] == r["server"] and x["abusers"] == 0)["throughput"]
        share = r["throughput"] / alone if alone else float("nan")
        abuse_text = ", ".join(f"{k}: {v}" for k, v in sorted(r["abuse"].items(), key=str)) or "—"
        print(f"| {r['server']} | {r['abusers']} | {r['throughput']:.1f} | {share:.0%} | {r['p50']:.0f} | "
              f"{len(r['errors'])} | {abuse_text} |")
        if r["server"] == "forcegraph" and (r["errors"] or share < 0.5):
            failed = 1
        for problem in r["errors"][:3]:
            print("  error:", problem)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server this starts")
    parser.add_argument("--timeout", type=float, default=5.0, help="query time limit of the server this starts")
    parser.add_argument("--deadline", type=float, default=600.0, help="stop sending after this many seconds")
    parser.add_argument("--url", help="a running server on this machine (http://127.0.0.1:PORT) instead")
    parser.add_argument("--abuse", action="store_true", help="measure fairness under runaway queries (see above)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each --abuse phase")
    args = parser.parse_args()
    if args.abuse:
        sys.exit(abuse(args))
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
