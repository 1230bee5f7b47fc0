"""``maxmap explain-warning``: turn a pasted HotSpot ZGC warning into figures and a fix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import rules
from generator.inputs import add_input_options, canonical_arguments, command_line, lookup_from, requirements_for

if TYPE_CHECKING:
    from generator.rules import Decision

DESCRIPTION = """\
Read HotSpot's ZGC warning ("The system limit on number of memory mappings per process might be
too low for the given max Java heap size (101754M) ... at least 183157 mappings (current limit is
65530)") from FILE or stdin, with or without its [warning][gc] decorations or log prefixes, and
print the heap, what ZGC needs, the recommended value and the commands that fix it. Add --ram,
--workload or more --jvm-heap to weigh the host's other needs, as 'maxmap value' does."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    parser.add_argument(
        "file", nargs="?", type=Path, default=Path("-"), metavar="FILE",
        help="the log or pasted text holding the warning (default: stdin)",
    )
    add_input_options(parser)
    parser.add_argument("--json", action="store_true", help="print the figures and the fix as JSON")


def _fix(decision: Decision, value: int) -> list[str]:
    from generator.provision import SYSCTL_FILE, SYSCTL_KEY

    direct = [
        f"printf '%s\\n' '{SYSCTL_KEY} = {value}' > {SYSCTL_FILE}",
        f"sysctl -w {SYSCTL_KEY}={value}",
    ]
    if value != decision.value:  # the JVM asked for more than our rules give: use its figure
        return direct
    render = command_line(["maxmap", "render", "--format", "shell", *canonical_arguments(decision.requirements)])
    return [f"{render} | sh", "# or, without maxmap:", *direct]


def run(args: argparse.Namespace) -> int:
    """Parse the warning, decide, print."""
    import json

    from generator import zgc_warning
    from generator.commands.validate import read_document

    warning = zgc_warning.parse(read_document(args.file))
    decision = rules.decide([rules.heap_requirement(warning.heap_bytes), *requirements_for(args.inputs, lookup_from(args))])
    value = max(decision.value, warning.required)
    fix = _fix(decision, value)
    if args.json:
        document: dict[str, Any] = {
            "heap_bytes": warning.heap_bytes,
            "heap_mib": warning.heap_mib,
            "required": warning.required,
            "current_limit": warning.current,
            "recommended": value,
            "winner": {"rule": decision.winner.rule, "input": decision.winner.input},
            "requirements": [
                {"rule": r.rule, "input": r.input, "value": r.value, "reason": r.reason}
                for r in decision.requirements
            ],
            "fix": [c for c in fix if not c.startswith("#")],
        }
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        return 0
    heap_rule = decision.requirements[0]
    lines = [
        f"max Java heap      {warning.heap_mib} MiB",
        f"ZGC needs          {warning.required} mappings ({heap_rule.reason})",
    ]
    if warning.current is not None:
        short = warning.required - warning.current
        state = f"short by {short}" if short > 0 else "enough"
        lines.append(f"limit when it ran  {warning.current} ({state})")
    winner = decision.winner
    lines += [
        f"recommended        {value} ({winner.rule} {winner.input}: {winner.reason})",
        "",
        "fix (run as root, then restart the JVM: it reads the limit at start-up):",
        *(f"  {c}" for c in fix),
        "",
        f"then check the host: maxmap doctor {command_line(canonical_arguments(decision.requirements))}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
