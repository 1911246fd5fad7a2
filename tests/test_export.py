"""Export for partners: deterministic bytes, lossless round trips, personal data kept at home,
profiles read from data, a description in every file, validation before anything leaves."""

import difflib
import json
import re
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

import forcegraph
from forcegraph.export import FORMATS, KEEPS_GRAPHS, ExportError, export, get_profile, load_profile, profiles
from forcegraph.knowledge import KnowledgeGraph
from forcegraph.query import run
from forcegraph.resources import context_dir
from forcegraph.terms import to_rdflib
from forcegraph.vocab import CONFLICTS_GRAPH, ONTOLOGY_GRAPH, PROVENANCE_GRAPH

from conftest import SEED_ARGS

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/forcegraph/id/"
FG = Namespace("https://w3id.org/forcegraph/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
VOID = Namespace("http://rdfs.org/ns/void#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DAY = date(2026, 1, 1)  # a fixed creation date, so runs on different days compare

OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD,
             "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS}
RDFLIB_FORMAT = {"turtle": "turtle", "trig": "trig", "jsonld": "json-ld", "nt": "nt", "nq": "nquads"}

# Written for this test, independent of the patterns in profiles/partner.yaml.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.-])(?:\+44|0)\s?\(?\d(?:[\s()-]?\d){8,10}(?![\w])")


@pytest.fixture(scope="module")
def report(seed_kg):
    return forcegraph.validate(seed_kg)


def _copy(kg: KnowledgeGraph) -> KnowledgeGraph:
    copy = KnowledgeGraph()
    copy.store.extend(kg.store)
    return copy


def _parse_rdflib(result):
    """The file read back by rdflib (a reader other than the one that wrote it), as quads."""
    fmt = RDFLIB_FORMAT[result.format]
    if result.format in KEEPS_GRAPHS:
        ds = Dataset()
        ds.parse(data=result.data, format=fmt)
        return {(s, p, o, None if g == ds.default_graph.identifier else g) for s, p, o, g in ds.quads()}
    g = Graph()
    g.parse(data=result.data, format=fmt)
    return g


def _union(result) -> Graph:
    """The file read back (by Oxigraph, the faster reader), flattened to one rdflib graph."""
    g = Graph()
    for q in _parse_oxigraph(result):
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def _expected_rdflib(result):
    if result.format in KEEPS_GRAPHS:
        return {tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in result.quads}
    g = Graph()
    for q in result.quads:
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def _parse_oxigraph(result) -> set:
    back = ox.parse(result.data, format=OX_FORMAT[result.format])
    return {q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in back}


# --- deterministic ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reversed_kg(seed_kg):
    """The same graph, its files loaded in the opposite order (so the store holds them otherwise)."""
    kg = forcegraph.load(list(reversed(seed_kg.files)))
    forcegraph.reason(kg)
    return kg


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_graph_loaded_in_another_order_gives_the_same_bytes(seed_kg, reversed_kg, report, fmt):
    again = reversed_kg
    inferred = fmt == "trig"  # the reasoner's output too, once
    first = export(seed_kg, fmt, "partner", include_inferred=inferred, created=DAY, validation=report)
    second = export(again, fmt, "partner", include_inferred=inferred, created=DAY, validation=report)
    assert first.data == second.data
    assert len(first.data) > 100_000


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nq", "jsonld"])
def test_changing_one_fact_changes_only_that_fact_in_the_diff(seed_kg, report, fmt):
    amendment = ox.NamedNode(ID + "amendment/chiltern-transport-s22a-2019")
    review = ox.NamedNode(str(FG.reviewDate))
    changed = _copy(seed_kg)
    (old,) = list(changed.store.quads_for_pattern(amendment, review, None, None))  # stated in one passage
    assert old.object.value == "2022-04-30"
    changed.store.remove(old)
    changed.store.add(ox.Quad(old.subject, old.predicate, ox.Literal("2022-05-31", datatype=old.object.datatype),
                              old.graph_name))

    before = export(seed_kg, fmt, "partner", created=DAY, validation=report).data.decode().splitlines()
    after = export(changed, fmt, "partner", created=DAY, validation=report).data.decode().splitlines()
    diff = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    if fmt == "jsonld":  # also its statement, inside the amendment: its IRI (a hash of the fact) and object
        statement = [line for line in diff if "id:statement/" in line]
        assert len(statement) == 2 and statement[0][0] == "-" and statement[1][0] == "+", diff
        diff = [line for line in diff if line not in statement]
        flat = [d[0] + d[1:].strip().rstrip(",") for d in diff]
        assert len(diff) == 4 and flat[2:] == [d.replace('"reviewDate"', '"@value"') for d in flat[:2]], diff
        diff = diff[:2]
    assert len(diff) == 2, diff
    assert diff[0].startswith("-") and "2022-04-30" in diff[0]
    assert diff[1].startswith("+") and "2022-05-31" in diff[1]
    assert diff[0][1:].replace("2022-04-30", "") == diff[1][1:].replace("2022-05-31", "")


# --- lossless -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_as_exactly_what_was_exported(seed_kg, report, fmt):
    result = export(seed_kg, fmt, "full", include_inferred=True, validation=report)
    # The whole graph went out: every quad of every part (flattened for triple formats).
    parts = list(seed_kg.quads(facts=True, provenance=True, conflicts=True, ontology=True))
    if fmt in KEEPS_GRAPHS:
        assert set(parts) <= set(result.quads)
    else:
        assert {(q.subject, q.predicate, q.object) for q in parts} <= {(q.subject, q.predicate, q.object) for q in result.quads}
    # Read back by another reader (rdflib) and by Oxigraph, which keeps lexical forms exactly.
    back, want = _parse_rdflib(result), _expected_rdflib(result)
    assert isomorphic(back, want) if isinstance(back, Graph) else back == want
    assert _parse_oxigraph(result) == set(result.quads)
    # ... including the literals that are easy to get wrong.
    literals = [q.object for q in result.quads if isinstance(q.object, ox.Literal)]
    assert any(lit.language == "en" for lit in literals)
    assert {"date", "decimal", "integer", "boolean", "gYearMonth"} <= {lit.datatype.value.split("#")[1] for lit in literals}
    assert any("’" in lit.value for lit in literals) and any("–" in lit.value for lit in literals)
    assert any("\n" in lit.value or '"' in lit.value for lit in literals)


def test_jsonld_embeds_the_published_context(seed_kg, report):
    result = export(seed_kg, "jsonld", "partner", validation=report)
    published = json.loads((context_dir() / "forcegraph.jsonld").read_text(encoding="utf-8"))
    doc = json.loads(result.data)
    assert doc["@context"] == published["@context"]
    # One object per thing (the union: TriG and N-Quads keep the graphs), the ontology's too.
    force = next(n for n in doc["@graph"] if n["@id"] == "fg:PoliceForce")
    assert force["@type"] == "owl:Class" and force["subClassOf"]


# --- personal data stays at home ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_partner_export_holds_no_email_address_or_phone_number(seed_kg, report, fmt):
    full = export(seed_kg, fmt, "full", validation=report).data.decode()
    # The full graph does hold them (so the patterns below can find them) ...
    assert "dorothy.gregson@cambs.pnn.police.uk" in full and "0300 333 3456" in full
    assert EMAIL.search(full) and PHONE.search(full)
    # ... the partner export, inferences included, does not.
    partner = export(seed_kg, fmt, "partner", include_inferred=True, validation=report).data.decode()
    assert EMAIL.findall(partner) == [] and PHONE.findall(partner) == []
    assert "3333456" not in partner.replace(" ", "")


def test_partner_export_keeps_contact_passages_with_their_details_redacted(seed_kg, report):
    result = export(seed_kg, "trig", "partner", validation=report)
    passage = ox.NamedNode(ID + "passage/cpcc-2019-007/contact-officer")
    excerpts = [q.object.value for q in result.quads if q.subject == passage and q.predicate.value == str(FG.excerpt)]
    assert excerpts == ["Dorothy Gregson, Chief Executive Tel: [telephone number removed] Email: [e-mail address removed]"]
    # The passage's other facts keep their source; its contact details are gone.
    facts = {(q.predicate.value, q.object) for q in result.quads if q.graph_name == passage}
    assert ("http://www.w3.org/ns/org#heldBy", ox.NamedNode(ID + "person/dorothy-gregson")) in facts
    assert not any(p in (str(FG.email), str(FG.telephone)) for p, _ in facts)


def test_partner_profile_leaves_out_what_the_data_marks_personal_or_not_for_release(seed_kg):
    kg = _copy(seed_kg)
    source = ox.NamedNode("https://example.org/test-source")
    home, street = ox.NamedNode("https://example.org/homeAddress"), ox.NamedNode("https://example.org/street")
    athena = ox.NamedNode(ID + "collaboration/athena")
    person = ox.NamedNode(ID + "person/dorothy-gregson")
    true = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))
    kg.store.extend([
        ox.Quad(home, ox.NamedNode(str(FG.personalData)), true, ox.NamedNode(str(ONTOLOGY_GRAPH))),
        ox.Quad(street, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"), home,
                ox.NamedNode(str(ONTOLOGY_GRAPH))),
        ox.Quad(person, home, ox.Literal("1 Secret Lane, Huntingdon"), source),
        ox.Quad(person, street, ox.Literal("Secret Lane"), source),
        ox.Quad(athena, ox.NamedNode(str(FG.notForRelease)), true, source),
    ])
    checked = forcegraph.validate(kg)
    full = export(kg, "nq", "full", validation=checked, force=True).data.decode()
    assert "Secret Lane" in full and "collaboration/athena>" in full
    for fmt, inferred in (("nq", True), ("jsonld", False)):
        partner = export(kg, fmt, "partner", validation=checked, force=True, include_inferred=inferred).data.decode()
        assert "Secret Lane" not in partner
        assert "collaboration/athena" not in partner  # not as subject, object or anywhere


