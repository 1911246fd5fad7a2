"""`forcegraph report` and `forcegraph path`: the briefing, and how two things are connected.

Exit codes as everywhere: 0 done, 2 bad input (an unknown name, a bad date; nothing written)."""

from __future__ import annotations

import click

from .atomic import check_writable
from .cliopts import as_of_option, open_graph, out_dir_option, progress, quiet_option, store_options


@click.command("report")
@as_of_option("The date the briefing is about (YYYY-MM-DD) [default: today].")
@click.option("--force", "force", metavar="NAME", help="Only what concerns this force (name, acronym, id or IRI).")
@click.option("--region", metavar="NAME", help='Only what concerns the forces of this region (e.g. "Eastern Region").')
@out_dir_option("Folder for report.html and report.pdf.", default=None)
@click.option("--no-pdf", is_flag=True, help="Write only the HTML (the PDF needs headless Chromium).")
@store_options
@quiet_option
def report_command(as_of, force, region, out_dir, no_pdf, graph_paths, reasoning, frozen, quiet):
    """Write a briefing: OUT/report.html (one file, works offline) and OUT/report.pdf (printed by
    headless Chromium). Headline figures, the agreements timeline with what falls due in the next
    twelve months, money by financial year and organisation, who leads what, the network on the
    date, and where the documents disagree; every figure, bar and row links to its passages.

    \b
    Examples:
      forcegraph report --out out/briefing
      forcegraph report --as-of 2019-06-01 --force Cambridgeshire --out out/cambs
      forcegraph report --region "Eastern Region" --out out/eastern
    """
    from .report import build, write

    check_writable(out_dir)
    say = progress(quiet)
    kg = open_graph(graph_paths, reasoning, frozen).kg
    say("building the report")
    result = build(kg, as_of, force=force, region=region)
    say("writing" + ("" if no_pdf else " and printing the PDF"))
    written = write(result, out_dir, pdf=not no_pdf)
    click.echo(f"Report on {result.scope.title} as of {result.as_of.isoformat()}: {len(result.bars)} agreements on the "
               f"timeline, {len(result.due)} due in the next twelve months, {len(result.passages.items)} passages cited")
    click.echo(f"Wrote: {', '.join(str(p) for p in written)}")


@click.command("path")
@click.argument("a")
@click.argument("b")
@click.option("--max-length", default=4, show_default=True, type=click.IntRange(1, 8),
              help="Most steps in a chain.")
@as_of_option("Only agreements in force on DATE (YYYY-MM-DD) connect; every link if left out.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "svg"]), default="table", show_default=True,
              help="table: each chain with its passages; json; svg: a small picture.")
@click.option("--most", default=10, show_default=True, type=click.IntRange(1, 100), help="Most chains shown.")
@store_options
def path_command(a, b, max_length, as_of, fmt, most, graph_paths, reasoning, frozen):
    """How A and B are connected: the shortest chains of stated links between them (through
    corporations sole, agreements, collaborations, governance bodies and services), each step
    with the passages that state it; shorter and better-sourced chains first.

    \b
    Examples:
      forcegraph path "Thames Valley Police" "Cambridgeshire Constabulary"
      forcegraph path "Thames Valley Police" BTP --as-of 2019-06-01 --format json
      forcegraph path Kent Cambridgeshire --format svg > path.svg
    """
    from .paths import find

    found = find(open_graph(graph_paths, reasoning, frozen).kg, a, b, max_length, as_of, most)
    if fmt == "svg":
        click.echo(found.to_svg().decode("utf-8"), nl=False)
    else:
        click.echo(found.to_json() if fmt == "json" else found.to_table(), nl=False)
