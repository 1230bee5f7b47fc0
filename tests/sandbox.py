"""Run generated provisioning as root without touching the host.

Inside a private mount namespace (``unshare -m``): a temporary file is bind-mounted over
/proc/sys/vm/max_map_count, /etc becomes an overlay whose writes land in a temporary folder, and
every sysctl.d folder and /etc/sysctl.conf are replaced by temporary ones holding only what a test
puts there, so nothing real is read, and no other kernel setting can be applied by accident:
/proc/sys is made read-only, and only the fakes mounted over it (vm.max_map_count and the
sysctls a test names) are writable, so a stray write fails instead of reaching the host's kernel.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Mapping

SYSCTL_DIRS = ("/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d")
CONF = "/etc/sysctl.d/99-vm-max-map-count.conf"


class Sandbox:
    """A fake kernel value and fake sysctl configuration under ``base``.

    ``etc`` is the overlay's upper layer (what was written to /etc); ``etc_sysctl_d`` is
    /etc/sysctl.d, which starts as Debian ships it: only ``99-sysctl.conf -> ../sysctl.conf``.
    ``lib_sysctl_d`` stands in for /usr/lib/sysctl.d (vendor defaults).
    """

    def __init__(self, base: Path, live: int = 65530, sysctls: Mapping[str, int] | None = None) -> None:
        """``sysctls`` fakes other sysctls (``{"vm.swappiness": 60}``) for scripts that set them."""
        self.base = base
        self.live_file = base / "max_map_count"
        self.fakes = base / "sysctls"
        self.fakes.mkdir(parents=True, exist_ok=True)
        self.faked: dict[str, Path] = {}
        for name, value in (sysctls or {}).items():
            self.faked[name] = self.fakes / name
            self.faked[name].write_text(f"{value}\n")
        self.etc = base / "etc-upper"
        self.work = base / "etc-work"
        self.etc_sysctl_d = base / "etc-sysctl.d"
        self.lib_sysctl_d = base / "usr-lib-sysctl.d"
        self.empty = base / "empty"
        for folder in (self.etc, self.work, self.etc_sysctl_d, self.lib_sysctl_d, self.empty):
            folder.mkdir(parents=True, exist_ok=True)
        (self.etc_sysctl_d / "99-sysctl.conf").symlink_to("../sysctl.conf")
        self.set_etc_sysctl_conf("# /etc/sysctl.conf of the sandbox\n")
        self.live = live

    @property
    def live(self) -> int:
        """The fake live value of vm.max_map_count."""
        return int(self.live_file.read_text().strip())

    @live.setter
    def live(self, value: int) -> None:
        self.live_file.write_text(f"{value}\n")

    def sysctl(self, name: str) -> int:
        """The fake value of a sysctl named when the sandbox was made."""
        return int(self.faked[name].read_text().strip())

    def set_etc_sysctl_conf(self, text: str) -> None:
        """Give the sandbox its own /etc/sysctl.conf (EKS AMIs put 524288 there)."""
        (self.etc / "sysctl.conf").write_text(text)

    def conf_path(self) -> Path:
        """Where the sandbox's /etc/sysctl.d/99-vm-max-map-count.conf lands."""
        return self.etc_sysctl_d / "99-vm-max-map-count.conf"

    def persisted(self) -> str | None:
        """The text of our sysctl.d file in the sandbox, or None."""
        path = self.conf_path()
        return path.read_text() if path.exists() else None

    def run(
        self, argv: list[str], input_text: str | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` as root in the sandbox; ``env`` adds to the environment."""
        # /proc/sys read-only first: the fakes mounted on top stay writable, nothing else is.
        binds = ["mount --bind /proc/sys /proc/sys", "mount -o remount,bind,ro /proc/sys"]
        binds.append(f"mount --bind {shlex.quote(str(self.live_file))} /proc/sys/vm/max_map_count")
        for name, fake in self.faked.items():
            target = "/proc/sys/" + name.replace(".", "/")
            binds.append(f"mount --bind {shlex.quote(str(fake))} {shlex.quote(target)}")
        binds.append(
            "mount -t overlay overlay -o "
            + shlex.quote(f"lowerdir=/etc,upperdir={self.etc},workdir={self.work}")
            + " /etc"
        )
        binds.append(f"mount --bind {shlex.quote(str(self.etc_sysctl_d))} /etc/sysctl.d")
        for folder in SYSCTL_DIRS:
            source = self.lib_sysctl_d if folder == "/usr/lib/sysctl.d" else self.empty
            binds.append(f"if [ -d {folder} ]; then mount --bind {shlex.quote(str(source))} {folder}; fi")
        setup = "set -e; mount --make-rprivate /; " + "; ".join(binds) + '; exec "$@"'
        return subprocess.run(
            ["unshare", "-m", "sh", "-c", setup, "sandbox", *argv],
            input=input_text, capture_output=True, text=True, check=False, timeout=120,
            env=None if env is None else {**os.environ, **env},
        )

    def run_script(self, script: str) -> subprocess.CompletedProcess[str]:
        """Run a shell script (text) with /bin/sh in the sandbox."""
        path = self.base / "script.sh"
        path.write_text(script)
        return self.run(["/bin/sh", str(path)])

    def boot(self) -> subprocess.CompletedProcess[str]:
        """Apply the sysctl configuration as systemd-sysctl does at boot (sorted, /etc wins)."""
        return self.run([SYSTEMD_SYSCTL])

    def sysctl_system(self) -> subprocess.CompletedProcess[str]:
        """Apply the configuration as procps ``sysctl --system`` does (/etc/sysctl.conf last)."""
        return self.run(["sysctl", "--system"])


SYSTEMD_SYSCTL = "/lib/systemd/systemd-sysctl"
