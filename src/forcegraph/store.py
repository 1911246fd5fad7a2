"""The built store: build once, ask many times.

`build` leaves the loaded, reasoned and validated graph in an on-disk Oxigraph store, which a
later process opens read-only in milliseconds, beside a manifest: the hash of every input (data
files, ontology, shapes, the modules that load and reason, the reasoning mode) and the build's
summary and validation verdict. A read verb opens it when the inputs still match; when they do
not, it says which changed and builds again, or refuses (`frozen`).

Where: a folder per (graph paths, reasoning, installation) under the cache, which is FORCEGRAPH_CACHE, else
`.forcegraph-cache/` in the project (resources.project_root), else $XDG_CACHE_HOME/forcegraph.
Inside, each build is a folder of its own (`v-…`); `current`, a symlink renamed over the old
one, names the finished build, so a reader sees the old store or the new, never half of one.
A reader holds a shared lock on its build's `lock` file for as long as it runs; a builder
removes an old build only when it can take that lock exclusively (no reader left)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import atomic
from .errors import OutputError, StaleStore
from .load import data_files
from .resources import ontology_dir, project_root, shapes_dir

FORMAT = 1
# The modules whose code decides what a build holds: a change to them is a change of input.
_CODE = ("load.py", "reason.py", "validate.py", "build.py", "knowledge.py", "terms.py", "vocab.py")
# A file changed within this many seconds of being fingerprinted may change again within the
# same mtime tick: such files are always hashed, never trusted by their stat alone.
_RACY_SECONDS = 2.0


def cache_home() -> Path:
    """Where built stores live (see the module's docstring)."""
    named = os.environ.get("FORCEGRAPH_CACHE")
    if named:
        return Path(named)
    root = project_root()
    if root:
        return root / ".forcegraph-cache"
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "forcegraph"


def _paths(paths) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return sorted(str(Path(p).resolve()) for p in paths)


def home(paths, reasoning: str) -> Path:
    """The folder holding the builds of `paths` under `reasoning` by this installation of
    forcegraph (two virtualenvs sharing a cache would otherwise take turns rebuilding it)."""
    key = json.dumps({"graph": _paths(paths), "reasoning": reasoning, "code": str(Path(__file__).parent)})
    return cache_home() / hashlib.sha256(key.encode()).hexdigest()[:16]


# --- fingerprints ------------------------------------------------------------------------------


def _input_files(paths) -> list[Path]:
    here = Path(__file__).parent
    return [*(p.resolve() for p in data_files(paths)), *sorted(ontology_dir().glob("*.ttl")),
            *sorted(shapes_dir().glob("*.ttl")), *(here / name for name in _CODE)]


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _fingerprint(path: Path) -> dict:
    st = path.stat()
    return {"sha256": _sha256(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def fingerprint(paths, reasoning: str) -> dict:
    """What a build of `paths` reads, each file with its hash."""
    return {"reasoning": reasoning, "files": {str(f): _fingerprint(f) for f in _input_files(paths)}}


def changes(manifest: dict, paths, reasoning: str) -> list[str]:
    """How the inputs differ from those `manifest` was built from; empty if they do not.
    A file whose size and mtime are as recorded is taken as unchanged, unless it was written
    just before it was recorded; any other is hashed."""
    said = []
    if manifest.get("format") != FORMAT:
        return ["the store was made by another version of forcegraph"]
    if manifest["reasoning"] != reasoning:
        said.append(f"reasoning {manifest['reasoning']} → {reasoning}")
    recorded = manifest["files"]
    built = manifest["started"]
    now = {str(f) for f in _input_files(paths)}
    for name in sorted(now - recorded.keys()):
        said.append(f"{name} is new")
    for name in sorted(recorded.keys() - now):
        said.append(f"{name} is gone")
    for name in sorted(now & recorded.keys()):
        was, st = recorded[name], os.stat(name)
        trusted = (st.st_size, st.st_mtime_ns) == (was["size"], was["mtime_ns"]) \
            and was["mtime_ns"] / 1e9 < built - _RACY_SECONDS
        if not trusted and _sha256(Path(name)) != was["sha256"]:
            said.append(f"{name} changed")
    return said


# --- reading -----------------------------------------------------------------------------------


@dataclass
class Built:
    """An opened build: its store (read-only), manifest and folder. The lock is held while the
    graph `kg` lives, so no builder removes the folder under a reader."""

    kg: object
    manifest: dict
    folder: Path
    _lock: int

    def __post_init__(self):
        weakref.finalize(self.kg, os.close, self._lock)

    def validation(self):
        """The validation report of the build."""
        from .validate import ValidationReport, Violation

        v = self.manifest["validation"]
        return ValidationReport(v["conforms"], [Violation(**x) for x in v["violations"]], v["seconds"])


def _lock(folder: Path, mode: int) -> int | None:
    try:
        fd = os.open(folder / "lock", os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, mode)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _current(place: Path) -> tuple[Path, int, dict] | None:
    """The finished build `current` names, locked for reading, with its manifest; None if none."""
    for _ in range(10):  # a builder may remove the build just named: look again
        try:
            folder = place / os.readlink(place / "current")
        except OSError:
            return None
        fd = _lock(folder, fcntl.LOCK_SH)
        if fd is None:
            continue
        try:
            return folder, fd, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            os.close(fd)
    return None


def _open(folder: Path, fd: int, manifest: dict) -> Built:
    import pyoxigraph as ox

    from .knowledge import KnowledgeGraph

    store = ox.Store.read_only(str(folder / "oxigraph"))
    return Built(KnowledgeGraph(store, [Path(f) for f in manifest["graph files"]]), manifest, folder, fd)


def open_built(paths, reasoning: str = "owl-rl", *, frozen: bool = False,
               say: Callable[[str], None] = lambda _: None, note: Callable[[str], None] = lambda _: None) -> Built:
    """The built store for `paths` and `reasoning`, built first if there is none or its inputs
    changed (`note` says why, `say` reports progress); with `frozen`, StaleStore instead."""
    place = home(paths, reasoning)
    found = _current(place)
    if found:
        folder, fd, manifest = found
        why = changes(manifest, paths, reasoning)
        if not why:
            return _open(folder, fd, manifest)
        os.close(fd)
        listing = "; ".join(why[:5]) + (f"; and {len(why) - 5} more" if len(why) > 5 else "")
        reason = f"the inputs changed since the build of {manifest['built']}: {listing}"
    else:
        reason = f"the graph has not been built from {', '.join(_paths(paths))} (reasoning {reasoning})"
    if frozen:
        raise StaleStore(f"{reason}; run `forcegraph build`, or leave out --frozen to build now")
    note(f"{reason}; building it into {place} …")
    return persist(build_graph(paths, reasoning, say), paths, reasoning, say)


# --- writing -----------------------------------------------------------------------------------


@dataclass
class Fresh:
    """A build made in this process, with the fingerprint of the inputs it started from."""

    result: object
    inputs: dict
    started: float


def build_graph(paths, reasoning: str, say: Callable[[str], None] = lambda _: None) -> Fresh:
    """Load, reason and validate, fingerprinting the inputs first (a file changed during the
    build then shows as changed next time)."""
    from .build import build

    started = time.time()
    inputs = fingerprint(paths, reasoning)
    return Fresh(build(paths, reasoning, progress=say), inputs, started)


def persist(fresh: Fresh, paths, reasoning: str, say: Callable[[str], None] = lambda _: None) -> Built:
    """Write `fresh` as the current build of `paths` and `reasoning`; return it opened."""
    import pyoxigraph as ox

    result = fresh.result
    place = home(paths, reasoning)
    atomic.check_writable(place)
    say(f"storing in {place}")
    try:
        place.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        folder = Path(tempfile.mkdtemp(dir=place, prefix=f"v-{stamp}-"))
        (folder / "lock").touch()
        fd = _lock(folder, fcntl.LOCK_SH)  # so another builder's clean-up leaves it alone
        disk = ox.Store(str(folder / "oxigraph"))
        disk.bulk_extend(result.kg.store)
        # Compacted once here, every later query reads fewer, sorted files (docs/design.md,
        # "The built store", has the cost and the gain).
        disk.optimize()
        disk.flush()
        del disk  # closes it: the read-only opening below must see everything
        v = result.validation
        manifest = {
            "format": FORMAT, "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "started": fresh.started, "graph": _paths(paths), "graph files": [str(f) for f in result.kg.files],
            **fresh.inputs, "summary": result.summary(),
            "validation": {"conforms": v.conforms, "violations": [asdict(x) for x in v.violations],
                           "seconds": v.seconds, "text": v.text()},
        }
        atomic.write_text(folder / "manifest.json", json.dumps(manifest, indent=1) + "\n")
        link = place / f".current-{os.getpid()}"
        link.unlink(missing_ok=True)
        os.symlink(folder.name, link)
        os.replace(link, place / "current")
    except OSError as e:
        raise OutputError(f"cannot write the store in {place}: {(e.strerror or str(e)).lower()}") from None
    _prune(place, keep=folder)
    return _open(folder, fd, manifest)


def _prune(place: Path, keep: Path) -> None:
    """Remove the builds no reader holds, but the current one and `keep`."""
    try:
        current = (place / os.readlink(place / "current")).name
    except OSError:
        current = None
    for folder in place.glob("v-*"):
        if folder.name in (current, keep.name):
            continue
        fd = _lock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if fd is None and (folder / "lock").exists():
            continue  # being read, or being built
        if fd is None and time.time() - folder.stat().st_mtime < 3600:
            continue  # a builder that has only just made the folder
        trash = place / f".trash-{folder.name}"
        try:
            os.rename(folder, trash)
        except OSError:
            pass
        else:
            shutil.rmtree(trash, ignore_errors=True)
        finally:
            if fd is not None:
                os.close(fd)
