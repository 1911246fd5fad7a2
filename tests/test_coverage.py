"""Coverage: for each source file, the facts it must yield, written from reading the document.

Each tests/coverage/<stem>.facts holds blocks: a `# ` comment naming the fact and where the
document states it, then a SPARQL graph pattern that must match (ASK over every graph). A later
edit that drops a fact fails here."""

import re

import pytest

from forcegraph.query import run_sparql

from conftest import REPO

COVERAGE = REPO / "tests" / "coverage"
PREFIXES = """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
"""


def _blocks():
    for path in sorted(COVERAGE.glob("*.facts")):
        for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            lines = chunk.strip().splitlines()
            names = [l[2:] for l in lines if l.startswith("# ")]
            pattern = "\n".join(l for l in lines if not l.startswith("#"))
            if pattern.strip():
                yield pytest.param(pattern, id=f"{path.stem}: {names[0] if names else pattern[:40]}")


def test_every_seed_graph_file_has_a_coverage_file():
    seeds = {p.stem for p in (REPO / "graph" / "seeds").glob("*.trig")}
    covered = {p.stem for p in COVERAGE.glob("*.facts")}
    assert seeds and seeds <= covered


@pytest.mark.parametrize("pattern", list(_blocks()))
def test_document_yields_fact(full_kg, pattern):
    result = run_sparql(full_kg, PREFIXES + "ASK {\n" + pattern + "\n}")
    assert result.boolean, f"fact missing from the graph:\n{pattern}"
