"""Golden files: every folder ``tests/golden/<format>/<case>/`` holds ``args`` (the arguments after
``maxmap render --format <format>``) and ``expected`` (the exact bytes). Discovered automatically;
``MAXMAP_UPDATE_GOLDEN=1`` rewrites the expected files after an intended change."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from conftest import CliResult
from generator import formats

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.glob("*/*") if (p / "args").is_file())


def test_every_format_has_golden_cases() -> None:
    covered = {case.parent.name for case in CASES}
    assert covered >= set(formats.FORMATS), f"formats without golden cases: {set(formats.FORMATS) - covered}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_golden(case: Path, cli) -> None:  # type: ignore[no-untyped-def]
    fmt = case.parent.name
    args = shlex.split((case / "args").read_text())
    result: CliResult = cli("render", "--format", fmt, *args)
    assert result.code == 0, result.err
    expected = case / "expected"
    if os.environ.get("MAXMAP_UPDATE_GOLDEN") == "1":
        expected.write_bytes(result.out.encode())
    assert result.out == expected.read_text(), f"{case} changed; MAXMAP_UPDATE_GOLDEN=1 rewrites it"
    again: CliResult = cli("render", "--format", fmt, *args)
    assert again.out == result.out, "rendering twice must give the same bytes"
