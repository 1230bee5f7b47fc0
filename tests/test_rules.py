"""The value rules and how they combine (SPEC section 2)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from generator import rules
from generator.errors import InputError
from generator.sizes import parse_heap_bytes, parse_size_mib


@pytest.mark.parametrize(
    ("ram", "value"), [("128GB", 524288), ("256GB", 1048576), ("512GB", 2097152), ("1TB", 4194304)]
)
def test_seed_table_exactly(ram: str, value: int) -> None:
    assert rules.ram_requirement(parse_size_mib(ram)).value == value


def test_seed_zgc_warning_figure() -> None:
    # "max Java heap size (101754M) ... at least 183157 mappings"
    assert rules.zgc_required(parse_heap_bytes("101754M")) == 183157


def test_heap_is_rounded_up_to_whole_granules() -> None:
    two_mib = 2 << 20
    assert rules.zgc_required(two_mib) == rules.zgc_required(1)
    assert rules.zgc_required(two_mib + 1) == rules.zgc_required(2 * two_mib)


def test_zgc_matches_the_exact_formula_across_heaps() -> None:
    # HotSpot computes in double precision; for every heap a JVM can be given in whole MiB up to
    # 16 TiB (sampled), that equals floor(granules * 3 * 1.2) computed exactly.
    for granules in list(range(1, 200_000)) + list(range(1 << 20, (1 << 23) + 1, 9973)):
        exact = int(Fraction(granules * 36, 10))
        assert rules.zgc_required(granules * (2 << 20)) == exact, granules


def test_workload_floors_carry_citations() -> None:
    assert {name: w.floor for name, w in rules.WORKLOADS.items()} == {
        "elasticsearch": 1048576, "opensearch": 262144, "sonarqube": 524288,
    }  # fmt: skip
    for workload in rules.WORKLOADS.values():
        assert workload.citation.startswith("https://")


def test_largest_requirement_wins_and_first_wins_ties() -> None:
    ram = rules.ram_requirement(262144)  # 1048576
    es = rules.workload_requirement("elasticsearch")  # 1048576
    heap = rules.heap_requirement(100 << 30)
    decision = rules.decide([heap, ram, es])
    assert decision.value == 1048576
    assert decision.winner is ram
    assert decision.requirements[-1].rule == "kernel-default"


def test_never_below_the_kernel_default() -> None:
    decision = rules.decide([rules.ram_requirement(1024)])  # 4096
    assert decision.value == rules.KERNEL_DEFAULT == 65530
    assert decision.winner.rule == "kernel-default"


def test_over_int_max_is_an_error_not_a_clamp() -> None:
    fits = rules.ram_requirement(rules.INT_MAX // 4)
    assert rules.decide([fits]).value == 2147483644
    with pytest.raises(InputError, match="2147483647"):
        rules.decide([rules.ram_requirement(rules.INT_MAX // 4 + 1)])


def test_unknown_workload_lists_known_ones() -> None:
    with pytest.raises(InputError, match="elasticsearch, opensearch, sonarqube"):
        rules.workload_requirement("cassandra")


def test_nothing_to_decide_from() -> None:
    with pytest.raises(InputError, match="--ram"):
        rules.decide([])
