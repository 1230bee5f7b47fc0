"""Atomic file writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from generator.errors import EnvironmentProblem


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, mode: int | None = None, *, sync_folder: bool = True) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder, fsync and rename.

    ``mode`` defaults to that of the file being replaced, else 0666 less the umask.
    On any error the temp file is removed and an :class:`EnvironmentProblem` names the path.
    ``sync_folder=False`` leaves the folder's fsync (which makes the rename durable) to a caller
    writing many files, who calls :func:`fsync_folder` once per folder.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o666 & ~_umask()
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise EnvironmentProblem(f"cannot write {path}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException as e:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise EnvironmentProblem(f"cannot write {path}: {e.strerror or e}") from e
        raise
    if sync_folder:
        fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make the rename durable; some filesystems refuse, which costs only durability."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
