"""The forcegraph command line: a thin layer over the Python API.

Exit codes: 0 success (the graph conforms), 1 the graph does not conform, 2 bad input or usage.
Errors are mapped once, in `Commands.invoke`: each ForcegraphError carries its exit code, so no
command catches errors of its own, and no failure a person can cause ends in a traceback."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import click

from .atomic import check_writable
from .cli_report import path_command, report_command
from .cli_review import candidates_cmd, review_group
from .cli_sources import check_command, source_group
from .cliopts import (Commands, as_of_option, graph_options, open_graph, out_dir_option, progress, quiet_option,
                      store_options)
from .errors import ForcegraphError
from .formats import RESULT_FORMATS
from .names import ENGINES

# Modules beyond these are imported by the verbs that need them: `--help` and a query on a built
# store must not wait for rdflib's SPARQL engine, pyshacl, owlrl or networkx.


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="forcegraph", prog_name="forcegraph")
def cli():
    """forcegraph: a knowledge graph of UK police forces and how they work together."""


@cli.command("build")
@graph_options
@out_dir_option("Folder for the built graph, summary, validation report and conflicts.")
@quiet_option
def build_command(graph_paths, reasoning, out_dir, quiet):
    """Load, reason and validate the graph; write the results to OUT.

    Prints counts of triples, passages, documents and entities by class, the conflicts found
    between documents, and any violations of the shapes. Nothing is written if a file does not
    parse; exits 1 if the graph does not conform.

    The built graph is also kept as a store (in .forcegraph-cache/ of the project, see the
    README) that query, export, network, serve and validate open instead of building again.

    Example: forcegraph build --out out
    """
    from .build import write_outputs
    from .store import build_graph, home, persist

    check_writable(out_dir)  # before the work, not after it
    check_writable(home(graph_paths, reasoning))
    say = progress(quiet)
    fresh = build_graph(graph_paths, reasoning, say)
    result = fresh.result
    say("writing")
    written = write_outputs(result, out_dir)
    built = persist(fresh, graph_paths, reasoning, say)
    s = result.summary()
    t = s["triples"]
    click.echo(f"Triples: {t['asserted']} asserted, {t['inferred']} inferred, {t['provenance']} provenance, {t['total']} in all")
    click.echo(f"Documents: {s['documents']} ({s['seed documents']} from the seed files)  Passages: {s['passages']}  External sources: {s['external sources']}")
    click.echo("Entities by class:")
    for label, count in s["entities by class"].items():
        click.echo(f"  {label:<38} {count:>5}")
    click.echo(f"Conflicts between documents: {s['conflicts']} (see {out_dir / 'conflicts.csv'})")
    click.echo(result.validation.text())
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in s["seconds"].items())
    click.echo(f"Time: {timing}")
    click.echo(f"Wrote: {', '.join(str(p) for p in written)}")
    click.echo(f"Store: {built.folder}")
    sys.exit(0 if result.validation.conforms else 1)


@cli.command("validate")
@click.option("--revalidate", is_flag=True, help="Run the shapes again rather than report the build's verdict.")
@store_options
def validate_command(revalidate, graph_paths, reasoning, frozen):
    """Validate the graph against the SHACL shapes; exit 0 if it conforms, 1 if not, 2 if it cannot load.

    Reports the verdict of the build, which is made again first if an input (a data file, the
    ontology, the shapes) changed since; --revalidate runs the shapes on the built store anew.

    Example: forcegraph validate --graph graph
    """
    built = open_graph(graph_paths, reasoning, frozen)
    if revalidate:
        from .validate import validate

        report = validate(built.kg)
    else:
        report = built.validation()
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


def _parse_params(pairs) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="--param")
        params[key.strip()] = value
    return params


def _list_queries(fmt: str) -> None:
    from . import library
    from .resources import queries_dir

    folder = queries_dir()
    queries = library.library(folder).values()
    if fmt == "json":
        click.echo(json.dumps([
            {"name": q.name, "title": q.title, "description": q.description, "example": q.example,
             "params": [{"name": p.name, "type": p.type, "default": p.default, "required": p.required,
                         "description": p.description} for p in q.params], "path": str(q.path)}
            for q in queries], indent=2, ensure_ascii=False))
    elif fmt == "table":
        click.echo(f"Queries in {folder}:", err=True)
        for q in queries:
            ps = " ".join(f"[{p.name}={p.type}]" for p in q.params)
            click.echo(f"{q.name:<34} {q.title}" + (f"  {ps}" if ps else ""))
    else:
        raise click.UsageError("--list gives a table (the default) or --format json")


@cli.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True,
              help="List the library's queries with their titles, and the folder read (a table, or JSON with each file).")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the query (repeatable).")
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False), help="Run your own SPARQL from a file.")
@click.option("--sparql", help="Run your own SPARQL given as text.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True,
              help="Output for SELECT/ASK; CONSTRUCT and DESCRIBE always give Turtle.")
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True, help="SPARQL engine.")
@click.option("--store", "store_url", metavar="URL",
              help="Ask a SPARQL 1.1 server loaded by `forcegraph push` (e.g. http://127.0.0.1:7878) instead of --graph.")
@store_options
def query_command(name, list_, params, query_file, sparql, fmt, engine, store_url, graph_paths, reasoning, frozen):
    """Run a named library query, or your own SPARQL.

    \b
    Examples:
      forcegraph query --list
      forcegraph query who-leads-what
      forcegraph query agreements-in-force --param as_of=2019-06-01 --format csv
      forcegraph query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
      forcegraph query who-leads-what --store http://127.0.0.1:7878
    """
    if list_:
        return _list_queries(fmt)
    if len([x for x in (name, query_file, sparql) if x]) != 1:
        raise click.UsageError("give exactly one of: a query NAME, --file FILE or --sparql TEXT (or --list)")
    if params and not name:
        raise click.UsageError("--param applies to library queries; in your own SPARQL, use VALUES")
    from . import guard
    from .output import render
    from .query import run, run_sparql

    text = None
    if not name:
        text = _read_sparql(query_file) if query_file else sparql
        guard.check(text)  # a refused query is refused at once, before any graph is opened or built
    remote = _remote(store_url) if store_url else None
    kg = None if remote else open_graph(graph_paths, reasoning, frozen).kg
    if kg is not None and (click.get_current_context().obj or {}).get("confine"):
        from .sandbox import confine

        confine()  # behind the guard: this process can no longer reach the network
    if name:
        raw = _parse_params(params)
        result = remote.run(name, raw) if remote else run(kg, name, raw, engine)
    else:
        result = remote.run_sparql(text) if remote else run_sparql(kg, text, engine=engine)
    click.echo(render(result, fmt), nl=fmt == "table")


def _read_sparql(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise click.BadParameter(f"{path} is not UTF-8 text (byte {e.start})", param_hint="--file") from None


def _check_port(host: str, port: int) -> None:
    """Refuse a port another program holds before saying "Serving", not after."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
            s.bind(address)
    except OSError as e:
        raise ForcegraphError(f"cannot listen on {host}:{port}: {(e.strerror or str(e)).lower()}; "
                              "stop what runs there or choose another --port") from None


