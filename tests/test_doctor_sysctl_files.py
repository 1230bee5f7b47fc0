"""The sysctl files doctor reads, and the order systemd-sysctl and procps apply them."""

from __future__ import annotations

from pathlib import Path

from fakehost import FakeHost

from generator.doctor import sysctl_files
from generator.doctor.sysctl_files import (
    parse_settings,
    procps_order,
    resolve_in_root,
    settings_in,
    systemd_order,
    winner,
)


def paths(files: list[sysctl_files.ConfigFile]) -> list[str]:
    return [f.path for f in files]


def test_systemd_order_sorts_by_name_across_folders_and_etc_hides_vendor_files(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.write("/usr/lib/sysctl.d/10-map-count.conf", "vm.max_map_count = 1048576\n")
    host.write("/usr/lib/sysctl.d/50-default.conf", "kernel.sysrq = 16\n")
    host.write("/etc/sysctl.d/50-default.conf", "vm.max_map_count = 262144\n")
    host.write("/run/sysctl.d/60-run.conf", "vm.max_map_count = 300000\n")
    host.write("/lib/sysctl.d/05-old.conf", "vm.max_map_count = 70000\n")
    host.write("/etc/sysctl.d/README", "vm.max_map_count = 1\n")  # not *.conf: ignored
    files = systemd_order(host.root)
    assert paths(files) == [
        "/lib/sysctl.d/05-old.conf",
        "/usr/lib/sysctl.d/10-map-count.conf",
        "/etc/sysctl.d/50-default.conf",
        "/run/sysctl.d/60-run.conf",
    ]
    last = winner(settings_in(host.root, files))
    assert last is not None and (last.file.path, last.value) == ("/run/sysctl.d/60-run.conf", 300000)


def test_link_to_dev_null_masks_the_vendor_file(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.write("/usr/lib/sysctl.d/10-map-count.conf", "vm.max_map_count = 1048576\n")
    host.link("/etc/sysctl.d/10-map-count.conf", "/dev/null")
    files = systemd_order(host.root)
    assert [(f.path, f.masked) for f in files] == [("/etc/sysctl.d/10-map-count.conf", True)]
    assert settings_in(host.root, files) == []


def test_procps_applies_etc_sysctl_conf_last_and_systemd_only_through_the_link(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.write("/etc/sysctl.conf", "vm.max_map_count=524288\n")
    host.write("/etc/sysctl.d/99-vm-max-map-count.conf", "vm.max_map_count = 1048576\n")
    assert paths(systemd_order(host.root)) == ["/etc/sysctl.d/99-vm-max-map-count.conf"]
    assert paths(procps_order(host.root)) == ["/etc/sysctl.d/99-vm-max-map-count.conf", "/etc/sysctl.conf"]
    host.link("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf")
    assert paths(systemd_order(host.root)) == [
        "/etc/sysctl.d/99-sysctl.conf",
        "/etc/sysctl.d/99-vm-max-map-count.conf",
    ]
    assert winner(settings_in(host.root, systemd_order(host.root))).value == 1048576  # type: ignore[union-attr]
    assert winner(settings_in(host.root, procps_order(host.root))).value == 524288  # type: ignore[union-attr]


def test_absolute_links_resolve_inside_the_root(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.write("/etc/sysctl.conf", "vm.max_map_count = 200000\n")
    host.link("/etc/sysctl.d/99-sysctl.conf", "/etc/sysctl.conf")
    host.link("/etc/alt", "/etc/../etc/./alt2")
    host.link("/etc/alt2", "alt")
    (file,) = systemd_order(host.root)
    assert (file.path, file.target) == ("/etc/sysctl.d/99-sysctl.conf", "/etc/sysctl.conf")
    assert settings_in(host.root, [file])[0].value == 200000
    assert resolve_in_root(host.root, "/etc/alt") is None  # a loop


def test_parse_settings_spellings() -> None:
    text = "\n".join([
        "# vm.max_map_count = 1",
        "; vm.max_map_count = 2",
        "vm.max_map_count=3",
        "  vm.max_map_count   =   4  ",
        "vm/max_map_count = 5",
        "-vm.max_map_count = 6",
        "vm.max_map_count_other = 7",
        "vm.max_map_count = 99999999999",
        "vm.max_map_count = -1",
        "",
    ])
    assert parse_settings(text) == [
        (3, "3", 3), (4, "4", 4), (5, "5", 5), (6, "6", 6), (8, "99999999999", None), (9, "-1", None),
    ]


def test_unreadable_directories_and_files_are_skipped(tmp_path: Path) -> None:
    host = FakeHost(tmp_path)
    host.link("/etc/sysctl.d/dangling.conf", "/nowhere.conf")
    (host.root / "run").mkdir()
    (host.root / "run" / "sysctl.d").write_text("not a folder\n")
    assert systemd_order(host.root) == []
