"""The report and the path finder on the endpoint: `/report?as-of=DATE[&force=…|&region=…]` (the
briefing's HTML page) and `/path?from=A&to=B[&max-length=N][&as-of=DATE][&format=json|svg|table]`.

They read the server's own copy of the graph (not a query worker: they run library queries
through the guard, as the command line does), one request at a time, off the event loop."""

from __future__ import annotations

import threading
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import paths, report
from .dates import parse_date
from .errors import QueryError
from .knowledge import KnowledgeGraph


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as e:
        raise QueryError(f"as-of: {e}") from None


def _int(value: str | None, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise QueryError(f"max-length: expected a whole number from {low} to {high}, got {value!r}")
    return int(value)


def routes(kg: KnowledgeGraph) -> list[Route]:
    lock = threading.Lock()  # one report or path at a time: each can take seconds on a big graph

    def answer(make):
        async def endpoint(request: Request) -> Response:
            def work():
                with lock:
                    return make(request.query_params)
            return await run_in_threadpool(work)  # errors go to the server's one handler
        return endpoint

    def report_page(q) -> Response:
        built = report.build(kg, _date(q.get("as-of")), force=q.get("force") or None, region=q.get("region") or None)
        return HTMLResponse(built.html, headers={"Content-Security-Policy": report.CSP})

    def path_answer(q) -> Response:
        if not q.get("from") or not q.get("to"):
            raise QueryError("give both ends: /path?from=NAME&to=NAME")
        found = paths.find(kg, q["from"], q["to"], _int(q.get("max-length"), 4, 1, 8), _date(q.get("as-of")))
        fmt = q.get("format", "json")
        if fmt == "svg":
            return Response(found.to_svg(), media_type="image/svg+xml")
        if fmt == "table":
            return PlainTextResponse(found.to_table())
        if fmt != "json":
            raise QueryError(f"format: expected json, svg or table, got {fmt!r}")
        return Response(found.to_json(), media_type="application/json")

    return [Route("/report", answer(report_page)), Route("/path", answer(path_answer))]
