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


# On 1 June 2016 (worked out from network-ties.rq's rows, i.e. from the documents):
#   collaborations (undated memberships count on every date):
#     BCH alliance {B,C,H}; Seven Force programme {B,C,H,E,K,N,S}; Athena {those 7, WA, WM};
#     Chiltern Transport Consortium {B,C,H,TV} (BTP joins 2019-05-01); two-force {B,C};
#     Single Online Home {TV,HA,MET}; ERSOU and NPAS have one member (C), so no pair.
#   agreements in force: Seven Force s22A (22 Oct 2015 to 31 Mar 2021) {B,C,H,E,K,N,S};
#     BCH MoU 2011 (early 2011, no expiry) {B,C,H}. Not yet: CTC s22A parties (from the 2019
#     amendment), SOH statement of intent (April 2018); undated agreements are never "in force".
HAND_2016 = {
    (B, C): 7,  # BCH, Seven, Athena, CTC, two-force, Seven s22A, MoU 2011
    (B, H): 6, (C, H): 6,  # BCH, Seven, Athena, CTC, Seven s22A, MoU 2011
    **{(x, y): 3 for x in (B, C, H) for y in (E, K, N, S)},  # Seven, Athena, Seven s22A
    **{(x, y): 3 for x, y in combinations((E, K, N, S), 2)},  # Seven, Athena, Seven s22A
    **{(x, y): 1 for x in (B, C, H, E, K, N, S) for y in (WA, WM)},  # Athena
    (WA, WM): 1,  # Athena
    **{(x, TV): 1 for x in (B, C, H)},  # CTC
    (TV, HA): 1, (TV, MET): 1, (HA, MET): 1,  # SOH
}


@pytest.fixture(scope="module")
def mid_2016(seed_kg):
    return network.graphs(seed_kg, MID_2016)


def test_force_graph_on_1_june_2016_is_the_hand_count(mid_2016):
    assert weights(mid_2016["forces"]) == {frozenset(k): w for k, w in HAND_2016.items()}
    # BTP is in nothing yet (it joins the CTC, and becomes a party, on 1 May 2019).
    assert BTP not in mid_2016["forces"]
    shared = mid_2016["forces"].edges[B, C]["shared"]
    assert "Two force collaboration between Cambridgeshire and Bedfordshire" in shared


def test_metrics_on_1_june_2016_by_hand(mid_2016):
    rows = {r["force"]: r for r in network.graph_metrics(mid_2016, MID_2016).forces}
    assert len(rows) == 12
    # Degree = partners: B, C, H reach the other 8 Athena forces and TV; E, K, N, S, WA, WM reach
    # the other 8 Athena forces; TV reaches B, C, H, HA, MET; HA and MET reach each other and TV.
    assert {slug(f): r["degree"] for f, r in rows.items()} == {
        "bedfordshire": 9, "cambridgeshire": 9, "hertfordshire": 9, "essex": 8, "kent": 8, "norfolk": 8,
        "suffolk": 8, "warwickshire": 8, "west-mercia": 8, "thames-valley": 5, "hampshire": 2, "metropolitan": 2}
    # Weighted degree = sum of HAND_2016 weights: B = 7 + 6 + 4×3 + 2×1 + 1 = 28; C = 28;
    # H = 6 + 6 + 12 + 2 + 1 = 27; E = 3×3 + 3×3 + 2 = 20; WA = 7 + 1 = 8; TV = 3 + 2 = 5; HA = MET = 2.
    assert {slug(f): r["weighted_degree"] for f, r in rows.items()} == {
        "bedfordshire": 28, "cambridgeshire": 28, "hertfordshire": 27, "essex": 20, "kent": 20, "norfolk": 20,
        "suffolk": 20, "warwickshire": 8, "west-mercia": 8, "thames-valley": 5, "hampshire": 2, "metropolitan": 2}
    # Betweenness (hops, normalised by (n-1)(n-2)/2 = 55 pairs): pairs not adjacent are
    #   the 6 forces of {E,K,N,S,WA,WM} with TV: 3 shortest paths each, via B, C or H → 1/3 each;
    #   HA and MET with B, C, H (6 pairs): only via TV → TV 6;
    #   HA and MET with the 6 (12 pairs): X–TV–(B|C|H)–Y → TV 12, and 1/3 each to B, C, H.
    # So B = C = H = 6 × 1/3 + 12 × 1/3 = 6 → 6/55; TV = 18 → 18/55; everyone else 0.
    between = {slug(f): r["betweenness"] for f, r in rows.items()}
    assert between["bedfordshire"] == between["cambridgeshire"] == between["hertfordshire"] == pytest.approx(6 / 55, abs=1e-6)
    assert between["thames-valley"] == pytest.approx(18 / 55, abs=1e-6)
    assert sum(between.values()) == pytest.approx(36 / 55, abs=1e-5)


