"""The curation lint: what docs/curation.md asks of every file under graph/, checked file by file so
each finding can name the file and line a curator must open.

Checks: every sha256 (original and extracted text) against sources/; every excerpt verbatim
(whitespace-normalised) in its document's text; every triple inside a passage, external-source,
provenance or conflicts graph; candidates still waiting for review; two entities with one label and
nothing linking them; documents none of whose passages states a fact."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import CheckError
from .load import LoadError, data_files, file_format
from .serialize import Names
from .vocab import CONFLICTS_GRAPH, FG, PROVENANCE_GRAPH

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
POSTS = {"http://www.w3.org/ns/org#Post", "https://w3id.org/forcegraph/ontology#Post"}
PROV, CONFLICTS = str(PROVENANCE_GRAPH), str(CONFLICTS_GRAPH)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    check: str      # excerpt, sha256, outside-graph, candidates, same-label, no-facts
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _fg(local: str) -> str:
    return str(FG[local])


class _Lines:
    """Line numbers of subjects and properties in the files, found by text search for an IRI as
    written in full or relative to the file's base."""

    def __init__(self):
        self.cache: dict[Path, tuple[list[str], Names]] = {}

    def _read(self, path: Path) -> tuple[list[str], Names]:
        if path not in self.cache:
            text = path.read_text(encoding="utf-8", errors="replace")
            self.cache[path] = text.splitlines(), Names.declared_in(text)
        return self.cache[path]

    def of(self, path: Path, iri: str | None = None, after: str | None = None) -> int:
        lines, names = self._read(path)
        start = 0
        if iri:
            needles = names.spellings(iri)
            hits = [i for i, ln in enumerate(lines) if any(n in ln for n in needles)]
            subject = [i for i in hits if lines[i].lstrip().startswith(needles)]
            start = (subject or hits or [0])[0]
        if after:
            start = next((i for i in range(start, len(lines)) if after in lines[i]), start)
        return start + 1


def _parse(path: Path) -> list[ox.Quad]:
    try:
        return list(ox.parse(path=str(path), format=file_format(path)))
    except SyntaxError as e:
        raise CheckError(f"{path}:{e.lineno}:{e.offset}: not valid {path.suffix[1:].upper()}: {e.msg}") from None
    except OSError as e:
        raise CheckError(f"{path}: {e.strerror or e}") from None


