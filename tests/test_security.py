"""No query ever makes forcegraph fetch a URL, and the endpoint stays fair and bounded under abuse.

A corpus of smuggling attempts (SERVICE hidden by comment and line-end tricks, escapes, case,
prefixes, variables, nesting; LOAD and every update) goes through every way a query reaches an
engine: the real server on 127.0.0.1, `forcegraph query --sparql`, `query --store` against a real
Oxigraph server, and the Python API. A real TCP listener must see no connection from any of
them. Then the second line of defence is proven on its own: with the guard bypassed, a sandboxed
process cannot reach the listener."""

import os
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from forcegraph.guard import Refused, check
from forcegraph.query import QueryError, run_sparql
from forcegraph.remote import RemoteStore
from forcegraph.workers import Fairness

from conftest import REPO
from test_remote_store import server as oxigraph_server  # noqa: F401  (a real Oxigraph server)
from test_server import PACKAGE_ROOT, another_client, listener, running_server

S = "SERVICE <{url}/sparql> {{ ?a ?b ?c }}"
DEEP = "{" * 60 + " " + S + " " + "}" * 60
SMUGGLED = [
    # comments and line ends: rdflib ends a comment at \n only, Oxigraph at \r too
    "SELECT ?a WHERE {{ # \r " + S + "\n}}",
    "SELECT ?a WHERE {{ #\r" + S + "}}",
    "SELECT ?a WHERE {{ # \r\n " + S + " }}",
    "SELECT ?a WHERE {{ # x\u2028 " + S + "\n}}",
    "SELECT ?a WHERE {{ # x\u0085 " + S + "\n}}",
    "SELECT ?a WHERE {{ # x\x0b " + S + "\n}}",
    "SELECT ?a WHERE {{ # x\x0c " + S + "\n}}",
    "SELECT ?a WHERE {{ #comment\n " + S + " }}",
    "SELECT * WHERE {{ ?s ?p ?o }} #\r; LOAD <{url}/data>",
    # strings that look as if they end, or hold a comment sign
    'SELECT * WHERE {{ BIND("x # " AS ?x) ' + S + " }}",
    'SELECT * WHERE {{ BIND("""a"b""" AS ?x) ' + S + " }}",
    "SELECT * WHERE {{ BIND('\\' # ' AS ?x) " + S + " }}",
    'SELECT * WHERE {{ BIND("\\u0022 # " AS ?x) ' + S + " }}",
    # escapes, case, spacing
    "SELECT * WHERE {{ SERV\\u0049CE <{url}/sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ SERVICE <{url}/\\u0073parql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ service <{url}/sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ sErViCe SiLeNt <{url}/sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ SERVICE<{url}/sparql>{{?a ?b ?c}} }}",
    "SELECT * WHERE {{ SERVICE\t<{url}/sparql>\f{{ ?a ?b ?c }} }}",
    "\ufeffSELECT * WHERE {{ " + S + " }}",
    "SELECT * WHERE {{ SERV\u200bICE <{url}/sparql> {{ ?a ?b ?c }} }}",
    # prefixed and variable endpoints
    "PREFIX e: <{url}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?a ?b ?c }} }}",
    "BASE <{url}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ VALUES ?u {{ <{url}/sparql> }} SERVICE ?u {{ ?a ?b ?c }} }}",
    "PREFIX service: <{url}/> SELECT * WHERE {{ ?a service:sparql ?c }}",
    # SERVICE nested in every kind of group
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ " + S + " }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ " + S + " }} }}",
    "SELECT * WHERE {{ {{ SELECT ?a WHERE {{ " + S + " }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ " + S + " }} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ " + S + " }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ " + S + " }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ " + S + " }} }}",
    "SELECT * WHERE " + DEEP,
    "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
    "ASK {{ " + S + " }}",
    "CONSTRUCT {{ ?a ?b ?c }} WHERE {{ " + S + " }}",
    "DESCRIBE ?a WHERE {{ " + S + " }}",
    # LOAD and the other updates
    "LOAD <{url}/data>",
    "LOAD SILENT <{url}/data> INTO GRAPH <urn:g>",
    "load <{url}/data>",
    "SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}/data>",
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "INSERT {{ ?a ?b ?c }} WHERE {{ " + S + " }}",
    "DELETE WHERE {{ ?s ?p ?o }}",
    "WITH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "CLEAR ALL",
    "DROP ALL",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
]
IDS = [f"v{i:02d}" for i in range(len(SMUGGLED))]


