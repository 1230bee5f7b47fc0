"""``ansible``: ansible-playbook --syntax-check on every golden, and real runs in the sandbox."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import CliResult, require_root_namespaces, require_tool
from generator import formats
from sandbox import Sandbox

GOLDEN = sorted((Path(__file__).parent / "golden" / "ansible").glob("*/expected"))
PLAYBOOK = """\
- name: Raise vm.max_map_count
  hosts: localhost
  connection: local
  gather_facts: false
  become: false
  tasks:
    - name: The tasks maxmap generated
      ansible.builtin.import_tasks: {tasks}
"""


def playbook_for(folder: Path, tasks: str) -> Path:
    (folder / "tasks.yml").write_text(tasks)
    path = folder / "playbook.yml"
    path.write_text(PLAYBOOK.format(tasks=folder / "tasks.yml"))
    return path


def ansible_env(base: Path) -> dict[str, str]:
    """Keep ansible's own files in ``base``, and its output plain."""
    return {
        "ANSIBLE_HOME": str(base / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(base / "ansible-local-tmp"),
        "ANSIBLE_REMOTE_TEMP": str(base / "ansible-remote-tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
    }


@pytest.mark.tool
@pytest.mark.parametrize("expected", GOLDEN, ids=[p.parent.name for p in GOLDEN])
def test_every_golden_passes_syntax_check(expected: Path, tmp_path: Path) -> None:
    ansible_playbook = require_tool("ansible-playbook")
    playbook = playbook_for(tmp_path, expected.read_text())
    result = subprocess.run(
        [ansible_playbook, "--syntax-check", "-i", "localhost,", str(playbook)],
        capture_output=True, text=True, env={**os.environ, **ansible_env(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr


def test_value_is_a_string_and_the_file_is_ours(cli) -> None:  # type: ignore[no-untyped-def]
    from generator.formats.ansible import parse

    result: CliResult = cli("render", "-f", "ansible", "--ram", "128GB", "--allow-lower")
    (task,) = parse(result.out)
    assert task["ansible.posix.sysctl"] == {
        "name": "vm.max_map_count", "value": "524288", "reload": True, "state": "present",
        "sysctl_file": "/etc/sysctl.d/99-vm-max-map-count.conf",
    }


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("- name: x\n  ansible.posix.sysctl:\n    name: vm.max_map_count\n    value: 524288\n",
         "[0].ansible.posix.sysctl.value", "is not of type 'string'"),
        ("- name: x\n  ansible.posix.sysctl:\n    name: vm.max_map_count\n    reload: 'yes'\n",
         "[0].ansible.posix.sysctl.reload", "is not of type 'boolean'"),
        ("- ansible.posix.sysctl:\n    name: vm.max_map_count\n", "[0]", "'name' is a required property"),
        ("name: x\n", "(root)", "is not of type 'array'"),
    ],
)
def test_schema_rejects(text: str, location: str, message: str) -> None:
    problems = formats.validate("ansible", text)
    assert problems and problems[0][0] == location and message in problems[0][1], problems


def run_play(box: Sandbox, playbook: Path) -> int:
    """Run the playbook in the sandbox; the number of changed tasks."""
    result = box.run(["ansible-playbook", "-i", "localhost,", str(playbook)], env=ansible_env(box.base))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    match = re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", result.stdout)
    assert match, result.stdout
    return int(match.group(1))


def sandboxed(tmp_path: Path, cli, *args: str, live: int = 65530, sysctls: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
    require_root_namespaces()
    require_tool("ansible-playbook")
    result: CliResult = cli("render", "-f", "ansible", *args)
    assert result.code == 0, result.err
    return Sandbox(tmp_path / "box", live=live, sysctls=sysctls), playbook_for(tmp_path, result.out)


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.tool
def test_raises_persists_applies_extras_and_changes_nothing_the_second_time(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    box, playbook = sandboxed(
        tmp_path, cli, "--ram", "128GB", "--set", "vm.swappiness=10",
        sysctls={"vm.swappiness": 60},
    )
    assert run_play(box, playbook) == 2
    assert (box.live, box.sysctl("vm.swappiness")) == (524288, 10)
    assert box.persisted() == "vm.max_map_count=524288\nvm.swappiness=10\n"
    assert run_play(box, playbook) == 0
    assert (box.live, box.sysctl("vm.swappiness")) == (524288, 10)


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.tool
def test_never_lowers_a_higher_live_value_or_one_in_sysctl_conf(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    box, playbook = sandboxed(tmp_path, cli, "--ram", "64GiB", live=1048576)
    run_play(box, playbook)
    assert (box.live, box.persisted()) == (1048576, "vm.max_map_count=1048576\n")

    eks, eks_playbook = sandboxed(tmp_path / "eks", cli, "--ram", "64GiB")
    eks.set_etc_sysctl_conf("vm.max_map_count=524288\n")
    run_play(eks, eks_playbook)
    assert (eks.live, eks.persisted()) == (524288, "vm.max_map_count=524288\n")


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.tool
def test_allow_lower_sets_exactly_the_value(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    box, playbook = sandboxed(tmp_path, cli, "--ram", "64GiB", "--allow-lower", live=1048576)
    assert run_play(box, playbook) == 1
    assert (box.live, box.persisted()) == (262144, "vm.max_map_count=262144\n")


def test_validate_detects_ansible(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tasks.yml"
    path.write_text(GOLDEN[0].read_text())
    result: CliResult = cli("validate", str(path))
    assert (result.code, result.err) == (0, f"{path}: valid ansible\n")
