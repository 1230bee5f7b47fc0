"""``maxmap doctor`` on fake hosts, one per verdict, through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import CliResult, run_maxmap
from fakehost import FakeHost

from generator.sizes import GIB

OURS = "/etc/sysctl.d/99-vm-max-map-count.conf"
Cli = Callable[..., CliResult]


def doctor_json(cli: Cli, host: FakeHost, *extra: str) -> tuple[int, dict[str, Any]]:
    result = cli("doctor", *host.args(), "--json", *extra)
    assert result.code in (0, 1), result.err
    return result.code, json.loads(result.out)


def codes(report: dict[str, Any]) -> list[str]:
    return [p["code"] for p in report["problems"]]


def all_commands(report: dict[str, Any]) -> list[str]:
    return [c for step in report["fix"] for c in step["commands"]]


def test_healthy_host(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB, live=524288)
    host.debian_sysctl_conf()
    host.write(OURS, "vm.max_map_count = 524288\n")
    result = cli("doctor", *host.args())
    assert result.code == 0, result.out
    assert result.out.startswith("vm.max_map_count: HEALTHY\n")
    assert "fix" not in result.out
    assert result.err == ""
    code, report = doctor_json(cli, host)
    assert (code, report["verdict"], report["healthy"]) == (0, "healthy", True)
    assert (report["recommended"], report["live"], report["boot"]["value"]) == (524288, 524288, 524288)
    assert report["fix"] == [] and report["problems"] == []


def test_short_host(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB, live=65530)
    host.debian_sysctl_conf()
    result = cli("doctor", *host.args())
    assert result.code == 1
    assert result.out.startswith("vm.max_map_count: SHORT\n")
    assert "maxmap render --format shell --ram 128GiB | sh" in result.out
    assert "maxmap: doctor: short" in result.err
    _, report = doctor_json(cli, host)
    assert codes(report) == ["short"]
    assert report["recommended"] == report["target"] == 524288
    assert report["boot"] == {"value": 65530, "source": "kernel default"}
    assert "sysctl -w vm.max_map_count=524288" in all_commands(report)
    assert [step["alternative"] for step in report["fix"]] == [False, True, False]


def test_persisted_but_not_live(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB, live=65530)
    host.write(OURS, "vm.max_map_count=524288\n")
    code, report = doctor_json(cli, host)
    assert code == 1
    assert codes(report) == ["short", "boot-differs"]
    assert "never applied" in report["problems"][1]["message"]
    assert report["boot"] == {"value": 524288, "source": f"{OURS}:1"}


def test_live_but_lost_at_reboot(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB, live=524288)
    code, report = doctor_json(cli, host)
    assert (code, report["verdict"], codes(report)) == (1, "inconsistent", ["boot-differs"])
    assert "lost at reboot" in report["problems"][0]["message"]
    assert any(c.startswith("maxmap render --format shell --ram 128GiB") for c in all_commands(report))


def test_undone_by_etc_sysctl_conf_under_sysctl_system(cli: Cli, tmp_path: Path) -> None:
    # An EKS AMI: 524288 in /etc/sysctl.conf; ours, 1048576, wins at boot (99-sysctl.conf sorts first)
    # but 'sysctl --system' applies /etc/sysctl.conf last and undoes it.
    host = FakeHost(tmp_path, ram_bytes=256 * GIB, live=1048576)
    host.debian_sysctl_conf("vm.max_map_count=524288\n")
    host.write(OURS, "vm.max_map_count = 1048576\n")
    code, report = doctor_json(cli, host)
    assert (code, report["verdict"], codes(report)) == (1, "inconsistent", ["sysctl-system-differs"])
    assert report["boot"] == {"value": 1048576, "source": f"{OURS}:1"}
    assert report["sysctl_system"] == {"value": 524288, "source": "/etc/sysctl.conf:1"}
    assert [s["path"] for s in report["settings"]["systemd"]] == ["/etc/sysctl.d/99-sysctl.conf", OURS]
    assert report["settings"]["systemd"][0]["target"] == "/etc/sysctl.conf"
    commands = all_commands(report)
    assert any(c.startswith("sed -i ") and c.endswith(" /etc/sysctl.conf") for c in commands)
    assert not any("render" in c for c in commands)  # the live and boot values are already right


def test_process_near_its_limit(cli: Cli, tmp_path: Path) -> None:
    # 8 GiB of RAM needs only the kernel default, which is in force; but one process uses 92% of it.
    host = FakeHost(tmp_path, ram_bytes=8 * GIB, live=65530)
    host.process(4242, "simulator", ["/usr/bin/simulator", "--big"], maps=60000)
    host.process(7, "sshd", ["sshd: /usr/sbin/sshd -D"], maps=50)
    code, report = doctor_json(cli, host)
    assert (code, report["verdict"], codes(report)) == (1, "short", ["process-near-limit"])
    assert [p["pid"] for p in report["processes"]] == [4242, 7]
    assert report["processes"][0]["maps"] == 60000
    assert report["target"] == 131072  # twice 60000, rounded up to a multiple of 65536
    assert "sysctl -w vm.max_map_count=131072" in all_commands(report)
    text = cli("doctor", *host.args()).out
    assert "4242  60000  91%  simulator" in text


def test_zgc_jvm_needing_more_than_the_ram_rule(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=16 * GIB, live=65536)
    host.write(OURS, "vm.max_map_count = 65536\n")
    host.process(
        900, "java", ["/usr/lib/jvm/java-21/bin/java", "-XX:+UseZGC", "-Xmx64g", "-jar", "app.jar", "-Xmx1g"],
        maps=3000, environ={},
    )
    code, report = doctor_json(cli, host)
    assert code == 1
    assert report["winner"] == {"rule": "jvm-heap", "input": "64GiB"}
    assert report["recommended"] == 117964  # 32768 granules x 3 x 1.2
    assert codes(report) == ["short", "zgc-short"]
    jvm = report["jvms"][0]["jvm"]
    assert (jvm["heap_bytes"], jvm["zgc"], jvm["zgc_required"]) == (64 * GIB, True, 117964)
    assert "maxmap render --format shell --ram 16GiB --jvm-heap 64GiB | sh" in all_commands(report)


def test_non_zgc_jvm_adds_no_requirement(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=16 * GIB, live=65536)
    host.write(OURS, "vm.max_map_count = 65536\n")
    host.process(900, "java", ["java", "-XX:+UseG1GC", "-Xmx64g", "Main"], maps=3000)
    code, report = doctor_json(cli, host)
    assert (code, report["recommended"], report["jvms"][0]["jvm"]["zgc_required"]) == (0, 65536, None)


def test_jvm_heap_and_workload_options_raise_the_recommendation(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB, live=524288)
    host.write(OURS, "vm.max_map_count = 524288\n")
    code, report = doctor_json(cli, host, "--workload", "elasticsearch", "--jvm-heap", "31g")
    assert (code, report["recommended"], report["winner"]["input"]) == (1, 1048576, "elasticsearch")
    assert "maxmap doctor --workload elasticsearch --jvm-heap 31GiB" in all_commands(report)


def test_ram_option_replaces_memtotal(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=126 * GIB, live=524288)
    host.write(OURS, "vm.max_map_count = 524288\n")
    code, report = doctor_json(cli, host, "--ram", "128GB")
    assert (code, report["recommended"]) == (0, 524288)
    assert [r["rule"] for r in report["requirements"]] == ["ram", "kernel-default"]


def test_unreadable_and_vanished_processes_are_skipped(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=8 * GIB)
    host.vanished_process(31337)
    host.process(12, "cron", ["/usr/sbin/cron"], maps=40)
    code, report = doctor_json(cli, host)
    assert (code, report["skipped_processes"], len(report["processes"])) == (0, 1, 1)
    assert "could not be read" in report["notes"][0]


def test_kernel_command_line_sets_the_boot_value(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=8 * GIB, live=262144)
    (host.proc / "cmdline").write_text("BOOT_IMAGE=/vmlinuz ro sysctl.vm.max_map_count=262144 quiet\n")
    code, report = doctor_json(cli, host)
    assert (code, report["kernel_cmdline"]) == (0, 262144)
    assert report["boot"] == {"value": 262144, "source": "kernel command line"}


@pytest.mark.parametrize(
    ("marker", "engine"), [("/.dockerenv", "docker"), ("/run/.containerenv", "podman")]
)
def test_container_is_noted(cli: Cli, tmp_path: Path, marker: str, engine: str) -> None:
    host = FakeHost(tmp_path, ram_bytes=128 * GIB)
    host.write(marker, "")
    code, report = doctor_json(cli, host)
    assert (code, report["container"]) == (1, engine)
    assert any("host kernel" in note for note in report["notes"])
    assert "fix (run as root on the host, not in this container;" in cli("doctor", *host.args()).out


def test_kubernetes_pod_from_cgroup(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=8 * GIB)
    (host.proc / "1").mkdir()
    (host.proc / "1" / "cgroup").write_text("0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope\n")
    assert doctor_json(cli, host)[1]["container"] == "kubernetes"


def test_zero_limit_does_not_crash(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=8 * GIB, live=0)
    host.process(5, "init", ["/sbin/init"], maps=30)
    code, report = doctor_json(cli, host)
    assert code == 1 and "process-near-limit" in codes(report)


def test_invalid_setting_is_reported(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path, ram_bytes=8 * GIB)
    host.write("/etc/sysctl.d/50-bad.conf", "vm.max_map_count = lots\n")
    code, report = doctor_json(cli, host)
    assert (code, codes(report)) == (1, ["invalid-setting"])
    assert report["boot"]["source"] == "kernel default"


def test_json_is_stable(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    first = cli("doctor", *host.args(), "--json").out
    assert first == cli("doctor", *host.args(), "--json").out
    assert set(json.loads(first)) == {
        "version", "verdict", "healthy", "live", "recommended", "target", "ram", "requirements", "winner",
        "boot", "sysctl_system", "kernel_cmdline", "container", "settings", "processes", "jvms", "skipped_processes",
        "problems", "notes", "fix",
    }


def test_missing_proc_is_one_line_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("doctor", "--proc-root", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert result.err.startswith("maxmap: error: cannot read ") and result.err.count("\n") == 1


def test_root_must_be_a_directory(cli: Cli, tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    result = cli("doctor", "--proc-root", str(host.proc), "--root", str(tmp_path / "absent"))
    assert (result.code, result.err) == (2, f"maxmap: error: --root {tmp_path / 'absent'}: not a directory\n")


def test_not_linux_is_one_line_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "darwin")
    result = cli("doctor")
    assert (result.code, result.out) == (2, "")
    assert result.err == "maxmap: error: maxmap doctor reads /proc and runs on Linux only, not darwin\n"


def test_real_host_smoke() -> None:
    """This machine, whatever its verdict: the report is produced and the exit code is 0 or 1."""
    if not sys.platform.startswith("linux"):
        pytest.skip("maxmap doctor is Linux only")
    text = run_maxmap("doctor")
    assert text.returncode in (0, 1), text.stderr
    assert text.stdout.startswith("vm.max_map_count: ")
    as_json = run_maxmap("doctor", "--json", "--top", "3")
    assert as_json.returncode == text.returncode, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["verdict"] in ("healthy", "short", "inconsistent")
    assert report["live"] == int(Path("/proc/sys/vm/max_map_count").read_text())
    assert report["healthy"] == (as_json.returncode == 0)
    assert len(report["processes"]) <= 3
