"""Pictures of the alliance: one self-contained interactive HTML page (works offline, a snapshot
for every date on which the network changes), static SVG and PNG for reports (matplotlib), and
GEXF and GraphML for Gephi and Cytoscape.

Positions are computed here, in Python, once per graph over every date, so that a node keeps its
place while the date changes; the page's script only draws them."""

from __future__ import annotations

import io
import json
import math
import textwrap
from datetime import date, timedelta
from pathlib import Path
from statistics import mean

import networkx as nx

from . import network
from .atomic import staging
from .knowledge import KnowledgeGraph

STATIC = Path(__file__).parent / "static" / "network"

# Okabe–Ito colours (safe for colour-blind readers), with a shape for each kind as well.
KINDS = {
    "force": {"colour": "#0072B2", "shape": "circle", "legend": "police force", "plural": "police forces"},
    "collaboration": {"colour": "#009E73", "shape": "square", "legend": "collaboration", "plural": "collaborations"},
    "agreement": {"colour": "#E69F00", "shape": "diamond", "legend": "agreement", "plural": "agreements"},
    "service area": {"colour": "#CC79A7", "shape": "hexagon", "legend": "service area", "plural": "service areas"},
    "service": {"colour": "#56B4E9", "shape": "circle", "legend": "service", "plural": "services"},
    "governance body": {"colour": "#D55E00", "shape": "square", "legend": "governance body", "plural": "governance bodies"},
    "corporation sole": {"colour": "#444444", "shape": "circle", "legend": "corporation sole (PCC, chief constable)", "plural": "corporations sole (PCC, chief constable)"},
    "policing body": {"colour": "#444444", "shape": "circle", "legend": "policing body", "plural": "policing bodies"},
    "post": {"colour": "#999999", "shape": "circle", "legend": "post or person", "plural": "posts or people"},
    "person": {"colour": "#999999", "shape": "circle", "legend": "post or person", "plural": "posts or people"},
    "plan": {"colour": "#BBBBBB", "shape": "diamond", "legend": "plan or other", "plural": "plans or other"},
    "other": {"colour": "#BBBBBB", "shape": "diamond", "legend": "plan or other", "plural": "plans or other"},
}
LEAD_COLOUR = "#D55E00"
EDGE_COLOUR = "#8C8C8C"
COMMUNITY_COLOURS = ["#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
EDGE_LEGEND = {
    "collaborations": [("member", "member of a collaboration", "solid"), ("party", "party to an agreement", "dashed"),
                       ("lead", "leads or hosts", "lead")],
    "forces": [("shared", "share collaborations or agreements (width: how many)", "solid")],
    "services": [("takes part", "takes part (member of the delivering collaboration)", "solid"),
                 ("lead", "leads (itself or through its service area)", "lead")],
    "governance": [("relation", "reports to, recommends to, advises, chaired by, part of", "solid"),
                   ("lead", "oversees", "lead")],
}
ROW = 30          # vertical distance between rows of labels, in px
COLUMN = 460      # distance between the two columns of a bipartite picture
WRAP = 26         # characters per label line


# --- positions ----------------------------------------------------------------------------------


def label_lines(text: str, anchor: str = "middle") -> list[str]:
    """A label wrapped for drawing: narrow under a node, wide beside one (rows are close)."""
    width, most = (WRAP, 4) if anchor in ("middle", "above") else (44, 2)
    lines = textwrap.wrap(text, width) or [text]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _spread(wanted: list[tuple[float, str]], gap: float) -> dict[str, float]:
    """Place items at their wanted heights, in order, at least `gap` apart, centred on the wanted."""
    wanted = sorted(wanted)
    placed: list[float] = []
    for y, _ in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    shift = mean(y for y, _ in wanted) - mean(placed) if placed else 0
    return {n: y + shift for (_, n), y in zip(wanted, placed)}


def _two_columns(g: nx.Graph, key) -> dict[str, dict]:
    """Forces on the left, what they are tied to on the right (ordered by `key`); each force at
    the height of the things it is tied to (leads weigh most), spread so labels do not touch."""
    things = sorted((n for n, d in g.nodes(data=True) if d["kind"] != "force"), key=key)
    y = {n: i * ROW for i, n in enumerate(things)}
    wanted = []
    for f in (n for n, d in g.nodes(data=True) if d["kind"] == "force"):
        weights = [(y[t], 4 if g.edges[f, t]["lead"] else 1) for t in g[f]]
        wanted.append((sum(a * w for a, w in weights) / sum(w for _, w in weights), f))
    forces = _spread(wanted, 1.6 * ROW)
    pos = {f: {"x": 0, "y": fy, "anchor": "end"} for f, fy in forces.items()}
    pos.update({t: {"x": COLUMN, "y": ty, "anchor": "start"} for t, ty in y.items()})
    return pos


def _collaborations_order(g: nx.Graph):
    """Things grouped by the forces they join (the mean place of those forces in community
    order), collaborations before agreements within a group, so related rows sit together."""
    forces = network.project_forces(g)
    order = {f: i for i, f in enumerate(_force_order(forces))}

    def key(n):
        members = [order[f] for f in g[n]]
        return (round(mean(members), 2), -len(members), g.nodes[n]["kind"] != "collaboration", g.nodes[n]["short"].lower())
    return key


def _force_order(forces: nx.Graph) -> list[str]:
    """Forces in community order, the most connected first within each community."""
    out = []
    for community in network.communities(forces):
        out += sorted(community, key=lambda f: (-forces.degree(f, weight="weight"), forces.nodes[f]["label"]))
    return out


def _services_order(g: nx.Graph):
    """Grouped by the delivering collaboration, then service area (the area first), then name."""
    def key(n):
        d = g.nodes[n]
        area = d.get("area") or (n if d["kind"] == "service area" else None)
        area_label = g.nodes[area]["label"] if area in g else (d.get("area_label") or "~")
        return (d.get("delivered_by") or "~", area_label, d["kind"] != "service area", d["label"].lower())
    return key


def _circle(g: nx.Graph) -> dict[str, dict]:
    """Forces round a circle in community order (so each community is an arc), labels outside."""
    order = _force_order(g)
    radius = max(180, len(order) * 22)
    pos = {}
    for i, n in enumerate(order):
        angle = math.pi / 2 - 2 * math.pi * i / len(order)
        x, y = radius * math.cos(angle), -radius * math.sin(angle)
        anchor = ("above" if y < 0 else "middle") if abs(x) < radius * 0.2 else ("start" if x > 0 else "end")
        pos[n] = {"x": round(x, 1), "y": round(y, 1), "anchor": anchor}
    return pos


def _layers(g: nx.DiGraph) -> dict[str, dict]:
    """Left to right along the arrows (a body, what it reports to, …), one block per connected
    part, blocks stacked downwards; labels under the nodes."""
    pos, top = {}, 0.0
    parts = sorted(nx.weakly_connected_components(g), key=lambda c: (-len(c), min(g.nodes[n]["label"] for n in c)))
    for part in parts:
        sub = g.subgraph(part)
        dag = nx.DiGraph(e for e in sub.edges if not nx.has_path(sub, e[1], e[0]) or e[0] < e[1])
        dag.add_nodes_from(sub)
        level = {}
        for n in nx.topological_sort(dag):
            level[n] = max((level[p] + 1 for p in dag.predecessors(n)), default=0)
        columns: dict[int, list[str]] = {}
        for n in sorted(part, key=lambda n: g.nodes[n]["label"].lower()):
            columns.setdefault(level[n], []).append(n)
        # Each later column in the order of what points to it, so that arrows cross less.
        rank = {n: i for i, n in enumerate(columns[0])}
        for lv in sorted(columns)[1:]:
            columns[lv].sort(key=lambda n: mean([rank[p] for p in dag.predecessors(n) if p in rank] or [len(rank)]))
            rank.update({n: i for i, n in enumerate(columns[lv])})
        height = max(len(c) for c in columns.values())
        for lv, nodes in columns.items():
            offset = (height - len(nodes)) * 2.4 * ROW / 2
            for i, n in enumerate(nodes):
                pos[n] = {"x": lv * 250, "y": top + offset + i * 2.4 * ROW, "anchor": "middle"}
        top += height * 2.4 * ROW + ROW
    return pos


def positions(name: str, g: nx.Graph) -> dict[str, dict]:
    """Where each node of graph `name` goes: x, y in px and the side its label is written on."""
    if name == "forces":
        return _circle(g)
    if name == "collaborations":
        return _two_columns(g, _collaborations_order(g))
    if name == "services":
        return _two_columns(g, _services_order(g))
    return _layers(g)


# --- static pictures ----------------------------------------------------------------------------

_MARKERS = {"circle": "o", "square": "s", "diamond": "D", "hexagon": "h"}


def _title(name: str, as_of: date | None) -> str:
    return f"{network.TITLES[name]} — as of {as_of.isoformat() if as_of else 'any date (everything recorded)'}"


def _community_colours(g: nx.Graph) -> dict[str, str]:
    return {f: COMMUNITY_COLOURS[i % len(COMMUNITY_COLOURS)]
            for i, c in enumerate(network.communities(g)) for f in c}


def static_pictures(name: str, g: nx.Graph, pos: dict[str, dict], as_of: date | None,
                    formats: tuple[str, ...] = ("svg", "png")) -> dict[str, bytes]:
    """One graph drawn with matplotlib, as SVG and PNG: title with the date, legend, labels that
    do not overlap. Uses matplotlib's Figure directly: no pyplot, no change to global settings."""
    import matplotlib  # imported here: it is slow to import and only drawing needs it

    # Text stays text in the SVG (searchable, small); the same drawing gives the same bytes.
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "forcegraph"}):
        fig = _figure(name, g, pos, as_of)
        out = {}
        for fmt, dpi, metadata in (("svg", 100, {"Date": None}), ("png", 150, None)):
            if fmt not in formats:
                continue
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=metadata)
            out[fmt] = buf.getvalue()
    return out


