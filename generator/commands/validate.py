"""``maxmap validate``: check documents written by anyone (user-data, sysctl files, maxmap.yaml)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import formats
from generator.errors import EnvironmentProblem, InputError


CONFIG = "config"
"""The pseudo-format of maxmap.yaml: not rendered, but checked like the rest."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="documents to check ('-' for stdin)")
    choices = [*formats.FORMATS, CONFIG]
    parser.add_argument(
        "--format", "-f", choices=choices, metavar="FORMAT",
        help=f"the documents' format (default: detected); one of {', '.join(choices)}",
    )


def read_document(path: Path) -> str:
    """The text of ``path`` (or stdin for ``-``)."""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise EnvironmentProblem(f"cannot read {path}: {e.strerror or e}") from e


def looks_like_config(text: str) -> bool:
    """A maxmap.yaml is a YAML mapping with ``targets``."""
    from generator.yamlio import load_yaml

    try:
        document = load_yaml(text, "config")
    except InputError:
        return False
    return isinstance(document, dict) and "targets" in document


def config_problems(text: str, path: Path) -> formats.Problems:
    """Every mistake in a maxmap.yaml, by config path (instance types from its own source)."""
    from generator.config import ConfigError, check_config
    from generator.yamlio import load_yaml

    try:
        check_config(load_yaml(text, str(path)), path)
    except ConfigError as e:
        return e.problems
    except InputError as e:
        return [("(yaml)", str(e))]
    return []


def run(args: argparse.Namespace) -> int:
    """Validate every file; report each problem with its location."""
    failed = False
    for path in map(Path, args.files):
        text = read_document(path)
        name = args.format or formats.detect(text) or (CONFIG if looks_like_config(text) else None)
        if name is None:
            raise InputError(f"{path}: cannot tell its format; give --format ({', '.join(formats.FORMATS)}, {CONFIG})")
        problems = config_problems(text, path) if name == CONFIG else formats.validate(name, text)
        for location, message in problems:
            sys.stderr.write(f"{path}: {location}: {message}\n")
        if problems:
            failed = True
        else:
            sys.stderr.write(f"{path}: valid {name}\n")
    return 1 if failed else 0
