"""Read HotSpot's ZGC warning about vm.max_map_count, as users paste it from logs.

HotSpot (ZPhysicalMemoryBacking on Linux, JDK 11 to 25) prints, when the limit is below
``granules x 3 x 1.2``::

    [warning][gc] ***** WARNING! INCORRECT SYSTEM CONFIGURATION DETECTED! *****
    [warning][gc] The system limit on number of memory mappings per process might be too low for the given
    [warning][gc] max Java heap size (101754M). Please adjust /proc/sys/vm/max_map_count to allow for at
    [warning][gc] least 183157 mappings (current limit is 65530). Continuing execution with the current
    [warning][gc] limit could lead to a premature OutOfMemoryError being thrown, due to failure to map memory.

Pasted text varies: unified-logging decorations (``[0.012s][warning][gc,init]``), journald or
container-log prefixes, lines re-wrapped by a terminal or a ticket system. Each line loses
everything up to its last ``]`` (the message itself has none), then the lines are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import rules
from generator.errors import InputError
from generator.sizes import GIB, KIB, MIB, TIB

_UNIT = {"": 1, "B": 1, "K": KIB, "M": MIB, "G": GIB, "T": TIB}
_HEAP = re.compile(r"max\s+(?:Java\s+)?heap\s+size\s*\(\s*(?P<number>\d+)\s*(?P<unit>[KMGT]?)B?\s*\)", re.IGNORECASE)
_REQUIRED = re.compile(r"at\s+least\s+(?P<number>\d+)\s+(?:memory\s+)?mappings", re.IGNORECASE)
_CURRENT = re.compile(r"current\s+limit\s+is\s+(?P<number>\d+)", re.IGNORECASE)
_MARKER = re.compile(r"max_map_count|memory\s+mappings\s+per\s+process", re.IGNORECASE)


@dataclass(frozen=True)
class ZgcWarning:
    """What the warning says: the heap (bytes), the count it asked for, the limit it saw.

    ``required`` is the JVM's own figure when printed, else computed from the heap.
    """

    heap_bytes: int
    required: int
    current: int | None

    @property
    def heap_mib(self) -> int:
        """The heap in MiB, as the JVM printed it."""
        return self.heap_bytes // MIB


def _message_text(text: str) -> str:
    """The warning's words on one line: decorations and prefixes gone, wraps undone."""
    lines = []
    for line in text.splitlines():
        _, bracket, rest = line.rpartition("]")
        lines.append(rest if bracket else line)
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def parse(text: str) -> ZgcWarning:
    """The figures in a pasted warning; :class:`InputError` when there is no such warning."""
    message = _message_text(text)
    heap = _HEAP.search(message)
    if heap is None or not _MARKER.search(message):
        raise InputError(
            "no HotSpot max_map_count warning found (expected 'max Java heap size (NNNM)' "
            "and 'max_map_count')"
        )
    heap_bytes = int(heap["number"]) * _UNIT[heap["unit"].upper()]
    if heap_bytes <= 0:
        raise InputError("the warning's heap size is zero")
    required = _REQUIRED.search(message)
    current = _CURRENT.search(message)
    return ZgcWarning(
        heap_bytes=heap_bytes,
        required=int(required["number"]) if required else rules.zgc_required(heap_bytes),
        current=int(current["number"]) if current else None,
    )