def test_eigenvector_centrality_solves_the_hand_weights(mid_2016):
    """Weighted eigenvector centrality x satisfies λ·x_i = Σ_j w_ij·x_j with the hand weights."""
    x = {r["force"]: r["eigenvector"] for r in network.graph_metrics(mid_2016, MID_2016).forces}
    w = {frozenset(k): v for k, v in HAND_2016.items()}
    ratios = [sum(w.get(frozenset((i, j)), 0) * x[j] for j in x if j != i) / x[i] for i in x]
    assert max(ratios) - min(ratios) < 1e-3 * max(ratios)
    assert sum(v * v for v in x.values()) == pytest.approx(1, abs=1e-6)
    # Forces tied alike score alike; B and C (one shared thing more) above H; TV above HA.
    assert x[B] == pytest.approx(x[C]) and x[E] == pytest.approx(x[K]) == pytest.approx(x[N]) == pytest.approx(x[S])
    assert x[WA] == pytest.approx(x[WM]) and x[HA] == pytest.approx(x[MET])
    assert x[B] > x[H] > x[E] > x[WA] > x[TV] > x[HA] > 0


def test_communities_on_1_june_2016(mid_2016):
    groups = network.communities(mid_2016["forces"])
    # The SOH forces hang on the rest by TV's three CTC ties of weight 1: greedy modularity parts
    # them from the nine Athena forces.
    assert [set(g) for g in groups] == [{B, C, H, E, K, N, S, WA, WM}, {TV, HA, MET}]
    # Modularity by hand: total weight m = 188/2 = 94; the nine have degrees summing to 179 and
    # 88 inside; the three 9 and 3 inside: 88/94 − (179/188)² + 3/94 − (9/188)² = 0.059246.
    assert nx.community.modularity(mid_2016["forces"], groups, weight="weight") == pytest.approx(0.059246, abs=1e-6)


def test_btp_joins_on_1_may_2019(seed_kg):
    before = network.force_graph(seed_kg, date(2019, 4, 30))
    after = network.force_graph(seed_kg, date(2019, 5, 1))
    assert BTP not in before
    # BCB paper 16 May 2019 §3.2: BTP joins the CTC from 1 May 2019; CPCC 2019-008: the amended
    # s22A agreement is between the nine corporations sole of B, BTP, C, H and TV from that day.
    # So BTP shares two things (the consortium and its agreement) with each of the four.
    assert {frozenset((BTP, f)): 2 for f in (B, C, H, TV)} == {k: v for k, v in weights(after).items() if BTP in k}
    # …and B and TV now share the agreement as well as the consortium.
    assert before.edges[B, TV]["weight"] == 1 and after.edges[B, TV]["weight"] == 2


def test_agreements_count_only_while_in_force(seed_kg):
    def essex_kent(day):
        return network.force_graph(seed_kg, day).edges[E, K]["weight"]

    # Seven Force s22A: in force 22 October 2015 (clause 6.1), extended to 31 March 2021
    # (CPCC 2019-007). Before and after, Essex and Kent share the programme and Athena only.
    assert essex_kent(date(2015, 10, 21)) == 2
    assert essex_kent(date(2015, 10, 22)) == 3
    assert essex_kent(date(2021, 3, 31)) == 3
    assert essex_kent(date(2021, 4, 1)) == 2
    # With no date, everything ever recorded: the agreement counts.
    assert network.force_graph(seed_kg).edges[E, K]["weight"] == 3


def test_the_network_changes_on_these_dates(seed_kg):
    # 2011-01-01 BCH MoU signed "early 2011" (a year: from its first day); 2015-10-22 Seven Force
    # s22A in force; 2018-04-01 SOH statement of intent (April 2018); 2019-05-01 BTP joins CTC and
    # the amended CTC agreement; 2021-04-01 the day after the extended Seven Force agreement ends.
    assert network.change_dates(network.graphs(seed_kg)) == [
        date(2011, 1, 1), date(2015, 10, 22), date(2018, 4, 1), date(2019, 5, 1), date(2021, 4, 1)]


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
    # Schedules A and B of the Seven Force agreement set up the Oversight Group and the Summit.
    assert step not in relations(date(2015, 10, 21))
    assert step in relations(date(2015, 10, 22))
    assert step not in relations(date(2021, 4, 1))
    # A relation no agreement bounds holds on every date.
    assert ("soh-national-steering-group", "dpc-programme-board") in relations(date(2000, 1, 1))


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
    assert rows["thames-valley"]["betweenness"] == "0.327273"  # 18/55, worked out above
    assert rows["bedfordshire"]["weighted_degree"] == "28"
    assert list(rows) == ["bedfordshire", "cambridgeshire", "hertfordshire", "essex", "kent", "norfolk", "suffolk",
                          "warwickshire", "west-mercia", "thames-valley", "hampshire", "metropolitan"]


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
    assert data["keys"] == ["2010-12-31", "2011-01-01", "2015-10-22", "2018-04-01", "2019-05-01", "2021-04-01"]
    assert set(data["views"]) == set(network.GRAPHS)
