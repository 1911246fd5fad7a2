"""Where the ontology, shapes, query library, export profiles and JSON-LD context are read from.

The checkout is the truth when you work in one: the project is the nearest folder, from the
current directory upwards, holding a pyproject.toml whose project is named forcegraph (or the
folder FORCEGRAPH_PROJECT names). Each folder is read from that project when it has one, so an
edit to queries/ or profiles/ counts at once; otherwise from the installed package's copy (a
wheel on a machine with no checkout), and last from the source tree this module sits in (an
editable install runs from src/, where the folders are not copied)."""

from __future__ import annotations

import os
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

# `name = "forcegraph"` in pyproject.toml's [project] table; read with a pattern, not a TOML
# parser, since every command asks and the answer is one line.
_NAME = re.compile(r'^\s*name\s*=\s*["\']forcegraph["\']\s*$', re.MULTILINE)


def _is_project(folder: Path) -> bool:
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_NAME.search(text))


@cache
def _project_from(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if _is_project(folder):
            return folder
    return None


def project_root() -> Path | None:
    """The forcegraph project the user works in, or None when there is none."""
    named = os.environ.get("FORCEGRAPH_PROJECT")
    if named:
        return Path(named).resolve()
    try:
        return _project_from(Path.cwd().resolve())
    except OSError:  # the current directory was removed
        return None


def _find(name: str) -> Path:
    root = project_root()
    places = ([root / name] if root else []) + [
        Path(str(files("forcegraph"))) / name,
        Path(__file__).resolve().parents[2] / name,
    ]
    for place in places:
        if place.is_dir():
            return place
    raise FileNotFoundError(f"forcegraph cannot find its {name}/ folder (looked in {', '.join(map(str, places))})")


def ontology_dir() -> Path:
    return _find("ontology")


def shapes_dir() -> Path:
    return _find("shapes")


def queries_dir() -> Path:
    return _find("queries")


def profiles_dir() -> Path:
    return _find("profiles")


def context_dir() -> Path:
    return _find("context")
