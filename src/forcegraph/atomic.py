"""Writing output so that nothing is ever half-written: temporary file or folder, then rename.

A place that cannot be written is an OutputError naming it, raised before anything is moved into
place; `check_writable` raises it before the work that would fill the place even begins."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def _cannot_write(path: Path, error: OSError) -> OutputError:
    reason = (error.strerror or str(error)).lower()
    return OutputError(f"cannot write {path}: {reason}; choose a place you can write to")


def _umask() -> int:
    # The only way to read the umask is to set it; it is set back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _existing(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_writable(place: Path) -> None:
    """Raise OutputError unless `place` (a file or folder to be written) can be: the folder that
    will hold it, and the folder itself if it is one, must take a new file."""
    real = Path(os.path.realpath(place))
    for folder in {_existing(real.parent), *([real] if real.is_dir() else [])}:
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as e:
            raise _cannot_write(Path(place), e) from None


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` with the mode a new file gets under the umask. A symlink is written
    through (its target is replaced, the link kept), as `>` in a shell would."""
    named = Path(path)
    path = Path(os.path.realpath(named)) if named.is_symlink() else named
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise _cannot_write(named, e) from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600
            f.write(data)
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _cannot_write(named, e) from None
        raise


@contextmanager
def staging(out_dir: Path):
    """A temporary folder beside `out_dir`; on success its files are moved into `out_dir`."""
    out_dir = Path(out_dir)
    check_writable(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}-"))
    except OSError as e:
        raise _cannot_write(out_dir, e) from None
    try:
        yield tmp
        try:
            out_dir.mkdir(exist_ok=True)
            for f in sorted(tmp.rglob("*")):
                if f.is_file():
                    target = out_dir / f.relative_to(tmp)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(f, target)
        except OSError as e:
            raise _cannot_write(out_dir, e) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
