"""`forcegraph source add`: each format gives the same passages as the text it was made from, bad
files are refused with one clear line and nothing written, and a file added twice is recognised."""

import re
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
import pytest

import forcegraph
from forcegraph.passages import split
from forcegraph.sources import parse_date

from conftest import REPO
from test_layout import layout_problems

FG = "https://w3id.org/forcegraph/ontology#"
SEED = REPO / "sources" / "002_aeb29340dc868a24.txt"     # a report with numbered paragraphs and fields


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def blocks(text):
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def make_pdf(text, path, encrypt=None):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    story = [Paragraph("<br/>".join(escape(ln.strip()) for ln in b.splitlines()), style) for b in blocks(text)]
    SimpleDocTemplate(str(path), encrypt=encrypt).build(story)


def make_docx(text, path):
    import docx

    d = docx.Document()
    for b in blocks(text):
        d.add_paragraph(b)
    d.save(str(path))


def make_html(text, path):
    body = "\n".join(f"<p>{'<br>'.join(escape(ln) for ln in b.splitlines())}</p>" for b in blocks(text))
    path.write_text(f"<html><head><title>Report</title><style>p {{}}</style><script>var x = 1;</script></head>"
                    f"<body><nav>Home | About</nav>\n{body}\n</body></html>", encoding="utf-8")


