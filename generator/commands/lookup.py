"""``maxmap lookup``: the memory of named instance types and the value each needs."""

from __future__ import annotations

import argparse
import json
import sys

from generator import instances
from generator.inputs import add_source_options, lookup_from
from generator.sizes import format_mib

DESCRIPTION = (
    "Show each instance type's memory (MiB, as DescribeInstanceTypes reports it), the value the RAM "
    "rule gives (4 x MiB) and where the figure came from. Unknown types exit 2 with close matches."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("types", nargs="+", metavar="TYPE", help="instance types, e.g. r6i.32xlarge u-24tb1.metal")
    add_source_options(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON list (stable keys)")


def rows_as_json(found: list[instances.InstanceType]) -> str:
    """Instance types as stable JSON."""
    document = [
        {"instance_type": i.name, "memory_mib": i.memory_mib, "value": i.value, "source": i.source} for i in found
    ]
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def rows_as_text(found: list[instances.InstanceType]) -> str:
    """Aligned columns under a header: type, memory, value, source."""
    rows = [("INSTANCE TYPE", "MEMORY", "VM.MAX_MAP_COUNT", "SOURCE")]
    rows += [(i.name, f"{i.memory_mib} MiB ({format_mib(i.memory_mib)})", str(i.value), i.source) for i in found]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Resolve every type in one batch, print in the order given."""
    resolved = instances.resolve(args.types, lookup_from(args))
    found = [resolved[name] for name in dict.fromkeys(args.types)]
    sys.stdout.write(rows_as_json(found) if args.json else rows_as_text(found))
    return 0
