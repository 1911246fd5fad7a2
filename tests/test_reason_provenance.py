"""Reasoning covers every graph a query reads: the provenance graph's documents and passages get
their superclasses and superproperties like any fact, asked through the CLI."""

import json

from rdflib import Graph, Namespace
from rdflib.namespace import PROV

from conftest import SEED_ARGS

FG_NS = Namespace("https://w3id.org/forcegraph/ontology#")
FG = "PREFIX fg: <https://w3id.org/forcegraph/ontology#>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"


def _count(run_cli, sparql, *extra):
    result = run_cli("query", "--sparql", FG + sparql, "--format", "json", *SEED_ARGS, *extra)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    return int(rows[0]["n"]["value"])


def test_every_document_is_a_source_document(run_cli):
    # A document is whatever a seed or source file is recorded for, whichever subclass types it.
    documents = _count(run_cli, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { { ?d fg:seedFile ?f } UNION { ?d fg:sourceFile ?f } }")
    assert documents == 12
    found = _count(run_cli, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a fg:SourceDocument }")
    assert found == documents
    # Without reasoning only the documents typed with the superclass itself are found.
    assert _count(run_cli, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a fg:SourceDocument }", "--reasoning", "none") < documents


def test_every_document_link_is_quoted_from(run_cli):
    links = _count(run_cli, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?p ?d WHERE { ?p fg:document ?d } }")
    quoted = _count(run_cli, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?p ?d WHERE { ?p prov:wasQuotedFrom ?d } }")
    assert links > 300 and quoted == links
    missing = _count(run_cli, "SELECT (COUNT(*) AS ?n) WHERE { ?p fg:document ?d FILTER NOT EXISTS { ?p prov:wasQuotedFrom ?d } }")
    assert missing == 0


def test_inferred_export_carries_quoted_from(run_cli, tmp_path):
    out = tmp_path / "all.nt"
    result = run_cli("export", "--profile", "full", "--include-inferred", "--format", "nt", "--output", out, *SEED_ARGS)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="nt")
    links = set(graph.subject_objects(FG_NS.document))
    assert len(links) > 300
    assert links <= set(graph.subject_objects(PROV.wasQuotedFrom))
