"""A real Oxigraph server as the store: the graph pushed into it answers every library query, an
"as of" question and an export exactly as the embedded store does.

Each server runs on 127.0.0.1, started here and stopped by its PID: one that answers queries on
the union of its graphs (`--union-default-graph`, as GraphDB and Neptune do), and one that keeps
its default graph apart (as Fuseki does by default), which `push` gives a copy of the union."""

import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal

from forcegraph import library
from forcegraph.errors import UnknownName
from forcegraph.query import QueryError, run
from forcegraph.binding import with_values
from forcegraph.remote import RemoteStore

from test_engines import comparable
from conftest import SEED_ARGS, free_port, wait_until_serving

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
QUERIES = sorted(library.library())


@pytest.fixture(scope="module", params=["union-default-graph", "separate-default-graph"])
def server(request, tmp_path_factory):
    port = free_port()
    args = [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind", f"127.0.0.1:{port}"]
    if request.param == "union-default-graph":
        args.append("--union-default-graph")
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, f"{url}/query?query=ASK%7B%7D", "oxigraph server", seconds=10)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def remote(server, seed_kg):
    store = RemoteStore(server)
    assert store.push(seed_kg) == len(seed_kg.store)
    return store


@pytest.mark.parametrize("name", QUERIES)
def test_every_library_query_answers_as_embedded(remote, seed_kg, name):
    q = library.get(name)
    params = q.example_params
    here, there = run(seed_kg, name, params), remote.run(name, params)
    assert there.variables == here.variables
    assert comparable(q, there) == comparable(q, here)
    assert here.rows, f"{name}: the example should find something"


def test_as_of_questions_answer_as_embedded(remote, seed_kg):
    # British Transport Police joined the Chiltern Transport Consortium in 2019: the members
    # differ before and after, and the server agrees with the embedded store on both dates.
    answers = {}
    for day in ("2018-01-01", "2019-06-01"):
        params = {"collaboration": "Chiltern Transport Consortium", "as_of": day}
        here, there = run(seed_kg, "collaboration-members", params), remote.run("collaboration-members", params)
        assert Counter(there.rows) == Counter(here.rows)
        answers[day] = {r["memberLabel"] for r in there.records()}
        in_force = {"as_of": day}
        assert Counter(remote.run("agreements-in-force", in_force).rows) == Counter(run(seed_kg, "agreements-in-force", in_force).rows)
    assert "British Transport Police" in answers["2019-06-01"] - answers["2018-01-01"]


def test_export_read_back_from_the_server_is_the_graph(remote, seed_kg):
    named = {q for q in seed_kg.store if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert set(remote.quads()) == named
    passage = "https://w3id.org/forcegraph/id/passage/cpcc-2019-008/subject-b"
    assert set(remote.graph(passage)) == {ox.Triple(q.subject, q.predicate, q.object)
                                          for q in seed_kg.store.quads_for_pattern(None, None, None, ox.NamedNode(passage))}


def test_a_server_without_a_bulk_mode_is_loaded_the_same(remote, server, seed_kg):
    # Oxigraph loads in bulk (no transaction); a server without that mode gets plain Graph Store
    # requests, and ends up holding the same graph that answers the same.
    assert remote.endpoints.load_url("default") == f"{server}/store?default&no_transaction"
    plain = RemoteStore(server, endpoints=replace(remote.endpoints, bulk_load=""))
    assert plain.endpoints.load_url("default") == f"{server}/store?default"
    assert plain.push(seed_kg) == len(seed_kg.store)
    assert set(plain.quads()) == {q for q in seed_kg.store if not isinstance(q.graph_name, ox.DefaultGraph)}
    params = library.get("services-by-area").example_params
    assert Counter(plain.run("services-by-area", params).rows) == Counter(run(seed_kg, "services-by-area", params).rows)


def test_parameters_are_bound_not_pasted(remote, seed_kg):
    # A name that tries to break out of its string finds nothing, and the data are untouched.
    with pytest.raises(QueryError, match="no force is called"):
        remote.run("force-involvement", {"force": 'x" } } ; DROP ALL ; SELECT * { "'})
    tricky = 'Kent" . ?s ?p ?o } #'
    assert remote.run("lookup-by-name", {"name": tricky}).rows == []
    assert len(remote.quads()) == len([q for q in seed_kg.store if not isinstance(q.graph_name, ox.DefaultGraph)])


def test_values_blocks_bind_the_parameter_in_every_group_that_uses_it():
    # As substitution does: the FILTER inside the union branch must see the value, or it would
    # let every row through; VALUES data blocks, strings and comments are left alone.
    text = ('PREFIX x: <http://x/>\n# a comment { with a brace\n'
            'SELECT ?a ("}" AS ?b) WHERE { VALUES ?k { 1 } { ?a ?q ?o } UNION { ?a ?p ?o FILTER(?o = ?v) } }')
    bound = with_values(text, {"v": Literal('say "hi"\n')})
    value = 'VALUES (?v) { ("say \\"hi\\"\\n") } '
    assert bound.endswith(f'WHERE {{ {value} VALUES ?k {{ 1 }} {{ ?a ?q ?o }} UNION {{ {value} ?a ?p ?o FILTER(?o = ?v) }} }}')


def test_cli_queries_the_server(remote, server, run_cli):
    args = ["query", "who-leads-what", "--param", "force=Bedfordshire", "--format", "csv"]
    here, there = run_cli(*args, *SEED_ARGS), run_cli(*args, "--store", server)
    assert there.exit_code == 0, there.output
    assert there.stdout == here.stdout and "Bedfordshire" in there.stdout


def test_cli_refuses_service_before_the_server_sees_it(remote, server, run_cli):
    result = run_cli("query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--store", server)
    assert result.exit_code == 2
    assert "SERVICE" in result.output


def test_cli_push_loads_the_server(server, run_cli, seed_kg, repo):
    result = run_cli("push", "--store", server, *SEED_ARGS, "--quiet")
    assert result.exit_code == 0, result.output
    assert f"Pushed {len(seed_kg.store)} quads" in result.output


def test_unreachable_server_is_a_clear_error(run_cli):
    result = run_cli("query", "decisions", "--store", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2
    assert "cannot reach the SPARQL server" in result.output


def test_a_misspelt_iri_is_refused_by_the_server_as_it_is_here(remote, seed_kg):
    # Parameters are resolved by the same function (query.named), asked of the server.
    misspelt = {"force": "https://w3id.org/forcegraph/id/force/bedfordshir"}
    for answer in (lambda: remote.run("force-involvement", misspelt), lambda: run(seed_kg, "force-involvement", misspelt)):
        with pytest.raises(UnknownName, match="says nothing about <https://w3id.org/forcegraph/id/force/bedfordshir>"):
            answer()
    right = {"force": "https://w3id.org/forcegraph/id/force/bedfordshire"}
    assert Counter(remote.run("force-involvement", right).rows) == Counter(run(seed_kg, "force-involvement", right).rows)