def check(graph_dir="graph", sources_dir="sources", candidates_dir=None) -> list[Finding]:
    graph_dir, sources_dir = Path(graph_dir), Path(sources_dir)
    if not graph_dir.exists():
        raise CheckError(f"{graph_dir}: no such folder")
    try:
        files = data_files([graph_dir])
    except LoadError as e:
        raise CheckError(str(e)) from None
    lines = _Lines()
    findings: list[Finding] = []

    def add(path: Path, line: int, kind: str, message: str):
        findings.append(Finding(str(path), line, kind, message))

    # One pass over every quad, remembering which file said what.
    props = defaultdict(lambda: defaultdict(list))   # provenance subject → predicate → values
    where = {}                                       # provenance subject → file describing it
    graph_sizes = defaultdict(int)                   # named graph → triples asserted in it
    graph_file = {}                                  # named graph → first file holding it
    labels = defaultdict(set)                        # normalised label → subjects
    label_file = {}                                  # subject → file giving it a label
    links = set()                                    # unordered pairs of IRIs that a triple connects
    posts = set()                                    # org:Post nodes: labelled by a title many posts share
    for f in files:
        for q in _parse(f):
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                add(f, lines.of(f, getattr(q.subject, "value", None)), "outside-graph",
                    f"{q.subject} {q.predicate} {q.object} is in the default graph: every fact needs a passage graph")
                continue
            if g.value == PROV:
                props[q.subject.value][q.predicate.value].append(q.object.value)
                where.setdefault(q.subject.value, f)
                continue
            graph_sizes[g.value] += 1
            graph_file.setdefault(g.value, f)
            if q.predicate.value == RDF_TYPE and q.object.value in POSTS:
                posts.add(q.subject.value)
            if q.predicate.value == RDFS_LABEL and isinstance(q.object, ox.Literal):
                labels[normalise(q.object.value).casefold()].add(q.subject.value)
                label_file.setdefault(q.subject.value, f)
            if isinstance(q.object, ox.NamedNode) and isinstance(q.subject, ox.NamedNode):
                links.add(frozenset((q.subject.value, q.object.value)))

    def typed(local):
        return {s for s, d in props.items() if _fg(local) in d[RDF_TYPE]}

    passages, external = typed("Passage"), typed("ExternalSource") | typed("CuratorInference")
    docs = {s for s, d in props.items() if d[_fg("sha256")] or d[_fg("seedFile")] or d[_fg("sourceFile")]}

    # Hashes, and the text each document's excerpts are checked against.
    texts: dict[str, str | None] = {}
    for doc in sorted(docs):
        d, f = props[doc], where[doc]
        original = (d[_fg("sourceFile")] or d[_fg("seedFile")] or [None])[0]
        pairs = [(original, d[_fg("sha256")], "fg:sha256")]
        if d[_fg("textFile")]:
            pairs.append((d[_fg("textFile")][0], d[_fg("textSha256")], "fg:textSha256"))
        texts[doc] = None
        for name, shas, prop in pairs:
            line = lines.of(f, doc, prop + " ")
            if name is None:
                add(f, lines.of(f, doc), "sha256", f"document <{doc}> names no file (fg:sourceFile or fg:seedFile)")
                continue
            path = sources_dir / name
            if not path.is_file():
                add(f, line, "sha256", f"document <{doc}>: {path} is missing")
                continue
            data = path.read_bytes()
            if not shas:
                add(f, lines.of(f, doc), "sha256", f"document <{doc}> has no {prop} for {path}")
            elif shas[0] != hashlib.sha256(data).hexdigest():
                add(f, line, "sha256", f"document <{doc}>: {prop} {shas[0][:12]}… is not the SHA-256 of {path} "
                                       "(the file changed or the hash is wrong)")
            if prop == "fg:textSha256" or not d[_fg("textFile")]:
                texts[doc] = normalise(data.decode("utf-8", errors="replace"))

    for p in sorted(passages):
        d, f = props[p], where[p]
        doc = (d[_fg("document")] or [None])[0]
        excerpt = normalise((d[_fg("excerpt")] or [""])[0])
        if doc not in docs:
            add(f, lines.of(f, p), "excerpt", f"passage <{p}> names no described document")
        elif texts.get(doc) is not None and excerpt not in texts[doc]:
            short = excerpt if len(excerpt) <= 60 else excerpt[:57] + "…"
            add(f, lines.of(f, p, "fg:excerpt"), "excerpt",
                f"passage <{p}>: excerpt “{short}” is not verbatim in its document's text")

    for g in sorted(graph_sizes):
        if g not in passages and g not in external and g != CONFLICTS:
            add(graph_file[g], lines.of(graph_file[g], g), "outside-graph",
                f"{graph_sizes[g]} triples in graph <{g}>, which is neither a described passage, an external source nor a curator's inference")

    if candidates_dir is not None and Path(candidates_dir).is_dir():
        for f in sorted(Path(candidates_dir).rglob("*.trig")):
            status, typed_c = {}, set()
            for q in _parse(f):
                if q.predicate.value == _fg("status"):
                    status[q.subject.value] = q.object.value
                elif q.predicate.value == RDF_TYPE and q.object.value == _fg("Candidate"):
                    typed_c.add(q.subject.value)
            proposed = sorted(s for s in typed_c if status.get(s) == "proposed")
            if proposed:
                add(f, lines.of(f, proposed[0]), "candidates",
                    f"{len(proposed)} candidate facts still to review (forcegraph review)")

    for label, subjects in sorted(labels.items()):
        # A post's label is its title ("Chief Executive"), the same in every organisation: not a name.
        for a, b in itertools.combinations(sorted(subjects - posts), 2):
            if frozenset((a, b)) not in links:
                f = label_file[b]
                add(f, lines.of(f, b, "rdfs:label"), "same-label",
                    f"<{a}> and <{b}> are both labelled “{label}” and nothing links them "
                    "(one thing twice? merge them, or state how they relate, e.g. skos:related)")

    by_doc = defaultdict(list)
    for p in passages:
        by_doc[(props[p][_fg("document")] or [None])[0]].append(p)
    for doc in sorted(docs):
        if not any(graph_sizes.get(p) for p in by_doc[doc]):
            f = where[doc]
            add(f, lines.of(f, doc), "no-facts",
                f"document <{doc}> states no facts yet: none of its {len(by_doc[doc])} passages' graphs holds a triple")
    return sorted(findings, key=lambda x: (x.file, x.line, x.message))
