"""Query workers: processes that hold the graph and answer one query at a time, and the pool that
hands them requests.

Oxigraph cannot interrupt a running query from Python, so every query runs in a worker process;
a worker that overruns the time limit is killed and replaced while the others go on serving, and
a query that crashes the engine costs one worker, not the server (pyoxigraph 0.5.13 aborts its
whole process on `SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o` over this graph: a Rust sort panic).
Before any engine sees a query, the worker parses it with rdflib's SPARQL parser and refuses
updates (LOAD among them) and SERVICE, because Oxigraph would execute them: SERVICE makes it
fetch a URL. Results are capped in rows (or triples) while they are read, never truncated."""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
from pyparsing import ParseBaseException, ParseResults
from rdflib import Graph
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from . import library
from .binding import with_values
from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .output import render
from .query import QueryError, QueryResult, bind_params
from .terms import converter, to_rdflib
from .vocab import PREFIXES

log = logging.getLogger("forcegraph.server")

# Media types of the formats a worker writes, keyed by the names output.render and rdflib use.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}


@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0  # seconds a query may run before its worker is killed
    max_rows: int = 50_000  # rows of a SELECT, triples of a CONSTRUCT/DESCRIBE
    queue_wait: float = 30.0  # seconds a request may wait for a free worker


@dataclass
class Job:
    """One request: ad-hoc SPARQL text, or a library query by name with raw parameters."""

    sparql: str | None = None
    name: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    result_format: str | None = None  # for SELECT/ASK; None: the client accepts none we write
    graph_format: str | None = None  # for CONSTRUCT/DESCRIBE
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)


@dataclass
class Reply:
    status: int
    media_type: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# --- inside a worker -------------------------------------------------------------------------


def _parsed(node):
    """Every parsed SPARQL construct in an rdflib parse tree, nested ones included."""
    if isinstance(node, CompValue):
        yield node
        children = dict.values(node)
    elif isinstance(node, (list, tuple, ParseResults)):
        children = node
    elif isinstance(node, dict):
        children = node.values()
    else:
        return
    for child in children:
        yield from _parsed(child)


def _syntax_message(e: Exception) -> str:
    if not isinstance(e, ParseBaseException):
        return f"SPARQL syntax error: {e}"
    return (f"SPARQL syntax error at line {e.lineno}, column {e.col}, near {e.found}:\n"
            f"  {e.line}\n  {' ' * (e.col - 1)}^\n(the parser says: {e.msg})")


def inspect_query(text: str) -> None:
    """Refuse what a read-only endpoint must never run; raise Refused with a message for people."""
    refusal = _refusal(text)
    if refusal:
        raise Refused(*refusal)


@functools.lru_cache(maxsize=512)  # rdflib's parser takes ~0.1 s: clients often repeat a query
def _refusal(text: str) -> tuple[int, str] | None:
    try:
        tree = parseQuery(text)
    except Exception as query_error:  # pyparsing raises several kinds
        try:
            parseUpdate(text)
        except Exception:
            return 400, _syntax_message(query_error)
        return 403, ("This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
                     "CREATE, DROP, COPY, MOVE, ADD) is not accepted.")
    parts = list(_parsed(tree))
    if any(part.name == "ServiceGraphPattern" for part in parts):
        return 403, ("SERVICE (federated query) is not allowed: this endpoint never fetches "
                     "remote data. Query each endpoint on its own and join the results yourself.")
    declared = {dict.get(part, "prefix", "") for part in parts if part.name == "PrefixDecl"}
    used = {dict.get(part, "prefix", "") for part in parts if part.name == "pname"}
    if used - declared:
        names = ", ".join(f"{p}:" for p in sorted(used - declared))
        return 400, f"SPARQL syntax error: unknown prefix {names} (declare each with PREFIX name: <namespace IRI>)"
    return None


def _execute(kg: KnowledgeGraph, sparql: str, bindings: dict, job: Job, max_rows: int) -> QueryResult:
    """Run on Oxigraph, reading at most max_rows rows (or triples) before refusing."""
    options = {"use_default_graph_as_union": not job.default_graphs}
    try:
        if job.default_graphs:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    except ValueError as e:
        raise Refused(400, f"default-graph-uri and named-graph-uri must be absolute IRIs: {e}") from None
    try:
        solutions = kg.store.query(with_values(sparql, bindings), **options)
    except SyntaxError as e:
        raise Refused(400, f"SPARQL syntax error: {getattr(e, 'msg', e)}") from None
    except (OSError, ValueError) as e:
        raise Refused(400, f"query failed: {e}") from None

    def capped(items):
        try:
            for count, item in enumerate(items, 1):
                if count > max_rows:
                    raise Refused(422, f"The result has more than {max_rows} rows, the limit of this endpoint. "
                                       "Narrow the query, or page through it with LIMIT and OFFSET.")
                yield item
            return
        except (OSError, ValueError) as e:  # Oxigraph computes solutions as they are read
            failure = f"query failed: {e}"
        raise Refused(400, failure)  # outside the handler: see query._read_solutions

    if isinstance(solutions, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(solutions))
    if isinstance(solutions, ox.QuerySolutions):
        variables = [v.value for v in solutions.variables]
        term = converter()  # as query.py reads answers: each distinct term converted once
        rows = [tuple(map(term, s)) for s in capped(solutions)]
        return QueryResult("SELECT", variables, rows)
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for t in capped(solutions):
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return QueryResult("CONSTRUCT", graph=graph)