@pytest.fixture()
def project(tmp_path):
    """An empty project: graph/ and sources/ of its own (never the repository's)."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "sources").mkdir()
    return tmp_path


@pytest.fixture()
def seeded(project_copy):
    """A copy of the real graph and sources."""
    return project_copy


def add(run_cli, project, *args):
    return run_cli("source", "add", *args, "--graph", project / "graph", "--sources", project / "sources")


def passages_of(trig: Path):
    found = {}
    for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        found.setdefault(q.subject.value, {})[q.predicate.value.split("#")[-1]] = q.object.value
    rows = [d for d in found.values() if "excerpt" in d]
    return [(d["locator"], normalise(d["excerpt"])) for d in sorted(rows, key=lambda d: int(d["position"]))]


def files_under(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_pdf_docx_and_html_give_the_passages_of_the_text(run_cli, project, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEED, src / "report.txt")
    make_pdf(text, src / "report-pdf.pdf")
    make_docx(text, src / "report-docx.docx")
    make_html(text, src / "report-html.html")
    result = add(run_cli, project, *sorted(src.iterdir()))
    assert result.exit_code == 0, result.stderr
    assert len(result.stderr.strip().splitlines()) == 4, "one progress line per file"
    expected = passages_of(project / "graph" / "documents" / "report.trig")
    assert ("1.1", "To update the committee in respect to risk 3/3 on the joint Constabulary and Commissioner "
            "strategic risk register in relation to collaboration.") in expected or any(l == "1.1" for l, _ in expected)
    assert len(expected) > 20
    for kind in ("pdf", "docx", "html"):
        got = passages_of(project / "graph" / "documents" / f"report-{kind}.trig")
        assert got == expected, kind
        # the extracted text is kept beside the original, and the excerpts are slices of it
        assert (project / "sources" / f"report-{kind}.txt").is_file()
    assert (project / "sources" / "report-pdf.pdf").read_bytes() == (src / "report-pdf.pdf").read_bytes()
    kg = forcegraph.load([project / "graph"])
    forcegraph.reason(kg)
    report = forcegraph.validate(kg)
    assert report.conforms, report.text()
    check = run_cli("check", "--graph", project / "graph", "--sources", project / "sources")
    assert check.exit_code == 1 and all("states no facts yet" in ln for ln in check.stdout.splitlines())


def test_excerpts_are_exact_slices_and_seed_paragraphs_are_found():
    """Every numbered paragraph the curators quoted in seed 004 is found under its number, word for word."""
    text = (REPO / "sources" / "004_ee3f1f1d7c2eb810.txt").read_text(encoding="utf-8")
    found = split(text)
    for p in found:
        assert text[p.position:p.position + len(p.excerpt)] == p.excerpt
    quoted = {}
    for trig in (REPO / "graph" / "seeds").glob("004*.trig"):
        for q in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
            quoted.setdefault(q.subject.value, {})[q.predicate.value.split("#")[-1]] = q.object.value
    numbered = [(d["locator"], normalise(d["excerpt"])) for d in quoted.values()
                if re.fullmatch(r"\d+(\.\d+)+", d.get("locator", ""))]
    assert len(numbered) > 40
    missing = [(loc, ex) for loc, ex in numbered
               if not any((p.locator == loc or p.locator.startswith(loc + " ")) and ex in normalise(p.excerpt)
                          for p in found)]
    assert missing == []
    assert [p.locator for p in found[1:4]] == ["Subject", "Decision", "Decision Summary"]


def test_corpus_page_keeps_its_url_and_title_and_goes_to_sources_corpus(run_cli, project, tmp_path):
    page = tmp_path / "009-emsou-about.txt"
    page.write_text("url: https://www.emsou.police.uk/about\ntitle: About EMSOU\nsource: stored copy\n---\n"
                    "Every member of EMSOU serves as one unit.\n\nEstablished in 2001, our unit is a collaboration.\n",
                    encoding="utf-8")
    result = add(run_cli, project, page)
    assert result.exit_code == 0, result.stderr
    assert (project / "sources" / "corpus" / page.name).read_bytes() == page.read_bytes()
    trig = (project / "graph" / "documents" / "009-emsou-about.trig").read_text(encoding="utf-8")
    assert 'fg:sourceFile "corpus/009-emsou-about.txt"' in trig
    assert "dcterms:source <https://www.emsou.police.uk/about>" in trig
    assert 'dcterms:title "About EMSOU"' in trig and '"title"' in trig  # marked as guessed
    assert "url:" not in "".join(ex for _, ex in passages_of(project / "graph" / "documents" / "009-emsou-about.trig"))
    # the layout of every file under graph/: relative IRIs, the document on top, then each passage's
    # words in a provenance block of its own (its facts will go right after it), in the page's order
    assert "@base <https://w3id.org/forcegraph/id/> .\n" in trig and layout_problems(trig) == []
    found = passages_of(project / "graph" / "documents" / "009-emsou-about.trig")
    assert trig.count("\n<graph/provenance> {\n") == 1 + len(found) == 3
    heads = [ln for ln in trig.splitlines() if ln.endswith(" a fg:Passage ;")]
    assert heads == ["  <passage/009-emsou-about/para-1> a fg:Passage ;", "  <passage/009-emsou-about/para-2> a fg:Passage ;"]


def test_guessed_date_issuer_and_kind_are_marked(run_cli, seeded, tmp_path):
    paper = tmp_path / "decision.md"
    paper.write_text("# Kent Police and Crime Commissioner decision record\n\nDate: 12 March 2019\n\n"
                     "1.1 The Commissioner approves the agreement.\n", encoding="utf-8")
    result = add(run_cli, seeded, paper)
    assert result.exit_code == 0, result.stderr
    trig = (seeded / "graph" / "documents" / "decision.trig").read_text(encoding="utf-8")
    assert '"2019-03-12"^^xsd:date' in trig and "a fg:DecisionRecord" in trig
    assert "fg:issuedBy <corporation-sole/pcc-kent> ;" in trig
    assert 'fg:guessed "title" , "date" , "kind" , "issuer"' in trig
    assert parse_date("13-3-19.") .isoformat() == "2019-03-13"


def test_issuer_by_name_and_unknown_issuer(run_cli, seeded, tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text("1.1 Some words about collaboration.\n", encoding="utf-8")
    before = files_under(seeded)
    bad = add(run_cli, seeded, paper, "--issuer", "Nobody At All")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ") and "Nobody At All" in bad.stderr
    assert files_under(seeded) == before
    good = add(run_cli, seeded, paper, "--issuer", "Police and Crime Commissioner for Kent", "--kind", "report",
               "--date", "2020-01-02", "--title", "A paper")
    assert good.exit_code == 0, good.stderr
    trig = (seeded / "graph" / "documents" / "paper.trig").read_text(encoding="utf-8")
    assert "fg:issuedBy <corporation-sole/pcc-kent> ;" in trig and "      fg:guessed" not in trig


def test_adding_a_seed_or_the_same_file_twice_is_recognised(run_cli, seeded, tmp_path):
    again = add(run_cli, seeded, REPO / "sources" / "004_ee3f1f1d7c2eb810.txt")
    assert again.exit_code == 0
    assert "already added as <https://w3id.org/forcegraph/id/document/cpcc-2019-007>" in again.stdout
    assert "graph/seeds/004a-seven-force.trig" in again.stdout.replace("\\", "/")
    paper = tmp_path / "note.txt"
    paper.write_text("Collaboration\n\nThe forces agree to work together.\n", encoding="utf-8")
    assert add(run_cli, seeded, paper).exit_code == 0
    before = files_under(seeded)
    twice = add(run_cli, seeded, paper)
    assert twice.exit_code == 0 and "already added as" in twice.stdout and "graph/documents/note.trig" in twice.stdout
    assert files_under(seeded) == before


def _bad_files(tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    make_pdf("1.1 Secret words.", d / "locked.pdf", encrypt="secret")
    (d / "empty.txt").write_bytes(b"")
    (d / "garbage.txt").write_bytes(bytes(range(256)) * 8)
    (d / "notreally.pdf").write_text("1.1 This is plain text.\n", encoding="utf-8")
    (d / "notreally.docx").write_text("1.1 This is plain text.\n", encoding="utf-8")
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(d / "scanned.pdf"))
    c.rect(50, 50, 300, 300, fill=1)   # a picture of a page, no text layer
    c.save()
    return {"locked.pdf": "encrypted", "empty.txt": "empty", "garbage.txt": "binary",
            "notreally.pdf": "named .pdf", "notreally.docx": "named .docx", "scanned.pdf": "no text layer"}


def test_bad_files_get_one_clear_line_and_nothing_is_written(run_cli, seeded, tmp_path):
    expected = _bad_files(tmp_path)
    before = files_under(seeded)
    for name, words in expected.items():
        path = tmp_path / "bad" / name
        result = add(run_cli, seeded, path)
        assert result.exit_code == 2, (name, result.stdout)
        assert result.stderr.startswith(f"Error: {path}: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert files_under(seeded) == before


def test_a_batch_with_one_bad_file_writes_nothing(run_cli, seeded, tmp_path):
    _bad_files(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text("1.1 The forces agree to work together.\n", encoding="utf-8")
    before = files_under(seeded)
    result = add(run_cli, seeded, good, tmp_path / "bad" / "garbage.txt")
    assert result.exit_code == 2
    assert "[1/2]" in result.stderr and f"Error: {tmp_path / 'bad' / 'garbage.txt'}: " in result.stderr
    assert "Nothing was added" in result.stderr and "Traceback" not in result.output
    assert files_under(seeded) == before


def test_long_runs_of_underscores_split_quickly():
    """A signature line of underscores (as in corpus 036) once made the markup regex backtrack for ever."""
    import time

    text = "1 DATED" + "_" * 60 + "2017\n\n" + "_" * 80 + " x\n"
    start = time.perf_counter()
    found = split(text)
    assert time.perf_counter() - start < 1 and found[0].excerpt == text.split("\n")[0]
