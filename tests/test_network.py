"""The network: graphs built from the library queries, metrics worked out by hand from what the
documents say, the "as of" rules, and the files `forcegraph network draw` writes (read back)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from itertools import combinations

import networkx as nx
import pytest

from forcegraph import network
from forcegraph.query import run
from conftest import SEED_ARGS

ID = "https://w3id.org/forcegraph/id/"
F = lambda slug: ID + "force/" + slug  # noqa: E731
B, C, H = F("bedfordshire"), F("cambridgeshire"), F("hertfordshire")
E, K, N, S = F("essex"), F("kent"), F("norfolk"), F("suffolk")
WA, WM, TV, HA, MET, BTP = F("warwickshire"), F("west-mercia"), F("thames-valley"), F("hampshire"), F("metropolitan"), F("btp")
MID_2016 = date(2016, 6, 1)


def slug(iri):
    return iri.rsplit("/", 1)[-1]


def weights(g):
    return {frozenset((u, v)): e["weight"] for u, v, e in g.edges(data=True)}


# On 1 June 2016 (worked out from network-ties.rq's rows, i.e. from the documents, under the
# "what is known on a date" rules of docs/design.md): the documents dated on or before it are the
# BCB paper of 25 April 2013, the Police and Crime Plan paper of 18 July 2013, the JAC paper of
# 10 December 2013 and the BCB paper of 25 February 2016. So:
#   collaborations (undated memberships count from the first document that states them):
#     BCH alliance {B,C,H} (2013-04-25); two-force {B,C} (2013-07-18); Seven Force programme
#     {B,C,H,E,K,N,S} (2016-02-25); ERSOU and NPAS have one member (C), so no pair. Not yet
#     known: Athena (the 2017 report), the Chiltern Transport Consortium and Single Online Home
#     (the 2019 papers).
#   agreements in force: Seven Force s22A (22 Oct 2015 to 31 Mar 2021) {B,C,H,E,K,N,S};
#     BCH MoU 2011 (early 2011, no expiry; nothing is known before 25 April 2013) {B,C,H}.
HAND_2016 = {
    (B, C): 5,  # BCH, Seven, two-force, Seven s22A, MoU 2011
    (B, H): 4, (C, H): 4,  # BCH, Seven, Seven s22A, MoU 2011
    **{(x, y): 2 for x in (B, C, H) for y in (E, K, N, S)},  # Seven, Seven s22A
    **{(x, y): 2 for x, y in combinations((E, K, N, S), 2)},  # Seven, Seven s22A
}


@pytest.fixture(scope="module")
def mid_2016(seed_kg):
    return network.graphs(seed_kg, MID_2016)


def test_force_graph_on_1_june_2016_is_the_hand_count(mid_2016):
    assert weights(mid_2016["forces"]) == {frozenset(k): w for k, w in HAND_2016.items()}
    # Forces the documents of the time do not yet tie to anything are not in the graph.
    assert not {BTP, TV, WA, MET} & set(mid_2016["forces"])
    shared = mid_2016["forces"].edges[B, C]["shared"]
    assert "Two force collaboration between Cambridgeshire and Bedfordshire" in shared


def test_metrics_on_1_june_2016_by_hand(mid_2016):
    rows = {r["force"]: r for r in network.graph_metrics(mid_2016, MID_2016).forces}
    assert len(rows) == 7
    # Every one of the seven shares the programme with every other: degree 6, no one between.
    assert {slug(f): r["degree"] for f, r in rows.items()} == {
        "bedfordshire": 6, "cambridgeshire": 6, "hertfordshire": 6, "essex": 6, "kent": 6, "norfolk": 6, "suffolk": 6}
    # Weighted degree = sum of HAND_2016 weights: B = 5 + 4 + 4×2 = 17; H = 4 + 4 + 8 = 16; E = 6×2 = 12.
    assert {slug(f): r["weighted_degree"] for f, r in rows.items()} == {
        "bedfordshire": 17, "cambridgeshire": 17, "hertfordshire": 16, "essex": 12, "kent": 12, "norfolk": 12, "suffolk": 12}
    assert all(r["betweenness"] == 0 for r in rows.values())


def test_eigenvector_centrality_solves_the_hand_weights(mid_2016):
    """Weighted eigenvector centrality x satisfies λ·x_i = Σ_j w_ij·x_j with the hand weights."""
    x = {r["force"]: r["eigenvector"] for r in network.graph_metrics(mid_2016, MID_2016).forces}
    w = {frozenset(k): v for k, v in HAND_2016.items()}
    ratios = [sum(w.get(frozenset((i, j)), 0) * x[j] for j in x if j != i) / x[i] for i in x]
    assert max(ratios) - min(ratios) < 1e-3 * max(ratios)
    assert sum(v * v for v in x.values()) == pytest.approx(1, abs=1e-5)
    # Forces tied alike score alike; B and C (one shared thing more) above H, H above the four.
    assert x[B] == pytest.approx(x[C]) and x[E] == pytest.approx(x[K]) == pytest.approx(x[N]) == pytest.approx(x[S])
    assert x[B] > x[H] > x[E] > 0


def test_communities_on_1_june_2016(mid_2016):
    groups = network.communities(mid_2016["forces"])
    # The three BCH forces share the alliance and its MoU besides the programme: greedy modularity
    # parts them from the other four.
    assert sorted(map(set, groups), key=len) == [{B, C, H}, {E, K, N, S}]
    # Modularity by hand: total weight m = 49; BCH's degrees sum to 50 with 13 inside, the four's
    # to 48 with 12 inside: 13/49 − (50/98)² + 12/49 − (48/98)² = 0.009996.
    assert nx.community.modularity(mid_2016["forces"], groups, weight="weight") == pytest.approx(0.009996, abs=1e-6)


def test_btp_joins_on_1_may_2019(seed_kg):
    before = network.force_graph(seed_kg, date(2019, 4, 30))
    joined = network.force_graph(seed_kg, date(2019, 5, 1))
    reported = network.force_graph(seed_kg, date(2019, 5, 16))
    assert BTP not in before
    # CPCC 2019-008: the amended s22A agreement is between the nine corporations sole of B, BTP,
    # C, H and TV from 1 May 2019 (an agreement holds from its own in-force date).
    assert {frozenset((BTP, f)): 1 for f in (B, C, H, TV)} == {k: v for k, v in weights(joined).items() if BTP in k}
    # BCB paper 16 May 2019 §3.2: BTP joins the consortium from 1 May 2019; the consortium and
    # its members are first stated by the papers of 16 May 2019, so they are known from that day.
    assert {frozenset((BTP, f)): 2 for f in (B, C, H, TV)} == {k: v for k, v in weights(reported).items() if BTP in k}
    assert not before.has_edge(B, TV) and reported.edges[B, TV]["weight"] == 2


def test_agreements_count_only_while_in_force(seed_kg):
    def essex_kent(day):
        g = network.force_graph(seed_kg, day)
        return g.edges[E, K]["weight"] if g.has_edge(E, K) else 0

    # Seven Force s22A: in force 22 October 2015 (clause 6.1), extended to 31 March 2021
    # (CPCC 2019-007). The programme is first stated by the BCB paper of 25 February 2016, Athena
    # by the JAC paper of 14 December 2017.
    assert essex_kent(date(2015, 10, 21)) == 0
    assert essex_kent(date(2015, 10, 22)) == 1
    assert essex_kent(date(2016, 2, 25)) == 2
    assert essex_kent(date(2021, 3, 31)) == 3
    assert essex_kent(date(2021, 4, 1)) == 2
    # With no date, everything ever recorded: the agreement counts.
    assert network.force_graph(seed_kg).edges[E, K]["weight"] == 3


def test_the_network_changes_on_these_dates(seed_kg):
    # 2013-04-25 the first document (nothing is known before it; the BCH MoU of early 2011 counts
    # from here); 2013-07-18, 2013-12-10, 2016-02-25, 2017-12-14, 2019-04-04, 2019-05-16 the
    # papers that first state undated ties; 2015-10-22 Seven Force s22A in force; 2018-04-01 SOH
    # statement of intent (April 2018); 2019-05-01 the amended CTC agreement; 2021-04-01 the day
    # after the extended Seven Force agreement ends.
    assert network.change_dates(network.graphs(seed_kg)) == [
        date(2013, 4, 25), date(2013, 7, 18), date(2013, 12, 10), date(2015, 10, 22), date(2016, 2, 25),
        date(2017, 12, 14), date(2018, 4, 1), date(2019, 4, 4), date(2019, 5, 1), date(2019, 5, 16), date(2021, 4, 1)]


@pytest.mark.parametrize("day", ["2015-06-01", "2019-04-30", "2019-05-01", "2022-01-01"])
def test_ties_agree_with_the_membership_and_agreement_queries(seed_kg, day):
    """The graph's member and party ties on a date are exactly what collaboration-members,
    agreement-parties and agreements-in-force say for that date."""
    g = network.collaboration_graph(seed_kg, date.fromisoformat(day))
    ties = {(f, t, tie) for f, t, e in ((u, v, e) if g.nodes[u]["kind"] == "force" else (v, u, e)
                                         for u, v, e in g.edges(data=True)) for tie in e["ties"]}
    members = {(r["member"], r["collaboration"], "member")
               for r in run(seed_kg, "collaboration-members", {"as_of": day}).records()}
    in_force = {r["agreement"] for r in run(seed_kg, "agreements-in-force", {"as_of": day}).records()}
    parties = {(r["force"], r["agreement"], "party") for r in run(seed_kg, "agreement-parties", {"as_of": day}).records()
               if r["force"] and r["agreement"] in in_force}
    assert {t for t in ties if t[2] in ("member", "party")} == members | parties


def test_who_leads_what_matches_the_query(seed_kg):
    m = network.metrics(seed_kg)
    matrix = {(force, r["thing"]) for r in m.leads for force in r["roles"]}
    expected = {(r["force"], r["thing"]) for r in run(seed_kg, "who-leads-what").records()}
    assert matrix == expected
    # 003 §3.5–3.7 and the SOH paper: the three areas' leads, and the Met hosting SOH.
    by_thing = {slug(r["thing"]): r["roles"] for r in m.leads}
    assert by_thing["single-online-home"] == {MET: "hosts"}
    assert by_thing["joint-protective-services"] == {B: "leads"}
    assert by_thing["dog-unit"] == {B: "leads"}
    counts = {slug(r["force"]): (r["leads_collaborations"], r["leads_service_areas"], r["leads_services"]) for r in m.forces}
    # JPS has 12 services, Organisational Support 4, Operational Support 5 (services-by-area).
    assert counts["bedfordshire"] == (0, 1, 12)
    assert counts["cambridgeshire"] == (0, 1, 4)
    assert counts["hertfordshire"] == (0, 1, 5)
    assert counts["metropolitan"] == (1, 0, 0)


def test_governance_relations_follow_the_agreement_that_set_up_the_body(seed_kg):
    def relations(day):
        g = network.governance_graph(seed_kg, day)
        return {(slug(u), slug(v)) for u, v in g.edges}

    step = ("seven-force-oversight-group", "eastern-region-alliance-summit")
    # Schedules A and B of the Seven Force agreement (in force 22 October 2015) set up the
    # Oversight Group and the Summit; the relation is first stated by the BCB paper of 25 February
    # 2016, and ends with the agreement.
    assert step not in relations(date(2016, 2, 24))
    assert step in relations(date(2016, 2, 25))
    assert step not in relations(date(2021, 4, 1))
    # A relation no agreement bounds holds from the first document that states it (4 April 2019).
    assert ("soh-national-steering-group", "dpc-programme-board") not in relations(date(2019, 4, 3))
    assert ("soh-national-steering-group", "dpc-programme-board") in relations(date(2019, 4, 4))


def test_every_edge_names_its_passages(seed_kg):
    g = network.collaboration_graph(seed_kg)
    athena = g.edges[WA, ID + "collaboration/athena"]
    assert any("Warwickshire/West Mercia" in s["excerpt"] for s in athena["sources"])
    assert all(s["passage"].startswith(ID + "passage/") for _, _, e in g.edges(data=True) for s in e["sources"])


# --- the command line ------------------------------------------------------------------------


def test_metrics_csv_from_the_cli(run_cli, repo):
    result = run_cli("network", "metrics", "--as-of", "2016-06-01", "--format", "csv", *SEED_ARGS)
    assert result.exit_code == 0, result.output
    rows = {slug(r["force"]): r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["bedfordshire"]["weighted_degree"] == "17"  # worked out above
    assert float(rows["essex"]["betweenness"]) == 0
    assert list(rows) == ["bedfordshire", "cambridgeshire", "hertfordshire", "essex", "kent", "norfolk", "suffolk"]


def test_metrics_table_and_json(run_cli, repo):
    table = run_cli("network", "metrics", *SEED_ARGS)
    assert table.exit_code == 0
    assert "Forces as of all dates (13)" in table.stdout and "Who leads what (25)" in table.stdout
    data = json.loads(run_cli("network", "metrics", "--as-of", "2019-05-01", "--format", "json", *SEED_ARGS).stdout)
    assert data["as_of"] == "2019-05-01"
    assert {c["size"] for c in data["communities"]} and sum(c["size"] for c in data["communities"]) == 13
    leads = run_cli("network", "metrics", "--format", "csv", "--table", "leads", *SEED_ARGS)
    assert leads.stdout.splitlines()[0].startswith("thing,label,kind,")


def test_a_bad_date_is_refused(run_cli, repo):
    result = run_cli("network", "metrics", "--as-of", "2019-02-30", *SEED_ARGS)
    assert result.exit_code == 2
    assert "'2019-02-30' is not a date; expected YYYY-MM-DD" in result.output


def test_draw_writes_nothing_when_the_graph_cannot_load(run_cli, tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text("<a> <b> .\n<oops", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("network", "draw", "--graph", bad, "--out", out, "--quiet")
    assert result.exit_code == 2
    assert "bad.trig" in result.output
    assert not out.exists()


# --- the files draw writes -------------------------------------------------------------------

AS_OF = date(2019, 6, 1)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, repo):
    from click.testing import CliRunner

    from forcegraph.cli import cli

    out = tmp_path_factory.mktemp("network") / "out"
    result = CliRunner().invoke(cli, ["network", "draw", "--as-of", AS_OF.isoformat(), "--out", str(out),
                                      *map(str, SEED_ARGS), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("name", network.GRAPHS)
def test_gexf_and_graphml_read_back_as_the_graph(drawn, seed_kg, name):
    expected = network.graphs(seed_kg, AS_OF)[name]
    for reader, ext in ((nx.read_gexf, "gexf"), (nx.read_graphml, "graphml")):
        back = reader(drawn / f"{name}.{ext}")
        assert back.is_directed() == expected.is_directed()
        assert set(back.nodes) == set(expected.nodes)
        assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in expected.edges}
        for n, d in expected.nodes(data=True):
            assert back.nodes[n]["kind"] == d["kind"] and back.nodes[n]["label"] == d["label"]
        for u, v, d in expected.edges(data=True):
            assert back.edges[u, v]["lead"] == bool(d.get("lead"))
            if name == "forces":
                assert back.edges[u, v]["weight"] == d["weight"]


def test_gexf_carries_positions_and_colours_for_gephi(drawn):
    g = nx.read_gexf(drawn / "collaborations.gexf")
    viz = g.nodes[MET]["viz"]
    assert viz["color"] == {"r": 0, "g": 114, "b": 178, "a": 1.0}  # forces are blue
    assert {"x", "y"} <= set(viz["position"])


@pytest.mark.parametrize("name", network.GRAPHS)
def test_pictures_have_a_title_with_the_date_and_a_legend(drawn, name):
    svg = (drawn / f"{name}.svg").read_text(encoding="utf-8")
    assert f"{network.TITLES[name]} — as of 2019-06-01" in svg
    assert "police force" in svg or "community 1" in svg or "governance body" in svg
    png = (drawn / f"{name}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1200 and height >= 900  # big enough to read at report size


def test_the_page_is_self_contained(drawn):
    page = (drawn / "network.html").read_text(encoding="utf-8")
    # Nothing is fetched: no external scripts, styles, fonts or images.
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    data = json.loads(re.search(r'<script id="fg-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert data["initial"]["date"] == "2019-06-01"
    assert data["keys"] == ["2013-04-24", "2013-04-25", "2013-07-18", "2013-12-10", "2015-10-22", "2016-02-25",
                            "2017-12-14", "2018-04-01", "2019-04-04", "2019-05-01", "2019-05-16", "2021-04-01"]
    assert set(data["views"]) == set(network.GRAPHS)
