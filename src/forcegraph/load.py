"""Load: RDF files (TriG, Turtle, N-Quads, N-Triples, JSON-LD, RDF/XML) into a KnowledgeGraph, with
errors a person can act on."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from . import formats
from .errors import LoadError
from .knowledge import KnowledgeGraph
from .resources import ontology_dir
from .vocab import ONTOLOGY_GRAPH


def data_files(paths) -> list[Path]:
    """The RDF files named, or found (recursively, sorted) in the folders named."""
    found: list[Path] = []
    if isinstance(paths, (str, os.PathLike)):  # one path, not a sequence of characters
        paths = [paths]
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if formats.rdf_by_extension(f.suffix) and f.is_file())
        elif p.is_file():
            if not formats.rdf_by_extension(p.suffix):
                raise LoadError(p, f"unknown file type {p.suffix!r}; expected one of {', '.join(formats.rdf_extensions())}")
            found.append(p)
        else:
            raise LoadError(p, "no such file or folder")
    return found


def file_format(path: Path) -> ox.RdfFormat:
    """Oxigraph's parser for a data file, by its extension (data_files admits no others)."""
    return formats.rdf_by_extension(path.suffix).oxigraph


def _load_file(store: ox.Store, path: Path, to_graph=None) -> None:
    try:
        store.bulk_load(path=str(path), format=file_format(path), to_graph=to_graph)
    except SyntaxError as e:
        raise LoadError(path, f"not valid {path.suffix[1:].upper()}: {e.msg}", e.lineno, e.offset) from None
    except OSError as e:
        raise LoadError(path, e.strerror or str(e)) from None


def load(paths=("graph",), *, ontology: bool = True) -> KnowledgeGraph:
    """Parse every RDF file in `paths` (a file or folder, or a list of them) plus the ontology into
    one store.

    Raises LoadError naming the file and line of the first file that does not parse."""
    files = data_files(paths)
    kg = KnowledgeGraph(files=files)
    for f in files:
        # Triples-only formats have no graph of their own: they stay in the default graph.
        _load_file(kg.store, f)
    if ontology:
        for f in sorted(ontology_dir().glob("*.ttl")):
            _load_file(kg.store, f, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    return kg
