"""Errors a person can act on, shared by the modules that raise them."""


class QueryError(Exception):
    """A query that cannot run: bad SPARQL, or a parameter that is missing, unknown or malformed."""
