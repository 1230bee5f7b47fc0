"""The provisioning semantics of SPEC section 4, run for real as root in a mount-namespace sandbox.

The shell format is the reference; test_cloud_init runs the same checks through cloud-init's
document, and every other format that runs commands does the same through its own decoding.
"""

from __future__ import annotations

import stat
from pathlib import Path
import pytest

from conftest import require_file, require_root_namespaces, require_tool
from generator import formats
from generator.plan import plan_for
from generator.provision import script_body
from generator.rules import ram_requirement
from sandbox import SYSTEMD_SYSCTL, Sandbox

def rendered_shell(value_mib: int, allow_lower: bool = False) -> str:
    plan = plan_for([ram_requirement(value_mib)], "shell", allow_lower=allow_lower)
    return formats.render("shell", plan)


def run_shell(sandbox: Sandbox, ram_mib: int, allow_lower: bool = False):  # type: ignore[no-untyped-def]
    return sandbox.run_script(rendered_shell(ram_mib, allow_lower))


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    require_root_namespaces()
    require_tool("sysctl")
    return Sandbox(tmp_path)


def assert_ok(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 0, result.stderr


def test_raises_the_live_value_and_persists_the_file(sandbox: Sandbox) -> None:
    assert_ok(run_shell(sandbox, 131072))
    assert sandbox.live == 524288
    conf = sandbox.conf_path()
    assert conf.read_text().splitlines()[-1] == "vm.max_map_count = 524288"
    info = conf.stat()
    assert stat.S_IMODE(info.st_mode) == 0o644
    assert (info.st_uid, info.st_gid) == (0, 0)
    assert [p.name for p in sandbox.etc_sysctl_d.iterdir() if p.name.startswith("99-vm")] == [conf.name]


def test_second_run_changes_nothing(sandbox: Sandbox) -> None:
    assert_ok(run_shell(sandbox, 131072))
    conf = sandbox.conf_path()
    before = (conf.read_bytes(), conf.stat().st_ino, conf.stat().st_mtime_ns, sandbox.live_file.stat().st_mtime_ns)
    assert_ok(run_shell(sandbox, 131072))
    after = (conf.read_bytes(), conf.stat().st_ino, conf.stat().st_mtime_ns, sandbox.live_file.stat().st_mtime_ns)
    assert after == before
    assert sandbox.live == 524288


def test_never_lowers_a_higher_live_value(sandbox: Sandbox) -> None:
    sandbox.live = 1048576  # Fedora 39+, Ubuntu 24.04
    assert_ok(run_shell(sandbox, 131072))
    assert sandbox.live == 1048576
    # The persisted value is the kept one, or systemd-sysctl would lower it at the next boot.
    assert sandbox.persisted().splitlines()[-1] == "vm.max_map_count = 1048576"


def test_never_lowers_a_vendor_default_not_yet_applied(sandbox: Sandbox) -> None:
    (sandbox.lib_sysctl_d / "50-vm-max-map-count.conf").write_text("vm.max_map_count = 1048576\n")
    assert_ok(run_shell(sandbox, 131072))
    assert sandbox.live == 1048576
    assert sandbox.persisted().splitlines()[-1] == "vm.max_map_count = 1048576"


def test_allow_lower_sets_exactly_the_value(sandbox: Sandbox) -> None:
    sandbox.live = 1048576
    assert_ok(run_shell(sandbox, 131072, allow_lower=True))
    assert sandbox.live == 524288
    assert sandbox.persisted().splitlines()[-1] == "vm.max_map_count = 524288"


def test_etc_sysctl_conf_with_a_lower_value_does_not_undo_it(sandbox: Sandbox) -> None:
    sandbox.set_etc_sysctl_conf("vm.max_map_count=524288\n")  # as EKS AMIs ship
    assert_ok(run_shell(sandbox, 1048576))
    assert sandbox.live == 4194304
    require_file(SYSTEMD_SYSCTL)
    sandbox.live = 65530  # a reboot: the kernel starts from its default
    assert_ok(sandbox.boot())
    assert sandbox.live == 4194304, "systemd-sysctl must apply our file after 99-sysctl.conf"


def test_sysctl_system_alone_would_undo_it(sandbox: Sandbox) -> None:
    """Why the generated commands never rely on ``sysctl --system``: it applies /etc/sysctl.conf last."""
    sandbox.set_etc_sysctl_conf("vm.max_map_count=524288\n")
    assert_ok(run_shell(sandbox, 1048576))
    assert_ok(sandbox.sysctl_system())
    assert sandbox.live == 524288
    assert "sysctl --system" not in "\n".join(
        line for line in script_body(plan_for([ram_requirement(1)], "shell")).splitlines() if not line.lstrip().startswith("#")
    )


def test_fails_loudly_when_the_value_does_not_take(tmp_path: Path) -> None:
    require_root_namespaces()
    sandbox = Sandbox(tmp_path)
    script = rendered_shell(131072).replace('sysctl -q -w "vm.max_map_count=$value"', "true")
    result = sandbox.run_script(script)
    assert result.returncode == 1
    assert "vm.max_map_count is 65530 after setting 524288" in result.stderr


@pytest.mark.parametrize("ram_mib", [131072, 1048576, 16 * 1048576])
def test_shell_passes_sh_n_and_shellcheck(ram_mib: int, tmp_path: Path) -> None:
    import subprocess

    shellcheck = require_tool("shellcheck")
    for allow_lower in (False, True):
        path = tmp_path / "provision.sh"
        path.write_text(rendered_shell(ram_mib, allow_lower))
        subprocess.run(["sh", "-n", str(path)], check=True)
        result = subprocess.run([shellcheck, "-s", "sh", str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout
