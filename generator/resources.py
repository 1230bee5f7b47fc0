"""One way to read packaged data files: schemas, templates and tables.

In a built wheel the top-level ``schemas/`` and ``templates/`` folders are packed into
``generator/_data/``; in a source checkout (or an editable install) they sit beside the package.
Folders inside the package itself (``generator/data/``: the instance-type table) ship as they are.
A missing file is a named error, never an empty default.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.errors import DataFileMissing

_PACKAGE_DIR = Path(__file__).resolve().parent
_ROOTS = (_PACKAGE_DIR / "_data", _PACKAGE_DIR.parent)
_PACKAGE_FOLDERS = frozenset({"data"})
"""Folders that live inside the package (``generator/data``), in a checkout and in a wheel alike."""


def _roots(folder: str) -> tuple[Path, ...]:
    return (_PACKAGE_DIR,) if folder in _PACKAGE_FOLDERS else _ROOTS


def data_path(folder: str, name: str) -> Path:
    """The path of ``folder/name`` (e.g. ``schemas``, ``cloud-config.schema.json``)."""
    tried = []
    for root in _roots(folder):
        candidate = root / folder / name
        if candidate.is_file():
            return candidate
        tried.append(str(candidate))
    raise DataFileMissing(f"packaged data file {folder}/{name} is missing (looked in: {', '.join(tried)})")


@lru_cache(maxsize=None)
def read_text(folder: str, name: str) -> str:
    """The text of a packaged data file."""
    return data_path(folder, name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_json(folder: str, name: str) -> Any:
    """A packaged JSON file, parsed (callers must not mutate it: it is cached)."""
    return json.loads(read_text(folder, name))
