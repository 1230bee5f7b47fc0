"""``maxmap validate`` without ``--format``: every golden output is detected as its own format."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import formats

EXPECTED = sorted((Path(__file__).parent / "golden").glob("*/*/expected"))


@pytest.mark.parametrize("path", EXPECTED, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in EXPECTED])
def test_golden_output_is_detected_as_its_format(path: Path) -> None:
    assert formats.detect(path.read_text()) == path.parent.parent.name
