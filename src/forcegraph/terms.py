"""Converting RDF terms between pyoxigraph (the fast store) and rdflib (owlrl and pyshacl need it)."""

import re
from datetime import date
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .vocab import XSD_STRING

_XSD = "http://www.w3.org/2001/XMLSchema#"


def to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == XSD_STRING else URIRef(dt))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"cannot convert {term!r}")


def _memoised(convert):
    """`convert` with a cache, for many terms that repeat (a graph's or an answer's); None stays None."""
    cache: dict = {None: None}

    def conv(term):
        try:
            return cache[term]
        except KeyError:
            value = cache[term] = convert(term)
            return value

    return conv


def converter():
    """to_rdflib, each distinct term converted once."""
    return _memoised(to_rdflib)


def rdflib_value(node: Node):
    """The plain Python value of an rdflib term: `toPython()` of a literal (the literal itself if
    its text is not a valid value), the IRI or blank node id as a string; None stays None."""
    if node is None:
        return None
    return node.toPython() if isinstance(node, Literal) else str(node)


def _parsed(pattern: str, parse):
    form = re.compile(pattern)
    return lambda text: parse(text) if form.fullmatch(text) else None


# The common literals, read without building an rdflib term (a date costs 9 us that way). Only
# the canonical forms: anything else goes the way rdflib goes, so the value is always rdflib's.
_VALUE = {
    XSD_STRING: lambda text: text,
    _XSD + "date": _parsed(r"\d{4}-\d{2}-\d{2}", date.fromisoformat),
    _XSD + "integer": _parsed(r"[+-]?\d+", int),
    _XSD + "decimal": _parsed(r"[+-]?\d+(\.\d+)?", Decimal),
    _XSD + "boolean": {"true": True, "false": False}.get,
}


def python_value(term):
    """A pyoxigraph term as the Python value `rdflib_value` gives its rdflib twin (str, date,
    int, Decimal, bool…), read straight from pyoxigraph; None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return term.value
        read = _VALUE.get(term.datatype.value)
        if read is not None:
            try:
                value = read(term.value)
            except ValueError:  # e.g. a 30th of February
                value = None
            if value is not None:
                return value
    return rdflib_value(to_rdflib(term))


def value_converter():
    """python_value, each distinct term read once."""
    return _memoised(python_value)


def to_oxigraph(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")
