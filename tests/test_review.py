"""Candidates and their review through the real CLI, on a copy of the repository's graph: a
rejection is remembered, a candidate reaches no query or export before it is accepted and does
after, and accepting keeps the graph loadable (and conforming)."""

from __future__ import annotations

import shutil

import pytest

import forcegraph
from forcegraph import candidates as store
from forcegraph.vocab import FG, ID

from test_layout import layout_problems

DOC = "cpcc-2019-007"


@pytest.fixture()
def project(repo, tmp_path, monkeypatch):
    """graph/ and sources/ copied to a temporary folder, which becomes the working directory."""
    for name in ("graph", "sources"):
        shutil.copytree(repo / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def proposed(slug=DOC):
    return [c for c in store.read("candidates", slug) if c.status == "proposed"]


def test_candidates_are_written_outside_the_graph_with_a_summary(project, run_cli):
    result = run_cli("candidates", DOC)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{DOC}: ") and "date" in result.stdout
    assert (project / "candidates" / f"{DOC}.trig").exists()
    assert not list((project / "graph").rglob("*candidate*"))
    listing = run_cli("review", "list", DOC)
    assert listing.exit_code == 0 and listing.stdout.count(f"{DOC}/") == len(proposed())


def test_a_rejected_candidate_stays_rejected(project, run_cli):
    run_cli("candidates", DOC)
    first = proposed()[0]
    assert run_cli("review", "reject", f"{DOC}/{first.n}").exit_code == 0
    assert run_cli("candidates", DOC).exit_code == 0  # the extractor runs again
    again = store.read("candidates", DOC)
    same = [c for c in again if c.key() == first.key()]
    assert len(same) == 1 and same[0].status == "rejected" and same[0].n == first.n


def ask(run_cli, iri):
    result = run_cli("query", "--sparql", f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}", "--format", "csv",
                     "--reasoning", "none")
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[1:]


def test_a_candidate_reaches_queries_and_exports_only_once_accepted(project, run_cli):
    run_cli("candidates", DOC)
    # A count the document states, proposed as a new thing the graph has never held.
    group = [c for c in proposed() if c.kind == "count" and "police force areas" in c.evidence]
    subject = group[0].s
    assert str(subject).startswith(str(ID["count/"]))
    assert ask(run_cli, subject) == []
    export = run_cli("export", "--format", "nq", "--profile", "full", "--force", "--quiet")
    assert export.exit_code == 0 and str(subject) not in export.stdout
    ids = [f"{DOC}/{c.n}" for c in group if c.s == subject]
    result = run_cli("review", "accept", *ids)
    assert result.exit_code == 0, result.output
    assert len(ask(run_cli, subject)) == len(ids)
    export = run_cli("export", "--format", "nq", "--profile", "full", "--force", "--quiet")
    assert str(subject) in export.stdout
    assert all(c.status == "accepted" for c in store.read("candidates", DOC) if f"{DOC}/{c.n}" in ids)


def test_accepting_keeps_the_graph_loadable_and_the_fact_in_its_passage(project, run_cli):
    run_cli("candidates", DOC)
    decision = next(c for c in proposed() if c.kind == "decision" and c.p.endswith("decidedBy"))
    assert run_cli("review", "accept", f"{DOC}/{decision.n}").exit_code == 0
    kg = forcegraph.load([project / "graph"])
    import pyoxigraph as ox
    quad = ox.Quad(ox.NamedNode(str(decision.s)), ox.NamedNode(str(decision.p)), ox.NamedNode(str(decision.o)),
                   ox.NamedNode(str(decision.passage)))
    assert quad in kg.store
    text = (project / "graph" / "seeds" / "004a-seven-force.trig").read_text()
    assert f"Accepted candidate {DOC}/{decision.n}" in text
    assert run_cli("validate").exit_code == 0  # a well-formed fact keeps the graph conforming
    # Beside its passage's words: right after the passage's own block, before the next passage's words,
    # spelt as the file spells IRIs (relative to its @base).
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith(f"# Accepted candidate {DOC}/{decision.n} "))
    rel = lambda iri: f"<{str(iri).removeprefix(str(ID))}>"  # noqa: E731
    assert lines[at + 1:at + 4] == [f"{rel(decision.passage)} {{",
                                    f"  {rel(decision.s)} fg:{decision.p.split('#')[1]} {rel(decision.o)} .", "}"]
    assert lines[at - 1] == "}" and [ln for ln in lines[:at] if ln.endswith(" {")][-1] == f"{rel(decision.passage)} {{"
    described = [(i, ln.split()[0]) for i, ln in enumerate(lines) if ln.endswith(" a fg:Passage ;")]
    assert [p for i, p in described if i < at][-1] == rel(decision.passage)
    assert lines[at + 4:at + 7] == ["", "<graph/provenance> {", next(lines[i] for i, _ in described if i > at)]
    assert layout_problems(text) == []


