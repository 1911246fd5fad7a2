"""Each shape with a small broken graph: the valid test graph plus the triples that break one rule.

Each file in tests/data/invalid/ names, in its header, the shape it breaks, the label of the
focus node and the words the report must say (LinkML/pySHACL style data-driven cases)."""

import re
from pathlib import Path

import pytest

import forcegraph
from forcegraph.validate import load_shapes

from conftest import DATA

CASES = sorted((DATA / "invalid").glob("*.trig"))


def header(path: Path) -> dict:
    return dict(re.findall(r"^# (\w+): (.+)$", path.read_text(), re.M))


def test_the_valid_graph_conforms(minimal_kg):
    report = forcegraph.validate(minimal_kg)
    assert report.conforms, report.text()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_graph_is_reported_by_its_shape(case):
    expected = header(case)
    kg = forcegraph.load([DATA / "valid" / "minimal.trig", case])
    forcegraph.reason(kg)
    report = forcegraph.validate(kg)
    assert not report.conforms
    matching = [v for v in report.violations if v.shape == expected["shape"] and expected["expect"] in v.message]
    assert matching, report.text()
    # The report a person reads names the focus by its label, the shape, and what was wrong.
    assert any(v.focus_label == expected["focus"] for v in matching), report.text()
    line = next(str(v) for v in matching if v.focus_label == expected["focus"])
    assert expected["focus"] in line and expected["shape"] in line and expected["expect"] in line


def test_every_shape_has_a_broken_graph():
    shapes = load_shapes()
    from rdflib import RDF, RDFS, Namespace

    SH = Namespace("http://www.w3.org/ns/shacl#")
    names = {str(shapes.value(s, RDFS.label)) for s in shapes.subjects(RDF.type, SH.NodeShape)}
    covered = {header(c)["shape"] for c in CASES}
    assert names - covered == set()
