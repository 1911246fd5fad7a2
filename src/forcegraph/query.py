"""Query: run library or ad-hoc SPARQL on the fast engine (Oxigraph) or on rdflib, with
parameters checked against their declared type and bound to variables (binding.py), never pasted
into text as given."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from . import guard, library
from .binding import with_values
from .dates import parse_date
from .errors import QueryError, TooManyRows, UnknownName
from .knowledge import KnowledgeGraph
from .names import ENGINES
from .nogc import no_cyclic_gc
from .terms import converter, rdflib_value, value_converter
from .vocab import PREFIXES

_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass
class QueryResult:
    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "SELECT" else len(self.graph or ())

    def __iter__(self):
        return iter(self.records())

    def records(self) -> list[dict]:
        """Rows as dicts of plain Python values (str, date, Decimal, int…), None where unbound."""
        return [
            {v: rdflib_value(t) for v, t in zip(self.variables, row)}
            for row in self.rows
        ]

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records(), columns=self.variables)


# --- parameters ---------------------------------------------------------------------------------


def pick_named(found: "QueryResult", name: str, param: library.Param) -> URIRef:
    """The one IRI that the lookup-by-name answer `found` gives for `name`, or a clear error."""
    want_force = param.type == "force"
    hits = sorted({(str(r["entity"]), r["label"], r["isForce"]) for r in found.records()
                   if not want_force or r["isForce"]})
    # A name shared by a whole and its parts names the whole.
    parts = {str(r["entity"]) for r in found.records() if r.get("partOfNamesake")}
    if {h[0] for h in hits} - parts:
        hits = [h for h in hits if h[0] not in parts]
    iris = {h[0] for h in hits}
    if len(iris) == 1:
        return URIRef(iris.pop())
    kind = "force" if want_force else "entity"
    if not iris:
        raise UnknownName(f"parameter {param.name}: no {kind} is called {name!r} "
                         f"(give a name, an alternative name such as an acronym, or a full IRI)")
    listing = "; ".join(f"{label} <{iri}>" for iri, label, _ in hits)
    raise QueryError(f"parameter {param.name}: {name!r} names more than one {kind}: {listing}. Give the IRI instead.")


# How a force or entity parameter (a name, an alternative name such as an acronym, or an IRI)
# becomes the one IRI it names. `resolver(kg)` asks the graph here; a RemoteStore asks its server.
Resolver = Callable[[str, library.Param], URIRef]


def named(ask: Callable[[str, dict], "QueryResult"], raw: str, param: library.Param) -> URIRef:
    """The one IRI a force or entity parameter names, found through `ask` (SPARQL text and
    bindings to an answer): an IRI the graph says nothing about is refused, as a misspelt name is."""
    if _IRI.match(raw):
        if not ask(library.internal("known-iri"), {"iri": URIRef(raw)}).boolean:
            raise UnknownName(f"parameter {param.name}: the graph says nothing about <{raw}> (misspelt?); "
                              "give a name, an alternative name such as an acronym, or an IRI from the graph")
        return URIRef(raw)
    return pick_named(ask(library.get("lookup-by-name").sparql, {"name": Literal(raw.strip())}), raw, param)


def resolver(kg: KnowledgeGraph) -> Resolver:
    """Names and IRIs looked up in `kg`."""
    return lambda raw, param: named(lambda sparql, bindings: run_sparql(kg, sparql, bindings), raw, param)


def convert_param(param: library.Param, raw: str, resolve: Resolver) -> Node:
    """Check one raw parameter value against its declared type and make the RDF term to bind."""
    if param.type == "date":
        try:
            day = date.today() if raw == "today" else parse_date(raw)
        except ValueError as e:
            raise QueryError(f"parameter {param.name}: {e}") from None
        return Literal(day.isoformat(), datatype=XSD.date)
    if param.type == "integer":
        try:
            return Literal(int(raw), datatype=XSD.integer)
        except ValueError:
            raise QueryError(f"parameter {param.name}: {raw!r} is not a whole number") from None
    if param.type == "decimal":
        try:
            return Literal(Decimal(raw), datatype=XSD.decimal)
        except InvalidOperation:
            raise QueryError(f"parameter {param.name}: {raw!r} is not a number") from None
    if param.type == "string":
        return Literal(raw)
    if param.type == "iri":
        if not _IRI.match(raw):
            raise QueryError(f"parameter {param.name}: {raw!r} is not an absolute IRI (e.g. https://w3id.org/forcegraph/id/force/kent)")
        return URIRef(raw)
    return resolve(raw, param)  # force or entity: a name or an IRI


def bind_params(query: library.LibraryQuery, raw: dict[str, str], resolve: Resolver) -> dict[str, Node]:
    """Each raw parameter checked against the query's header and made the term to bind."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(raw) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {names}")
    bindings = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        if value is None:
            if p.required:
                raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.type}): {p.description}")
            continue  # left unbound: the query answers for every value
        bindings[p.name] = convert_param(p, str(value), resolve)
    return bindings


