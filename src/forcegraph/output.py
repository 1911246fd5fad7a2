"""Formatting query results: a terminal table, CSV, TSV, and the W3C SPARQL 1.1 JSON and XML
result formats; CONSTRUCT/DESCRIBE results as Turtle."""

from __future__ import annotations

import csv
import io
import json
import shutil
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef

from .formats import RESULT_FORMATS
from .query import QueryResult
from .vocab import PREFIXES, XSD_STRING


def _short(term) -> str:
    """A readable form for the table: prefixed names for vocabulary, last path parts for our ids."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return str(term)
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    if text.startswith("https://w3id.org/forcegraph/id/"):
        return text[len("https://w3id.org/forcegraph/id/"):]
    return text


def table(result: QueryResult, width: int | None = None) -> str:
    if result.kind == "ASK":
        return "yes" if result.boolean else "no"
    headers = result.variables
    cells = [[_short(t) for t in row] for row in result.rows]
    width = width or shutil.get_terminal_size((120, 20)).columns
    cap = max(12, width // max(1, len(headers)) + 8)
    cells = [[c if len(c) <= cap else c[: cap - 1] + "…" for c in row] for row in cells]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    out = [line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


def _plain(term) -> str:
    return "" if term is None else str(term)


def delimited(result: QueryResult, dialect: str) -> str:
    """CSV as the W3C SPARQL CSV format (plain values); TSV as the W3C TSV format (RDF terms)."""
    buf = io.StringIO()
    if dialect == "csv":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows([_plain(t) for t in row] for row in result.rows)
        return buf.getvalue()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2)
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      indent=2, ensure_ascii=False)


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def to_xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    if result.kind == "ASK":
        out += ["  </head>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["  </head>", "  <results>"]
    for row in result.rows:
        out.append("    <result>")
        out += [f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(result.variables, row) if t is not None]
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


# Where the engines say a syntax error is: Oxigraph "error at LINE:COLUMN", rdflib (pyparsing)
# "(line:LINE, col:COLUMN)"; both count from 1.
def render(result: QueryResult, fmt: str = "table", rdf_format: str = "turtle") -> str:
    """The result as text in `fmt`; graphs (CONSTRUCT/DESCRIBE) are always RDF (`rdf_format`)."""
    if result.kind == "CONSTRUCT":
        return result.graph.serialize(format=rdf_format)
    if fmt == "table":
        return table(result)
    if fmt in ("csv", "tsv"):
        if result.kind == "ASK":
            return ("true" if result.boolean else "false") + "\n"
        return delimited(result, fmt)
    if fmt == "json":
        return to_json(result) + "\n"
    if fmt == "xml":
        return to_xml(result)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(RESULT_FORMATS)}")
