"""Remote: a SPARQL 1.1 Protocol + Graph Store Protocol server as the store, past one machine.

`RemoteStore(url).push(kg)` sends every named graph of a KnowledgeGraph to the server;
`run(name, params)` and `run_sparql(text)` answer there with the same QueryResult as the
embedded store; `quads()` and `graph(iri)` read the data back. Only the standard protocols are
used, with the endpoint layout of Oxigraph's server (`URL/query`, `URL/update`, `URL/store`);
other servers name their endpoints in `Endpoints`.

Queries see the union of all graphs as their default graph, as they do embedded. Servers that
already answer that way (GraphDB, Neptune, Oxigraph with `--union-default-graph`) are left as
they are; the others get a copy of the union in their default graph when the data is pushed
(each distinct triple once, through the Graph Store), so the same queries run unchanged. Every
library query is SELECT DISTINCT, so a set (the copy) and a bag (a union view) of the same
triples give the same answers.

Parameters are bound as the embedded store binds them: by VALUES blocks (see binding.py)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import guard, library
from .binding import with_values
from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .errors import RemoteError
from .query import QueryResult, bind_params, named
from .terms import to_rdflib
from .vocab import PREFIXES, XSD_STRING

PUSH_CHUNK_QUADS = 200_000


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    store: str
    # Query parameters that make the Graph Store load without a transaction, where the server has
    # such a mode. Oxigraph's `no_transaction` uses its bulk loader, several times faster than
    # transactions (docs/design.md, "A real triple store").
    bulk_load: str = ""

    @classmethod
    def from_url(cls, url: str) -> Endpoints:
        """Oxigraph server's layout: URL/query, URL/update and URL/store (the Graph Store)."""
        base = url.rstrip("/")
        if not re.match(r"^https?://[^/\s]+", base):
            raise RemoteError(f"--store expects the server's http(s) URL, e.g. http://127.0.0.1:7878; got {url!r}")
        return cls(f"{base}/query", f"{base}/update", f"{base}/store", bulk_load="no_transaction")

    def load_url(self, target: str = "") -> str:
        """The Graph Store URL that loads into `target` ("default", "graph=…", or "" for a whole
        dataset), in bulk where the server can."""
        params = "&".join(p for p in (target, self.bulk_load) if p)
        return f"{self.store}?{params}" if params else self.store


# --- reading answers ------------------------------------------------------------------------------


def _json_term(value: dict) -> Node:
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(value["value"], lang=value["xml:lang"])
        dt = value.get("datatype")
        return Literal(value["value"], datatype=None if dt in (None, XSD_STRING) else URIRef(dt))
    raise RemoteError(f"the server sent a term of unknown type {kind!r}")


def _ox_term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    return ox.Literal(value["value"], datatype=ox.NamedNode(value.get("datatype", XSD_STRING)))


