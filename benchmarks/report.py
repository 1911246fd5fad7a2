"""How long the briefing takes to build: at seed size and on a synthetic graph (benchmarks/generate.py),
part by part (the queries and charts of each section, the page, Chromium printing the PDF), and how
long `path` takes between two forces. Prints one table of medians over --runs runs.

    python benchmarks/generate.py --triples 100000 --out /tmp/fg-100k
    .venv/bin/python benchmarks/report.py --graph graph/seeds --graph graph/reference --graph /tmp/fg-100k
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import forcegraph
from forcegraph import network, paths, report

AS_OF = date(2019, 6, 1)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def parts(kg) -> dict[str, float]:
    """Each section on its own, then the whole report (HTML), the PDF, and one path."""
    t = {}
    scope, passages = report.Scope("all forces"), report.Passages()
    t["network graphs (date and every date)"], gs = timed(lambda: (network.graphs(kg, AS_OF, governance=False),
                                                                    network.collaboration_graph(kg))[0])
    t["timeline (query)"], (bars, due) = timed(lambda: report.timeline(kg, AS_OF, scope, passages))
    t["timeline chart alone"], _ = timed(lambda: report.timeline_svg(bars, due, AS_OF))
    t["money (query)"], _ = timed(lambda: report.money(kg, scope, passages))
    t["conflicts (query)"], _ = timed(lambda: report.conflicts(kg, scope, passages))
    t["network picture"], _ = timed(lambda: report.network_svg(gs, scope, AS_OF))
    t["whole report (HTML)"], built = timed(lambda: report.build(kg, AS_OF))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "report.html").write_text(built.html, encoding="utf-8")
        t["PDF (headless Chromium)"], _ = timed(lambda: report.print_pdf(Path(tmp) / "report.html", Path(tmp) / "report.pdf"))
    t["path (links + search)"], _ = timed(lambda: paths.find(kg, "Thames Valley Police", "Cambridgeshire Constabulary"))
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", action="append", required=True, help="a graph folder (repeatable): graph/seeds and graph/reference together are "
                        "the seed graph; every other folder is a graph of its own")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # Seeds and reference together are one graph; each further folder is a graph of its own.
    seed = [g for g in args.graph if Path(g).name in ("seeds", "reference")]
    graphs = {"seed": seed} if seed else {}
    for g in args.graph:
        if Path(g).name not in ("seeds", "reference"):
            graphs[Path(g).name] = [g]
    results, quads = {}, {}
    for name, folders in graphs.items():
        kg = forcegraph.load(folders)
        forcegraph.reason(kg)
        quads[name] = len(kg)
        runs = [parts(kg) for _ in range(args.runs)]
        results[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    names = list(results)
    print(f"Report as of {AS_OF}, medians of {args.runs} runs (seconds)")
    print("| part | " + " | ".join(f"{n} ({quads[n]:,} quads)" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for part in results[names[0]]:
        print(f"| {part} | " + " | ".join(f"{results[n][part]:.2f}" for n in names) + " |")


if __name__ == "__main__":
    main()
