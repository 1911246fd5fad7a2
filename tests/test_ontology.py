"""The ontology: every fg: term labelled and defined; every domain and range a defined class."""

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from forcegraph.resources import ontology_dir

FG = Namespace("https://w3id.org/forcegraph/ontology#")
# Classes from the vocabularies we reuse; a domain or range may name these.
KNOWN_EXTERNAL = {
    "http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#", "http://purl.org/linked-data/cube#",
    "http://www.w3.org/2001/XMLSchema#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
}


def ontology() -> Graph:
    g = Graph()
    for f in ontology_dir().glob("*.ttl"):
        g.parse(f)
    return g


def fg_terms(g):
    return {s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(str(FG)) and str(s) != str(FG)}


def test_ontology_header_has_version_iri_and_metadata():
    g = ontology()
    onto = URIRef("https://w3id.org/forcegraph/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionIRI) is not None
    assert g.value(onto, OWL.versionInfo) is not None


def test_every_term_has_label_and_definition():
    g = ontology()
    terms = fg_terms(g)
    assert len(terms) > 80
    missing = sorted(str(t) for t in terms if g.value(t, RDFS.label) is None
                     or (g.value(t, SKOS.definition) is None and g.value(t, RDFS.comment) is None))
    assert missing == []


def test_every_domain_and_range_names_a_defined_class():
    g = ontology()
    defined = set(g.subjects(RDF.type, OWL.Class))
    bad = []
    for prop in (RDFS.domain, RDFS.range):
        for s, o in g.subject_objects(prop):
            external = any(str(o).startswith(ns) for ns in KNOWN_EXTERNAL)
            if o not in defined and not external:
                bad.append(f"{s} {prop} {o}")
    assert bad == []


def test_every_term_is_declared_with_a_type():
    g = ontology()
    untyped = [t for t in fg_terms(g) if g.value(t, RDF.type) is None]
    assert untyped == []
