"""``maxmap table``: list instance types by family pattern and memory, with the value each needs."""

from __future__ import annotations

import argparse
import sys

from generator import instances
from generator.commands.lookup import rows_as_json, rows_as_text
from generator.errors import InputError
from generator.inputs import add_source_options, lookup_from
from generator.sizes import parse_size_mib

DESCRIPTION = (
    "List instance types with their memory and the vm.max_map_count each needs, ordered by family "
    "then memory. PATTERN is shell-style (r7i.*, u-*, *.metal); a bare family (r7i) means r7i.*. "
    "--min-memory keeps types with at least that much RAM, like ec2-instance-selector's memory filter."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("patterns", nargs="*", metavar="PATTERN", help="shell-style name patterns (default: all)")
    parser.add_argument("--min-memory", metavar="SIZE", help="at least this much memory: 256GiB, 1TiB, 24TB")
    add_source_options(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list (stable keys)")


def run(args: argparse.Namespace) -> int:
    """Select, sort, print; no match is an error (exit 2), so typos in CI do not pass silently."""
    minimum = parse_size_mib(args.min_memory, "--min-memory") if args.min_memory is not None else None
    found = instances.select(args.patterns, minimum, lookup_from(args))
    if not found:
        what = " ".join(args.patterns) or "any type"
        floor = f" with at least {args.min_memory}" if minimum is not None else ""
        raise InputError(f"no instance type matches {what}{floor} (source: {args.source})")
    sys.stdout.write(rows_as_json(found) if args.json else rows_as_text(found))
    return 0
