"""The partner bundle: one folder with which a partner gets our answers in their own tools.

The data (TriG, N-Quads, Turtle, JSON-LD) carry every fact in the graph of the passage that
states it and, in the graph `id:graph/inferred`, what the reasoner adds; the library queries read
the union of the named graphs as their default graph (the loading recipe in the README, and the
Fuseki configuration, set that up). The validation view is the one graph the shapes are checked
against (see validate.validation_view), so any SHACL engine gives our verdict. The query library,
shapes and ontology files go with it, as they are in the repository.

    >>> result = bundle(kg, Path("out/partner-bundle"))
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from . import __version__, atomic, serialize
from .errors import NotConforming
from .export import DEFAULT_PROFILE, Export, Profile, export, get_profile
from .knowledge import KnowledgeGraph
from .resources import ontology_dir, queries_dir, shapes_dir
from .validate import ValidationReport, validate, validation_view
from .vocab import INFERRED_GRAPH

_TEMPLATES = Path(__file__).parent / "partners"
DATA = {"trig": "forcegraph.trig", "nq": "forcegraph.nq", "turtle": "forcegraph.ttl", "jsonld": "forcegraph.jsonld"}
VIEW = "validation-view.nt"
SHAPES = "shapes.ttl"


@dataclass
class Bundle:
    folder: Path
    files: list[str]
    exports: dict[str, Export]
    report: ValidationReport  # our verdict on the data that went out


def _shapes_text() -> str:
    """The shape files one after the other: Turtle allows a prefix to be declared again, and the
    files name their blank nodes only with [ ], so the text stays byte for byte the repository's."""
    parts = [f"# --- shapes/{f.name}\n{f.read_text(encoding='utf-8')}" for f in sorted(shapes_dir().glob("*.ttl"))]
    return "# The forcegraph SHACL shapes: every file in the repository's shapes/ folder.\n\n" + "\n".join(parts)


def _exported_graph(kg: KnowledgeGraph, result: Export) -> KnowledgeGraph:
    """The exported facts, provenance and conflicts with our ontology, as a graph to validate."""
    out = KnowledgeGraph()
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    out.store.extend(q for q in result.quads if q.graph_name != inferred and not isinstance(q.graph_name, ox.DefaultGraph))
    out.store.extend(kg.quads(facts=False, ontology=True))
    return out


def _readme(profile: Profile, result: Export, report: ValidationReport, counts: dict[str, int]) -> str:
    verdict = ("conforms: no result of severity sh:Violation" if report.conforms
               else f"does NOT conform: {len(report.errors)} result(s) of severity sh:Violation")
    warnings = "\n".join(f"- {v}" for v in report.warnings) or "- none"
    errors = "\n".join(f"- {v}" for v in report.errors) or "- none"
    text = (_TEMPLATES / "README.md").read_text(encoding="utf-8")
    return text.format(version=__version__, profile=profile.name, title=profile.dataset_title, licence=profile.licence,
                       triples=result.triples, quads=counts["quads"], graphs=counts["graphs"],
                       view=counts["view"], verdict=verdict, warnings=warnings, errors=errors,
                       n_warnings=len(report.warnings), n_errors=len(report.errors),
                       queries=len(list(queries_dir().glob("*.rq"))))


def bundle(kg: KnowledgeGraph, folder: Path, profile: str | Profile = DEFAULT_PROFILE, *,
           created: date | None = None, force: bool = False, reasoning: str = "owl-rl",
           validation: ValidationReport | None = None) -> Bundle:
    """Write the bundle into `folder` (all files or none). Refuses a graph that does not conform
    unless `force` (its verdict is `validation` when the caller has it, as a built store does);
    the verdict in the README is then the exported data's."""
    profile = profile if isinstance(profile, Profile) else get_profile(profile)
    report = validation or validate(kg)
    if not report.conforms and not force:
        raise NotConforming(report)
    options = dict(include_inferred=True, reasoning=reasoning, created=created, force=True, validation=report)
    exports = {fmt: export(kg, fmt, profile, provenance_triples=fmt == "turtle", **options) for fmt in DATA}
    dataset = exports["nq"]
    sent = _exported_graph(kg, dataset)
    sent_report = validate(sent)
    view = validation_view(sent)
    counts = {"quads": len(dataset.quads), "graphs": len({q.graph_name for q in dataset.quads}) - 1, "view": len(view)}

    with atomic.staging(Path(folder)) as tmp:
        for fmt, name in DATA.items():
            (tmp / name).write_bytes(exports[fmt].data)
        (tmp / VIEW).write_bytes(serialize.ntriples([(q.subject, q.predicate, q.object) for q in view]))
        (tmp / SHAPES).write_text(_shapes_text(), encoding="utf-8")
        (tmp / "validation.txt").write_text(sent_report.text() + "\n", encoding="utf-8")
        for source, target in ((queries_dir(), "queries"), (ontology_dir(), "ontology")):
            (tmp / target).mkdir()
            for f in sorted(source.iterdir()):
                if f.suffix in (".rq", ".ttl"):
                    shutil.copyfile(f, tmp / target / f.name)
        shutil.copyfile(_TEMPLATES / "fuseki-config.ttl", tmp / "fuseki-config.ttl")
        (tmp / "README.md").write_text(_readme(profile, dataset, sent_report, counts), encoding="utf-8")
        files = sorted(str(f.relative_to(tmp)) for f in tmp.rglob("*") if f.is_file())
        sums = "".join(f"{hashlib.sha256((tmp / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
        (tmp / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return Bundle(Path(folder), files + ["SHA256SUMS"], exports, sent_report)
