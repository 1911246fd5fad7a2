"""Portability: every library query, with its example parameters, gives exactly the same answer
on Oxigraph and on rdflib's SPARQL engine (same variables, same multiset of rows)."""

import re
from collections import Counter

import pytest
from rdflib import Literal

from forcegraph import library
from forcegraph.query import run

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


@pytest.mark.parametrize("name", QUERIES)
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


def test_every_query_has_an_example_that_parses():
    for q in library.library().values():
        declared = {p.name for p in q.params}
        assert set(q.example_params) <= declared, q.name
