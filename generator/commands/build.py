"""``maxmap build``: write every file a ``maxmap.yaml`` describes, or check that they are current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator import build

DEFAULT_CONFIG = Path("maxmap.yaml")

DESCRIPTION = """\
Render every target x format of a maxmap.yaml and write the files that changed, each atomically
(temp file, fsync, rename). Nothing is written unless every output renders and validates;
unchanged files are left untouched; files this config generated and no longer produces (their
header names it) are removed. --check and --diff write nothing and exit 1 when anything is out
of date, for CI and the pre-commit hook."""


def add_config_option(parser: argparse.ArgumentParser, help_text: str = "the config file") -> None:
    """The ``-c/--config`` option of the commands that work on a ``maxmap.yaml``."""
    parser.add_argument(
        "-c", "--config", type=Path, default=DEFAULT_CONFIG, metavar="FILE",
        help=f"{help_text} (default: {DEFAULT_CONFIG})",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    add_config_option(parser)
    parser.add_argument(
        "--check", action="store_true",
        help="write nothing; list files that would be created, updated or removed and exit 1 if any",
    )
    parser.add_argument(
        "--diff", action="store_true", help="write nothing; print unified diffs on stdout (implies --check)"
    )


def run(args: argparse.Namespace) -> int:
    """Load, render everything, then write, check or diff."""
    # Imported here: building the parser for any command must stay cheap.
    from generator import build
    from generator.config import load_config

    mode = build.Mode.from_flags(args.check, args.diff)
    config = load_config(args.config)
    outputs = build.render_outputs(config)
    changes = build.plan_changes(config, outputs)
    if mode is build.Mode.WRITE:
        build.apply_changes(changes)
    elif mode is build.Mode.DIFF:
        for change in changes:
            sys.stdout.write(build.unified_diff(change))
    for change in changes:
        sys.stderr.write(f"maxmap: {build.describe(mode, change)}\n")
    sys.stderr.write(f"maxmap: {summary(mode, len(outputs), changes, config.regenerate)}\n")
    return build.exit_code(mode, changes)


def summary(mode: build.Mode, produced: int, changes: list[build.Change], regenerate: str) -> str:
    """The closing line: counts, and what to run when something is out of date."""
    from generator.build import Action, Mode

    files = f"{produced} file{'' if produced == 1 else 's'}"
    if not changes:
        return f"{files} up to date"
    created, updated, removed = (sum(1 for c in changes if c.action is action) for action in Action)
    if mode is Mode.WRITE:
        unchanged = produced - created - updated
        return f"{files}: {created} created, {updated} updated, {unchanged} unchanged; {removed} stale removed"
    return (f"out of date: {created} to create, {updated} to update, {removed} stale to remove "
            f"({files} produced); run: {regenerate}")
