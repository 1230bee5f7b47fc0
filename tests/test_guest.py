"""Proof on real guests: Debian 12 under QEMU runs maxmap's user-data with real cloud-init, and
Packer 1.6.6 bakes maxmap's provisioners into images that boot with the value.

Each scenario (a boot, two boots on the same disk, or a bake and a boot of its result) runs once
per session in a small thread pool, so the guests boot in parallel; several tests assert on one
scenario's reports. The harness is tests/guestlab.py, the image recipe tests/guest/.
Select with ``-m guest``, skip with ``-m "not guest"``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import guestlab
from conftest import IN_CI, run_maxmap
from guestlab import BaseImage, Report

pytestmark = [pytest.mark.guest, pytest.mark.slow]

TOOLS = ("mmdebstrap", "mkfs.ext4", "debugfs", "qemu-system-x86_64", "qemu-img", "cloud-localds",
         "packer", "ssh-keygen", "genisoimage")
CONF = "/etc/sysctl.d/99-vm-max-map-count.conf"
DEFAULT = 65530
R6I_32XLARGE = ("--instance-type", "r6i.32xlarge")  # 1 TiB: 4194304, from the bundled table


def render(fmt: str, *inputs: str) -> str:
    """``maxmap render --format fmt inputs...`` through the real CLI."""
    result = run_maxmap("render", "--format", fmt, *inputs)
    assert result.returncode == 0, result.stderr
    return result.stdout


@dataclass
class Lab:
    """The base image, a work folder, and the scenarios running or done."""

    image: BaseImage
    folder: Path
    pool: ThreadPoolExecutor
    futures: dict[str, Future[object]]

    def submit(self, name: str) -> None:
        if name not in self.futures:
            self.futures[name] = self.pool.submit(SCENARIOS[name], self, self.folder / name)

    def result(self, name: str) -> object:
        self.submit(name)
        return self.futures[name].result()

    def boots(self, name: str, disk: Path, user_data: str, count: int) -> list[Report]:
        """``count`` boots of ``disk`` with one NoCloud seed (a reboot keeps the instance)."""
        folder = disk.parent
        seed = guestlab.seed(folder / "seed", user_data, f"iid-{name}")
        return [guestlab.boot(self.image, disk, seed, folder, f"{name}-{n}") for n in range(1, count + 1)]


# --- scenarios: each returns what its tests assert on -------------------------------------------

def basic(lab: Lab, folder: Path) -> list[Report]:
    disk = guestlab.overlay(lab.image.disk, folder / "disk.qcow2")
    return lab.boots("basic", disk, render("cloud-init", "--ram", "128GB"), 2)


def never_lower(lab: Lab, folder: Path) -> list[Report]:
    # Fedora 39+ and Ubuntu 24.04 ship this file (Fedora's name) with 1048576.
    files = {"/usr/lib/sysctl.d/10-map-count.conf": "vm.max_map_count = 1048576\n"}
    disk = guestlab.overlay(guestlab.variant_disk(lab.image, folder / "variant", files), folder / "disk.qcow2")
    return lab.boots("never-lower", disk, render("cloud-init", "--ram", "128GB"), 1)


def eks(lab: Lab, folder: Path) -> list[Report]:
    # EKS AMIs set 524288 in /etc/sysctl.conf, which systemd-sysctl reads as 99-sysctl.conf.
    files = {"/etc/sysctl.conf": "# As on EKS AMIs.\nvm.max_map_count=524288\n"}
    disk = guestlab.overlay(guestlab.variant_disk(lab.image, folder / "variant", files), folder / "disk.qcow2")
    return lab.boots("eks", disk, render("cloud-init", "--ram", "1TiB"), 2)


def control_write_only(lab: Lab, folder: Path) -> list[Report]:
    # The file alone, applied by nothing: systemd-sysctl ran before cloud-init wrote it.
    user_data = (
        "#cloud-config\n"
        "write_files:\n"
        f"  - path: {CONF}\n"
        "    permissions: '0644'\n"
        "    content: |\n"
        "      vm.max_map_count = 524288\n"
    )
    disk = guestlab.overlay(lab.image.disk, folder / "disk.qcow2")
    return lab.boots("control", disk, user_data, 1)


SHELL_USER_DATA = """#!/bin/sh
# An existing node user-data script (as EKS node groups carry): leaves a marker.
mkdir -p /var/lib/maxmap-guest/markers
echo "$(cat /proc/sys/vm/max_map_count)" >/var/lib/maxmap-guest/markers/existing-script-ran
"""


def mime(lab: Lab, folder: Path) -> list[Report]:
    folder.mkdir(parents=True, exist_ok=True)
    existing = folder / "existing.sh"
    existing.write_text(SHELL_USER_DATA)
    user_data = render("mime", "--ram", "128GB", "--merge", str(existing))
    disk = guestlab.overlay(lab.image.disk, folder / "disk.qcow2")
    return lab.boots("mime", disk, user_data, 1)


# A user-data with nothing about sysctl: what the baked image itself provides is all there is.
NEUTRAL_USER_DATA = "#cloud-config\nbootcmd:\n  - [mkdir, -p, /var/lib/maxmap-guest/markers]\n"

DO_NOTHING_HCL = 'provisioner "shell" {\n  inline = ["true"]\n}\n'


def baked(lab: Lab, folder: Path, provisioner: str, syntax: str, name: str) -> Report:
    image = guestlab.bake(lab.image, folder / "bake", provisioner, syntax, name)
    disk = guestlab.overlay(image, folder / "boot" / "disk.qcow2")
    return lab.boots(f"baked-{name}", disk, NEUTRAL_USER_DATA, 1)[0]


def bake_hcl(lab: Lab, folder: Path) -> Report:
    return baked(lab, folder, render("packer-hcl", *R6I_32XLARGE), "hcl", "hcl")


def bake_json(lab: Lab, folder: Path) -> Report:
    return baked(lab, folder, render("packer-json", *R6I_32XLARGE), "json", "json")


def bake_control(lab: Lab, folder: Path) -> Report:
    return baked(lab, folder, DO_NOTHING_HCL, "hcl", "control")


# Longest first: the pool starts them in this order.
SCENARIOS: dict[str, Callable[[Lab, Path], object]] = {
    "bake_hcl": bake_hcl, "bake_json": bake_json, "bake_control": bake_control,
    "basic": basic, "eks": eks, "never_lower": never_lower, "mime": mime,
    "control_write_only": control_write_only,
}


# --- fixtures -----------------------------------------------------------------------------------

def require_guest_tools() -> None:
    """Guests need root (mmdebstrap, image ownership) and the tools; fail under CI without them."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    problem = f"missing tools: {', '.join(missing)}" if missing else ""
    if os.geteuid() != 0:
        problem = "guest tests build their image as root"
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The image (built on first use), and every scenario the selected tests need, started now."""
    require_guest_tools()
    image = guestlab.base_image()
    workers = int(os.environ.get("MAXMAP_GUEST_JOBS", os.cpu_count() or 1))
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="guest")
    the_lab = Lab(image, tmp_path_factory.mktemp("guests"), pool, {})
    wanted = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    for name in SCENARIOS:
        if name in wanted:
            the_lab.submit(name)
    yield the_lab
    pool.shutdown(wait=True, cancel_futures=True)
    summarize(request.config)
    if not os.environ.get("MAXMAP_GUEST_KEEP"):
        # Disks are gigabytes each and pytest keeps three runs; logs and reports stay.
        for disk in [*the_lab.folder.rglob("*.raw"), *the_lab.folder.rglob("*.qcow2")]:
            disk.unlink()


def summarize(config: pytest.Config) -> None:
    """Wall times on the terminal, and in the cache folder as JSON for the record."""
    entries = guestlab.TIMINGS.entries
    if not entries:
        return
    lines = [f"{label}: {seconds:.0f}s" for label, seconds in entries]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
            reporter.write_line("")
            reporter.write_line("guest wall times: " + "; ".join(lines))
    (guestlab.cache_root() / "timings.json").write_text(json.dumps(entries, indent=1) + "\n")


def scenario_fixture(name: str) -> Callable[..., object]:
    @pytest.fixture(scope="module", name=name)
    def fixture(lab: Lab) -> object:
        return lab.result(name)
    return fixture


# One module-scoped fixture per scenario, named after it.
for _name in SCENARIOS:
    globals()[f"_fixture_{_name}"] = scenario_fixture(_name)


# --- cloud-init ---------------------------------------------------------------------------------

def test_boot1_value_in_force_before_services(basic: list[Report]) -> None:
    first = basic[0]
    assert first.cloud_init_errors == [], first.describe()
    assert first.value("early") == DEFAULT, first.describe()  # nothing else sets it
    assert first.value("observed") == 524288, first.describe()  # an ordinary multi-user service
    assert first.value("live") == 524288, first.describe()


def test_boot1_file_persisted_root_0644(basic: list[Report]) -> None:
    first = basic[0]
    assert first.conf_stat == "644 root root", first.describe()
    conf = first.decoded("conf") or ""
    assert conf.splitlines()[-1] == "vm.max_map_count = 524288", first.describe()


def test_boot2_applied_from_file_at_boot(basic: list[Report]) -> None:
    second = basic[1]
    assert second.facts["boot"] == "2", second.describe()
    assert second.cloud_init_errors == [], second.describe()
    # Before cloud-init runs, systemd-sysctl has already applied the persisted file.
    assert second.value("early") == 524288, second.describe()
    assert second.value("observed") == second.value("live") == 524288, second.describe()
    assert second.conf_stat == "644 root root", second.describe()


def test_never_lowers_distribution_default(never_lower: list[Report]) -> None:
    report = never_lower[0]
    assert report.cloud_init_errors == [], report.describe()
    assert report.value("early") == 1048576, report.describe()
    assert report.value("observed") == report.value("live") == 1048576, report.describe()
    assert (report.decoded("conf") or "").splitlines()[-1] == "vm.max_map_count = 1048576"


def test_eks_sysctl_conf_does_not_win(eks: list[Report]) -> None:
    first, second = eks
    for report in eks:
        assert report.cloud_init_errors == [], report.describe()
        assert report.value("observed") == report.value("live") == 4194304, report.describe()
    assert first.value("early") == 524288, first.describe()  # the AMI's own setting, before us
    # Our file sorts after 99-sysctl.conf: at boot 2 systemd-sysctl ends on 4194304.
    assert second.value("early") == 4194304, second.describe()


def test_mime_merged_with_existing_script(mime: list[Report]) -> None:
    report = mime[0]
    assert report.cloud_init_errors == [], report.describe()
    assert "existing-script-ran" in report.markers, report.describe()
    assert report.value("observed") == report.value("live") == 524288, report.describe()
    assert report.conf_stat == "644 root root", report.describe()


def test_control_file_without_apply_keeps_old_value(control_write_only: list[Report]) -> None:
    """The harness can tell: a file written too late for systemd-sysctl changes nothing on boot 1."""
    report = control_write_only[0]
    assert report.cloud_init_errors == [], report.describe()
    assert "524288" in (report.decoded("conf") or ""), report.describe()
    assert report.value("observed") == report.value("live") == DEFAULT, report.describe()


# --- Packer -------------------------------------------------------------------------------------

def check_baked(report: Report) -> None:
    """A baked image booted without sysctl in its user-data has the value from the first moment."""
    assert report.cloud_init_errors == [], report.describe()
    assert report.value("early") == 4194304, report.describe()  # from the baked file, at boot
    assert report.value("observed") == report.value("live") == 4194304, report.describe()
    assert report.conf_stat == "644 root root", report.describe()


def test_packer_hcl_bake_boots_with_value(bake_hcl: Report) -> None:
    check_baked(bake_hcl)


def test_packer_json_bake_boots_with_value(bake_json: Report) -> None:
    check_baked(bake_json)


def test_control_bake_boots_with_default(bake_control: Report) -> None:
    assert bake_control.cloud_init_errors == [], bake_control.describe()
    assert bake_control.value("live") == DEFAULT, bake_control.describe()
    assert bake_control.conf_stat == "-", bake_control.describe()