class RemoteStore:
    """A SPARQL 1.1 Protocol + Graph Store Protocol server holding the knowledge graph."""

    def __init__(self, url: str, *, endpoints: Endpoints | None = None, timeout: float = 600.0):
        self.url = url
        self.endpoints = endpoints or Endpoints.from_url(url)
        self.timeout = timeout

    # --- HTTP ---------------------------------------------------------------------------------

    def _request(self, url: str, *, method: str = "GET", data: bytes | None = None,
                 headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace").strip()
            raise RemoteError(f"{self.url}: {method} {url.split('?')[0]} answered {e.code} {e.reason}"
                              + (f": {body[:500]}" if body else ""), e.code) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise RemoteError(f"cannot reach the SPARQL server at {self.url}: {reason}") from None

    def _post_query(self, sparql: str, accept: str) -> bytes:
        _, body = self._request(
            self.endpoints.query, method="POST", data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        return body

    def update(self, sparql_update: str) -> None:
        self._request(self.endpoints.update, method="POST", data=sparql_update.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-update"})

    # --- loading ------------------------------------------------------------------------------

    def push(self, kg: KnowledgeGraph) -> int:
        """Replace the server's data with every graph of `kg` (facts, provenance, conflicts,
        inferences, ontology); return the number of quads sent.

        One bulk N-Quads request per chunk where the server takes a whole dataset at its Graph
        Store (Oxigraph, Fuseki); otherwise one Graph Store PUT per named graph. The requests are
        not one transaction: a push that fails part way leaves part of the graph, and pushing
        again replaces it."""
        quads = list(kg.store)
        self.update("DROP ALL")
        for start in range(0, len(quads), PUSH_CHUNK_QUADS):
            chunk = ox.serialize(quads[start:start + PUSH_CHUNK_QUADS], format=ox.RdfFormat.N_QUADS)
            try:
                self._request(self.endpoints.load_url(), method="POST", data=chunk,
                              headers={"Content-Type": "application/n-quads"})
            except RemoteError as e:
                if start or e.status not in (400, 405, 415):
                    raise
                self._push_graph_by_graph(quads)  # the Graph Store takes one graph at a time
                break
        self._union_default_graph(quads)
        return len(quads)

    def _push_graph_by_graph(self, quads: list) -> None:
        by_graph: dict = {}
        for q in quads:
            by_graph.setdefault(q.graph_name, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for graph, triples in by_graph.items():
            where = "default" if isinstance(graph, ox.DefaultGraph) else "graph=" + urllib.parse.quote(graph.value, safe="")
            self._request(self.endpoints.load_url(where), method="PUT",
                          data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                          headers={"Content-Type": "application/n-triples"})

    def _union_default_graph(self, quads: list) -> None:
        """Make the default graph answer for the union of all graphs, unless it already does: add
        each distinct triple to it, through the Graph Store in bulk, which is faster than the same
        copy made on the server by SPARQL Update (docs/design.md, "A real triple store")."""
        named = next((q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)), None)
        if named is None:
            return
        triple = {"s": to_rdflib(named.subject), "p": to_rdflib(named.predicate), "o": to_rdflib(named.object)}
        if self.run_sparql(library.internal("contains-triple"), triple).boolean:
            return
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        for start in range(0, len(triples), PUSH_CHUNK_QUADS):
            chunk = ox.serialize(triples[start:start + PUSH_CHUNK_QUADS], format=ox.RdfFormat.N_TRIPLES)
            self._request(self.endpoints.load_url("default"), method="POST", data=chunk,
                          headers={"Content-Type": "application/n-triples"})

    # --- querying -----------------------------------------------------------------------------

    @staticmethod
    def _parse_json(body: bytes) -> dict:
        try:
            return json.loads(body)
        except ValueError:
            # A server that times out mid-answer may still say 200: never read half an answer.
            raise RemoteError("the server's answer is not complete SPARQL JSON (cut short by a timeout?)") from None

    @no_cyclic_gc()
    def run_sparql(self, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
        """Run SPARQL on the server, with `bindings` bound by a VALUES block."""
        checked = guard.check(with_values(sparql, bindings or {}))
        text = checked.text
        if checked.form in ("CONSTRUCT", "DESCRIBE"):
            body = self._post_query(text, "application/n-triples")
            graph = Graph()
            for prefix, ns in PREFIXES.items():
                graph.bind(prefix, ns)
            try:
                for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
                    graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            except SyntaxError as e:
                raise RemoteError(f"the server's answer does not parse as N-Triples: {e}") from None
            return QueryResult("CONSTRUCT", graph=graph)
        answer = self._parse_json(self._post_query(text, "application/sparql-results+json"))
        if "boolean" in answer:
            return QueryResult("ASK", boolean=bool(answer["boolean"]))
        try:
            variables = list(answer["head"]["vars"])
            rows = [tuple(_json_term(b[v]) if v in b else None for v in variables) for b in answer["results"]["bindings"]]
        except (KeyError, TypeError):
            raise RemoteError("the server's answer is not SPARQL JSON results") from None
        return QueryResult("SELECT", variables, rows)

    def run(self, name: str, params: dict[str, str] | None = None) -> QueryResult:
        """Run a library query by name with raw (string) parameters, names looked up on the server."""
        q = library.get(name)  # UnknownQuery (404) for a name not in the library
        return self.run_sparql(q.sparql, bind_params(q, params or {}, self.resolve))

    def resolve(self, raw: str, param: library.Param) -> URIRef:
        """A force or entity parameter to the one IRI it names, asked of the server as the
        embedded store asks its graph."""
        return named(self.run_sparql, raw, param)

    # --- reading back -------------------------------------------------------------------------

    @no_cyclic_gc()
    def quads(self) -> list:
        """Every quad in the server's named graphs (one SPARQL request; any SPARQL 1.1 server)."""
        answer = self._parse_json(self._post_query(library.internal("all-quads"), "application/sparql-results+json"))
        try:
            return [ox.Quad(_ox_term(b["s"]), _ox_term(b["p"]), _ox_term(b["o"]), _ox_term(b["g"]))
                    for b in answer["results"]["bindings"]]
        except (KeyError, TypeError, ValueError):
            raise RemoteError("the server's answer is not SPARQL JSON results") from None

    def graph(self, iri: str) -> list:
        """The triples of one named graph (Graph Store Protocol GET)."""
        _, body = self._request(f"{self.endpoints.store}?graph={urllib.parse.quote(iri, safe='')}",
                                headers={"Accept": "application/n-triples"})
        try:
            return [ox.Triple(t.subject, t.predicate, t.object) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as e:
            raise RemoteError(f"the server's graph {iri} does not parse as N-Triples: {e}") from None

