"""Safe YAML loading: duplicate keys and alias bombs are refused, ordinary anchors still work."""

from __future__ import annotations

import time

import pytest

from generator.errors import InputError
from generator.yamlio import MAX_ALIAS_NODES, load_yaml


def alias_tree(levels: int, fan_out: int = 10) -> str:
    """The "billion laughs" shape: each level lists the previous one ``fan_out`` times."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * fan_out) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * fan_out) + "]")
    return "\n".join(lines) + "\n"


def test_ten_level_alias_tree_fails_fast() -> None:
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"cfg: refused: aliases expand the document by \d+ nodes"):
        load_yaml(alias_tree(10), "cfg")
    assert time.perf_counter() - start < 1.0


def test_self_referring_alias_is_refused() -> None:
    with pytest.raises(InputError, match="refers to a node that contains it"):
        load_yaml("a: &x [1, *x]\n", "cfg")
    with pytest.raises(InputError, match="refers to a node that contains it"):
        load_yaml("a: &x {b: *x}\n", "cfg")


def test_ordinary_anchors_and_merge_keys_load() -> None:
    text = "std: &std [cloud-init, shell]\nx: {formats: *std}\nbase: &base {k: 1}\ny: {<<: *base, j: 2}\n"
    assert load_yaml(text, "cfg") == {
        "std": ["cloud-init", "shell"],
        "x": {"formats": ["cloud-init", "shell"]},
        "base": {"k": 1},
        "y": {"k": 1, "j": 2},
    }


def test_aliases_under_the_limit_load() -> None:
    # Three levels of ten: 1,110 nodes added, far below the limit.
    document = load_yaml(alias_tree(3), "cfg")
    assert len(document["a3"]) == 10 and MAX_ALIAS_NODES > 1110


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(InputError, match="duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n", "cfg")


def test_empty_document_is_none() -> None:
    assert load_yaml("", "cfg") is None
