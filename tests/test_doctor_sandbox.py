"""Doctor's model of systemd-sysctl and procps, checked against the real programs, and its fix run.

In the mount-namespace sandbox (fake live value, private /etc and sysctl.d folders), doctor
predicts what boot and ``sysctl --system`` will leave; then the real systemd-sysctl and
``sysctl --system`` run and must agree. Finally doctor's own fix commands run and the host is healthy.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import require_file, require_root_namespaces, require_tool
from sandbox import SYSTEMD_SYSCTL, Sandbox

pytestmark = pytest.mark.sandbox

DOCTOR = [sys.executable, "-m", "generator", "doctor"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    require_root_namespaces()
    require_tool("sysctl")
    return Sandbox(tmp_path)


def doctor(sandbox: Sandbox) -> dict[str, Any]:
    result = sandbox.run([*DOCTOR, "--json", "--top", "1"])
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def eks(sandbox: Sandbox) -> None:
    sandbox.set_etc_sysctl_conf("vm.max_map_count=524288\n")
    (sandbox.etc_sysctl_d / "99-vm-max-map-count.conf").write_text("vm.max_map_count = 1048576\n")


def vendor_overridden(sandbox: Sandbox) -> None:
    (sandbox.lib_sysctl_d / "10-map-count.conf").write_text("vm.max_map_count = 1048576\n")
    (sandbox.etc_sysctl_d / "10-map-count.conf").write_text("vm.max_map_count = 262144\n")
    (sandbox.lib_sysctl_d / "50-other.conf").write_text("vm/max_map_count = 300000\n")


def vendor_masked(sandbox: Sandbox) -> None:
    (sandbox.lib_sysctl_d / "10-map-count.conf").write_text("vm.max_map_count = 1048576\n")
    os.symlink("/dev/null", sandbox.etc_sysctl_d / "10-map-count.conf")


def late_vendor_file(sandbox: Sandbox) -> None:
    (sandbox.etc_sysctl_d / "99-vm-max-map-count.conf").write_text("vm.max_map_count = 2097152\n")
    (sandbox.lib_sysctl_d / "99-zz-tuning.conf").write_text("vm.max_map_count = 262144\n")


SCENARIOS: dict[str, Callable[[Sandbox], None]] = {
    "eks-sysctl-conf": eks,
    "vendor-overridden": vendor_overridden,
    "vendor-masked": vendor_masked,
    "late-vendor-file": late_vendor_file,
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_predictions_match_systemd_sysctl_and_procps(sandbox: Sandbox, scenario: str) -> None:
    require_file(SYSTEMD_SYSCTL)
    SCENARIOS[scenario](sandbox)
    report = doctor(sandbox)
    assert sandbox.boot().returncode == 0
    assert sandbox.live == report["boot"]["value"], report["boot"]
    sandbox.live = 65530
    assert sandbox.sysctl_system().returncode == 0
    expected = report["sysctl_system"]["value"] if report["sysctl_system"]["source"] != "unchanged" else 65530
    assert sandbox.live == expected, report["sysctl_system"]


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_fix_makes_the_host_consistent(sandbox: Sandbox, scenario: str) -> None:
    require_file(SYSTEMD_SYSCTL)
    SCENARIOS[scenario](sandbox)
    before = doctor(sandbox)
    assert not before["healthy"]
    steps = [s for s in before["fix"] if not s["alternative"]]
    commands = [c for step in steps for c in step["commands"] if not c.startswith("maxmap doctor")]
    script = "set -e\n" + "\n".join(c.replace("maxmap ", f"{sys.executable} -m generator ", 1) for c in commands)
    ran = sandbox.run_script(script + "\n")
    assert ran.returncode == 0, ran.stderr
    after = doctor(sandbox)
    target = before["target"]
    assert after["live"] == target
    assert [p["code"] for p in after["problems"] if p["code"] != "process-near-limit"] == []
    sandbox.live = 65530  # reboot
    assert sandbox.boot().returncode == 0
    assert sandbox.live == target
    assert sandbox.sysctl_system().returncode == 0
    assert sandbox.live == target