@cli.command("serve")
@store_options
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@out_dir_option("Folder holding network.html, served at /network.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=50_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) a query may return.")
@click.option("--max-request-bytes", default=65_536, show_default=True, type=click.IntRange(min=1024),
              help="Largest request body or query string accepted.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Query worker processes, each holding a copy of the graph.")
@click.option("--worker-memory", default=2048, show_default=True, type=click.IntRange(min=64), metavar="MB",
              help="Memory ceiling of a query worker; a query that needs more is stopped (503).")
@click.option("--per-client", default=1, show_default=True, type=click.IntRange(min=1),
              help="Query workers one client address may hold at once.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="A further Host name the server answers to, e.g. its DNS name (repeatable).")
@click.option("--allow-origin", "allow_origins", multiple=True, metavar="ORIGIN",
              help="A web origin whose pages may query the endpoint (CORS), e.g. a YASGUI site (repeatable).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
def serve_command(graph_paths, reasoning, frozen, host, port, out_dir, timeout, max_rows, max_request_bytes, workers,
                  worker_memory, per_client, allow_hosts, allow_origins, access_log):
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql, the library's queries at
    /queries/NAME (.json, .csv), and a query page at /.

    SPARQL Update, LOAD and SERVICE are refused; a query that runs too long is stopped.

    Example: forcegraph serve --port 8000
    """
    from .server import ServerSettings, serve
    from .workers import Limits

    _check_port(host, port)
    # Each worker gets its own in-memory copy of the built store: opening the store itself would
    # start a worker in milliseconds, but it answered a load test at half the throughput
    # (benchmarks/RESULTS.md, "Build once").
    built = open_graph(graph_paths, reasoning, frozen)
    _check_port(host, port)  # again: a build takes a while, and something may have taken it since
    quads = built.manifest["summary"]["triples"]["total"]
    click.echo(f"Serving {quads} quads: query page http://{host}:{port}/ , SPARQL endpoint "
               f"http://{host}:{port}/sparql", err=True)
    serve(built.kg, ServerSettings(
        host=host, port=port, out_dir=out_dir, workers=workers, max_request_bytes=max_request_bytes,
        limits=Limits(timeout=timeout, max_rows=max_rows, memory_mb=worker_memory, per_client=per_client),
        allow_origins=allow_origins, allow_hosts=allow_hosts, access_log=access_log))


@cli.command("export")
@click.option("--format", "fmt", metavar="FORMAT",
              help="turtle, trig, jsonld, nt or nq. Default: from --output's extension "
                   "(.ttl .trig .jsonld .nt .nq; any other is refused), else turtle.")
@click.option("--profile", default="partner", show_default=True, metavar="NAME",
              help="What may leave (profiles/NAME.yaml): partner leaves personal data at home; full keeps everything.")
@click.option("--include-inferred", is_flag=True, help="Add what the reasoner draws from the exported facts.")
@as_of_option("Keep only the agreements in force and the dated memberships current on DATE (YYYY-MM-DD), "
              "as the agreements-in-force and collaboration-members queries answer; events, decisions "
              "and documents are not filtered (see profiles/README.md).")
@click.option("--provenance-triples", is_flag=True,
              help="Turtle and N-Triples: keep which passage states each fact, as rdf:Statement triples.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (atomically, with the umask's mode; a symlink is written through to its "
                   "target); stdout if left out.")
@click.option("--force", is_flag=True, help="Write even if the graph does not conform to the shapes.")
@click.option("--bundle", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Write the partner bundle into DIR instead: every format with the inferred graph, the "
                   "validation view, shapes, query library, ontology, Fuseki configuration and a README "
                   "saying how to load it (see README, For partners).")
@store_options
@quiet_option
def export_command(fmt, profile, include_inferred, as_of, provenance_triples, output, force, bundle, graph_paths,
                   reasoning, frozen, quiet):
    """Export the graph for partners: Turtle (default), TriG, JSON-LD, N-Triples or N-Quads.

    The graph is validated first; a graph that does not conform is not written (exit 1). The
    same graph always gives the same bytes. The file describes itself (VoID/DCAT: title, licence,
    date made (today, or SOURCE_DATE_EPOCH's), version, triple count, vocabularies, profile).
    TriG, N-Quads and JSON-LD keep each fact in the graph of its passage; Turtle and N-Triples
    give the union.

    \b
    Examples:
      forcegraph export --profile partner --output out/forcegraph-partner.ttl
      forcegraph export --profile full --format trig --output out/forcegraph-full.trig
      forcegraph export --as-of 2019-06-01 --format jsonld
    """
    from .export import export, format_for, get_profile, write

    if bundle:
        return _export_bundle(bundle, profile, force, graph_paths, reasoning, frozen, quiet,
                              clashes=[o for o, v in (("--format", fmt), ("--output", output), ("--as-of", as_of),
                                                      ("--include-inferred", include_inferred),
                                                      ("--provenance-triples", provenance_triples)) if v])
    fmt = format_for(output, fmt)
    get_profile(profile)  # an unknown profile is refused before the graph is loaded
    if output:
        check_writable(output)
    say = progress(quiet)
    built = open_graph(graph_paths, reasoning, frozen)
    say("exporting")
    result = export(built.kg, fmt, profile, include_inferred=include_inferred, as_of=as_of,
                    provenance_triples=provenance_triples, reasoning=reasoning, force=force,
                    validation=built.validation())
    if output:
        write(result, output)
    else:
        click.echo(result.data, nl=False)  # bytes go to the binary stream as they are
    c = result.counts
    note = (f"; {c['triples removed']} triples left out, {c['texts redacted']} texts redacted"
            if c["triples removed"] or c["texts redacted"] else "")
    if not quiet:
        click.echo(f"Exported {result.triples} triples ({result.format}, {result.profile.name} profile){note}"
                   + (f" to {output}" if output else ""), err=True)


def _export_bundle(folder, profile, force, graph_paths, reasoning, frozen, quiet, clashes):
    from .bundle import bundle
    from .export import get_profile

    if clashes:
        raise click.UsageError(f"--bundle writes every format with the inferred graph; leave out {', '.join(clashes)}")
    get_profile(profile)
    check_writable(folder)
    built = open_graph(graph_paths, reasoning, frozen)
    progress(quiet)("validating and writing the bundle")
    result = bundle(built.kg, folder, profile, force=force, reasoning=reasoning, validation=built.validation())
    if not quiet:
        click.echo(f"Wrote the {profile} bundle ({len(result.files)} files, {result.exports['nq'].triples} triples) "
                   f"to {folder}: {result.report.text().splitlines()[0]}", err=True)


network_as_of_option = as_of_option(
    "The network on DATE (YYYY-MM-DD): agreements in force and memberships current then. "
    "Every tie ever recorded if left out.")


@cli.group("network")
def network_group():
    """Network analysis and pictures of the alliance: who leads what, who is central, how it changed."""


@network_group.command("metrics")
@network_as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: all three tables; json: all three; csv: the one chosen with --table.")
@click.option("--table", "table", type=click.Choice(["forces", "communities", "leads"]),
              help="Which table CSV gives (default forces): centrality per force, communities, or who leads what.")
@store_options
def network_metrics(as_of, fmt, table, graph_paths, reasoning, frozen):
    """Who is central and who leads what: per force, degree (partner forces), weighted degree
    (collaborations and agreements shared), betweenness, eigenvector centrality, collaborations
    and agreements, and how many collaborations, service areas and services it leads; the
    communities of forces (greedy modularity); and the "who leads what" matrix.

    \b
    Examples:
      forcegraph network metrics
      forcegraph network metrics --as-of 2016-06-01 --format csv
      forcegraph network metrics --format csv --table leads
    """
    from .network import metrics

    if table and fmt != "csv":
        raise click.UsageError(f"--table chooses the one table --format csv gives; --format {fmt} gives all three")
    result = metrics(open_graph(graph_paths, reasoning, frozen).kg, as_of)
    text = {"table": result.to_table, "json": result.to_json}.get(fmt, lambda: result.to_csv(table or "forces"))()
    click.echo(text, nl=False)


@network_group.command("draw")
@network_as_of_option
@out_dir_option("Folder for network.html and the pictures and files of each graph.")
@store_options
@quiet_option
def network_draw(as_of, out_dir, graph_paths, reasoning, frozen, quiet):
    """Draw the network: OUT/network.html (interactive, works offline, steps through the dates on
    which the network changes) and, for each graph (collaborations, forces, services,
    governance) as of DATE, OUT/<graph>.svg and .png for reports and .gexf and .graphml for
    Gephi and Cytoscape.

    \b
    Examples:
      forcegraph network draw --out out
      forcegraph network draw --as-of 2019-06-01 --out out/2019
    """
    from .draw import draw

    check_writable(out_dir)
    say = progress(quiet)
    written = draw(open_graph(graph_paths, reasoning, frozen).kg, out_dir, as_of, progress=say)
    click.echo(f"Wrote: {', '.join(str(p) for p in written)}")


def _remote(url: str):
    from .remote import RemoteStore

    return RemoteStore(url)


@cli.command("push")
@click.option("--store", "store_url", required=True, metavar="URL",
              help="The server's URL; Oxigraph layout (URL/query, URL/update, URL/store).")
@store_options
@quiet_option
def push_command(store_url, graph_paths, reasoning, frozen, quiet):
    """Load the graph, with its inferences, into a SPARQL 1.1 Protocol + Graph Store Protocol
    server (Oxigraph server, Fuseki…), replacing what the server holds. Then `forcegraph query
    --store URL` asks the server.

    Example: forcegraph push --store http://127.0.0.1:7878
    """
    say = progress(quiet)
    remote = _remote(store_url)
    kg = open_graph(graph_paths, reasoning, frozen).kg
    say(f"pushing to {store_url}")
    sent = remote.push(kg)
    click.echo(f"Pushed {sent} quads to {store_url}")


for command in (source_group, check_command, candidates_cmd, review_group, report_command, path_command):
    cli.add_command(command)


def main():
    # Only the `forcegraph` program confines its own process: a test that runs the commands
    # inside its own process (click's CliRunner) must keep its network.
    cli(obj={"confine": True})
