"""The ``maxmap`` command: parse arguments, run one subcommand, map errors to exit codes.

Each subcommand is a module in ``generator.commands`` with ``configure(parser)``, ``run(args) -> int``
and optionally ``DESCRIPTION``; its one-line help is in :data:`COMMANDS`. This is the one place that turns a :class:`MaxmapError` into a message.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn, Sequence

from generator import __version__
from generator.errors import MaxmapError

COMMANDS: dict[str, str] = {
    "value": "print the recommended vm.max_map_count",
    "render": "generate provisioning (cloud-init, shell, sysctl.d file, ...) for the value",
    "validate": "validate user-data, other documents and maxmap.yaml configs; exit 1 when any is invalid",
    "doctor": "diagnose this host: RAM, live value, sysctl files, busy processes, JVMs; verdict and fix",
    "explain-warning": "explain a pasted HotSpot 'INCORRECT SYSTEM CONFIGURATION DETECTED' (ZGC) warning and print the fix",
    "lookup": "show the memory of EC2 instance types and the vm.max_map_count each needs",
    "table": "list instance types (r7i.*, u-*) with memory and value; filter by --min-memory",
    "refresh-table": "update the bundled instance-type table from EC2 DescribeInstanceTypes (maintainers)",
    "build": "write every file maxmap.yaml describes (--check: fail when any is out of date)",
    "init": "write a commented starter maxmap.yaml (never overwrites)",
}
"""Each subcommand and its one-line help; its module loads only when it runs (or for --help)."""

EXIT_CODES = """\
exit codes:
  0  success
  1  a check failed: an invalid document, drift, or a host that is short
  2  bad input or environment: usage, unknown type or format, unwritable output, AWS errors
"""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, ``maxmap: error: ...``, exit 2."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        sys.stderr.write(f"maxmap: error: {message}{hint}\n")
        raise SystemExit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, the other subcommands' modules are not imported
    (they are listed, with their help, but get no options): start-up stays cheap."""
    parser = _Parser(
        prog="maxmap",
        description="Compute vm.max_map_count for large-memory Linux machines and generate "
        "the provisioning that sets it at boot.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"maxmap {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name, help_text in COMMANDS.items():
        if only in COMMANDS and name != only:
            subparsers.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(f"generator.commands.{name.replace('-', '_')}")
        sub = subparsers.add_parser(
            name,
            help=help_text,
            description=getattr(module, "DESCRIPTION", help_text),
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``maxmap`` with ``argv`` (default: the process arguments); return the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    chosen = next((word for word in words if not word.startswith("-")), None)
    args = build_parser(chosen).parse_args(words)
    try:
        return int(args.run(args))
    except MaxmapError as e:
        if args.debug:
            raise
        sys.stderr.write(f"maxmap: error: {e}\n")
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``maxmap table | head``); nothing useful is left to say.
        sys.stderr.close()
        return 1
