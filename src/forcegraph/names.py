"""The names the command line offers as choices (reasoning profiles, SPARQL engines, kinds
and statuses), kept apart from the modules that implement them so that `forcegraph --help` and a
query need not import those."""

PROFILES = ("owl-rl", "rdfs", "owlrl", "none")
ENGINES = ("oxigraph", "rdflib")
# Kinds of source document (`source add --kind`), each with its class in the ontology.
SOURCE_KINDS = {"report": "Report", "decision-record": "DecisionRecord", "agreement-text": "AgreementText",
                "register": "Register", "web-page": "WebPage"}
CANDIDATE_STATUSES = ("proposed", "accepted", "rejected")
