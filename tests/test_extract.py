"""The extractor on seed documents, each run with the graph minus that document's own passage
graphs as what is "known" (as benchmarks/extract.py does)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import RDF, XSD, Literal, URIRef

import forcegraph
from forcegraph.extract import Knowledge, extract, find_dates, find_document, find_mentions
from forcegraph.vocab import FG, ID

@pytest.fixture(scope="module")
def kg(repo):
    return forcegraph.load([repo / "graph"])


def leave_out(kg, slug):
    """Knowledge without the document's own passage graphs, and the document itself."""
    full = Knowledge(kg)
    doc = find_document(full, slug)
    return Knowledge(kg, exclude=frozenset(p.iri for p in doc.passages)), doc


def test_mentions_tolerate_the_ways_documents_write_names(kg):
    known = Knowledge(kg)
    text = ("Cambridgeshire Police & Crime Commissioner's office, the Chief Constable of Kent, "
            "Hertfordshire Constabulary and Bedfordshire Police, the BCH Strategic Alliance, the Business "
            "Co-ordination\nBoard, and soh in lower case")
    found = {m.entity for m in find_mentions(known, text)}
    for expected in ("corporation-sole/pcc-cambridgeshire", "corporation-sole/cc-kent", "force/hertfordshire",
                     "force/bedfordshire", "body/cambridgeshire-business-coordination-board"):
        assert ID[expected] in found, expected
    assert ID["collaboration/single-online-home"] not in found  # an acronym counts only in capitals


def test_dates_in_the_forms_the_seeds_use():
    got = [str(lit) for _, _, lit, _ in find_dates("until 31 st March 2021; Date 13-3-19. signed December 2016")]
    assert got == ["2021-03-31", "2019-03-13", "2016-12"]


def test_a_seed_report_yields_its_mentions_dates_and_money(kg):
    known, doc = leave_out(kg, "bcb-2016-02-25-seven-force")
    found = extract(known, doc)
    triples = {(c.s, c.p, c.o) for c in found}
    mentioned = {c.s for c in found if c.kind == "mention"}
    for force in ("bedfordshire", "cambridgeshire", "essex", "hertfordshire", "kent", "norfolk", "suffolk"):
        assert ID[f"force/{force}"] in mentioned
    dates = {(c.p, c.o) for c in found if c.kind == "date"}
    assert (FG.inForceDate, Literal("2015-10-22", datatype=XSD.date)) in dates
    assert (FG.reviewDate, Literal("2016-10-21", datatype=XSD.date)) in dates
    assert (FG.expiryDate, Literal("2017-03-31", datatype=XSD.date)) in dates
    amounts = {Decimal(str(c.o)) for c in found if c.p == FG.amountGBP}
    assert amounts == {Decimal(1200000), Decimal(150000)}
    assert any(p == FG.perAnnum for _, p, _ in triples)
    # every candidate carries its evidence, rule, confidence and passage
    for c in found:
        assert c.evidence and c.method and 0 < c.confidence <= 1
        assert c.passage in {p.iri for p in doc.passages}
        assert c.evidence in " ".join(p.excerpt for p in doc.passages) or c.kind in ("money", "date")


def test_a_decision_record_yields_its_decision_and_date(kg):
    known, doc = leave_out(kg, "cpcc-2019-007")
    found = extract(known, doc)
    decision = ID["decision/cpcc-2019-007"]
    got = {(c.s, c.p, c.o) for c in found}
    assert (decision, RDF.type, FG.Decision) in got
    assert (decision, FG.decidedBy, ID["corporation-sole/pcc-cambridgeshire"]) in got
    assert (decision, FG.date, Literal("2019-03-13", datatype=XSD.date)) in got
    assert any(c.p == FG.expiryDate and c.o == Literal("2021-03-31", datatype=XSD.date) for c in found)


def test_lead_force_phrases(kg):
    known, doc = leave_out(kg, "jac-2017-12-14-collaboration-update")
    found = extract(known, doc)
    assert all(isinstance(c.s, URIRef) for c in found)
    # the report names lead forces for service areas ("Hertfordshire is the lead force…" style)
    leads = [c for c in found if c.p == FG.leadForce]
    assert leads, "no lead-force candidates in the 2017 collaboration update"
