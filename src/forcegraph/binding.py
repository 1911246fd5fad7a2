"""Binding: query parameters written into SPARQL text as VALUES blocks, safely.

Parameters are never pasted into SPARQL text as they come: each is checked against its declared
type, made an RDF term, written in SPARQL's own escaped syntax and bound by a VALUES block that
opens the query's WHERE clause and each group that mentions it. (A VALUES clause after the query
would be joined only once the WHERE clause has been evaluated, so FILTERs on a parameter would
see it unbound.)

Both stores bind this way. A server has no other way. Oxigraph's own `substitutions` bind the
same variables, but it evaluates the query as if they were unbound and keeps the matching
answers, which is far slower (docs/design.md, "Parameters are bound, never pasted")."""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import QueryError
from .vocab import XSD_STRING

# Characters an IRI may not hold in SPARQL's <…> syntax.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def sparql_term(term: Node) -> str:
    """An RDF term in SPARQL syntax, escaped; raises QueryError for what cannot be written safely."""
    if isinstance(term, URIRef):
        if _BAD_IRI.search(str(term)):
            raise QueryError(f"{str(term)!r} is not an IRI that can be written in SPARQL")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + "".join(_ECHAR.get(c, c) for c in str(term)) + '"'
        if term.language:
            if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{text}^^{sparql_term(URIRef(term.datatype))}"
        return text
    raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be parameters")


def _skip_literal(text: str, i: int) -> int:
    """Index just past the string literal that starts at text[i]."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and text[end - 1] == "\\":
            end = text.find(quote * 3, end + 1)
        return len(text) if end == -1 else end + 3
    j = i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _tokens(text: str):
    """(index, token) for each query-form keyword and brace in SPARQL text, skipping comments,
    strings and IRIs."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = len(text) if i == -1 else i + 1
            continue
        if c in "\"'":
            i = _skip_literal(text, i)
            continue
        if c == "<":
            m = re.match(r"<[^\x00-\x20<>\"{}|^`\\]*>", text[i:])
            if m:
                i += m.end()
                continue
        if c in "{}":
            yield i, c
        elif c.isalpha() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_:?$")):
            m = re.match(r"(?i)(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", text[i:])
            if m:
                yield i, m.group(1).upper()
                i += m.end()
                continue
        i += 1


def _groups(text: str) -> list[tuple[int, int, bool]]:
    """(open, close, outermost) for each group graph pattern: every `{…}` but CONSTRUCT's
    template, VALUES data blocks and the braces that only wrap a subquery."""
    pairs, stack, form = [], [], None
    for i, token in _tokens(text):
        if token == "{":
            stack.append(i)
        elif token == "}":
            if stack:
                pairs.append((stack.pop(), i, len(stack)))
        elif form is None:
            form = token
    groups, template = [], None
    if form == "CONSTRUCT":
        top = sorted(o for o, _, d in pairs if d == 0)
        if top and not re.search(r"(?i)\bWHERE\s*$", text[:top[0]]):
            template = top[0]
    outermost = min((o for o, _, d in pairs if d == 0 and o != template), default=None)
    for open_, close, _ in sorted(pairs):
        if open_ == template or re.search(r"(?is)\bVALUES\s*([?$]\w+|\([^()]*\))\s*$", text[:open_]):
            continue
        if re.match(r"(?is)\s*(#[^\n]*\n\s*)*SELECT\b", text[open_ + 1:close]):
            continue
        groups.append((open_, close, open_ == outermost))
    if outermost is None:
        raise QueryError("cannot find the WHERE clause of the query to bind its parameters")
    return groups


def with_values(sparql: str, bindings: dict[str, Node]) -> str:
    """The query with `bindings` bound by VALUES blocks: one opening the WHERE clause, and one
    opening each group that mentions a bound variable. Groups are evaluated inside out, so this
    is what binding by substitution does: a FILTER deep in a UNION or a subquery sees the value."""
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARNAME.match(name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    terms = {v: sparql_term(t) for v, t in bindings.items()}
    # Which variables each group mentions is read from the text as given: a block inserted into an
    # inner group would shift the end of every group around it.
    mentions = [(open_, [v for v in sorted(terms) if outermost or re.search(rf"[?$]{v}\b", sparql[open_:close])])
                for open_, close, outermost in _groups(sparql)]
    for open_, names in sorted(mentions, reverse=True):
        if names:
            block = (" VALUES (" + " ".join(f"?{v}" for v in names) + ") { ("
                     + " ".join(terms[v] for v in names) + ") } ")
            sparql = sparql[:open_ + 1] + block + sparql[open_ + 1:]
    return sparql
