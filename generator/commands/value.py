"""``maxmap value``: print the recommended vm.max_map_count."""

from __future__ import annotations

import argparse
import sys

from generator.inputs import add_input_options, lookup_from, requirements_for
from generator.rules import Decision, decide

DESCRIPTION = (
    "Print the recommended vm.max_map_count: the largest of every rule given, never below the "
    "kernel default 65530, never above 2147483647."
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    add_input_options(parser)
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--explain", action="store_true", help="show each rule, its figure, and which won")
    shape.add_argument("--json", action="store_true", help="print the value and its rules as JSON")


def explain(decision: Decision) -> str:
    """A human account of the decision, one rule per line."""
    rows = [(f"{r.rule} {r.input}" if r.rule != "kernel-default" else r.rule, r) for r in decision.requirements]
    width = max(len(label) for label, _ in rows)
    digits = max(len(str(r.value)) for _, r in rows)
    lines = [f"vm.max_map_count = {decision.value}"]
    for label, r in rows:
        mark = "  <- wins" if r is decision.winner else ""
        lines.append(f"  {label:<{width}}  {r.value:>{digits}}  {r.reason}{mark}")
    return "\n".join(lines) + "\n"


def as_json(decision: Decision) -> str:
    """The decision as stable JSON."""
    import json

    document = {
        "value": decision.value,
        "winner": {"rule": decision.winner.rule, "input": decision.winner.input},
        "requirements": [
            {"rule": r.rule, "input": r.input, "value": r.value, "reason": r.reason}
            for r in decision.requirements
        ],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def run(args: argparse.Namespace) -> int:
    """Compute and print."""
    decision = decide(requirements_for(args.inputs, lookup_from(args)))
    if args.explain:
        sys.stdout.write(explain(decision))
    elif args.json:
        sys.stdout.write(as_json(decision))
    else:
        sys.stdout.write(f"{decision.value}\n")
    return 0
