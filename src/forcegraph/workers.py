"""Query workers: processes that hold the graph and answer one query at a time, and the pool that
hands them requests.

Oxigraph cannot interrupt a running query from Python, so every query runs in a worker process;
a worker that overruns the time limit is killed and replaced while the others go on serving, and
a query that crashes the engine costs one worker, not the server (pyoxigraph 0.5.13 aborts its
whole process on `SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o` over this graph: a Rust sort panic).
Every query passes the guard (guard.py) on its way to the engine, and a worker process is cut
off the network (sandbox.py), so a query that fooled the guard still could not fetch a URL.
Results are capped in rows (or triples) while they are read, never truncated.

The pool shares its workers fairly (Fairness): a client has at most `per_client` workers at once,
and one that has used more worker time than its share is refused (Throttled, saying how long to
wait) until it is paid back; a watchdog kills a worker whose memory passes its ceiling, and every
killed worker is replaced. The pool knows nothing of HTTP: it returns an Answer or raises an error
from errors.py, and the server maps both to responses."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import multiprocessing
import os
import resource
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox

from . import formats, library
from .errors import Busy, EngineCrashed, ForcegraphError, NotAcceptable, Throttled
from .formats import GRAPH_ANSWER_FORMATS
from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .output import render
from .query import Dataset, ask, bind_params, read_answer, resolver
from .sandbox import confine

# The result-table formats the endpoint writes (the terminal's table is not one of them).
SERVED_RESULT_FORMATS = ("json", "xml", "csv", "tsv")

log = logging.getLogger("forcegraph.server")

@dataclass(frozen=True)
class Limits:
    timeout: float = 5.0  # seconds a query may run before its worker is killed
    max_rows: int = 50_000  # rows of a SELECT, triples of a CONSTRUCT/DESCRIBE
    queue_wait: float = 30.0  # seconds a request may wait for a free worker
    memory_mb: int = 2048  # resident memory a worker may reach before it is killed
    per_client: int = 1  # workers one client (address) may hold at once


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
    base_iri: str | None = None  # what relative IRIs in the query resolve against


@dataclass(frozen=True)
class Answer:
    """A query's answer, written in the format named (see formats.py)."""

    format: str
    body: bytes


# --- inside a worker -------------------------------------------------------------------------


@no_cyclic_gc()
def answer(kg: KnowledgeGraph, job: Job, limits: Limits) -> Answer:
    """The answer to one job in the format asked for; raises a ForcegraphError for anything else."""
    if job.name is not None:
        q = library.get(job.name)
        sparql, bindings = q.sparql, bind_params(q, job.params, resolver(kg))
    else:
        sparql, bindings = job.sparql, {}
    dataset = Dataset(tuple(job.default_graphs), tuple(job.named_graphs))
    result = read_answer(ask(kg, sparql, bindings, dataset, job.base_iri), limits.max_rows)
    if result.kind == "CONSTRUCT":
        if job.graph_format is None:
            raise NotAcceptable("The query gives an RDF graph; accepted formats: " + _media(GRAPH_ANSWER_FORMATS))
        fmt = formats.get(job.graph_format)
        try:
            return Answer(fmt.name, render(result, rdf_format=fmt.rdflib).encode())
        except Exception as e:  # rdflib cannot write every graph in every syntax (RDF/XML above all)
            raise NotAcceptable(f"This graph cannot be written as {fmt.media_type} ({e}); "
                                "ask for text/turtle or application/n-triples.") from None
    if job.result_format is None:
        raise NotAcceptable("The query gives a result table; accepted formats: " + _media(SERVED_RESULT_FORMATS))
    return Answer(job.result_format, render(result, job.result_format).encode())


def _media(names) -> str:
    return ", ".join(formats.get(n).media_type for n in names)


