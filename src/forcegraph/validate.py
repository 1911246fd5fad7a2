"""Validate: pySHACL with the shapes in shapes/ over the reasoned graph, and a report a person reads.

pySHACL is used the way it is fast (docs/design.md, "Validation", gives the measurements):

- SPARQL-based constraints run on Oxigraph, once per focus node with $this substituted, instead
  of pySHACL re-parsing the query with rdflib for every focus node.
- Property shapes of a node shape are handed to pySHACL as shapes with the node shape's targets,
  so each is checked once for all its focus nodes rather than set up again for every one; the
  results are the same (the property shape is their source shape either way).
- pySHACL gets only the triples the shapes read: the predicates on their paths, types of the
  classes they target or require (with the class tree), and labels for the report."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .reason import entailments
from .resources import shapes_dir
from .terms import converter, to_oxigraph, to_rdflib
from .vocab import INFERRED_GRAPH

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


def _violation(data: Graph, shapes: Graph, focus, shape, path, value, message, severity) -> Violation:
    return Violation(
        focus=str(focus),
        focus_label=_label((data,), focus),
        shape=_shape_name(shapes, shape),
        path=_label((data,), path) if isinstance(path, URIRef) else None,
        message=str(message or "does not conform"),
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        value=None if value is None else str(value),
    )


def _run_pyshacl(data: Graph, shapes: Graph, names: Graph) -> tuple[bool, list[Violation]]:
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    violations = [
        _violation(data, names, report.value(r, SH.focusNode), report.value(r, SH.sourceShape),
                   report.value(r, SH.resultPath), report.value(r, SH.value),
                   report.value(r, SH.resultMessage), report.value(r, SH.resultSeverity))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return bool(conforms), violations


def _report(conforms: bool, violations: list[Violation], start: float) -> ValidationReport:
    violations.sort(key=lambda v: (v.shape, v.focus_label, v.message))
    return ValidationReport(conforms, violations, time.perf_counter() - start)


# --- shaping the shapes for pySHACL ---------------------------------------------------------

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# SPARQL constraints that need more than $this pre-bound stay with pySHACL.
_PYSHACL_ONLY = re.compile(r"[$?](PATH|currentShape|shapesGraph)\b")


def _flattened(shapes: Graph) -> Graph:
    """The shapes with each property shape of a targeted node shape given that node shape's
    targets (and no longer linked to it), so pySHACL checks it once for all focus nodes."""
    flat = Graph()
    for t in shapes:
        flat.add(t)
    for node_shape, property_shape in shapes.subject_objects(SH.property):
        targets = [(p, o) for p in _TARGETS for o in shapes.objects(node_shape, p)]
        if targets:
            flat.remove((node_shape, SH.property, property_shape))
            for p, o in targets:
                flat.add((property_shape, p, o))
    return flat


def _path_iris(shapes: Graph, path) -> set:
    """Every property IRI a SHACL property path uses."""
    if isinstance(path, URIRef):
        return {path}
    found = set()
    if (path, RDF.first, None) in shapes:
        for step in Collection(shapes, path):
            found |= _path_iris(shapes, step)
    for p in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        for inner in shapes.objects(path, p):
            found |= _path_iris(shapes, inner)
    return found


def _needs(shapes: Graph) -> tuple[set | None, set | None]:
    """(predicates, classes) the shapes read: the predicates on their paths (and labels, for the
    report), the classes they target or require; None for any (sh:closed)."""
    if (None, SH.closed, Literal(True)) in shapes:
        return None, None
    predicates = {RDF.type, RDFS.subClassOf, RDFS.label, SKOS_PREF}
    for path in shapes.objects(None, SH.path):
        predicates |= _path_iris(shapes, path)
    for p in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint, SH.targetSubjectsOf, SH.targetObjectsOf):
        predicates |= {o for o in shapes.objects(None, p) if isinstance(o, URIRef)}
    classes = {o for p in (SH.targetClass, SH["class"]) for o in shapes.objects(None, p) if isinstance(o, URIRef)}
    return predicates, classes


@dataclass
class _SparqlConstraint:
    shape: Node
    select: str
    message: str | None
    severity: URIRef


def _sparql_constraints(shapes: Graph) -> tuple[list[_SparqlConstraint], Graph]:
    """The SPARQL constraints Oxigraph can run, and the shapes without them (for pySHACL)."""
    rest, found = Graph(), []
    for t in shapes:
        rest.add(t)
    for shape, constraint in shapes.subject_objects(SH.sparql):
        select = shapes.value(constraint, SH.select)
        if select is None or _PYSHACL_ONLY.search(str(select)) or (constraint, SH.deactivated, Literal(True)) in shapes:
            continue
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for owner in shapes.objects(constraint, SH.prefixes) for d in shapes.objects(owner, SH.declare))
        message = shapes.value(constraint, SH.message) or shapes.value(shape, SH.message)
        severity = shapes.value(shape, SH.severity) or SH.Violation
        found.append(_SparqlConstraint(shape, prefixes + str(select), None if message is None else str(message), severity))
        rest.remove((shape, SH.sparql, constraint))
        for t in list(rest.triples((constraint, None, None))):
            rest.remove(t)
    return found, rest


# --- the data the shapes see ------------------------------------------------------------------


def _query_predicates(select: str) -> set | None:
    """The IRIs a SPARQL query names (a superset of the predicates it reads); None if it may
    read any predicate (a variable predicate or a negated property set)."""
    from rdflib.paths import NegatedPath, Path as PropertyPath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    found: set = set()

    def walk(node) -> bool:
        if isinstance(node, URIRef):
            found.add(node)
            return True
        if isinstance(node, PropertyPath):
            if isinstance(node, NegatedPath):
                return False
            parts = [getattr(node, a) for a in ("arg", "path") if hasattr(node, a)] + list(getattr(node, "args", []))
            return all(walk(x) for x in parts)
        if isinstance(node, CompValue):
            # Triples in the algebra (BGP) and in EXISTS patterns, still parse trees (TriplesBlock).
            if node.name == "BGP" and any(isinstance(t[1], Variable) for t in node.triples):
                return False
            if node.name == "TriplesBlock" and any(isinstance(p, Variable) for t in node.triples for p in t[1::3]):
                return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple, set)):
            return all(walk(v) for v in node)
        return True

    return found if walk(translateQuery(parseQuery(select)).algebra) else None


def _subclasses(view_or_store: ox.Store, classes: Iterable) -> set:
    """The classes and every class under them (rdfs:subClassOf*), as Oxigraph terms."""
    below: dict = {}
    for q in view_or_store.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None):
        below.setdefault(q.object, set()).add(q.subject)
    kinds = {to_oxigraph(c) for c in classes if isinstance(c, URIRef)}
    todo = list(kinds)
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in kinds:
                kinds.add(sub)
                todo.append(sub)
    return kinds


def _view(kg: KnowledgeGraph, predicates: set | None, classes: set | None) -> ox.Store:
    """What the shapes see, as one default graph: facts, provenance, conflicts, the ontology and
    the OWL-RL entailments other than domain and range typing; only the triples with the given
    predicates (all if None) and the types of the given classes and their subclasses (all if None)."""
    entailed = entailments(kg, "owl-rl", domains_and_ranges=False)
    view = ox.Store()
    if predicates is None:
        view.extend(ox.Quad(q.subject, q.predicate, q.object)
                    for q in kg.quads(facts=True, provenance=True, conflicts=True, ontology=True))
        view.extend(ox.Quad(s, p, o) for s, p, o in entailed)
        return view
    skip = ox.NamedNode(str(INFERRED_GRAPH))
    a = ox.NamedNode(str(RDF.type))
    wanted = {to_oxigraph(p) for p in predicates} - {a}
    kinds = None if classes is None else _subclasses(kg.store, classes)

    def keep(s, p, o) -> bool:
        return p in wanted or (p == a and (kinds is None or o in kinds))

    stated = [kg.store.quads_for_pattern(None, p, None) for p in wanted]
    stated += [kg.store.quads_for_pattern(None, a, None)] if kinds is None else \
        [kg.store.quads_for_pattern(None, a, k) for k in kinds]
    view.extend(ox.Quad(q.subject, q.predicate, q.object) for quads in stated for q in quads
                if q.graph_name != skip and not isinstance(q.graph_name, ox.DefaultGraph))
    view.extend(ox.Quad(s, p, o) for s, p, o in entailed if keep(s, p, o))
    return view


def validation_view(kg: KnowledgeGraph) -> ox.Store:
    """The validation view, whole: the graph `validate` checks the shapes against. The partner
    bundle exports it, so that any SHACL engine, given it and the shapes, gives our verdict."""
    return _view(kg, None, None)


def _rdflib_view(view: ox.Store) -> Graph:
    """The view as an rdflib graph, for pySHACL. An ill-typed literal ("2019-02-30"^^xsd:date) is
    handed over as the plain string it is: pySHACL's sh:datatype then reports it, where comparing
    it (sh:lessThan) would raise a TypeError and stop validation."""
    graph, conv = Graph(), converter()

    def value(term):
        term = conv(term)
        return Literal(str(term)) if isinstance(term, Literal) and term.ill_typed else term

    graph.addN((conv(q.subject), conv(q.predicate), value(q.object), graph) for q in view)
    return graph


def _focus_nodes(view: ox.Store, shapes: Graph, shape) -> set:
    """A shape's focus nodes, as SHACL defines its targets."""
    focus = set(shapes.objects(shape, SH.targetNode))
    a = ox.NamedNode(str(RDF.type))
    for kind in _subclasses(view, shapes.objects(shape, SH.targetClass)):
        focus |= {to_rdflib(q.subject) for q in view.quads_for_pattern(None, a, kind)}
    for p in shapes.objects(shape, SH.targetSubjectsOf):
        focus |= {to_rdflib(q.subject) for q in view.quads_for_pattern(None, to_oxigraph(p), None)}
    for p in shapes.objects(shape, SH.targetObjectsOf):
        focus |= {to_rdflib(q.object) for q in view.quads_for_pattern(None, to_oxigraph(p), None)}
    return focus


