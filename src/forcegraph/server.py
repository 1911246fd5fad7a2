"""Serve: a read-only SPARQL 1.1 Protocol endpoint, the library's queries by name, and a query page.

Routes: `/sparql` (GET `?query=`, POST form-encoded or `application/sparql-query`; a service
description on a plain GET), `/queries` (the library, as JSON), `/queries/{name}[.json|.csv|.tsv|
.xml]` (a library query with parameters from the query string, as datasette serves its named
queries), `/network` (the network picture, if one has been drawn), `/report` and `/path` (see
webreport.py), `/health`, and `/` (the page).

Queries run in worker processes (see workers.py): the server itself only reads requests,
negotiates formats and relays replies, so a runaway query never takes it down."""

from __future__ import annotations

import contextlib
import ipaddress
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
import uvicorn
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import __version__, formats, library
from .errors import ForcegraphError, NotAcceptable
from .formats import GRAPH_ANSWER_FORMATS
from .guard import Refused
from .knowledge import KnowledgeGraph
from .workers import SERVED_RESULT_FORMATS, Answer, Job, Limits, WorkerPool

WEB_DIR = Path(__file__).parent / "static" / "web"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
# Suffixes of /queries/{name}.{suffix}: a format name (see formats.py).
_SUFFIXES = ("json", "csv", "tsv", "xml", "ttl", "nt", "jsonld")


@dataclass
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    out_dir: Path = Path("out")  # where the network developer's network.html is looked for
    workers: int = 2
    limits: Limits = field(default_factory=Limits)
    max_request_bytes: int = 64 * 1024
    access_log: bool = True
    allow_origins: tuple[str, ...] = ()  # web origins (e.g. a YASGUI page) allowed to query by CORS
    allow_hosts: tuple[str, ...] = ()  # further Host names the server answers to


def allowed_hosts(settings: ServerSettings) -> list[str]:
    """Host header values the server answers to: the address it listens on, and for a loopback
    address every loopback name; plus any the operator names (--allow-host)."""
    host = settings.host.strip("[]")
    names = {host, f"[{host}]"} if ":" in host else {host}
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        names |= {"localhost", "127.0.0.1", "[::1]"}
    return sorted(names | set(settings.allow_hosts))


class SafeHeaders:
    """Every response says it varies with Accept and must not be sniffed as another type."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers.add_vary_header("Accept")
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


# --- content negotiation ---------------------------------------------------------------------


def accepted(accept: str | None) -> list[str]:
    """Media ranges of an Accept header, most wanted first (q=0 dropped, ties in header order)."""
    ranges = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            key, _, value = p.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media.lower()))
    return [media for _, _, media in sorted(ranges)]


def _pick(ranges: list[str], among: tuple[str, ...]) -> str | None:
    for media in ranges:
        if media == "*/*" or media.endswith("/*"):  # the first format that fits
            major = media.split("/")[0]
            for name in among:
                if media == "*/*" or formats.get(name).media_type.startswith(major + "/"):
                    return name
            continue
        found = formats.by_media_type(media, among)
        if found:
            return found.name
    return None


def negotiate(accept: str | None, explicit: str | None) -> tuple[str | None, str | None]:
    """(format for a result table, format for a graph): from `format=` if given, else Accept."""
    if explicit:
        table, graph = formats.by_name(explicit, SERVED_RESULT_FORMATS), formats.by_name(explicit, GRAPH_ANSWER_FORMATS)
        if not (table or graph):
            known = sorted({n for f in formats.FORMATS if f.name in SERVED_RESULT_FORMATS + GRAPH_ANSWER_FORMATS
                            for n in (f.name, *f.aliases)})
            raise Refused(400, f"unknown format {explicit!r}; expected one of {', '.join(known)}")
        return table and table.name, graph and graph.name
    ranges = accepted(accept)
    return _pick(ranges, SERVED_RESULT_FORMATS), _pick(ranges, GRAPH_ANSWER_FORMATS)


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response((message.rstrip() + "\n").encode(), status, media_type="text/plain; charset=utf-8",
                    headers=headers)


def _answer(answer: Answer) -> Response:
    return Response(answer.body, 200, media_type=formats.get(answer.format).media_type)


async def _error(request: Request, e: ForcegraphError) -> Response:
    """Every error a request can cause, mapped to its status in one place: as `{"error": …}` to a
    client that asks for JSON (the network page's path finder), else as one line of text."""
    headers = {"Retry-After": str(e.retry_after)} if e.retry_after else None
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": str(e)}, e.http_status, headers)
    return _text(e.http_status, str(e), headers)


# --- service description ---------------------------------------------------------------------


def service_description(endpoint: str, triples: int, settings: ServerSettings) -> Graph:
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", "http://www.w3.org/ns/formats/")
    g.bind("void", VOID)
    service, dataset, default = URIRef(endpoint), URIRef(endpoint + "#dataset"), URIRef(endpoint + "#default-graph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in SERVED_RESULT_FORMATS + GRAPH_ANSWER_FORMATS:
        g.add((service, SD.resultFormat, URIRef(formats.get(name).iri)))
    g.add((service, URIRef("http://purl.org/dc/terms/description"), Literal(
        f"forcegraph {__version__}: UK police forces and their collaborations. Read-only: no SPARQL Update, "
        f"LOAD or SERVICE. A query may run {settings.limits.timeout:g} s and return "
        f"{settings.limits.max_rows} rows; the default graph is the union of all graphs, unless the query "
        f"(FROM, FROM NAMED) or the request (default-graph-uri, named-graph-uri) names the graphs.")))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples)))
    return g


