"""The layout of every file under graph/ (docs/curation.md, "Layout of a file"): IRIs under the id
namespace written relative to the file's @base, and each passage's words in the provenance block
directly before its first facts, so a reader sees the words and then what they state."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from forcegraph.serialize import Names
from forcegraph.vocab import ID, PROVENANCE_GRAPH

from conftest import REPO

FILES = sorted((REPO / "graph").rglob("*.trig"))
UNDER_BASE = Names({}, str(ID))  # as the exporter writes our IRIs
FULL = re.compile(r"<" + re.escape(str(ID)) + r"([^>]*)>")
HEAD, END = re.compile(r"^<[^>]*> \{\s*$"), re.compile(r"^\}\s*$")
PASSAGE = ox.NamedNode("https://w3id.org/forcegraph/ontology#Passage")
EXCERPT = ox.NamedNode("https://w3id.org/forcegraph/ontology#excerpt")
PROV = ox.NamedNode(str(PROVENANCE_GRAPH))


def blocks(text: str) -> list[tuple[int, ox.NamedNode | None, set]]:
    """The file's graph blocks, each `<graph> {` … `}` on lines of its own: (line, graph, quads)."""
    lines = text.split("\n")
    directives = "\n".join(ln for ln in lines if ln.startswith(("@prefix", "@base")))
    found, i = [], 0
    while i < len(lines):
        ln = lines[i]
        if HEAD.match(ln):
            j = next(k for k in range(i + 1, len(lines)) if END.match(lines[k]) or HEAD.match(lines[k]))
            assert END.match(lines[j]), f"line {i + 1}: block not closed by a line '}}' before line {j + 1}"
            quads = set(ox.parse(input=(directives + "\n" + "\n".join(lines[i:j + 1])).encode(),
                                 format=ox.RdfFormat.TRIG))
            found.append((i + 1, next(iter(quads)).graph_name if quads else None, quads))
            i = j + 1
            continue
        assert not ln.strip() or ln.startswith(("#", "@prefix", "@base")), f"line {i + 1} is outside any block: {ln!r}"
        i += 1
    return found


def layout_problems(text: str) -> list[str]:
    problems = []
    for n, line in enumerate(text.split("\n"), 1):
        for m in FULL.finditer(line):
            relative = UNDER_BASE.iri(str(ID) + m.group(1))
            if relative != m.group(0):
                problems.append(f"line {n}: {m.group(0)} is spelt in full; write {relative} under @base <{ID}>")
    found = blocks(text)
    passages = {q.subject for _, g, quads in found if g == PROV for q in quads if q.object == PASSAGE}
    with_facts = passages & {g for _, g, _ in found}
    for p in sorted(with_facts, key=lambda p: p.value):
        first = next(i for i, (_, g, _) in enumerate(found) if g == p)
        line, _, _ = found[first]
        _, graph, quads = found[first - 1] if first else (0, None, set())
        words = {q.subject for q in quads if q.predicate == EXCERPT}
        # Its words, and no other passage's that has facts of its own (those go before their facts).
        if graph != PROV or p not in words or words & with_facts - {p}:
            problems.append(f"line {line}: the first facts of <{p.value}> do not follow a provenance block "
                            "holding its excerpt")
    return problems


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO / "graph").as_posix())
def test_every_graph_file_follows_the_layout(path: Path):
    assert layout_problems(path.read_text(encoding="utf-8")) == []


def test_files_declare_the_base_and_no_id_prefix():
    assert len(FILES) > 40
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert f"@base <{ID}> .\n" in text, path
        assert "@prefix id:" not in text, path


OLD = """@prefix fg: <https://w3id.org/forcegraph/ontology#> .
@base <https://w3id.org/forcegraph/id/> .

<graph/provenance> {
  <document/d> a fg:Report .

  <passage/d/p1> a fg:Passage ;
      fg:document <document/d> ;
      fg:excerpt "Kent and Essex work together." .

  <passage/d/p2> a fg:Passage ;
      fg:document <document/d> ;
      fg:excerpt "Essex leads." .
}

# 1.1
<passage/d/p1> {
  <https://w3id.org/forcegraph/id/force/kent> fg:collaboratesWith <force/essex> .
}

# 1.2
<passage/d/p2> {
  <force/essex> fg:leads <force/kent> .
}
"""

NEW = """@prefix fg: <https://w3id.org/forcegraph/ontology#> .
@base <https://w3id.org/forcegraph/id/> .

<graph/provenance> {
  <document/d> a fg:Report .
}

# 1.1
<graph/provenance> {
  <passage/d/p1> a fg:Passage ;
      fg:document <document/d> ;
      fg:excerpt "Kent and Essex work together." .
}
<passage/d/p1> {
  <force/kent> fg:collaboratesWith <force/essex> .
}

# 1.2
<graph/provenance> {
  <passage/d/p2> a fg:Passage ;
      fg:document <document/d> ;
      fg:excerpt "Essex leads." .
}
<passage/d/p2> {
  <force/essex> fg:leads <force/kent> .
}
"""


def test_the_check_finds_full_iris_and_words_far_from_their_facts():
    assert layout_problems(OLD) == [
        "line 18: <https://w3id.org/forcegraph/id/force/kent> is spelt in full; write <force/kent> "
        "under @base <https://w3id.org/forcegraph/id/>",
        "line 17: the first facts of <https://w3id.org/forcegraph/id/passage/d/p1> do not follow a provenance "
        "block holding its excerpt",
        "line 22: the first facts of <https://w3id.org/forcegraph/id/passage/d/p2> do not follow a provenance "
        "block holding its excerpt"]
    assert {*ox.parse(input=OLD.encode(), format=ox.RdfFormat.TRIG)} == {*ox.parse(input=NEW.encode(), format=ox.RdfFormat.TRIG)}
    assert layout_problems(NEW) == []
