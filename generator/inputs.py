"""The inputs every computing command shares: ``--ram``, ``--instance-type``, ``--jvm-heap``, ``--workload``.

They are kept in the order given, so ``--explain`` and the "regenerate with" header read as the
user wrote them, spelled canonically (``128GB`` becomes ``128GiB``) so headers are stable.
"""

from __future__ import annotations

import argparse
from typing import Any, Mapping, NamedTuple, Sequence

from generator import instances, rules
from generator.instances import Lookup
from generator.rules import Requirement
from generator.sizes import parse_heap_bytes, parse_size_mib


class Input(NamedTuple):
    """One input as given: ``kind`` is the option name without dashes."""

    kind: str
    text: str


class _AppendInput(argparse.Action):
    """Collect every input option into one ordered list, ``args.inputs``."""

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        items = list(getattr(namespace, "inputs", None) or [])
        items.append(Input(self.dest, values))
        namespace.inputs = items


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the input options to ``parser``."""
    group = parser.add_argument_group("inputs (repeatable; the largest requirement wins)")
    group.add_argument(
        "--ram", dest="ram", action=_AppendInput, metavar="SIZE",
        help="RAM size, binary units: 128GB = 128GiB = 131072MiB, 1TiB, 0.5TiB; needs 4 x MiB",
    )
    group.add_argument(
        "--instance-type", dest="instance-type", action=_AppendInput, metavar="TYPE",
        help="an EC2 instance type (r6i.32xlarge, u-24tb1.metal); needs 4 x its memory in MiB",
    )
    group.add_argument(
        "--jvm-heap", dest="jvm-heap", action=_AppendInput, metavar="SIZE",
        help="maximum JVM heap (100g, 101754m, --jvm-heap=-Xmx100g); "
        "ZGC needs granules(2 MiB) x 3 x 1.2",
    )
    workloads = "; ".join(f"{w.name}: {w.floor} ({w.citation})" for w in rules.WORKLOADS.values())
    group.add_argument(
        "--workload", dest="workload", action=_AppendInput, metavar="NAME",
        help=f"a workload's published floor: {workloads}",
    )
    parser.set_defaults(inputs=[])
    add_source_options(parser)


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--source``, ``--region`` and ``--profile``: where instance-type memory comes from."""
    group = parser.add_argument_group("instance type memory")
    group.add_argument(
        "--source", choices=instances.SOURCES, default=instances.DEFAULT_SOURCE,
        help="bundled: the table shipped with maxmap (offline, no credentials; the default); "
        "aws: EC2 DescribeInstanceTypes; auto: the table, then AWS for types it lacks",
    )
    group.add_argument("--region", metavar="REGION", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)")
    group.add_argument("--profile", metavar="NAME", help="AWS profile (default: AWS_PROFILE)")


def lookup_from(args: argparse.Namespace) -> Lookup:
    """The :class:`Lookup` that ``--source``/``--region``/``--profile`` describe."""
    return Lookup(
        source=getattr(args, "source", instances.DEFAULT_SOURCE),
        region=getattr(args, "region", None),
        profile=getattr(args, "profile", None),
    )


def source_arguments(lookup: Lookup) -> list[str]:
    """``--source``/``--region`` as given, for a "regenerate with" command (a profile is personal: left out)."""
    if lookup.source == instances.DEFAULT_SOURCE:
        return []
    return ["--source", lookup.source, *(["--region", lookup.region] if lookup.region else [])]


def requirement_for(item: Input, resolved: Mapping[str, instances.InstanceType] | None = None) -> Requirement:
    """The requirement one input makes; ``resolved`` holds instance types already looked up."""
    if item.kind == "instance-type":
        found = resolved if resolved is not None and item.text in resolved else instances.resolve([item.text])
        return instances.requirement(found[item.text])
    if item.kind == "ram":
        return rules.ram_requirement(parse_size_mib(item.text, "--ram"))
    if item.kind == "jvm-heap":
        return rules.heap_requirement(parse_heap_bytes(item.text, "--jvm-heap"))
    if item.kind == "workload":
        return rules.workload_requirement(item.text)
    raise AssertionError(f"unhandled input kind {item.kind}")


def requirements_for(items: Sequence[Input], lookup: Lookup = Lookup()) -> list[Requirement]:
    """The requirements every input makes, in order.

    Every instance type among ``items`` is resolved in one batch first (one AWS request per 100
    names the table cannot answer), so a long list costs a few requests, not one each.
    """
    names = [item.text for item in items if item.kind == "instance-type"]
    resolved = instances.resolve(names, lookup) if names else {}
    return [requirement_for(item, resolved) for item in items]


def canonical_arguments(requirements: Sequence[Requirement]) -> list[str]:
    """Command-line arguments that reproduce ``requirements``, spelled canonically."""
    arguments: list[str] = []
    for requirement in requirements:
        if requirement.rule == "kernel-default":
            continue
        arguments += [f"--{requirement.rule}", requirement.input]
    return arguments


def command_line(words: Sequence[str]) -> str:
    """A command as a shell would need it typed."""
    import shlex

    return " ".join(shlex.quote(word) for word in words)

