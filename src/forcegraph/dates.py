"""The one reader of dates a person types: the command line's --as-of and --date, query
parameters of type date, and the server's /report and /path, so a bad date gets the same words
everywhere."""

from __future__ import annotations

from datetime import date


def parse_date(value: str) -> date:
    """A YYYY-MM-DD date, or ValueError in the words every command and the server use."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2019-06-01") from None
