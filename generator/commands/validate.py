"""``maxmap validate``: check documents written by anyone (user-data, sysctl files)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import formats
from generator.errors import EnvironmentProblem, InputError

HELP = "validate user-data and other documents; exit 1 when any is invalid"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="documents to check ('-' for stdin)")
    parser.add_argument(
        "--format", "-f", choices=list(formats.FORMATS), metavar="FORMAT",
        help=f"the documents' format (default: detected); one of {', '.join(formats.FORMATS)}",
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


def run(args: argparse.Namespace) -> int:
    """Validate every file; report each problem with its location."""
    failed = False
    for path in map(Path, args.files):
        text = read_document(path)
        name = args.format or formats.detect(text)
        if name is None:
            raise InputError(f"{path}: cannot tell its format; give --format ({', '.join(formats.FORMATS)})")
        problems = formats.validate(name, text)
        for location, message in problems:
            sys.stderr.write(f"{path}: {location}: {message}\n")
        if problems:
            failed = True
        else:
            sys.stderr.write(f"{path}: valid {name}\n")
    return 1 if failed else 0
