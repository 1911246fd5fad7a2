"""Curators' inferences: facts beyond any one passage's words are kept apart, each with its
reasoning and the passages it rests on, and stay out of the partner export."""

import pyoxigraph as ox
from rdflib import Dataset, URIRef

from forcegraph.query import run

from conftest import SEED_ARGS

ID = "https://w3id.org/forcegraph/id/"
FG = "https://w3id.org/forcegraph/ontology#"

# Every curator's inference in the seeds, with the passages it rests on and the facts it holds.
# ("National collaboration for air support", BCB paper of April 2013, 3.1, is no longer recorded
# as NPAS membership: it names no collaboration, and the July 2013 paper names NPAS itself.)
EXPECTED = {
    "bch-mou-2011-chief-officers": (
        {"pcp-2013-07-18-item-5/p4-5-a", "jac-2013-12-10-item-7/p3-2"},
        {("agreement/bch-mou-2011", "party", "corporation-sole/cc-" + f) for f in ("bedfordshire", "cambridgeshire", "hertfordshire")}),
    "chiltern-transport-amendment-in-force": (
        {"bcb-2019-05-16-ctc/p3-2-a", "cpcc-2019-008/decision"},
        {("amendment/chiltern-transport-s22a-2019", "inForceDate", "2019-05-01")}),
}


def _short(term) -> str:
    text = str(term)
    for prefix in (ID, FG, "http://www.w3.org/1999/02/"):
        text = text.removeprefix(prefix)
    return text


def test_every_inference_is_listed_with_its_reasoning_and_passages(seed_kg):
    rows = run(seed_kg, "curator-inferences").records()
    found = {}
    for r in rows:
        name = _short(r["inference"]).removeprefix("inference/")
        passages, facts = found.setdefault(name, (set(), set()))
        passages.add(_short(r["passage"]).removeprefix("passage/"))
        facts.add((_short(r["subject"]), _short(r["property"]), _short(r["object"])))
        assert len(r["reasoning"]) > 100 and r["excerpt"]
    assert found == EXPECTED
    # Each reasoning names what the passages say and what the curator added.
    reasoning = {_short(r["inference"]): r["reasoning"] for r in rows}
    assert "not yet corporations sole" in reasoning["inference/bch-mou-2011-chief-officers"]
    assert "BTP's joining date" in reasoning["inference/chiltern-transport-amendment-in-force"]


def test_no_passage_states_an_inferred_fact(seed_kg):
    """An inferred fact stands only in its inference's graph: no passage graph holds it."""
    for name, (_, facts) in EXPECTED.items():
        graph = ox.NamedNode(ID + "inference/" + name)
        held = [q for q in seed_kg.store.quads_for_pattern(None, None, None, graph)]
        assert len(held) == len(facts)
        for q in held:
            others = {g.graph_name for g in seed_kg.store.quads_for_pattern(q.subject, q.predicate, q.object)}
            passages = {g for g in others if g.value.startswith(ID + "passage/")}
            assert passages == set(), (name, q)


def _export(run_cli, tmp_path, profile):
    out = tmp_path / f"{profile}.trig"
    result = run_cli("export", "--profile", profile, "--format", "trig", "--output", out, *SEED_ARGS)
    assert result.exit_code == 0, result.output
    ds = Dataset(default_union=True)
    ds.parse(out, format="trig")
    return ds


def test_the_partner_export_leaves_inferences_out(run_cli, tmp_path):
    partner, full = _export(run_cli, tmp_path, "partner"), _export(run_cli, tmp_path, "full")
    inference = URIRef(ID + "inference/chiltern-transport-amendment-in-force")
    amendment, in_force = URIRef(ID + "amendment/chiltern-transport-s22a-2019"), URIRef(FG + "inForceDate")
    assert (amendment, in_force, None) in full and (inference, None, None) in full
    assert (amendment, in_force, None) not in partner
    assert not any(inference in (s, o, g) for s, _, o, g in partner.quads((None, None, None, None)))
    # What passages state goes out as before.
    assert (amendment, URIRef(FG + "addsParty"), URIRef(ID + "corporation-sole/cc-btp")) in partner
