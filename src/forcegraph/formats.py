"""Every format forcegraph reads or writes, in one table: its names, file extensions, media types,
the W3C IRI that names it, and what it can hold (a result table, triples, or quads with their
graphs). Loading, exporting, the CLI's --format and the server's content negotiation all look
formats up here."""

from __future__ import annotations

from dataclasses import dataclass

_W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    name: str  # what --format and the server's format= parameter say
    holds: str  # "results" (a SELECT/ASK table), "triples", or "quads" (keeps named graphs)
    media_types: tuple[str, ...]  # the first is what forcegraph sends; all are accepted
    extensions: tuple[str, ...] = ()  # the first is what forcegraph writes
    aliases: tuple[str, ...] = ()  # other names a client may give for format=
    iri: str | None = None  # W3C's name for the format (service descriptions, void:feature)
    oxigraph_name: str | None = None  # for RDF: pyoxigraph's RdfFormat member
    rdflib: str | None = None  # for RDF: rdflib's serializer name (CONSTRUCT answers)

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def oxigraph(self):
        """pyoxigraph's parser and writer for this format (imported here: `--help` needs no RDF library)."""
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph_name)

    @property
    def rdf(self) -> bool:
        return self.holds != "results"


FORMATS: tuple[Format, ...] = (
    # Result tables (SELECT and ASK).
    Format("table", "results", ("text/plain; charset=utf-8",)),  # the terminal's aligned columns
    Format("csv", "results", ("text/csv; charset=utf-8", "text/csv"), (".csv",), iri=_W3C + "SPARQL_Results_CSV"),
    Format("tsv", "results", ("text/tab-separated-values; charset=utf-8", "text/tab-separated-values"), (".tsv",),
           iri=_W3C + "SPARQL_Results_TSV"),
    Format("json", "results", ("application/sparql-results+json", "application/json"), (".json", ".srj"),
           iri=_W3C + "SPARQL_Results_JSON"),
    Format("xml", "results", ("application/sparql-results+xml", "application/xml", "text/xml"), (".xml", ".srx"),
           iri=_W3C + "SPARQL_Results_XML"),
    # RDF: triples.
    Format("turtle", "triples", ("text/turtle", "application/x-turtle"), (".ttl",),
           ("ttl", "n3"), _W3C + "Turtle", "TURTLE", "turtle"),
    Format("nt", "triples", ("application/n-triples", "text/plain"), (".nt",), ("ntriples", "n-triples"),
           _W3C + "N-Triples", "N_TRIPLES", "nt"),
    Format("rdfxml", "triples", ("application/rdf+xml", "application/xml", "text/xml"), (".rdf", ".owl"),
           ("rdf+xml", "rdf", "xml"), _W3C + "RDF_XML", "RDF_XML", "xml"),
    # RDF: quads (the graph each fact comes from is kept).
    Format("trig", "quads", ("application/trig",), (".trig",), (), _W3C + "TriG", "TRIG", "trig"),
    Format("nq", "quads", ("application/n-quads",), (".nq",), ("nquads", "n-quads"), _W3C + "N-Quads",
           "N_QUADS", "nquads"),
    Format("jsonld", "quads", ("application/ld+json", "application/json"), (".jsonld",), ("json-ld", "json"),
           _W3C + "JSON-LD", "JSON_LD", "json-ld"),
)

_BY_NAME = {f.name: f for f in FORMATS}
RESULT_FORMATS = tuple(f.name for f in FORMATS if not f.rdf)
RDF_FORMATS = tuple(f.name for f in FORMATS if f.rdf)
# Of the RDF formats, the ones a CONSTRUCT/DESCRIBE answer is written in (rdflib writes them).
GRAPH_ANSWER_FORMATS = ("turtle", "nt", "jsonld", "rdfxml")


def get(name: str) -> Format:
    return _BY_NAME[name]


def rdf_by_extension(suffix: str) -> Format | None:
    """The RDF format of a file ending `suffix` (".ttl"), or None."""
    return next((f for f in FORMATS if f.rdf and suffix.lower() in f.extensions), None)


def rdf_extensions() -> tuple[str, ...]:
    return tuple(e for f in FORMATS if f.rdf for e in f.extensions)


def by_name(name: str, among: tuple[str, ...]) -> Format | None:
    """The format of those named in `among` that `name` (a name or an alias) means, or None."""
    name = name.lower()
    for f in FORMATS:
        if f.name in among and (name == f.name or name in f.aliases):
            return f
    return None


def by_media_type(media: str, among: tuple[str, ...]) -> Format | None:
    """The first format in `among` that is sent as `media` (no parameters, lower case)."""
    for f in FORMATS:
        if f.name in among and any(m.split(";")[0] == media for m in f.media_types):
            return f
    return None
