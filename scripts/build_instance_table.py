#!/usr/bin/env python3
"""Rebuild generator/data/instance-types.json from moto's recorded EC2 data plus AWS's published
High Memory figures. A maintainer's tool: ``.venv/bin/python scripts/build_instance_table.py``
(moto comes with the test extra). ``maxmap refresh-table`` then updates it from the live API.

moto (PyPI) ships the DescribeInstanceTypes answers its maintainers recorded from AWS, with real
``MemoryInfo.SizeInMiB``; it lacks several High Memory (``u-*``) types, the machines maxmap exists
for. Those come from AWS's SAP HANA instance table (Memory (GiB) x 1024 = MiB), cited per entry.
Where both give a figure they must agree, or this script stops.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import importlib.metadata
import importlib.resources
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import instance_table  # noqa: E402
from generator.atomic import write_atomic  # noqa: E402

SAP_HANA_PAGE = "https://docs.aws.amazon.com/sap/latest/general/sap-hana-aws-ec2.html"
SAP_HANA_READ = "2026-11-27"

HIGH_MEMORY_GIB = {
    # AWS, "SAP HANA certified and non-certified instances", Memory (GiB) column, read on SAP_HANA_READ.
    "u-3tb1.56xlarge": 3072,
    "u-6tb1.56xlarge": 6144,
    "u-6tb1.112xlarge": 6144,
    "u-6tb1.metal": 6144,
    "u-9tb1.112xlarge": 9216,
    "u-9tb1.metal": 9216,
    "u-12tb1.112xlarge": 12288,
    "u-12tb1.metal": 12288,
    "u-18tb1.112xlarge": 18432,
    "u-18tb1.metal": 18432,
    "u-24tb1.112xlarge": 24576,
    "u-24tb1.metal": 24576,
    "u7i-6tb.112xlarge": 6144,
    "u7i-8tb.112xlarge": 8192,
    "u7i-12tb.224xlarge": 12288,
    "u7in-16tb.224xlarge": 16384,
    "u7in-24tb.224xlarge": 24576,
    "u7inh-32tb.480xlarge": 32768,
    "x1.32xlarge": 1952,
    "x1e.32xlarge": 3904,
    "x2idn.32xlarge": 2048,
    "x2iedn.32xlarge": 4096,
}

NAMED_GIB = {
    # Types in the EC2 API's InstanceType enum that neither moto nor the page above gives a figure
    # for; their names state the memory (u7ib-12tb: 12 TiB), as every sibling's figure confirms
    # (u7i-12tb.224xlarge: 12288 GiB). Replace with the API's figure via maxmap refresh-table.
    "u7ib-12tb.224xlarge": 12288,
}


def moto_figures() -> tuple[dict[str, int], str]:
    """Every type moto recorded, and moto's version."""
    data = importlib.resources.files("moto.ec2").joinpath("resources/instance_types.json.gz").read_bytes()
    recorded = json.loads(gzip.decompress(data))
    figures = {name: int(item["MemoryInfo"]["SizeInMiB"]) for name, item in recorded.items()}
    return figures, importlib.metadata.version("moto")


def build(today: str) -> instance_table.Table:
    """The table from scratch."""
    table = instance_table.empty()
    figures, version = moto_figures()
    instance_table.merge(table, figures, "moto", {
        "source": f"moto {version} (PyPI): moto/ec2/resources/instance_types.json.gz, "
                  "DescribeInstanceTypes answers recorded from AWS",
        "retrieved": today,
    })  # fmt: skip
    published = {name: gib * 1024 for name, gib in HIGH_MEMORY_GIB.items()}
    disagree = {n: (figures[n], mib) for n, mib in published.items() if n in figures and figures[n] != mib}
    if disagree:
        raise SystemExit(f"moto and AWS's page disagree (MiB): {disagree}")
    instance_table.merge(table, {n: m for n, m in published.items() if n not in figures}, "aws-sap-hana", {
        "source": f"{SAP_HANA_PAGE} (AWS: SAP HANA certified instances), Memory (GiB) x 1024",
        "retrieved": SAP_HANA_READ,
    })  # fmt: skip
    named = {name: gib * 1024 for name, gib in NAMED_GIB.items() if name not in table.types}
    instance_table.merge(table, named, "aws-type-name", {
        "source": "the size in the EC2 type name (u7ib-12tb = 12 TiB), matching its u7i-12tb sibling; "
                  "not yet confirmed by DescribeInstanceTypes",
        "retrieved": SAP_HANA_READ,
    })  # fmt: skip
    return table


def main() -> int:
    """Write the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", default=datetime.date.today().isoformat(), help="retrieval date to record for moto")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "generator" / "data" / instance_table.NAME)
    args = parser.parse_args()
    table = build(args.date)
    write_atomic(args.output, instance_table.dumps(table).encode("utf-8"))
    print(f"wrote {args.output}: {len(table.types)} instance types", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
