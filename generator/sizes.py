"""Memory sizes as people and JVMs write them, parsed exactly (no floating point).

Units are binary, as in the seed: "GB" means GiB, so ``128GB`` is 131072 MiB.
"""

from __future__ import annotations

import re

from generator.errors import InputError

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
TIB = 1024 * GIB

# Every spelling of each binary unit; matching is case-insensitive ("128gb", "100g").
_UNITS: dict[str, int] = {
    "b": 1,
    "k": KIB, "kb": KIB, "kib": KIB,
    "m": MIB, "mb": MIB, "mib": MIB,
    "g": GIB, "gb": GIB, "gib": GIB,
    "t": TIB, "tb": TIB, "tib": TIB,
}  # fmt: skip

_SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-zA-Z]+)?\s*$")
_JVM_FLAG = re.compile(r"^\s*(?:-Xmx|-XX:MaxHeapSize=)(?P<rest>.*)$")

SIZE_FORMS = "131072MiB, 128GiB, 128GB, 128G, '128 GiB', 1TiB, 1TB, 1T, 0.5TiB"
HEAP_FORMS = "100g, 101754m, -Xmx100g, 31GiB"


def _parse_bytes(text: str, what: str, forms: str, bare_unit: int | None) -> int:
    """Parse ``text`` to a whole number of bytes; ``bare_unit`` scales a number with no unit."""
    match = _SIZE.match(text)
    if not match:
        raise InputError(f"{what}: {text!r} is not a size (use a form like {forms})")
    unit_text = match["unit"]
    if unit_text is None:
        if bare_unit is None:
            raise InputError(f"{what}: {text!r} has no unit (use a form like {forms})")
        unit = bare_unit
    else:
        try:
            unit = _UNITS[unit_text.lower()]
        except KeyError:
            raise InputError(
                f"{what}: {text!r} has an unknown unit {unit_text!r} (use a form like {forms})"
            ) from None
    # Exact decimal arithmetic on the digits: "0.5" TiB is 5 x TiB / 10.
    number: str = match["number"]
    whole, _, fraction = number.partition(".")
    scale: int = 10 ** len(fraction)  # int ** int is typed Any (a negative power is a float)
    size, remainder = divmod(int(whole + fraction or "0") * unit, scale)
    if remainder:
        raise InputError(f"{what}: {text!r} is not a whole number of bytes")
    if size <= 0:
        raise InputError(f"{what}: {text!r} must be greater than zero")
    return size


def parse_size_mib(text: str, what: str = "size") -> int:
    """Parse a memory size to whole MiB: ``128GB`` -> 131072. A bare number is an error."""
    size = _parse_bytes(text, what, SIZE_FORMS, bare_unit=None)
    if size % MIB:
        raise InputError(f"{what}: {text!r} is not a whole number of MiB")
    return size // MIB


def parse_heap_bytes(text: str, what: str = "--jvm-heap") -> int:
    """Parse a JVM heap size to bytes: ``-Xmx100g``, ``101754m``, ``31GiB``.

    As the JVM does, a number after ``-Xmx`` with no unit counts bytes; a bare number
    without the flag is refused, since nobody can tell what it meant.
    """
    flag = _JVM_FLAG.match(text)
    if flag:
        return _parse_bytes(flag["rest"], what, HEAP_FORMS, bare_unit=1)
    return _parse_bytes(text, what, HEAP_FORMS, bare_unit=None)


def format_mib(mib: int) -> str:
    """The shortest exact binary spelling of a size in MiB: 131072 -> ``128GiB``."""
    for unit, name in ((TIB // MIB, "TiB"), (GIB // MIB, "GiB")):
        if mib % unit == 0:
            return f"{mib // unit}{name}"
    return f"{mib}MiB"


def format_bytes(size: int) -> str:
    """The shortest exact binary spelling of a size in bytes."""
    if size % MIB == 0:
        return format_mib(size // MIB)
    if size % KIB == 0:
        return f"{size // KIB}KiB"
    return f"{size}B"
