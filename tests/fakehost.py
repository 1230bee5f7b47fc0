"""A fake host for ``maxmap doctor``: a /proc tree and a filesystem root built in a test's tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

from generator.sizes import GIB

MAPS_LINE = "7f0000000000-7f0000001000 r--p 00000000 08:01 1234 /usr/lib/x86_64-linux-gnu/libc.so.6\n"


class FakeHost:
    """``proc`` stands for /proc and ``root`` for /; ``args()`` points ``maxmap doctor`` at them."""

    def __init__(self, base: Path, ram_bytes: int = 128 * GIB, live: int = 65530) -> None:
        self.proc = base / "proc"
        self.root = base / "root"
        (self.proc / "sys" / "vm").mkdir(parents=True)
        self.root.mkdir()
        self.set_ram(ram_bytes)
        self.set_live(live)
        (self.proc / "cmdline").write_text("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n")

    def set_ram(self, ram_bytes: int) -> None:
        """MemTotal in /proc/meminfo."""
        (self.proc / "meminfo").write_text(
            f"MemTotal:       {ram_bytes // 1024} kB\nMemFree:         1024 kB\nMemAvailable:    2048 kB\n"
        )

    def set_live(self, value: int) -> None:
        """The live value, /proc/sys/vm/max_map_count."""
        (self.proc / "sys" / "vm" / "max_map_count").write_text(f"{value}\n")

    def write(self, path: str, text: str) -> Path:
        """A file at host path ``path`` (e.g. ``/etc/sysctl.d/99-x.conf``)."""
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        return target

    def link(self, path: str, target: str) -> None:
        """A symbolic link at host path ``path`` whose text is ``target`` (relative or absolute)."""
        where = self.root / path.lstrip("/")
        where.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, where)

    def debian_sysctl_conf(self, text: str = "# kernel parameters\n") -> None:
        """/etc/sysctl.conf and Debian's link /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf."""
        self.write("/etc/sysctl.conf", text)
        self.link("/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf")

    def process(
        self, pid: int, name: str, argv: list[str], maps: int, environ: dict[str, str] | None = None
    ) -> None:
        """A process with ``maps`` mappings; ``environ`` None leaves it unreadable, as for other users."""
        folder = self.proc / str(pid)
        folder.mkdir()
        (folder / "comm").write_text(f"{name}\n")
        (folder / "cmdline").write_bytes(b"".join(a.encode() + b"\0" for a in argv))
        (folder / "maps").write_text(MAPS_LINE * maps)
        if environ is not None:
            (folder / "environ").write_bytes(b"".join(f"{k}={v}".encode() + b"\0" for k, v in environ.items()))

    def vanished_process(self, pid: int) -> None:
        """A /proc entry whose files are gone: the process exited while being read."""
        (self.proc / str(pid)).mkdir()

    def args(self) -> list[str]:
        """The arguments that point ``maxmap doctor`` at this host."""
        return ["--proc-root", str(self.proc), "--root", str(self.root)]