def _figure(name: str, g: nx.Graph, pos: dict[str, dict], as_of: date | None):
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    char = 6.2  # px per character at the label size
    xs, ys = [], []
    for n in g:
        p, lines = pos[n], label_lines(g.nodes[n]["short"], pos[n]["anchor"])
        w = max(len(line) for line in lines) * char
        left = {"end": p["x"] - w - 14, "start": p["x"], "middle": p["x"] - w / 2, "above": p["x"] - w / 2}[p["anchor"]]
        xs += [left, left + w + 14]
        ys += [p["y"] - 14 - (len(lines) * 13 if p["anchor"] == "above" else 0),
               p["y"] + 14 + (len(lines) * 13 if p["anchor"] == "middle" else 0)]
    if not xs:
        xs, ys = [0, 400], [0, 200]
    title = _title(name, as_of)
    width, height = max(xs) - min(xs) + 60, max(ys) - min(ys) + 60
    full = max(width, len(title) * 10 + 60, 900)  # wide enough for the title and the legend
    legend_h = 90
    fig = Figure(figsize=(full / 100, (height + legend_h + 60) / 100), dpi=100)
    ax = fig.add_axes((0, (legend_h + 10) / (height + legend_h + 60), 1, height / (height + legend_h + 60)))
    ax.set_xlim(min(xs) - 30 - (full - width) / 2, max(xs) + 30 + (full - width) / 2)
    ax.set_ylim(max(ys) + 30, min(ys) - 30)
    ax.axis("off")
    fig.suptitle(title, fontsize=13, fontweight="bold", y=1 - 15 / (height + legend_h + 60), va="top")

    communities = _community_colours(g) if name == "forces" else {}
    directed = g.is_directed()
    lines: dict[tuple, list] = {}  # undirected edges, one collection per look (quicker to draw)
    for u, v, e in g.edges(data=True):
        (x1, y1), (x2, y2) = (pos[u]["x"], pos[u]["y"]), (pos[v]["x"], pos[v]["y"])
        lead = e.get("lead", False)
        colour = LEAD_COLOUR if lead else EDGE_COLOUR
        width_ = 0.6 + 0.7 * e["weight"] if name == "forces" else (2.4 if lead else 0.8)
        if directed:
            # A pair that points both ways bends apart; each label sits past the middle of its own arrow.
            bend = 0.25 if g.has_edge(v, u) else 0.0
            ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops=dict(
                arrowstyle="-|>", color=colour, lw=width_, shrinkA=9, shrinkB=9, mutation_scale=11,
                connectionstyle=f"arc3,rad={bend}"), zorder=1)
            lx, ly = x1 + 0.55 * (x2 - x1) - bend * 0.5 * (y2 - y1), y1 + 0.55 * (y2 - y1) + bend * 0.5 * (x2 - x1)
            ax.text(lx, ly, " / ".join(e["ties"]), fontsize=6.5, color="#555555",
                    ha="center", va="center", style="italic", zorder=2,
                    bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85))
        else:
            look = (colour, "--" if e.get("tie") == "party" else "-", 0.9 if lead else 0.55, 2 if lead else 1)
            lines.setdefault(look, []).append(([(x1, y1), (x2, y2)], width_))
    for (colour, style, alpha, z), segs in lines.items():
        ax.add_collection(LineCollection([s for s, _ in segs], linewidths=[w for _, w in segs], colors=colour,
                                         linestyles=style, alpha=alpha, zorder=z, capstyle="round"))
    for n, d in g.nodes(data=True):
        style = KINDS.get(d["kind"], KINDS["other"])
        p = pos[n]
        size = 60 + 9 * g.degree(n, weight="weight") if name == "forces" else (90 if d["kind"] == "force" else 55)
        ax.scatter([p["x"]], [p["y"]], s=size, marker=_MARKERS[style["shape"]], zorder=3,
                   color=communities.get(n, style["colour"]), edgecolors="white", linewidths=1.2)
        lines = label_lines(d["short"], p["anchor"])
        if p["anchor"] == "middle":
            tx, ty, ha, va = p["x"], p["y"] + 9 + (size ** 0.5) / 2, "center", "top"
        elif p["anchor"] == "above":
            tx, ty, ha, va = p["x"], p["y"] - 9 - (size ** 0.5) / 2, "center", "bottom"
        else:
            tx, ty, ha, va = p["x"] + (-11 if p["anchor"] == "end" else 11), p["y"], "right" if p["anchor"] == "end" else "left", "center"
        ax.text(tx, ty, "\n".join(lines), fontsize=8, ha=ha, va=va, zorder=4, linespacing=1.05,
                fontweight="bold" if d["kind"] in ("force", "service area") else "normal",
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8))

    handles = []
    if communities:
        for i, c in enumerate(network.communities(g)):
            names = ", ".join(sorted(g.nodes[f]["short"] for f in c))
            handles.append(Line2D([], [], marker="o", ls="", color=COMMUNITY_COLOURS[i % len(COMMUNITY_COLOURS)],
                                  markersize=8, label=f"community {i + 1}: {textwrap.shorten(names, 120)}"))
    else:
        seen = set()
        for n, d in sorted(g.nodes(data=True), key=lambda x: list(KINDS).index(x[1]["kind"]) if x[1]["kind"] in KINDS else 99):
            style = KINDS.get(d["kind"], KINDS["other"])
            if style["legend"] not in seen:
                seen.add(style["legend"])
                handles.append(Line2D([], [], marker=_MARKERS[style["shape"]], ls="", color=style["colour"],
                                      markersize=8, label=style["legend"]))
    for _, text, kind in EDGE_LEGEND[name]:
        colour = LEAD_COLOUR if kind == "lead" else EDGE_COLOUR
        handles.append(Line2D([], [], color=colour, lw=2.4 if kind == "lead" else 1.2,
                              ls="--" if kind == "dashed" else "-", label=text))
    fig.legend(handles=handles, loc="lower center", ncol=1 if communities else (3 if full > 1000 else 2), fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0.005))
    return fig


