"""forcegraph: an RDF knowledge graph of UK police forces and their collaborations.

Library first: load → reason → validate → query. The command line (`forcegraph`) wraps these.

    >>> import forcegraph
    >>> kg = forcegraph.load("graph")
    >>> forcegraph.reason(kg)
    >>> forcegraph.validate(kg).conforms
    >>> forcegraph.query("lookup-by-name", kg=kg, params={"name": "Kent"}).records()
"""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .knowledge import KnowledgeGraph

# What the package offers, imported when first asked for: the command line imports only what a
# verb needs (rdflib, pyshacl and owlrl take longer to import than a query takes to run).
_LAZY = {
    "BuildResult": "build", "build": "build", "ForcegraphError": "errors", "LoadError": "errors",
    "QueryError": "errors", "KnowledgeGraph": "knowledge", "load": "load", "QueryResult": "query",
    "reason": "reason", "ValidationReport": "validate", "validate": "validate",
}


def __getattr__(name: str):
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("forcegraph")
        except PackageNotFoundError:  # running from a checkout without an install
            return "0.0.0+checkout"
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'forcegraph' has no attribute {name!r}")


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
        from .load import load
        from .reason import reason

        kg = load(graph)
        reason(kg)
    given = {**(params or {}), **kwargs}
    return run(kg, query_name, {k: str(v) for k, v in given.items()}, engine)


class _Package(types.ModuleType):
    """`forcegraph.query`, `.load`, `.reason`, `.validate` and `.build` are functions, named as
    their modules are. Importing such a module (lazily, after this file has run) would put the
    module in the function's place; the modules stay reachable as `from forcegraph.load import …`."""

    def __setattr__(self, name, value):
        if not ((name == "query" or name in _LAZY) and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "BuildResult", "ForcegraphError", "KnowledgeGraph", "LoadError", "QueryError", "QueryResult", "ValidationReport",
    "build", "load", "query", "reason", "validate", "__version__",
]
