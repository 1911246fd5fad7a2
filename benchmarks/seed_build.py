"""How long `forcegraph build` takes on the seed graph, stage by stage, against the naive pipeline.

The naive pipeline is what the libraries do when used directly: rdflib parses the TriG files,
owlrl closes everything (data, passages and ontology), pyshacl validates the whole closure and
rdflib's engine answers the summary query. Prints one table of medians over --runs runs.

    .venv/bin/python benchmarks/seed_build.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import owlrl
import pyshacl
from rdflib import Dataset

import forcegraph
from forcegraph import library
from forcegraph.query import run
from forcegraph.resources import ontology_dir
from forcegraph.validate import load_shapes

REPO = Path(__file__).resolve().parents[1]


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def ours(graph: Path) -> dict:
    t = {}
    t["load"], kg = timed(lambda: forcegraph.load([graph]))
    t["reason"], _ = timed(lambda: forcegraph.reason(kg))
    t["validate"], _ = timed(lambda: forcegraph.validate(kg))
    t["summary query"], _ = timed(lambda: run(kg, "entities-by-class"))
    return t


def naive(graph: Path) -> dict:
    t = {}

    def load():
        ds = Dataset(default_union=True)
        for f in sorted(graph.rglob("*.trig")):
            ds.parse(f, format="trig")
        for f in ontology_dir().glob("*.ttl"):
            ds.parse(f, format="turtle")
        return ds

    t["load"], ds = timed(load)
    union = ds.graph(ds.default_context.identifier)
    for triple in ds.triples((None, None, None)):
        union.add(triple)
    t["reason"], _ = timed(lambda: owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(union))
    shapes = load_shapes()
    t["validate"], _ = timed(lambda: pyshacl.validate(union, shacl_graph=shapes))
    t["summary query"], _ = timed(lambda: list(union.query(library.get("entities-by-class").sparql)))
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=1, help="the naive pipeline is slow: fewer runs")
    parser.add_argument("--graph", type=Path, default=REPO / "graph")
    args = parser.parse_args()
    ours(args.graph)  # warm up: imports and the cached ontology closure are a per-process cost
    fast = [ours(args.graph) for _ in range(args.runs)]
    slow = [naive(args.graph) for _ in range(args.naive_runs)]
    kg = forcegraph.load([args.graph])
    print(f"Seed graph: {len(kg)} quads in {len(kg.files)} files; medians of {args.runs} runs "
          f"(naive: {args.naive_runs})\n")
    print("| stage | forcegraph (s) | naive rdflib/owlrl/pyshacl (s) | speed-up |")
    print("|---|---:|---:|---:|")
    totals = [0.0, 0.0]
    for stage in fast[0]:
        a = statistics.median(r[stage] for r in fast)
        b = statistics.median(r[stage] for r in slow)
        totals[0] += a
        totals[1] += b
        print(f"| {stage} | {a:.3f} | {b:.3f} | {b / a:.0f}× |")
    print(f"| **total** | **{totals[0]:.3f}** | **{totals[1]:.3f}** | **{totals[1] / totals[0]:.0f}×** |")


if __name__ == "__main__":
    main()
