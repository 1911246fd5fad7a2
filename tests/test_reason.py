"""Reasoning: the inferences analysts rely on, kept apart from what the documents assert."""

import pyoxigraph as ox
import pytest

import forcegraph
from forcegraph.vocab import INFERRED_GRAPH

from conftest import DATA

ID = "https://w3id.org/forcegraph/id/"
FG = "https://w3id.org/forcegraph/ontology#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def inferred(kg):
    return {(q.subject.value, q.predicate.value, q.object.value) for q in kg.quads(facts=False, inferred=True)}


def asserted(kg):
    return {(q.subject.value, q.predicate.value, q.object.value) for q in kg.quads(facts=True)}


def test_subclass_typing(minimal_kg):
    # A PCC is a corporation sole and a legal person, though the data only says PCC.
    pcc = ID + "corporation-sole/pcc-bedfordshire"
    assert (pcc, TYPE, FG + "CorporationSole") in inferred(minimal_kg)
    assert (pcc, TYPE, FG + "LegalPerson") in inferred(minimal_kg)


def test_inverse_properties(minimal_kg):
    # The agreement names its parties; each party is then party to the agreement.
    assert (ID + "corporation-sole/cc-cambridgeshire", FG + "partyTo", ID + "agreement/test-agreement") in inferred(minimal_kg)
    assert (ID + "force/bedfordshire", FG + "leads", ID + "collaboration/test-alliance") in inferred(minimal_kg)


def test_transitive_part_of_chain(minimal_kg):
    # service ⊂ service area ⊂ alliance, stated one link at a time, gives service ⊂ alliance.
    assert (ID + "service/test-service", FG + "partOf", ID + "collaboration/test-alliance") in inferred(minimal_kg)
    assert (ID + "collaboration/test-alliance", FG + "hasPart", ID + "service/test-service") in inferred(minimal_kg)


def test_inferred_triples_are_kept_apart_from_asserted(minimal_kg):
    graphs = {q.graph_name for q in minimal_kg.store if q.graph_name == ox.NamedNode(str(INFERRED_GRAPH))}
    assert graphs, "inferences go to their own graph"
    assert not (inferred(minimal_kg) & asserted(minimal_kg))


def test_none_profile_infers_nothing_and_rdfs_skips_owl_rules():
    kg = forcegraph.load([DATA / "valid" / "minimal.trig"])
    assert forcegraph.reason(kg, "none").inferred_triples == 0
    forcegraph.reason(kg, "rdfs")
    found = inferred(kg)
    assert (ID + "corporation-sole/pcc-bedfordshire", TYPE, FG + "LegalPerson") in found
    assert not any(p == FG + "partyTo" for _, p, _ in found), "inverseOf is OWL, not RDFS"


def test_fast_rules_match_owlrl_on_the_real_graph(full_kg):
    """The default engine must give exactly what owlrl's own OWL-RL closure gives."""
    fast = inferred(full_kg)
    kg = forcegraph.load([DATA.parents[1] / "graph"])
    forcegraph.reason(kg, "owlrl")
    assert inferred(kg) == fast


def test_unknown_profile_is_refused(minimal_kg):
    with pytest.raises(ValueError, match="unknown reasoning profile"):
        forcegraph.reason(minimal_kg, "owl-dl")
