"""``maxmap refresh-table``: rebuild the bundled instance-type table from the live EC2 API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DESCRIPTION = (
    "List every instance type of a region through the DescribeInstanceTypes paginator and merge "
    "the figures into the bundled table: new or changed figures cite the API, region and date; "
    "types the region does not offer keep their entry and its source. The file stays sorted, one "
    "type per line, so the change reads as a small diff. Needs AWS credentials."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument("--region", metavar="REGION", help="AWS region to list (default: AWS_REGION, profile)")
    parser.add_argument("--profile", metavar="NAME", help="AWS profile (default: AWS_PROFILE)")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE",
        help="write FILE (default: the bundled table itself, in a source checkout)",
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="retrieval date to record (default: today, UTC)")


def run(args: argparse.Namespace) -> int:
    """List, merge, write atomically, report the changes on stderr."""
    import datetime

    from generator import aws, instance_table
    from generator.atomic import write_atomic

    where = aws.Where(args.region, args.profile)
    ec2 = aws.client(where)
    region = aws.region_of(ec2)
    figures = aws.list_memory(where, ec2)
    table = instance_table.load()
    today = args.date or datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    changes = instance_table.merge(table, figures, f"aws-api-{region}", {
        "source": f"EC2 DescribeInstanceTypes in {region} (MemoryInfo.SizeInMiB)",
        "retrieved": today,
    })  # fmt: skip
    output = args.output or Path(instance_table.path())
    write_atomic(output, instance_table.dumps(table).encode("utf-8"))
    sys.stderr.write(
        f"maxmap: wrote {output}: {len(figures)} types from {region}: {len(changes.added)} added, "
        f"{len(changes.changed)} changed, {len(changes.unchanged)} unchanged; {len(table.types)} in all\n"
    )
    for name in changes.changed:
        sys.stderr.write(f"  changed {name}\n")
    return 0
