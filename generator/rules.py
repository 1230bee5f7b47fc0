"""The rules that decide vm.max_map_count, and how they combine.

Every rule yields a :class:`Requirement`; the decision is the largest of them, never below the
kernel's default and never above what the sysctl (a C ``int``) can hold.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from generator.errors import InputError
from generator.sizes import MIB, format_bytes, format_mib

KERNEL_DEFAULT = 65530
"""DEFAULT_MAX_MAP_COUNT in the Linux kernel (include/linux/mm.h): USHRT_MAX - 5."""

INT_MAX = 2147483647
"""vm.max_map_count is a C int; the kernel refuses anything larger."""

RAM_FACTOR = 4
"""The seed's rule: four mappings per MiB of RAM (128 GiB -> 524288)."""

ZGC_GRANULE = 2 * MIB
"""ZGranuleSize in HotSpot's ZGC, generational or not (JDK 11 to 25)."""


class Workload(NamedTuple):
    """A published minimum for a piece of software, with where it is published."""

    name: str
    floor: int
    citation: str
    note: str


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "elasticsearch",
            1048576,
            "https://www.elastic.co/guide/en/elasticsearch/reference/current/vm-max-map-count.html",
            "Elastic recommends 1048576 from 8.16; its bootstrap check demands at least 262144",
        ),
        Workload(
            "opensearch",
            262144,
            "https://opensearch.org/docs/latest/install-and-configure/install-opensearch/index/",
            "OpenSearch's bootstrap check demands at least 262144",
        ),
        Workload(
            "sonarqube",
            524288,
            "https://docs.sonarsource.com/sonarqube-server/latest/setup-and-upgrade/installation-requirements/linux/",
            "SonarQube's embedded Elasticsearch requires at least 524288",
        ),
    )
}


class Requirement(NamedTuple):
    """One rule applied to one input: ``value`` mappings are needed because of ``reason``."""

    rule: str  # "ram", "jvm-heap", "workload" or "kernel-default"
    input: str  # the input in canonical spelling, e.g. "128GiB" or "elasticsearch"
    value: int
    reason: str  # the arithmetic or the citation, for --explain


class Decision(NamedTuple):
    """The chosen value and every requirement that was weighed."""

    value: int
    requirements: tuple[Requirement, ...]
    winner: Requirement


def ram_requirement(ram_mib: int, label: str | None = None) -> Requirement:
    """The seed's rule: 4 x RAM in MiB. ``label`` names the input (an instance type, say)."""
    if ram_mib <= 0:
        raise InputError(f"RAM must be greater than zero, not {ram_mib} MiB")
    spelled = format_mib(ram_mib)
    return Requirement(
        rule="ram",
        input=label or spelled,
        value=RAM_FACTOR * ram_mib,
        reason=f"{RAM_FACTOR} x {ram_mib} MiB of RAM",
    )


def zgc_required(heap_bytes: int) -> int:
    """The count below which HotSpot's ZGC warns, for a maximum heap of ``heap_bytes``.

    HotSpot rounds the heap up to whole granules and computes
    ``granules * 3 * 1.2`` in double precision, truncated; we do the same so that our
    figure is the one in the JVM's warning (101754M -> 183157).
    """
    granules = -(-heap_bytes // ZGC_GRANULE)
    return int(float(granules * 3) * 1.2)


def heap_requirement(heap_bytes: int) -> Requirement:
    """The ZGC rule for a JVM with maximum heap ``heap_bytes``."""
    if heap_bytes <= 0:
        raise InputError("--jvm-heap must be greater than zero")
    granules = -(-heap_bytes // ZGC_GRANULE)
    return Requirement(
        rule="jvm-heap",
        input=format_bytes(heap_bytes),
        value=zgc_required(heap_bytes),
        reason=f"ZGC: {granules} granules of 2 MiB x 3 views x 1.2",
    )


def workload_requirement(name: str) -> Requirement:
    """The published floor of a known workload."""
    try:
        workload = WORKLOADS[name]
    except KeyError:
        known = ", ".join(sorted(WORKLOADS))
        raise InputError(f"unknown workload {name!r} (known: {known})") from None
    return Requirement(
        rule="workload",
        input=workload.name,
        value=workload.floor,
        reason=f"{workload.note} ({workload.citation})",
    )


KERNEL_REQUIREMENT = Requirement(
    rule="kernel-default",
    input="kernel",
    value=KERNEL_DEFAULT,
    reason="the Linux default; maxmap never recommends less",
)


def decide(requirements: Iterable[Requirement]) -> Decision:
    """Combine requirements: the largest wins (the first given, on a tie)."""
    given = tuple(requirements)
    if not given:
        raise InputError("nothing to compute from: give --ram, --instance-type, --jvm-heap or --workload")
    for requirement in given:
        if requirement.value > INT_MAX:
            raise InputError(
                f"{requirement.rule} {requirement.input} needs {requirement.value}, "
                f"more than vm.max_map_count can hold ({INT_MAX})"
            )
    weighed = given + (KERNEL_REQUIREMENT,)
    winner = max(weighed, key=lambda r: r.value)  # max() keeps the first of equals
    return Decision(value=winner.value, requirements=weighed, winner=winner)
