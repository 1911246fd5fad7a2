"""Register documents: keep the original under sources/, hash it, split it into passages and
write graph/documents/{slug}.trig (the provenance graph: the document and its passages).

Everything is worked out for every file first (`plan`); only if all files can be added is anything
written (`write`), each file to a temporary name and then renamed, so a bad file in a batch leaves
sources/ and graph/ as they were."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from . import atomic, documents, passages as passages_mod
from .errors import IntakeError
from .serialize import Names
from .vocab import FG, ID, PROVENANCE_GRAPH

DCT = "http://purl.org/dc/terms/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

from .names import SOURCE_KINDS as KINDS  # noqa: E402

# The @prefix and @base lines every file under graph/ declares (docs/curation.md).
PREFIXES = f"""@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix fg: <https://w3id.org/forcegraph/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix leg: <http://www.legislation.gov.uk/id/> .
@base <{ID}> .
"""
# IRIs under the base are written relative to it (`<passage/slug/p1-1>`), as the exporter writes them.
_NAMES = Names({}, str(ID))


@dataclass
class Known:
    """What graph/ already holds: documents by hash, their IRIs, and names of policing bodies."""
    by_sha: dict[str, tuple[str, Path]] = field(default_factory=dict)
    iris: set[str] = field(default_factory=set)
    names: dict[str, set[str]] = field(default_factory=dict)   # lower-case label → IRIs
    pccs: dict[str, str] = field(default_factory=dict)         # place ("Cambridgeshire") → PCC IRI


def scan(graph_dir: Path) -> Known:
    """Read every TriG file under `graph_dir` (fast: Oxigraph's parser, no store)."""
    known = Known()
    graph_dir = Path(graph_dir)
    files = sorted(graph_dir.rglob("*.trig")) if graph_dir.is_dir() else []
    types: dict[str, set[str]] = {}
    for f in files:
        try:
            quads = list(ox.parse(path=str(f), format=ox.RdfFormat.TRIG))
        except (SyntaxError, OSError) as e:
            raise IntakeError(f, f"does not parse ({e}); fix it first (forcegraph validate names the line)") from None
        for q in quads:
            s, p, o = q.subject.value, q.predicate.value, q.object
            if p == str(FG.sha256):
                known.by_sha.setdefault(o.value, (s, f))
                known.iris.add(s)
            elif p in (RDFS_LABEL, SKOS_ALT) and isinstance(o, ox.Literal):
                known.names.setdefault(o.value.strip().lower(), set()).add(s)
            elif p == RDF_TYPE:
                types.setdefault(s, set()).add(o.value)
    for name, iris in known.names.items():
        for iri in iris:
            m = re.match(r"police and crime commissioner for (.+)$", name)
            if m and str(FG.PoliceAndCrimeCommissioner) in types.get(iri, ()):
                known.pccs[m.group(1)] = iri
    return known


def resolve_issuer(value: str, known: Known) -> str:
    """An IRI as given, or the one entity whose label or alternative name is `value`."""
    if re.match(r"^https?://\S+$", value):
        return value
    iris = known.names.get(value.strip().lower(), set())
    if len(iris) == 1:
        return next(iter(iris))
    if not iris:
        raise ValueError(f"--issuer: nothing in the graph is called {value!r}; give its name as the graph "
                         "labels it (forcegraph query lookup-by-name --param name=…) or its IRI")
    raise ValueError(f"--issuer: {value!r} names {len(iris)} things ({', '.join(sorted(iris))}); give the IRI")


@dataclass
class Options:
    kind: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    issuer: str | None = None


@dataclass
class Plan:
    """One document, worked out and ready to write."""
    source: Path                 # the file as given
    sha256: str
    rel: str                     # path of the original under sources/
    text_rel: str | None         # path of the extracted text under sources/, if not plain
    text: str
    iri: str
    trig_path: Path
    trig: str
    passages: int
    duplicate: tuple[str, Path] | None = None
    copy: bool = True            # False when the original already sits in sources/


# --- reading the header and guessing ---------------------------------------------------------------

_HEADER = re.compile(r"\A((?:[a-z]+: ?[^\n]*\n)+)---\n")
MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], 1)}
_DATE_WORDS = re.compile(r"\b(\d{1,2})\s*(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r"|"
                         + "|".join(m[:3] for m in MONTHS) + r")\.?,?\s+(\d{4})\b", re.I)
_DATE_NUM = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def corpus_header(text: str) -> tuple[dict, int]:
    """A stored page's header (`url:`, `title:`, `source:`, `dropped:`, then `---`) and where its body starts."""
    m = _HEADER.match(text)
    if not m or "url:" not in m.group(1):
        return {}, 0
    fields = dict(line.split(":", 1) for line in m.group(1).splitlines())
    return {k.strip(): v.strip() for k, v in fields.items()}, m.end()