# --- the interactive page ------------------------------------------------------------------------

TABS = {"collaborations": "Collaborations", "forces": "Forces", "services": "Services", "governance": "Governance"}


def snapshot_dates(every: dict[str, nx.Graph], as_of: date | None) -> list[date]:
    """The day before the first change (standing for every earlier day), then each change; with
    no dated ties at all, one date (`as_of`, or today) stands for every day."""
    changes = network.change_dates(every)
    return ([changes[0] - timedelta(days=1)] + changes) if changes else [as_of or date.today()]


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _metrics_by_force(m: network.Metrics) -> dict[str, dict]:
    keep = ("degree", "weighted_degree", "betweenness", "eigenvector", "community",
            "leads_collaborations", "leads_service_areas", "leads_services")
    return {r["force"]: {k: r[k] for k in keep} for r in m.forces}


def page_data(snapshots: dict[str, dict[str, nx.Graph]], pos: dict[str, dict], initial: date | None) -> dict:
    """Everything the page draws: for each graph, its nodes (with fixed positions) and, for each
    snapshot ("all" and each date), which nodes are present and the edges with their passages."""
    passages: list[dict] = []
    index: dict[str, int] = {}

    def refs(sources):
        out = []
        for s in sources:
            if s["passage"] not in index:
                index[s["passage"]] = len(passages)
                passages.append(s)
            out.append(index[s["passage"]])
        return out

    views = {}
    union = snapshots["all"]
    for name in network.GRAPHS:
        nodes = {}
        for n, d in union[name].nodes(data=True):
            p = pos[name][n]
            nodes[n] = {"label": d["label"], "short": d["short"], "lines": label_lines(d["short"], p["anchor"]),
                        "kind": d["kind"], "cls": d.get("cls"), "iri": d["iri"],
                        "x": round(p["x"], 1), "y": round(p["y"], 1), "anchor": p["anchor"]}
        shots = {}
        for key, gs in snapshots.items():
            g = gs[name]
            edges = []
            for u, v, e in sorted(g.edges(data=True)):
                # Force first in bipartite graphs, so "Kent — member — Athena" reads the right way.
                if not g.is_directed() and name != "forces" and g.nodes[u]["kind"] != "force":
                    u, v = v, u
                edge = {"s": u, "t": v, "lead": bool(e.get("lead")), "src": refs(e["sources"])}
                if name == "forces":
                    edge.update(ties=["shares"], weight=e["weight"], shared=e["shared"])
                else:
                    edge.update(ties=e["ties"], since=_iso(e["since"]), until=_iso(e["until"]), expires=_iso(e["expires"]))
                edges.append({k: v for k, v in edge.items() if v is not None})
            shots[key] = {"nodes": sorted(g.nodes), "edges": edges}
        views[name] = {"title": network.TITLES[name], "tab": TABS[name], "directed": union[name].is_directed(),
                       "edge_legend": EDGE_LEGEND[name], "nodes": nodes, "snapshots": shots}
    keys = [k for k in snapshots if k != "all"]
    return {
        "initial": {"view": "collaborations", "date": initial.isoformat() if initial else None},
        "order": list(network.GRAPHS),
        "keys": keys,
        "kinds": KINDS, "lead_colour": LEAD_COLOUR, "edge_colour": EDGE_COLOUR, "community_colours": COMMUNITY_COLOURS,
        "passages": passages,
        "metrics": {k: _metrics_by_force(network.graph_metrics(gs)) for k, gs in snapshots.items()},
        "views": views,
        "subtitle": "Every tie is stated in a source passage: hover for it, click for all of them.",
        "footer": ("forcegraph network. The network changes on " + ", ".join(keys[1:]) + "; a date before "
                   f"{keys[1]} shows the network as it stood before any of them." if len(keys) > 1 else "forcegraph network."),
    }


