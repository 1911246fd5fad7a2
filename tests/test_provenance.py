"""Every fact has a source: passages quote their documents verbatim, documents match their seed
files byte for byte, and nothing stands outside a passage or external-source graph."""

import hashlib
import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from forcegraph.vocab import CONFLICTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from conftest import REPO

FG = "https://w3id.org/forcegraph/ontology#"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOURCES = REPO / "sources"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def provenance(full_kg):
    """subject -> predicate local name -> values, for the provenance graph."""
    described = defaultdict(lambda: defaultdict(list))
    for q in full_kg.store.quads_for_pattern(None, None, None, ox.NamedNode(str(PROVENANCE_GRAPH))):
        key = q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        described[q.subject][key].append(q.object)
    return described


def source_document_classes() -> set[str]:
    """fg:SourceDocument and every class the ontology makes a subclass of it (fg:Register, fg:WebPage…)."""
    import rdflib

    onto = rdflib.Graph().parse(REPO / "ontology" / "forcegraph.ttl")
    root = rdflib.URIRef(FG + "SourceDocument")
    return {str(c) for c in onto.transitive_subjects(rdflib.RDFS.subClassOf, root)}


def of_type(provenance, local):
    return {s: d for s, d in provenance.items() if any(t.value == FG + local for t in d["type"])}


def files_of(d) -> list[tuple[str, str]]:
    """(file under sources/, its recorded sha256) for a document: its seed or source file, and its text file."""
    original = (d["seedFile"] or d["sourceFile"])[0].value
    pairs = [(original, d["sha256"][0].value)]
    if d["textFile"]:
        pairs.append((d["textFile"][0].value, d["textSha256"][0].value))
    return pairs


def text_of(d) -> str:
    """The file a document's excerpts are quoted from: the text file when the original is not plain text."""
    return (d["textFile"] or d["seedFile"] or d["sourceFile"])[0].value


def test_every_source_file_has_documents_with_its_sha256(provenance):
    docs = {s: d for s, d in provenance.items() if "seedFile" in d or "sourceFile" in d}
    assert docs, "no source documents described"
    seen_files = set()
    for doc, d in docs.items():
        for name, sha in files_of(d):
            path = SOURCES / name
            assert path.is_file(), f"{doc.value}: file {name} is not in sources/"
            assert sha == hashlib.sha256(path.read_bytes()).hexdigest(), f"{doc.value}: sha256 differs from {name}"
            seen_files.add(name)
    on_disk = {p.relative_to(SOURCES).as_posix() for p in SOURCES.rglob("*")
               if p.is_file() and not p.name.startswith(("README", "."))}
    assert on_disk - seen_files == set(), "every file in sources/ yields at least one document"


def test_every_excerpt_is_verbatim_in_its_document(provenance):
    texts = {}
    passages = {s: d for s, d in provenance.items() if "excerpt" in d}
    assert len(passages) > 100
    missing = []
    for passage, d in passages.items():
        name = text_of(provenance[d["document"][0]])
        if name not in texts:
            texts[name] = normalise((SOURCES / name).read_text(encoding="utf-8"))
        excerpt = normalise(d["excerpt"][0].value)
        if excerpt not in texts[name]:
            missing.append(f"{passage.value}: {excerpt!r} not in {name}")
    assert missing == []


def test_no_fact_outside_a_passage_or_external_source_graph(full_kg, provenance):
    passages = set(of_type(provenance, "Passage"))
    external = set(of_type(provenance, "ExternalSource")) | set(of_type(provenance, "CuratorInference"))
    special = {ox.NamedNode(str(g)) for g in (PROVENANCE_GRAPH, CONFLICTS_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH)}
    in_default = list(full_kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert in_default == [], "facts in the default graph have no source"
    stray = sorted(g.value for g in full_kg.store.named_graphs() if g not in special and g not in passages | external)
    assert stray == [], "named graphs that are neither a described passage nor an external source"


def test_external_sources_cite_a_public_url_and_date(provenance):
    external = of_type(provenance, "ExternalSource")
    assert external, "reference data must cite its sources"
    for src, d in external.items():
        assert d["source"] and d["source"][0].value.startswith(("http://", "https://")), src.value
        assert d["retrieved"], src.value


def test_provenance_graph_only_describes_sources(provenance):
    kinds = {FG + k for k in ("Passage", "ExternalSource", "CuratorInference")} | source_document_classes()
    odd = [s.value for s, d in provenance.items() if not {t.value for t in d["type"]} & kinds]
    assert odd == []


def test_conflicts_graph_holds_only_conflict_records(full_kg):
    subjects = {q.subject for q in full_kg.store.quads_for_pattern(None, None, None, ox.NamedNode(str(CONFLICTS_GRAPH)))}
    conflict = ox.NamedNode(FG + "Conflict")
    assert subjects, "the seeds disagree in places; conflicts must be recorded"
    assert all(ox.Quad(s, TYPE, conflict, ox.NamedNode(str(CONFLICTS_GRAPH))) in full_kg.store for s in subjects)


def test_no_blank_nodes_in_the_data(full_kg):
    blank = [q for q in full_kg.quads(facts=True, provenance=True, conflicts=True)
             if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    assert blank == [], "every node needs an IRI so partners can link to it"
