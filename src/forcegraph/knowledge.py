"""The knowledge graph: every quad in one Oxigraph store, named graphs kept apart.

Passage graphs and external-source graphs hold the facts; the provenance graph describes documents
and passages; the inferred graph holds what the reasoner adds. Oxigraph answers SPARQL quickly;
rdflib views are made on demand for owlrl and pyshacl, which need rdflib graphs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .terms import to_rdflib
from .vocab import CONFLICTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH, SPECIAL_GRAPHS

_SPECIAL = {ox.NamedNode(str(g)) for g in SPECIAL_GRAPHS}


def _node(iri) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


@dataclass
class KnowledgeGraph:
    store: ox.Store = field(default_factory=ox.Store)
    files: list[Path] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.store)

    # --- which graphs hold what -------------------------------------------------------------

    def fact_graphs(self) -> list[ox.NamedNode]:
        """Passage and external-source graphs: the asserted facts."""
        return [g for g in self.store.named_graphs() if g not in _SPECIAL]

    def quads(self, *, facts=True, inferred=False, provenance=False, conflicts=False, ontology=False):
        """Quads of the chosen parts of the graph."""
        wanted = set()
        if inferred:
            wanted.add(_node(INFERRED_GRAPH))
        if provenance:
            wanted.add(_node(PROVENANCE_GRAPH))
        if conflicts:
            wanted.add(_node(CONFLICTS_GRAPH))
        if ontology:
            wanted.add(_node(ONTOLOGY_GRAPH))
        for quad in self.store:
            g = quad.graph_name
            if g in wanted or (facts and g not in _SPECIAL and not isinstance(g, ox.DefaultGraph)):
                yield quad

    def rdflib_graph(self, **parts) -> Graph:
        """The union of the chosen parts as one rdflib Graph (for owlrl and pyshacl)."""
        graph = Graph()
        cache: dict = {}

        def conv(term):
            hit = cache.get(term)
            if hit is None:
                hit = cache[term] = to_rdflib(term)
            return hit

        add = graph.add
        for q in self.quads(**parts):
            add((conv(q.subject), conv(q.predicate), conv(q.object)))
        return graph

    def rdflib_dataset(self, **parts) -> Dataset:
        """The chosen parts as an rdflib Dataset that keeps the named graphs."""
        ds = Dataset()
        ds.default_union = True
        for q in self.quads(**parts):
            ds.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), to_rdflib(q.graph_name)))
        return ds

    def clear_inferred(self) -> None:
        self.store.clear_graph(_node(INFERRED_GRAPH))

    def add_inferred(self, triples) -> int:
        g = _node(INFERRED_GRAPH)
        quads = [ox.Quad(s, p, o, g) for s, p, o in triples]
        self.store.extend(quads)
        return len(quads)
