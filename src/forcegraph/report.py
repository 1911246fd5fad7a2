"""The briefing: one self-contained HTML page (no script, nothing fetched: a Content Security
Policy forbids it) and a PDF of it printed by headless Chromium, for one date and optionally one
force or region. Built from library queries only (report-timeline, report-money,
report-conflicts, agreements-in-force, forces-in-region, sources, and the network's queries).

Every figure, bar, marker and row links to the passages that state it: anchors into the
passages section at the end of the same file, so the links work offline and in the PDF. The
charts are drawn by matplotlib as SVG (text kept as text) with each bar's link and id set on the
artist, so a bar is a link in the page."""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import networkx as nx

from . import draw, library, network
from .atomic import staging
from .errors import QueryError, ReportError
from .knowledge import KnowledgeGraph
from .query import records, resolver

CHROMIUM = "/usr/bin/chromium"
DUE_WINDOW = timedelta(days=365)
BEFORE = timedelta(days=5 * 365)  # how far back the timeline reaches from the as-of date
STEP_MARKERS = {"in force": "o", "signed": "s", "review": "D", "expiry": "X", "extended to": ">",
                "amendment": "^", "extension": ">", "joining": "P", "leaving": "v", "stepping back": "v", "go-live": "*"}
DUE_STEPS = ("review", "expiry", "extended to")
MOST_DRAWN = 150  # things in the network picture before it shows forces only
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


# --- passages -------------------------------------------------------------------------------------


class Passages:
    """The passages the report cites, numbered in the order first cited; `ref` gives the anchor."""

    def __init__(self):
        self.items: dict[str, dict] = {}

    def ref(self, row: dict, key: str = "source") -> str | None:
        iri = row.get(key)
        if not iri:
            return None
        if iri not in self.items:
            self.items[iri] = {"n": len(self.items) + 1, "iri": iri, "document": row.get("document"),
                               "title": row.get("documentTitle") or row.get("title"),
                               "locator": row.get("locator") or "", "excerpt": row.get("excerpt") or ""}
        return f"passage-{self.items[iri]['n']}"

    def refs(self, rows, key="source") -> list[str]:
        return sorted({r for r in (self.ref(x, key) for x in rows) if r}, key=lambda a: int(a.rsplit("-", 1)[1]))


# --- what the report is about ---------------------------------------------------------------------


@dataclass
class Scope:
    """All of the graph (forces None), or the forces of one force or region."""

    title: str
    forces: set[str] | None = None
    things: set[str] = field(default_factory=set)  # the forces and what they are tied to

    def concerns(self, *iris) -> bool:
        return self.forces is None or any(i in self.things for i in iris if i)


def scope_for(kg: KnowledgeGraph, force: str | None, region: str | None, every: nx.Graph) -> Scope:
    if force and region:
        raise QueryError("give --force or --region, not both")
    if force:
        iri = str(resolver(kg)(force, library.Param("force", "force", required=True)))
        return Scope(every.nodes[iri]["label"] if iri in every else force, {iri})
    if region:
        iri = str(resolver(kg)(region, library.Param("region", "entity", required=True)))
        rows = records(kg, "forces-in-region", {"region": iri})
        if not rows:
            raise QueryError(f"{region!r} is not a police region with forces (e.g. \"Eastern Region\")")
        return Scope(rows[0]["regionLabel"], {r["force"] for r in rows})
    return Scope("all forces")


def _widen(scope: Scope, every: nx.Graph) -> None:
    """The things a scoped report concerns: its forces and what they are tied to on any date."""
    if scope.forces is None:
        return
    scope.things = set(scope.forces)
    for f in scope.forces:
        if f in every:
            scope.things.update(every[f])


# --- the sections ---------------------------------------------------------------------------------


def _period_start(text: str) -> date | None:
    """A year or year-month counts from its first day (as agreements-in-force counts it); words
    such as "early 2011" leave the step undated."""
    try:
        return date.fromisoformat({4: text + "-01-01", 7: text + "-01"}.get(len(text), text))
    except ValueError:
        return None


@dataclass
class Bar:
    agreement: str
    label: str
    start: date | None
    end: date | None                  # the latest expiry, counting extensions; None: open-ended
    steps: list[dict]
    in_force: bool = False

    @property
    def slug(self) -> str:
        return self.agreement.rsplit("/", 1)[-1]


