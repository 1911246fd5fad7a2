"""Build: load → reason → validate, then the counts and conflicts a person checks first."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import atomic
from .knowledge import KnowledgeGraph
from .load import load
from .query import QueryResult, run
from .reason import ReasoningReport, reason
from .validate import ValidationReport, validate
from .vocab import ONTOLOGY_GRAPH


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    reasoning: ReasoningReport
    validation: ValidationReport
    entities: QueryResult
    sources: QueryResult
    conflicts: QueryResult
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict:
        kg = self.kg
        by_class = {r["label"]: r["count"] for r in self.entities.records()}
        return {
            "files": len(kg.files),
            "triples": {
                "asserted": sum(1 for _ in kg.quads(facts=True)),
                "provenance": sum(1 for _ in kg.quads(facts=False, provenance=True, conflicts=True)),
                "inferred": self.reasoning.inferred_triples,
                "total": len(kg.store),
            },
            "passages": by_class.get("passage", 0),
            # Every source document; the seed files' own (the `sources` query) counted apart.
            "documents": by_class.get("source document", 0),
            "seed documents": len(self.sources.rows),
            "external sources": by_class.get("external source", 0),
            "fact graphs": len(kg.fact_graphs()),
            "entities by class": by_class,
            "conflicts": len({row[0] for row in self.conflicts.rows}),  # a row per conflict and passage
            "violations": len(self.validation.errors),
            "warnings": len(self.validation.warnings),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def build(paths=("graph",), reasoning: str = "owl-rl", progress: Callable[[str], None] = lambda _: None) -> BuildResult:
    seconds = {}
    t = time.perf_counter()
    progress("loading")
    kg = load(paths)
    seconds["load"] = time.perf_counter() - t
    progress(f"reasoning ({reasoning})")
    r = reason(kg, reasoning)
    seconds["reason"] = r.seconds
    progress("validating")
    v = validate(kg)
    seconds["validate"] = v.seconds
    t = time.perf_counter()
    entities = run(kg, "entities-by-class")
    sources = run(kg, "sources")
    conflicts = run(kg, "conflicts")
    seconds["summarise"] = time.perf_counter() - t
    return BuildResult(kg, r, v, entities, sources, conflicts, seconds)


def write_outputs(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write the built graph, its summary, validation report and conflicts into out_dir, atomically."""
    from .output import render

    kg = result.kg
    names = []
    with atomic.staging(out_dir) as tmp:
        # Everything but the ontology, which ships on its own; inferences stay in their own graph.
        quads = [q for q in kg.store if q.graph_name != ox.NamedNode(str(ONTOLOGY_GRAPH))]
        (tmp / "forcegraph.trig").write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG))
        (tmp / "summary.json").write_text(json.dumps(result.summary(), indent=2) + "\n")
        (tmp / "validation.txt").write_text(result.validation.text() + "\n")
        (tmp / "conflicts.csv").write_text(render(result.conflicts, "csv"))
        names = sorted(p.name for p in tmp.iterdir())
    return [Path(out_dir) / n for n in names]