# --- the application -------------------------------------------------------------------------


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    too_big = Refused(413, f"The request is larger than {limit} bytes, the limit of this endpoint.")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _check_url(request: Request) -> None:
    limit = request.app.state.settings.max_request_bytes
    if len(request.url.query) > limit:
        raise Refused(414, f"The URL is longer than {limit} bytes; send the query with POST.")


async def protocol_params(request: Request) -> list[tuple[str, str]]:
    """The SPARQL Protocol parameters of a request, wherever the protocol lets them be."""
    _check_url(request)
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await _read_body(request, request.app.state.settings.max_request_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "The request body is not UTF-8.") from None
    if ctype == "application/x-www-form-urlencoded":
        return params + parse_qsl(text, keep_blank_values=True)
    if ctype == "application/sparql-query":
        return params + [("query", text)]
    if ctype == "application/sparql-update":
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    raise Refused(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded (query=…).")


def _client(request: Request) -> str:
    """Who is asking, for sharing the workers fairly: the peer's address."""
    return request.client.host if request.client else ""


async def sparql(request: Request) -> Response:
    params = await protocol_params(request)
    if "update" in (k for k, _ in params):
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    queries = [v for k, v in params if k == "query"]
    explicit = next((v for k, v in params if k in ("format", "output")), None)
    result_fmt, graph_fmt = negotiate(request.headers.get("accept"), explicit)
    if not queries:
        if request.method == "POST":
            raise Refused(400, "No query: give the SPARQL as the `query` parameter.")
        return describe_service(request, graph_fmt)
    if len(queries) > 1:
        raise Refused(400, "Give exactly one `query` parameter.")
    job = Job(sparql=queries[0], result_format=result_fmt, graph_format=graph_fmt,
              default_graphs=[v for k, v in params if k == "default-graph-uri"],
              named_graphs=[v for k, v in params if k == "named-graph-uri"],
              base_iri=str(request.url.replace(query="")))
    return _answer(await request.app.state.pool.run(job, _client(request)))


def describe_service(request: Request, graph_fmt: str | None) -> Response:
    ranges = accepted(request.headers.get("accept"))
    if ranges and ranges[0] == "text/html":  # a person with a browser: show them the page
        return RedirectResponse("/", status_code=303)
    if graph_fmt is None:
        raise NotAcceptable("The service description is RDF; accepted formats: "
                            + ", ".join(formats.get(n).media_type for n in GRAPH_ANSWER_FORMATS))
    endpoint = str(request.url.replace(query=""))
    state = request.app.state
    g = service_description(endpoint.rstrip("?"), state.triples, state.settings)
    fmt = formats.get(graph_fmt)
    return Response(g.serialize(format=fmt.rdflib), media_type=fmt.media_type)


async def queries_list(request: Request) -> Response:
    return JSONResponse({"queries": [
        {
            "name": q.name, "title": q.title, "description": q.description, "tags": list(q.tags),
            "kind": q.kind, "example": q.example, "sparql": q.sparql, "url": f"/queries/{q.name}",
            "params": [{"name": p.name, "type": p.type, "default": p.default, "description": p.description,
                        "required": p.required} for p in q.params],
        }
        for q in library.library().values()
    ]})


async def named_query(request: Request) -> Response:
    name, ext = request.path_params["name"], None
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in _SUFFIXES:
        name, ext = stem, suffix
    library.get(name)  # an unknown name is a 404 before anything else
    _check_url(request)
    result_fmt, graph_fmt = negotiate(request.headers.get("accept"), ext)
    job = Job(name=name, params=dict(request.query_params), result_format=result_fmt, graph_format=graph_fmt)
    return _answer(await request.app.state.pool.run(job, _client(request)))


_NO_NETWORK_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No network picture yet</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body class="message"><main><h1>No network picture yet</h1>
<p>There is no network picture in this server's out folder.</p>
<p>Draw it with <code>forcegraph network draw --out FOLDER</code> into the folder given to
<code>forcegraph serve --out FOLDER</code>; the page appears here at once.</p>
<p><a href="/">Back to the query page</a></p></main></body></html>"""


async def network(request: Request) -> Response:
    # The drawn page only: it carries its own script and style, so nothing else in the out
    # folder (the whole graph, the validation report) is ever served.
    if request.path_params.get("path"):
        return _text(404, "Not found.")
    page = request.app.state.settings.out_dir / "network.html"
    if page.is_file():
        return FileResponse(page)
    return HTMLResponse(status_code=404, content=_NO_NETWORK_PAGE)


async def network_folder(request: Request) -> Response:
    return RedirectResponse("/network/", status_code=307)  # relative links in the page then resolve


async def health(request: Request) -> Response:
    state = request.app.state
    pool, settings, limits = state.pool, state.settings, state.settings.limits
    pids = pool.pids()
    return JSONResponse({"status": "ok" if len(pids) == settings.workers else "degraded",
                         "version": __version__, "triples": state.triples, "workers": pids,
                         "workers_replaced": pool.replaced, "sandbox": pool.measures,
                         "limits": {"timeout": limits.timeout, "max_rows": limits.max_rows,
                                    "memory_mb": limits.memory_mb, "per_client": limits.per_client,
                                    "max_request_bytes": settings.max_request_bytes}})


async def index(request: Request) -> Response:
    return FileResponse(WEB_DIR / "index.html")


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette):
    await app.state.pool.start()
    try:
        yield
    finally:
        await app.state.pool.stop()


ROUTES = [
    Route("/", index),
    Route("/sparql", sparql, methods=["GET", "POST"]),
    Route("/queries", queries_list),
    Route("/queries.json", queries_list),
    Route("/queries/{name}", named_query),
    Route("/network", network_folder),
    Route("/network/{path:path}", network),
    Route("/health", health),
    Mount("/static", StaticFiles(directory=WEB_DIR), name="static"),
]


def create_app(nquads: bytes, triples: int, settings: ServerSettings) -> Starlette:
    """The web application over a graph given as N-Quads (each worker loads its own copy)."""
    # Only the names the server was started under: a page elsewhere cannot read it through DNS
    # rebinding, whatever address it listens on.
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings)),
                  Middleware(SafeHeaders)]
    if settings.allow_origins:
        # Off by default: with it, any page the analyst opens could read the graph.
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.allow_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Accept", "Content-Type"]))
    app = Starlette(middleware=middleware, routes=ROUTES, lifespan=_lifespan,
                    exception_handlers={ForcegraphError: _error})
    app.state.pool = WorkerPool(nquads, settings.workers, settings.limits)
    app.state.triples, app.state.settings = triples, settings
    return app


def serve(kg: KnowledgeGraph, settings: ServerSettings) -> None:
    """Serve the graph until stopped (Ctrl-C or SIGTERM); the workers stop with the server."""
    nquads = kg.store.dump(format=ox.RdfFormat.N_QUADS)
    app = create_app(nquads, len(kg.store), settings)
    from .webreport import routes  # /report and /path read the server's own copy of the graph

    app.router.routes[:0] = routes(kg)
    if "localhost" not in allowed_hosts(settings):
        print(f"Warning: serving on {settings.host}: anyone who can reach it can read the whole graph, "
              "personal data (e-mail addresses, phone numbers) included.", file=sys.stderr)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, access_log=settings.access_log, log_level="info",
        # Let over-long URLs reach the application, which answers 414 with a message.
        h11_max_incomplete_event_size=settings.max_request_bytes + 16 * 1024,
        timeout_graceful_shutdown=int(settings.limits.timeout) + 2,
    )
    uvicorn.Server(config).run()
