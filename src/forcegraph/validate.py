"""Validate: pySHACL with the shapes in shapes/ over the reasoned graph, and a report a person reads."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.term import Node

from .knowledge import KnowledgeGraph
from .reason import entailments
from .resources import shapes_dir
from .terms import to_rdflib

SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


@dataclass
class Violation:
    focus: str
    focus_label: str
    shape: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.severity}: {self.focus_label} <{self.focus}> — {self.shape}{where}: {self.message}"


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != "Violation"]

    def text(self) -> str:
        head = ("Validation: the graph conforms to the shapes" if self.conforms
                else f"Validation: {len(self.errors)} violation(s)")
        if self.warnings:
            head += f" ({len(self.warnings)} warning(s))"
        return "\n".join([head + "."] + [f"  {v}" for v in self.errors + self.warnings])


def load_shapes(folder: Path | None = None) -> Graph:
    shapes = Graph()
    for f in sorted((folder or shapes_dir()).glob("*.ttl")):
        shapes.parse(f, format="turtle")
    return shapes


def _label(graphs, node: Node) -> str:
    for g in graphs:
        for prop in (RDFS.label, SKOS_PREF):
            values = sorted(str(v) for v in g.objects(node, prop))
            if values:  # the first in order, so a node with two labels always reads the same
                return values[0]
    return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _shape_name(shapes: Graph, shape: Node) -> str:
    # Property shapes are blank nodes inside a node shape: name the node shape that holds them.
    owner = shapes.value(None, SH.property, shape) or shape
    label = shapes.value(owner, RDFS.label)
    return str(label) if label else str(owner).rsplit("#", 1)[-1]


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph (already reasoned) against the shapes."""
    start = time.perf_counter()
    shapes = shapes if shapes is not None else load_shapes()
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        severity = report.value(result, SH.resultSeverity)
        violations.append(
            Violation(
                focus=str(focus),
                focus_label=_label((data,), focus),
                shape=_shape_name(shapes, report.value(result, SH.sourceShape)),
                path=_label((data,), path) if isinstance(path, URIRef) else None,
                message=str(report.value(result, SH.resultMessage) or "does not conform"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=None if value is None else str(value),
            )
        )
    violations.sort(key=lambda v: (v.shape, v.focus_label, v.message))
    return ValidationReport(bool(conforms), violations, time.perf_counter() - start)


def validate(kg: KnowledgeGraph, shapes: Graph | None = None) -> ValidationReport:
    """Validate the reasoned graph: facts, provenance and conflict records, the ontology's class
    tree, and the OWL-RL entailments other than domain and range typing (which would make every
    value the class a shape checks it for)."""
    data = kg.rdflib_graph(facts=True, provenance=True, conflicts=True, ontology=True)
    for s, p, o in entailments(kg, "owl-rl", domains_and_ranges=False):
        data.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return validate_graph(data, shapes)
