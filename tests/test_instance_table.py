"""The bundled instance-type table: known figures, provenance, a byte-stable layout (SPEC 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import instance_table, instances, resources
from generator.errors import DataFileMissing

PINNED_MIB = {
    # From AWS's published specifications (GiB x 1024); the reasons this tool exists.
    "r6i.32xlarge": 1048576,
    "x2iedn.32xlarge": 4194304,
    "x2idn.32xlarge": 2097152,
    "x1.32xlarge": 1998848,
    "x1e.32xlarge": 3997696,
    "x8g.48xlarge": 3145728,
    "r7i.48xlarge": 1572864,
    "r8g.48xlarge": 1572864,
    "m7i.48xlarge": 786432,
    "u-3tb1.56xlarge": 3145728,
    "u-6tb1.metal": 6291456,
    "u-9tb1.112xlarge": 9437184,
    "u-12tb1.metal": 12582912,
    "u-18tb1.112xlarge": 18874368,
    "u-24tb1.metal": 25165824,
    "u7i-8tb.112xlarge": 8388608,
    "u7in-32tb.224xlarge": 33554432,
    "u7inh-32tb.480xlarge": 33554432,
    "t3.nano": 512,
}


def test_pinned_figures() -> None:
    found = instances.resolve(list(PINNED_MIB))
    assert {name: it.memory_mib for name, it in found.items()} == PINNED_MIB


def test_every_high_memory_family_and_metal_form_is_there() -> None:
    names = set(instances.bundled_names())
    for size in ("3tb1.56xlarge", "6tb1.56xlarge", "6tb1.112xlarge", "9tb1.112xlarge", "12tb1.112xlarge",
                 "18tb1.112xlarge", "24tb1.112xlarge"):  # fmt: skip
        assert f"u-{size}" in names
    for family in ("6tb1", "9tb1", "12tb1", "18tb1", "24tb1"):
        assert f"u-{family}.metal" in names
    for prefix in ("u7i-", "u7in-", "u7ib-", "u7inh-"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert len(names) > 1300


def test_every_entry_is_well_formed_and_cites_a_described_source() -> None:
    document = instance_table.raw()
    for source_id, source in document["sources"].items():
        assert source["source"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["retrieved"]), source_id
    for name, (mib, source_id) in document["types"].items():
        assert instances.check_name(name) == name
        assert isinstance(mib, int) and mib > 0
        assert source_id in document["sources"]


def test_file_is_sorted_one_type_per_line_and_rewrites_to_the_same_bytes() -> None:
    text = Path(instance_table.path()).read_text(encoding="utf-8")
    assert instance_table.dumps(instance_table.load()) == text
    type_lines = [line for line in text.splitlines() if line.endswith(("],", "]"))]
    names = [line.split('"')[1] for line in type_lines]
    assert names == sorted(names) and len(names) == len(instance_table.raw()["types"])


def test_merge_cites_the_new_source_only_for_what_changed() -> None:
    table = instance_table.empty()
    instance_table.merge(table, {"a1.large": 4096, "b1.large": 8192}, "old", {"source": "x", "retrieved": "2020-01-01"})
    changes = instance_table.merge(
        table, {"a1.large": 4096, "b1.large": 9000, "c1.large": 1024}, "new", {"source": "y", "retrieved": "2021-01-01"}
    )
    assert (changes.added, changes.changed, changes.unchanged) == (("c1.large",), ("b1.large",), ("a1.large",))
    assert table.types == {"a1.large": (4096, "old"), "b1.large": (9000, "new"), "c1.large": (1024, "new")}
    text = instance_table.dumps(table)
    assert '"a1.large": [4096, "old"],' in text and text.endswith("}\n")


def test_dumps_refuses_undescribed_sources() -> None:
    with pytest.raises(ValueError, match="nowhere"):
        instance_table.dumps(instance_table.Table({}, {"a1.large": (1, "nowhere")}))


def test_missing_table_is_a_named_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(resources, "_PACKAGE_DIR", tmp_path)
    resources.read_text.cache_clear()
    resources.load_json.cache_clear()
    try:
        with pytest.raises(DataFileMissing, match="data/instance-types.json is missing"):
            instance_table.raw()
        result = cli("value", "--instance-type", "r6i.32xlarge")
        assert result.code == 2 and result.err.startswith("maxmap: error: packaged data file data/instance-types")
    finally:
        resources.read_text.cache_clear()
        resources.load_json.cache_clear()
