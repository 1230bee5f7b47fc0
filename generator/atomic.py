"""Atomic file writes: a crash leaves the old file or the new one, never half of either."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Sequence

from generator.errors import EnvironmentProblem


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode a replacement keeps: the old file's, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


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
            mode = _mode_for(path)
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


def write_many_atomic(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write many files with the guarantee of :func:`write_atomic`, for a fraction of the cost.

    Every temp file is written first, then one ``sync()`` makes all of them durable at once
    (thousands of per-file fsyncs each cost a journal commit), then each is renamed over its
    target and each folder is synced once. A crash or error before a rename leaves that file old;
    no temp file is left behind on error.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            folder = path.parent if str(path.parent) else Path(".")
            mode = _mode_for(path)
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp_name, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp_name, mode)
        os.sync()
        while staged:
            tmp_name, path = staged[0]
            os.replace(tmp_name, path)
            staged.pop(0)
    except BaseException as e:
        for tmp_name, _ in staged:
            try:
                os.unlink(tmp_name)
            except FileNotFoundError:
                pass
        if isinstance(e, OSError):
            where = staged[0][1] if staged else (e.filename or "output")
            raise EnvironmentProblem(f"cannot write {where}: {e.strerror or e}") from e
        raise
    for folder in sorted({path.parent for path, _ in files}):
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