def test_the_corpus_is_large_enough():
    assert len(SMUGGLED) >= 40


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("security"), "--workers", 2, "--timeout", 5) as (base, _):
        yield base + "/sparql"


@pytest.mark.parametrize("template", SMUGGLED, ids=IDS)
def test_the_endpoint_refuses_every_variant_and_fetches_nothing(endpoint, template):
    with listener() as (url, seen):
        query = template.format(url=url)
        form = httpx.post(endpoint, data={"query": query}, headers={"Origin": "http://elsewhere.example"})
        direct = httpx.post(endpoint, content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert 400 <= form.status_code < 500 and 400 <= direct.status_code < 500, (form.text, direct.text)
    assert seen == []


@pytest.mark.parametrize("template", SMUGGLED, ids=IDS)
def test_the_cli_and_the_python_api_refuse_every_variant(run_cli, seed_kg, template):
    with listener() as (url, seen):
        query = template.format(url=url)
        result = run_cli("query", "--sparql", query, "--graph", REPO / "tests" / "data" / "valid" / "minimal.trig",
                         "--reasoning", "none")
        with pytest.raises(QueryError):
            run_sparql(seed_kg, query)
        with pytest.raises(QueryError):
            run_sparql(seed_kg, query, engine="rdflib")
    assert result.exit_code == 2 and result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert seen == []


@pytest.mark.parametrize("template", SMUGGLED, ids=IDS)
def test_a_remote_store_is_never_sent_a_variant(oxigraph_server, template):  # noqa: F811
    with listener() as (url, seen):
        with pytest.raises(QueryError):
            RemoteStore(oxigraph_server).run_sparql(template.format(url=url))
    assert seen == []


def test_the_real_cli_process_refuses_too(tmp_path):
    with listener() as (url, seen):
        done = subprocess.run(
            [sys.executable, "-m", "forcegraph", "query", "--graph", REPO / "tests" / "data" / "valid" / "minimal.trig",
             "--reasoning", "none", "--sparql", SMUGGLED[0].format(url=url)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": PACKAGE_ROOT})
    assert done.returncode == 2 and "SERVICE" in done.stderr and "Traceback" not in done.stderr
    assert seen == []


def test_the_guard_runs_the_text_it_judged():
    checked = check("SELECT ?a # a comment\r\nWHERE { ?a ?b 'x\\ty' } # end")
    assert checked.text == 'SELECT ?a\nWHERE { ?a ?b "x\\ty" }'
    assert checked.form == "SELECT" and not checked.has_dataset
    with pytest.raises(Refused) as deep:
        check("SELECT * WHERE " + "{" * 200 + "}" * 200)
    assert deep.value.http_status == 400 and "nests" in str(deep.value)


# --- the second line of defence, alone -------------------------------------------------------

BYPASS = textwrap.dedent("""
    import sys, pyoxigraph as ox
    from forcegraph.sandbox import confine
    measures = confine(network_namespace={netns}, seccomp={seccomp})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c")))
    try:  # straight to the engine: no guard
        print(measures, list(store.query("SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?a ?b ?c }} }}")))
    except OSError as e:
        print(measures, "refused:", e)
""")


@pytest.mark.parametrize("netns, seccomp", [(True, False), (False, True), (True, True)],
                         ids=["network namespace alone", "seccomp alone", "both"])
def test_a_sandboxed_process_cannot_fetch_even_without_the_guard(netns, seccomp):
    with listener() as (url, seen):
        # The same query unconfined does reach the listener: the test can fail.
        if netns and seccomp:
            subprocess.run([sys.executable, "-c", BYPASS.format(netns=False, seccomp=False, url=url)],
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": PACKAGE_ROOT})
            time.sleep(0.1)
            assert seen, "without the sandbox the engine fetches the URL"
            seen.clear()
        done = subprocess.run([sys.executable, "-c", BYPASS.format(netns=netns, seccomp=seccomp, url=url)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": PACKAGE_ROOT})
    assert done.returncode == 0, done.stderr
    measures = {"network namespace": netns, "seccomp": seccomp}
    assert done.stdout.startswith(str(measures)) and "refused" in done.stdout
    assert seen == []


def test_the_servers_workers_are_sandboxed(endpoint):
    health = httpx.get(endpoint.replace("/sparql", "/health")).json()
    assert health["sandbox"] == {"network namespace": True, "seccomp": True}


# --- fairness, as logic (the load test measures it on a real server) -------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_client_that_overspends_waits_and_the_others_do_not():
    clock = Clock()
    fair = Fairness(size=2, per_client=1, allowance=5.0, clock=clock)
    for client in ("abuser", "polite"):
        assert fair.wait_before(client) == 0 and fair.may_start(client)
    fair.started("abuser")
    assert not fair.may_start("abuser")  # one worker at a time
    clock.now = 5.0
    fair.finished("abuser", 5.0)  # a runaway query: 5 worker-seconds
    fair.started("polite")
    clock.now = 5.01
    fair.finished("polite", 0.01)
    assert fair.wait_before("polite") == 0
    assert fair.wait_before("abuser") == 0  # 5 s of debt is within the allowance
    fair.started("abuser")
    clock.now = 10.0
    fair.finished("abuser", 5.0)
    wait = fair.wait_before("abuser")
    assert wait > 0  # 10 s owed, paid back at a share of the pool
    assert fair.wait_before("polite") == 0
    clock.now = 10.0 + wait + 0.01  # once paid back, it may ask again
    assert fair.wait_before("abuser") == 0


def test_clients_in_debt_leave_one_worker_for_the_rest():
    clock = Clock()
    fair = Fairness(size=2, per_client=1, allowance=100.0, clock=clock)
    for client in ("a", "b", "c"):
        fair.wait_before(client)
    for client in ("a", "b"):  # both run a 5 s query and fall into debt
        fair.started(client)
        clock.now += 5
        fair.finished(client, 5.0)
    assert fair.in_debt("a") and fair.in_debt("b") and not fair.in_debt("c")
    fair.started("a")
    assert not fair.may_start("b")  # the second worker stays for clients not in debt
    assert fair.may_start("c")


# --- bounded memory --------------------------------------------------------------------------

SORT_EVERYTHING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
    except (OSError, StopIteration):
        return 0.0


def test_a_query_that_grows_without_bound_is_stopped_within_the_memory_bound(tmp_path):
    ceiling, workers = 300, 2
    with running_server(tmp_path, "--workers", workers, "--worker-memory", ceiling, "--timeout", 60) as (base, proc):
        health = httpx.get(base + "/health").json()
        server_mb = _rss_mb(proc.pid)
        bound = workers * ceiling + server_mb  # what the README states
        peak, outcome = 0.0, {}
        thread = __import__("threading").Thread(target=lambda: outcome.update(
            r=httpx.post(base + "/sparql", data={"query": SORT_EVERYTHING}, timeout=90)))
        thread.start()
        while thread.is_alive():
            peak = max(peak, _rss_mb(proc.pid) + sum(_rss_mb(pid) for pid in health["workers"]))
            time.sleep(0.02)
        r = outcome["r"]
        assert r.status_code == 503 and f"more than {ceiling} MB" in r.text, r.text
        assert peak < bound, f"peak {peak:.0f} MB over the bound {bound:.0f} MB"
        assert peak > server_mb + 2 * 50  # the measurement saw the workers at all
        deadline = time.monotonic() + 30
        while httpx.get(base + "/health").json()["status"] != "ok":  # the worker was replaced
            assert time.monotonic() < deadline
            time.sleep(0.1)


# --- the SPARQL 1.1 Protocol, point by point -------------------------------------------------

FG = "PREFIX fg: <https://w3id.org/forcegraph/ontology#> "
PROVENANCE = "https://w3id.org/forcegraph/id/graph/provenance"
ONTOLOGY = "https://w3id.org/forcegraph/id/graph/ontology"


def _count(endpoint, query, **params) -> int:
    r = httpx.get(endpoint, params={"query": query, "format": "csv", **params})
    assert r.status_code == 200, r.text
    return int(r.text.split()[1])


def test_named_graph_uri_alone_leaves_the_default_graph_empty(endpoint):
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(endpoint, everything) > 0
    assert _count(endpoint, everything, **{"named-graph-uri": PROVENANCE}) == 0
    only = _count(endpoint, named, **{"named-graph-uri": PROVENANCE})
    assert 0 < only == _count(endpoint, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PROVENANCE}> {{ ?s ?p ?o }} }}")


def test_from_and_from_named_choose_the_dataset(endpoint):
    passages = FG + "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?p a fg:Passage }}"
    assert _count(endpoint, passages.format(**{"from": ""})) > 0
    assert _count(endpoint, passages.format(**{"from": f"FROM <{ONTOLOGY}>"})) == 0
    assert _count(endpoint, passages.format(**{"from": f"FROM <{PROVENANCE}>"})) > 0
    # the protocol's default-graph-uri wins over the query's FROM
    assert _count(endpoint, passages.format(**{"from": f"FROM <{PROVENANCE}>"}), **{"default-graph-uri": ONTOLOGY}) == 0


def test_relative_iris_resolve_against_the_endpoint(endpoint):
    r = httpx.post(endpoint, data={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.text.startswith(f"<{endpoint.rsplit('/', 1)[0]}/s> ")


@pytest.mark.parametrize("depth", [24, 71, 128])
def test_valid_deeply_nested_queries_run(endpoint, depth):
    query = "SELECT * WHERE " + "{ " * (depth - 1) + "{ ?s a <urn:nothing> }" + " }" * (depth - 1)
    r = httpx.get(endpoint, params={"query": query, "format": "json"})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []


def test_a_graph_that_cannot_be_written_as_rdf_xml_is_a_406(endpoint):
    query = "CONSTRUCT { ?s <http://example.org/1> ?o } WHERE { ?s ?p ?o } LIMIT 1"
    r = httpx.post(endpoint, data={"query": query}, headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 406 and "text/turtle" in r.text


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/", "/health", "/queries", "/nowhere"])
def test_every_response_varies_with_accept_and_is_not_sniffed(endpoint, path):
    r = httpx.get(endpoint.rsplit("/", 1)[0] + path)
    assert "accept" in r.headers["vary"].lower() and r.headers["x-content-type-options"] == "nosniff"
    assert "/tmp" not in r.text and "site-packages" not in r.text


def test_the_host_check_knows_every_loopback_name_and_nothing_else(endpoint):
    port = endpoint.split(":")[2].split("/")[0]
    for host in ("127.0.0.1", "localhost", "[::1]"):
        assert httpx.get(endpoint.replace("/sparql", "/health"), headers={"Host": f"{host}:{port}"}).status_code == 200
    for host in ("attacker.example", "127.0.0.1.attacker.example"):
        assert httpx.get(endpoint.replace("/sparql", "/health"), headers={"Host": host}).status_code == 400


def test_the_host_check_holds_for_any_listening_address():
    from forcegraph.server import ServerSettings, allowed_hosts

    assert allowed_hosts(ServerSettings(host="::1")) == ["127.0.0.1", "::1", "[::1]", "localhost"]
    assert allowed_hosts(ServerSettings(host="192.0.2.7", allow_hosts=("graph.example",))) == ["192.0.2.7", "graph.example"]


@pytest.mark.timing
def test_runaway_queries_from_two_clients_leave_a_worker_for_a_third(tmp_path):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running_server(tmp_path, "--workers", 2, "--timeout", 8) as (base, _):
        answers = {}

        def abuse(address):
            with another_client(address) as http:
                answers[address] = http.post(base + "/sparql", data={"query": runaway}, timeout=30)

        threads = [__import__("threading").Thread(target=abuse, args=(a,)) for a in ("127.0.0.3", "127.0.0.4")]
        for t in threads:
            t.start()
        time.sleep(1.5)  # both workers now hold a query that has run past its grace
        start = time.monotonic()
        with another_client("127.0.0.2") as polite:
            r = polite.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"}, timeout=30)
        waited = time.monotonic() - start
        for t in threads:
            t.join()
    assert r.status_code == 200 and waited < 4, waited  # not the 8 s a runaway may run
    stopped = [a for a in answers.values() if "other clients waiting" in a.text]
    assert len(stopped) == 1 and stopped[0].status_code == 503 and stopped[0].headers["retry-after"]