def parse_date(s: str) -> date | None:
    """The first date written in `s` in a way UK papers write them."""
    for rx in (_DATE_ISO, _DATE_WORDS, _DATE_NUM):
        if m := rx.search(s):
            try:
                if rx is _DATE_ISO:
                    return date(int(m[1]), int(m[2]), int(m[3]))
                if rx is _DATE_WORDS:
                    return date(int(m[3]), MONTHS[next(k for k in MONTHS if k.startswith(m[2].lower()[:3]))], int(m[1]))
                year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
                return date(year, int(m[2]), int(m[1]))  # day first, as in the UK
            except ValueError:
                continue
    return None


def guess_kind(text: str, doc_kind: str, url: str | None) -> str:
    head = text[:3000]
    if re.search(r"decision (record|notice)|\bDecision Summary\b|Decisions of the PCC", head, re.I):
        return "decision-record"
    if re.search(r"\bTHIS AGREEMENT\b|\bagreement is made\b|\bis dated\b.*\bbetween\b", head):
        return "agreement-text"
    if re.search(r"^(To|From)\s*:", head, re.M) or re.search(r"\bagenda item\b", head, re.I):
        return "report"
    if re.search(r"\bregister\b|collaboration agreements", head, re.I):
        return "register"
    return "web-page" if doc_kind == "html" or url else "report"


def _guess_issuer(head: str, known: Known) -> str | None:
    hits = {iri for place, iri in known.pccs.items()
            if re.search(rf"\b{re.escape(place)}\s+(?:Police\s*(?:,|and|&)\s*Crime\s+Commissioner|PCC)\b"
                         rf"|Police\s*(?:,|and|&)\s*Crime\s+Commissioner\s+for\s+{re.escape(place)}\b", head, re.I)}
    return hits.pop() if len(hits) == 1 else None


def slugify(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:80].strip("-") or "document"


# --- planning --------------------------------------------------------------------------------------

def plan(path: Path, opts: Options, graph_dir: Path, sources_dir: Path, known: Known,
         taken: dict[str, Plan]) -> Plan:
    """Work out everything about adding `path`; raise IntakeError if it cannot be added."""
    path = Path(path)
    if not path.is_file():
        raise IntakeError(path, "no such file")
    try:
        doc = documents.read(path)
    except documents.DocumentError as e:
        raise IntakeError(path, str(e)) from None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    dup = known.by_sha.get(sha) or ((taken[sha].iri, taken[sha].trig_path) if sha in taken else None)
    if dup:
        return Plan(path, sha, "", None, "", dup[0], Path(dup[1]), "", 0, duplicate=(dup[0], Path(dup[1])))

    header, body = corpus_header(doc.text) if doc.plain else ({}, 0)
    sources_dir = Path(sources_dir)
    try:
        rel = path.resolve().relative_to(sources_dir.resolve()).as_posix()
        copy = False
    except ValueError:
        rel = f"corpus/{path.name}" if header else path.name
        copy = True
    target = sources_dir / rel
    if copy and target.exists() and target.read_bytes() != data:
        raise IntakeError(path, f"{target} already holds a different file; rename yours and add it again")
    text_rel = None if doc.plain else Path(rel).with_suffix(".txt").as_posix()
    if text_rel and (sources_dir / text_rel).exists() and (sources_dir / text_rel).read_text(encoding="utf-8") != doc.text:
        raise IntakeError(path, f"{sources_dir / text_rel} already exists (the text of another file?); rename yours")

    found = passages_mod.split(doc.text, body)
    if not found:
        raise IntakeError(path, "no passage of three characters or more could be found in its text")

    slug = base = slugify(Path(rel).stem)
    n = 1
    while (f"{ID}document/{slug}" in known.iris or any(p.iri.endswith(f"/{slug}") for p in taken.values())
           or (Path(graph_dir) / "documents" / f"{slug}.trig").exists()):
        n += 1
        slug = f"{base}-{n}"
    iri = f"{ID}document/{slug}"

    guessed = []
    url = opts.url or header.get("url") or doc.meta.get("url")
    title = opts.title
    if not title:
        heads = [p.excerpt for p in found if not re.match(r"^\d", p.locator) and p.excerpt == p.locator]
        title = header.get("title") or doc.meta.get("title") or (heads[0] if heads else None) \
            or found[0].excerpt.split("\n")[0][:150] or path.stem
        guessed.append("title")
    when = None
    if opts.date:
        when = date.fromisoformat(opts.date)
    else:
        dated = [p.excerpt for p in found if p.locator.lower() in ("date", "dated", "date of decision", "date authorised")]
        when = next(filter(None, map(parse_date, dated)), None) or parse_date(doc.text[body:body + 600])
        if when:
            guessed.append("date")
    kind = opts.kind
    if not kind:
        kind = guess_kind(doc.text[body:], doc.kind, url)
        guessed.append("kind")
    issuer = opts.issuer
    if not issuer:
        issuer = _guess_issuer(doc.text[body:body + 1500], known)
        if issuer:
            guessed.append("issuer")

    trig_path = Path(graph_dir) / "documents" / f"{slug}.trig"
    trig = _trig(iri, slug, kind, title, when, issuer, url, rel, sha, text_rel, doc.text, guessed, found, path.name)
    try:  # what we write must parse; a bug here must never leave a broken file in graph/
        ox.parse(trig, format=ox.RdfFormat.TRIG)
    except SyntaxError as e:
        raise IntakeError(path, f"internal error: the TriG made for it does not parse ({e}); please report") from None
    return Plan(path, sha, rel, text_rel, doc.text, iri, trig_path, trig, len(found), copy=copy)


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def _iri(s: str) -> str:
    try:
        return _NAMES.iri(ox.NamedNode(s).value)
    except ValueError:
        from urllib.parse import quote
        return f"<{quote(s, safe=':/?#[]@!$&()*+,;=%~')}>"