# --- profiles are data ---------------------------------------------------------------------------


def test_profiles_are_read_from_the_profile_files():
    found = profiles()
    assert {"full", "partner"} <= set(found)
    partner = found["partner"]
    assert partner.path.name == "partner.yaml"
    assert {str(FG.email), str(FG.telephone)} <= {p.value for p in partner.drop_properties}
    assert [r.what for r in partner.redactions] == ["e-mail address", "telephone number"]
    assert found["full"].redactions == () and not found["full"].drop_properties


def test_a_profile_file_of_ones_own_changes_what_goes_out(seed_kg, report, tmp_path):
    (tmp_path / "no-kent.yaml").write_text(
        "title: One county fewer\n"
        "dataset: {title: One county fewer, licence: 'https://creativecommons.org/licenses/by/4.0/'}\n"
        "parts: [facts]\n"
        "redact:\n  - {what: the word Kent, pattern: 'Kent\\b', replacement: '[county]'}\n",
        encoding="utf-8")
    result = export(seed_kg, "nq", load_profile(tmp_path / "no-kent.yaml"), validation=report)
    graphs = {q.graph_name for q in result.quads}
    assert ox.NamedNode(str(PROVENANCE_GRAPH)) not in graphs and ox.NamedNode(str(CONFLICTS_GRAPH)) not in graphs
    assert not any(isinstance(q.object, ox.Literal) and re.search(r"Kent\b", q.object.value) for q in result.quads)
    assert any(isinstance(q.object, ox.Literal) and "[county] Police" in q.object.value for q in result.quads)


