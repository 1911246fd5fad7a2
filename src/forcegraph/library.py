"""The query library: one .rq file per analyst question, with a grlc-style header.

Header lines start with `#+ ` and hold YAML: title, description, tags, params (name, type,
default, description), example, and engines (where a query is too heavy for one of them). Parameters bind the SPARQL variable of the same name
(`force` binds ?force); they are never pasted into the query text."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from . import guard
from .names import ENGINES
from .errors import QueryFileError, UnknownQuery
from .resources import queries_dir

@cache
def internal(name: str) -> str:
    """SPARQL the code asks itself (src/forcegraph/sparql/NAME.rq), not an analyst's question."""
    return (Path(__file__).parent / "sparql" / f"{name}.rq").read_text(encoding="utf-8")


# libyaml's loader where PyYAML was built with it: every query runs after the whole library's
# headers are read, and the pure-Python loader takes most of that time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PARAM_TYPES = ("iri", "force", "entity", "date", "string", "integer", "decimal")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    path: Path
    title: str
    description: str
    sparql: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    example: str = ""
    engines: tuple[str, ...] = ENGINES  # the engines that answer it in reasonable time

    @property
    def example_params(self) -> dict[str, str]:
        """The --param values of the header's example command."""
        words, params = shlex.split(self.example), {}
        for flag, value in zip(words, words[1:]):
            if flag in ("--param", "-p"):
                key, _, val = value.partition("=")
                params[key] = val
        return params

    @property
    def kind(self) -> str:
        """SELECT, CONSTRUCT, DESCRIBE or ASK, as the guard reads the query."""
        return guard.check(self.sparql).form


def parse_query_file(path: Path) -> LibraryQuery:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[3:] for line in text.splitlines() if line.startswith("#+ ") or line == "#+")
    try:
        meta = yaml.load(header, Loader=_LOADER) or {}
    except yaml.YAMLError as e:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {e}") from None
    if "title" not in meta:
        raise QueryFileError(f"{path}: the #+ header has no title")
    params = []
    for p in meta.get("params") or []:
        if p.get("type") not in PARAM_TYPES:
            raise QueryFileError(f"{path}: parameter {p.get('name')!r} has type {p.get('type')!r}; expected one of {PARAM_TYPES}")
        params.append(
            Param(p["name"], p["type"], None if p.get("default") is None else str(p["default"]),
                  p.get("description", ""), bool(p.get("required", False)))
        )
    engines = tuple(meta.get("engines") or ENGINES)
    if not set(engines) <= set(ENGINES):
        raise QueryFileError(f"{path}: engines {list(engines)}; expected some of {list(ENGINES)}")
    return LibraryQuery(
        name=path.stem, path=path, title=meta["title"], description=str(meta.get("description", "")).strip(),
        sparql=text, params=tuple(params), tags=tuple(meta.get("tags") or ()), example=str(meta.get("example", "")),
        engines=engines,
    )


@cache
def _library(folder: Path) -> dict[str, LibraryQuery]:
    return {q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))}


def library(folder: Path | None = None) -> dict[str, LibraryQuery]:
    """Every library query by name."""
    return _library(folder or queries_dir())


def get(name: str) -> LibraryQuery:
    """The library query called `name`; UnknownQuery, with the names it might have meant, if none is."""
    queries = library()
    if name not in queries:
        close = [n for n in queries if name in n or n in name]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run `forcegraph query --list` to see them."
        raise UnknownQuery(f"no library query named {name!r}.{hint}")
    return queries[name]
