"""The benchmark's graph generator at its smallest size: about 10,000 quads, the same shape as
graph/ (facts in passage graphs with their provenance), conforming to the shapes, and the same
bytes for the same seed. And benchmarks/floor.py run on that graph."""

import importlib.util
import sys
from pathlib import Path

import pytest

import forcegraph
from forcegraph import library
from forcegraph.query import run, run_sparql

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("benchmarks_generate", REPO / "benchmarks" / "generate.py")
generate = sys.modules["benchmarks_generate"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "10k"
    written = generate.generate(out, 10_000, seed=7)
    kg = forcegraph.load([out])
    forcegraph.reason(kg)
    return out, written, kg


def _files(folder: Path) -> dict:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.trig"))}


def test_about_ten_thousand_quads(small):
    out, written, _ = small
    loaded = len(forcegraph.load([out], ontology=False))
    assert 10_000 <= written < 11_000
    assert abs(loaded - written) / written < 0.02, "the files hold what the generator counted"


def test_conforms_to_the_shapes(small):
    _, _, kg = small
    report = forcegraph.validate(kg)
    assert report.conforms, report.text()
    # The only warnings are the curated graph's own (agreements whose parties no document names).
    assert not [v for v in report.violations if "/syn-" in v.focus], report.text()


def test_every_fact_stands_in_a_described_passage(small):
    _, _, kg = small
    undescribed = run_sparql(kg, """
        PREFIX fg: <https://w3id.org/forcegraph/ontology#>
        SELECT DISTINCT ?g WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(CONTAINS(STR(?g), "/passage/syn-"))
          FILTER NOT EXISTS { ?g a fg:Passage ; fg:document ?d ; fg:excerpt ?e ; fg:locator ?l . ?d fg:sha256 ?h }
        }""")
    assert undescribed.rows == []
    passages = run_sparql(kg, 'SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "/passage/syn-")) }')
    assert int(passages.rows[0][0]) > 300


def test_agreements_have_two_to_twenty_parties_among_real_forces(small):
    _, _, kg = small
    counts = run_sparql(kg, """
        PREFIX fg: <https://w3id.org/forcegraph/ontology#>
        SELECT ?agreement (COUNT(DISTINCT ?party) AS ?n) WHERE {
          ?agreement a fg:Agreement ; fg:party ?party .
          FILTER(CONTAINS(STR(?agreement), "/agreement/syn-"))
          { ?party fg:chiefOfficerOf ?force } UNION { ?party fg:policingBodyOf ?force }
        } GROUP BY ?agreement""")
    sizes = [int(n) for _, n in counts.rows]
    assert len(sizes) > 20 and all(2 <= n <= 20 for n in sizes)
    # The library's questions find the synthetic collaborations too.
    led = run(kg, "who-leads-what", {"force": "Kent"})
    assert any("/collaboration/syn-" in str(r["thing"]) for r in led.records())


def test_same_seed_same_bytes_other_seed_other_graph(small, tmp_path):
    out, _, _ = small
    generate.generate(tmp_path / "again", 10_000, seed=7)
    generate.generate(tmp_path / "other", 10_000, seed=8)
    assert _files(tmp_path / "again") == _files(out)
    assert _files(tmp_path / "other") != _files(out)


def test_floor_benchmark_measures_every_query_beside_a_scan_of_its_size(small):
    """benchmarks/floor.py: one line per library query, and the bare scans beside each give
    exactly the rows and columns asked (a scan of another size would prove nothing)."""
    spec = importlib.util.spec_from_file_location("benchmarks_floor", REPO / "benchmarks" / "floor.py")
    floor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(floor)
    _, _, kg = small
    for width in (4, 20):
        scan = run_sparql(kg, floor._scan(width, 123))
        assert (len(scan.rows), len(scan.variables)) == (123, width)
    lines = floor.measure(kg, repeat=1)
    assert sorted(line["query"] for line in lines) == sorted(library.library())
    network = next(line for line in lines if line["query"] == "network-services")
    assert network["rows"] > 100 and network["columns"] == 20
    assert all(line["run"] > 0 and line["scan20_run"] > 0 for line in lines)
    assert len(floor.table(lines, len(kg.store)).splitlines()) == 4 + len(lines)
