"""How good the candidate-fact extractor is: leave-one-document-out on the seed documents.

For each document, what is "known" is the graph minus that document's passage graphs; the gold
facts are what its passage graphs hold; the extractor runs on its passages. Precision and recall
per kind of fact, then examples of misses. Corpus documents (graph/corpus/*.trig, curated by hand)
are measured the same way when they are there.

    .venv/bin/python benchmarks/extract.py [--graph graph] [--examples 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, XSD, Literal, URIRef

import forcegraph
from forcegraph.extract import Knowledge, extract
from forcegraph.vocab import FG

ROOT = Path(__file__).resolve().parents[1]
RELATIONS = {FG.party, FG.member, FG.leadForce, FG.hostForce}
AGREEMENT_CLASSES = {FG.CollaborationAgreement, FG.MemorandumOfUnderstanding, FG.StatementOfIntent, FG.Agreement}
DATE_TYPES = {XSD.date, XSD.gYearMonth}
MONEY = {FG.amountGBP, FG.minAmountGBP, FG.maxAmountGBP}
KINDS = ["entity mentions", "entity mentions (per document)", "dates", "dates + what they date", "money", "counts", "relations", "agreements"]


def short(t) -> str:
    return str(t).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def score_document(full: Knowledge, kg, doc):
    passages = frozenset(p.iri for p in doc.passages)
    known = Knowledge(kg, exclude=passages)
    gold_facts = [(g, s, p, o) for g, s, p, o in full.asserted if g in passages]
    found = extract(known, doc)
    named = {e for things in known.names.values() for e in things}
    gold, pred = defaultdict(set), defaultdict(set)
    for g, s, p, o in gold_facts:
        for e in (s, o):
            if isinstance(e, URIRef) and e in named and e != doc.iri:
                gold["entity mentions"].add((g, e))
                gold["entity mentions (per document)"].add(e)
        if isinstance(o, Literal) and o.datatype in DATE_TYPES:
            gold["dates"].add((g, o))
            gold["dates + what they date"].add((g, p, o))
        if p in MONEY:
            gold["money"].add((g, Decimal(str(o))))
        if p == FG.value:
            gold["counts"].add((g, int(o)))
        if p in RELATIONS:
            gold["relations"].add((s, p, o))
        if p == RDF.type and o in AGREEMENT_CLASSES:
            gold["agreements"].add((g, o))
    for c in found:
        if c.kind == "mention" and c.p == RDF.type:
            pred["entity mentions"].add((c.passage, c.s))
            pred["entity mentions (per document)"].add(c.s)
        if c.kind == "date" and isinstance(c.o, Literal):
            pred["dates"].add((c.passage, c.o))
            pred["dates + what they date"].add((c.passage, c.p, c.o))
        if c.p in MONEY:
            pred["money"].add((c.passage, Decimal(str(c.o))))
        if c.p == FG.value:
            pred["counts"].add((c.passage, int(c.o)))
        if c.p in RELATIONS:
            pred["relations"].add((c.s, c.p, c.o))
        if c.p == RDF.type and c.o in AGREEMENT_CLASSES:
            pred["agreements"].add((c.passage, c.o))
    return gold, pred, len(found)


def measure(kg, docs, examples: int):
    full = Knowledge(kg)
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    misses, wrong = defaultdict(list), defaultdict(list)
    total = 0
    for doc in docs:
        gold, pred, n = score_document(full, kg, doc)
        total += n
        for kind in KINDS:
            tp[kind] += len(gold[kind] & pred[kind])
            fp[kind] += len(pred[kind] - gold[kind])
            fn[kind] += len(gold[kind] - pred[kind])
            misses[kind] += [(doc.slug, x) for x in sorted(gold[kind] - pred[kind], key=str)]
            wrong[kind] += [(doc.slug, x) for x in sorted(pred[kind] - gold[kind], key=str)]
    rows = ["| kind | gold | proposed | found | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    pct = lambda a, b: f"{100 * a / b:.0f}%" if b else "–"  # noqa: E731
    for kind in KINDS:
        rows.append(f"| {kind} | {tp[kind] + fn[kind]} | {tp[kind] + fp[kind]} | {tp[kind]} | "
                    f"{pct(tp[kind], tp[kind] + fp[kind])} | {pct(tp[kind], tp[kind] + fn[kind])} |")
    scored = [k for k in KINDS if k not in ("dates + what they date", "entity mentions (per document)")]
    all_tp, all_fp, all_fn = (sum(d[k] for k in scored) for d in (tp, fp, fn))
    rows.append(f"| **all of the above** (dates once) | {all_tp + all_fn} | {all_tp + all_fp} | {all_tp} | "
                f"{pct(all_tp, all_tp + all_fp)} | {pct(all_tp, all_tp + all_fn)} |")
    print("\n".join(rows))
    print(f"\n{len(docs)} documents, {total} candidates in all (including kinds not scored: new entities, "
          "decisions, and the extra triples of money/count/meeting groups).")
    if examples:
        print("\nExamples of misses (document: what the curated graph holds that the extractor did not propose):")
        for kind in KINDS:
            for slug, x in misses[kind][:examples]:
                print(f"- {kind}, {slug}: {' '.join(short(t) for t in (x if isinstance(x, tuple) else (x,)))}")
        print("\nExamples of proposals not in the curated graph:")
        for kind in KINDS:
            for slug, x in wrong[kind][:examples]:
                print(f"- {kind}, {slug}: {' '.join(short(t) for t in (x if isinstance(x, tuple) else (x,)))}")


def time_cli(graph: Path, slug: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(graph, Path(tmp) / "graph")
        exe = Path(sys.executable).with_name("forcegraph")
        start = time.perf_counter()
        subprocess.run([str(exe), "candidates", slug], cwd=tmp, check=True, capture_output=True)
        return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default=str(ROOT / "graph"))
    ap.add_argument("--examples", type=int, default=3)
    args = ap.parse_args()
    graph = Path(args.graph)
    kg = forcegraph.load([graph])
    full = Knowledge(kg)
    seeds = [d for d in full.documents.values() if any(f.startswith(("0", "1")) for f in d.files) and
             any((graph / "seeds").glob("*.trig"))]
    seeds = sorted((d for d in full.documents.values() if d.files and d.files[-1].endswith(".txt")
                    and (ROOT / "sources" / d.files[-1]).exists() and d in seeds), key=lambda d: d.slug)
    print(f"## Seed documents, leave-one-document-out ({len(seeds)} documents)\n")
    measure(kg, seeds, args.examples)
    corpus_dir = graph / "corpus"
    if corpus_dir.is_dir() and any(corpus_dir.glob("*.trig")):
        text = " ".join(p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.trig"))
        corpus = [d for d in full.documents.values() if f"<{d.iri}>" in text and d not in seeds]
        print(f"\n## Corpus documents ({len(corpus)} in graph/corpus/)\n")
        measure(kg, corpus, args.examples)
    else:
        print(f"\n(No corpus documents: {corpus_dir} is absent or empty, so only the seeds were measured.)")
    largest = max(seeds, key=lambda d: len(d.passages))
    print(f"\n`forcegraph candidates {largest.slug}` ({len(largest.passages)} passages, the largest seed "
          f"document): {time_cli(graph, largest.slug):.2f} s wall, including start-up and loading the graph.")


if __name__ == "__main__":
    main()
