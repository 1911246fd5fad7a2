"""The knowledge graph: every quad in one Oxigraph store, named graphs kept apart.

Passage graphs and external-source graphs hold the facts; the provenance graph describes documents
and passages; the inferred graph holds what the reasoner adds. Oxigraph answers SPARQL quickly;
an rdflib Dataset is made on demand for rdflib's SPARQL engine (`--engine rdflib`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from .terms import converter
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
        if not facts:
            # Only special graphs: read them by name rather than scanning the whole store.
            for g in wanted:
                yield from self.store.quads_for_pattern(None, None, None, g)
            return
        for quad in self.store:
            g = quad.graph_name
            if g in wanted or (g not in _SPECIAL and not isinstance(g, ox.DefaultGraph)):
                yield quad

    def facts_with(self, predicates, *, also=()):
        """Fact quads whose predicate is one of `predicates`, read through the predicate index;
        with `also`, the quads of those special graphs too."""
        extra = {_node(g) for g in also}
        for p in predicates:
            for quad in self.store.quads_for_pattern(None, p, None):
                g = quad.graph_name
                if g in extra or (g not in _SPECIAL and not isinstance(g, ox.DefaultGraph)):
                    yield quad

    def count_facts(self) -> int:
        """How many quads the passage and external-source graphs hold: the store's size less the
        other graphs', so the facts themselves are not read."""
        others = [*_SPECIAL, ox.DefaultGraph()]
        return len(self.store) - sum(sum(1 for _ in self.store.quads_for_pattern(None, None, None, g)) for g in others)

    def rdflib_dataset(self, **parts) -> Dataset:
        """The chosen parts as an rdflib Dataset that keeps the named graphs."""
        ds = Dataset()
        ds.default_union = True
        conv, graphs = converter(), {}

        def context(g):
            hit = graphs.get(g)
            if hit is None:
                hit = graphs[g] = ds.default_graph if isinstance(g, ox.DefaultGraph) else ds.graph(URIRef(g.value))
            return hit

        ds.addN((conv(q.subject), conv(q.predicate), conv(q.object), context(q.graph_name)) for q in self.quads(**parts))
        return ds

    def clear_inferred(self) -> None:
        self.store.clear_graph(_node(INFERRED_GRAPH))

    def add_inferred(self, triples) -> int:
        g = _node(INFERRED_GRAPH)
        quads = [ox.Quad(s, p, o, g) for s, p, o in triples]
        self.store.extend(quads)
        return len(quads)
