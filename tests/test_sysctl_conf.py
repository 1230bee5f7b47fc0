"""The sysctl.d file: its own validation, and procps ``sysctl -p FILE`` applying it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import require_root_namespaces, require_tool
from generator import formats
from generator.plan import plan_for
from generator.rules import ram_requirement
from sandbox import Sandbox


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("vm.max_map_count = 65529\n", "does not match"),
        ("vm.max_map_count = 2147483648\n", "does not match"),
        ("vm.max_map_count = lots\n", "does not match"),
        ("vm.swappiness = 10\n", "'vm.max_map_count' is a required property"),
        ("vm.max_map_count = 524288\nvm.max_map_count = 1048576\n", "set twice"),
        ("just words\n", "not a 'key = value' line"),
    ],
)
def test_bad_sysctl_files_are_refused(text: str, fragment: str) -> None:
    problems = formats.validate("sysctl-conf", text)
    assert any(fragment in message for _, message in problems), problems


@pytest.mark.parametrize(
    "text",
    ["vm.max_map_count=262144\n", "# comment\n; other\n\n-vm/max_map_count = 1048576\nvm.swappiness = 10\n"],
)
def test_good_sysctl_files_pass(text: str) -> None:
    assert formats.validate("sysctl-conf", text) == []


def test_sysctl_p_applies_the_rendered_file(tmp_path: Path) -> None:
    require_root_namespaces()
    require_tool("sysctl")
    sandbox = Sandbox(tmp_path)
    text = formats.render("sysctl-conf", plan_for([ram_requirement(524288)], "sysctl-conf"))
    (sandbox.base / "max.conf").write_text(text)
    result = sandbox.run(["sysctl", "-p", str(sandbox.base / "max.conf")])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "vm.max_map_count = 2097152\n"
    assert sandbox.live == 2097152
