"""Where the ontology, shapes, query library, export profiles and JSON-LD context live: package
data when installed, the checkout otherwise (an editable install runs from src/, where they are
not copied)."""

from importlib.resources import files
from pathlib import Path


def _find(name: str) -> Path:
    packaged = Path(str(files("forcegraph"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"forcegraph cannot find its {name}/ folder (looked in {packaged} and {checkout})")


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