def timeline(kg: KnowledgeGraph, as_of: date, scope: Scope, passages: Passages) -> tuple[list[Bar], list[dict]]:
    """One bar per agreement whose life reaches into the window (five years before the as-of
    date to a year after); and the steps due in the twelve months after the as-of date."""
    by_agreement: dict[str, dict] = {}
    for r in records(kg, "report-timeline"):
        if not scope.concerns(r["agreement"]):
            continue
        a = by_agreement.setdefault(r["agreement"], {"label": r["agreementLabel"], "steps": {}})
        when = r["date"] if isinstance(r["date"], date) else (_period_start(str(r["period"])) if r["period"] else None)
        if when is None:
            continue
        key = (r["step"], when, r["instrument"], r["party"])
        step = a["steps"].setdefault(key, {"step": r["step"], "date": when, "text": str(r["period"] or r["date"]),
                                           "instrument": r["instrumentLabel"], "party": r["partyLabel"], "refs": []})
        ref = passages.ref(r)
        if ref and ref not in step["refs"]:
            step["refs"].append(ref)
    in_force = {r["agreement"] for r in records(kg, "agreements-in-force", {"as_of": as_of.isoformat()})}
    bars, due = [], []
    for iri, a in by_agreement.items():
        steps = sorted(a["steps"].values(), key=lambda s: (s["date"], s["step"]))
        starts = [s["date"] for s in steps if s["step"] in ("in force", "signed")]
        ends = [s["date"] for s in steps if s["step"] in ("expiry", "extended to")]
        bar = Bar(iri, a["label"], min(starts) if starts else None, max(ends) if ends else None, steps, iri in in_force)
        reaches = bar.start is not None and bar.start <= as_of + DUE_WINDOW and (bar.end is None or bar.end >= as_of - BEFORE)
        if bar.in_force or reaches:
            bars.append(bar)
        for s in steps:
            if s["step"] in DUE_STEPS and as_of < s["date"] <= as_of + DUE_WINDOW:
                due.append({**s, "agreement": iri, "label": a["label"]})
    bars.sort(key=lambda b: (b.start or date.max, b.label))
    due.sort(key=lambda s: (s["date"], s["label"]))
    return bars, due


def money(kg: KnowledgeGraph, scope: Scope, passages: Passages) -> dict[str, list[dict]]:
    """Money figures by organisation: each with its year, measure, amount (or range) and passages."""
    figures: dict[str, dict] = {}
    for r in records(kg, "report-money"):
        if scope.forces is not None and not scope.concerns(r["organisation"]):
            continue
        f = figures.setdefault(r["figure"], {
            "figure": r["figure"], "organisation": r["organisationLabel"], "measure": r["measureLabel"],
            "year": r["financialYear"] or "", "amount": r["amountGBP"], "min": r["minGBP"], "max": r["maxGBP"],
            "projected": bool(r["projected"]), "refs": []})
        ref = passages.ref(r)
        if ref and ref not in f["refs"]:
            f["refs"].append(ref)
    out: dict[str, list[dict]] = defaultdict(list)
    for f in sorted(figures.values(), key=lambda f: (f["organisation"], f["measure"], f["year"])):
        out[f["organisation"]].append(f)
    return dict(out)


def conflicts(kg: KnowledgeGraph, scope: Scope, passages: Passages) -> list[dict]:
    found: dict[str, dict] = {}
    for r in records(kg, "report-conflicts"):
        if scope.forces is not None and not scope.concerns(r["about"]):
            continue
        c = found.setdefault(r["conflict"], {"conflict": r["conflict"], "kind": r["kind"], "about": r["aboutLabel"],
                                             "description": r["description"], "sides": {}})
        if r["source"] not in c["sides"]:
            c["sides"][r["source"]] = {"ref": passages.ref(r), "excerpt": r["excerpt"] or "", "locator": r["locator"] or "",
                                       "title": r["documentTitle"] or r["document"] or ""}
    return list(found.values())