def test_a_fact_for_a_passage_with_none_yet_goes_right_after_its_words(project, run_cli, tmp_path):
    paper = tmp_path / "note.txt"
    paper.write_text("1.1 Kent Police and Essex Police agree to work together.\n\n"
                     "1.2 The agreement was signed on 12 March 2019.\n\n1.3 Nothing else.\n", encoding="utf-8")
    assert run_cli("source", "add", paper).exit_code == 0
    assert run_cli("candidates", "note").exit_code == 0
    date = next(c for c in proposed("note") if c.kind == "date")
    essex = next(c for c in proposed("note") if c.s == ID["force/essex"])
    for c in (date, essex):
        assert run_cli("review", "accept", f"note/{c.n}").exit_code == 0
    text = (project / "graph" / "documents" / "note.trig").read_text()
    assert layout_problems(text) == []
    words = text.index("Kent Police and Essex Police agree"), text.index("The agreement was signed"), text.index("Nothing else.")
    facts = text.index("<force/essex> rdf:type fg:PoliceForce ."), text.index("<agreement/note> fg:signedDate")
    assert words[0] < facts[0] < words[1] < facts[1] < words[2]


def test_edit_changes_the_object_then_accepts(project, run_cli):
    run_cli("candidates", DOC)
    date = next(c for c in proposed() if c.kind == "date" and c.p.endswith("expiryDate"))
    seeds = project / "graph" / "seeds" / "004a-seven-force.trig"
    before = seeds.read_bytes()
    bad = run_cli("review", "edit", f"{DOC}/{date.n}", "31/03/2021")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "YYYY-MM-DD" in bad.stderr
    assert seeds.read_bytes() == before  # nothing half-written
    good = run_cli("review", "edit", f"{DOC}/{date.n}", "2021-03-30")
    assert good.exit_code == 0, good.output
    assert '"2021-03-30"^^<http://www.w3.org/2001/XMLSchema#date>' in seeds.read_text()
    assert next(c for c in store.read("candidates", DOC) if c.n == date.n).status == "accepted"


@pytest.mark.parametrize("args, message", [
    (("review", "accept", "nonsense"), "is not a candidate id"),
    (("review", "accept", f"{DOC}/9999"), "no candidates for document"),
    (("candidates", "no-such-document"), "no document 'no-such-document'"),
    (("candidates",), "name at least one document"),
])
def test_bad_input_is_one_line_and_exit_2(project, run_cli, args, message):
    result = run_cli(*args)
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_a_fact_goes_beside_its_passages_words_even_when_the_file_reopens_its_graph_below(tmp_path):
    # Seed files reopen a passage's graph far below (its dated relations): the accepted fact
    # still goes right after the blocks that follow the passage's words.
    from rdflib import URIRef

    from forcegraph.extract import Candidate
    from forcegraph.review import _add_fact

    head = '@prefix fg: <https://w3id.org/forcegraph/ontology#> .\n@base <https://w3id.org/forcegraph/id/> .\n\n'
    words = lambda p: f'<graph/provenance> {{\n  <passage/d/{p}> a fg:Passage ; fg:excerpt "{p}" .\n}}\n'  # noqa: E731
    facts = lambda p, n: f'<passage/d/{p}> {{\n  <force/{n}> a fg:Force .\n}}\n'  # noqa: E731
    path = tmp_path / "d.trig"
    path.write_text(head + words("a") + facts("a", "x") + "\n" + words("b") + facts("b", "y") + "\n"
                    + "# dated relations\n" + facts("a", "z"))
    c = Candidate("relation", URIRef(ID + "force/x"), URIRef(str(FG.member)), URIRef(ID + "force/y"),
                  URIRef(ID + "passage/d/a"), "a", "test", 1.0)
    _add_fact(path, c, "d/1")
    text = path.read_text()
    assert text.index("<force/x> fg:member <force/y>") < text.index('fg:excerpt "b"')
    assert text.index("<force/x> a fg:Force") < text.index("# Accepted candidate d/1")
