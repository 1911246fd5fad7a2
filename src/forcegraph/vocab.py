"""Namespaces and the IRIs of the graphs that hold provenance, conflicts and inferences."""

from rdflib import Namespace

FG = Namespace("https://w3id.org/forcegraph/ontology#")
ID = Namespace("https://w3id.org/forcegraph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"  # a plain literal's datatype in RDF 1.1

# Descriptions of documents, passages and external sources (bibliographic, not facts).
PROVENANCE_GRAPH = ID["graph/provenance"]
# Curated records of passages that disagree.
CONFLICTS_GRAPH = ID["graph/conflicts"]
# What the reasoner adds; kept apart so exports can leave it out.
INFERRED_GRAPH = ID["graph/inferred"]
# The ontology itself, loaded beside the data so queries can read labels of classes.
ONTOLOGY_GRAPH = ID["graph/ontology"]

# Graphs that are not passage or external-source graphs.
SPECIAL_GRAPHS = frozenset({PROVENANCE_GRAPH, CONFLICTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH})

PREFIXES = {
    "fg": str(FG),
    "dcterms": "http://purl.org/dc/terms/",
    "org": str(ORG),
    "prov": str(PROV),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qb": "http://purl.org/linked-data/cube#",
    "sh": "http://www.w3.org/ns/shacl#",
}
