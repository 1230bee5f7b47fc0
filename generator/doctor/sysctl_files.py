"""Which sysctl configuration files set vm.max_map_count, and in which order they apply.

Two programs apply these files, in different orders:

- systemd-sysctl, at every boot (sysctl.d(5)): every ``*.conf`` in /etc/sysctl.d, /run/sysctl.d,
  /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d; a name in an earlier folder hides
  the same name in later ones (so /etc overrides the vendor's file, and a link to /dev/null
  masks it); the survivors apply sorted by file name, so the last setting wins. /etc/sysctl.conf
  is read only through the ``99-sysctl.conf`` link most distributions ship.
- procps ``sysctl --system`` (procps-ng 4): the same folders and the same rule, then
  /etc/sysctl.conf once more, last. A value there undoes every file under sysctl.d.
  (procps-ng 3.3 searched /run/sysctl.d before /etc/sysctl.d; only a same-named file in both
  folders tells the two apart.)

Everything is read through ``root`` so a fixture tree can stand in for the host; symbolic links
resolve inside that root (an absolute target is taken relative to it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.provision import SYSCTL_KEY

SYSCTL_D_DIRS = (
    "/etc/sysctl.d",
    "/run/sysctl.d",
    "/usr/local/lib/sysctl.d",
    "/usr/lib/sysctl.d",
    "/lib/sysctl.d",
)
SYSCTL_CONF = "/etc/sysctl.conf"
_MAX_LINKS = 40  # as the kernel's path walk: beyond this it is a loop

_ASSIGNMENT = re.compile(r"^\s*(?P<dash>-?)\s*(?P<key>[^=\s]+)\s*=\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class ConfigFile:
    """One configuration file as a program applies it.

    ``path`` is the name on the host (``/etc/sysctl.d/99-sysctl.conf``); ``target`` the file it
    links to when it is a symbolic link; ``masked`` when it links to /dev/null.
    """

    path: str
    target: str | None = None
    masked: bool = False


@dataclass(frozen=True)
class Setting:
    """One line that sets vm.max_map_count: the file, the line number, the text after ``=``.

    ``value`` is the number, or ``None`` when the kernel would refuse the text.
    """

    file: ConfigFile
    line: int
    text: str
    value: int | None


def host_path(root: Path, path: str) -> Path:
    """Where host path ``path`` lives under ``root``."""
    return root / path.lstrip("/")


def resolve_in_root(root: Path, path: str) -> str | None:
    """Follow symbolic links of host path ``path`` without leaving ``root``.

    Returns the final host path, or ``None`` for a loop. Absolute targets are taken relative to
    ``root``, as they would be on the host with ``root`` mounted at ``/``.
    """
    parts = list(PurePosixPath(path).parts[1:])
    resolved = PurePosixPath("/")
    hops = 0
    while parts:
        part = parts.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            resolved = resolved.parent
            continue
        candidate = resolved / part
        try:
            target = os.readlink(host_path(root, str(candidate)))
        except OSError:  # not a link, or absent: keep the name as it is
            resolved = candidate
            continue
        hops += 1
        if hops > _MAX_LINKS:
            return None
        target_path = PurePosixPath(target)
        if target_path.is_absolute():
            resolved = PurePosixPath("/")
        parts = [p for p in target_path.parts if p != "/"] + parts
    return str(resolved)


def _config_file(root: Path, path: str) -> ConfigFile | None:
    """``path`` as a :class:`ConfigFile`, or ``None`` when it is not a readable regular file."""
    real = resolve_in_root(root, path)
    if real == "/dev/null":
        return ConfigFile(path, target=real, masked=True)
    if real is None or not host_path(root, real).is_file():
        return None
    return ConfigFile(path, target=real if real != path else None)


def _sysctl_d_files(root: Path) -> list[ConfigFile]:
    """The ``*.conf`` files of every sysctl.d folder, earlier folders hiding same names, by name."""
    chosen: dict[str, str] = {}
    for folder in SYSCTL_D_DIRS:
        try:
            names = sorted(os.listdir(host_path(root, folder)))
        except OSError:
            continue
        for name in names:
            if name.endswith(".conf") and name not in chosen:
                chosen[name] = f"{folder}/{name}"
    files = (_config_file(root, chosen[name]) for name in sorted(chosen))
    return [f for f in files if f is not None]


def systemd_order(root: Path) -> list[ConfigFile]:
    """The files systemd-sysctl applies at boot, in order (the last setting wins)."""
    return _sysctl_d_files(root)


def procps_order(root: Path) -> list[ConfigFile]:
    """The files ``sysctl --system`` applies, in order: sysctl.d as at boot, then /etc/sysctl.conf."""
    files = _sysctl_d_files(root)
    conf = _config_file(root, SYSCTL_CONF)
    if conf is not None and not conf.masked:
        files.append(conf)
    return files


def every_file(root: Path) -> list[ConfigFile]:
    """Every file the provisioning script weighs, hidden or not: it never lowers a value in any.

    The script (templates/provision.sh) reads /etc/sysctl.conf and each ``*.conf`` of every
    sysctl.d folder without applying the hiding rules, so a vendor file overridden in /etc
    still counts there; doctor predicts what that script leaves with the same list.
    """
    paths = [SYSCTL_CONF]
    for folder in SYSCTL_D_DIRS:
        try:
            names = sorted(os.listdir(host_path(root, folder)))
        except OSError:
            continue
        paths += [f"{folder}/{name}" for name in names if name.endswith(".conf")]
    files = (_config_file(root, path) for path in paths)
    return [f for f in files if f is not None and not f.masked]


def _is_our_key(key: str) -> bool:
    # sysctl.d(5): "vm/max_map_count" names the same setting as "vm.max_map_count".
    return key.replace("/", ".") == SYSCTL_KEY


def _number(text: str) -> int | None:
    """The value the kernel would accept (0 to INT_MAX), else ``None``."""
    if not re.fullmatch(r"\+?\d+", text):
        return None
    value = int(text)
    return value if value <= 2147483647 else None


def parse_settings(text: str) -> list[tuple[int, str, int | None]]:
    """``(line number, value text, value)`` for each line of ``text`` setting vm.max_map_count."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        match = _ASSIGNMENT.match(stripped)
        if match and _is_our_key(match["key"]):
            found.append((number, match["value"], _number(match["value"])))
    return found


def settings_in(root: Path, files: list[ConfigFile]) -> list[Setting]:
    """Every setting of vm.max_map_count in ``files``, in the order they apply.

    A file that cannot be read (permissions, vanished) contributes nothing, as it would not
    to the program applying it.
    """
    settings = []
    for config in files:
        if config.masked:
            continue
        try:
            text = host_path(root, config.target or config.path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        settings += [Setting(config, line, raw, value) for line, raw, value in parse_settings(text)]
    return settings


def winner(settings: list[Setting]) -> Setting | None:
    """The setting in force after applying ``settings`` in order (refused values change nothing)."""
    valid = [s for s in settings if s.value is not None]
    return valid[-1] if valid else None