def _trig(iri, slug, kind, title, when, issuer, url, rel, sha, text_rel, text, guessed, found, name) -> str:
    """The document's description in a provenance block at the top, then each passage's words in a
    provenance block of its own, in the document's order: its facts go right after it."""
    graph = _NAMES.iri(str(PROVENANCE_GRAPH))
    lines = [PREFIXES, f"# Added by `forcegraph source add` from {name}.",
             "# Properties listed under fg:guessed were read from the text by the machine: confirm or correct",
             "# them, then delete their fg:guessed value. Facts go in passage graphs (docs/curation.md),",
             "# each right after the passage's words.", "",
             f"{graph} {{", f"  {_iri(iri)} a fg:{KINDS[kind]} ;", f"      dcterms:title {_lit(title)} ;"]
    if when:
        lines.append(f'      dcterms:date "{when.isoformat()}"^^xsd:date ;')
    if issuer:
        lines.append(f"      fg:issuedBy {_iri(issuer)} ;")
    if url:
        lines.append(f"      dcterms:source {_iri(url)} ;")
    lines.append(f"      fg:sourceFile {_lit(rel)} ;")
    if text_rel:
        lines.append(f"      fg:textFile {_lit(text_rel)} ;")
        lines.append(f'      fg:textSha256 "{hashlib.sha256(text.encode("utf-8")).hexdigest()}" ;')
    if guessed:
        lines.append(f"      fg:guessed {' , '.join(_lit(g) for g in guessed)} ;")
    lines += [f'      fg:sha256 "{sha}" .', "}"]
    seen: dict[str, int] = {}
    for p in found:
        ps = passages_mod.slug(p.locator)
        seen[ps] = seen.get(ps, 0) + 1
        if seen[ps] > 1:
            ps = f"{ps}-{seen[ps]}"
        lines += ["", f"{graph} {{", f"  {_iri(f'{ID}passage/{slug}/{ps}')} a fg:Passage ;",
                  f"      fg:document {_iri(iri)} ;", f"      fg:locator {_lit(p.locator)} ;",
                  f"      fg:excerpt {_lit(p.excerpt)} ;", f"      fg:position {p.position} .", "}"]
    return "\n".join(lines) + "\n"


def plan_all(paths, opts: Options, graph_dir: Path, sources_dir: Path, progress=lambda msg: None):
    """Plans for every file, and the errors of those that cannot be added (then nothing may be written)."""
    known = scan(graph_dir)
    if opts.issuer:
        try:
            opts.issuer = resolve_issuer(opts.issuer, known)
        except ValueError as e:
            raise IntakeError(paths[0] if len(paths) == 1 else "--issuer", str(e).removeprefix("--issuer: ")) from None
    plans, errors, taken = [], [], {}
    for i, p in enumerate(paths, 1):
        try:
            pl = plan(Path(p), opts, graph_dir, sources_dir, known, taken)
        except IntakeError as e:
            errors.append(e)  # told once, with the others, before anything could be written
            continue
        plans.append(pl)
        if pl.duplicate:
            progress(f"[{i}/{len(paths)}] {p}: already added")
        else:
            taken[pl.sha256] = pl
            progress(f"[{i}/{len(paths)}] {p}: {pl.passages} passages → {pl.trig_path}")
    return plans, errors


def write(plans: list[Plan], sources_dir: Path) -> list[Path]:
    """Write the originals and texts first, the TriG last: a document never names a missing file."""
    written = []
    for pl in plans:
        if pl.duplicate:
            continue
        if pl.copy:
            atomic.write_bytes(Path(sources_dir) / pl.rel, pl.source.read_bytes())
            written.append(Path(sources_dir) / pl.rel)
        if pl.text_rel:
            atomic.write_text(Path(sources_dir) / pl.text_rel, pl.text)
            written.append(Path(sources_dir) / pl.text_rel)
    for pl in plans:
        if not pl.duplicate:
            atomic.write_text(pl.trig_path, pl.trig)
            written.append(pl.trig_path)
    return written
