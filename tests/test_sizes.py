"""Size parsing: every accepted spelling, every refusal."""

from __future__ import annotations

import pytest

from generator.errors import InputError
from generator.sizes import format_bytes, format_mib, parse_heap_bytes, parse_size_mib


@pytest.mark.parametrize(
    ("text", "mib"),
    [
        ("131072MiB", 131072), ("128GiB", 131072), ("128GB", 131072), ("128G", 131072),
        ("128 GiB", 131072), ("128gb", 131072), ("1TiB", 1048576), ("1TB", 1048576), ("1T", 1048576),
        ("0.5TiB", 524288), ("1.5GiB", 1536), ("512MB", 512), ("1048576KiB", 1024), (" 2GiB ", 2048),
        (".5GiB", 512),
    ],
)  # fmt: skip
def test_sizes_parse_to_mib(text: str, mib: int) -> None:
    assert parse_size_mib(text) == mib


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("128", "has no unit"),  # a bare number: the message shows the forms
        ("0GiB", "greater than zero"),
        ("-1GiB", "not a size"),
        ("0.3MiB", "whole number"),
        ("0.0000001TiB", "whole number"),
        ("1.5KiB", "whole number"),
        ("12XB", "unknown unit"),
        ("", "not a size"),
        ("GiB", "not a size"),
        ("1e3GiB", "not a size"),
        ("1,5GiB", "not a size"),
        ("1 2GiB", "not a size"),
    ],
)
def test_bad_sizes_are_refused_with_the_forms(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_size_mib(text, "--ram")
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("--ram: ")
    assert "\n" not in message


def test_bare_number_message_lists_the_accepted_forms() -> None:
    with pytest.raises(InputError, match=r"128GiB, 128GB, 128G, '128 GiB', 1TiB"):
        parse_size_mib("128", "--ram")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("100g", 100 << 30), ("101754m", 101754 << 20), ("-Xmx100g", 100 << 30), ("-Xmx31G", 31 << 30),
        ("-Xmx1073741824", 1 << 30), ("-XX:MaxHeapSize=8g", 8 << 30), ("31GiB", 31 << 30),
        ("1048576k", 1 << 30),
    ],
)  # fmt: skip
def test_heap_forms(text: str, size: int) -> None:
    assert parse_heap_bytes(text) == size


@pytest.mark.parametrize("text", ["100", "-Xmx", "-Xmx0", "-Xmxg", "100q"])
def test_bad_heaps(text: str) -> None:
    with pytest.raises(InputError):
        parse_heap_bytes(text)


@pytest.mark.parametrize(("mib", "text"), [(131072, "128GiB"), (1048576, "1TiB"), (101754, "101754MiB"), (1536, "1536MiB")])
def test_canonical_spelling_round_trips(mib: int, text: str) -> None:
    assert format_mib(mib) == text
    assert parse_size_mib(text) == mib


def test_byte_spelling_round_trips() -> None:
    for size in (1, 1023, 4096, 3 << 20, 5 << 40):
        assert parse_heap_bytes(format_bytes(size)) == size