def _run_sparql_constraints(view: ox.Store, data: Graph, shapes: Graph, constraints) -> list[Violation]:
    """Each SPARQL constraint on Oxigraph, $this substituted per focus node (SHACL pre-binding)."""
    this = ox.Variable("this")
    found = []
    for c in constraints:
        select = c.select if re.search(r"(?is)\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?(\*|[^{]*[$?]this\b)", c.select) \
            else re.sub(r"(?is)\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", lambda m: m.group(0) + "$this ", c.select, count=1)
        seen = set()
        for focus in sorted(_focus_nodes(view, shapes, c.shape)):
            solutions = view.query(select, substitutions={this: to_oxigraph(focus)})
            names = solutions.variables
            for row in solutions:
                bound = {v.value: to_rdflib(row[v]) for v in names if row[v] is not None}
                key = tuple(sorted((k, str(v)) for k, v in bound.items()))
                if key in seen:
                    continue
                seen.add(key)
                message = c.message
                if message is not None:
                    for var, val in bound.items():
                        message = re.sub("{[?$]%s}" % var, str(val).replace("\\", "\\\\"), message)
                found.append(_violation(data, shapes, bound.get("this", focus), c.shape, bound.get("path"),
                                        bound.get("value"), message, c.severity))
    return found


@no_cyclic_gc()
def validate(kg: KnowledgeGraph, shapes: Graph | None = None) -> ValidationReport:
    """Validate the reasoned graph: facts, provenance and conflict records, the ontology's class
    tree, and the OWL-RL entailments other than domain and range typing (which would make every
    value the class a shape checks it for)."""
    start = time.perf_counter()
    shapes = shapes if shapes is not None else load_shapes()
    constraints, rest = _sparql_constraints(shapes)
    predicates, classes = _needs(rest)
    for c in constraints:
        read = _query_predicates(c.select)
        predicates = None if read is None or predicates is None else predicates | read
        if read is None or RDF.type in read:
            classes = None  # the query may look at any type
    view = _view(kg, predicates, classes)
    data = _rdflib_view(view)
    conforms, violations = _run_pyshacl(data, _flattened(rest), shapes)
    extra = _run_sparql_constraints(view, data, shapes, constraints)
    conforms = conforms and not any(v.severity == "Violation" for v in extra)
    return _report(conforms, violations + extra, start)
