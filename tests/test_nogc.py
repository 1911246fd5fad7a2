"""The heavy stages pause Python's cyclic garbage collector while they build (nogc.py) and must hand
it back as they found it, even when they fail: a library that left it off would let every
reference cycle its caller makes pile up."""

import gc

import pytest

import forcegraph
from forcegraph import network
from forcegraph.export import export
from forcegraph.query import run

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


def test_the_collector_is_paused_while_a_network_is_built_and_back_on_after_a_failure(minimal_kg, collector, monkeypatch):
    gc.enable()
    seen = []

    def failing_records(kg, name, params=None):
        seen.append(gc.isenabled())
        raise RuntimeError("the store went away")

    monkeypatch.setattr(network, "records", failing_records)
    with pytest.raises(RuntimeError, match="went away"):
        network.metrics(minimal_kg)
    assert seen == [False], "the collector runs while the network is built"
    assert gc.isenabled(), "a failed stage left the collector off"
