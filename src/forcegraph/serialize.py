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

from .vocab import XSD_STRING

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"

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


# A Turtle or TriG text's own @prefix and @base lines (or SPARQL-style PREFIX and BASE).
_PREFIX_LINE = re.compile(r"^[ \t]*(?:@prefix|(?i:prefix))[ \t]+([A-Za-z][\w.-]*)?:[ \t]*<([^>]*)>", re.M)
_BASE_LINE = re.compile(r"^[ \t]*(?:@base|(?i:base))[ \t]*<([^>]*)>", re.M)


class Names:
    """How IRIs are written in Turtle and TriG: a prefixed name, a relative IRI under the base,
    or the full IRI."""

    def __init__(self, prefixes: dict[str, str], base: str | None):
        # Longest namespace first, so `id:` never shadows a longer namespace inside it.
        self.prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.base = base
        self._written: dict[str, str] = {}

    @classmethod
    def declared_in(cls, text: str) -> Names:
        """The names a hand-written Turtle or TriG text declares, so a tool writes as it does."""
        base = _BASE_LINE.search(text)
        return cls({p or "": ns for p, ns in _PREFIX_LINE.findall(text)}, base and base.group(1))

    def spellings(self, iri: str) -> tuple[str, ...]:
        """The ways such a text may write `iri`: in full, relative to its base, or as written here."""
        relative = (f"<{iri[len(self.base):]}>",) if self.base and iri.startswith(self.base) else ()
        return tuple(dict.fromkeys((f"<{iri}>", *relative, self.iri(iri))))

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
        if datatype == XSD_STRING:
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


def _head(names: Names) -> list[str]:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(names.prefixes)]
    if names.base:
        lines.append(f"@base <{names.base}> .")
    return lines


def _blocks(triples, names: Names, indent: str = "", headings: bool = False) -> list[str]:
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
    names = Names(prefixes, base)
    lines = _head(names) + _blocks(triples, names, headings=True)
    return ("\n".join(lines) + "\n").encode("utf-8")


def trig(quads, prefixes: dict[str, str], base: str | None = None) -> bytes:
    """TriG: the default graph first, then each named graph in IRI order."""
    names = Names(prefixes, base)
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


class _Context:
    """How the published context writes each property and value: a term where it has one (a
    value as a bare string where the term's coercion fits it), else a compact IRI."""

    def __init__(self, context: dict):
        ctx = context["@context"]
        self.prefixes = sorted(((k, v) for k, v in ctx.items() if not k.startswith("@") and isinstance(v, str)),
                               key=lambda kv: (-len(kv[1]), kv[0]))
        expand = lambda name: next((ns + name.split(":", 1)[1] for p, ns in self.prefixes
                                    if name.startswith(p + ":")), name)
        self.terms, self.reverse = {}, {}
        for name, d in ctx.items():
            if isinstance(d, dict) and "@reverse" in d:
                self.reverse[expand(d["@reverse"])] = name
            elif isinstance(d, dict) and "@id" in d:
                coerce = d.get("@type")
                self.terms[expand(d["@id"])] = (name, expand(coerce) if coerce and coerce != "@id" else coerce)
        self.vocab = ctx.get("@vocab")

    def iri(self, iri: str) -> str:
        return _compact(iri, self.prefixes)

    def type(self, iri: str) -> str:
        rest = iri[len(self.vocab):] if self.vocab and iri.startswith(self.vocab) else ""
        return rest if _LOCAL_NAME.match(rest) else self.iri(iri)

    def key(self, predicate: str) -> str:
        return self.terms[predicate][0] if predicate in self.terms else self.iri(predicate)

    def value(self, predicate: str, o):
        coerce = self.terms.get(predicate, (None, None))[1]
        if not isinstance(o, ox.Literal):
            return self.iri(o.value) if coerce == "@id" else {"@id": self.iri(o.value)}
        if o.language:
            return {"@value": o.value, "@language": o.language}
        if o.datatype.value == (coerce or XSD_STRING) and coerce != "@id":
            return o.value
        if o.datatype.value == XSD_STRING:
            return {"@value": o.value}
        # Typed, keeping the lexical form (a JSON number would not).
        return {"@value": o.value, "@type": self.iri(o.datatype.value)}


def _node(s: str, properties: dict, c: _Context, embedded: dict) -> dict:
    node: dict = {"@id": c.iri(s)}
    for p in sorted(properties, key=c.key):
        objects = sorted(properties[p], key=term_key)
        if p == RDF_TYPE and not any(isinstance(o, ox.Literal) for o in objects):
            types = [c.type(o.value) for o in objects]
            node["@type"] = types[0] if len(types) == 1 else types
            continue
        values = [c.value(p, o) for o in objects]
        node[c.key(p)] = values[0] if len(values) == 1 else values
    for p, kids in sorted(embedded.items()):
        node[c.reverse[p]] = kids  # always a list, however many
    return node


def jsonld(triples, context: dict) -> bytes:
    """JSON-LD for people who read JSON: the published context embedded (so no reader fetches
    it); one object per subject with all its properties, keys the context's terms, one value bare
    and several in an array; the objects whose subject is another node through a reverse term in
    the context (each fact's rdf:Statement inside the thing it is about) embedded there; keys and
    objects in order."""
    c = _Context(context)
    tree: dict = defaultdict(lambda: defaultdict(set))
    for s, p, o in triples:
        tree[s.value][p.value].add(o)
    # Which nodes go inside another (through a reverse term): those with exactly one such link.
    inside: dict = {}
    for s, props in tree.items():
        for p in c.reverse:
            targets = props.get(p, ())
            if len(targets) == 1 and not isinstance(next(iter(targets)), ox.Literal):
                inside[s] = (p, next(iter(targets)).value)
    children: dict = defaultdict(lambda: defaultdict(list))
    for s, (p, parent) in inside.items():
        if parent in tree and parent not in inside:
            del tree[s][p]
            children[parent][p].append(_node(s, tree[s], c, {}))
    # In the order of what they say, not of their IRIs (a statement's IRI is a hash of its fact):
    # a changed fact then changes its statement where it stands.
    for kinds in children.values():
        for kids in kinds.values():
            kids.sort(key=lambda node: json.dumps({k: v for k, v in node.items() if k != "@id"}, sort_keys=True))
    nodes = [_node(s, tree[s], c, children.get(s, {})) for s in sorted(tree)
             if not (s in inside and inside[s][1] in tree and inside[s][1] not in inside)]
    doc = {"@context": context["@context"], "@graph": nodes}
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
