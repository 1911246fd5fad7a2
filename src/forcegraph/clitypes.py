"""Click parameter types shared by every command module (cli.py, cli_sources.py, cli_review.py),
and the date parsing the server's /report and /path share with them."""

from __future__ import annotations

from datetime import date

import click


def parse_date(value: str) -> date:
    """A YYYY-MM-DD date, or ValueError in the words every command and the server use."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2019-06-01") from None


class DateType(click.ParamType):
    """A YYYY-MM-DD date: one type, so every command refuses a bad date with the same words."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return parse_date(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)
