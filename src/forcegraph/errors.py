"""Every error a person can cause, in one tree. Each class carries the exit code the command line
gives it and the HTTP status the server answers with, so both map errors in one place."""

from __future__ import annotations

from pathlib import Path


class ForcegraphError(Exception):
    """Something a person can act on: bad input, an unknown name, a place that cannot be written."""

    exit_code = 2
    http_status = 400
    detail = ""  # printed before the one-line message, e.g. a validation report
    retry_after: int | None = None  # seconds a client should wait before asking again (HTTP)

    def __reduce__(self):
        # Errors cross from query workers to the server: rebuilt as they were, whatever __init__ takes.
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls, args, state):
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class LoadError(ForcegraphError):
    """A data file that cannot be read or parsed; names the file and, for syntax errors, the line."""

    def __init__(self, path: Path, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = Path(path), message, line, column
        where = f"{self.path}:{line}:{column}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


class QueryError(ForcegraphError):
    """A query that cannot run: bad SPARQL, or a parameter that is missing, unknown or malformed."""


class UnknownQuery(QueryError, KeyError):
    """No library query has this name (a KeyError too, for callers that still catch one)."""

    http_status = 404
    __str__ = Exception.__str__  # not KeyError's, which would quote the message


class UnknownName(QueryError):
    """A force or entity parameter (a name or an IRI) that names nothing in the graph."""

    http_status = 404


class QueryRefused(QueryError):
    """A query a read-only endpoint never runs: SPARQL Update, LOAD or SERVICE."""

    http_status = 403


class TooLarge(QueryError):
    """A request, or an answer, larger than the limits allow."""

    http_status = 413


class NotAcceptable(QueryError):
    """The answer cannot be written in any format the client accepts."""

    http_status = 406


class Busy(QueryError):
    """No worker was free in time, the query ran out of time or memory, or it was stopped so
    that others get a worker."""

    http_status = 503

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Throttled(Busy):
    """A client that has used more than its share of the query workers, until it is paid back."""

    http_status = 429


class EngineCrashed(QueryError):
    """The query engine died on a query (its worker process ended); the server goes on."""

    http_status = 500


class RemoteError(QueryError):
    """A SPARQL server given with --store failed, could not be reached or answered nonsense;
    `status` is the server's own HTTP status where it gave one."""

    http_status = 502

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class QueryFileError(ForcegraphError):
    """A library query file whose #+ header is not valid."""


class ExportError(ForcegraphError):
    """An export that cannot be made: an unknown format, extension or profile, a bad profile file."""


class NotConforming(ExportError):
    """The graph does not conform to the shapes, so it does not leave (unless forced)."""

    exit_code = 1

    def __init__(self, report):
        self.report, self.detail = report, report.text()
        super().__init__(f"the graph does not conform to the shapes ({len(report.errors)} violation(s)); "
                         "nothing written (--force writes it anyway)")


class OutputError(ForcegraphError):
    """A file or folder that cannot be written where it was asked for."""


# Raised by candidates.py.
class CandidateError(ForcegraphError):
    """Bad input from a person (unknown id, bad value): one line, exit 2."""


# Raised by check.py.
class CheckError(ForcegraphError):
    """Input the check cannot read at all (exit 2)."""


# Raised by documents.py.
class DocumentError(ForcegraphError):
    """A file that cannot be brought in; the message says what is wrong and what to do."""


# Raised by guard.py.
class Refused(QueryError):
    """A query (or request) refused before any engine sees it, with the HTTP status it gets."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.http_status = status


# Raised by report.py.
class ReportError(ForcegraphError):
    """The PDF could not be printed (no Chromium, or it failed)."""


# Raised by sources.py.
class IntakeError(ForcegraphError):
    """One file that cannot be added: `str()` is `FILE: what is wrong and what to do`."""

    def __init__(self, path, message: str):
        self.path, self.message = Path(path), message
        super().__init__(f"{path}: {message}")


# Raised by store.py.
class StaleStore(ForcegraphError):
    """The graph was not built from these inputs, and building was not allowed (--frozen)."""


# Raised by query.py when an answer is longer than the server allows.
class TooManyRows(Refused):
    """An answer refused whole rather than cut short."""

    def __init__(self, limit: int):
        super().__init__(422, f"The result has more than {limit} rows, the limit of this endpoint. "
                              "Narrow the query, or page through it with LIMIT and OFFSET.")
