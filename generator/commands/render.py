"""``maxmap render``: generate provisioning in one format, validated before it is output."""

from __future__ import annotations

import argparse
import sys

from generator import formats
from generator.inputs import add_input_options, lookup_from, requirements_for, source_arguments


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
    parser.add_argument(
        "--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
        help="also set another integer sysctl in the same file (repeatable), e.g. --set vm.swappiness=10; "
        "applied exactly as given (never-lower is for vm.max_map_count only)",
    )
    parser.add_argument(
        "--merge", metavar="FILE",
        help="mime only: combine with an existing user-data FILE (shell script, cloud-config, "
        "nodeadm NodeConfig, or MIME multipart), keeping every part of it",
    )


def run(args: argparse.Namespace) -> int:
    """Render, validate, then print or write."""
    from pathlib import Path

    from generator.atomic import write_atomic
    from generator.commands.validate import read_document
    from generator.plan import plan_for
    from generator.sysctls import extra_sysctls, parse_setting

    extras = extra_sysctls(parse_setting(text) for text in args.settings)
    merge = None if args.merge is None else read_document(Path(args.merge))
    more = [] if args.merge is None else ["--merge", str(args.merge)]
    lookup = lookup_from(args)
    more = source_arguments(lookup) + more
    plan = plan_for(
        requirements_for(args.inputs, lookup), args.format,
        allow_lower=args.allow_lower, extra_sysctls=extras, more_arguments=more,
    )
    text = formats.render(args.format, plan, merge=merge)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(Path(args.output), text.encode("ascii"))
        sys.stderr.write(f"maxmap: wrote {args.output}\n")
    return 0
