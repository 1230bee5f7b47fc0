"""Extra sysctls (``--set KEY=VALUE``): other integer settings written into maxmap's sysctl.d file.

Teams that raise vm.max_map_count often tune a few neighbours too (``vm.swappiness``,
``net.core.somaxconn``). They share the one file and are applied exactly as given: the never-lower
rule protects vm.max_map_count only, because for other settings lower can be the point.
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.errors import InputError

ExtraSysctls = tuple[tuple[str, int], ...]
"""``((name, value), ...)`` in the order given."""

TOP_LEVELS = ("abi", "crypto", "debug", "dev", "fs", "kernel", "net", "sunrpc", "user", "vm")
"""The folders of /proc/sys; a name outside them cannot be a sysctl."""

_NAME = re.compile(r"^(?:%s)(?:\.[A-Za-z0-9_-]+)+$" % "|".join(TOP_LEVELS))
_VALUE = re.compile(r"^-?[0-9]+$")

MIN_VALUE = -(2**63)
MAX_VALUE = 2**64 - 1
"""Integer sysctls are C int, long or unsigned long; nothing wider exists."""


def check_name(name: str, what: str = "--set") -> str:
    """``name`` if it has the shape of a sysctl (``vm.swappiness``), else an :class:`InputError`."""
    if name == "vm.max_map_count":
        raise InputError(
            f"{what}: vm.max_map_count is what maxmap computes; give --ram, --jvm-heap or --workload instead"
        )
    if not _NAME.match(name):
        raise InputError(
            f"{what}: {name!r} is not a sysctl name: dotted, starting with one of {', '.join(TOP_LEVELS)} "
            "(e.g. vm.swappiness)"
        )
    return name


def check_value(name: str, value: object, what: str = "--set") -> int:
    """``value`` as an integer (an int, or a string of digits), else an :class:`InputError`."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InputError(f"{what}: {name} must be an integer, not {value!r}")
    text = str(value).strip()
    if not _VALUE.match(text):
        raise InputError(f"{what}: {name} must be an integer, not {value!r} (maxmap sets integer sysctls only)")
    number = int(text)
    if not MIN_VALUE <= number <= MAX_VALUE:
        raise InputError(f"{what}: {name} = {number} is out of range for a sysctl")
    return number


def parse_setting(text: str) -> tuple[str, int]:
    """One ``--set`` argument, ``KEY=VALUE``, checked."""
    key, sep, value = text.partition("=")
    if not sep:
        raise InputError(f"--set: expected KEY=VALUE (e.g. vm.swappiness=10), not {text!r}")
    name = check_name(key.strip())
    return name, check_value(name, value)


def extra_sysctls(pairs: Iterable[tuple[str, object]], what: str = "--set") -> ExtraSysctls:
    """Checked ``(name, value)`` pairs, in order; a name given twice is an error.

    For a config file, pass ``mapping.items()`` and ``what="targets[0].extra_sysctls"``.
    """
    seen: dict[str, int] = {}
    for name, value in pairs:
        check_name(name, what)
        if name in seen:
            raise InputError(f"{what}: {name} is set twice")
        seen[name] = check_value(name, value, what)
    return tuple(seen.items())


def set_arguments(extras: ExtraSysctls) -> list[str]:
    """``--set`` arguments that reproduce ``extras``."""
    return [word for name, value in extras for word in ("--set", f"{name}={value}")]
