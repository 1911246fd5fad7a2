"""Where a person meets the tool: every failure they can cause is one line, exit 2 (1 only for "does
not conform"), no traceback, nothing half-written (issue 22)."""

import json
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest

import forcegraph
from forcegraph import library
from forcegraph.errors import ForcegraphError, UnknownQuery

from conftest import DATA, REPO

MINIMAL = DATA / "valid" / "minimal.trig"
FORCE = "https://w3id.org/forcegraph/id/force/"


def one_line_error(result, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: ")
    return lines[-1]


@pytest.fixture()
def read_only(tmp_path):
    """A folder nobody may create files in: chmod 555, or, for root (whom modes do not stop), /sys,
    where the kernel refuses new files to everyone."""
    if os.geteuid() == 0:
        yield Path("/sys")
        return
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


# --- writing where one cannot --------------------------------------------------------------------


def test_export_to_a_missing_place_is_one_line(run_cli, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run_cli("export", "--graph", MINIMAL, "-o", tmp_path / "a-file" / "x.ttl", "--quiet")
    assert "cannot write" in one_line_error(result) and "choose a place you can write to" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("verb", [("export", "-o"), ("build", "--out"), ("network", "draw", "--out")], ids=" ".join)
def test_writing_to_a_read_only_place_is_one_line(run_cli, read_only, verb):
    target = read_only / "forcegraph-out"
    result = run_cli(*verb, target, "--graph", MINIMAL, "--quiet")
    assert f"cannot write {target}: permission denied" in one_line_error(result)
    assert not target.exists()


def test_exports_have_the_umasks_mode(run_cli, tmp_path):
    for mask, mode in ((0o022, 0o644), (0o027, 0o640)):
        old = os.umask(mask)
        try:
            assert run_cli("export", "--graph", MINIMAL, "-o", tmp_path / f"{mask:o}.ttl", "--quiet").exit_code == 0
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / f"{mask:o}.ttl").stat().st_mode) == mode


def test_an_export_to_a_symlink_is_written_through_to_its_target(run_cli, tmp_path):
    target, link = tmp_path / "target.ttl", tmp_path / "link.ttl"
    target.write_text("old")
    link.symlink_to(target)
    assert run_cli("export", "--graph", MINIMAL, "-o", link, "--quiet").exit_code == 0
    assert link.is_symlink() and "@prefix" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "target.ttl"]


def test_an_extension_export_does_not_write_is_refused(run_cli, tmp_path):
    result = run_cli("export", "--graph", MINIMAL, "-o", tmp_path / "x.rdf", "--quiet")
    assert "unknown extension .rdf; give --format" in one_line_error(result)
    assert list(tmp_path.iterdir()) == []


# --- what the data and the parameters say --------------------------------------------------------


def test_an_ill_typed_literal_prints_no_rdflib_traceback_on_any_command(tmp_path):
    bad = tmp_path / "bad.trig"
    bad.write_text(MINIMAL.read_text().replace('"2015-10-22"^^xsd:date', '"2019-02-30"^^xsd:date'))
    forcegraph_cli = REPO / ".venv" / "bin" / "forcegraph"
    for args, code in ((["validate"], 1), (["query", "agreements-in-force"], 0),
                       (["network", "draw", "--out", tmp_path / "out", "--quiet"], 0)):
        done = subprocess.run([forcegraph_cli, *args, "--graph", bad], capture_output=True, text=True, timeout=120)
        assert done.returncode == code, done.stderr
        assert "Traceback" not in done.stderr and "Failed to convert" not in done.stderr
        if args == ["validate"]:
            assert "the in-force date must be one xsd:date" in done.stdout


def test_a_misspelt_iri_is_refused_like_a_misspelt_name(run_cli):
    result = run_cli("query", "who-leads-what", "--graph", MINIMAL, "--param", f"force={FORCE}bedfordshir")
    assert f"the graph says nothing about <{FORCE}bedfordshir>" in one_line_error(result)
    assert "(1 row)" in run_cli("query", "who-leads-what", "--graph", MINIMAL, "--param",
                                f"force={FORCE}bedfordshire").stdout


def test_a_sparql_syntax_error_points_at_the_place(run_cli):
    result = run_cli("query", "--graph", MINIMAL, "--sparql", "SELECT ?x\nWHERE { ?x ?y }")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-2:] == ["  WHERE { ?x ?y }", " " * 17 + "^"]


def test_a_query_file_that_is_not_text_is_one_line(run_cli, tmp_path):
    (tmp_path / "q.rq").write_bytes(b"SELECT \xff")
    result = run_cli("query", "--graph", MINIMAL, "--file", tmp_path / "q.rq")
    assert result.exit_code == 2 and "is not UTF-8 text" in result.stderr and "Traceback" not in result.stderr