def _worker_main(conn, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    measures = confine()
    store = ox.Store()
    store.load(conn.recv_bytes(), format=ox.RdfFormat.N_QUADS)
    kg = KnowledgeGraph(store)
    # A hard ceiling behind the server's watchdog: the address space may grow by the memory
    # ceiling and no more (Oxigraph aborts on a failed allocation: the worker ends, is replaced).
    grown = _vm_bytes(os.getpid()) + limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (grown, grown))
    conn.send(("ready", measures))
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the server has gone: so does its worker
            return
        try:
            reply = answer(kg, job, limits)
        except ForcegraphError as e:
            reply = e
        except MemoryError:
            reply = Busy(_memory_message(limits))
        except Exception as e:  # a bug must not kill the worker silently
            reply = EngineCrashed(f"internal error: {type(e).__name__}: {e}")
        conn.send(reply)


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_bytes(pid: int) -> int:
    return _status_kb(pid, "VmRSS") * 1024


def _vm_bytes(pid: int) -> int:
    return _status_kb(pid, "VmSize") * 1024


def _memory_message(limits: Limits) -> str:
    return (f"The query needed more than {limits.memory_mb} MB, the memory ceiling of a query worker, and "
            "was stopped. Narrow it (fewer unbound patterns, no ORDER BY over everything, a LIMIT).")


# --- in the server ---------------------------------------------------------------------------


class WorkerDied(Exception):
    """A worker process that ended or never started: the pool's own signal to start another. It
    never reaches a person, who gets EngineCrashed or Busy from errors.py instead."""


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
        self.killed_for: str | None = None  # "memory" or "share" when the pool stopped it
        try:
            self.conn.send_bytes(nquads)
            ready = self.conn.poll(self.START_TIMEOUT) and self.conn.recv()
        except (EOFError, OSError):
            ready = None
        if not ready or ready[0] != "ready":
            self.kill()
            raise WorkerDied(f"a query worker did not start (exit code {self.process.exitcode})")
        self.measures: dict[str, bool] = ready[1]

    @property
    def pid(self) -> int:
        return self.process.pid

    def ask(self, job: Job, timeout: float) -> Answer | ForcegraphError | None:
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


@dataclass
class _Account:
    debt: float = 0.0  # worker-seconds used and not yet paid back
    asked: float = 0.0  # when it last asked for a worker
    settled: float = 0.0  # when its debt was last brought up to date
    running: int = 0
    since: float | None = None  # when its running query started


class Fairness:
    """Who may have a worker, and who goes first.

    Each client (one address) runs up a debt of the worker-seconds its queries take beyond the
    first GRACE seconds of each (so many quick questions cost nothing, a runaway query a lot),
    and pays it back at its share of the pool: `size` workers divided among the clients that asked in the
    last `window` seconds. A client whose debt is above `allowance` is refused until it has paid
    back enough (the Retry-After it is told). A query counts towards its client's debt as it runs.
    Waiting requests are served least-indebted first; a client has at most `per_client` workers
    at once, and clients in debt together hold at most `size - 1`. (The pool also stops the query
    of a client in debt when a client that is not waits for a worker.) Knows nothing of processes
    or HTTP."""

    GRACE = 1.0  # seconds of each query that are never held against its client

    def __init__(self, size: int, per_client: int, allowance: float, window: float = 30.0, clock=time.monotonic):
        self.size, self.per_client, self.allowance, self.window, self.clock = size, per_client, allowance, window, clock
        self.accounts: dict[str, _Account] = {}
        self.rate = float(size)

    def _settle(self) -> float:
        now = self.clock()
        active = sum(1 for a in self.accounts.values() if a.running or now - a.asked < self.window)
        self.rate = self.size / max(1, active)
        for client, a in list(self.accounts.items()):
            if not a.running:  # a query still running pays nothing back
                a.debt = max(0.0, a.debt - (now - a.settled) * self.rate)
            a.settled = now
            if not a.running and a.debt == 0 and now - a.asked >= self.window:
                del self.accounts[client]
        return now

    def wait_before(self, client: str) -> float:
        """0 if `client` may ask for a worker now, else the seconds until it may."""
        now = self._settle()
        a = self.accounts.setdefault(client, _Account(settled=now))
        a.asked = now
        return 0.0 if a.debt <= self.allowance else (a.debt - self.allowance) / self.rate

    def owed(self, client: str) -> float:
        """The client's debt, with the time its running query has taken so far."""
        a = self.accounts.get(client)
        if a is None:
            return 0.0
        running = self.clock() - a.since if a.since is not None else 0.0
        return a.debt + max(0.0, running - self.GRACE)

    def in_debt(self, client: str) -> bool:
        return self.owed(client) > 0

    def may_start(self, client: str) -> bool:
        a = self.accounts.setdefault(client, _Account(asked=self.clock(), settled=self.clock()))
        if a.running >= self.per_client:
            return False
        if self.size > 1 and self.in_debt(client):
            held = sum(x.running for c, x in self.accounts.items() if self.in_debt(c))
            return held < self.size - 1
        return True

    def started(self, client: str) -> None:
        a = self.accounts[client]
        a.running += 1
        if a.since is None:
            a.since = self.clock()

    def finished(self, client: str, seconds: float) -> None:
        a = self.accounts[client]
        self._settle()
        a.running -= 1
        a.debt += max(0.0, seconds - self.GRACE)
        if not a.running:
            a.since = None


