"""The SPARQL endpoint as its clients meet it: a real `forcegraph serve` process on 127.0.0.1,
queried over HTTP, with SPARQLWrapper and with rdflib's SPARQLStore; answers compared with the
in-process library. Read-only and safe: updates, LOAD and SERVICE are refused and never reach an
engine (a listener on loopback proves nothing was fetched), a runaway query is stopped, and
oversized requests and results are refused."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

import forcegraph
from forcegraph import library
from forcegraph.output import render
from forcegraph.query import run, run_sparql
from conftest import SEED_ARGS, stop

REPO = Path(__file__).resolve().parents[1]
# The server runs the same forcegraph as the tests: the checkout's src/ or the installed package.
PACKAGE_ROOT = str(Path(forcegraph.__file__).resolve().parents[1])
TIMEOUT = 1.5  # the test server's query time limit, in seconds
MAX_ROWS = 2000
MAX_BYTES = 16 * 1024
YASGUI = "https://yasgui.example"  # a web page allowed to query the test server (CORS)

FORCES = """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?force ?name WHERE { ?force a fg:PoliceForce ; rdfs:label ?name } ORDER BY ?name"""
KENT_GRAPH = """PREFIX fg: <https://w3id.org/forcegraph/ontology#>
CONSTRUCT { ?agreement fg:party ?party } WHERE {
  ?agreement fg:party ?party . ?party fg:policingBodyOf <https://w3id.org/forcegraph/id/force/kent> }"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# --- a real server process -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def running_server(folder: Path, *options):
    """`forcegraph serve` as a subprocess on a free loopback port; stopped by its PID at the end.

    Yields (base URL, Popen). Fails with the server's log if it does not come up."""
    port = free_port()
    log_path = folder / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "forcegraph", "serve", *map(str, SEED_ARGS), "--port", str(port),
             "--no-access-log", *map(str, options)],
            stdout=log, stderr=subprocess.STDOUT, cwd=folder, env={**os.environ, "PYTHONPATH": PACKAGE_ROOT},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"the server exited:\n{log_path.read_text()}"
            try:
                if httpx.get(f"{base}/health", timeout=1).json()["status"] == "ok":
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the server did not come up:\n{log_path.read_text()}"
            time.sleep(0.1)
        yield base, proc
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    with running_server(folder, "--out", folder / "out", "--timeout", TIMEOUT, "--max-rows", MAX_ROWS,
                        "--max-request-bytes", MAX_BYTES, "--workers", 2, "--allow-origin", YASGUI) as (base, _):
        yield {"base": base, "out": folder / "out"}


@pytest.fixture(scope="module")
def endpoint(server) -> str:
    return server["base"] + "/sparql"


@contextmanager
def listener():
    """A TCP listener on loopback that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.1)
    seen, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            seen.append(conn.recv(4096))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", seen
    finally:
        time.sleep(0.05)  # the server answers after any fetch it made: this is margin
        stop.set()
        thread.join()
        sock.close()


def another_client(address: str = "127.0.0.2") -> httpx.Client:
    """A client from another loopback address: the server shares its workers per address."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address))