def test_graph_folders_load_json_ld_and_rdf_xml(run_cli, tmp_path):
    (tmp_path / "minimal.trig").write_text(MINIMAL.read_text())
    (tmp_path / "extra.rdf").write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">'
        '<rdf:Description rdf:about="https://example.org/a"><ex:p>from RDF/XML</ex:p></rdf:Description></rdf:RDF>')
    (tmp_path / "extra.jsonld").write_text('{"@id": "https://example.org/b", "https://example.org/p": "from JSON-LD"}')
    result = run_cli("query", "--graph", tmp_path, "--format", "csv",
                     "--sparql", "SELECT ?v WHERE { ?s <https://example.org/p> ?v } ORDER BY ?v")
    assert result.stdout.split() == ["v", "from", "JSON-LD", "from", "RDF/XML"]


# --- the command line's own options --------------------------------------------------------------


def test_the_query_list_as_json(run_cli):
    listed = json.loads(run_cli("query", "--list", "--format", "json").stdout)
    assert [q["name"] for q in listed] == list(library.library())
    assert {"name": "as_of", "type": "date"}.items() <= listed[2]["params"][0].items()


def test_table_with_a_format_other_than_csv_is_refused(run_cli):
    result = run_cli("network", "metrics", "--graph", MINIMAL, "--format", "json", "--table", "leads")
    assert result.exit_code == 2 and "--table chooses the one table --format csv gives" in result.stderr


def test_the_same_bad_date_gives_the_same_message_everywhere(run_cli):
    messages = {one_line_error(run_cli(*verb, "--as-of", "2019-02-30", "--graph", MINIMAL))
                for verb in (["export"], ["network", "metrics"], ["network", "draw"])}
    assert messages == {"Error: Invalid value for '--as-of': '2019-02-30' is not a date; "
                        "expected YYYY-MM-DD, e.g. 2019-06-01"}
    # A date parameter of a library query is read by the same words.
    param = one_line_error(run_cli("query", "agreements-in-force", "--param", "as_of=2019-02-30", "--graph", MINIMAL))
    assert param == "Error: parameter as_of: '2019-02-30' is not a date; expected YYYY-MM-DD, e.g. 2019-06-01"


def test_serve_refuses_a_busy_port_before_saying_serving(run_cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_cli("serve", "--graph", MINIMAL, "--port", busy.getsockname()[1])
    assert "address already in use; stop what runs there or choose another --port" in one_line_error(result)
    assert "Serving" not in result.stderr


def test_setup_says_what_it_is_doing():
    steps = [line.strip() for line in (REPO / "scripts" / "setup.sh").read_text().splitlines()]
    work = [i for i, line in enumerate(steps) if line.startswith(("pip ", "python3 -m venv", "$sudo apt-get"))]
    assert work and all(any(steps[j].startswith("step ") for j in range(i - 2, i)) for i in work)


# --- the Python API and the error tree ----------------------------------------------------------


def test_the_api_takes_a_path_and_parameters_as_a_mapping():
    kg = forcegraph.load(str(MINIMAL))
    by_mapping = forcegraph.query("lookup-by-name", kg=kg, params={"name": "Bedfordshire"}).records()
    assert by_mapping and by_mapping == forcegraph.query("lookup-by-name", kg=kg, name="Bedfordshire").records()
    forcegraph.query("agreements-due", kg=kg, params={"from": "2015-01-01", "to": "2030-01-01"})


def test_every_error_is_a_forcegraph_error_with_its_codes():
    with pytest.raises(UnknownQuery) as caught:
        library.get("who-leads")
    assert isinstance(caught.value, (ForcegraphError, KeyError)) and caught.value.http_status == 404
    assert str(caught.value).startswith("no library query named 'who-leads'. Did you mean: who-leads-what")


def test_every_error_class_lives_in_the_one_error_module(repo):
    # `git grep "^class .*Error"` finds them in errors.py only; the worker pool's own signal to
    # start a new worker (WorkerDied) never reaches a person.
    import ast

    defined = {}
    for path in sorted((repo / "src" / "forcegraph").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in getattr(node, "bases", [])}
            if isinstance(node, ast.ClassDef) and any(b.endswith(("Error", "Exception", "Refused")) for b in bases):
                defined[node.name] = path.name
    assert len(defined) > 20
    assert {name: module for name, module in defined.items() if module != "errors.py"} == {"WorkerDied": "workers.py"}