def html_page(data: dict) -> str:
    """The page with its style, script and data inlined: one file that works from file://."""
    text = (STATIC / "page.html").read_text(encoding="utf-8")
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # JSON inside <script> must not close it: "</" and "<!--" are written as escapes.
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    title = "Police collaboration network"
    for key, value in (("{{title}}", title), ("{{style}}", (STATIC / "network.css").read_text(encoding="utf-8")),
                       ("{{script}}", (STATIC / "network.js").read_text(encoding="utf-8")), ("{{data}}", payload)):
        text = text.replace(key, value)
    return text


# --- files for Gephi and Cytoscape -------------------------------------------------------------


def exchange_graph(g: nx.Graph, pos: dict[str, dict]) -> nx.Graph:
    """A copy whose attributes GEXF and GraphML can hold: text, numbers and booleans only (lists
    joined with "; "), the passages as their IRIs, and the drawing's x and y."""
    out = g.__class__()
    out.graph.update({"name": g.graph["name"], "title": g.graph["title"], "as_of": _iso(g.graph["as_of"]) or "all dates"})

    def clean(data: dict) -> dict:
        result = {}
        for k, v in data.items():
            if k == "sources":
                result["passages"] = " ".join(s["passage"] for s in v)
                result["excerpt"] = v[0]["excerpt"] if v else ""
            elif isinstance(v, (list, tuple)):
                result[k] = "; ".join(map(str, v))
            elif isinstance(v, date):
                result[k] = v.isoformat()
            elif v is not None:
                result[k] = v
        return result

    for n, d in g.nodes(data=True):
        out.add_node(n, **clean(d), x=float(pos[n]["x"]), y=float(pos[n]["y"]))
    for u, v, d in g.edges(data=True):
        out.add_edge(u, v, **clean(d))
    return out


