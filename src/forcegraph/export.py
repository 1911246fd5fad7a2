"""Export: the graph, or part of it, for partner organisations.

A profile (profiles/*.yaml) says which parts go out and what stays at home: properties and
resources to drop, patterns to redact from every text value. `--as-of` keeps what holds on a
date. The graph is validated before anything leaves; the file carries its own description (VoID
and DCAT, in the default graph); the writers in `serialize` give the same bytes for the same
graph.

    >>> result = export(kg, "turtle", "partner")
    >>> write(result, Path("out/forcegraph-partner.ttl"))
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from . import __version__, atomic, formats, serialize
from .errors import ExportError, NotConforming
from .knowledge import KnowledgeGraph
from .nogc import no_cyclic_gc
from .query import run
from .reason import reason
from .resources import context_dir, profiles_dir
from .validate import ValidationReport, validate
from .vocab import CONFLICTS_GRAPH, FG, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, PROV, PROVENANCE_GRAPH, SPECIAL_GRAPHS

DEFAULT_PROFILE = "partner"
# "inferences": the graphs of curators' inferences (fg:CuratorInference) and their descriptions;
# a profile that leaves the part out exports only what passages state.
PARTS = ("facts", "inferences", "provenance", "conflicts", "ontology")


# The formats an export is written in (formats.py has their extensions, media types and IRIs).
FORMATS = {name: formats.get(name) for name in ("turtle", "trig", "jsonld", "nt", "nq")}
# Of those, the ones that keep each fact in the graph of its passage. JSON-LD is for web
# developers: one object per thing, so the union, with each fact's passages as rdf:Statements
# inside the thing.
KEEPS_GRAPHS = frozenset({"trig", "nq"})


# --- vocabulary ---------------------------------------------------------------------------------

_N = ox.NamedNode
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_VOID = "http://rdfs.org/ns/void#"
TYPE = _N(_RDF + "type")
_SUBPROPERTY = _N("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
_SPECIAL = {_N(str(g)) for g in SPECIAL_GRAPHS}
_PART_GRAPHS = {"provenance": PROVENANCE_GRAPH, "conflicts": CONFLICTS_GRAPH, "ontology": ONTOLOGY_GRAPH}


@cache
def context() -> dict:
    """The published JSON-LD context (context/forcegraph.jsonld): also the export's prefixes."""
    return json.loads((context_dir() / "forcegraph.jsonld").read_text(encoding="utf-8"))


def prefixes() -> dict[str, str]:
    return {k: v for k, v in context()["@context"].items() if not k.startswith("@") and isinstance(v, str)}


# --- profiles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redaction:
    what: str
    pattern: re.Pattern
    replacement: str


@dataclass(frozen=True)
class Profile:
    name: str
    path: Path
    title: str
    description: str
    dataset_title: str
    dataset_description: str
    licence: str
    parts: tuple[str, ...]
    drop_properties: frozenset = frozenset()
    drop_properties_marked: frozenset = frozenset()
    drop_resources_marked: frozenset = frozenset()
    redactions: tuple[Redaction, ...] = ()

    @property
    def iri(self) -> str:
        return str(ID[f"profile/{self.name}"])


def _expand(path: Path, name: str) -> ox.NamedNode:
    prefix, sep, local = str(name).partition(":")
    known = prefixes()
    if sep and prefix in known and not local.startswith("//"):
        return _N(known[prefix] + local)
    if re.match(r"^https?://\S+$", str(name)):
        return _N(str(name))
    raise ExportError(f"{path}: {name!r} is neither a full IRI nor a prefixed name with a known prefix "
                      f"({', '.join(sorted(known))})")


