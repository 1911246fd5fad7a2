"""Portability: every library query, with its example parameters, gives exactly the same answer
on Oxigraph and on rdflib's SPARQL engine (same variables, same multiset of rows)."""

import re
from collections import Counter

import pytest
import pyoxigraph as ox
from rdflib import Literal

from forcegraph import library
from forcegraph.query import QueryError, records, run
from forcegraph.terms import python_value, to_rdflib

QUERIES = sorted(library.library())


def comparable(q: library.LibraryQuery, result) -> Counter:
    """The rows as a multiset. SPARQL leaves the order of GROUP_CONCAT's parts to the engine
    (SPARQL 1.1, 18.5.1.7), so those columns count as the sorted list of their parts."""
    concat = dict((var, sep) for sep, var in re.findall(
        r'GROUP_CONCAT\([^;]*;\s*SEPARATOR\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)', q.sparql, re.I))
    columns = [concat.get(v) for v in result.variables]

    def cell(term, sep):
        return term if sep is None or term is None else Literal(sep.join(sorted(str(term).split(sep))))

    return Counter(tuple(cell(t, sep) for t, sep in zip(row, columns)) for row in result.rows)


@pytest.mark.parametrize("name", [n for n in QUERIES if "rdflib" in library.get(n).engines])
def test_both_engines_give_the_same_answer(seed_kg, name):
    q = library.get(name)
    params = q.example_params
    fast, portable = run(seed_kg, name, params, "oxigraph"), run(seed_kg, name, params, "rdflib")
    assert fast.kind == portable.kind == "SELECT"
    assert fast.variables == portable.variables
    only_fast = comparable(q, fast) - comparable(q, portable)
    only_rdflib = comparable(q, portable) - comparable(q, fast)
    assert not only_fast and not only_rdflib, f"only Oxigraph: {list(only_fast)[:3]}; only rdflib: {list(only_rdflib)[:3]}"
    assert fast.rows, f"{name}: the example should find something on the seed graph"


def test_a_query_too_heavy_for_rdflib_says_so_instead_of_running_for_minutes(seed_kg):
    heavy = [n for n in QUERIES if "rdflib" not in library.get(n).engines]
    assert heavy == ["network-services"]  # each one is a known limit, listed in its header
    for name in heavy:
        with pytest.raises(QueryError, match="oxigraph engine only"):
            run(seed_kg, name, library.get(name).example_params, "rdflib")


def test_every_query_has_an_example_that_parses():
    for q in library.library().values():
        declared = {p.name for p in q.params}
        assert set(q.example_params) <= declared, q.name


@pytest.mark.parametrize("name", QUERIES)
def test_records_read_straight_from_oxigraph_are_the_rdflib_values(seed_kg, name):
    # query.records skips rdflib terms; its values must be exactly those rdflib's toPython gives.
    params = library.get(name).example_params
    fast, through_rdflib = records(seed_kg, name, params), run(seed_kg, name, params).records()
    assert fast == through_rdflib
    assert [{k: type(v) for k, v in r.items()} for r in fast] == [{k: type(v) for k, v in r.items()} for r in through_rdflib]


def test_values_of_every_literal_form_match_rdflib():
    # The seed graph has few odd literals; these are the forms the fast reading must hand to rdflib.
    xsd = "http://www.w3.org/2001/XMLSchema#"
    forms = {"date": ["2019-01-02", "2019-02-30", "2019-01-01Z", "19-1-1"], "integer": ["5", "+5", "05", "1_000", "x"],
             "decimal": ["1.50", "-2", ".5", "1."], "boolean": ["true", "false", "1", "TRUE"], "gYear": ["2019"],
             "dateTime": ["2019-01-01T00:00:00"]}
    terms = [ox.NamedNode("https://example.org/a"), ox.BlankNode("b1"), ox.Literal("x", language="en"), ox.Literal("plain")]
    terms += [ox.Literal(v, datatype=ox.NamedNode(xsd + dt)) for dt, values in forms.items() for v in values]
    for term in terms:
        t = to_rdflib(term)
        expected = t.toPython() if isinstance(t, Literal) else str(t)
        got = python_value(term)
        assert got == expected and type(got) is type(expected), term
