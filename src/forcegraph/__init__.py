"""forcegraph: an RDF knowledge graph of UK police forces and their collaborations.

Library first: load → reason → validate → query. The command line (`forcegraph`) wraps these.

    >>> import forcegraph
    >>> kg = forcegraph.load("graph")
    >>> forcegraph.reason(kg)
    >>> forcegraph.validate(kg).conforms
    >>> forcegraph.query("lookup-by-name", kg=kg, params={"name": "Kent"}).records()
"""

import logging
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("forcegraph")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0+checkout"

from .build import BuildResult, build
from .errors import ForcegraphError, LoadError, QueryError
from .knowledge import KnowledgeGraph
from .load import load
from .query import QueryResult
from .reason import reason
from .validate import ValidationReport, validate


# rdflib logs a traceback for every ill-typed literal it meets ("2019-02-30"^^xsd:date); the
# shapes report each one as a violation naming its node, so those log records only add noise.
logging.getLogger("rdflib.term").addFilter(
    lambda record: not record.getMessage().startswith("Failed to convert Literal lexical form"))


def query(query_name: str, /, kg: KnowledgeGraph | None = None, params: Mapping | None = None, *,
          engine: str = "oxigraph", graph=("graph",), **kwargs):
    """Run a library query by name. Parameters as a mapping (`params={"from": "2019-01-01"}`) or as
    keyword arguments (`as_of="2019-06-01"`, `name="Kent"`); values are made strings.

    Without `kg`, loads and reasons over `graph` first. Returns a QueryResult: `.records()` gives
    dicts, `.to_dataframe()` a pandas DataFrame."""
    from .query import run

    if kg is None:
        kg = load(graph)
        reason(kg)
    given = {**(params or {}), **kwargs}
    return run(kg, query_name, {k: str(v) for k, v in given.items()}, engine)


__all__ = [
    "BuildResult", "ForcegraphError", "KnowledgeGraph", "LoadError", "QueryError", "QueryResult", "ValidationReport",
    "build", "load", "query", "reason", "validate", "__version__",
]