def leads(gs: dict[str, nx.Graph], scope: Scope, passages: Passages) -> tuple[list[dict], list[str], dict]:
    """Who leads what on the date: rows, the leading forces (columns), and each cell's passages."""
    rows, leaders = network.who_leads_what(gs["collaborations"], gs["services"])
    if scope.forces is not None:
        rows = [r for r in rows if set(r["roles"]) & scope.forces]
        leaders = [f for f in leaders if any(f in r["roles"] for r in rows)]
    cells = {}
    for r in rows:
        for f in r["roles"]:
            g = gs["collaborations"] if r["thing"] in gs["collaborations"] else gs["services"]
            sources = g.edges[f, r["thing"]]["sources"] if g.has_edge(f, r["thing"]) else []
            cells[(r["thing"], f)] = passages.refs([{"source": s["passage"], "document": s["document"],
                                                     "documentTitle": s["title"], "locator": s["locator"],
                                                     "excerpt": s["excerpt"]} for s in sources])
    return rows, leaders, cells


def network_svg(gs: dict[str, nx.Graph], scope: Scope, as_of: date) -> tuple[str, str]:
    """The network picture and what it shows: forces and what they are tied to, or, past
    MOST_DRAWN things (a national graph), the forces that work together, which stays legible
    (one node per force) and printable."""
    g = gs["collaborations"]
    if scope.forces is not None:
        keep = set()
        for f in scope.forces & set(g):
            keep |= {f} | set(g[f])
        g = g.subgraph(keep).copy()
    if g.number_of_nodes() == 0:
        return "<p>No ties on this date.</p>", ""
    name, note = "collaborations", "Forces and the collaborations and agreements they are tied to."
    if g.number_of_nodes() > MOST_DRAWN:
        name, g = "forces", network.project_forces(g)
        note = (f"Forces that work together (line width: how many collaborations and agreements they share): "
                f"the {gs['collaborations'].number_of_nodes()} forces, collaborations and agreements are too many "
                "to draw legibly; `forcegraph network draw` draws them, and a report for one force or region "
                "draws its part.")
    svg = draw.static_pictures(name, g, draw.positions(name, g), as_of, ("svg",))["svg"]
    return _inline(svg), note


# --- charts (matplotlib, SVG) -----------------------------------------------------------------------


def _inline(svg: bytes) -> str:
    """An SVG file's bytes as markup to place in the page (without its XML prologue)."""
    text = svg.decode("utf-8")
    # matplotlib opens every link in a new window; these are anchors in the same page.
    return text[text.index("<svg"):].replace(' target="_blank"', "")


def _svg(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return _inline(buf.getvalue())


def _rc():
    import matplotlib

    return matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "forcegraph"})


