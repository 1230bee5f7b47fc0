"""Extra sysctls (``--set KEY=VALUE``): checked input, the same file, applied as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CliResult, require_root_namespaces
from generator.errors import InputError
from generator.sysctls import extra_sysctls, parse_setting
from sandbox import Sandbox

EXTRAS = ("--set", "vm.swappiness=10", "--set", "net.core.somaxconn=4096")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vm.swappiness=10", ("vm.swappiness", 10)),
        (" vm.swappiness = 10 ", ("vm.swappiness", 10)),
        ("kernel.perf_event_paranoid=-1", ("kernel.perf_event_paranoid", -1)),
        ("net.ipv4.conf.eth0.rp_filter=2", ("net.ipv4.conf.eth0.rp_filter", 2)),
        ("fs.file-max=9223372036854775807", ("fs.file-max", 9223372036854775807)),
    ],
)
def test_good_settings(text: str, expected: tuple[str, int]) -> None:
    assert parse_setting(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vm.swappiness", "expected KEY=VALUE"),
        ("swappiness=10", "not a sysctl name"),
        ("proc.vm.swappiness=10", "not a sysctl name"),
        ("vm.swap piness=10", "not a sysctl name"),
        ("vm.swappiness=ten", "must be an integer"),
        ("vm.swappiness=1.5", "must be an integer"),
        ("net.ipv4.ip_local_port_range=1024 65000", "must be an integer"),
        ("vm.swappiness=", "must be an integer"),
        ("vm.swappiness=18446744073709551616", "out of range"),
        ("vm.max_map_count=1048576", "what maxmap computes"),
        ("vm.swappiness=10;reboot", "must be an integer"),
    ],
)
def test_bad_settings(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_setting(text)


def test_config_pairs_are_checked_with_their_location() -> None:
    assert extra_sysctls({"vm.swappiness": 10, "net.core.somaxconn": "4096"}.items()) == (
        ("vm.swappiness", 10), ("net.core.somaxconn", 4096),
    )
    with pytest.raises(InputError, match=r"^targets\[0\]\.extra_sysctls: vm.swappiness must be an integer"):
        extra_sysctls([("vm.swappiness", True)], what="targets[0].extra_sysctls")
    with pytest.raises(InputError, match="set twice"):
        extra_sysctls([("vm.swappiness", 1), ("vm.swappiness", 2)])


def test_bad_set_is_one_line_exit_2_and_writes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.conf"
    result: CliResult = cli("render", "-f", "sysctl-conf", "--ram", "1TiB", "--set", "vm.swappiness=x", "-o", str(out))
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("maxmap: error: --set: vm.swappiness")
    assert not out.exists()


def test_every_line_lands_in_the_one_file_and_the_regenerate_command(cli) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("render", "-f", "sysctl-conf", "--ram", "1TiB", *EXTRAS)
    assert result.code == 0, result.err
    settings = [line for line in result.out.splitlines() if not line.startswith("#")]
    assert settings == ["vm.max_map_count = 4194304", "vm.swappiness = 10", "net.core.somaxconn = 4096"]
    assert "--set vm.swappiness=10 --set net.core.somaxconn=4096" in result.out


def test_without_set_the_script_is_unchanged(cli) -> None:  # type: ignore[no-untyped-def]
    plain: CliResult = cli("render", "-f", "shell", "--ram", "1TiB")
    assert "set_extra" not in plain.out and "swappiness" not in plain.out


@pytest.mark.sandbox
def test_extras_are_applied_as_given_and_persisted_idempotently(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    require_root_namespaces()
    script: CliResult = cli("render", "-f", "shell", "--ram", "256GB", *EXTRAS)
    box = Sandbox(tmp_path, live=65530, sysctls={"vm.swappiness": 60, "net.core.somaxconn": 128})
    first = box.run_script(script.out)
    assert first.returncode == 0, first.stderr
    # Lowered (60 -> 10) and raised (128 -> 4096) alike: never-lower is for vm.max_map_count only.
    assert (box.live, box.sysctl("vm.swappiness"), box.sysctl("net.core.somaxconn")) == (1048576, 10, 4096)
    persisted = box.persisted()
    assert persisted is not None and persisted.endswith(
        "vm.max_map_count = 1048576\nvm.swappiness = 10\nnet.core.somaxconn = 4096\n"
    )
    stamp = box.conf_path().stat().st_mtime_ns
    second = box.run_script(script.out)
    assert second.returncode == 0, second.stderr
    assert box.conf_path().stat().st_mtime_ns == stamp
    assert (box.live, box.sysctl("vm.swappiness"), box.sysctl("net.core.somaxconn")) == (1048576, 10, 4096)


@pytest.mark.sandbox
def test_sandbox_refuses_a_sysctl_it_does_not_fake(tmp_path: Path) -> None:
    require_root_namespaces()
    box = Sandbox(tmp_path)
    before = Path("/proc/sys/vm/dirty_ratio").read_text()
    result = box.run_script("sysctl -w vm.dirty_ratio=37\n")
    assert result.returncode != 0
    assert Path("/proc/sys/vm/dirty_ratio").read_text() == before
