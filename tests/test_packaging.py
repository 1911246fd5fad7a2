"""An installed forcegraph (a wheel, not the checkout) carries its ontology, shapes and queries."""

import subprocess
import sys
import zipfile


def test_wheel_ships_ontology_shapes_and_queries(repo, tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", tmp_path, repo],
        check=True,
    )
    (wheel,) = tmp_path.glob("forcegraph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "forcegraph/ontology/forcegraph.ttl" in names
    assert "forcegraph/shapes/agreements.ttl" in names
    assert {f"forcegraph/queries/{p.name}" for p in (repo / "queries").glob("*.rq")} <= names
    assert any(n.endswith("entry_points.txt") for n in names)