def test_a_misspelt_rule_in_a_profile_is_refused_with_the_file_named(tmp_path):
    bad = tmp_path / "careless.yaml"
    bad.write_text("title: Careless\ndataset: {title: x, licence: 'https://example.org/l'}\nparts: [facts]\n"
                   "drop:\n  propertys: [fg:email]\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"careless\.yaml: unknown key\(s\) propertys in drop"):
        load_profile(bad)
    bad.write_text("title: Careless\ndataset: {title: x, licence: 'https://example.org/l'}\nparts: [facts]\n"
                   "drop:\n  properties: [zz:email]\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"careless\.yaml: 'zz:email' is neither a full IRI nor a prefixed name"):
        load_profile(bad)
    with pytest.raises(ExportError, match="no export profile named 'partners'; the profiles: .*full.*partner"):
        get_profile("partners")


# --- as of a date --------------------------------------------------------------------------------


def test_as_of_keeps_the_agreements_in_force_and_the_current_memberships(seed_kg, report):
    n = ox.NamedNode
    agreements = {q.subject for q in seed_kg.store.quads_for_pattern(None, n(str(RDF.type)), n(str(FG.Agreement)), None)}
    ctc, btp = n(ID + "collaboration/chiltern-transport-consortium"), n(ID + "force/btp")
    membership = n(ID + "membership/chiltern-transport-consortium/btp")
    for day in ("2016-06-01", "2019-06-01"):
        result = export(seed_kg, "nq", "partner", as_of=date.fromisoformat(day), validation=report)
        in_force = {n(str(row[0])) for row in run(seed_kg, "agreements-in-force", {"as_of": day}).rows}
        assert {q.subject for q in result.quads} & agreements == in_force
        assert len(agreements) > len(in_force)
        triples = {(q.subject, q.predicate, q.object) for q in result.quads}
        joined = day >= "2019-05-01"  # BTP joined the Chiltern Transport Consortium on 1 May 2019
        assert ((ctc, n(str(FG.member)), btp) in triples) is joined
        assert any(q.subject == membership for q in result.quads) is joined
        assert (n(ID + "dataset/partner"), n(str(DCT.valid)), ox.Literal(day, datatype=n(str(XSD.date)))) in triples
    # Signed December 2016: not yet in force in June 2016, nor its 2019 amendment.
    early = export(seed_kg, "nt", "partner", as_of=date(2016, 6, 1), validation=report).data.decode()
    assert "agreement/chiltern-transport-s22a-2016>" not in early
    assert "amendment/chiltern-transport-s22a-2019>" not in early


# --- described ------------------------------------------------------------------------------------


def test_every_export_describes_itself(seed_kg, report):
    for fmt in FORMATS:
        result = export(seed_kg, fmt, "partner", created=DAY, validation=report)
        g = _union(result)
        d = URIRef(ID + "dataset/partner")
        description = set(g.triples((d, None, None))) | set(g.triples((URIRef(ID + "profile/partner"), None, None)))
        assert g.value(d, DCT.title).startswith("forcegraph")
        assert g.value(d, DCT.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
        assert g.value(d, DCT.created) == Literal("2026-01-01", datatype=XSD.date)
        assert g.value(d, URIRef("http://www.w3.org/ns/dcat#version")) == Literal(forcegraph.__version__)
        assert g.value(d, VOID.triples).toPython() == len(g) - len(description) == result.triples
        assert {URIRef(str(FG)), URIRef("http://www.w3.org/ns/org#")} <= set(g.objects(d, VOID.vocabulary))
        assert URIRef(ID + "profile/partner") in set(g.objects(d, DCT.conformsTo))
        assert g.value(d, VOID.feature) == URIRef(FORMATS[fmt].iri)


def test_provenance_as_plain_triples_names_the_passage_of_every_fact(seed_kg, report):
    result = export(seed_kg, "turtle", "partner", provenance_triples=True, validation=report)
    text = result.data.decode()
    assert EMAIL.findall(text) == [] and PHONE.findall(text) == []  # statements quote no personal data
    g = _union(result)
    extension = URIRef(ID + "extension/seven-force-s22a-2019")
    stated_in = {URIRef(q.graph_name.value) for q in seed_kg.store.quads_for_pattern(
        ox.NamedNode(str(extension)), ox.NamedNode(str(FG.expiryDate)), None, None)}
    assert len(stated_in) == 2  # two passages of the decision record say it
    statements = set(g.subjects(RDF.subject, extension)) & set(g.subjects(RDF.predicate, FG.expiryDate))
    assert len(statements) == 1
    assert set(g.objects(statements.pop(), PROV.wasDerivedFrom)) == stated_in
    facts = {(q.subject, q.predicate, q.object) for q in export(seed_kg, "trig", "partner", validation=report).quads
             if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(ID + "passage/")}
    assert len(set(g.subjects(RDF.type, RDF.Statement))) >= len(facts)


# --- the command line: checked before it leaves, written atomically ----------------------------


def test_cli_writes_the_partner_export_atomically_as_the_library_makes_it(run_cli, seed_kg, report, tmp_path):
    out = tmp_path / "out"
    done = run_cli("export", *SEED_ARGS, "--profile", "partner", "--output", out / "forcegraph-partner.ttl")
    assert done.exit_code == 0, done.stderr
    assert re.search(r"Exported \d+ triples \(turtle, partner profile\); \d+ triples left out, \d+ texts redacted "
                     r"to .*forcegraph-partner\.ttl", done.stderr)
    assert [p.name for p in out.iterdir()] == ["forcegraph-partner.ttl"]  # no temporary file left
    data = (out / "forcegraph-partner.ttl").read_bytes()
    assert data == export(seed_kg, "turtle", "partner", validation=report).data


def test_cli_refuses_a_graph_that_does_not_conform(run_cli, tmp_path):
    invalid = REPO / "tests" / "data" / "invalid" / "agreement-one-party.trig"
    target = tmp_path / "x.ttl"
    refused = run_cli("export", "--graph", invalid, "--output", target, "--quiet")
    assert refused.exit_code == 1
    assert re.search(r"Validation: \d+ violation\(s\)", refused.stderr) and "One-party agreement" in refused.stderr
    assert "nothing written (--force writes it anyway)" in refused.stderr
    assert list(tmp_path.iterdir()) == []
    forced = run_cli("export", "--graph", invalid, "--output", target, "--force", "--quiet")
    assert forced.exit_code == 0 and target.stat().st_size > 0


def test_cli_picks_the_format_from_the_file_name_and_writes_stdout_without_one(run_cli, tmp_path):
    minimal = REPO / "tests" / "data" / "valid" / "minimal.trig"
    run_cli("export", "--graph", minimal, "--output", tmp_path / "m.jsonld", "--quiet")
    assert "@context" in json.loads((tmp_path / "m.jsonld").read_text(encoding="utf-8"))
    printed = run_cli("export", "--graph", minimal, "--format", "nq", "--profile", "full", "--quiet")
    assert printed.exit_code == 0
    assert all(line.endswith(" .") for line in printed.stdout.splitlines())
    assert "<https://w3id.org/forcegraph/id/dataset/full>" in printed.stdout


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2019-13-01"], "'--as-of': '2019-13-01' is not a date; expected YYYY-MM-DD"),
    (["--profile", "everyone"], "no export profile named 'everyone'"),
    (["--format", "rdfxml"], "unknown export format 'rdfxml'; expected one of turtle, trig, jsonld, nt, nq"),
    (["--format", "trig", "--provenance-triples"], "trig keeps each fact in its passage graph"),
])
def test_cli_bad_input_exits_2_with_a_message(run_cli, tmp_path, args, message):
    minimal = REPO / "tests" / "data" / "valid" / "minimal.trig"
    result = run_cli("export", "--graph", minimal, "--output", tmp_path / "x.ttl", "--quiet", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []
