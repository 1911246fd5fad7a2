"""One node per real thing: no two entities share a name without a stated relation between them,
and the lookup resolves the common names, or lists what an ambiguous one could mean."""

import json

import pytest

from conftest import REPO, SEED_ARGS

ID = "https://w3id.org/forcegraph/id/"


def test_no_two_entities_share_a_label_without_a_stated_relation(run_cli):
    result = run_cli("check", "--graph", REPO / "graph", "--sources", REPO / "sources", "--format", "json")
    same = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "same-label"]
    assert same == []


@pytest.mark.parametrize("name, iri", [
    ("Athena", "collaboration/athena"),  # the consortium; the BCH project is part of it
    ("National Police Air Service", "collaboration/npas"),  # one node: the unit and the service
    ("NPAS", "collaboration/npas"),
    ("National Police Chiefs’ Council", "organisation/national-police-chiefs-council"),
    ("NPCC", "organisation/national-police-chiefs-council"),
])
def test_common_names_resolve_to_one_thing(run_cli, name, iri):
    result = run_cli("query", "where-does-it-say", "--param", f"entity={name}", "--format", "json", "--graph", REPO / "graph")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows and {r["entity"]["value"] for r in rows} == {ID + iri}


def test_an_ambiguous_name_lists_what_it_could_mean(run_cli):
    # "Custody" names a field of work, the BCH service and the BCH project: three things, linked
    # (dcterms:subject) but none part of another.
    result = run_cli("query", "where-does-it-say", "--param", "entity=Custody", *SEED_ARGS,
                     "--graph", REPO / "graph" / "corpus")
    assert result.exit_code == 2
    for iri in ("collaboration-area/custody", "service/custody", "project/custody"):
        assert f"<{ID}{iri}>" in result.output
