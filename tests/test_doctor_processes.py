"""Processes on a host: counting mappings, recognising JVMs and their ZGC requirement."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakehost import FakeHost

from generator.doctor.processes import count_lines, java_process, scan
from generator.sizes import GIB, MIB


@pytest.mark.parametrize(
    ("argv", "heap", "zgc"),
    [
        (["java", "-Xmx100g", "-XX:+UseZGC", "-jar", "app.jar"], 100 * GIB, True),
        (["/opt/es/jdk/bin/java", "-XX:MaxHeapSize=101754m", "-XX:+UseZGC", "org.Main"], 101754 * MIB, True),
        (["java", "-XX:+UseZGC", "-XX:-UseZGC", "-Xmx8g", "Main"], 8 * GIB, False),
        (["java", "-Xmx4g", "-Xmx16g", "Main"], 16 * GIB, False),  # the last one counts
        (["java", "-cp", "lib/*", "Main", "-Xmx99g", "-XX:+UseZGC"], 4 * GIB, False),  # program's own args
        (["java", "-XX:MaxRAMPercentage=50", "-XX:+UseZGC", "Main"], 8 * GIB, True),
        (["idea", "-Xmx2g", "-XX:+UseZGC"], 2 * GIB, True),  # launcher with another name
    ],
)
def test_java_options(argv: list[str], heap: int, zgc: bool) -> None:
    java = java_process(argv, {}, ram_bytes=16 * GIB)
    assert java is not None
    assert (java.heap_bytes, java.zgc) == (heap, zgc)


def test_environment_options_in_hotspot_order() -> None:
    environ = {"JAVA_TOOL_OPTIONS": "-XX:+UseZGC -Xmx1g", "_JAVA_OPTIONS": "-Xmx32g"}
    java = java_process(["java", "-Xmx8g", "Main"], environ, ram_bytes=None)
    assert java is not None
    assert (java.heap_bytes, java.heap_source, java.zgc) == (32 * GIB, "-Xmx32g", True)
    assert java.zgc_required == 58982  # 16384 granules x 3 x 1.2


def test_not_a_jvm() -> None:
    assert java_process(["/usr/bin/python3", "-X", "dev"], {}, ram_bytes=GIB) is None
    assert java_process([], {}, ram_bytes=GIB) is None


def test_count_lines_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "maps"
    path.write_text("x" * 70000 + "\n" + "line\n" * 100000)
    assert count_lines(path) == 100001


def test_scan_orders_by_mappings_and_skips_kernel_threads(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.process(3, "small", ["small"], maps=10)
    host.process(2, "kthreadd", [], maps=0)
    host.process(10, "big", ["big"], maps=500)
    host.process(11, "big2", ["big2"], maps=500)
    result = scan(host.proc, ram_bytes=None)
    assert [p.pid for p in result.processes] == [10, 11, 3]
    assert result.skipped == 0