def load_profile(path: Path) -> Profile:
    """Read a profile file; errors name the file and what was expected."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ExportError(f"{path}: not valid YAML: {e}") from None

    def fail(message):
        raise ExportError(f"{path}: {message}")

    def keys(mapping, where, allowed, required=()):
        if not isinstance(mapping, dict):
            fail(f"{where} should be a mapping of {', '.join(allowed)}")
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:  # a misspelt rule in a privacy profile must not pass silently
            fail(f"unknown key(s) {', '.join(map(str, unknown))} in {where}; expected {', '.join(allowed)}")
        missing = [k for k in required if not mapping.get(k)]
        if missing:
            fail(f"{where} needs {', '.join(missing)}")

    keys(data, "the profile", ("title", "description", "dataset", "parts", "drop", "redact"), ("title", "dataset", "parts"))
    keys(data["dataset"], "dataset", ("title", "description", "licence"), ("title", "licence"))
    parts = data["parts"]
    if not isinstance(parts, list) or not parts or set(parts) - set(PARTS):
        fail(f"parts should be a list of {', '.join(PARTS)}; got {parts!r}")
    drop = data.get("drop") or {}
    keys(drop, "drop", ("properties", "properties_marked", "resources_marked"))
    redactions = []
    for i, rule in enumerate(data.get("redact") or [], 1):
        keys(rule, f"redact rule {i}", ("what", "pattern", "replacement"), ("what", "pattern"))
        try:
            pattern = re.compile(rule["pattern"])
        except re.error as e:
            fail(f"redact rule {i} ({rule['what']}): the pattern is not a valid regular expression: {e}")
        redactions.append(Redaction(rule["what"], pattern, str(rule.get("replacement", ""))))
    iris = lambda key: frozenset(_expand(path, n) for n in drop.get(key) or [])
    return Profile(
        name=path.stem, path=path, title=str(data["title"]), description=str(data.get("description", "")).strip(),
        dataset_title=str(data["dataset"]["title"]),
        dataset_description=str(data["dataset"].get("description", "")).strip(),
        licence=_expand(path, data["dataset"]["licence"]).value, parts=tuple(p for p in PARTS if p in parts),
        drop_properties=iris("properties"), drop_properties_marked=iris("properties_marked"),
        drop_resources_marked=iris("resources_marked"), redactions=tuple(redactions),
    )


def profiles(folder: Path | None = None) -> dict[str, Profile]:
    """Every profile, by name (the file's stem)."""
    return {p.stem: load_profile(p) for p in sorted((folder or profiles_dir()).glob("*.yaml"))}


def get_profile(name: str) -> Profile:
    known = profiles()
    if name not in known:
        raise ExportError(f"no export profile named {name!r}; the profiles: {', '.join(known)} (in {profiles_dir()})")
    return known[name]


# --- choosing what goes out ---------------------------------------------------------------------


@dataclass
class Export:
    format: str
    profile: Profile
    data: bytes
    quads: list  # what was written, description included (flattened to the default graph for triple formats)
    triples: int  # distinct triples of data, description not counted
    as_of: date | None = None
    counts: dict = field(default_factory=dict)


def _true(term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value == _XSD + "boolean" and term.value in ("true", "1")


def _marked(kg: KnowledgeGraph, marker: ox.NamedNode) -> set:
    return {q.subject for q in kg.store.quads_for_pattern(None, marker, None, None) if _true(q.object)}


def _with_subproperties(kg: KnowledgeGraph, properties: set) -> set:
    found, todo = set(properties), list(properties)
    while todo:
        for q in kg.store.quads_for_pattern(None, _SUBPROPERTY, todo.pop(), None):
            if q.subject not in found:
                found.add(q.subject)
                todo.append(q.subject)
    return found


def _inference_graphs(kg: KnowledgeGraph) -> set:
    """The named graphs that hold curators' inferences (described as fg:CuratorInference)."""
    kind = _N(str(FG.CuratorInference))
    return {q.subject for q in kg.store.quads_for_pattern(None, TYPE, kind, _N(str(PROVENANCE_GRAPH)))}


def _as_of(kg: KnowledgeGraph, quads: list, day: date, counts: dict) -> list:
    """Keep what holds on `day`: agreements that `agreements-in-force` lists (with the amendments
    and extensions of those it does not), and dated memberships that `collaboration-members` lists."""
    when = {"as_of": day.isoformat()}
    in_force = {str(row[0]) for row in run(kg, "agreements-in-force", when).rows}
    agreements = {q.subject for q in kg.store.quads_for_pattern(None, TYPE, _N(str(FG.Agreement)), None)}
    gone = {a for a in agreements if a.value not in in_force}
    counts["agreements not in force"] = len(gone)
    gone |= {q.subject for a in list(gone) for q in kg.store.quads_for_pattern(None, _N(str(FG.changes)), a, None)}

    members = {(str(r["collaboration"]), str(r["member"])) for r in run(kg, "collaboration-members", when).records()}
    org = "http://www.w3.org/ns/org#"
    links = set()
    for q in kg.store.quads_for_pattern(None, TYPE, _N(str(FG.Membership)), None):
        m = q.subject
        of = next((x.object for x in kg.store.quads_for_pattern(m, _N(org + "organization"), None, None)), None)
        who = next((x.object for x in kg.store.quads_for_pattern(m, _N(org + "member"), None, None)), None)
        # The scope of collaboration-members: forces in collaborations.
        in_scope = (of is not None and who is not None
                    and any(kg.store.quads_for_pattern(of, TYPE, _N(str(FG.Collaboration)), None))
                    and any(kg.store.quads_for_pattern(who, TYPE, _N(str(FG.PoliceForce)), None)))
        if in_scope and (of.value, who.value) not in members:
            gone.add(m)
            links.add((of, _N(str(FG.member)), who))
    counts["memberships not current"] = len(links)
    return [q for q in quads if q.subject not in gone and q.object not in gone
            and (q.subject, q.predicate, q.object) not in links]


def _apply_profile(kg: KnowledgeGraph, profile: Profile, quads: list, counts: dict) -> list:
    personal = set(profile.drop_properties)
    for marker in profile.drop_properties_marked:
        personal |= _marked(kg, marker)
    personal = _with_subproperties(kg, personal)
    withheld = set().union(*(_marked(kg, m) for m in profile.drop_resources_marked))
    kept, removed, redacted = {}, 0, 0
    for q in quads:
        if q.predicate in personal or withheld & {q.subject, q.object, q.graph_name}:
            removed += 1
            continue
        if isinstance(q.object, ox.Literal) and profile.redactions:
            text = q.object.value
            for r in profile.redactions:
                text = r.pattern.sub(r.replacement, text)
            if text != q.object.value:
                redacted += 1
                o = q.object
                literal = ox.Literal(text, language=o.language) if o.language else ox.Literal(text, datatype=o.datatype)
                q = ox.Quad(q.subject, q.predicate, literal, q.graph_name)
        kept[q] = None
    counts["triples removed"] = removed
    counts["texts redacted"] = redacted
    return list(kept)


def _inferred(kg: KnowledgeGraph, quads: list, reasoning: str) -> list:
    """What the reasoner draws from the facts and records that go out (not from those left at
    home); the ontology is the package's own."""
    scratch = KnowledgeGraph()
    skip = {ox.NamedNode(str(g)) for g in (INFERRED_GRAPH, ONTOLOGY_GRAPH)}
    scratch.store.extend(q for q in quads if q.graph_name not in skip)
    scratch.store.extend(kg.quads(facts=False, ontology=True))
    reason(scratch, reasoning)
    return list(scratch.quads(facts=False, inferred=True))


def _statements(quads: list) -> list:
    """Provenance as plain triples: one rdf:Statement per fact, derived from each passage stating it."""
    out = []
    for q in quads:
        if q.graph_name in _SPECIAL or isinstance(q.graph_name, ox.DefaultGraph):
            continue
        line = str(ox.Triple(q.subject, q.predicate, q.object)).encode("utf-8")
        st = _N(str(ID["statement/" + hashlib.sha256(line).hexdigest()[:20]]))
        out += [ox.Quad(st, TYPE, _N(_RDF + "Statement")), ox.Quad(st, _N(_RDF + "subject"), q.subject),
                ox.Quad(st, _N(_RDF + "predicate"), q.predicate), ox.Quad(st, _N(_RDF + "object"), q.object),
                ox.Quad(st, _N(str(PROV.wasDerivedFrom)), q.graph_name)]
    return out


# --- the description ----------------------------------------------------------------------------


def _namespace(iri: str) -> str:
    return re.sub(r"[^/#]*$", "", iri)


def _created() -> date:
    # Reproducible builds set SOURCE_DATE_EPOCH to pin the date a file says it was made.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return date.today()
    if not epoch.isdigit():
        raise ExportError(f"SOURCE_DATE_EPOCH is {epoch!r}; expected a whole number of seconds since 1970")
    return datetime.fromtimestamp(int(epoch), timezone.utc).date()


def describe(kg: KnowledgeGraph, result: Export, triples: set, created: date, include_inferred: bool) -> list:
    """VoID and DCAT description of the exported data, in the default graph."""
    fmt, profile = FORMATS[result.format], result.profile
    d, p = _N(str(ID[f"dataset/{profile.name}"])), _N(profile.iri)
    en = lambda text: ox.Literal(text, language="en")
    typed = lambda value, t: ox.Literal(str(value), datatype=_N(_XSD + t))
    vocabularies = {_namespace(t[1].value) for t in triples} | {_namespace(t[2].value) for t in triples if t[1] == TYPE}
    versions = [q.object for q in kg.store.quads_for_pattern(None, _N("http://www.w3.org/2002/07/owl#versionIRI"), None,
                                                              _N(str(ONTOLOGY_GRAPH)))]
    c = result.counts
    parts = ", ".join(profile.parts) + (", inferred" if include_inferred else "")
    notes = [f"Parts: {parts}."]
    if profile.redactions or profile.drop_properties or profile.drop_resources_marked or profile.drop_properties_marked:
        notes.append(f"Left out by the {profile.name} profile: {c['triples removed']} triple(s); "
                     f"{c['texts redacted']} text value(s) redacted.")
    if result.as_of:
        notes.append(f"As of {result.as_of.isoformat()}: left out {c['agreements not in force']} agreement(s) not in force "
                     f"(with their amendments and extensions) and {c['memberships not current']} membership(s) not current.")
    if fmt.name in KEEPS_GRAPHS:
        notes.append("Each fact stands in the named graph of the passage that states it.")
    elif c.get("statements"):
        notes.append("Which passage states each fact: rdf:Statement resources with prov:wasDerivedFrom.")
    out = [
        (d, TYPE, _N(_VOID + "Dataset")), (d, TYPE, _N(_DCAT + "Dataset")),
        (d, _N(_DCT + "title"), en(profile.dataset_title)),
        (d, _N(_DCT + "license"), _N(profile.licence)),
        (d, _N(_DCT + "created"), typed(created.isoformat(), "date")),
        (d, _N(_DCAT + "version"), ox.Literal(__version__)),
        (d, _N(_DCT + "conformsTo"), p),
        (d, _N(_DCT + "format"), ox.Literal(fmt.media_type)),
        (d, _N(_VOID + "feature"), _N(fmt.iri)),
        (d, _N(_VOID + "triples"), typed(len(triples), "integer")),
        (d, _N("http://www.w3.org/2000/01/rdf-schema#comment"), en(" ".join(notes))),
        (p, TYPE, _N("http://www.w3.org/ns/dx/prof/Profile")),
        (p, _N(_DCT + "title"), en(profile.title)),
    ]
    out += [(d, _N(_VOID + "vocabulary"), _N(v)) for v in sorted(vocabularies)]
    out += [(d, _N(_DCT + "conformsTo"), v) for v in versions]
    if profile.dataset_description:
        out.append((d, _N(_DCT + "description"), en(profile.dataset_description)))
    if profile.description:
        out.append((p, _N(_DCT + "description"), en(profile.description)))
    if result.as_of:
        out.append((d, _N(_DCT + "valid"), typed(result.as_of.isoformat(), "date")))
    return [ox.Quad(s, pr, o, ox.DefaultGraph()) for s, pr, o in out]


# --- export -------------------------------------------------------------------------------------


def format_for(path: Path | None, fmt: str | None = None) -> str:
    """The format asked for, else the one the output file's extension names, else (for stdout or a
    file without an extension) Turtle. An extension we do not write is refused, not guessed."""
    if fmt:
        if fmt not in FORMATS:
            raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix if path else ""
    named = next((name for name, f in FORMATS.items() if suffix in f.extensions), None)
    if named is None and suffix:
        known = ", ".join(f"{f.extensions[0]} ({name})" for name, f in FORMATS.items())
        raise ExportError(f"unknown extension {suffix}; give --format {'|'.join(FORMATS)}, or a file ending {known}")
    return named or "turtle"


@no_cyclic_gc()
def export(kg: KnowledgeGraph, fmt: str = "turtle", profile: str | Profile = DEFAULT_PROFILE, *,
           include_inferred: bool = False, as_of: date | None = None, provenance_triples: bool = False,
           reasoning: str = "owl-rl", created: date | None = None, force: bool = False,
           validation: ValidationReport | None = None) -> Export:
    """Export a loaded and reasoned graph.

    Validates first (or takes `validation` already made) and raises NotConforming unless
    `force`. TriG, N-Quads and JSON-LD keep the passage graphs; Turtle and N-Triples give their
    union, with `provenance_triples` adding one rdf:Statement per fact naming its passages (always in JSON-LD,
    where each sits inside the object of the thing it is about)."""
    fmt = format_for(None, fmt)
    profile = profile if isinstance(profile, Profile) else get_profile(profile)
    provenance_triples = provenance_triples or fmt == "jsonld"
    if provenance_triples and fmt in KEEPS_GRAPHS:
        raise ExportError(f"{fmt} keeps each fact in its passage graph; provenance as triples is for turtle and nt")
    report = validation or validate(kg)
    if not report.conforms and not force:
        raise NotConforming(report)

    chosen = [_N(str(_PART_GRAPHS[p])) for p in profile.parts if p in _PART_GRAPHS]
    quads = [q for q in kg.quads(facts="facts" in profile.parts, provenance=True, conflicts=True, ontology=True)
             if q.graph_name not in _SPECIAL or q.graph_name in chosen]
    if "inferences" not in profile.parts:
        inferences = _inference_graphs(kg)
        quads = [q for q in quads if q.graph_name not in inferences and q.subject not in inferences]
    counts: dict = {}
    if as_of:
        quads = _as_of(kg, quads, as_of, counts)
    quads = _apply_profile(kg, profile, quads, counts)
    blank = next((q for q in quads if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object, q.graph_name))), None)
    if blank:
        raise ExportError(f"a blank node has no stable name to export by: {blank} (give every node an IRI)")
    if include_inferred:
        quads += _inferred(kg, quads, reasoning)
    if provenance_triples:
        statements = _statements(quads)
        counts["statements"] = len({q.subject for q in statements})
        quads += statements
    triples = {(q.subject, q.predicate, q.object) for q in quads}

    result = Export(fmt, profile, b"", [], len(triples), as_of, counts)
    description = describe(kg, result, triples, created or _created(), include_inferred)
    if fmt in KEEPS_GRAPHS:
        result.quads = list(dict.fromkeys(quads + description))
    else:
        result.quads = [ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in triples] + description
    result.data = _write(fmt, result.quads)
    return result


def _write(fmt: str, quads: list) -> bytes:
    base = str(ID)
    if fmt == "turtle":
        return serialize.turtle([(q.subject, q.predicate, q.object) for q in quads], prefixes(), base)
    if fmt == "trig":
        return serialize.trig(quads, prefixes(), base)
    if fmt == "nt":
        return serialize.ntriples([(q.subject, q.predicate, q.object) for q in quads])
    if fmt == "nq":
        return serialize.nquads(quads)
    return serialize.jsonld([(q.subject, q.predicate, q.object) for q in quads], context())


def write(result: Export, path: Path) -> Path:
    """Write the export atomically (temporary file, then rename), with the umask's mode; a symlink
    is written through to its target (see atomic.write_bytes)."""
    atomic.write_bytes(Path(path), result.data)
    return Path(path)
