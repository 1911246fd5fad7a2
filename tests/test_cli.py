"""The command line as a person uses it: help, version, build, validate, and bad input."""

import json
import shutil

import pytest

from forcegraph.cli import cli

from conftest import DATA


def verbs(group=cli, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if hasattr(command, "commands"):
            yield from verbs(command, prefix + (name,))


@pytest.mark.parametrize("verb", list(verbs()), ids=" ".join)
def test_every_verb_has_help_with_an_example(run_cli, verb):
    result = run_cli(*verb, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    if not hasattr(cli.get_command(None, verb[0]), "commands") or len(verb) > 1:
        assert "Example" in result.stdout, f"`forcegraph {' '.join(verb)} --help` shows no example"


def test_version(run_cli):
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("forcegraph, version ")


def test_build_reports_counts_and_writes_out(run_cli, repo, tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", "--graph", repo / "graph", "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    for words in ("Triples:", "Documents: 50 (12 from the seed files)", "Passages:", "Entities by class:", "police force", "Conflicts between documents:",
                  "conforms"):
        assert words in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 50 and summary["seed documents"] == 12 and summary["violations"] == 0
    assert summary["entities by class"]["police force"] == 44
    assert summary["conflicts"] >= 30
    assert (out / "forcegraph.trig").stat().st_size > 100_000
    assert "conforms" in (out / "validation.txt").read_text()
    assert (out / "conflicts.csv").read_text().startswith("conflict,kind,about,description,passage,excerpt")


def test_malformed_trig_stops_build_with_file_and_line_and_writes_nothing(run_cli, repo, tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(repo / "graph", graph)
    bad = graph / "seeds" / "zz-broken.trig"
    bad.write_text('@prefix fg: <https://w3id.org/forcegraph/ontology#> .\n'
                   '<https://w3id.org/forcegraph/id/passage/x/p1> {\n'
                   '  <https://w3id.org/forcegraph/id/force/kent> fg:forceId "kent .\n}\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("an earlier result")
    result = run_cli("build", "--graph", graph, "--out", out, "--quiet")
    assert result.exit_code == 2
    assert f"{bad}:3:" in result.stderr and "not valid TRIG" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"], "nothing new may be written"
    assert not list(tmp_path.glob(".out-*")), "no temporary folder left behind"


def test_missing_graph_folder_is_a_clear_error(run_cli, tmp_path):
    result = run_cli("validate", "--graph", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_validate_exit_codes(run_cli):
    ok = run_cli("validate", "--graph", DATA / "valid")
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    broken = run_cli("validate", "--graph", DATA / "valid", "--graph", DATA / "invalid" / "agreement-one-party.trig")
    assert broken.exit_code == 1
    assert "One-party agreement" in broken.stdout and "agreement parties" in broken.stdout
