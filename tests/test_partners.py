"""Partners get our answers in their own tools: the bundle (`forcegraph export --bundle`) loaded
as its README says into real Apache Jena (Debian's libapache-jena-java 4.5, run by scripts/jena),
and given to Jena's and pySHACL's SHACL validators."""

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace, RDF

import forcegraph
from forcegraph import library
from forcegraph.binding import with_values
from forcegraph.bundle import bundle
from forcegraph.export import export
from forcegraph.resources import context_dir
from forcegraph.cli import cli
from forcegraph.output import render
from forcegraph.query import bind_params, resolver, run

from conftest import DATA, REPO, SEED_ARGS, free_port, wait_until_serving

# One test worker runs this whole module, so the bundle is made and loaded into Jena once
# (scripts/test.sh distributes with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("partners")

JENA = REPO / "scripts" / "jena"
BATCH = Path(__file__).parent / "jena" / "JenaBatch.java"  # many questions, one JVM
SH = Namespace("http://www.w3.org/ns/shacl#")
INVALID = sorted((DATA / "invalid").glob("*.trig"))


def jena(*args, cwd=None) -> str:
    done = subprocess.run([str(JENA), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def seed_bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle") / "partner"
    result = CliRunner().invoke(cli, ["export", "--bundle", str(folder), *map(str, SEED_ARGS), "--quiet"],
                                env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def tdb2(seed_bundle):
    """The bundle loaded into Jena TDB2 as its README says (tdb2.tdbloader into ./tdb2)."""
    jena("tdb2.tdbloader", "--loc", "tdb2", "forcegraph.nq", cwd=seed_bundle)
    return seed_bundle


def test_the_bundle_holds_what_the_readme_lists_and_is_byte_stable(seed_bundle, tmp_path):
    readme = (seed_bundle / "README.md").read_text()
    listed = set(re.findall(r"^\| `([^`*]+)` \|", readme, re.M))
    assert {"forcegraph.trig", "forcegraph.nq", "forcegraph.ttl", "forcegraph.jsonld", "validation-view.nt",
            "shapes.ttl", "fuseki-config.ttl"} <= listed
    assert all((seed_bundle / name).is_file() for name in listed)
    assert {p.name for p in (seed_bundle / "queries").glob("*.rq")} == {f"{n}.rq" for n in library.library()}
    for line in (seed_bundle / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((seed_bundle / name).read_bytes()).hexdigest() == digest, name
    # The same graph gives the same bundle, byte for byte.
    again = tmp_path / "again"
    CliRunner().invoke(cli, ["export", "--bundle", str(again), *map(str, SEED_ARGS), "--quiet"],
                       env={"SOURCE_DATE_EPOCH": "1767225600"}, catch_exceptions=False)
    assert (again / "SHA256SUMS").read_text() == (seed_bundle / "SHA256SUMS").read_text()
    # Jena's parser takes every data file without a warning.
    for name in ("forcegraph.trig", "forcegraph.nq", "forcegraph.ttl", "validation-view.nt", "shapes.ttl"):
        done = subprocess.run([str(JENA), "riot", "--validate", "--strict", name], cwd=seed_bundle,
                              capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout + done.stderr == "", (name, done.stderr)


@pytest.fixture(scope="module")
def bundle_kg(seed_bundle):
    """What the partner received, in forcegraph: the bundle's TriG (inferences included), as is.
    The partner profile leaves things out (curators' inferences, personal data), so the answers
    to compare are forcegraph's on the same data."""
    return forcegraph.load([seed_bundle / "forcegraph.trig"])


@pytest.fixture(scope="module")
def jena_csv(tdb2, bundle_kg, tmp_path_factory) -> dict[str, str]:
    """Every library query's answer from Jena, through the bundle's own Fuseki configuration (TDB2,
    union default graph), as `tdb2.tdbquery --desc fuseki-config.ttl --results csv` gives it; the
    parameters bound as the README says (a VALUES block), as forcegraph binds them."""
    folder = tmp_path_factory.mktemp("jena-queries")
    files = []
    for name in sorted(library.library()):
        q = library.get(name)
        files.append(folder / f"{name}.rq")
        files[-1].write_text(with_values(q.sparql, bind_params(q, q.example_params, resolver(bundle_kg))))
    jena(BATCH, "query", "fuseki-config.ttl", folder, *files, cwd=tdb2)
    return {f.stem: f.with_suffix(".csv").read_text() for f in files}


@pytest.mark.parametrize("name", sorted(library.library()))
def test_every_library_query_gives_our_csv_in_jena(jena_csv, bundle_kg, name):
    q = library.get(name)
    ours = render(run(bundle_kg, name, q.example_params), "csv")
    theirs = jena_csv[name]
    if name == "curator-inferences":  # the partner profile leaves curators' inferences out
        assert ours.count("\r\n") == 1
    else:
        assert ours.count("\r\n") > 1, f"{name}: the example should find something"
    # The one normalisation: Jena 4.5 ends CSV lines with LF, the SPARQL CSV format with CRLF.
    assert theirs.replace("\n", "\r\n") == ours


def test_turtle_alone_still_says_where_the_documents_say_it(seed_bundle, seed_kg):
    # The README's query over forcegraph.ttl (no graph names) finds the passages that
    # where-does-it-say finds for the facts whose subject is the consortium.
    entity = "https://w3id.org/forcegraph/id/collaboration/chiltern-transport-consortium"
    snippet = re.search(r"      PREFIX prov.*?\n      }\n", (seed_bundle / "README.md").read_text(), re.S).group(0)
    query = seed_bundle / "snippet.rq"
    query.write_text(snippet)
    found = set(jena("arq.sparql", "--data", "forcegraph.ttl", "--results", "csv", "--query", query,
                     cwd=seed_bundle).split()[1:])
    query.unlink()
    expected = {str(r["source"]) for r in run(seed_kg, "where-does-it-say", {"entity": entity}).records()
                if str(r["subject"]) == entity}
    assert expected and found == expected


def _results(report: Graph) -> set:
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1])
            for r in report.subjects(RDF.type, SH.ValidationResult)}


CASES = [None, *INVALID]


@pytest.fixture(scope="module")
def jena_shacl(tmp_path_factory) -> list:
    """For the seed graph and each broken example: its bundle, and Jena's report on the bundle's
    validation view with the bundle's shapes (as `shacl validate --shapes shapes.ttl --data
    validation-view.nt` gives it)."""
    folder = tmp_path_factory.mktemp("jena-shacl")
    made = []
    for n, case in enumerate(CASES):
        paths = [*map(Path, SEED_ARGS[1::2])] if case is None else [DATA / "valid" / "minimal.trig", case]
        kg = forcegraph.load(paths)
        forcegraph.reason(kg)
        made.append(bundle(kg, folder / f"bundle-{n}", "full", force=True))
    jena(BATCH, "shacl", folder, *[f for m in made for f in (m.folder / "shapes.ttl", m.folder / "validation-view.nt")])
    return [(m, Graph().parse(folder / f"{n}.ttl", format="turtle")) for n, m in enumerate(made)]


@pytest.mark.parametrize("n", range(len(CASES)), ids=["seed-graph", *(c.stem for c in INVALID)])
def test_jena_and_pyshacl_give_our_verdict(jena_shacl, n):
    case = CASES[n]
    made, jena_report = jena_shacl[n]
    ours = {(v.focus, v.severity) for v in made.report.violations}
    conforms, py_report, _ = pyshacl.validate(str(made.folder / "validation-view.nt"), data_graph_format="nt",
                                              shacl_graph=str(made.folder / "shapes.ttl"), inference="none")
    assert _results(jena_report) == _results(py_report) == ours
    # Our verdict: no sh:Violation. SHACL's sh:conforms: no result at all, whatever its severity.
    assert made.report.conforms == (case is None) == all(sev != "Violation" for _, sev in ours)
    assert next(jena_report.objects(None, SH.conforms)).toPython() == conforms == (not ours)
    verdict = "conforms: no result" if case is None else "does NOT conform"
    assert verdict in (made.folder / "README.md").read_text()


def test_a_figure_two_passages_state_is_counted_once(tmp_path):
    # Oxigraph's union default graph gives a triple once per graph holding it (Jena's, a set,
    # once): the money total must not count a figure that two passages state twice.
    figure = "<https://w3id.org/forcegraph/id/money/test-saving>"
    facts = (f'{figure} a fg:MoneyFigure ; fg:measure <https://w3id.org/forcegraph/id/measure/test-saving> ;'
             ' fg:financialYear "2019/20" ; fg:amountGBP "1000000"^^xsd:decimal .')
    twice = tmp_path / "twice.trig"
    twice.write_text("@prefix fg: <https://w3id.org/forcegraph/ontology#> .\n"
                     "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                     f"<https://w3id.org/forcegraph/id/passage/test-doc/p1> {{ {facts} }}\n"
                     f"<https://w3id.org/forcegraph/id/passage/test-doc/p2> {{ {facts} }}\n")
    kg = forcegraph.load([DATA / "valid" / "minimal.trig", twice])
    forcegraph.reason(kg)
    totals = [r["amountGBP"] for r in run(kg, "money-by-year").records() if r["financialYear"] == "Total"]
    assert totals == [1000000]


def _rdf_of_jsonld(data: bytes) -> set:
    from pyld import jsonld

    nquads = jsonld.to_rdf(json.loads(data), {"format": "application/n-quads"})
    return set(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))


def _rdf_of_jsonld_js(data: bytes, tmp_path: Path) -> set:
    # jsonld.js as a web page or Node program would use it (installed by setup.sh --jena).
    modules = REPO / ".venv" / "node" / "node_modules"
    (tmp_path / "doc.jsonld").write_bytes(data)
    script = ("const jsonld = require(process.argv[1]); const doc = JSON.parse(require('fs').readFileSync(process.argv[2]));"
              "jsonld.toRDF(doc, {format: 'application/n-quads'}).then(q => process.stdout.write(q));")
    done = subprocess.run(["node", "-e", script, str(modules / "jsonld"), str(tmp_path / "doc.jsonld")],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return set(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))


def test_jsonld_is_one_object_per_thing_and_gives_the_same_triples_in_pyld_and_jsonld_js(seed_kg, tmp_path):
    # pyld and jsonld.js (JSON-LD 1.1's algorithms in Python and JavaScript) read the file to
    # exactly the triples of the N-Triples export with --provenance-triples: the facts, and a
    # statement per fact and passage.
    made = export(seed_kg, "jsonld", "partner", include_inferred=True)
    triples = export(seed_kg, "nt", "partner", include_inferred=True, provenance_triples=True)
    # (Apart from the format each file names in its own description.)
    own = {"http://purl.org/dc/terms/format", "http://rdfs.org/ns/void#feature"}
    mine = lambda quads: {q for q in quads if q.predicate.value not in own}
    assert mine(_rdf_of_jsonld(made.data)) == mine(triples.quads)
    assert mine(_rdf_of_jsonld_js(made.data, tmp_path)) == mine(triples.quads)
    doc = json.loads(made.data)
    assert doc["@context"] == json.loads((context_dir() / "forcegraph.jsonld").read_text())["@context"]
    ids = [node["@id"] for node in doc["@graph"]]
    assert len(ids) == len(set(ids))  # one object per thing
    cambs = next(node for node in doc["@graph"] if node["@id"] == "id:force/cambridgeshire")
    # Terms, not prefixed names; IRIs and dates as plain strings; one value bare.
    assert {"PoliceForce", "org:Organization"} <= set(cambs["@type"])  # our classes by name (@vocab)
    assert cambs["label"] == "Cambridgeshire Constabulary"
    assert cambs["hasChiefOfficer"] == "id:corporation-sole/cc-cambridgeshire"
    assert not [k for k in cambs if ":" in k]
    # Where the documents say it: the statements inside the thing name the passage.
    chief = next(s for s in cambs["statements"] if s["predicate"] == "fg:hasChiefOfficer")
    assert chief["object"] == cambs["hasChiefOfficer"] and chief["wasDerivedFrom"]
    agreement = next(node for node in doc["@graph"] if node["@id"] == "id:agreement/seven-force-s22a-2015")
    assert agreement["inForceDate"] == "2015-10-22"


# --- the ontology in OWL tools ------------------------------------------------------------------


def test_the_ontology_is_owl2_dl(tmp_path):
    # The OWL API's DL profile over every ontology file: no violation. (Reserved vocabulary as a
    # range, say, would be one: the check can fail.)
    files = sorted((REPO / "ontology").glob("*.ttl"))
    done = subprocess.run([str(REPO / "scripts" / "owl-dl-check"), *map(str, files)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "violations: 0", done.stdout + done.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text((REPO / "ontology" / "forcegraph.ttl").read_text()
                      + "\nfg:countsProperty rdfs:range rdf:Property .\n")
    done = subprocess.run([str(REPO / "scripts" / "owl-dl-check"), str(broken)], capture_output=True, text=True)
    assert done.returncode == 1 and "reserved vocabulary" in done.stdout


def test_hermit_finds_the_seed_graph_with_the_ontology_consistent(tmp_path):
    # HermiT as owlready2 ships it, on the seed graph's N-Triples export (facts, provenance,
    # conflicts and the ontology). xsd:date is outside OWL 2's datatype map: its values are
    # opaque to HermiT (--ignoreUnsupportedDatatypes), as the ontology's comment says.
    import owlready2

    hermit = Path(owlready2.__file__).parent / "hermit"
    data = tmp_path / "seed.nt"
    result = CliRunner().invoke(cli, ["export", "--profile", "full", "--format", "nt", "--output", str(data),
                                      *map(str, SEED_ARGS), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    def consistent(path: Path) -> bool:
        done = subprocess.run(["java", "-cp", f"{hermit}:{hermit / 'HermiT.jar'}", "org.semanticweb.HermiT.cli.CommandLine",
                               "-k", "--ignoreUnsupportedDatatypes", path.as_uri()],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 or "InconsistentOntologyException" in done.stderr, done.stderr
        return "owl#Thing is satisfiable" in done.stdout

    assert consistent(data)
    # A force that is nothing at all: HermiT does say so.
    contradiction = tmp_path / "contradiction.nt"
    contradiction.write_text(data.read_text() + "<https://w3id.org/forcegraph/id/force/kent> "
                             "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Nothing> .\n")
    assert not consistent(contradiction)


def test_the_ontology_documentation_names_every_term():
    # docs/ontology.html (pyLODE, scripts/ontology-docs) is made again when the ontology changes.
    from rdflib import OWL

    ontology = Graph().parse(REPO / "ontology" / "forcegraph.ttl")
    fg = "https://w3id.org/forcegraph/ontology#"
    terms = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
             for s in ontology.subjects(RDF.type, kind) if str(s).startswith(fg)}
    html = (REPO / "docs" / "ontology.html").read_text(encoding="utf-8")
    missing = sorted(t for t in terms if t not in html)
    assert len(terms) > 100 and not missing, f"run scripts/ontology-docs: {missing}"


# --- push and query --store with Jena answering ---------------------------------------------------


@pytest.fixture(scope="module")
def jena_store():
    """scripts/JenaStore.java on 127.0.0.1: Jena's ARQ answering the SPARQL 1.1 Protocol and
    Graph Store Protocol (Debian packages no Fuseki), its default graph kept apart as Fuseki's is."""
    port = free_port()
    proc = subprocess.Popen([str(JENA), str(REPO / "scripts" / "JenaStore.java"), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, f"{url}/store?default", "JenaStore")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_push_and_query_store_give_our_answers_with_jena_answering(jena_store):
    runner = CliRunner()
    pushed = runner.invoke(cli, ["push", "--store", jena_store, *map(str, SEED_ARGS), "--quiet"], catch_exceptions=False)
    assert pushed.exit_code == 0, pushed.output
    for name in sorted(library.library()):
        q = library.get(name)
        params = [a for k, v in q.example_params.items() for a in ("--param", f"{k}={v}")]
        there = runner.invoke(cli, ["query", name, *params, "--store", jena_store, "--format", "csv"], catch_exceptions=False)
        here = runner.invoke(cli, ["query", name, *params, *map(str, SEED_ARGS), "--format", "csv"], catch_exceptions=False)
        assert there.exit_code == here.exit_code == 0, there.output + here.output
        assert there.stdout == here.stdout and there.stdout.count("\n") > 1, name
