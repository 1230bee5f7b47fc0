"""The verdict on a host, and the commands that fix it: a pure function of a :class:`HostReading`.

The recommended value comes from the same rules as ``maxmap value``: the RAM rule on MemTotal
(or on ``--ram`` when given), the user's ``--jvm-heap``/``--workload``, and the ZGC rule for every
running JVM that uses ZGC. The host is healthy when the live value meets it, the value set at
boot equals the live one, ``sysctl --system`` would not change it, and no process is close to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from generator import rules
from generator.doctor.host import HostReading
from generator.doctor.processes import ProcessUsage
from generator.doctor.sysctl_files import SYSCTL_CONF, Setting, winner
from generator.inputs import canonical_arguments, command_line
from generator.provision import SYSCTL_FILE, SYSCTL_KEY
from generator.rules import Decision, Requirement
from generator.sizes import format_mib

NEAR_FRACTION = 0.8
"""A process using this share of the limit is close to failing its next mmap()."""

HEADROOM_STEP = 65536

# GNU sed address of a line setting the key, in every spelling sysctl.d(5) accepts.
_SED_LINE = r"^[[:space:]]*-\{0,1\}[[:space:]]*vm[./]max_map_count[[:space:]]*="


@dataclass(frozen=True)
class Finding:
    """One problem: a stable ``code`` for monitoring and a sentence for people."""

    code: str  # short, zgc-short, process-near-limit, boot-differs, sysctl-system-differs, invalid-setting
    message: str


@dataclass(frozen=True)
class FixStep:
    """Commands to run (as root) and why; an ``alternative`` step does what the one before does."""

    description: str
    commands: tuple[str, ...]
    alternative: bool = False


@dataclass(frozen=True)
class Applied:
    """The value a program leaves in force, and where it comes from."""

    value: int
    source: str  # "FILE:LINE", "kernel command line", "kernel default" or "unchanged"


@dataclass(frozen=True)
class Diagnosis:
    """The verdict on one host."""

    reading: HostReading
    decision: Decision
    boot: Applied  # systemd-sysctl at boot
    system: Applied  # procps sysctl --system
    top: tuple[ProcessUsage, ...]
    jvms: tuple[ProcessUsage, ...]
    target: int
    problems: tuple[Finding, ...]
    notes: tuple[str, ...]
    fix: tuple[FixStep, ...]

    @property
    def verdict(self) -> str:
        """``healthy``, ``short`` (a process may fail to map memory) or ``inconsistent``."""
        if not self.problems:
            return "healthy"
        if any(p.code in ("short", "zgc-short", "process-near-limit") for p in self.problems):
            return "short"
        return "inconsistent"

    @property
    def healthy(self) -> bool:
        """No problems found."""
        return not self.problems


def where(setting: Setting) -> str:
    """``FILE:LINE`` of a setting, naming the link's target when the file is a link."""
    via = f" -> {setting.file.target}" if setting.file.target else ""
    return f"{setting.file.path}{via}:{setting.line}"


def requirements_for_host(
    reading: HostReading, given: Sequence[Requirement]
) -> list[Requirement]:
    """The RAM rule on MemTotal (unless ``--ram`` was given), the user's inputs, running ZGC JVMs."""
    found: list[Requirement] = []
    if not any(r.rule == "ram" for r in given):
        mib = reading.memtotal_kib // 1024
        found.append(rules.ram_requirement(mib, label=format_mib(mib)))
    found += given
    for process in reading.scan.processes:
        java = process.java
        if java is not None and java.zgc and java.heap_bytes:
            found.append(rules.heap_requirement(java.heap_bytes))
    unique: dict[tuple[str, str], Requirement] = {}
    for requirement in found:
        unique.setdefault((requirement.rule, requirement.input), requirement)
    return list(unique.values())


def _boot(reading: HostReading) -> Applied:
    last = winner(list(reading.systemd_settings))
    if last is not None:
        return Applied(last.value or 0, where(last))
    if reading.cmdline_value is not None:
        return Applied(reading.cmdline_value, "kernel command line")
    return Applied(rules.KERNEL_DEFAULT, "kernel default")


def _system(reading: HostReading) -> Applied:
    last = winner(list(reading.procps_settings))
    if last is not None:
        return Applied(last.value or 0, where(last))
    return Applied(reading.live, "unchanged")


def heap_source(process: ProcessUsage) -> str:
    """Where a JVM's heap size comes from (``-Xmx100g``), or ``unknown``."""
    return (process.java.heap_source if process.java else "") or "unknown"


def _process_label(process: ProcessUsage) -> str:
    return f"PID {process.pid} ({process.name})"


def _findings(
    reading: HostReading, decision: Decision, boot: Applied, system: Applied
) -> list[Finding]:
    live = reading.live
    found: list[Finding] = []
    if live < decision.value:
        w = decision.winner
        found.append(Finding(
            "short",
            f"the live {SYSCTL_KEY} {live} is below the recommended {decision.value} "
            f"({w.rule} {w.input}: {w.reason})",
        ))
    for process in reading.scan.processes:
        required = process.java.zgc_required if process.java else None
        if required is not None and required > live:
            found.append(Finding(
                "zgc-short",
                f"{_process_label(process)} runs ZGC with a {heap_source(process)} heap "
                f"and needs {required}, above the live limit {live}",
            ))
    for process in reading.scan.processes:
        if process.maps >= NEAR_FRACTION * live:
            found.append(Finding(
                "process-near-limit",
                f"{_process_label(process)} uses {process.maps} of {live} mappings "
                f"({100 * process.maps // max(live, 1)}%)",
            ))
    if boot.value < live:
        found.append(Finding(
            "boot-differs",
            f"the live value {live} is lost at reboot: boot sets {boot.value} ({boot.source})",
        ))
    elif boot.value > live:
        found.append(Finding(
            "boot-differs",
            f"{boot.source} sets {boot.value} at boot but the live value is {live}: it was never applied",
        ))
    if system.source != "unchanged" and system.value != boot.value:
        found.append(Finding(
            "sysctl-system-differs",
            f"'sysctl --system' would set {system.value} ({system.source}) where boot sets {boot.value}: "
            f"procps applies {SYSCTL_CONF} last",
        ))
    for setting in reading.procps_settings:
        if setting.value is None:
            found.append(Finding(
                "invalid-setting",
                f"{where(setting)} sets {SYSCTL_KEY} to {setting.text!r}, which the kernel refuses",
            ))
    return found


