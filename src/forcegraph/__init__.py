"""forcegraph: an RDF knowledge graph of UK police forces and their collaborations.

Library first: load → reason → validate → query. The command line (`forcegraph`) wraps these.

    >>> import forcegraph
    >>> kg = forcegraph.load(["graph"])
    >>> forcegraph.reason(kg)
    >>> forcegraph.validate(kg).conforms
    >>> forcegraph.query("who-leads-what", kg=kg).records()
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("forcegraph")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0+checkout"

from .build import BuildResult, build
from .knowledge import KnowledgeGraph
from .load import LoadError, load
from .query import QueryError, QueryResult
from .reason import reason
from .validate import ValidationReport, validate


def query(name: str, kg: KnowledgeGraph | None = None, *, engine: str = "oxigraph", graph=("graph",), **params):
    """Run a library query by name; parameters as keyword arguments (`as_of="2019-06-01"`).

    Without `kg`, loads and reasons over `graph` first. Returns a QueryResult: `.records()` gives
    dicts, `.to_dataframe()` a pandas DataFrame."""
    from .query import run

    if kg is None:
        kg = load(graph)
        reason(kg)
    return run(kg, name, {k: str(v) for k, v in params.items()}, engine)


__all__ = [
    "BuildResult", "KnowledgeGraph", "LoadError", "QueryError", "QueryResult", "ValidationReport",
    "build", "load", "query", "reason", "validate", "__version__",
]