# --- execution ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The graphs a query reads, as the SPARQL 1.1 Protocol's default-graph-uri and
    named-graph-uri give them. Without either, the query's own FROM / FROM NAMED decide; without
    those, the default graph is the union of all graphs."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def options(self, checked: guard.Checked) -> dict:
        if not (self.default_graphs or self.named_graphs):
            return {} if checked.has_dataset else {"use_default_graph_as_union": True}
        try:  # the protocol's dataset replaces the query's: what is not named is empty
            return {"default_graph": [ox.NamedNode(g) for g in self.default_graphs],
                    "named_graphs": [ox.NamedNode(g) for g in self.named_graphs]}
        except ValueError as e:
            raise QueryError(f"default-graph-uri and named-graph-uri must be absolute IRIs: {e}") from None


def ask(kg: KnowledgeGraph, sparql: str, bindings: dict[str, Node] | None = None,
        dataset: Dataset = Dataset(), base_iri: str | None = None):
    """Oxigraph's answer to SPARQL text with `bindings` bound, once the guard has passed it: the
    one place a query reaches the embedded store."""
    # Parameters go in as VALUES blocks, not Oxigraph's substitutions, which it applies only
    # after evaluating the query unbound (see binding.py).
    checked = guard.check(with_values(sparql, bindings or {}))
    try:
        return kg.store.query(checked.text, base_iri=base_iri, **dataset.options(checked))
    except SyntaxError as e:
        raise QueryError(guard.with_caret(f"SPARQL syntax error: {e}", checked.text)) from None
    except (OSError, ValueError) as e:
        raise QueryError(f"query failed: {e}") from None


def _read(items, make_row, max_rows: int | None = None) -> list:
    """Each solution (or triple) of an Oxigraph answer made a row by `make_row`; at most
    `max_rows` of them, else TooManyRows (an answer is refused, never cut short)."""
    rows: list = []
    try:
        with no_cyclic_gc():
            for item in items:
                if len(rows) == max_rows:
                    raise TooManyRows(max_rows)
                rows.append(make_row(item))
            return rows
    except (OSError, ValueError) as e:  # solutions are computed as they are read
        failure = f"query failed: {e}"
    # Raised outside the handler: raised inside, the engine's error and this frame (which holds
    # Oxigraph's answer) would keep each other alive until the collector freed them, perhaps
    # on another thread, where pyoxigraph refuses to drop its objects.
    raise QueryError(failure)


def read_answer(answer, max_rows: int | None = None) -> QueryResult:
    """The one reader of an Oxigraph answer: a QueryResult of rdflib terms."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    term = converter()  # answers repeat their terms (forces, labels, dates): each converted once
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return QueryResult("SELECT", variables, _read(answer, lambda s: tuple(map(term, s)), max_rows))
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for triple in _read(answer, lambda t: (term(t.subject), term(t.predicate), term(t.object)), max_rows):
        graph.add(triple)
    return QueryResult("CONSTRUCT", graph=graph)


def _run_oxigraph(kg: KnowledgeGraph, sparql: str, bindings: dict[str, Node]) -> QueryResult:
    return read_answer(ask(kg, sparql, bindings))


def _run_rdflib(kg: KnowledgeGraph, sparql: str, bindings: dict[str, Node]) -> QueryResult:
    # Imported here: rdflib's SPARQL engine takes longer to import than a query on Oxigraph takes.
    import rdflib.plugins.sparql
    from rdflib.plugins.sparql import prepareQuery

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # else it fetches a FROM graph it lacks from the web
    checked = guard.check(with_values(sparql, bindings))
    dataset = kg.rdflib_dataset(facts=True, inferred=True, provenance=True, conflicts=True, ontology=True)
    try:
        prepared = prepareQuery(checked.text)
    except Exception as e:  # rdflib raises pyparsing errors of several kinds
        raise QueryError(guard.with_caret(f"SPARQL syntax error: {e}", checked.text)) from None
    answer = dataset.query(prepared)
    if answer.type == "ASK":
        return QueryResult("ASK", boolean=bool(answer.askAnswer))
    if answer.type == "SELECT":
        variables = [str(v) for v in answer.vars]
        return QueryResult("SELECT", variables, [tuple(row) for row in answer])
    return QueryResult("CONSTRUCT", graph=answer.graph)


def run_sparql(kg: KnowledgeGraph, sparql: str, bindings: dict[str, Node] | None = None,
               engine: str = "oxigraph") -> QueryResult:
    """Run SPARQL text against the whole graph (default graph = union of all graphs)."""
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    runner = _run_oxigraph if engine == "oxigraph" else _run_rdflib
    return runner(kg, sparql, bindings or {})


def run(kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None, engine: str = "oxigraph") -> QueryResult:
    """Run a library query by name with raw (string) parameters."""
    q = library.get(name)
    if engine not in q.engines:
        raise QueryError(f"query {name!r} runs on the {' or '.join(q.engines)} engine only: the {engine} engine "
                         "takes too long on it (see its #+ engines header)")
    return run_sparql(kg, q.sparql, bind_params(q, params or {}, resolver(kg)), engine)


def records(kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None) -> list[dict]:
    """A library SELECT query's rows as dicts of plain Python values, read straight from Oxigraph:
    what `run(kg, name, params).records()` gives, without making rdflib terms on the way."""
    q = library.get(name)
    answer = ask(kg, q.sparql, bind_params(q, params or {}, resolver(kg)))
    if not isinstance(answer, ox.QuerySolutions):
        raise QueryError(f"query {name!r} is not a SELECT query")
    variables = [v.value for v in answer.variables]
    value = value_converter()
    return _read(answer, lambda s: dict(zip(variables, map(value, s))))
