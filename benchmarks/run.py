"""Benchmark the pipeline on synthetic national-size graphs, on each store, against plain rdflib.

For each size (benchmarks/generate.py, seed 7) and each store it prints median seconds per stage
and peak memory, in one table:

- oxigraph: forcegraph as it runs: the embedded pyoxigraph store, reasoning and validation as
  reason.py and validate.py do them, library queries on Oxigraph, the network and its metrics;
- server: an Oxigraph server (`oxigraph serve`, started here on 127.0.0.1 and stopped by its
  PID) loaded with `forcegraph push` (load = push time), library queries over HTTP;
- rdflib: the naive pipeline, the libraries used directly (as benchmarks/seed_build.py does):
  rdflib parses the TriG files, owlrl closes everything, pySHACL validates the closure, rdflib's
  engine answers the queries. Its stages get a time limit; a stage still running at the limit
  is stopped ("> N") and the stages after it are not reached.

Each library query runs --repeat times in a row (3 unless told) in each run of the embedded store
and the server, and the median of those is that run's time: a single run of a sub-second query is
at the mercy of whatever else the machine is doing.

"build" is load + reasoning + validation + the summary query (entities-by-class), as `forcegraph
build` does them; "rdflib ÷ oxigraph" is how many times longer the naive pipeline took in the
same run. Every stage runs in a fresh worker process, so peak memory (max RSS) is per store.

    .venv/bin/python benchmarks/run.py --sizes 10000 100000 --runs 3 --json /tmp/bench.json
    .venv/bin/python benchmarks/run.py --sizes 1000000 --runs 1 --json /tmp/bench.json
    .venv/bin/python benchmarks/run.py --report /tmp/bench.json      # the table of both
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STORES = ("oxigraph", "server", "rdflib")
BUILD = ("load", "reason", "validate", "query:entities-by-class")
# The naive pipeline answers a representative few: a GROUP BY, an "as of" question, a lookup by force.
NAIVE_QUERIES = ("entities-by-class", "agreements-in-force", "who-leads-what")


# --- inside a worker ----------------------------------------------------------------------------


def _emit(**record) -> None:
    print(json.dumps(record), flush=True)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Where peak memory is read: this process, or (for the server store) the server's.
_memory = _peak_mib


def _timed(stage: str, fn, repeat: int = 1):
    """Time `fn`, `repeat` times in a row (the first run included), and report the median."""
    times = []
    for _ in range(repeat):
        _emit(start=stage)  # each run gets the whole time limit
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    # Peak memory so far goes with every stage, so a worker stopped later still reports it.
    _emit(stage=stage, seconds=statistics.median(times), peak_mib=_memory())
    return value


def _network_available() -> bool:
    return (REPO / "src" / "forcegraph" / "network.py").exists()


def worker_oxigraph(graph: Path, stages: list[str], repeat: int) -> None:
    import forcegraph
    from forcegraph import library
    from forcegraph.query import bind_params, resolver, run

    timed = set(stages)

    def step(stage, fn):
        return _timed(stage, fn) if stage in timed else fn()

    kg = step("load", lambda: forcegraph.load([graph]))
    step("reason", lambda: forcegraph.reason(kg))
    if "validate" in timed:
        report = _timed("validate", lambda: forcegraph.validate(kg))
        _emit(note="validate", conforms=report.conforms, violations=len(report.errors))
    for stage in stages:
        if stage.startswith("query:"):
            name = stage[6:]
            params = library.get(name).example_params
            result = _timed(stage, lambda: run(kg, name, params), repeat)
            # The terms the parameters bind, for the naive pipeline to bind the same.
            bound = {k: v.n3() for k, v in bind_params(library.get(name), params, resolver(kg)).items()}
            _emit(note=stage, rows=len(result.rows), bindings=bound)
    if "network" in timed:
        from forcegraph import network

        metrics = _timed("network", lambda: network.metrics(kg))
        _emit(note="network", forces=len(getattr(metrics, "forces", []) or []))
    _emit(peak_mib=_peak_mib())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_server(graph: Path, stages: list[str], url: str, pid: int, repeat: int) -> None:
    """Push (the load stage) and library queries against the server the parent runs."""
    global _memory
    import forcegraph
    from forcegraph import library
    from forcegraph.remote import RemoteStore

    _memory = lambda: _vm_hwm_mib(pid)  # noqa: E731
    remote = RemoteStore(url)
    if "load" in stages:
        kg = forcegraph.load([graph])
        forcegraph.reason(kg)
        _timed("load", lambda: remote.push(kg))
        del kg
    for stage in stages:
        if stage.startswith("query:"):
            name = stage[6:]
            result = _timed(stage, lambda: remote.run(name, library.get(name).example_params), repeat)
            _emit(note=stage, rows=len(result.rows))


class Server:
    """An Oxigraph server on 127.0.0.1 for one size, stopped by its PID. Its own timeout stops a
    query the benchmark has given up on, so the next one does not share the machine with it."""

    def __init__(self, timeout: float):
        oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
        self.location = tempfile.TemporaryDirectory()
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([oxigraph, "serve", "--location", self.location.name, "--bind", f"127.0.0.1:{port}",
                                      "--timeout-s", str(max(1, round(timeout)))],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(400):
            try:
                urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1).read()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("the oxigraph server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.location.cleanup()


def worker_rdflib(graph: Path, stages: list[str], bindings: dict) -> None:
    import owlrl
    import pyshacl
    from rdflib import Dataset
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import Variable
    from rdflib.util import from_n3

    from forcegraph import library
    from forcegraph.resources import ontology_dir
    from forcegraph.validate import load_shapes

    def load():
        ds = Dataset(default_union=True)
        for f in sorted(graph.rglob("*.trig")):
            ds.parse(f, format="trig")
        for f in sorted(ontology_dir().glob("*.ttl")):
            ds.parse(f, format="turtle")
        union = ds.graph(ds.default_context.identifier)
        for triple in ds.triples((None, None, None)):
            union.add(triple)
        return ds, union

    ds, union = _timed("load", load)
    if "reason" in stages:
        _timed("reason", lambda: owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(union))
    if "validate" in stages:
        shapes = load_shapes()
        _timed("validate", lambda: pyshacl.validate(union, shacl_graph=shapes))
    for stage in stages:
        if stage.startswith("query:"):
            name = stage[6:]
            prepared = prepareQuery(library.get(name).sparql)
            init = {Variable(k): from_n3(v) for k, v in bindings.get(name, {}).items()}
            rows = _timed(stage, lambda: list(ds.query(prepared, initBindings=init)))
            _emit(note=stage, rows=len(rows))
    _emit(peak_mib=_peak_mib())


# --- the parent -------------------------------------------------------------------------------


def _stages(store: str) -> list[str]:
    from forcegraph import library

    if store == "rdflib":
        return ["load", "reason", "validate"] + [f"query:{n}" for n in NAIVE_QUERIES]
    queries = [f"query:{n}" for n in sorted(library.library())]
    if store == "server":
        return ["load"] + queries
    return ["load", "reason", "validate"] + queries + (["network"] if _network_available() else [])


def run_worker(store: str, graph: Path, stages: list[str], limit: float, bindings: dict | None = None,
               build_limit: float | None = None, server: Server | None = None, repeat: int = 1) -> dict:
    """Run one worker; a stage still running after `limit` seconds (`build_limit` for load,
    reasoning and validation) stops it. For the embedded store and the server, the stages after
    a stopped one run in a new worker."""
    build_limit = build_limit or limit
    results: dict = {"stages": {}, "notes": {}, "peak_mib": 0.0}
    todo = list(stages)
    while todo:
        cmd = [sys.executable, __file__, "--worker", store, "--graph", str(graph), "--stages", json.dumps(todo),
               "--bindings", json.dumps(bindings or {}), "--repeat", str(repeat)]
        if server:
            cmd += ["--url", server.url, "--pid", str(server.proc.pid)]
        errors = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would stall the worker
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, start_new_session=True)
        current, deadline, stopped = None, time.monotonic() + build_limit, None
        pending = b""
        while True:
            # Read the pipe unbuffered: a line read ahead into a buffer would hide from select().
            ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                # With every stage reported, only the worker's exit was slow: nothing was stopped.
                stopped = (current or todo[0]) if todo else None
                break
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                proc.wait()
                break
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                record = json.loads(line)
                if "start" in record:
                    current = record["start"]
                    deadline = time.monotonic() + (build_limit if current in BUILD[:3] else limit)
                elif "stage" in record:
                    results["stages"][record["stage"]] = record["seconds"]
                    results["peak_mib"] = max(results["peak_mib"], record["peak_mib"])
                    if record["stage"] in todo:
                        todo.remove(record["stage"])
                    current = None
                elif "peak_mib" in record:
                    results["peak_mib"] = max(results["peak_mib"], record["peak_mib"])
                elif "note" in record:
                    results["notes"][record.pop("note")] = record
        if stopped is None:
            if proc.returncode and todo:
                errors.seek(0)
                raise SystemExit(f"{store} worker failed on {graph}:\n{errors.read().decode()}")
            break
        results["stages"][stopped] = f"> {build_limit if stopped in BUILD[:3] else limit:.0f}"
        if stopped in todo:
            todo.remove(stopped)
        if store == "rdflib" or stopped in ("load", "reason", "validate"):
            for stage in todo:
                results["stages"][stage] = "not reached"
            break
    return results


def measure(size: int, runs: int, limit: float, naive_limit: float, work: Path, build_limit: float,
            repeat: int = 1) -> dict:
    from generate import generate

    graph = work / f"graph-{size}"
    if not graph.exists():
        generate(graph, size)
    out = {"size": size, "stores": {}}
    ours = [run_worker("oxigraph", graph, _stages("oxigraph"), limit, build_limit=build_limit, repeat=repeat)
            for _ in range(runs)]
    served = []
    for _ in range(runs):
        server = Server(limit)
        try:
            served.append(run_worker("server", graph, _stages("server"), limit, build_limit=build_limit, server=server,
                                     repeat=repeat))
        finally:
            server.stop()
    bindings = {stage[6:]: note["bindings"] for stage, note in ours[0]["notes"].items() if "bindings" in note}
    naive = run_worker("rdflib", graph, _stages("rdflib"), naive_limit, bindings)
    for store, results in (("oxigraph", ours), ("server", served), ("rdflib", [naive])):
        stages = {}
        for stage in results[0]["stages"]:
            values = [r["stages"].get(stage) for r in results]
            numbers = [v for v in values if isinstance(v, float)]
            stages[stage] = statistics.median(numbers) if len(numbers) == len(values) else values[0]
        out["stores"][store] = {"stages": stages, "peak_mib": max(r["peak_mib"] for r in results),
                                "runs": len(results), "notes": results[0]["notes"]}
    import forcegraph

    out["quads"] = len(forcegraph.load([graph], ontology=False))
    return out


def _cell(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _build(stages: dict):
    """Seconds for the build stages; a stage that was stopped makes it a lower bound."""
    values = [stages.get(s) for s in BUILD]
    if any(v is None or v == "not reached" for v in values):
        return "not reached" if any(isinstance(v, str) and v.startswith(">") for v in values) else None
    total = sum(float(v[2:]) if isinstance(v, str) else v for v in values)
    return total if all(isinstance(v, float) for v in values) else f"> {total:.0f}"


def _ratio(x: float) -> str:
    return f"{x:.0f}×" if x >= 10 else f"{x:.1f}×"


def table(results: list[dict]) -> str:
    lines = ["| size (quads) | stage | oxigraph (s) | server (s) | rdflib (s) | rdflib ÷ oxigraph |",
             "|---|---|---:|---:|---:|---:|"]
    for r in sorted(results, key=lambda r: r["size"]):
        stores = r["stores"]
        order = list(stores["oxigraph"]["stages"])
        for stage in stores["server"]["stages"]:
            if stage not in order:
                order.append(stage)
        rows = [(stage, {s: stores[s]["stages"].get(stage) for s in STORES}) for stage in order]
        rows.append(("**build** (load + reason + validate + summary)", {s: _build(stores[s]["stages"]) for s in STORES}))
        for stage, cells in rows:
            a, b = cells["oxigraph"], cells["rdflib"]
            if isinstance(a, float) and isinstance(b, float):
                ratio = _ratio(b / a)
            elif isinstance(a, float) and isinstance(b, str) and b.startswith(">"):
                ratio = "> " + _ratio(float(b[2:]) / a)
            else:
                ratio = ""
            lines.append(f"| {r['quads']:,} | {stage} | {_cell(cells['oxigraph'])} | {_cell(cells['server'])} | "
                         f"{_cell(cells['rdflib'])} | {ratio} |")
        peaks = " | ".join(f"{stores[s]['peak_mib']:.0f}" for s in STORES)
        lines.append(f"| {r['quads']:,} | peak memory (MiB) | {peaks} | |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of the embedded store and the server (medians)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="times each library query runs in a row in each run of the embedded store and the server "
                             "(its median is that run's time); the naive pipeline's queries run once")
    parser.add_argument("--limit", type=float, default=60, help="seconds a query or the network may take before it is stopped")
    parser.add_argument("--build-limit", type=float, default=600, help="the same for loading, reasoning and validation")
    parser.add_argument("--naive-limit", type=float, default=300, help="the same for the naive rdflib pipeline")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "forcegraph-bench",
                        help="where the generated graphs are kept between runs")
    parser.add_argument("--json", type=Path, help="merge the results into this file (and print the table of all in it)")
    parser.add_argument("--report", type=Path, help="only print the table of a --json file")
    parser.add_argument("--worker", choices=STORES, help=argparse.SUPPRESS)
    parser.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stages", help=argparse.SUPPRESS)
    parser.add_argument("--bindings", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pid", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        stages = json.loads(args.stages)
        if args.worker == "oxigraph":
            worker_oxigraph(args.graph, stages, args.repeat)
        elif args.worker == "server":
            worker_server(args.graph, stages, args.url, args.pid, args.repeat)
        else:
            worker_rdflib(args.graph, stages, json.loads(args.bindings))
        # Every stage is reported: leave without freeing a million-quad store object by object.
        sys.stdout.flush()
        os._exit(0)
    if args.report:
        print(table(json.loads(args.report.read_text())))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results = json.loads(args.json.read_text()) if args.json and args.json.exists() else []
    for size in args.sizes:
        print(f"measuring {size} …", file=sys.stderr, flush=True)
        fresh = measure(size, args.runs, args.limit, args.naive_limit, args.work, args.build_limit, args.repeat)
        results = [r for r in results if r["size"] != size] + [fresh]
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
