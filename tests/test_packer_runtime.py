"""What Packer would run, run: the inline commands of both Packer formats, decoded as Packer
reads them (python-hcl2 for HCL, json for JSON), uploaded as Packer's shell provisioner does and
started through our ``execute_command``, as root in the mount-namespace sandbox."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import require_file, require_root_namespaces, require_tool
from generator import formats
from generator.plan import plan_for
from generator.rules import ram_requirement
from packertools import BUILD_VARS, heredoc_value, parse_hcl, run_like_packer, shell_provisioners, wrap_hcl
from sandbox import SYSTEMD_SYSCTL, Sandbox

FORMATS = ("packer-hcl", "packer-json")


def provisioner(fmt: str, ram_mib: int, allow_lower: bool = False) -> dict[str, Any]:
    """The shell provisioner's settings as Packer would decode them."""
    text = formats.render(fmt, plan_for([ram_requirement(ram_mib)], fmt, allow_lower=allow_lower))
    if fmt == "packer-json":
        return dict(json.loads(text))
    [config] = shell_provisioners(parse_hcl(wrap_hcl(text)))
    return {**config, "inline": [heredoc_value(command) for command in config["inline"]]}


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    require_root_namespaces()
    require_tool("sysctl")
    return Sandbox(tmp_path)


def provision(sandbox: Sandbox, fmt: str, ram_mib: int, allow_lower: bool = False) -> None:
    result = run_like_packer(sandbox, provisioner(fmt, ram_mib, allow_lower))
    assert result.returncode == 0, result.stderr


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_raises_and_persists(fmt: str, sandbox: Sandbox) -> None:
    provision(sandbox, fmt, 131072)
    assert sandbox.live == 524288
    conf = sandbox.conf_path()
    assert conf.read_text().splitlines()[-1] == "vm.max_map_count = 524288"
    info = conf.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o644, 0, 0)


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_second_run_changes_nothing(fmt: str, sandbox: Sandbox) -> None:
    provision(sandbox, fmt, 131072)
    conf = sandbox.conf_path()

    def state() -> tuple[bytes, int, int, int]:
        return conf.read_bytes(), conf.stat().st_ino, conf.stat().st_mtime_ns, sandbox.live_file.stat().st_mtime_ns

    before = state()
    provision(sandbox, fmt, 131072)
    assert state() == before


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_never_lowers_a_higher_live_value(fmt: str, sandbox: Sandbox) -> None:
    sandbox.live = 1048576  # Fedora 39+, Ubuntu 24.04
    provision(sandbox, fmt, 131072)
    assert sandbox.live == 1048576
    assert sandbox.persisted().splitlines()[-1] == "vm.max_map_count = 1048576"  # type: ignore[union-attr]


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_allow_lower_sets_exactly_the_value(fmt: str, sandbox: Sandbox) -> None:
    sandbox.live = 1048576
    provision(sandbox, fmt, 131072, allow_lower=True)
    assert sandbox.live == 524288


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_beats_etc_sysctl_conf_now_and_at_boot(fmt: str, sandbox: Sandbox) -> None:
    sandbox.set_etc_sysctl_conf("vm.max_map_count=524288\n")  # as EKS AMIs ship
    provision(sandbox, fmt, 1048576)
    assert sandbox.live == 4194304
    require_file(SYSTEMD_SYSCTL)
    sandbox.live = 65530  # the image boots: the kernel starts from its default
    assert sandbox.boot().returncode == 0
    assert sandbox.live == 4194304


@pytest.mark.sandbox
@pytest.mark.parametrize("fmt", FORMATS)
def test_build_user_not_root_goes_through_sudo(fmt: str, sandbox: Sandbox) -> None:
    """A fake ``id`` says uid 1000 (ec2-user); a fake ``sudo`` records its arguments and runs them."""
    fake = sandbox.base / "fake-bin"
    fake.mkdir()
    log = sandbox.base / "sudo.log"
    (fake / "id").write_text('#!/bin/sh\n[ "$1" = -u ] && echo 1000 || exec /usr/bin/id "$@"\n')
    (fake / "sudo").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >{log}\n[ "$1" = -n ] && shift\nexec "$@"\n')
    for tool in ("id", "sudo"):
        (fake / tool).chmod(0o755)
    result = run_like_packer(sandbox, provisioner(fmt, 131072), extra_path=fake)
    assert result.returncode == 0, result.stderr
    variables = " ".join(f"{name}={value}" for name, value in BUILD_VARS.items())
    assert log.read_text() == f"-n env {variables} /bin/sh -e {sandbox.base / 'script_4242.sh'}\n"
    assert sandbox.live == 524288
