"""The heavy stages pause Python's cyclic garbage collector while they build (nogc.py) and must hand
it back as they found it, even when they fail: a library that left it off would let every
reference cycle its caller makes pile up."""

import gc

import pytest

import forcegraph
from forcegraph import network
from forcegraph.export import NotConforming, export
from forcegraph.query import run

from conftest import DATA

INVALID = DATA / "invalid" / "agreement-one-party.trig"  # breaks a shape: export refuses it

STAGES = {
    "reason": forcegraph.reason,
    "validate": forcegraph.validate,
    "query": lambda kg: run(kg, "network-ties"),
    "network": network.metrics,
    "export": lambda kg: export(kg, "turtle"),
}


@pytest.fixture()
def collector():
    """Put the collector back as the test found it, whatever the test or the stage does."""
    before = gc.isenabled()
    yield
    (gc.enable if before else gc.disable)()


@pytest.mark.parametrize("was_on", [True, False], ids=["collector on", "collector off"])
@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_leaves_the_collector_as_it_found_it(minimal_kg, collector, stage, was_on):
    (gc.enable if was_on else gc.disable)()
    STAGES[stage](minimal_kg)
    assert gc.isenabled() is was_on


@pytest.mark.parametrize("stage", ["reason", "validate", "export"])
def test_no_collection_runs_while_a_stage_builds(minimal_kg, collector, stage):
    # Without the pause the collector runs 6 (reason), 20 (validate) and 35 (export) times on
    # this small graph; with it, at most once, as the pause ends.
    gc.enable()
    runs = []

    def note(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(note)
    try:
        STAGES[stage](minimal_kg)
    finally:
        gc.callbacks.remove(note)
    assert len(runs) <= 1, f"the collector ran {len(runs)} times during {stage}"


def test_a_stage_that_fails_turns_the_collector_back_on(collector):
    kg = forcegraph.load([INVALID])
    forcegraph.reason(kg)
    gc.enable()
    with pytest.raises(NotConforming):
        export(kg, "turtle")
    assert gc.isenabled(), "a failed stage left the collector off"
