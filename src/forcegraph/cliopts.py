"""What every command module shares (sqlite-utils style): the group that turns errors into one
line and an exit code, the shared options, progress on stderr, and opening the built graph."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import click

from .dates import parse_date
from .errors import ForcegraphError
from .names import PROFILES


class Commands(click.Group):
    """The click group that turns every error a person can cause into one line and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ForcegraphError as e:
            if e.detail:
                click.echo(e.detail, err=True)
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except BrokenPipeError:
            raise  # a reader that stopped early (`| head`): click's own handling is right
        except OSError as e:  # a file or folder named on the command line
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"Error: {where}{(e.strerror or str(e)).lower()}; check the path, and that you may "
                       "read or write there", err=True)
            ctx.exit(2)


class DateType(click.ParamType):
    """A YYYY-MM-DD date: one type, so every command refuses a bad date with the same words."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


def progress(quiet: bool):
    """A function that prints a step with the seconds since the command began, unless quiet."""
    start = time.perf_counter()

    def say(step: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - start:6.2f}s] {step} …", err=True)

    return say


quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress messages.")


def graph_options(f):
    """--graph and --reasoning: which data to load and what to infer from it."""
    f = click.option(
        "--reasoning", type=click.Choice(PROFILES), default="owl-rl", show_default=True,
        help="Inference before validating and querying: OWL 2 RL, RDFS only, or none.")(f)
    return click.option(
        "--graph", "graph_paths", multiple=True, default=["graph"], show_default=True, type=click.Path(),
        help="Folder or file of RDF data: TriG, Turtle, N-Quads, N-Triples, JSON-LD, RDF/XML (repeatable).")(f)


def store_options(f):
    """graph_options and --frozen: for the verbs that read the built store."""
    f = click.option(
        "--frozen", is_flag=True,
        help="Never build: if the graph has not been built from these inputs, or one changed since, "
             "refuse (exit 2) instead of building it again.")(f)
    return graph_options(f)


def curation_options(*which: str, graph_help: str = "Folder of the graph's TriG files."):
    """The folders curation works on (--graph, --sources, --candidates), as the verbs that
    bring documents in and review candidates name them."""
    options = {
        "graph": click.option("--graph", "graph_dir", default="graph", show_default=True,
                              type=click.Path(file_okay=False), help=graph_help),
        "sources": click.option("--sources", "sources_dir", default="sources", show_default=True,
                                type=click.Path(file_okay=False), help="Folder that keeps the originals and their text."),
        "candidates": click.option("--candidates", "candidates_dir", default="candidates", show_default=True,
                                   type=click.Path(file_okay=False), help="Folder of candidate facts (outside graph/)."),
    }

    def decorate(f):
        for name in reversed(which):
            f = options[name](f)
        return f
    return decorate


def out_dir_option(help: str, default: str | None = "out"):
    return click.option("--out", "out_dir", default=default, show_default=default is not None, required=default is None,
                        type=click.Path(file_okay=False, path_type=Path), help=help)


def as_of_option(help: str):
    return click.option("--as-of", "as_of", type=DateType(), metavar="DATE", help=help)


def open_graph(graph_paths, reasoning, frozen=False):
    """The built store of the graph (store.py): opened as it is, or built first (saying why on
    stderr) if the inputs changed or it was never built."""
    from .store import open_built

    def note(message: str) -> None:
        click.echo(f"forcegraph: {message}", err=True)

    # Progress shows whenever a verb has to build: it is the long wait the user did not ask for.
    return open_built(graph_paths, reasoning, frozen=frozen, say=progress(False), note=note)
