"""Build once, ask many times (store.py), and the checkout read live (resources.py): the real
`forcegraph` program run in a copy of the project."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

FORCEGRAPH = str(Path(sys.executable).parent / "forcegraph")
COUNT_EDITED = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/edited> ?o }"
FORCE_COUNT = """#+ title: How many forces
#+ description: Counts the police forces the graph knows.
#+ tags: [test]
#+ example: forcegraph query count-forces
PREFIX fg: <https://w3id.org/forcegraph/ontology#>
SELECT (COUNT(DISTINCT ?force) AS ?forces) WHERE { ?force a fg:PoliceForce }
"""


@pytest.fixture()
def project(tmp_path):
    """A copy of the project (pyproject.toml, the editable folders, the seed graph) to change."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    for name in ("queries", "shapes", "profiles", "ontology", "context"):
        shutil.copytree(REPO / name, root / name)
    for name in ("seeds", "reference"):
        shutil.copytree(REPO / "graph" / name, root / "graph" / name)
    return root


def fg(root: Path, *args, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([FORCEGRAPH, *map(str, args)], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300, **kw)


def rows(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]


def test_a_query_added_to_the_checkout_is_listed_and_runs(project):
    (project / "queries" / "count-forces.rq").write_text(FORCE_COUNT)
    listed = fg(project, "query", "--list")
    assert listed.returncode == 0
    assert "count-forces" in listed.stdout and "How many forces" in listed.stdout
    assert f"Queries in {project / 'queries'}" in listed.stderr
    as_json = json.loads(fg(project, "query", "--list", "--format", "json").stdout)
    assert {"name": "count-forces", "path": str(project / "queries" / "count-forces.rq")}.items() \
        <= next(q for q in as_json if q["name"] == "count-forces").items()
    assert int(rows(fg(project, "query", "count-forces", "--format", "json"))[0]["forces"]) >= 40


def uses_alt_label(turtle: str) -> bool:
    """Whether any triple states an alternative name (the ontology declaring the term does not count)."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    return any(True for _ in Graph().parse(data=turtle, format="turtle").triples((None, SKOS.altLabel, None)))


def test_a_tightened_partner_profile_changes_the_next_export(project):
    before = fg(project, "export")
    assert before.returncode == 0, before.stderr
    assert uses_alt_label(before.stdout)
    profile = project / "profiles" / "partner.yaml"
    profile.write_text(profile.read_text().replace("properties: [fg:email, fg:telephone]",
                                                   "properties: [fg:email, fg:telephone, skos:altLabel]"))
    after = fg(project, "export")
    assert after.returncode == 0, after.stderr
    assert not uses_alt_label(after.stdout)
    assert "building" not in after.stderr  # a profile is not an input of the build: no rebuild


def test_a_changed_graph_file_is_noticed_and_rebuilt_or_refused(project):
    built = fg(project, "build", "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    first = fg(project, "query", "--sparql", COUNT_EDITED, "--format", "json")
    assert rows(first) == [{"n": "0"}] and first.stderr == ""  # the build is used as it is

    forces = project / "graph" / "reference" / "forces.trig"
    with forces.open("a") as f:
        f.write('\n{ <https://example.org/thing> <https://example.org/edited> "yes" . }\n')

    frozen = fg(project, "query", "--sparql", COUNT_EDITED, "--frozen")
    assert frozen.returncode == 2 and frozen.stdout == ""
    assert f"{forces} changed" in frozen.stderr and "--frozen" in frozen.stderr

    rebuilt = fg(project, "query", "--sparql", COUNT_EDITED, "--format", "json")
    assert f"{forces} changed" in rebuilt.stderr and "building" in rebuilt.stderr
    assert rows(rebuilt) == [{"n": "1"}]
    again = fg(project, "query", "--sparql", COUNT_EDITED, "--format", "json", "--frozen")
    assert rows(again) == [{"n": "1"}] and again.stderr == ""

    forces.unlink()
    gone = fg(project, "validate", "--frozen")
    assert gone.returncode == 2 and f"{forces} is gone" in gone.stderr


def test_a_shapes_change_changes_the_stored_verdict(project):
    assert fg(project, "validate").returncode == 0
    shapes = project / "shapes" / "agreements.ttl"
    # A shape every force breaks: no force may have a label.
    shapes.write_text(shapes.read_text() + """
<https://example.org/no-labels> a sh:NodeShape ; sh:targetClass fg:PoliceForce ;
    sh:property [ sh:path rdfs:label ; sh:maxCount 0 ; sh:message "a test shape" ] .
""")
    result = fg(project, "validate")
    assert "shapes/agreements.ttl changed" in result.stderr
    assert result.returncode == 1 and "a test shape" in result.stdout
    assert fg(project, "validate").returncode == 1  # the verdict is kept with the build


def test_a_graph_without_a_build_is_built_into_the_projects_cache_not_out(project):
    env = {k: v for k, v in os.environ.items() if k != "FORCEGRAPH_CACHE"}
    result = subprocess.run([FORCEGRAPH, "query", "--sparql", COUNT_EDITED, "--format", "json"], cwd=project,
                            capture_output=True, text=True, env=env, timeout=300)
    assert rows(result) == [{"n": "0"}]
    assert "has not been built" in result.stderr and str(project / ".forcegraph-cache") in result.stderr
    assert list((project / ".forcegraph-cache").glob("*/current/manifest.json"))
    assert not (project / "out").exists()


def test_two_readers_and_a_build_at_once_are_all_correct(project):
    assert fg(project, "build", "--quiet").returncode == 0
    expected = rows(fg(project, "query", "who-leads-what", "--param", "force=Bedfordshire", "--format", "json"))
    assert expected

    # A reader that holds the build open across two further builds (the second would remove
    # the first's folder if nothing held it), then queries it.
    reader = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys; from forcegraph.store import open_built; from forcegraph.query import run\n"
            "kg = open_built(['graph'], frozen=True).kg\n"
            "print('open', flush=True); sys.stdin.readline()\n"
            "print(len(run(kg, 'who-leads-what', {'force': 'Bedfordshire'}).rows), flush=True)")],
        cwd=project, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        builds = [subprocess.Popen([FORCEGRAPH, "build", "--quiet", "--out", project / f"out{i}"], cwd=project,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
        answers = []
        while any(b.poll() is None for b in builds):  # queries while the builds run, two at a time
            pair = [subprocess.Popen([FORCEGRAPH, "query", "who-leads-what", "--param", "force=Bedfordshire",
                                      "--format", "json", "--frozen"], cwd=project, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True) for _ in range(2)]
            answers += [p.communicate(timeout=120) + (p.returncode,) for p in pair]
        assert all(b.wait() == 0 for b in builds), [b.stderr.read() for b in builds]
        assert answers
        for out, err, code in answers:
            assert code == 0, err
            assert [{k: v["value"] for k, v in b.items()} for b in json.loads(out)["results"]["bindings"]] == expected
        out, err = reader.communicate("go\n", timeout=120)
        assert reader.returncode == 0, err
        assert out.strip() == str(len(expected))
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    # Only the current build is left: the reader's went once it let go.
    assert fg(project, "build", "--quiet").returncode == 0
    (place,) = {p.parent for p in Path(os.environ["FORCEGRAPH_CACHE"]).glob("*/current")
                if json.loads((p / "manifest.json").read_text())["graph"] == [str((project / "graph").resolve())]}
    assert len(list(place.glob("v-*"))) == 1


def test_help_imports_no_rdf_library(tmp_path):
    """`forcegraph --help` is quick because it imports nothing it does not need."""
    code = ("import sys; from click.testing import CliRunner; from forcegraph.cli import cli\n"
            "assert CliRunner().invoke(cli, ['--help']).exit_code == 0\n"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'owlrl', 'networkx', 'pyoxigraph') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