def timeline_svg(bars: list[Bar], due: list[dict], as_of: date) -> str:
    if not bars:
        return "<p>No dated agreement reaches into this period.</p>"
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    left, right = as_of - BEFORE, as_of + DUE_WINDOW + timedelta(days=60)
    due_keys = {(d["agreement"], d["step"], d["date"]) for d in due}
    with _rc():
        fig = Figure(figsize=(11, 1.2 + 0.55 * len(bars)))
        ax = fig.add_axes((0.3, 0.9 / (1.2 + 0.55 * len(bars)), 0.68, 0.55 * len(bars) / (1.2 + 0.55 * len(bars))))
        for y, b in enumerate(bars):
            start = max(b.start, left)
            end = min(b.end or right, right)
            first = next((s["refs"][0] for s in b.steps if s["refs"]), None)
            rects = ax.barh([y], [mdates.date2num(end) - mdates.date2num(start)], left=[mdates.date2num(start)],
                            height=0.5, color="#0072B2" if b.in_force else "#BBBBBB",
                            hatch=None if b.end else "//", edgecolor="white")
            rect = rects.patches[0]
            rect.set_gid(f"bar-{'in-force' if b.in_force else 'other'}-{b.slug}")
            if first:
                rect.set_url(f"#{first}")
            for s in b.steps:
                if not (left <= s["date"] <= right):
                    continue
                is_due = (b.agreement, s["step"], s["date"]) in due_keys
                (mark,) = ax.plot([mdates.date2num(s["date"])], [y], marker=STEP_MARKERS.get(s["step"], "o"), ls="",
                                  markersize=9 if is_due else 7, color="#D55E00" if is_due else "#222222",
                                  markeredgecolor="white")
                mark.set_gid(f"step-{b.slug}-{s['step'].replace(' ', '-')}-{s['date'].isoformat()}")
                if s["refs"]:
                    mark.set_url(f"#{s['refs'][0]}")
        ax.axvline(mdates.date2num(as_of), color="#D55E00", lw=1.6)
        ax.text(mdates.date2num(as_of), -0.7, f" as of {as_of.isoformat()}", color="#D55E00", fontsize=8, va="bottom")
        ax.axvspan(mdates.date2num(as_of), mdates.date2num(as_of + DUE_WINDOW), color="#F0E442", alpha=0.18, lw=0, zorder=0)  # under the bars, which stay clickable
        ax.set_yticks(range(len(bars)), [_short(b.label, 48) for b in bars], fontsize=8)
        ax.set_ylim(len(bars) - 0.4, -0.9)
        ax.set_xlim(mdates.date2num(left), mdates.date2num(right))
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(axis="x", labelsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return _svg(fig)


def money_svg(org: str, figures: list[dict]) -> str:
    """Bars by financial year, one colour per measure; a range is drawn from its low to its high end."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    years = sorted({f["year"] or "(no year)" for f in figures})
    measures = sorted({f["measure"] for f in figures})
    colours = dict(zip(measures, ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00"] * 4))
    width = 0.8 / len(measures)
    with _rc():
        fig = Figure(figsize=(max(4.5, 1.1 * len(years) + 1.5), 3.2))
        ax = fig.add_axes((0.16, 0.28, 0.8, 0.6))
        for f in figures:
            x = years.index(f["year"] or "(no year)") + (measures.index(f["measure"]) - (len(measures) - 1) / 2) * width
            low, high = (0, f["amount"]) if f["amount"] is not None else (f["min"] or 0, f["max"] or f["min"] or 0)
            rect = ax.bar([x], [float(high) - float(low)], bottom=[float(low)], width=width * 0.9,
                          color=colours[f["measure"]], alpha=0.55 if f["projected"] else 1.0,
                          hatch="//" if f["projected"] else None, edgecolor="white").patches[0]
            rect.set_gid(f"money-{f['figure'].rsplit('/', 1)[-1]}")
            if f["refs"]:
                rect.set_url(f"#{f['refs'][0]}")
        ax.set_xticks(range(len(years)), years, fontsize=8)
        ax.set_ylim(bottom=0)  # a range's bar starts at its low end, the axis at nothing
        ax.yaxis.set_major_formatter(lambda v, _: f"£{v / 1e6:g}m")
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title(_short(org, 60), fontsize=9, fontweight="bold")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Patch(color=colours[m], label=m) for m in measures]
        if any(f["projected"] for f in figures):
            handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="//", label="projected"))
        fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=7, frameon=False)
        return _svg(fig)


def _short(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


# --- the page ---------------------------------------------------------------------------------------

STYLE = """
body { font-family: "DejaVu Sans", sans-serif; color: #222; margin: 2em auto; max-width: 1100px; padding: 0 1em; line-height: 1.4; }
h1 { margin-bottom: 0.1em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2em; break-after: avoid; }
.sub { color: #555; margin-top: 0; }
.figures { display: flex; gap: 1em; flex-wrap: wrap; }
.figure { flex: 1 1 150px; border: 1px solid #ccc; border-radius: 6px; padding: 0.6em 1em; text-decoration: none; color: inherit; }
.figure b { display: block; font-size: 2em; color: #0072B2; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; white-space: nowrap; }
.money { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; break-inside: avoid; margin-bottom: 1em; }
.chart svg, .money svg { max-width: 100%; height: auto; }
.due td { background: #FFF7CC; }
sup a, a.ref { font-size: 0.8em; text-decoration: none; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.side { background: #f7f7f7; border-left: 3px solid #CC79A7; padding: 0.4em 0.8em; }
.passages li { margin-bottom: 0.4em; font-size: 0.85em; } .passages q { font-style: italic; }
.passages li:target { background: #FFF7CC; }
.legend { font-size: 0.85em; color: #555; }
@media print { body { margin: 0; max-width: none; } h2 { break-before: page; } h2.first { break-before: auto; } }
"""


def _e(text) -> str:
    return html.escape("" if text is None else str(text))


def _refs(refs: list[str]) -> str:
    return "".join(f'<sup><a class="ref" href="#{r}">[{r.rsplit("-", 1)[1]}]</a></sup>' for r in refs)


def _gbp(value) -> str:
    return "" if value is None else f"£{float(value):,.0f}"


@dataclass
class Report:
    as_of: date
    scope: Scope
    html: str
    bars: list[Bar]
    due: list[dict]
    money: dict[str, list[dict]]
    passages: Passages


def build(kg: KnowledgeGraph, as_of: date | None = None, force: str | None = None, region: str | None = None) -> Report:
    """The briefing for `as_of` (today if None), for all forces or for one force or region."""
    as_of = as_of or date.today()
    every = network.collaboration_graph(kg)
    scope = scope_for(kg, force, region, every)
    _widen(scope, every)
    passages = Passages()
    gs = network.graphs(kg, as_of, governance=False)
    bars, due = timeline(kg, as_of, scope, passages)
    cash = money(kg, scope, passages)
    rows, leaders, cells = leads(gs, scope, passages)
    disagreements = conflicts(kg, scope, passages)
    picture, picture_note = network_svg(gs, scope, as_of)

    collab = gs["collaborations"]
    forces = sorted(scope.forces) if scope.forces is not None else sorted(
        n for n, d in every.nodes(data=True) if d["kind"] == "force")
    in_scope_collabs = sorted(n for n, d in collab.nodes(data=True) if d["kind"] == "collaboration" and scope.concerns(n))
    in_force = [b for b in bars if b.in_force]
    documents = {p["document"] for p in passages.items.values() if p["document"]}
    if scope.forces is None:
        documents |= {r["document"] for r in records(kg, "sources")}

    parts = [f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<title>Police collaboration briefing — {_e(scope.title)} — {as_of.isoformat()}</title>
<style>{STYLE}</style></head><body>
<h1>Police collaboration briefing: {_e(scope.title)}</h1>
<p class="sub">As of <time id="as-of" datetime="{as_of.isoformat()}">{as_of.isoformat()}</time>. Every figure, bar and
row links to the passages of the source documents that state it (numbers in brackets; see
<a href="#passages">Passages</a>).</p>
<div class="figures" id="headline">
<a class="figure" href="#network"><b id="n-forces">{len(forces)}</b>police forces</a>
<a class="figure" href="#timeline"><b id="n-agreements">{len(in_force)}</b>agreements in force</a>
<a class="figure" href="#leads"><b id="n-collaborations">{len(in_scope_collabs)}</b>collaborations</a>
<a class="figure" href="#passages"><b id="n-documents">{len(documents)}</b>documents</a>
<a class="figure" href="#conflicts"><b id="n-conflicts">{len(disagreements)}</b>conflicts between documents</a>
</div>"""]

    parts.append(f"""<h2 id="timeline" class="first">Agreements timeline</h2>
<p class="legend">One bar per agreement whose life reaches into the five years before {as_of.isoformat()} or the
year after: from coming into force (or signing) to its latest expiry, counting extensions; blue: in force on
{as_of.isoformat()}; hatched: no end date stated. Markers: ● in force, ■ signed, ◆ review, ✖ expiry,
▶ extension, ▲ amendment, ✚ joining; orange: due in the next twelve months (shaded). Click a bar or a
marker for its passage.</p>
<div class="chart">{timeline_svg(bars, due, as_of)}</div>
<table id="timeline-table"><tr><th>agreement</th><th>from</th><th>to</th><th>in force on {as_of.isoformat()}</th><th>steps</th></tr>""")
    for b in bars:
        steps = "; ".join(f"{_e(s['step'])} {_e(s['text'])}"
                          + (f" ({_e(s['party'])})" if s["party"] else "") + _refs(s["refs"]) for s in b.steps)
        parts.append(f'<tr class="agreement" data-agreement="{_e(b.agreement)}" data-in-force="{str(b.in_force).lower()}">'
                     f"<td>{_e(b.label)}</td><td>{b.start or ''}</td><td>{b.end or 'not stated'}</td>"
                     f"<td>{'yes' if b.in_force else 'no'}</td><td>{steps}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h3 id=\"due\">Due in the twelve months after {as_of.isoformat()}</h3>")
    if due:
        parts.append('<table class="due"><tr><th>date</th><th>what</th><th>agreement</th></tr>')
        parts += [f"<tr><td>{d['date']}</td><td>{_e(d['step'])}{_refs(d['refs'])}</td><td>{_e(d['label'])}</td></tr>" for d in due]
        parts.append("</table>")
    else:
        parts.append("<p>Nothing the documents date falls due in these twelve months.</p>")

    parts.append('<h2 id="money">Money by financial year and organisation</h2>')
    if not cash:
        parts.append("<p>The documents state no money figures for this scope.</p>")
    for i, (org, figures) in enumerate(cash.items()):
        rows_html = "".join(
            f'<tr data-figure="{_e(f["figure"])}"><td>{_e(f["year"])}</td><td>{_e(f["measure"])}</td>'
            f'<td class="num">{_gbp(f["amount"]) if f["amount"] is not None else _gbp(f["min"]) + "–" + _gbp(f["max"])}</td>'
            f'<td>{"projected" if f["projected"] else ""}</td><td>{_refs(f["refs"])}</td></tr>' for f in figures)
        parts.append(f'<div class="money" id="money-{i}"><div>{money_svg(org, figures)}</div>'
                     f'<table><tr><th colspan="5">{_e(org)}</th></tr><tr><th>year</th><th>measure</th><th>amount</th>'
                     f'<th></th><th>source</th></tr>{rows_html}</table></div>')

    parts.append(f'<h2 id="leads">Who leads what on {as_of.isoformat()}</h2>')
    if rows:
        names = {n: d for n, d in list(gs["collaborations"].nodes(data=True)) + list(gs["services"].nodes(data=True))}
        head = "".join(f"<th>{_e(names[f]['short'])}</th>" for f in leaders)
        parts.append(f'<table id="leads-matrix"><tr><th>collaboration, service area or service</th><th>kind</th>{head}</tr>')
        for r in rows:
            cells_html = "".join(f"<td>{_e(r['roles'].get(f, ''))}{_refs(cells.get((r['thing'], f), []))}</td>" for f in leaders)
            parts.append(f"<tr><td>{_e(r['label'])}</td><td>{_e(r['kind'])}</td>{cells_html}</tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No lead or host force is stated for this scope on this date.</p>")

    parts.append(f'<h2 id="network">The network on {as_of.isoformat()}</h2><p class="legend">{_e(picture_note)}</p>'
                 f'<div class="chart">{picture}</div>')

    parts.append('<h2 id="conflicts">Where the documents disagree</h2>')
    if not disagreements:
        parts.append("<p>No conflicts between documents concern this scope.</p>")
    for c in disagreements:
        sides = "".join(f'<div class="side"><a class="ref" href="#{s["ref"]}">[{s["ref"].rsplit("-", 1)[1]}]</a> {_e(s["title"])}, '
                        f'{_e(s["locator"])}<br><q>{_e(s["excerpt"])}</q></div>' for s in c["sides"].values() if s["ref"])
        parts.append(f'<div class="conflict"><p><b>{_e(c["about"] or c["kind"])}</b>: {_e(c["description"])}</p>'
                     f'<div class="sides">{sides}</div></div>')

    parts.append('<h2 id="passages">Passages</h2><ol class="passages">')
    for p in passages.items.values():
        parts.append(f'<li id="passage-{p["n"]}"><b>{_e(p["title"] or p["document"])}</b>, {_e(p["locator"])}: '
                     f'<q>{_e(p["excerpt"])}</q> <small>{_e(p["iri"])}</small></li>')
    parts.append("</ol><p class=\"legend\">Made by forcegraph from the graph's library queries.</p></body></html>\n")
    return Report(as_of, scope, "\n".join(parts), bars, due, cash, passages)


# --- writing --------------------------------------------------------------------------------------


def print_pdf(html_path: Path, pdf_path: Path, timeout: float = 600) -> None:
    """Print a page to PDF with headless Chromium, in a profile of its own that is thrown away."""
    if not Path(CHROMIUM).exists():
        raise ReportError(f"{CHROMIUM} is not installed: the PDF is printed by headless Chromium "
                          "(scripts/setup.sh --browser installs it)")
    profile = tempfile.mkdtemp(prefix="forcegraph-chromium-")
    try:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
             html_path.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "HOME": profile})
    except subprocess.TimeoutExpired:
        raise ReportError(f"Chromium took more than {timeout:.0f}s to print the PDF") from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0 or not pdf_path.exists():
        raise ReportError(f"Chromium could not print the PDF: {done.stderr.strip().splitlines()[-1:] or done.returncode}")


def write(report: Report, out_dir: Path, pdf: bool = True) -> list[Path]:
    """OUT/report.html and OUT/report.pdf, both or neither."""
    out_dir = Path(out_dir)
    with staging(out_dir) as tmp:
        (tmp / "report.html").write_text(report.html, encoding="utf-8")
        written = [out_dir / "report.html"]
        if pdf:
            print_pdf(tmp / "report.html", tmp / "report.pdf")
            written.append(out_dir / "report.pdf")
    return written

