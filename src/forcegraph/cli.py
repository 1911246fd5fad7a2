"""The forcegraph command line: a thin layer over the Python API.

Exit codes: 0 success (the graph conforms), 1 the graph does not conform, 2 bad input or usage."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from . import __version__, library
from .build import build as run_build, write_outputs
from .load import LoadError, load
from .output import FORMATS, render
from .query import ENGINES, QueryError, run, run_sparql
from .reason import PROFILES, reason
from .validate import validate as run_validate


def _progress(quiet: bool):
    start = time.perf_counter()

    def say(step: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - start:6.2f}s] {step} …", err=True)

    return say


def _fail(message: str, code: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


graph_option = click.option(
    "--graph", "graph_paths", multiple=True, default=["graph"], show_default=True, type=click.Path(),
    help="Folder or file of TriG/Turtle data (repeatable).",
)
reasoning_option = click.option(
    "--reasoning", type=click.Choice(PROFILES), default="owl-rl", show_default=True,
    help="Inference before validating and querying: OWL 2 RL, RDFS only, or none.",
)


def _load_and_reason(graph_paths, reasoning, quiet=True):
    say = _progress(quiet)
    try:
        say("loading")
        kg = load(graph_paths)
    except LoadError as e:
        _fail(str(e))
    say(f"reasoning ({reasoning})")
    reason(kg, reasoning)
    return kg


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="forcegraph")
def cli():
    """forcegraph: a knowledge graph of UK police forces and how they work together."""


@cli.command()
@graph_option
@reasoning_option
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the built graph, summary, validation report and conflicts.")
@click.option("--quiet", is_flag=True, help="No progress messages.")
def build(graph_paths, reasoning, out_dir, quiet):
    """Load, reason and validate the graph; write the results to OUT.

    Prints counts of triples, passages, documents and entities by class, the conflicts found
    between documents, and any violations of the shapes. Nothing is written if a file does not
    parse; exits 1 if the graph does not conform.

    Example: forcegraph build --out out
    """
    say = _progress(quiet)
    try:
        result = run_build(graph_paths, reasoning, progress=say)
    except LoadError as e:
        _fail(str(e))
    say("writing")
    written = write_outputs(result, Path(out_dir))
    s = result.summary()
    t = s["triples"]
    click.echo(f"Triples: {t['asserted']} asserted, {t['inferred']} inferred, {t['provenance']} provenance, {t['total']} in all")
    click.echo(f"Documents: {s['documents']}  Passages: {s['passages']}  External sources: {s['external sources']}")
    click.echo("Entities by class:")
    for label, count in s["entities by class"].items():
        click.echo(f"  {label:<38} {count:>5}")
    click.echo(f"Conflicts between documents: {s['conflicts']} (see {Path(out_dir) / 'conflicts.csv'})")
    click.echo(result.validation.text())
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in s["seconds"].items())
    click.echo(f"Time: {timing}")
    click.echo(f"Wrote: {', '.join(str(p) for p in written)}")
    sys.exit(0 if result.validation.conforms else 1)


@cli.command()
@graph_option
@reasoning_option
def validate(graph_paths, reasoning):
    """Validate the graph against the SHACL shapes; exit 0 if it conforms, 1 if not, 2 if it cannot load.

    Example: forcegraph validate --graph graph
    """
    kg = _load_and_reason(graph_paths, reasoning)
    report = run_validate(kg)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


def _parse_params(pairs) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            _fail(f"--param expects key=value, got {pair!r}")
        params[key.strip()] = value
    return params


@cli.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the library's queries with their titles.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the query (repeatable).")
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False), help="Run your own SPARQL from a file.")
@click.option("--sparql", help="Run your own SPARQL given as text.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output for SELECT/ASK; CONSTRUCT and DESCRIBE always give Turtle.")
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True, help="SPARQL engine.")
@graph_option
@reasoning_option
def query(name, list_, params, query_file, sparql, fmt, engine, graph_paths, reasoning):
    """Run a named library query, or your own SPARQL.

    \b
    Examples:
      forcegraph query --list
      forcegraph query who-leads-what
      forcegraph query agreements-in-force --param as_of=2019-06-01 --format csv
      forcegraph query --sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
    """
    if list_:
        for q in library.library().values():
            ps = " ".join(f"[{p.name}={p.type}]" for p in q.params)
            click.echo(f"{q.name:<34} {q.title}" + (f"  {ps}" if ps else ""))
        return
    chosen = [x for x in (name, query_file, sparql) if x]
    if len(chosen) != 1:
        _fail("give exactly one of: a query NAME, --file FILE or --sparql TEXT (or --list)")
    kg = _load_and_reason(graph_paths, reasoning)
    try:
        if name:
            result = run(kg, name, _parse_params(params), engine)
        else:
            if params:
                _fail("--param applies to library queries; in your own SPARQL, use VALUES")
            text = Path(query_file).read_text(encoding="utf-8") if query_file else sparql
            result = run_sparql(kg, text, engine=engine)
    except QueryError as e:
        _fail(str(e))
    click.echo(render(result, fmt), nl=False if fmt != "table" else True)


def main():
    cli()
