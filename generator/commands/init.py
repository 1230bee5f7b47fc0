"""``maxmap init``: write a commented starter ``maxmap.yaml``."""

from __future__ import annotations

import argparse
import sys

from generator import formats, rules
from generator.commands.build import add_config_option
from generator.errors import EnvironmentProblem, InputError


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    add_config_option(parser, help_text="the file to create")


def starter() -> str:
    """The starter config: one example target, every key explained."""
    from generator.provision import fill

    return fill("maxmap.yaml", formats=", ".join(formats.FORMATS), workloads=", ".join(rules.WORKLOADS))


def run(args: argparse.Namespace) -> int:
    """Create the file; refuse when anything is already there."""
    try:
        # "x": created here or not at all, so an existing config is never overwritten.
        with open(args.config, "x", encoding="utf-8") as handle:
            handle.write(starter())
    except FileExistsError:
        raise InputError(f"{args.config} already exists; not overwriting it") from None
    except OSError as e:
        raise EnvironmentProblem(f"cannot create {args.config}: {e.strerror or e}") from e
    sys.stderr.write(f"maxmap: wrote {args.config}; edit it, then run: maxmap build -c {args.config}\n")
    return 0
