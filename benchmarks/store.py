"""Build once, ask many times: whole-process wall time of `forcegraph build` and of two library
queries on the built store, at the seed graph and at generated sizes, plus `forcegraph --help`.

Every figure is the median of --runs runs of the whole program (a new process each time, as a
person runs it). Beside them, how the built graph is got into a process: opening the on-disk
store read-only, against parsing an N-Quads dump of the same store into memory (the form the
server's workers used to receive), each timed in this process.

    .venv/bin/python benchmarks/store.py --sizes seed,100000 --runs 5
    .venv/bin/python benchmarks/store.py --sizes 1000000 --runs 5 --build-runs 1   # slow: not for CI

Generated graphs are made with benchmarks/generate.py into --work (kept between runs)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
FORCEGRAPH = str(Path(sys.executable).parent / "forcegraph")
QUERIES = {
    "who-leads-what (force=Bedfordshire)": ["query", "who-leads-what", "--param", "force=Bedfordshire"],
    "agreements-in-force": ["query", "agreements-in-force"],
}


def wall(args: list[str], env: dict, expect=(0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run([FORCEGRAPH, *args], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in expect:
        sys.exit(f"forcegraph {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def median(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def graph_for(size: str, work: Path) -> list[str]:
    if size == "seed":
        return ["--graph", str(REPO / "graph" / "seeds"), "--graph", str(REPO / "graph" / "reference")]
    folder = work / f"fg-{size}"
    if not (folder / ".done").exists():
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--triples", size, "--out", str(folder)],
                       check=True, stdout=subprocess.DEVNULL)
        (folder / ".done").touch()
    return ["--graph", str(folder)]


def store_forms(store_path: Path, work: Path, runs: int) -> tuple[float, float]:
    """Seconds to open the built store read-only, and to load an N-Quads dump of it into memory."""
    dump = work / "dump.nq"
    ox.Store.read_only(str(store_path)).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)

    def opened():
        start = time.perf_counter()
        store = ox.Store.read_only(str(store_path))
        bool(store.query("ASK { ?s ?p ?o }"))  # not len(): on disk that reads every quad
        return time.perf_counter() - start

    def loaded():
        start = time.perf_counter()
        store = ox.Store()
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        return time.perf_counter() - start

    try:
        return median(opened, runs), median(loaded, runs)
    finally:
        dump.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="seed,100000", help="comma-separated: seed, or a quad count for generate.py")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--build-runs", type=int, help="runs of build per size (default: --runs)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "forcegraph-bench",
                        help="where generated graphs and the store cache go")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "FORCEGRAPH_CACHE": str(args.work / "cache")}

    help_s = median(lambda: wall(["--help"], env), args.runs)
    print(f"forcegraph --help: {help_s:.3f} s (median of {args.runs})\n")
    print("| graph | quads in store | build | " + " | ".join(QUERIES) + " | open store read-only | load N-Quads dump |")
    print("|---|---:|---:|" + "---:|" * len(QUERIES) + "---:|---:|")
    for size in args.sizes.split(","):
        graph = graph_for(size, args.work)
        out = args.work / f"out-{size}"
        build_s = median(lambda: wall(["build", *graph, "--out", str(out), "--quiet"], env, expect=(0, 1)),
                         args.build_runs or args.runs)
        query_s = [median(lambda: wall([*q, *graph, "--frozen"], env), args.runs) for q in QUERIES.values()]
        (current,) = [p for p in (args.work / "cache").glob("*/current")
                      if json.loads((p / "manifest.json").read_text())["graph"] == sorted(
                          str(Path(g).resolve()) for g in graph[1::2])]
        quads = json.loads((current / "manifest.json").read_text())["summary"]["triples"]["total"]
        open_s, load_s = store_forms(current / "oxigraph", args.work, args.runs)
        print(f"| {size} | {quads:,} | {build_s:.2f} s | " + " | ".join(f"{s:.3f} s" for s in query_s)
              + f" | {open_s * 1000:.0f} ms | {load_s:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