@dataclass(eq=False)
class _Ticket:
    client: str
    order: int
    granted: asyncio.Future


class WorkerPool:
    """`size` workers, each with its own copy of the graph (given as N-Quads), shared fairly."""

    WATCH_EVERY = 0.05  # seconds between looks at the workers' memory

    def __init__(self, nquads: bytes, size: int, limits: Limits):
        self.nquads, self.size, self.limits = nquads, size, limits
        self.fair = Fairness(size, limits.per_client, allowance=limits.timeout)
        self._idle: list[_Worker] = []
        self._waiting: list[_Ticket] = []
        self._all: set[_Worker] = set()
        self._busy: dict[_Worker, str] = {}
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="query-wait")
        self._tasks: set[asyncio.Task] = set()
        self._closing = False
        self._starting = 0  # replacements on their way
        self._orders = itertools.count()
        self.replaced = 0
        self.measures: dict[str, bool] = {}

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        spawned = await asyncio.gather(*(loop.run_in_executor(self._threads, _Worker, self.nquads, self.limits)
                                         for _ in range(self.size)))
        for w in spawned:
            self._add(w)
        self.measures = spawned[0].measures
        self._spawn_task(self._watch())

    def _spawn_task(self, coro) -> asyncio.Task:
        """A task the pool keeps a reference to until it ends (the loop keeps only weak ones)."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _add(self, worker: _Worker) -> None:
        if self._closing:  # a replacement that finished starting after the server began to stop
            worker.kill()
            return
        self._all.add(worker)
        self._idle.append(worker)
        self._dispatch()

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._all if w.process.is_alive())

    def _dispatch(self) -> None:
        """Hand idle workers to waiting requests: least-indebted client first, then oldest."""
        while self._idle:
            ready = [t for t in self._waiting if not t.granted.done() and self.fair.may_start(t.client)]
            if not ready:
                return
            ticket = min(ready, key=lambda t: (self.fair.in_debt(t.client), t.order))
            self._waiting.remove(ticket)
            worker = self._idle.pop()
            if not worker.process.is_alive():  # ended while idle (killed from outside)
                self._waiting.append(ticket)
                self._replace(worker)
                continue
            self.fair.started(ticket.client)
            ticket.granted.set_result(worker)

    async def run(self, job: Job, client: str = "") -> Answer:
        """The answer to `job` from a worker; raises a ForcegraphError when there is none."""
        wait = self.fair.wait_before(client)
        if wait > 0:
            # Held a moment before the refusal, so a client that loops on refusals loops slowly.
            await asyncio.sleep(min(wait, 1.0))
            retry = max(1, math.ceil(wait))
            raise Throttled(f"This client has used more than its share of the query workers; "
                            f"try again in {retry} s.", retry_after=retry)
        # Shielded: a client that hangs up must not leave a worker taken forever.
        return await asyncio.shield(self._spawn_task(self._run(job, client)))

    async def _run(self, job: Job, client: str) -> Answer:
        ticket = _Ticket(client, next(self._orders), asyncio.get_running_loop().create_future())
        self._waiting.append(ticket)
        self._dispatch()
        try:
            worker = await asyncio.wait_for(asyncio.shield(ticket.granted), self.limits.queue_wait)
        except TimeoutError:
            if ticket in self._waiting:
                self._waiting.remove(ticket)
            if not ticket.granted.done():
                raise Busy(f"All {self.size} query workers stayed busy for {self.limits.queue_wait:g} s; "
                           "try again later.", retry_after=5) from None
            worker = ticket.granted.result()
        self._busy[worker] = client
        started, replace = time.monotonic(), False
        try:
            reply = await asyncio.get_running_loop().run_in_executor(
                self._threads, worker.ask, job, self.limits.timeout)
        except WorkerDied:
            replace = True
            reply = self._stopped(worker)
        finally:
            self._busy.pop(worker, None)
            # A query stopped for others' sake is charged its whole time limit, so that its
            # client waits its turn instead of costing a new worker at every try.
            used = self.limits.timeout if worker.killed_for == "share" else time.monotonic() - started
            self.fair.finished(client, used)
        if reply is None:  # still running: only killing its process stops it
            replace = True
            reply = Busy(f"The query ran longer than the limit of {self.limits.timeout:g} s and was stopped. "
                         "Narrow it (fewer unbound patterns, a LIMIT) and try again.")
        if replace:
            self._replace(worker)
        else:
            self._idle.append(worker)
            self._dispatch()
        if isinstance(reply, ForcegraphError):
            raise reply
        return reply

    def _stopped(self, worker: _Worker) -> ForcegraphError:
        """What a request gets when its worker ended while answering it."""
        if worker.killed_for == "memory":
            return Busy(_memory_message(self.limits))
        if worker.killed_for == "share":
            return Busy("The query was stopped so that other clients waiting get a worker: this client has "
                        "used more than its share. Narrow it, or try again later.", retry_after=5)
        return EngineCrashed(f"The query engine crashed on this query (its worker process ended with code "
                             f"{worker.process.exitcode}); the worker has been replaced and the server goes on.")

    async def _watch(self) -> None:
        """Every WATCH_EVERY seconds: kill a busy worker whose resident memory passes the ceiling,
        and keep a worker for clients not in debt (both requests get a 503)."""
        ceiling = self.limits.memory_mb * 2**20
        while not self._closing:
            for worker in list(self._busy):
                if rss_bytes(worker.pid) > ceiling:
                    self._stop(worker, "memory")
            self._share()
            await asyncio.sleep(self.WATCH_EVERY)

    def _share(self) -> None:
        """While a client not in debt waits and no worker is free, stop the query of the client
        in debt that owes most: a long query runs only while nobody else needs its worker."""
        if self._idle or self._starting or all(self.fair.in_debt(t.client) for t in self._waiting):
            return  # a free or starting worker serves the waiting client first
        heavy = [(w, c) for w, c in self._busy.items() if w.killed_for is None and self.fair.in_debt(c)]
        if heavy:
            worker, _ = max(heavy, key=lambda wc: self.fair.owed(wc[1]))
            self._stop(worker, "share")

    @staticmethod
    def _stop(worker: _Worker, why: str) -> None:
        worker.killed_for = why
        worker.process.kill()

    def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        if self._closing:
            return
        self.replaced += 1
        self._spawn_task(self._respawn())

    async def _respawn(self) -> None:
        loop = asyncio.get_running_loop()
        self._starting += 1
        try:
            worker = await loop.run_in_executor(self._threads, _Worker, self.nquads, self.limits)
        except WorkerDied as e:
            log.error("could not replace a query worker (%s); %d left", e, len(self._all))
            return
        finally:
            self._starting -= 1
        self._add(worker)

    async def stop(self) -> None:
        self._closing = True
        for w in list(self._all):
            w.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
