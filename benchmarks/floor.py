"""The floor under a library query's time: how long an answer of its size takes with no work at all.

On a generated graph of --size quads, loaded and reasoned as forcegraph does, for each library
query (with its example parameters): its rows and columns; the engine's time to compute its
solutions and hand each term to Python ("read": Oxigraph's answer iterated, nothing converted);
and `query.run_sparql`'s time (the same plus rdflib terms: what `query.run`, the CLI and
benchmarks/run.py take once the parameters are bound).
Beside them, the same two times for a bare scan of the store with as many rows and 20 columns
(floor/scan-20.rq: quads as they lie, no join, no filter, no sort) and `run` for 4 columns
(floor/scan-4.rq). An answer whose bare scan alone takes most of a second cannot come back in
under one, whatever the query's text. Each time is the median of --repeat runs in one process.

    .venv/bin/python benchmarks/floor.py --size 1000000 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import forcegraph  # noqa: E402
from forcegraph import library  # noqa: E402
from forcegraph.nogc import no_cyclic_gc  # noqa: E402
from forcegraph.query import ask, bind_params, resolver, run_sparql  # noqa: E402


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _read(kg, sparql: str, bindings: dict) -> int:
    """Oxigraph's answer computed and each term handed to Python, nothing converted; its row count."""
    answer = ask(kg, sparql, bindings)  # asked exactly as query.run_sparql asks
    count = 0
    with no_cyclic_gc():
        for solution in answer:
            tuple(solution)  # each term made a Python object, as any reader of the answer must
            count += 1
    return count


def _scan(columns: int, rows: int) -> str:
    text = (HERE / "floor" / f"scan-{columns}.rq").read_text()
    return text.replace("LIMIT 1000", f"LIMIT {rows}")


def measure(kg, repeat: int) -> list[dict]:
    lines = []
    for name, q in sorted(library.library().items()):
        bindings = bind_params(q, q.example_params, resolver(kg))
        answer = run_sparql(kg, q.sparql, bindings)
        rows, columns = len(answer.rows), len(answer.variables)
        line = {"query": name, "rows": rows, "columns": columns,
                "read": _median_seconds(lambda: _read(kg, q.sparql, bindings), repeat),
                "run": _median_seconds(lambda: run_sparql(kg, q.sparql, bindings), repeat)}
        for width in (20, 4):
            scan = _scan(width, rows)
            got = len(run_sparql(kg, scan).rows)
            if got != rows:  # a store smaller than the answer, or a scan file without its LIMIT 1000
                raise SystemExit(f"the {width}-column scan gave {got} rows, not the {rows} of {name}")
            line[f"scan{width}_run"] = _median_seconds(lambda: run_sparql(kg, scan), repeat)
            if width == 20:
                line["scan20_read"] = _median_seconds(lambda: _read(kg, scan, {}), repeat)
        lines.append(line)
        print(f"{name}: {rows} rows", file=sys.stderr, flush=True)
    return sorted(lines, key=lambda line: -line["rows"])


def table(lines: list[dict], quads: int) -> str:
    out = [f"{quads:,} quads in the store, reasoned; seconds, medians",
           "",
           "| query | rows | columns | read | run | bare scan, 20 columns: read | run | bare scan, 4 columns: run |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for x in lines:
        out.append(f"| {x['query']} | {x['rows']:,} | {x['columns']} | {x['read']:.3f} | {x['run']:.3f} | "
                   f"{x['scan20_read']:.3f} | {x['scan20_run']:.3f} | {x['scan4_run']:.3f} |")
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="triples in the generated graph")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query; the median counts")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "forcegraph-bench",
                        help="where the generated graphs are kept between runs (shared with run.py)")
    args = parser.parse_args(argv)
    from generate import generate

    graph = args.work / f"graph-{args.size}"
    if not graph.exists():
        args.work.mkdir(parents=True, exist_ok=True)
        generate(graph, args.size)
    kg = forcegraph.load([graph])
    forcegraph.reason(kg)
    print(table(measure(kg, args.repeat), len(kg.store)))


if __name__ == "__main__":
    main()