def count_quads(endpoint: str) -> int:
    r = httpx.post(endpoint, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                   headers={"Accept": "application/sparql-results+json"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# --- the SPARQL 1.1 Protocol -----------------------------------------------------------------


def test_get_and_both_posts_give_the_libraries_answer(endpoint, seed_kg):
    expected = json.loads(render(run_sparql(seed_kg, FORCES), "json"))
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        httpx.get(endpoint, params={"query": FORCES}, headers=accept),
        httpx.post(endpoint, data={"query": FORCES}, headers=accept),
        httpx.post(endpoint, content=FORCES.encode(), headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    for r in answers:
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/sparql-results+json"
        assert r.json() == expected
    assert len(expected["results"]["bindings"]) >= 10


@pytest.mark.parametrize("accept, media_type, fmt", [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv; charset=utf-8", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", "tsv"),
    ("text/html;q=0.9, text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("*/*", "application/sparql-results+json", "json"),
])
def test_results_come_in_the_format_asked_for(endpoint, seed_kg, accept, media_type, fmt):
    r = httpx.get(endpoint, params={"query": FORCES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"] == media_type
    assert r.text == render(run_sparql(seed_kg, FORCES), fmt)


def test_an_unacceptable_format_gets_406(endpoint):
    r = httpx.get(endpoint, params={"query": FORCES}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
@pytest.mark.parametrize("query", [KENT_GRAPH, "DESCRIBE <https://w3id.org/forcegraph/id/force/kent>"],
                         ids=["construct", "describe"])
def test_graphs_come_as_turtle_ntriples_jsonld_or_rdfxml(endpoint, seed_kg, query, accept, rdflib_format):
    r = httpx.post(endpoint, data={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(accept)
    got = Graph().parse(data=r.text, format=rdflib_format)
    expected = run_sparql(seed_kg, query).graph
    assert len(expected) > 0
    assert isomorphic(got, expected)


def test_a_plain_get_describes_the_service(endpoint, seed_kg):
    r = httpx.get(endpoint, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef(endpoint)
    assert (service, URIRef(sd + "endpoint"), service) in g
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    assert (None, URIRef("http://rdfs.org/ns/void#triples"), Literal(len(seed_kg))) in g
    browser = httpx.get(endpoint, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["location"] == "/"


def test_default_and_named_graph_parameters_choose_the_dataset(endpoint):
    provenance = "https://w3id.org/forcegraph/id/graph/provenance"
    query = "PREFIX fg: <https://w3id.org/forcegraph/ontology#> SELECT (COUNT(*) AS ?n) WHERE { ?p a fg:Passage }"
    everywhere = httpx.get(endpoint, params={"query": query, "format": "csv"}).text
    only_provenance = httpx.get(endpoint, params={"query": query, "format": "csv", "default-graph-uri": provenance}).text
    only_ontology = httpx.get(endpoint, params={"query": query, "format": "csv",
                                                "default-graph-uri": "https://w3id.org/forcegraph/id/graph/ontology"}).text
    assert everywhere == only_provenance != "n\r\n0\r\n"
    assert only_ontology == "n\r\n0\r\n"


# --- the library over HTTP -------------------------------------------------------------------


def test_queries_lists_the_library(server):
    listing = httpx.get(server["base"] + "/queries").json()["queries"]
    assert [q["name"] for q in listing] == list(library.library())
    members = next(q for q in listing if q["name"] == "collaboration-members")
    assert [p["name"] for p in members["params"]] == ["collaboration", "as_of"]
    assert members["title"] and members["sparql"].startswith("#+ title:")


def test_a_library_query_runs_by_name_with_parameters(server, seed_kg):
    params = {"collaboration": "Chiltern Transport Consortium", "as_of": "2019-06-01"}
    expected = run(seed_kg, "collaboration-members", params)
    assert len(expected.rows) >= 3
    url = server["base"] + "/queries/collaboration-members"
    as_json = httpx.get(url + ".json", params=params)
    assert as_json.headers["content-type"] == "application/sparql-results+json"
    assert as_json.json() == json.loads(render(expected, "json"))
    as_csv = httpx.get(url + ".csv", params=params)
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.text == render(expected, "csv")
    negotiated = httpx.get(url, params=params, headers={"Accept": "text/tab-separated-values"})
    assert negotiated.text == render(expected, "tsv")


@pytest.mark.parametrize("path, params, status, words", [
    ("/queries/collaboration-members.json", {"as_of": "1 June 2019"}, 400, "not a date"),
    ("/queries/collaboration-members.json", {"colaboration": "CTC"}, 400, "has no parameter colaboration"),
    ("/queries/who-leads-what.json", {"force": "Atlantis"}, 404, "no force is called 'Atlantis'"),
    ("/queries/where-does-it-say.json", {}, 400, "needs --param entity"),
    ("/queries/who-leads.json", {}, 404, "Did you mean: who-leads-what?"),
])
def test_bad_library_requests_say_what_is_wrong(server, path, params, status, words):
    r = httpx.get(server["base"] + path, params=params)
    assert r.status_code == status
    assert words in r.text


# --- read-only and safe ----------------------------------------------------------------------


UPDATES = [
    "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/forcegraph/id/graph/provenance>",
    "LOAD <{url}/evil.ttl>",
    "LOAD <{url}/evil.ttl> INTO GRAPH <urn:g> ; CLEAR DEFAULT",
]


def send_update(endpoint: str, text: str, how: str) -> httpx.Response:
    if how == "get-query":
        return httpx.get(endpoint, params={"query": text})
    if how == "post-query":
        return httpx.post(endpoint, data={"query": text})
    if how == "post-update":
        return httpx.post(endpoint, data={"update": text})
    return httpx.post(endpoint, content=text, headers={"Content-Type": "application/sparql-update"})


@pytest.mark.parametrize("update, how", [(u, "post-query") for u in UPDATES] + [
    (UPDATES[4], how) for how in ("get-query", "post-update", "sparql-update")])
def test_updates_and_load_are_refused_and_never_run(endpoint, update, how):
    before = count_quads(endpoint)
    with listener() as (url, seen):
        r = send_update(endpoint, update.replace("{url}", url), how)
    assert r.status_code == 403
    assert "read-only" in r.text
    assert seen == []
    assert count_quads(endpoint) == before


def test_a_syntax_error_gets_400_with_the_parsers_message(endpoint):
    r = httpx.post(endpoint, data={"query": "SELECT ?x WHERE {\n  ?x a ?y \n}\nLIMT 5"})
    assert r.status_code == 400
    assert r.text.startswith("SPARQL syntax error at line 4, column 7: expected one of")
    assert "\n  LIMT 5\n        ^" in r.text  # the line the engine read, a caret under the column
    unknown_prefix = httpx.post(endpoint, data={"query": "SELECT * WHERE { ?x a nope:Thing }"})
    assert unknown_prefix.status_code == 400
    assert "Prefix not found" in unknown_prefix.text


@pytest.mark.timing
def test_a_runaway_query_is_stopped_and_the_server_goes_on(server, endpoint):
    before = httpx.get(server["base"] + "/health").json()
    outcome = {}

    def runaway():
        start = time.monotonic()
        outcome["response"] = httpx.post(endpoint, data={"query": RUNAWAY}, timeout=30)
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    with another_client() as other:  # the other worker answers another client at once
        meanwhile = other.get(endpoint, params={"query": FORCES})
    assert meanwhile.status_code == 200 and time.monotonic() - start < 1.0
    thread.join()
    r = outcome["response"]
    assert r.status_code == 503
    assert f"longer than the limit of {TIMEOUT:g} s" in r.text
    assert TIMEOUT <= outcome["seconds"] < TIMEOUT + 2
    stopped = set(before["workers"]) - set(httpx.get(server["base"] + "/health").json()["workers"])
    assert len(stopped) == 1 and not alive(stopped.pop())  # its worker was killed, not left running
    deadline = time.monotonic() + 30
    while (health := httpx.get(server["base"] + "/health").json())["status"] != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(0.1)
    assert len(health["workers"]) == 2 and health["workers_replaced"] == before["workers_replaced"] + 1
    assert httpx.get(endpoint, params={"query": FORCES}).status_code == 200


def test_a_worker_that_dies_costs_one_answer_not_the_server(server, endpoint):
    """Oxigraph 0.5 aborts its whole process on some queries (a Rust sort panic on ORDER BY over
    this graph's mixed values): here both workers are killed, one in the middle of a query."""
    workers = httpx.get(server["base"] + "/health").json()["workers"]
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(r=httpx.post(endpoint, data={"query": RUNAWAY}, timeout=30)))
    thread.start()
    time.sleep(0.3)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    thread.join()
    assert outcome["r"].status_code == 500
    assert "crashed" in outcome["r"].text and "replaced" in outcome["r"].text
    after = httpx.get(endpoint, params={"query": FORCES}, timeout=30)  # waits for a replacement
    assert after.status_code == 200 and len(after.json()["results"]["bindings"]) >= 10
    deadline = time.monotonic() + 30
    while (health := httpx.get(server["base"] + "/health").json())["status"] != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(0.1)
    assert not set(health["workers"]) & set(workers)


def test_results_over_the_size_limit_are_refused_not_truncated(endpoint):
    everything = httpx.post(endpoint, data={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert everything.status_code == 422
    assert f"more than {MAX_ROWS} rows" in everything.text
    graph = httpx.post(endpoint, data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 422
    page = httpx.post(endpoint, data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100 OFFSET 100",
                                      "format": "json"})
    assert page.status_code == 200 and len(page.json()["results"]["bindings"]) == 100


def test_oversized_requests_are_refused(endpoint):
    padding = "#" + "x" * MAX_BYTES + "\n"
    body = httpx.post(endpoint, content=(padding + FORCES).encode(), headers={"Content-Type": "application/sparql-query"})
    assert body.status_code == 413
    assert f"larger than {MAX_BYTES} bytes" in body.text
    url = httpx.get(endpoint, params={"query": padding + FORCES})
    assert url.status_code == 414
    assert "send the query with POST" in url.text


def test_a_post_of_another_content_type_gets_415(endpoint):
    r = httpx.post(endpoint, content=FORCES, headers={"Content-Type": "text/plain"})
    assert r.status_code == 415 and "application/sparql-query" in r.text


def test_only_the_allowed_web_origin_may_read_answers(endpoint):
    allowed = httpx.get(endpoint, params={"query": FORCES}, headers={"Origin": YASGUI})
    assert allowed.headers["access-control-allow-origin"] == YASGUI
    preflight = httpx.options(endpoint, headers={"Origin": YASGUI, "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    other = httpx.get(endpoint, params={"query": FORCES}, headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers


def test_a_loopback_server_answers_only_to_loopback_host_names(endpoint):
    rebound = httpx.get(endpoint, params={"query": FORCES}, headers={"Host": "attacker.example"})
    assert rebound.status_code == 400
    assert httpx.get(endpoint.replace("127.0.0.1", "localhost"), params={"query": FORCES}).status_code == 200


# --- real clients ----------------------------------------------------------------------------


def test_sparqlwrapper_gets_the_same_answers(endpoint, seed_kg):
    expected = run_sparql(seed_kg, FORCES)
    for method in ("GET", POST):
        client = SPARQLWrapper(endpoint)
        client.setMethod(method)
        client.setQuery(FORCES)
        client.setReturnFormat(JSON)
        rows = client.queryAndConvert()["results"]["bindings"]
        assert [(r["force"]["value"], r["name"]["value"]) for r in rows] == [(str(f), str(n)) for f, n in expected.rows]
    for fmt in (TURTLE, XML):
        client = SPARQLWrapper(endpoint)
        client.setQuery(KENT_GRAPH)
        client.setReturnFormat(fmt)
        got = client.queryAndConvert()
        graph = got if isinstance(got, Graph) else Graph().parse(data=got, format="turtle")
        assert isomorphic(graph, run_sparql(seed_kg, KENT_GRAPH).graph)


def test_rdflib_sparqlstore_gets_the_same_answers(endpoint, seed_kg):
    remote = Graph(store=SPARQLStore(endpoint))
    query = library.get("who-leads-what").sparql
    got = [tuple(row) for row in remote.query(query)]
    expected = run(seed_kg, "who-leads-what").rows
    assert len(expected) > 20
    assert got == expected
    assert remote.query("ASK { ?s a <https://w3id.org/forcegraph/ontology#PoliceForce> }").askAnswer is True


# --- the page and the network picture --------------------------------------------------------


def test_the_page_and_its_files_come_from_this_server_only(server):
    page = httpx.get(server["base"] + "/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for path in ("/static/app.js", "/static/style.css"):
        asset = httpx.get(server["base"] + path)
        assert asset.status_code == 200
        assert "http://" not in asset.text.replace("http://www.w3.org", "").replace("http://purl.org", "")
    assert 'src="http' not in page.text and 'href="http' not in page.text


def test_the_network_picture_is_served_once_drawn(server):
    base, out = server["base"], server["out"]
    missing = httpx.get(base + "/network/")
    assert missing.status_code == 404
    assert "No network picture yet" in missing.text and str(out) not in missing.text  # no server paths
    assert "/tmp" not in missing.text
    out.mkdir(exist_ok=True)
    (out / "network.html").write_text("<!doctype html><title>Network</title><p>the alliance network</p>")
    (out / "forcegraph.trig").write_text("# the whole graph, which only the page may be shown beside")
    try:
        drawn = httpx.get(base + "/network", follow_redirects=True)
        assert drawn.status_code == 200 and "the alliance network" in drawn.text
        for path in ("forcegraph.trig", "..%2Fserver.log", "validation.txt", "network.js"):
            assert httpx.get(f"{base}/network/{path}").status_code == 404, path
    finally:
        (out / "network.html").unlink()


def test_the_server_stops_with_its_workers(tmp_path):
    with running_server(tmp_path, "--workers", 1) as (base, proc):
        workers = httpx.get(base + "/health").json()["workers"]
        assert len(workers) == 1 and alive(workers[0])
        os.kill(proc.pid, signal.SIGTERM)
        # uvicorn shuts down gracefully, then exits by the signal it caught, as Unix programs do.
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
        assert "Application shutdown complete" in (tmp_path / "server.log").read_text()
    deadline = time.monotonic() + 5
    while alive(workers[0]):
        assert time.monotonic() < deadline, "a query worker outlived the server"
        time.sleep(0.05)


def test_serve_refuses_a_graph_it_cannot_load(run_cli, tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("<urn:a> <urn:b> .\n")
    result = run_cli("serve", "--graph", bad, "--port", free_port())
    assert result.exit_code == 2
    assert "bad.trig:1" in result.stderr
