"""The bundled EC2 instance-type table: loading it, and writing it back byte-stable.

The table lives in ``generator/data/instance-types.json`` and is read through
:mod:`generator.resources`, like every packaged data file. Its layout is made for review:
one line per instance type, ``"r6i.32xlarge": [1048576, "moto"],``, sorted by name, each naming
the source it came from; the sources (where, when) are listed once at the top. It is written only
by :func:`dumps` (from ``scripts/build_instance_table.py`` and ``maxmap refresh-table``), so a
rebuild from the same inputs gives the same bytes and a refresh shows as a small diff.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, NamedTuple

from generator.errors import DataFileMissing
from generator.resources import data_path, load_json

FOLDER = "data"
NAME = "instance-types.json"
FORMAT = 1

ABOUT = (
    "EC2 instance types and their memory in MiB (DescribeInstanceTypes MemoryInfo.SizeInMiB). "
    "Each entry is [MiB, source]; 'sources' says where and when each figure was taken. "
    "Generated: rebuild with scripts/build_instance_table.py or maxmap refresh-table, do not edit by hand."
)


class Table(NamedTuple):
    """The table in memory: ``types`` maps a name to ``(MiB, source id)``; ``sources`` describes each id."""

    sources: dict[str, dict[str, str]]
    types: dict[str, tuple[int, str]]


def empty() -> Table:
    """A table with nothing in it."""
    return Table({}, {})


class Changes(NamedTuple):
    """What a merge did, by instance type name."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


def raw() -> Mapping[str, Any]:
    """The parsed bundled file (cached; do not mutate). The fast path for lookups."""
    document = load_json(FOLDER, NAME)
    if not isinstance(document, dict) or document.get("format") != FORMAT or "types" not in document:
        raise DataFileMissing(f"packaged data file {FOLDER}/{NAME} is not an instance-type table of format {FORMAT}")
    return document


def load() -> Table:
    """The bundled table as a fresh, mutable :class:`Table`."""
    document = raw()
    types = {name: (int(entry[0]), str(entry[1])) for name, entry in document["types"].items()}
    return Table(sources={k: dict(v) for k, v in document["sources"].items()}, types=types)


def path() -> str:
    """Where the bundled table is (``refresh-table`` writes there by default)."""
    return str(data_path(FOLDER, NAME))


def merge(table: Table, figures: Mapping[str, int], source_id: str, source: Mapping[str, str]) -> Changes:
    """Put ``figures`` into ``table`` as coming from ``source``; other entries keep theirs.

    An entry whose figure is unchanged keeps its old provenance (the older source already said
    so), which keeps refreshes small; a new or changed figure cites ``source_id``.
    """
    added, changed, unchanged = [], [], []
    for name in sorted(figures):
        mib = int(figures[name])
        old = table.types.get(name)
        if old is None:
            added.append(name)
        elif old[0] != mib:
            changed.append(name)
        else:
            unchanged.append(name)
            continue
        table.types[name] = (mib, source_id)
    if added or changed:
        table.sources[source_id] = dict(source)
    return Changes(tuple(added), tuple(changed), tuple(unchanged))


def dumps(table: Table) -> str:
    """The table as the file's exact text: sorted, one type per line, unused sources dropped."""
    used = {source for _, source in table.types.values()}
    missing = used - set(table.sources)
    if missing:
        raise ValueError(f"entries cite undescribed sources: {', '.join(sorted(missing))}")
    lines = ["{", f'  "format": {FORMAT},', f'  "about": {json.dumps(ABOUT)},', '  "sources": {']
    source_ids = sorted(used)
    for index, source_id in enumerate(source_ids):
        comma = "," if index < len(source_ids) - 1 else ""
        lines.append(f"    {json.dumps(source_id)}: {json.dumps(table.sources[source_id], sort_keys=True)}{comma}")
    lines += ["  },", '  "types": {']
    names = sorted(table.types)
    for index, name in enumerate(names):
        mib, source_id = table.types[name]
        comma = "," if index < len(names) - 1 else ""
        lines.append(f"    {json.dumps(name)}: [{mib}, {json.dumps(source_id)}]{comma}")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"
