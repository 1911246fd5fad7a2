"""The alliance as networkx graphs, built from library queries, and the metrics of who is central.

Four graphs, each for one date ("as of") or, with no date, for everything ever recorded:

- `collaboration_graph`: forces and the collaborations and agreements they take part in
  (member, party, leads, hosts), from queries/network-ties.rq;
- `force_graph`: force to force, an edge where two forces share a collaboration or agreement,
  weighted by how many they share (`project_forces`, the projection of the collaboration graph);
- `service_graph`: forces and the services and service areas they lead or take part in, from
  queries/network-services.rq;
- `governance_graph` (directed): who oversees, reports to, recommends to, advises or chairs whom,
  from queries/network-governance.rq.

The "as of" rules live in those queries and are written down in docs/design.md ("What is known
on a date"): nothing before the first document, undated ties from the first document that states
them, dated memberships and agreements by their own dates, one lead at a time. Nodes are IRIs with `label`, `short` (a name to draw), `kind` and `iri`; edges
carry their `ties` and the passages that state them (`sources`). `metrics()` gives degree,
weighted degree, betweenness (in hops) and weighted eigenvector centrality per force, communities
(greedy modularity, weighted) and the "who leads what" matrix."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

import networkx as nx

from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .query import records

GRAPHS = ("collaborations", "forces", "services", "governance")
TITLES = {
    "collaborations": "Forces, collaborations and agreements",
    "forces": "Forces that work together",
    "services": "Who leads and takes part in which services",
    "governance": "Governance: who oversees and reports to whom",
}
LEAD_TIES = ("leads", "hosts")
# The strongest tie names the edge when a force has several to one thing (a host is a member).
_TIE_RANK = {"hosts": 0, "leads": 1, "member": 2, "party": 3, "takes part": 4}
_FORCE_SUFFIX = re.compile(r"\s+(Police Service|Police|Constabulary)$")


def _params(as_of: date | None) -> dict[str, str]:
    return {} if as_of is None else {"as_of": as_of.isoformat()}


def short_name(label: str, acronym: str | None = None, kind: str = "") -> str:
    """A name short enough to draw: a force's acronym (MPS, BTP) or its name without "Police";
    anything else its label, or its acronym where the label is long."""
    if kind == "force":
        return acronym or _FORCE_SUFFIX.sub("", label)
    return acronym if acronym and len(label) > 32 else label


_SLUG_WORDS = {"mou": "MoU", "pcc": "PCC", "s22a": "s22A"}


def _slug_name(iri: str, acronyms: set[str]) -> str:
    """Agreements' labels are titles a sentence long; their IRI slugs are short and say which
    is which ("bch-mou-2011" → "BCH MoU 2011")."""
    words = [_SLUG_WORDS.get(w, w.upper() if w.upper() in acronyms else w) for w in iri.rsplit("/", 1)[-1].split("-")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _source(row: dict) -> dict | None:
    if not row.get("source"):
        return None
    return {
        "passage": row["source"], "document": row["document"], "title": row.get("documentTitle"),
        "date": row["documentDate"].isoformat() if row.get("documentDate") else None,
        "locator": row["locator"], "excerpt": row["excerpt"],
    }


def _add_node(g: nx.Graph, iri: str, label: str, kind: str, acronym: str | None = None, **extra) -> None:
    if iri not in g:
        g.add_node(iri, iri=iri, label=label, kind=kind, short=short_name(label, acronym, kind), acronym=acronym, **extra)


def _add_tie(g: nx.Graph, u: str, v: str, tie: str, row: dict, seen: dict, **dates) -> None:
    """One edge per (u, v): ties and sources from every row that states it are merged.
    `seen` holds the sources already on each edge (a list scan per row was quadratic)."""
    if not g.has_edge(u, v):
        g.add_edge(u, v, ties=[], sources=[], **{k: None for k in ("since", "until", "expires")})
    data = g.edges[u, v]
    if tie not in data["ties"]:
        data["ties"] = sorted(data["ties"] + [tie], key=lambda t: (_TIE_RANK.get(t, len(_TIE_RANK)), t))
    data["tie"] = data["ties"][0]
    data["lead"] = any(t in LEAD_TIES for t in data["ties"])
    for key, value in dates.items():
        if isinstance(value, date):  # an ill-typed date ("2019-02-30") leaves the tie undated; the shapes report it
            data[key] = value
    source = _source(row)
    if source:
        _add_source(data["sources"], seen.setdefault((u, v), set()), source)


def _add_source(sources: list, seen: set, source: dict) -> None:
    key = tuple(source.values())
    if key not in seen:
        seen.add(key)
        sources.append(source)


# --- the graphs ---------------------------------------------------------------------------------


@no_cyclic_gc()
def collaboration_graph(kg: KnowledgeGraph, as_of: date | None = None) -> nx.Graph:
    """Forces and the collaborations and agreements they are tied to on `as_of` (all if None)."""
    g = nx.Graph(name="collaborations", title=TITLES["collaborations"], as_of=as_of)
    seen: dict = {}
    for r in records(kg, "network-ties", _params(as_of)):
        _add_node(g, r["force"], r["forceLabel"], "force", r["forceAcronym"])
        _add_node(g, r["thing"], r["thingLabel"], r["kind"], r["thingAcronym"], cls=r["thingClass"])
        _add_tie(g, r["force"], r["thing"], r["tie"], r, seen, since=r["since"], until=r["until"], expires=r["expires"])
    acronyms = {d["acronym"] for _, d in g.nodes(data=True) if d["acronym"]}
    for node, data in g.nodes(data=True):
        if data["kind"] == "agreement" and data["short"] == data["label"]:
            data["short"] = _slug_name(node, acronyms)
    return g


def force_graph(kg: KnowledgeGraph, as_of: date | None = None) -> nx.Graph:
    """Force to force on `as_of` (all if None): see `project_forces`."""
    return project_forces(collaboration_graph(kg, as_of))


@no_cyclic_gc()
def project_forces(collaborations: nx.Graph) -> nx.Graph:
    """Force to force: an edge for each pair that shares a collaboration or agreement (membership
    or party; leading alone does not count), weighted by how many things they share."""
    g = nx.Graph(name="forces", title=TITLES["forces"], as_of=collaborations.graph.get("as_of"))
    for node, data in collaborations.nodes(data=True):
        if data["kind"] == "force":
            g.add_node(node, **data)
    seen: dict = {}
    for thing, data in sorted(collaborations.nodes(data=True)):
        if data["kind"] == "force":
            continue
        members = sorted(f for f in collaborations[thing] if {"member", "party"} & set(collaborations.edges[f, thing]["ties"]))
        for a, b in combinations(members, 2):
            if not g.has_edge(a, b):
                g.add_edge(a, b, weight=0, collaborations=0, agreements=0, shared=[], shared_iris=[], sources=[], lead=False)
            e = g.edges[a, b]
            e["weight"] += 1
            e["collaborations" if data["kind"] == "collaboration" else "agreements"] += 1
            e["shared"].append(data["label"])
            e["shared_iris"].append(thing)
            known = seen.setdefault((a, b), set())
            for f in (a, b):
                for source in collaborations.edges[f, thing]["sources"]:
                    _add_source(e["sources"], known, source)
    for _, _, e in g.edges(data=True):
        e["label"] = "; ".join(e["shared"])
    return g


@no_cyclic_gc()
def service_graph(kg: KnowledgeGraph, as_of: date | None = None) -> nx.Graph:
    """Forces and the services and service areas they lead or take part in on `as_of`."""
    g = nx.Graph(name="services", title=TITLES["services"], as_of=as_of)
    seen: dict = {}
    for r in records(kg, "network-services", _params(as_of)):
        _add_node(g, r["force"], r["forceLabel"], "force", r["forceAcronym"])
        _add_node(g, r["thing"], r["thingLabel"], r["kind"], area=r["area"], area_label=r["areaLabel"])
        _add_tie(g, r["force"], r["thing"], r["tie"], r, seen, since=r["since"], until=r["until"])
        if r["collaboration"]:
            g.nodes[r["thing"]].setdefault("delivered_by", r["collaborationLabel"])
    return g


@no_cyclic_gc()
def governance_graph(kg: KnowledgeGraph, as_of: date | None = None) -> nx.DiGraph:
    """Directed: body → what it oversees, reports to, recommends to, advises, or who chairs it."""
    g = nx.DiGraph(name="governance", title=TITLES["governance"], as_of=as_of)
    seen: dict = {}
    for r in records(kg, "network-governance", _params(as_of)):
        _add_node(g, r["from"], r["fromLabel"], r["fromKind"], r["fromAcronym"])
        _add_node(g, r["to"], r["toLabel"], r["toKind"], r["toAcronym"])
        _add_tie(g, r["from"], r["to"], r["relation"], r, seen, since=r["since"], expires=r["expires"])
    for _, _, e in g.edges(data=True):
        e["lead"] = "oversees" in e["ties"]
    return g


def graphs(kg: KnowledgeGraph, as_of: date | None = None, *, governance: bool = True) -> dict[str, nx.Graph]:
    """All four graphs for one date, by name (see GRAPHS); without the governance graph if asked."""
    collaborations = collaboration_graph(kg, as_of)
    gs = {
        "collaborations": collaborations,
        "forces": project_forces(collaborations),
        "services": service_graph(kg, as_of),
    }
    if governance:
        gs["governance"] = governance_graph(kg, as_of)
    return gs


def change_dates(gs: dict[str, nx.Graph]) -> list[date]:
    """Every date on which some tie of the graphs for every date (`graphs(kg)`) starts or stops:
    the only days on which the graphs change.

    A tie holds from `since`; it stops on `until` (end of a membership, a party removed) and on
    the day after `expires` (the last day an agreement is in force)."""
    days = set()
    for g in gs.values():
        for _, _, e in g.edges(data=True):
            days.update(e[k] for k in ("since", "until") if e.get(k))
            if e.get("expires"):
                days.add(e["expires"] + timedelta(days=1))
    return sorted(days)


# --- metrics ------------------------------------------------------------------------------------


@dataclass
class Metrics:
    """Centrality per force, communities and who leads what, for one date (None: all dates)."""

    as_of: date | None
    forces: list[dict] = field(default_factory=list)
    communities: list[dict] = field(default_factory=list)
    leads: list[dict] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)

    FORCE_COLUMNS = ("force", "label", "degree", "weighted_degree", "betweenness", "eigenvector",
                     "collaborations", "agreements", "leads_collaborations", "leads_service_areas",
                     "leads_services", "community")

    @property
    def as_of_text(self) -> str:
        return self.as_of.isoformat() if self.as_of else "all dates"

    def to_json(self) -> str:
        return json.dumps({"as_of": self.as_of.isoformat() if self.as_of else None, "forces": self.forces,
                           "communities": self.communities, "who_leads_what": self.leads}, indent=2) + "\n"

    def to_csv(self, table: str = "forces") -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        if table == "forces":
            writer.writerow(self.FORCE_COLUMNS)
            writer.writerows([r[c] for c in self.FORCE_COLUMNS] for r in self.forces)
        elif table == "communities":
            writer.writerow(("community", "size", "forces"))
            writer.writerows((c["community"], c["size"], "; ".join(c["labels"])) for c in self.communities)
        else:
            writer.writerow(["thing", "label", "kind"] + self.leaders)
            writer.writerows([r["thing"], r["label"], r["kind"]] + [r["roles"].get(f, "") for f in self.leaders]
                             for r in self.leads)
        return buf.getvalue()

    def to_table(self) -> str:
        def grid(headers, rows):
            widths = [max([len(h)] + [len(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
            fmt = lambda vals: "  ".join(str(v).ljust(w) for v, w in zip(vals, widths)).rstrip()
            return "\n".join([fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])

        out = [f"Forces as of {self.as_of_text} ({len(self.forces)})"]
        out.append(grid(
            ["force", "degree", "weighted", "betweenness", "eigenvector", "collabs", "agreements", "leads c/a/s", "community"],
            [[r["label"], r["degree"], r["weighted_degree"], f"{r['betweenness']:.3f}", f"{r['eigenvector']:.3f}",
              r["collaborations"], r["agreements"],
              f"{r['leads_collaborations']}/{r['leads_service_areas']}/{r['leads_services']}", r["community"]]
             for r in self.forces]))
        out.append("(leads c/a/s: collaborations led or hosted / service areas led / services led)")
        out.append("")
        out.append(f"Communities (greedy modularity, weighted) ({len(self.communities)})")
        out.append(grid(["community", "size", "forces"],
                        [[c["community"], c["size"], ", ".join(c["labels"])] for c in self.communities]))
        out.append("")
        out.append(f"Who leads what ({len(self.leads)})")
        out.append(grid(["thing", "kind"] + [self._leader_label(f) for f in self.leaders],
                        [[r["label"], r["kind"]] + [r["roles"].get(f, "") for f in self.leaders] for r in self.leads]))
        return "\n".join(out) + "\n"

    def _leader_label(self, iri: str) -> str:
        return next((r["label"] for r in self.forces if r["force"] == iri), iri.rsplit("/", 1)[-1])


def communities(forces: nx.Graph) -> list[set[str]]:
    """Greedy modularity communities of the weighted force graph, largest first."""
    if forces.number_of_edges() == 0:
        return [{n} for n in sorted(forces)]
    found = nx.community.greedy_modularity_communities(forces, weight="weight")
    return sorted((set(c) for c in found), key=lambda c: (-len(c), sorted(c)))


def metrics(kg: KnowledgeGraph, as_of: date | None = None) -> Metrics:
    """Degree, weighted degree (shared things), betweenness (in hops), eigenvector centrality
    (weighted), ties and leadership per force; communities; and who leads what.

    Builds only the graphs the metrics read: the governance graph plays no part in them."""
    return graph_metrics(graphs(kg, as_of, governance=False), as_of)


@no_cyclic_gc()
def graph_metrics(gs: dict[str, nx.Graph], as_of: date | None = None) -> Metrics:
    """The metrics of graphs already built by `graphs()`."""
    collaborations, forces, services = gs["collaborations"], gs["forces"], gs["services"]
    betweenness = nx.betweenness_centrality(forces, normalized=True)
    eigenvector = _eigenvector(forces)
    groups = communities(forces)
    community_of = {f: i for i, c in enumerate(groups, 1) for f in c}

    def count(g, force, kind, ties):
        return sum(1 for t in g[force] if g.nodes[t]["kind"] == kind and set(g.edges[force, t]["ties"]) & set(ties)) \
            if force in g else 0

    rows = []
    for f in sorted(forces, key=lambda n: forces.nodes[n]["label"]):
        rows.append({
            "force": f, "label": forces.nodes[f]["label"],
            "degree": forces.degree(f), "weighted_degree": forces.degree(f, weight="weight"),
            "betweenness": round(betweenness[f], 6), "eigenvector": round(eigenvector[f], 6),
            "collaborations": count(collaborations, f, "collaboration", ["member"]),
            "agreements": count(collaborations, f, "agreement", ["party"]),
            "leads_collaborations": count(collaborations, f, "collaboration", LEAD_TIES),
            "leads_service_areas": count(services, f, "service area", ["leads"]),
            "leads_services": count(services, f, "service", ["leads"]),
            "community": community_of[f],
        })
    rows.sort(key=lambda r: (-r["weighted_degree"], r["label"]))
    result = Metrics(as_of, forces=rows)
    result.communities = [
        {"community": i, "size": len(c), "forces": sorted(c), "labels": sorted(forces.nodes[f]["label"] for f in c)}
        for i, c in enumerate(groups, 1)
    ]
    result.leads, result.leaders = who_leads_what(collaborations, services)
    return result


def _eigenvector(forces: nx.Graph) -> dict[str, float]:
    """Weighted eigenvector centrality (networkx's power iteration, unit length); zero without edges."""
    if forces.number_of_edges() == 0:
        return {n: 0.0 for n in forces}
    return nx.eigenvector_centrality(forces, weight="weight", max_iter=1000, tol=1e-10)


def who_leads_what(collaborations: nx.Graph, services: nx.Graph) -> tuple[list[dict], list[str]]:
    """Rows: each collaboration, service area and service that a force leads or hosts, with the
    role of each leading force; and the leading forces (the matrix's columns)."""
    rows: dict[str, dict] = {}
    for g in (collaborations, services):
        for u, v, e in g.edges(data=True):
            force, thing = (u, v) if g.nodes[u]["kind"] == "force" else (v, u)
            roles = [t for t in e["ties"] if t in LEAD_TIES]
            if not roles:
                continue
            node = g.nodes[thing]
            row = rows.setdefault(thing, {"thing": thing, "label": node["label"], "kind": node["kind"], "roles": {}})
            row["roles"][force] = roles[0]
    order = {"collaboration": 0, "service area": 1, "service": 2}
    table = sorted(rows.values(), key=lambda r: (order.get(r["kind"], 3), r["label"]))
    leaders = sorted({f for r in table for f in r["roles"]})
    return table, leaders
