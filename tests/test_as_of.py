"""What is known on a date (docs/design.md): nothing before the first document; a later grouping
replaces an earlier one; an office has one holder at a time."""

from datetime import date

import pytest

from forcegraph import network
from forcegraph.library import library
from forcegraph.query import run

from conftest import SEED_ARGS

ID = "https://w3id.org/forcegraph/id/"
FIRST = date(2013, 4, 25)  # the BCB paper of 25 April 2013, the seeds' first document


def _as_of_queries():
    return sorted(q.name for q in library().values() if any(p.name == "as_of" for p in q.params))


def test_every_as_of_query_is_empty_before_the_first_document(seed_kg):
    names = _as_of_queries()
    assert {"network-ties", "network-services", "network-governance", "collaboration-members", "agreements-in-force",
            "agreement-parties", "services-by-area", "office-holders"} <= set(names)
    for name in names:
        assert run(seed_kg, name, {"as_of": "2013-04-24"}).records() == [], name
        assert run(seed_kg, name, {"as_of": "2019-06-01"}).records(), name


def test_the_network_is_empty_before_the_first_document(seed_kg, run_cli):
    for g in network.graphs(seed_kg, date(2013, 4, 24)).values():
        assert g.number_of_nodes() == 0
    assert network.graphs(seed_kg, FIRST)["collaborations"].number_of_edges() > 0
    # The pre-issue behaviour: undated ties held for all time, so 1900 showed the whole alliance.
    result = run_cli("network", "metrics", "--as-of", "1900-01-01", "--format", "csv", *SEED_ARGS)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().count("\n") == 0  # the header alone


def _grouping(seed_kg, day):
    return {(r["area"].rsplit("/", 1)[-1], r["service"].rsplit("/", 1)[-1])
            for r in run(seed_kg, "services-by-area", {"as_of": day}).records()}


def test_the_2013_and_2017_groupings_differ(seed_kg):
    plan, report = _grouping(seed_kg, "2014-01-01"), _grouping(seed_kg, "2018-01-01")
    # Police and Crime Plan paper (18 July 2013) 5.2: protective services such as dogs, roads
    # policing and counter terrorism; operational support: contact management, criminal justice,
    # custody.
    assert plan == {("joint-protective-services", s) for s in ("dog-unit", "roads-policing-unit", "counter-terrorism-and-domestic-extremism")} | {
        ("operational-support", s) for s in ("contact-management", "criminal-justice", "custody")}
    # JAC Collaboration Update (14 December 2017) 3.5-3.7: eleven, four and four services.
    assert ("joint-protective-services", "counter-terrorism-and-domestic-extremism") not in report
    assert ("operational-support", "contact-management") not in report
    assert ("operational-support", "public-contact") in report and ("organisational-support", "ict") in report
    assert len(report) == 19
    # Both groupings, with no date.
    assert plan | report == {(r["area"].rsplit("/", 1)[-1], r["service"].rsplit("/", 1)[-1])
                             for r in run(seed_kg, "services-by-area").records()}


@pytest.mark.parametrize("day, holder", [("2014-01-01", "sir-graham"), ("2019-03-13", "jason-ablewhite"),
                                         ("2020-01-01", "jason-ablewhite")])
def test_an_office_has_one_holder_at_a_time(seed_kg, day, holder):
    office = ID + "corporation-sole/pcc-cambridgeshire"
    holders = {r["holder"] for r in run(seed_kg, "office-holders", {"office": office, "as_of": day}).records()}
    # Sir Graham in the July 2013 paper (7.1); Jason Ablewhite signs CPCC 2019-007 to 2019-010.
    assert holders == {ID + "person/" + holder}


def test_with_no_date_every_holder_ever_named(seed_kg):
    office = ID + "corporation-sole/pcc-cambridgeshire"
    holders = {r["holder"] for r in run(seed_kg, "office-holders", {"office": office}).records()}
    assert holders == {ID + "person/sir-graham", ID + "person/jason-ablewhite"}


QUALIFIED = {  # plain relation: the dated-relation class that qualifies it
    "serviceArea": "ServiceGrouping", "delivers": "ServiceDelivery", "officeHolder": "OfficeHolding", "leadForce": "Leadership",
}


def test_every_dated_relation_stands_in_the_passage_of_its_plain_relation(full_kg):
    """Service groupings, deliveries, office holdings and leads are also nodes (fg:DatedRelation),
    each in the same passage graph as the plain relation, so each is dated by its document."""
    sparql = """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
    SELECT ?g ?s ?p ?o WHERE {
      VALUES (?p ?class) { (fg:serviceArea fg:ServiceGrouping) (fg:delivers fg:ServiceDelivery)
                           (fg:officeHolder fg:OfficeHolding) (fg:leadForce fg:Leadership) }
      GRAPH ?g { ?s ?p ?o } ?g a fg:Passage .
      FILTER NOT EXISTS { GRAPH ?g { ?r a ?class ; fg:relationSubject ?s ; fg:relationObject ?o ; fg:qualifies ?p } }
    }"""
    delivered_by = """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
    SELECT ?g ?s ?o WHERE {
      GRAPH ?g { ?s fg:deliveredBy ?o } ?g a fg:Passage .
      FILTER NOT EXISTS { GRAPH ?g { ?r a fg:ServiceDelivery ; fg:relationSubject ?o ; fg:relationObject ?s } }
    }"""
    from forcegraph.query import run_sparql
    assert run_sparql(full_kg, sparql).records() == []
    assert run_sparql(full_kg, delivered_by).records() == []
    # …and the other way round: no dated relation without its plain relation beside it.
    # (A delivery may be stated either way round: fg:delivers or fg:deliveredBy.)
    orphans = run_sparql(full_kg, """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
    SELECT ?r WHERE { GRAPH ?g { ?r fg:relationSubject ?s ; fg:relationObject ?o ; fg:qualifies ?p }
                      FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } }
                      FILTER NOT EXISTS { GRAPH ?g { ?o fg:deliveredBy ?s } } }""").records()
    assert orphans == []
