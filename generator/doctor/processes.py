"""The processes on a host: how many memory mappings each uses, and which are JVMs.

vm.max_map_count limits each process (each address space) separately, so the processes that
matter are those whose count of mappings, one line each in /proc/PID/maps, is closest to it.
JVMs are recognised by their command line; with ZGC they need ``rules.zgc_required(heap)``.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from generator import rules
from generator.errors import InputError
from generator.sizes import parse_heap_bytes

DEFAULT_MAX_RAM_PERCENTAGE = 25.0
"""HotSpot's default maximum heap without -Xmx: MaxRAMPercentage=25 of physical memory."""

_JAVA_LAUNCHERS = {"java", "javaw", "jsvc"}
_CHUNK = 1 << 16
# Launcher options whose value is the next argument (so that value is not the main class).
_OPTIONS_WITH_VALUE = {
    "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path",
    "--add-modules", "--limit-modules", "--add-reads", "--add-exports", "--add-opens",
    "--patch-module", "--enable-native-access", "--source",
}  # fmt: skip


@dataclass(frozen=True)
class JavaProcess:
    """What a JVM's options say about its heap and collector.

    ``heap_source`` tells where ``heap_bytes`` came from: the option as written (``-Xmx100g``),
    or ``MaxRAMPercentage=25`` when the JVM sizes the heap from RAM.
    """

    heap_bytes: int | None
    heap_source: str
    zgc: bool

    @property
    def zgc_required(self) -> int | None:
        """The count below which this JVM's ZGC warns, when it uses ZGC and its heap is known."""
        if not self.zgc or self.heap_bytes is None:
            return None
        return rules.zgc_required(self.heap_bytes)


@dataclass(frozen=True)
class ProcessUsage:
    """One process: its id, name, mappings in use, and its JVM facts when it is a JVM."""

    pid: int
    name: str
    maps: int
    java: JavaProcess | None


@dataclass(frozen=True)
class ProcessScan:
    """Every readable process, and how many could not be read (permissions, exited meanwhile)."""

    processes: tuple[ProcessUsage, ...]
    skipped: int


def _is_java(argv: list[str]) -> bool:
    if not argv:
        return False
    launcher = os.path.basename(argv[0])
    if launcher in _JAVA_LAUNCHERS:
        return True
    # Launchers with other names (IDEs, app servers) still pass HotSpot options through.
    return any(arg.startswith(("-Xmx", "-XX:MaxHeapSize=", "-XX:+UseZGC")) for arg in argv[1:])


def java_options(argv: list[str], environ: dict[str, str]) -> list[str]:
    """The JVM options in the order HotSpot reads them: later ones override earlier ones.

    JAVA_TOOL_OPTIONS first, then JDK_JAVA_OPTIONS (the ``java`` launcher puts it before the
    command line), the command line, and _JAVA_OPTIONS last.
    """
    options: list[str] = []
    for name in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"):
        options += _split(environ.get(name, ""))
    options += _launcher_options(argv[1:])
    options += _split(environ.get("_JAVA_OPTIONS", ""))
    return options


def _launcher_options(arguments: list[str]) -> list[str]:
    """The options before the main class, jar or module: what follows belongs to the program."""
    options = []
    taking_value = False
    for argument in arguments:
        if taking_value:
            taking_value = False
            continue
        if argument in _OPTIONS_WITH_VALUE:
            taking_value = True
            continue
        if argument in ("-jar", "-m", "--module") or not argument.startswith("-"):
            break
        options.append(argument)
    return options


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: HotSpot splits on spaces too
        return text.split()


def java_process(argv: list[str], environ: dict[str, str], ram_bytes: int | None) -> JavaProcess | None:
    """The JVM facts in ``argv`` (and its environment), or ``None`` when it is not a JVM."""
    if not _is_java(argv):
        return None
    heap: int | None = None
    heap_source = ""
    percentage = DEFAULT_MAX_RAM_PERCENTAGE
    zgc = False
    for option in java_options(argv, environ):
        if option.startswith("-Xmx") or option.startswith("-XX:MaxHeapSize="):
            try:
                heap, heap_source = parse_heap_bytes(option, "heap option"), option
            except InputError:
                continue  # the JVM would not have started with it; ignore rather than guess
        elif option.startswith("-XX:MaxRAMPercentage="):
            try:
                percentage = float(option.split("=", 1)[1])
            except ValueError:
                continue
        elif option in ("-XX:+UseZGC", "-XX:-UseZGC"):
            zgc = option == "-XX:+UseZGC"
    if heap is None and ram_bytes is not None:
        heap = int(ram_bytes * percentage / 100)
        heap_source = f"MaxRAMPercentage={percentage:g} of RAM"
    return JavaProcess(heap_bytes=heap, heap_source=heap_source, zgc=zgc)


def count_lines(path: Path) -> int:
    """The number of lines in ``path``, read in chunks (a big JVM's maps runs to megabytes)."""
    count = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


def _read_environ(path: Path) -> dict[str, str]:
    try:
        raw = path.read_bytes()
    except OSError:  # another user's environment is private; the command line still tells a lot
        return {}
    pairs = (item.decode("utf-8", "replace").partition("=") for item in raw.split(b"\0") if item)
    return {key: value for key, _, value in pairs}


def read_process(proc_dir: Path, ram_bytes: int | None) -> ProcessUsage | None:
    """One process from its /proc folder; ``None`` when it cannot be read or has exited."""
    try:
        maps = count_lines(proc_dir / "maps")
        raw_argv = (proc_dir / "cmdline").read_bytes()
        name = (proc_dir / "comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # EACCES for other users' processes, ENOENT/ESRCH for those that exited
        return None
    argv = [a.decode("utf-8", "replace") for a in raw_argv.split(b"\0") if a]
    java = java_process(argv, _read_environ(proc_dir / "environ"), ram_bytes) if argv else None
    return ProcessUsage(pid=int(proc_dir.name), name=name or "?", maps=maps, java=java)


def scan(proc_root: Path, ram_bytes: int | None) -> ProcessScan:
    """Every process under ``proc_root``, most mappings first (ties by process id)."""
    try:
        entries = [entry for entry in os.listdir(proc_root) if entry.isdigit()]
    except OSError:
        entries = []
    found = []
    skipped = 0
    for entry in entries:
        usage = read_process(proc_root / entry, ram_bytes)
        if usage is None:
            skipped += 1
        elif usage.maps > 0:  # kernel threads have no address space of their own
            found.append(usage)
    found.sort(key=lambda p: (-p.maps, p.pid))
    return ProcessScan(processes=tuple(found), skipped=skipped)
