"""Read what the doctor needs from a host, through roots a test can point at a fixture tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.doctor import processes, sysctl_files
from generator.doctor.processes import ProcessScan
from generator.doctor.sysctl_files import ConfigFile, Setting
from generator.errors import EnvironmentProblem

_CMDLINE_SETTING = re.compile(r"(?:^|\s)sysctl\.vm[./]max_map_count=(\d+)(?=\s|$)")


@dataclass(frozen=True)
class HostReading:
    """Everything read from one host; the diagnosis is a pure function of it."""

    memtotal_kib: int
    live: int
    cmdline_value: int | None  # sysctl.vm.max_map_count= on the kernel command line (Linux 5.8+)
    systemd_files: tuple[ConfigFile, ...]
    procps_files: tuple[ConfigFile, ...]
    systemd_settings: tuple[Setting, ...]
    procps_settings: tuple[Setting, ...]
    every_setting: tuple[Setting, ...]  # in every file, hidden or not (what provisioning weighs)
    scan: ProcessScan
    container: str | None = None  # "docker", "podman", "kubernetes", ... when run inside one

    @property
    def ram_bytes(self) -> int:
        """MemTotal in bytes."""
        return self.memtotal_kib * 1024


def read_memtotal_kib(proc_root: Path) -> int:
    """MemTotal from /proc/meminfo, in KiB (the kernel's "kB")."""
    path = proc_root / "meminfo"
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as e:
        raise EnvironmentProblem(f"cannot read {path}: {e.strerror or e}") from e
    match = re.search(r"^MemTotal:\s+(\d+)\s*kB\s*$", text, re.MULTILINE)
    if not match:
        raise EnvironmentProblem(f"{path} has no MemTotal line")
    return int(match[1])


def read_live(proc_root: Path) -> int:
    """The live vm.max_map_count."""
    path = proc_root / "sys" / "vm" / "max_map_count"
    try:
        return int(path.read_text(encoding="ascii").strip())
    except OSError as e:
        raise EnvironmentProblem(f"cannot read {path}: {e.strerror or e}") from e
    except ValueError:
        raise EnvironmentProblem(f"{path} does not hold a number") from None


def read_cmdline_value(proc_root: Path) -> int | None:
    """The value the kernel command line sets at boot, if any (the last one counts)."""
    try:
        text = (proc_root / "cmdline").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = _CMDLINE_SETTING.findall(text)
    return int(found[-1]) if found else None


def read_container(proc_root: Path, root: Path) -> str | None:
    """The container engine this runs under, if any: vm.* sysctls belong to the host's kernel."""
    if (root / ".dockerenv").exists():
        return "docker"
    if (root / "run" / ".containerenv").exists():
        return "podman"
    try:
        environ = (proc_root / "1" / "environ").read_bytes().split(b"\0")
    except OSError:
        environ = []
    for item in environ:
        if item.startswith(b"container="):  # systemd's convention: nspawn, lxc, podman
            return item.partition(b"=")[2].decode("utf-8", "replace") or "container"
    try:
        cgroup = (proc_root / "1" / "cgroup").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if "kubepods" in cgroup:
        return "kubernetes"
    return None


def read_host(proc_root: Path, root: Path) -> HostReading:
    """Read RAM, the live value, the sysctl files under ``root`` and the processes under ``proc_root``."""
    memtotal = read_memtotal_kib(proc_root)
    systemd_files = sysctl_files.systemd_order(root)
    procps_files = sysctl_files.procps_order(root)
    return HostReading(
        memtotal_kib=memtotal,
        live=read_live(proc_root),
        cmdline_value=read_cmdline_value(proc_root),
        systemd_files=tuple(systemd_files),
        procps_files=tuple(procps_files),
        systemd_settings=tuple(sysctl_files.settings_in(root, systemd_files)),
        procps_settings=tuple(sysctl_files.settings_in(root, procps_files)),
        every_setting=tuple(sysctl_files.settings_in(root, sysctl_files.every_file(root))),
        scan=processes.scan(proc_root, memtotal * 1024),
        container=read_container(proc_root, root),
    )
