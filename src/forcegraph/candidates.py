"""Storing candidate facts and review decisions: `candidates/{document-slug}.trig`, one per document.

Candidate files live outside `graph/`, so nothing that loads the graph (build, query, validate,
export, serve) ever reads them. A candidate is one proposed triple, reified with rdf:subject /
rdf:predicate / rdf:object, beside its status ("proposed", "accepted", "rejected"), the rule that
found it, a confidence, the verbatim words it rests on and the passage they come from. Decided
candidates stay in the file for good: that is how a rejection is remembered when the extractor
runs again.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Literal, URIRef

from . import atomic
from .errors import CandidateError
from .extract import Candidate
from .vocab import FG, ID

from .names import CANDIDATE_STATUSES as STATUSES  # noqa: E402
PREFIXES = """@prefix fg: <https://w3id.org/forcegraph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def candidate_iri(slug: str, n: int) -> URIRef:
    return ID[f"candidate/{slug}/{n}"]


def graph_iri(slug: str) -> URIRef:
    return ID[f"graph/candidates/{slug}"]


def parse_id(ref: str) -> tuple[str, int]:
    """`{slug}/{n}` or the candidate's full IRI -> (slug, n)."""
    m = re.fullmatch(r"(?:" + re.escape(str(ID)) + r"candidate/)?([a-z0-9][a-z0-9-]*)/(\d+)", ref.strip())
    if not m:
        raise CandidateError(f"{ref!r} is not a candidate id; expected DOCUMENT-SLUG/N, e.g. cpcc-2019-007/3")
    return m.group(1), int(m.group(2))


def path_for(folder: Path, slug: str) -> Path:
    return Path(folder) / f"{slug}.trig"


def read(folder: Path, slug: str) -> list[Candidate]:
    path = path_for(folder, slug)
    if not path.exists():
        return []
    ds = Dataset(default_union=True)
    try:
        ds.parse(path, format="trig")
    except Exception as e:  # rdflib raises several kinds; any of them means the file is broken
        raise CandidateError(f"{path}: not valid TriG ({str(e).splitlines()[0]})") from None
    out = []
    for node in ds.subjects(RDF.type, FG.Candidate):
        v = lambda p: ds.value(node, p)  # noqa: E731
        out.append(Candidate(str(v(FG.candidateKind)), v(RDF.subject), v(RDF.predicate), v(RDF.object), v(FG.passage),
                             str(v(FG.evidence)), str(v(FG.method)), float(v(FG.confidence).toPython()),
                             str(v(FG.status)), int(str(node).rsplit("/", 1)[-1])))
    return sorted(out, key=lambda c: c.n)


def _literal(value) -> str:
    return Literal(value).n3()


def write(folder: Path, slug: str, document: URIRef, candidates: list[Candidate]) -> Path:
    """The whole file, written by hand in a fixed order so a diff shows what changed; atomically."""
    lines = [PREFIXES, f"# Candidate facts for <{document}>, from `forcegraph candidates`.",
             "# Not part of the graph: `forcegraph review` accepts or rejects them (docs/curation.md).", "",
             f"<{graph_iri(slug)}> {{"]
    for c in sorted(candidates, key=lambda c: c.n):
        lines += [f"  <{candidate_iri(slug, c.n)}> a fg:Candidate ;",
                  f"      fg:status {_literal(c.status)} ;",
                  f"      fg:candidateKind {_literal(c.kind)} ;",
                  f"      fg:method {_literal(c.method)} ;",
                  f"      fg:confidence {Literal(Decimal(str(c.confidence))).n3()} ;",
                  f"      fg:evidence {_literal(c.evidence)} ;",
                  f"      fg:passage <{c.passage}> ;",
                  f"      rdf:subject {c.s.n3()} ;",
                  f"      rdf:predicate {c.p.n3()} ;",
                  f"      rdf:object {c.o.n3()} .", ""]
    lines.append("}\n")
    path = path_for(folder, slug)
    atomic.write_text(path, "\n".join(lines))
    return path


def merge(existing: list[Candidate], fresh: list[Candidate]) -> list[Candidate]:
    """What the file holds after a new run: every decided candidate as it was; of the fresh
    proposals, those not already decided (same triple, same passage), keeping their old numbers."""
    by_key = {c.key(): c for c in existing}
    kept = [c for c in existing if c.status != "proposed"]
    next_n = max((c.n for c in existing), default=0) + 1
    for c in fresh:
        old = by_key.get(c.key())
        if old is not None and old.status != "proposed":
            continue  # rejected stays rejected; accepted is in the graph already
        if old is not None:
            c.n = old.n
        else:
            c.n, next_n = next_n, next_n + 1
        kept.append(c)
    return sorted(kept, key=lambda c: c.n)


def parse_object(old, value: str):
    """A curator's replacement object, of the same kind as the proposed one."""
    value = value.strip()
    if isinstance(old, URIRef):
        if re.fullmatch(r"[a-z-]+/[a-z0-9-]+", value):
            return ID[value]  # "force/kent" is short for the full IRI
        if not re.fullmatch(r"https?://\S+", value):
            raise CandidateError(f"{value!r} is not an IRI; give a full IRI or KIND/SLUG such as force/kent")
        return URIRef(value)
    lit = Literal(value, datatype=old.datatype, lang=old.language) if isinstance(old, Literal) else Literal(value)
    if lit.ill_typed:
        kind = str(old.datatype).rsplit("#", 1)[-1]
        hint = {"date": "YYYY-MM-DD", "gYearMonth": "YYYY-MM", "gYear": "YYYY"}.get(kind, kind)
        raise CandidateError(f"{value!r} is not a valid {kind} (expected {hint})")
    return lit


def label_of(candidate: Candidate) -> str:
    """A short readable form of the proposed triple."""
    def short(t):
        if isinstance(t, Literal):
            return str(t)
        s = str(t)
        return s.split("#")[-1] if "#" in s else s.replace(str(ID), "")
    return f"{short(candidate.s)} {short(candidate.p)} {short(candidate.o)}"


__all__ = ["CandidateError", "STATUSES", "candidate_iri", "graph_iri", "label_of", "merge", "parse_id", "parse_object",
           "path_for", "read", "write", "RDFS"]