@no_cyclic_gc()
def answer(kg: KnowledgeGraph, job: Job, limits: Limits) -> Reply:
    """The HTTP reply to one job: the result in the negotiated format, or an error message."""
    try:
        if job.name is not None:
            try:
                q = library.get(job.name)
            except KeyError as e:
                raise Refused(404, e.args[0]) from None
            inspect_query(q.sparql)  # the same check as a client's query (and the same cache)
            sparql, bindings = q.sparql, bind_params(kg, q, job.params)
        else:
            inspect_query(job.sparql)
            sparql, bindings = job.sparql, {}
        result = _execute(kg, sparql, bindings, job, limits.max_rows)
    except Refused as e:
        return Reply.text(e.status, str(e))
    except QueryError as e:
        return Reply.text(400, str(e))
    if result.kind == "CONSTRUCT":
        if job.graph_format is None:
            return Reply.text(406, "The query gives an RDF graph; accepted formats: " + ", ".join(GRAPH_TYPES.values()))
        body = render(result, rdf_format=job.graph_format)
        return Reply(200, GRAPH_TYPES[job.graph_format], body.encode())
    if job.result_format is None:
        return Reply.text(406, "The query gives a result table; accepted formats: " + ", ".join(RESULT_TYPES.values()))
    return Reply(200, RESULT_TYPES[job.result_format], render(result, job.result_format).encode())


def _worker_main(conn, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    store = ox.Store()
    store.load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
    kg = KnowledgeGraph(store)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the server has gone: so does its worker
            return
        try:
            reply = answer(kg, job, limits)
        except Exception as e:  # a bug must not kill the worker silently
            reply = Reply.text(500, f"internal error: {type(e).__name__}: {e}")
        conn.send(reply)


# --- in the server ---------------------------------------------------------------------------


class WorkerDied(Exception):
    pass


class _Worker:
    """One worker process and the server's end of its pipe."""

    START_TIMEOUT = 120.0

    def __init__(self, nquads: bytes, limits: Limits):
        ctx = multiprocessing.get_context("spawn")  # a clean process: no threads copied from the server
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, limits), daemon=True,
                                   name="forcegraph-query-worker")
        self.process.start()
        child.close()
        try:
            self.conn.send_bytes(nquads)
            ready = self.conn.poll(self.START_TIMEOUT) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise WorkerDied(f"a query worker did not start (exit code {self.process.exitcode})")

    @property
    def pid(self) -> int:
        return self.process.pid

    def ask(self, job: Job, timeout: float) -> Reply | None:
        """The worker's reply, or None if it took longer than `timeout` seconds."""
        try:
            self.conn.send(job)
            if not self.conn.poll(timeout):
                return None
            return self.conn.recv()
        except (EOFError, OSError) as e:
            raise WorkerDied(str(e)) from None

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """`size` workers, each with its own copy of the graph (given as N-Quads)."""

    def __init__(self, nquads: bytes, size: int, limits: Limits):
        self.nquads, self.size, self.limits = nquads, size, limits
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=size + 1, thread_name_prefix="query-wait")
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self.replaced = 0

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        spawned = await asyncio.gather(*(loop.run_in_executor(self._threads, _Worker, self.nquads, self.limits)
                                         for _ in range(self.size)))
        for w in spawned:
            self._add(w)

    def _add(self, worker: _Worker) -> None:
        if self._closing:  # a replacement that finished starting after the server began to stop
            worker.kill()
            return
        self._all.add(worker)
        self._idle.put_nowait(worker)

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._all if w.process.is_alive())

    async def run(self, job: Job) -> Reply:
        # Shielded: a client that hangs up must not leave a worker taken forever.
        task = asyncio.create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(task)

    async def _run(self, job: Job) -> Reply:
        try:
            async with asyncio.timeout(self.limits.queue_wait):
                worker = await self._idle.get()
                while not worker.process.is_alive():  # ended while idle (killed from outside)
                    self._replace(worker)
                    worker = await self._idle.get()
        except TimeoutError:
            return Reply.text(503, f"All {self.size} query workers stayed busy for {self.limits.queue_wait:g} s; try again later.")
        loop = asyncio.get_running_loop()
        try:
            reply = await loop.run_in_executor(self._threads, worker.ask, job, self.limits.timeout)
        except WorkerDied:
            self._replace(worker)
            return Reply.text(500, f"The query engine crashed on this query (its worker process ended with code "
                                   f"{worker.process.exitcode}); the worker has been replaced and the server goes on.")
        if reply is None:
            self._replace(worker)
            return Reply.text(503, f"The query ran longer than the limit of {self.limits.timeout:g} s and was stopped. "
                                   "Narrow it (fewer unbound patterns, a LIMIT) and try again.")
        self._idle.put_nowait(worker)
        return reply

    def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        if self._closing:
            return
        self.replaced += 1
        task = asyncio.create_task(self._respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _respawn(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            worker = await loop.run_in_executor(self._threads, _Worker, self.nquads, self.limits)
        except WorkerDied as e:
            log.error("could not replace a query worker (%s); %d left", e, len(self._all))
            return
        self._add(worker)

    async def stop(self) -> None:
        self._closing = True
        for w in list(self._all):
            w.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
