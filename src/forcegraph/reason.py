"""Reason: OWL 2 RL entailments of the ontology over the data, kept in their own graph.

owlrl is slow on instance data: each pass re-applies every rule to every triple (about 1 s per
500 triples here). So the work is split the way rule engines usually split it:

1. owlrl computes the OWL-RL closure of the ontology alone (the T-box: class and property
   hierarchies, inverses, inherited domains and ranges); once per process.
2. The instance rules of OWL 2 RL that this schema can fire — cax-sco, prp-spo1, prp-inv1/2,
   prp-dom, prp-rng, prp-symp, prp-trp — run to a fixpoint over the facts with semi-naive
   evaluation in plain Python sets (milliseconds).

The `owlrl` profile runs owlrl over everything instead; tests check both give the same
entailments. Equality rules (owl:sameAs) are not applied: nothing in the ontology needs them, and
a second chief officer for a force is a validation error, not a reason to merge two people.
Provenance and conflict records stay out of the closure."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache

import owlrl
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal

from .knowledge import KnowledgeGraph
from .terms import to_oxigraph, to_rdflib

PROFILES = ("owl-rl", "rdfs", "owlrl", "none")

TYPE = ox.NamedNode(str(RDF.type))
# Types that hold of everything: inferring them says nothing.
_TRIVIAL = {ox.NamedNode(str(t)) for t in (OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class)}


@dataclass
class ReasoningReport:
    profile: str
    input_triples: int
    inferred_triples: int
    seconds: float


@dataclass(frozen=True)
class Schema:
    """What the instance rules need from the closed ontology, keyed by oxigraph terms."""

    superclasses: dict = field(default_factory=dict)
    superproperties: dict = field(default_factory=dict)
    inverses: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)
    symmetric: frozenset = frozenset()
    transitive: frozenset = frozenset()


@cache
def _schema(ontology: frozenset, rdfs_only: bool) -> Schema:
    tbox = Graph()
    for t in ontology:
        tbox.add(t)
    semantics = owlrl.RDFS_Semantics if rdfs_only else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(tbox)

    def index(predicate, reflexive_skip=True, both_ways=False):
        out = defaultdict(set)
        for a, b in tbox.subject_objects(predicate):
            if isinstance(a, Literal) or isinstance(b, Literal) or (reflexive_skip and a == b):
                continue
            out[to_oxigraph(a)].add(to_oxigraph(b))
            if both_ways:
                out[to_oxigraph(b)].add(to_oxigraph(a))
        return {k: frozenset(v) for k, v in out.items()}

    kinds = lambda cls: frozenset(to_oxigraph(p) for p in tbox.subjects(RDF.type, cls))
    return Schema(
        superclasses=index(RDFS.subClassOf),
        superproperties=index(RDFS.subPropertyOf),
        inverses={} if rdfs_only else index(OWL.inverseOf, both_ways=True),
        domains=index(RDFS.domain, reflexive_skip=False),
        ranges=index(RDFS.range, reflexive_skip=False),
        symmetric=frozenset() if rdfs_only else kinds(OWL.SymmetricProperty),
        transitive=frozenset() if rdfs_only else kinds(OWL.TransitiveProperty),
    )


def _ontology_triples(kg: KnowledgeGraph) -> frozenset:
    return frozenset(
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in kg.quads(facts=False, ontology=True)
        if not isinstance(q.object, ox.Literal)
    )


def closure(facts: set, schema: Schema) -> set:
    """All triples the instance rules derive from `facts` (semi-naive fixpoint)."""
    known = set(facts)
    by_subject = defaultdict(set)  # (p, s) -> {o} for transitive properties
    by_object = defaultdict(set)  # (p, o) -> {s}
    for s, p, o in known:
        if p in schema.transitive:
            by_subject[p, s].add(o)
            by_object[p, o].add(s)
    delta = known
    while delta:
        new = set()
        for s, p, o in delta:
            if p == TYPE:
                new.update((s, TYPE, c) for c in schema.superclasses.get(o, ()))
                continue
            literal = isinstance(o, ox.Literal)
            new.update((s, q, o) for q in schema.superproperties.get(p, ()))
            new.update((s, TYPE, c) for c in schema.domains.get(p, ()))
            if literal:
                continue
            new.update((o, TYPE, c) for c in schema.ranges.get(p, ()))
            new.update((o, q, s) for q in schema.inverses.get(p, ()))
            if p in schema.symmetric:
                new.add((o, p, s))
            if p in schema.transitive:
                new.update((s, p, z) for z in by_subject.get((p, o), ()))
                new.update((w, p, o) for w in by_object.get((p, s), ()))
        delta = new - known
        known |= delta
        for s, p, o in delta:
            if p in schema.transitive:
                by_subject[p, s].add(o)
                by_object[p, o].add(s)
    return known


def _owlrl_everything(kg: KnowledgeGraph, facts: set) -> set:
    graph = Graph()
    for t in _ontology_triples(kg):
        graph.add(t)
    for s, p, o in facts:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    return {(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph}


def _is_data(term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith("https://w3id.org/forcegraph/id/")


def entailments(kg: KnowledgeGraph, profile: str = "owl-rl", *, domains_and_ranges: bool = True) -> list:
    """The triples `profile` adds to the asserted facts (owl-rl, rdfs, owlrl or none).

    Without domains and ranges, a value is never typed by the property that points at it; the
    validator wants that, since OWL would otherwise make any party a legal person (and so
    satisfy the very shape that checks it)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown reasoning profile {profile!r}; expected one of {', '.join(PROFILES)}")
    facts = {(q.subject, q.predicate, q.object) for q in kg.quads(facts=True)}
    if profile == "none":
        return []
    if profile == "owlrl":
        entailed = _owlrl_everything(kg, facts)
    else:
        schema = _schema(_ontology_triples(kg), profile == "rdfs")
        if not domains_and_ranges:
            schema = replace(schema, domains={}, ranges={})
        entailed = closure(facts, schema)
    stated = facts | {(q.subject, q.predicate, q.object) for q in kg.quads(facts=False, ontology=True)}
    return [
        (s, p, o) for s, p, o in entailed - stated
        # Keep facts about our things: not the ontology's own closure, literals or trivial types.
        if _is_data(s) and not isinstance(o, (ox.Literal, ox.BlankNode)) and not (p == TYPE and o in _TRIVIAL)
        and not (p.value == str(OWL.sameAs))
    ]


def reason(kg: KnowledgeGraph, profile: str = "owl-rl") -> ReasoningReport:
    """Replace the graph's inferred triples with the entailments under `profile`:
    owl-rl (default), rdfs, owlrl (owlrl over everything: slow, the reference) or none."""
    start = time.perf_counter()
    inferred = entailments(kg, profile)
    kg.clear_inferred()
    added = kg.add_inferred(inferred)
    return ReasoningReport(profile, sum(1 for _ in kg.quads(facts=True)), added, time.perf_counter() - start)