def gexf_bytes(g: nx.Graph) -> bytes:
    """GEXF with Gephi's visual attributes: the drawing's positions, colours and sizes."""
    viz = g.copy()
    for _, d in viz.nodes(data=True):
        colour = KINDS.get(d["kind"], KINDS["other"])["colour"]
        r, gr, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        d["viz"] = {"position": {"x": d.pop("x"), "y": -d.pop("y"), "z": 0.0},
                    "color": {"r": r, "g": gr, "b": b, "a": 1.0}, "size": 10.0 if d["kind"] == "force" else 6.0}
    buf = io.BytesIO()
    nx.write_gexf(viz, buf)
    return buf.getvalue()


def graphml_bytes(g: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(g, buf)
    return buf.getvalue()


# --- everything at once --------------------------------------------------------------------------


def draw(kg: KnowledgeGraph, out_dir: Path, as_of: date | None = None, progress=lambda step: None) -> list[Path]:
    """Write network.html (every date), and for each graph as of `as_of` (every date if None)
    <graph>.svg, .png, .gexf and .graphml, into `out_dir`; nothing is left half-written."""
    progress("building the graphs for every date")
    snapshots = {"all": network.graphs(kg)}
    for day in snapshot_dates(snapshots["all"], as_of):
        snapshots[day.isoformat()] = network.graphs(kg, day)
    pos = {name: positions(name, snapshots["all"][name]) for name in network.GRAPHS}
    chosen = snapshots["all"] if as_of is None else network.graphs(kg, as_of)
    written = []
    out_dir = Path(out_dir)
    with staging(out_dir) as tmp:
        progress("writing network.html")
        (tmp / "network.html").write_text(html_page(page_data(snapshots, pos, as_of)), encoding="utf-8")
        written.append(out_dir / "network.html")
        for name in network.GRAPHS:
            progress(f"drawing {name}")
            g = chosen[name]
            for fmt, picture in static_pictures(name, g, pos[name], as_of).items():
                (tmp / f"{name}.{fmt}").write_bytes(picture)
            plain = exchange_graph(g, pos[name])
            (tmp / f"{name}.gexf").write_bytes(gexf_bytes(plain))
            (tmp / f"{name}.graphml").write_bytes(graphml_bytes(plain))
            written += [out_dir / f"{name}.{ext}" for ext in ("svg", "png", "gexf", "graphml")]
    return written