def _target(reading: HostReading, decision: Decision) -> int:
    """What the provisioning script would leave: it never lowers the live value or another file's.

    As the script does, this weighs the last numeric setting of each file but our own.
    """
    last_in_file: dict[str, int] = {}
    for setting in reading.every_setting:
        if setting.value is not None and setting.file.path != SYSCTL_FILE:
            last_in_file[setting.file.path] = setting.value
    return max([decision.value, reading.live, *last_in_file.values()])


def _headroom(reading: HostReading) -> int:
    """A limit that gives every busy process twice the mappings it uses now."""
    busiest = max((p.maps for p in reading.scan.processes), default=0)
    return -(-2 * busiest // HEADROOM_STEP) * HEADROOM_STEP


def _overriders(reading: HostReading, target: int) -> list[str]:
    """Host files whose setting would undo ``target`` in our file, at boot or under sysctl --system."""
    ours = SYSCTL_FILE.rsplit("/", 1)[1]
    files: list[str] = []
    for settings in (reading.systemd_settings, reading.procps_settings):
        for setting in settings:
            name = setting.file.path.rsplit("/", 1)[1]
            applies_after = setting.file.path == SYSCTL_CONF or name > ours
            wrong = setting.value is None or (applies_after and setting.value != target)
            real = setting.file.target or setting.file.path
            if setting.file.path != SYSCTL_FILE and wrong and real not in files:
                files.append(real)
    return files


def _disable_commands(path: str) -> list[str]:
    """Commands that stop ``path`` setting the key, keeping its other settings."""
    if path.startswith("/etc/"):
        return [f"sed -i '/{_SED_LINE}/s/^/# disabled by maxmap doctor: /' {path}"]
    # A vendor file: a same-named file in /etc/sysctl.d hides it (sysctl.d(5)).
    name = path.rsplit("/", 1)[1]
    return [f"grep -v '{_SED_LINE}' {path} > /etc/sysctl.d/{name}"]


def _fix(reading: HostReading, decision: Decision, requirements: Sequence[Requirement],
         given: Sequence[Requirement], problems: list[Finding], target: int) -> list[FixStep]:
    if not problems:
        return []
    steps: list[FixStep] = []
    needs_provisioning = any(p.code in ("short", "zgc-short", "process-near-limit", "boot-differs") for p in problems)
    if needs_provisioning:
        direct = (
            f"printf '%s\\n' '{SYSCTL_KEY} = {target}' > {SYSCTL_FILE}",
            f"sysctl -w {SYSCTL_KEY}={target}",
        )
        if target == _target(reading, decision):
            render = command_line(["maxmap", "render", "--format", "shell", *canonical_arguments(requirements)])
            steps.append(FixStep(
                f"Raise the live value and persist it in {SYSCTL_FILE} (never lowers a higher value)",
                (f"{render} | sh",),
            ))
            steps.append(FixStep("Or the same without maxmap", direct, alternative=True))
        else:
            steps.append(FixStep(
                f"Give the busiest process twice the mappings it uses: persist and apply {target}", direct,
            ))
    for path in _overriders(reading, target):
        steps.append(FixStep(
            f"Stop {path} from undoing it (at boot or under 'sysctl --system')", tuple(_disable_commands(path)),
        ))
    steps.append(FixStep("Check again", (command_line(["maxmap", "doctor", *canonical_arguments(given)]),)))
    return steps


def _notes(reading: HostReading) -> list[str]:
    notes = []
    if reading.scan.skipped:
        notes.append(
            f"{reading.scan.skipped} process(es) could not be read (permission denied, or exited meanwhile); "
            "root sees the most"
        )
    if reading.container is not None:
        notes.append(
            f"this runs in a container ({reading.container}): {SYSCTL_KEY} is the host kernel's, shared by "
            "every container; apply the fix on the host (its image, user-data or node configuration)"
        )
    if reading.cmdline_value is not None:
        notes.append(f"the kernel command line sets {SYSCTL_KEY}={reading.cmdline_value} before any file applies")
    return notes


def diagnose(reading: HostReading, given: Sequence[Requirement] = (), top: int = 5) -> Diagnosis:
    """The verdict on ``reading`` with the user's extra requirements ``given`` (``--jvm-heap`` ...)."""
    requirements = requirements_for_host(reading, given)
    decision = rules.decide(requirements)
    boot, system = _boot(reading), _system(reading)
    problems = _findings(reading, decision, boot, system)
    target = _target(reading, decision)
    if any(p.code == "process-near-limit" for p in problems):
        target = max(target, _headroom(reading))
    return Diagnosis(
        reading=reading,
        decision=decision,
        boot=boot,
        system=system,
        top=reading.scan.processes[:top],
        jvms=tuple(p for p in reading.scan.processes if p.java is not None),
        target=target,
        problems=tuple(problems),
        notes=tuple(_notes(reading)),
        fix=tuple(_fix(reading, decision, requirements, given, problems, target)),
    )
