"""``maxmap render``: generate provisioning in one format, validated before it is output."""

from __future__ import annotations

import argparse
import sys

from generator import formats
from generator.inputs import add_input_options, requirements_for

HELP = "generate provisioning (cloud-init, shell, sysctl.d file, ...) for the value"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    add_input_options(parser)
    choices = "; ".join(f"{f.name}: {f.summary}" for f in formats.FORMATS.values())
    parser.add_argument(
        "--format", "-f", required=True, choices=list(formats.FORMATS), metavar="FORMAT", help=choices
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write FILE atomically instead of stdout")
    parser.add_argument(
        "--allow-lower", action="store_true",
        help="set exactly the computed value even when a higher one is already in force",
    )


def run(args: argparse.Namespace) -> int:
    """Render, validate, then print or write."""
    from pathlib import Path

    from generator.atomic import write_atomic
    from generator.plan import plan_for

    plan = plan_for(requirements_for(args.inputs), args.format, allow_lower=args.allow_lower)
    text = formats.render(args.format, plan)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.output), text.encode("ascii"))
        sys.stderr.write(f"maxmap: wrote {args.output}\n")
    return 0
