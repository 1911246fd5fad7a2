"""Click parameter types shared by every command module (cli.py, cli_sources.py, cli_review.py)."""

from __future__ import annotations

from datetime import date

import click


class DateType(click.ParamType):
    """A YYYY-MM-DD date: one type, so every command refuses a bad date with the same words."""

    name = "date"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date; expected YYYY-MM-DD, e.g. 2019-06-01", param, ctx)
