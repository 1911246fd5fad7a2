"""Click commands for candidate facts: `forcegraph candidates` and `forcegraph review …`."""

from __future__ import annotations

from collections import Counter

import click

from .cliopts import curation_options
from .names import CANDIDATE_STATUSES as STATUSES


_paths = curation_options("graph", "candidates", "sources")


def _project(graph_dir, candidates_dir, sources_dir):
    from .review import Project

    return Project(graph_dir, candidates_dir, sources_dir)


@click.command("candidates")
@click.argument("documents", nargs=-1)
@click.option("--all-new", is_flag=True, help="Every document with neither candidates nor facts yet.")
@_paths
def candidates_cmd(documents, all_new, graph_dir, candidates_dir, sources_dir):
    """Propose candidate facts for documents (IRI or slug) into candidates/{slug}.trig.

    Rejected and accepted candidates are kept, so running it again never proposes them again.

    Example: forcegraph candidates cpcc-2019-007
    """
    from .candidates import CandidateError
    from .review import run_extractor

    if not documents and not all_new:
        raise CandidateError("name at least one document (IRI or slug), or give --all-new")
    done = 0
    for doc, new, everything, path in run_extractor(_project(graph_dir, candidates_dir, sources_dir), documents, all_new):
        done += 1
        waiting = Counter(c.kind for c in everything if c.status == "proposed")
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(waiting.items())) or "none"
        click.echo(f"{doc.slug}: {len(new)} new, {sum(waiting.values())} to review ({kinds}) -> {path}")
    if not done:
        click.echo("No documents to propose candidates for.", err=True)


@click.group("review")
def review_group():
    """Accept, edit or reject candidate facts (see docs/curation.md)."""


@review_group.command("list")
@click.argument("document", required=False)
@click.option("--status", type=click.Choice(STATUSES), default="proposed", show_default=True)
@_paths
def review_list(document, status, graph_dir, candidates_dir, sources_dir):
    """List candidates: id, kind, confidence, the proposed fact and the words it rests on.

    Example: forcegraph review list cpcc-2019-007
    """
    from .candidates import label_of

    found = _project(graph_dir, candidates_dir, sources_dir).all_candidates(status)
    for slug, c in found:
        if document in (None, slug):
            click.echo(f"{slug}/{c.n}\t{c.kind}\t{c.confidence:.2f}\t{label_of(c)}\t“{c.evidence}”")


def _decide(action, ids, value, graph_dir, candidates_dir, sources_dir):
    from .candidates import label_of
    from .review import decide

    project = _project(graph_dir, candidates_dir, sources_dir)
    for ref in ids:
        c = decide(project, ref, action, value)
        click.echo(f"{ref}: {c.status} ({label_of(c)})")


@review_group.command("accept")
@click.argument("ids", nargs=-1, required=True)
@_paths
def review_accept(ids, graph_dir, candidates_dir, sources_dir):
    """Accept candidates: their facts go into the document's passage graphs under graph/.

    Example: forcegraph review accept cpcc-2019-007/4 cpcc-2019-007/5
    """
    _decide("accept", ids, None, graph_dir, candidates_dir, sources_dir)


@review_group.command("reject")
@click.argument("ids", nargs=-1, required=True)
@_paths
def review_reject(ids, graph_dir, candidates_dir, sources_dir):
    """Reject candidates; they are remembered and never proposed again.

    Example: forcegraph review reject cpcc-2019-007/7
    """
    _decide("reject", ids, None, graph_dir, candidates_dir, sources_dir)


@review_group.command("edit")
@click.argument("id_")
@click.argument("value")
@_paths
def review_edit(id_, value, graph_dir, candidates_dir, sources_dir):
    """Change a candidate's object (a date, an amount, an IRI or KIND/SLUG), then accept it.

    Example: forcegraph review edit cpcc-2019-007/12 2021-03-31
    """
    _decide("edit", [id_], value, graph_dir, candidates_dir, sources_dir)


@review_group.command("serve")
@click.option("--port", default=8010, show_default=True, type=click.IntRange(1, 65535))
@_paths
def review_serve(port, graph_dir, candidates_dir, sources_dir):
    """A local review page at http://127.0.0.1:PORT/ (this machine only).

    Example: forcegraph review serve --port 8010
    """
    from .review import serve

    click.echo(f"Review page: http://127.0.0.1:{port}/", err=True)
    serve(_project(graph_dir, candidates_dir, sources_dir), port)
