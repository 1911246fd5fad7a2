"""Canonical writers for Turtle, TriG, N-Triples, N-Quads and JSON-LD: the same quads always give
the same bytes, so a partner's diff shows only what changed.

Prefixes are written in name order; subjects in IRI order (so things of one kind stand together,
under a `# kind` comment in Turtle); rdf:type first, then predicates by prefixed name; one
object per line, in order. (rdflib's writers iterate hash-ordered sets: not byte-stable.)

The writers take IRIs and literals only: a blank node has no stable name to sort or write by
(curation rule 6 keeps them out of the data)."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"

# Conservative forms, so every reader takes them the same way.
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$")
_RELATIVE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.~-]*(?:/[A-Za-z0-9_.~-]+)*$")
_BARE = {
    _XSD + "integer": re.compile(r"^[+-]?[0-9]+$"),
    _XSD + "decimal": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    _XSD + "boolean": re.compile(r"^(?:true|false)$"),
}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_TO_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def term_key(term) -> tuple:
    """Sort order of terms: IRIs before literals; then by text, datatype and language."""
    if isinstance(term, ox.Literal):
        return (1, term.value, term.datatype.value, term.language or "")
    return (0, term.value)


def _quote(text: str) -> str:
    return '"' + _TO_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text) + '"'


class _Names:
    """How IRIs are written in Turtle and TriG: a prefixed name, a relative IRI under the base,
    or the full IRI."""

    def __init__(self, prefixes: dict[str, str], base: str | None):
        # Longest namespace first, so `id:` never shadows a longer namespace inside it.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.base = base
        self._written: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        written = self._written.get(iri)
        if written is None:
            written = self._written[iri] = self._write(iri)
        return written

    def _write(self, iri: str) -> str:
        for prefix, ns in self.prefixes:
            if iri.startswith(ns) and _LOCAL_NAME.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        if self.base and iri.startswith(self.base):
            rest = iri[len(self.base):]
            if _RELATIVE.match(rest) and not {".", ".."} & set(rest.split("/")):
                return f"<{rest}>"
        return f"<{iri}>"

    def term(self, term) -> str:
        if not isinstance(term, ox.Literal):
            return self.iri(term.value)
        if term.language:
            return f"{_quote(term.value)}@{term.language}"
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return _quote(term.value)
        bare = _BARE.get(datatype)
        if bare and bare.match(term.value):
            return term.value
        return f"{_quote(term.value)}^^{self.iri(datatype)}"

    def group(self, iri: str) -> str:
        """The heading a subject stands under: its kind for our ids, else its vocabulary."""
        if self.base and iri.startswith(self.base):
            return iri[len(self.base):].split("/", 1)[0]
        for prefix, ns in self.prefixes:
            if iri.startswith(ns):
                return f"{prefix}:"
        return re.sub(r"[^/#]*$", "", iri)


def _head(names: _Names) -> list[str]:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(names.prefixes)]
    if names.base:
        lines.append(f"@base <{names.base}> .")
    return lines


def _blocks(triples, names: _Names, indent: str = "", headings: bool = False) -> list[str]:
    """Subject blocks: the subject on its own line, then one predicate and object per line."""
    tree: dict = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        tree[s.value][p.value].add(o)
    lines: list[str] = []
    group = None
    for s in sorted(tree):
        if headings and names.group(s) != group:
            group = names.group(s)
            lines += ["", f"{indent}# {group}"]
        lines += ["", indent + names.iri(s)]
        predicates = sorted(tree[s], key=lambda p: (p != RDF_TYPE, names.iri(p)))
        for i, p in enumerate(predicates):
            verb = "a" if p == RDF_TYPE else names.iri(p)
            objects = [names.term(o) for o in sorted(tree[s][p], key=term_key)]
            end = " ." if i == len(predicates) - 1 else " ;"
            for j, o in enumerate(objects):
                lead = f"{indent}    {verb} " if j == 0 else f"{indent}        "
                lines.append(lead + o + (end if j == len(objects) - 1 else " ,"))
    return lines


def turtle(triples, prefixes: dict[str, str], base: str | None = None) -> bytes:
    names = _Names(prefixes, base)
    lines = _head(names) + _blocks(triples, names, headings=True)
    return ("\n".join(lines) + "\n").encode("utf-8")


def trig(quads, prefixes: dict[str, str], base: str | None = None) -> bytes:
    """TriG: the default graph first, then each named graph in IRI order."""
    names = _Names(prefixes, base)
    graphs: dict = defaultdict(list)
    for q in quads:
        graphs[None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value].append(
            (q.subject, q.predicate, q.object))
    lines = _head(names)
    if None in graphs:
        lines += _blocks(graphs.pop(None), names)
    for g in sorted(graphs):
        lines += ["", names.iri(g) + " {"] + _blocks(graphs[g], names, indent="    ")[1:] + ["}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _lines(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def ntriples(triples) -> bytes:
    """N-Triples, one triple a line, lines in order."""
    return _lines(ox.serialize([ox.Triple(s, p, o) for s, p, o in triples], format=ox.RdfFormat.N_TRIPLES))


def nquads(quads) -> bytes:
    """N-Quads, one quad a line, lines in order."""
    return _lines(ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS))


def _compact(iri: str, prefixes) -> str:
    for prefix, ns in prefixes:
        rest = iri[len(ns):]
        # A suffix starting with // would be read as an absolute IRI.
        if iri.startswith(ns) and rest and not rest.startswith("//"):
            return f"{prefix}:{rest}"
    return iri


def _node_objects(triples, prefixes) -> list[dict]:
    tree: dict = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        tree[s.value][p.value].add(o)
    nodes = []
    for s in sorted(tree):
        node: dict = {"@id": _compact(s, prefixes)}
        for p, objects in tree[s].items():
            ordered = sorted(objects, key=term_key)
            if p == RDF_TYPE and not any(isinstance(o, ox.Literal) for o in ordered):
                node["@type"] = [_compact(o.value, prefixes) for o in ordered]
                continue
            values = []
            for o in ordered:
                if not isinstance(o, ox.Literal):
                    values.append({"@id": _compact(o.value, prefixes)})
                elif o.language:
                    values.append({"@value": o.value, "@language": o.language})
                elif o.datatype.value == _XSD_STRING:
                    values.append(o.value)
                else:  # typed, keeping the lexical form (a JSON number would not)
                    values.append({"@value": o.value, "@type": _compact(o.datatype.value, prefixes)})
            node[_compact(p, prefixes)] = values
        nodes.append(node)
    return nodes


def jsonld(quads, context: dict) -> bytes:
    """JSON-LD with the given context embedded (so no reader fetches it); named graphs kept as
    graph objects; keys in order."""
    prefixes = sorted(((k, v) for k, v in context["@context"].items() if not k.startswith("@") and isinstance(v, str)),
                      key=lambda kv: (-len(kv[1]), kv[0]))
    graphs: dict = defaultdict(list)
    for q in quads:
        graphs[None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value].append(
            (q.subject, q.predicate, q.object))
    top = _node_objects(graphs.pop(None, []), prefixes)
    top += [{"@id": _compact(g, prefixes), "@graph": _node_objects(graphs[g], prefixes)} for g in sorted(graphs)]
    doc = {"@context": context["@context"], "@graph": top}
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
