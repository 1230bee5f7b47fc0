"""From requirements to a :class:`Plan`: the value, why, and how to regenerate."""

from __future__ import annotations

from typing import Sequence

from generator.inputs import canonical_arguments, command_line
from generator.provision import Plan
from generator.rules import Decision, Requirement, decide
from generator.sysctls import ExtraSysctls, set_arguments


def summarize(decision: Decision) -> str:
    """Why the value is what it is, in one phrase."""
    winner = decision.winner
    if winner.rule == "kernel-default":
        return "the kernel default; no input needs more"
    return f"largest requirement: {winner.rule} {winner.input}, {winner.reason}"


def plan_for(
    requirements: Sequence[Requirement],
    fmt: str,
    *,
    allow_lower: bool = False,
    regenerate: str | None = None,
    extra_sysctls: ExtraSysctls = (),
    more_arguments: Sequence[str] = (),
) -> Plan:
    """The plan for rendering ``requirements`` as ``fmt``.

    ``regenerate`` defaults to the ``maxmap render`` command that reproduces the output;
    ``more_arguments`` (such as ``--merge FILE``) end that command.
    ``extra_sysctls`` are checked pairs (see :func:`generator.sysctls.extra_sysctls`).
    """
    decision = decide(requirements)
    if regenerate is None:
        words = ["maxmap", "render", "--format", fmt, *canonical_arguments(requirements)]
        if allow_lower:
            words.append("--allow-lower")
        words += set_arguments(extra_sysctls)
        words += more_arguments
        regenerate = command_line(words)
    return Plan(
        value=decision.value,
        summary=summarize(decision),
        regenerate=regenerate,
        allow_lower=allow_lower,
        extra_sysctls=tuple(extra_sysctls),
    )
