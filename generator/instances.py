"""EC2 instance types: their memory, from the bundled table or the AWS API, and the rule they make.

``source`` chooses where figures come from: ``bundled`` (the packaged table; offline, no
credentials), ``aws`` (DescribeInstanceTypes, through :mod:`generator.aws`) or ``auto`` (the
table, then AWS for the types it lacks). Names are checked for an instance-type shape before
anything is asked, and an unknown name gets close matches from the table.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Sequence

from generator import rules
from generator.errors import InputError
from generator.rules import Requirement

SOURCES = ("bundled", "aws", "auto")
DEFAULT_SOURCE = "bundled"

_SHAPE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_NAME = 64
_GLOB = set("*?[")


class InstanceType(NamedTuple):
    """One instance type and its memory; ``source`` says where the figure came from."""

    name: str
    memory_mib: int
    source: str

    @property
    def family(self) -> str:
        """The part before the dot: ``r7i`` of ``r7i.48xlarge``."""
        return self.name.split(".", 1)[0]

    @property
    def value(self) -> int:
        """The vm.max_map_count ``maxmap value --instance-type`` gives: the RAM rule, at least the kernel's."""
        return max(rules.RAM_FACTOR * self.memory_mib, rules.KERNEL_DEFAULT)


class Lookup(NamedTuple):
    """Where to look: ``source`` is one of :data:`SOURCES`; region and profile matter for AWS only."""

    source: str = DEFAULT_SOURCE
    region: str | None = None
    profile: str | None = None


def check_name(name: str) -> str:
    """``name`` if it has the shape of an instance type (``r6i.32xlarge``, ``u-6tb1.metal``)."""
    if len(name) > _MAX_NAME or not _SHAPE.fullmatch(name):
        raise InputError(
            f"{name!r} is not an instance type name (like r6i.32xlarge: family.size, "
            "lower-case letters, digits and dashes)"
        )
    return name


def bundled_names() -> list[str]:
    """Every name in the bundled table."""
    from generator import instance_table

    return list(instance_table.raw()["types"])


def suggest(name: str, limit: int = 3) -> list[str]:
    """Close names from the bundled table (``r6i.32xlarg`` -> ``r6i.32xlarge``)."""
    import difflib

    return difflib.get_close_matches(name, bundled_names(), n=limit, cutoff=0.75)


def unknown_error(names: Sequence[str], where: str) -> InputError:
    """One line naming every unknown type, with suggestions, and where it was looked for."""
    parts = []
    for name in names:
        close = suggest(name)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        parts.append(f"{name!r}{hint}")
    noun = "instance type" if len(names) == 1 else "instance types"
    return InputError(f"unknown {noun} {', '.join(parts)}: {where}")


def _from_table(names: Iterable[str]) -> tuple[dict[str, InstanceType], list[str]]:
    from generator import instance_table

    types = instance_table.raw()["types"]
    found: dict[str, InstanceType] = {}
    missing: list[str] = []
    for name in names:
        entry = types.get(name)
        if entry is None:
            missing.append(name)
        else:
            found[name] = InstanceType(name, int(entry[0]), str(entry[1]))
    return found, missing


def _from_aws(names: Sequence[str], lookup: Lookup) -> dict[str, InstanceType]:
    from generator import aws

    where = aws.Where(lookup.region, lookup.profile)
    ec2 = aws.client(where)
    region = aws.region_of(ec2)
    try:
        figures = aws.describe_memory(names, where, ec2)
    except aws.UnknownToAws as e:
        raise unknown_error(e.names, f"AWS DescribeInstanceTypes in {region} does not know it") from e
    missing = [n for n in names if n not in figures]
    if missing:  # AWS answered without them: as unknown as an error would say
        raise unknown_error(missing, f"AWS DescribeInstanceTypes in {region} did not return it")
    return {n: InstanceType(n, figures[n], f"aws:{region}") for n in names}


def resolve(names: Sequence[str], lookup: Lookup = Lookup()) -> dict[str, InstanceType]:
    """Every named type, resolved in one go (AWS is asked once per 100 names it must answer)."""
    if lookup.source not in SOURCES:
        raise InputError(f"unknown --source {lookup.source!r} (one of {', '.join(SOURCES)})")
    wanted = list(dict.fromkeys(check_name(n) for n in names))
    if not wanted:
        return {}
    if lookup.source == "aws":
        return _from_aws(wanted, lookup)
    found, missing = _from_table(wanted)
    if missing and lookup.source == "bundled":
        raise unknown_error(
            missing, "not in the bundled table ('maxmap table PATTERN' lists known types; --source auto also asks AWS)"
        )
    if missing:
        found.update(_from_aws(missing, lookup))
    return found


def requirement(instance: InstanceType) -> Requirement:
    """The RAM rule for an instance type: 4 x its memory in MiB."""
    return rules.ram_requirement(instance.memory_mib)._replace(rule="instance-type", input=instance.name)


def pattern_matcher(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One regex for shell-style patterns; a bare family (``r7i``) means ``r7i.*``."""
    if not patterns:
        return None
    import fnmatch

    globs = []
    for pattern in patterns:
        if not _GLOB & set(pattern) and "." not in pattern:
            pattern += ".*"
        globs.append(fnmatch.translate(pattern.lower()))
    return re.compile("|".join(f"(?:{g})" for g in globs))


def _sort_key(instance: InstanceType) -> tuple[str, int, str]:
    return (instance.family, instance.memory_mib, instance.name)


def select(patterns: Sequence[str] = (), min_memory_mib: int | None = None, lookup: Lookup = Lookup()) -> list[InstanceType]:
    """Every known type matching any pattern with at least ``min_memory_mib``, by family then memory."""
    if lookup.source not in SOURCES:
        raise InputError(f"unknown --source {lookup.source!r} (one of {', '.join(SOURCES)})")
    candidates: dict[str, InstanceType] = {}
    if lookup.source in ("bundled", "auto"):
        from generator import instance_table

        for name, entry in instance_table.raw()["types"].items():
            candidates[name] = InstanceType(name, entry[0], entry[1])
    if lookup.source in ("aws", "auto"):
        from generator import aws

        where = aws.Where(lookup.region, lookup.profile)
        ec2 = aws.client(where)
        region = aws.region_of(ec2)
        for name, mib in aws.list_memory(where, ec2).items():
            if lookup.source == "aws" or name not in candidates:
                candidates[name] = InstanceType(name, mib, f"aws:{region}")
    matcher = pattern_matcher(patterns)
    chosen = [
        instance for instance in candidates.values()
        if (matcher is None or matcher.fullmatch(instance.name))
        and (min_memory_mib is None or instance.memory_mib >= min_memory_mib)
    ]  # fmt: skip
    return sorted(chosen, key=_sort_key)
