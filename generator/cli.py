"""The ``maxmap`` command: parse arguments, run one subcommand, map errors to exit codes.

Each subcommand is a module in ``generator.commands`` with ``HELP``, ``configure(parser)`` and
``run(args) -> int``. This is the one place that turns a :class:`MaxmapError` into a message.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn, Sequence

from generator import __version__
from generator.errors import MaxmapError

COMMANDS = (
    "value", "render", "validate", "doctor", "explain-warning", "lookup", "table", "refresh-table", "build", "init",
)

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


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, subcommands included."""
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
    for name in COMMANDS:
        module = importlib.import_module(f"generator.commands.{name.replace('-', '_')}")
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            epilog=EXIT_CODES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``maxmap`` with ``argv`` (default: the process arguments); return the exit code."""
    args = build_parser().parse_args(argv)
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
