"""Reason: OWL 2 RL entailments of the ontology over the data, kept in their own graph.

owlrl is slow on instance data: each pass re-applies every rule to every triple (docs/design.md,
"Reasoning: OWL-RL, fast"). So the work is split the way rule engines usually split it:

1. owlrl computes the OWL-RL closure of the ontology alone (the T-box: class and property
   hierarchies, inverses, inherited domains and ranges); once per process.
2. The instance rules of OWL 2 RL that this schema can fire — cax-sco, prp-spo1, prp-inv1/2,
   prp-dom, prp-rng, prp-symp, prp-trp — run to a fixpoint over the facts with semi-naive
   evaluation in plain Python sets (milliseconds).

The `owlrl` profile runs owlrl over everything instead; tests check both give the same
entailments. Equality rules (owl:sameAs) are not applied: nothing in the ontology needs them, and
a second chief officer for a force is a validation error, not a reason to merge two people.
The closure reads every graph a query reads but the ontology's own: the facts, and the provenance
and conflict records, so that `?d a fg:SourceDocument` finds a report typed only in the provenance
graph and every `fg:document` link is also a `prov:wasQuotedFrom`."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache

import owlrl
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal

from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .terms import to_oxigraph, to_rdflib
from .vocab import CONFLICTS_GRAPH, PROVENANCE_GRAPH

from .names import PROFILES

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


def _rules(schema: Schema) -> dict:
    """Per predicate, what the instance rules do with one of its triples:
    (superproperties, domains, ranges, inverses, symmetric, transitive)."""
    predicates = (set(schema.superproperties) | set(schema.domains) | set(schema.ranges) | set(schema.inverses)
                  | schema.symmetric | schema.transitive)
    return {
        p: (tuple(schema.superproperties.get(p, ())), tuple(schema.domains.get(p, ())), tuple(schema.ranges.get(p, ())),
            tuple(schema.inverses.get(p, ())), p in schema.symmetric, p in schema.transitive)
        for p in predicates
    }


def closure(facts: set, schema: Schema) -> set:
    """All triples the instance rules derive from `facts` (semi-naive fixpoint).

    The ontology's class tree comes closed (every superclass listed), and types trigger no rule
    but cax-sco, so the superclass types of a type are added once and never looked at again."""
    known = set(facts)
    rules = _rules(schema)
    superclasses = {c: tuple(sup) for c, sup in schema.superclasses.items()}
    by_subject = defaultdict(set)  # (p, s) -> {o} for transitive properties
    by_object = defaultdict(set)  # (p, o) -> {s}
    for s, p, o in known:
        if p in schema.transitive:
            by_subject[p, s].add(o)
            by_object[p, o].add(s)
    delta = known
    while delta:
        new, typed = set(), set()
        add, add_type = new.add, typed.add
        for s, p, o in delta:
            if p == TYPE:
                for c in superclasses.get(o, ()):
                    add_type((s, TYPE, c))
                continue
            rule = rules.get(p)
            if rule is None:
                continue
            supers, domains, ranges, inverses, symmetric, transitive = rule
            for q in supers:
                add((s, q, o))
            for c in domains:
                add((s, TYPE, c))
            if isinstance(o, ox.Literal):
                continue
            for c in ranges:
                add((o, TYPE, c))
            for q in inverses:
                add((o, q, s))
            if symmetric:
                add((o, p, s))
            if transitive:
                for z in by_subject.get((p, o), ()):
                    add((s, p, z))
                for w in by_object.get((p, s), ()):
                    add((w, p, o))
        known |= typed
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


# Graphs besides the facts that queries read and so the closure covers.
_RECORDS = (PROVENANCE_GRAPH, CONFLICTS_GRAPH)


def _fact_triples(kg: KnowledgeGraph, predicates=None) -> set:
    """The asserted facts and the provenance and conflict records as a set of triples; only those
    with the given predicates, if given."""
    quads = (kg.quads(facts=True, provenance=True, conflicts=True) if predicates is None
             else kg.facts_with(predicates, also=_RECORDS))
    return {(q.subject, q.predicate, q.object) for q in quads}


def _involved(schema: Schema) -> set:
    """Predicates the instance rules read or write: facts with any other predicate neither fire a
    rule nor can be derived, so the closure can leave them out."""
    involved = {TYPE} | set(schema.superproperties) | set(schema.domains) | set(schema.ranges) | set(schema.inverses)
    involved |= schema.symmetric | schema.transitive
    for targets in (*schema.superproperties.values(), *schema.inverses.values()):
        involved |= targets
    return involved


_SAME_AS = ox.NamedNode(str(OWL.sameAs))


def _entailments(kg: KnowledgeGraph, profile: str, domains_and_ranges: bool) -> tuple[list, int]:
    if profile not in PROFILES:
        raise ValueError(f"unknown reasoning profile {profile!r}; expected one of {', '.join(PROFILES)}")
    count = kg.count_facts()
    if profile == "none":
        return [], count
    if profile == "owlrl":
        facts = _fact_triples(kg)
        entailed = _owlrl_everything(kg, facts)
    else:
        schema = _schema(_ontology_triples(kg), profile == "rdfs")
        if not domains_and_ranges:
            schema = replace(schema, domains={}, ranges={})
        facts = _fact_triples(kg, _involved(schema))
        entailed = closure(facts, schema)
    entailed -= facts
    ontology = {(q.subject, q.predicate, q.object) for q in kg.quads(facts=False, ontology=True)}
    return [
        (s, p, o) for s, p, o in entailed
        # Keep facts about our things: not the ontology's own closure, literals or trivial types.
        if _is_data(s) and not isinstance(o, (ox.Literal, ox.BlankNode)) and not (p == TYPE and o in _TRIVIAL)
        and p != _SAME_AS and (s, p, o) not in ontology
    ], count


@no_cyclic_gc()
def entailments(kg: KnowledgeGraph, profile: str = "owl-rl", *, domains_and_ranges: bool = True) -> list:
    """The triples `profile` adds to the asserted facts (owl-rl, rdfs, owlrl or none).

    Without domains and ranges, a value is never typed by the property that points at it; the
    validator wants that, since OWL would otherwise make any party a legal person (and so
    satisfy the very shape that checks it)."""
    return _entailments(kg, profile, domains_and_ranges)[0]


@no_cyclic_gc()
def reason(kg: KnowledgeGraph, profile: str = "owl-rl") -> ReasoningReport:
    """Replace the graph's inferred triples with the entailments under `profile`:
    owl-rl (default), rdfs, owlrl (owlrl over everything: slow, the reference) or none."""
    start = time.perf_counter()
    inferred, facts = _entailments(kg, profile, True)
    kg.clear_inferred()
    added = kg.add_inferred(inferred)
    return ReasoningReport(profile, facts, added, time.perf_counter() - start)
