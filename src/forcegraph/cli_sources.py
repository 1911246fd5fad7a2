"""`forcegraph source add|list` and `forcegraph check`: bringing a document in, and the curation lint.

Exit codes as everywhere: 0 done (or clean), 1 the check found something, 2 bad input (nothing written)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cliopts import DateType, curation_options
from .names import SOURCE_KINDS


@click.group("source")
def source_group():
    """Bring source documents in: keep the original under sources/, register it and its passages."""


@source_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(list(SOURCE_KINDS)), help="What the document is (guessed from its text if left out).")
@click.option("--title", help="The document's title (guessed if left out).")
@click.option("--date", "date_", type=DateType(), metavar="YYYY-MM-DD", help="The date the document gives itself.")
@click.option("--url", help="Where the document was published.")
@click.option("--issuer", metavar="NAME-or-IRI", help="Who issued it: a name the graph knows (e.g. an acronym) or an IRI.")
@curation_options("graph", "sources", graph_help="The graph folder; the document is written to GRAPH/documents/.")
def add(files, kind, title, date_, url, issuer, graph_dir, sources_dir):
    """Add documents (.txt, .md, .html, .pdf, .docx): keep each original under SOURCES with its
    SHA-256, keep the text read from it, split it into passages as its authors numbered them, and
    write GRAPH/documents/SLUG.trig. Title, date, issuer and kind not given are guessed from the
    text and marked fg:guessed for you to confirm. If any file cannot be added, nothing is written.

    \b
    Examples:
      forcegraph source add ~/Downloads/decision-2019-07.pdf --kind decision-record --issuer "Kent PCC"
      forcegraph source add ../shared/corpus/*.txt
    """
    from . import sources as src

    if len(files) > 1 and (title or date_ or url):
        raise src.IntakeError("--title, --date and --url describe one document; add files one by one to give them")
    opts = src.Options(kind=kind, title=title, date=date_ and date_.isoformat(), url=url, issuer=issuer)
    plans, errors = src.plan_all(list(files), opts, Path(graph_dir), Path(sources_dir),
                                 progress=lambda m: click.echo(m, err=True))
    if errors:
        for e in errors:
            click.echo(f"Error: {e}", err=True)
        if len(files) > 1:
            click.echo(f"Nothing was added: {len(errors)} of {len(files)} files cannot be; fix or leave them out.", err=True)
        sys.exit(2)
    src.write(plans, Path(sources_dir))
    new = [p for p in plans if not p.duplicate]
    for p in plans:
        if p.duplicate:
            click.echo(f"{p.source}: already added as <{p.duplicate[0]}> ({p.duplicate[1]})")
        else:
            text = f", text in {Path(sources_dir) / p.text_rel}" if p.text_rel else ""
            click.echo(f"{p.source}: added <{p.iri}> with {p.passages} passages → {p.trig_path}{text}")
    click.echo(f"Added {len(new)} documents ({sum(p.passages for p in new)} passages); "
               f"{len(plans) - len(new)} already there. Next: confirm what is marked fg:guessed, then "
               "forcegraph check.")


@source_group.command("list")
@curation_options("graph")
def list_(graph_dir):
    """List the documents the graph holds: IRI, the file that describes it, and the start of its sha256.

    Example: forcegraph source list
    """
    from . import sources as src

    known = src.scan(Path(graph_dir))
    for sha, (iri, f) in sorted(known.by_sha.items(), key=lambda kv: kv[1]):
        click.echo(f"{iri}\t{f}\t{sha[:12]}")


@click.command("check")
@curation_options("graph", "sources")
@click.option("--candidates", "candidates_dir", type=click.Path(file_okay=False),
              help="Folder of candidate facts to count those still to review [default: candidates beside GRAPH].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_command(graph_dir, sources_dir, candidates_dir, fmt):
    """Check the curation rules: excerpts verbatim in their source text, every SHA-256, every fact
    inside a passage (or reference) graph, candidates still to review, two entities sharing a label
    with nothing linking them, documents that state no facts. Prints FILE:LINE: what is wrong.
    Exits 0 when clean, 1 when something is found, 2 when the input cannot be read.

    Example: forcegraph check --format json
    """
    from .check import check

    candidates_dir = Path(candidates_dir) if candidates_dir else Path(graph_dir).resolve().parent / "candidates"
    findings = check(graph_dir, sources_dir, candidates_dir)
    if fmt == "json":
        click.echo(json.dumps({"findings": [f.__dict__ for f in findings], "count": len(findings)}, indent=2))
    else:
        for f in findings:
            click.echo(str(f))
        counts = {}
        for f in findings:
            counts[f.check] = counts.get(f.check, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing wrong"
        click.echo(f"Findings: {len(findings)} ({summary})", err=True)
    sys.exit(1 if findings else 0)
