"""How two things are connected: the shortest chains of stated links between two entities
(through corporations sole, agreements, collaborations, bodies and services), each step with
the passages that state it, from queries/path-links.rq.

Ranked shorter first, then better sourced (the chain whose weakest step has the most passages,
then the most passages in all); a chain never passes through the same thing twice."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

import networkx as nx

from . import library, network
from .errors import QueryError
from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .query import records, resolver

# The most chains looked at before ranking: Yen's algorithm yields them shortest first.
MOST_CANDIDATES = 200


@dataclass
class Step:
    source: str       # IRI of the thing the step starts from
    target: str
    relation: str     # as the documents state it, read from `source` to `target` or back
    forward: bool     # True: "source relation target"; False: "target relation source"
    passages: list[dict] = field(default_factory=list)


@dataclass
class Path:
    nodes: list[str]
    steps: list[Step]

    @property
    def length(self) -> int:
        return len(self.steps)

    def rank_key(self):
        counts = [len(s.passages) for s in self.steps]
        return (self.length, -min(counts), -sum(counts), self.nodes)


@dataclass
class Connection:
    """The answer of `find`: the two ends, the chains found and the names of the things in them."""

    start: str
    end: str
    max_length: int
    as_of: date | None
    paths: list[Path]
    names: dict[str, dict]

    def label(self, iri: str) -> str:
        return self.names.get(iri, {}).get("label", iri)

    def to_json(self) -> str:
        return json.dumps({
            "from": {"iri": self.start, "label": self.label(self.start)},
            "to": {"iri": self.end, "label": self.label(self.end)},
            "max_length": self.max_length, "as_of": self.as_of.isoformat() if self.as_of else None,
            "paths": [{"length": p.length, "nodes": [{"iri": n, "label": self.label(n), "kind": self.names[n]["kind"]}
                                                     for n in p.nodes],
                       "steps": [{"from": s.source, "to": s.target, "statement": self.statement(s),
                                  "relation": s.relation, "passages": s.passages} for s in p.steps]}
                      for p in self.paths],
        }, indent=2, ensure_ascii=False) + "\n"

    def statement(self, s: Step) -> str:
        a, b = (s.source, s.target) if s.forward else (s.target, s.source)
        return f"{self.label(a)} — {s.relation} — {self.label(b)}"

    def to_table(self) -> str:
        head = f"{self.label(self.start)} → {self.label(self.end)}"
        if not self.paths:
            return f"{head}: not connected within {self.max_length} steps" + (
                f" on {self.as_of.isoformat()}" if self.as_of else "") + "\n"
        out = [f"{head}: {len(self.paths)} way(s), shortest first"]
        for i, p in enumerate(self.paths, 1):
            out.append("")
            out.append(f"{i}. " + " → ".join(self.label(n) for n in p.nodes) + f"  ({p.length} steps)")
            for s in p.steps:
                out.append(f"   {self.statement(s)}")
                for src in s.passages[:3]:
                    where = f"{src['title'] or src['document']}, {src['locator']}".strip(", ")
                    quote = f": “{src['excerpt']}”" if src["excerpt"] else ""
                    out.append(f"      [{where}]{quote}")
                if len(s.passages) > 3:
                    out.append(f"      (and {len(s.passages) - 3} more passages)")
        return "\n".join(out) + "\n"

    def to_svg(self) -> bytes:
        """A small picture of the chains: one row per chain, things as labelled boxes, the
        relation on each link (matplotlib, text kept as text)."""
        import matplotlib
        from matplotlib.figure import Figure

        from .draw import KINDS, label_lines

        rows = self.paths or []
        width = max([p.length for p in rows] + [1])
        with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "forcegraph"}):
            fig = Figure(figsize=(2.6 * (width + 1), 0.6 + 1.3 * max(len(rows), 1)))
            ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - 0.45 / fig.get_figheight()))
            ax.set_xlim(-0.6, width + 0.6)
            ax.set_ylim(max(len(rows), 1) - 0.4, -0.6)
            ax.axis("off")
            fig.suptitle(f"How {self.label(self.start)} and {self.label(self.end)} are connected"
                         + (f" — as of {self.as_of.isoformat()}" if self.as_of else ""), fontsize=11, fontweight="bold")
            if not rows:
                ax.text(width / 2, 0, f"Not connected within {self.max_length} steps", ha="center", fontsize=10)
            for y, p in enumerate(rows):
                for x, s in enumerate(p.steps):
                    ax.annotate("", xy=(x + 1, y), xytext=(x, y), arrowprops=dict(arrowstyle="-", color="#8C8C8C", lw=1.2))
                    ax.text(x + 0.5, y - 0.12, s.relation, ha="center", va="bottom", fontsize=7, style="italic", color="#555555")
                for x, n in enumerate(p.nodes):
                    colour = KINDS.get(self.names[n]["kind"], KINDS["other"])["colour"]
                    ax.text(x, y, "\n".join(label_lines(self.label(n))), ha="center", va="center", fontsize=7.5,
                            bbox=dict(boxstyle="round,pad=0.35", facecolor="white", edgecolor=colour, lw=1.6))
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()


@no_cyclic_gc()
def link_graph(kg: KnowledgeGraph, as_of: date | None = None) -> nx.Graph:
    """Every stated link, undirected, with its passages. On `as_of`, without the agreements not
    in force then (queries/agreements-in-force.rq), the parties not party then
    (agreement-parties.rq: a party added by a change joins when it comes into force), and without a force's tie to a collaboration
    that the network of that date does not hold (a dated membership; network.py's rules)."""
    g = nx.Graph()
    seen: dict = {}
    for r in records(kg, "path-links"):
        for iri, label, kind in ((r["from"], r["fromLabel"], r["fromKind"]), (r["to"], r["toLabel"], r["toKind"])):
            if iri not in g:
                g.add_node(iri, label=label, kind=kind)
        u, v = r["from"], r["to"]
        if u == v:
            continue
        if not g.has_edge(u, v):
            g.add_edge(u, v, relation=r["relation"], forward_from=u, passages=[])
        passage = {"passage": r["source"], "document": r["document"], "title": r["documentTitle"],
                   "locator": r["locator"] or "", "excerpt": r["excerpt"] or ""}
        if (u, v, r["source"]) not in seen and (v, u, r["source"]) not in seen:
            seen[(u, v, r["source"])] = True
            g.edges[u, v]["passages"].append(passage)
    if as_of is not None:
        in_force = {r["agreement"] for r in records(kg, "agreements-in-force", {"as_of": as_of.isoformat()})}
        g.remove_nodes_from([n for n, d in list(g.nodes(data=True)) if d["kind"] == "agreement" and n not in in_force])
        parties = {(r["party"], r["agreement"]) for r in records(kg, "agreement-parties", {"as_of": as_of.isoformat()})}
        g.remove_edges_from([(u, v) for u, v in list(g.edges) if {g.nodes[u]["kind"], g.nodes[v]["kind"]} ==
                             {"agreement", "corporation sole"} and (u, v) not in parties and (v, u) not in parties])
        then = network.collaboration_graph(kg, as_of)
        g.remove_edges_from([(u, v) for u, v in network.collaboration_graph(kg).edges
                             if g.has_edge(u, v) and not then.has_edge(u, v)])
    return g


def resolve(kg: KnowledgeGraph, name: str, which: str) -> str:
    """A name, acronym or IRI, through the same lookup as every query parameter."""
    return str(resolver(kg)(name, library.Param(which, "entity", required=True)))


def find(kg: KnowledgeGraph, a: str, b: str, max_length: int = 4, as_of: date | None = None,
         most: int = 10, graph: nx.Graph | None = None) -> Connection:
    """The `most` best chains of at most `max_length` steps from `a` to `b` (names or IRIs)."""
    start, end = resolve(kg, a, "from"), resolve(kg, b, "to")
    g = graph if graph is not None else link_graph(kg, as_of)
    for iri in (start, end):
        if iri not in g:
            g.add_node(iri, label=iri, kind="other")  # no stated link: connected to nothing
    if start == end:
        raise QueryError("the two ends are the same thing; give two different names")
    found: list[Path] = []
    try:
        for nodes in islice(nx.shortest_simple_paths(g, start, end), MOST_CANDIDATES):
            if len(nodes) - 1 > max_length:
                break
            steps = []
            for u, v in zip(nodes, nodes[1:]):
                e = g.edges[u, v]
                steps.append(Step(u, v, e["relation"], e["forward_from"] == u, list(e["passages"])))
            found.append(Path(nodes, steps))
    except nx.NetworkXNoPath:
        pass
    found.sort(key=Path.rank_key)
    names = {n: {"label": g.nodes[n]["label"], "kind": g.nodes[n]["kind"]} for p in found for n in p.nodes}
    for iri in (start, end):
        names.setdefault(iri, {"label": g.nodes[iri]["label"], "kind": g.nodes[iri]["kind"]})
    return Connection(start, end, max_length, as_of, found[:most], names)

