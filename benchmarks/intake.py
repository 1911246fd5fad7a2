"""How long `forcegraph source add` takes to bring a document in: the largest seed file (as text)
and a generated 100-page PDF. Each is added to a fresh copy of graph/ and sources/ through the real
command (so Python's start-up and the scan of graph/ for known hashes are included). Prints one
table of medians over --runs runs.

    .venv/bin/python benchmarks/intake.py --runs 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "sources" / "004_ee3f1f1d7c2eb810.txt"   # the largest seed file (49 kB)
FORCEGRAPH = Path(sys.executable).with_name("forcegraph")


def make_pdf(path: Path, pages: int) -> None:
    """A PDF of `pages` pages of the seed's paragraphs, repeated, made with reportlab."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", SEED.read_text(encoding="utf-8")) if b.strip()]
    story = []
    for page in range(pages):
        story += [Paragraph(escape(b.replace("\t", " ")), style) for b in blocks[(page * 4) % len(blocks):][:4]]
        story.append(PageBreak())
    SimpleDocTemplate(str(path)).build(story)


def time_add(doc: Path, runs: int) -> tuple[float, str]:
    times, summary = [], ""
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            shutil.copytree(REPO / "graph", tmp / "graph")
            shutil.copytree(REPO / "sources", tmp / "sources")
            start = time.perf_counter()
            out = subprocess.run([str(FORCEGRAPH), "source", "add", str(doc), "--graph", str(tmp / "graph"),
                                  "--sources", str(tmp / "sources")], capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - start)
            summary = re.search(r"with (\d+) passages", out.stdout).group(1)
    return statistics.median(times), summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pages", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # A copy of the seed with one more line: the seed itself is already in graph/ (by its hash).
        text = tmp / "seed-004-copy.txt"
        text.write_bytes(SEED.read_bytes() + b"\n")
        pdf = tmp / f"generated-{args.pages}-pages.pdf"
        make_pdf(pdf, args.pages)
        rows = [("largest seed file (004, text, %d kB)" % (text.stat().st_size // 1000), text),
                (f"generated PDF ({args.pages} pages, {pdf.stat().st_size // 1000} kB)", pdf)]
        start = time.perf_counter()
        subprocess.run([str(FORCEGRAPH), "--version"], capture_output=True, check=True)
        startup = time.perf_counter() - start
        print(f"| document | passages | `source add`, median of {args.runs} (s) |")
        print("|---|---:|---:|")
        for name, doc in rows:
            seconds, passages = time_add(doc, args.runs)
            print(f"| {name} | {passages} | {seconds:.2f} |")
        print(f"\n`forcegraph --version` alone (Python start-up and imports): {startup:.2f} s")


if __name__ == "__main__":
    main()
