"""A :class:`Diagnosis` for people (aligned text) and for monitoring (JSON with stable keys)."""

from __future__ import annotations

import json
from typing import Any

from generator.doctor.diagnosis import Diagnosis, where
from generator.doctor.processes import ProcessUsage
from generator.provision import SYSCTL_KEY

JSON_VERSION = 1
"""Bumped when a key changes meaning or disappears; new keys may appear without a bump."""


def _java_summary(process: ProcessUsage) -> str:
    java = process.java
    if java is None:
        return ""
    heap = java.heap_source or "unknown heap"
    if java.zgc_required is not None:
        return f"JVM, ZGC, {heap}: needs {java.zgc_required}"
    return f"JVM, {heap}" + ("" if java.zgc else ", not ZGC")


def _table(rows: list[tuple[str, ...]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        (indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths))).rstrip()
        for row in rows
    ]


def as_text(diagnosis: Diagnosis) -> str:
    """The report a person reads: the verdict first, then the evidence, then the fix."""
    reading = diagnosis.reading
    decision = diagnosis.decision
    lines = [f"{SYSCTL_KEY}: {diagnosis.verdict.upper()}", ""]
    lines += _table([
        ("RAM", f"{reading.memtotal_kib // 1024} MiB (MemTotal {reading.memtotal_kib} kB)"),
        ("live", str(reading.live)),
        ("recommended", str(decision.value)),
        ("at boot", f"{diagnosis.boot.value} ({diagnosis.boot.source}; systemd-sysctl)"),
        ("sysctl --system", f"{diagnosis.system.value} ({diagnosis.system.source})"),
    ], indent="")
    lines += ["", "rules (the largest wins, as in 'maxmap value --explain'):"]
    lines += _table([
        (r.rule if r.rule == "kernel-default" else f"{r.rule} {r.input}", str(r.value), r.reason
         + ("  <- wins" if r is decision.winner else ""))
        for r in decision.requirements
    ])
    lines += ["", "files setting it, in systemd-sysctl order (the last wins at boot):"]
    lines += [f"  {where(s)}: {s.text}" for s in reading.systemd_settings] or ["  (none)"]
    boot_files = {s.file for s in reading.systemd_settings}
    extra = [s for s in reading.procps_settings if s.file not in boot_files]
    if extra:
        lines += ["then 'sysctl --system' (procps) also applies:"]
        lines += [f"  {where(s)}: {s.text}" for s in extra]
    if diagnosis.top or not reading.scan.processes:
        lines += ["", f"processes with the most mappings (limit {reading.live} each):"]
    if diagnosis.top:
        rows: list[tuple[str, ...]] = [("PID", "MAPS", "USE", "NAME", "")]
        rows += [
            (str(p.pid), str(p.maps), f"{100 * p.maps // max(reading.live, 1)}%", p.name, _java_summary(p))
            for p in diagnosis.top
        ]
        lines += _table(rows)
    elif not reading.scan.processes:
        lines.append("  (none readable)")
    others = [p for p in diagnosis.jvms if p not in diagnosis.top]
    if others:
        lines += ["other JVMs:"]
        lines += _table([(str(p.pid), str(p.maps), p.name, _java_summary(p)) for p in others])
    if diagnosis.problems:
        lines += ["", "problems:"]
        lines += [f"  - [{p.code}] {p.message}" for p in diagnosis.problems]
    if diagnosis.notes:
        lines += ["", "notes:"]
        lines += [f"  - {note}" for note in diagnosis.notes]
    if diagnosis.fix:
        where_to = " on the host, not in this container" if reading.container else ""
        lines += ["", f"fix (run as root{where_to}; leaves {SYSCTL_KEY} = {diagnosis.target}):"]
        for step in diagnosis.fix:
            lines.append(f"  # {step.description}")
            lines += [f"  {command}" for command in step.commands]
    return "\n".join(lines) + "\n"


def _process(process: ProcessUsage, live: int) -> dict[str, Any]:
    java = process.java
    return {
        "pid": process.pid,
        "name": process.name,
        "maps": process.maps,
        "share_of_limit": round(process.maps / live, 4) if live else None,
        "jvm": None if java is None else {
            "heap_bytes": java.heap_bytes,
            "heap_source": java.heap_source,
            "zgc": java.zgc,
            "zgc_required": java.zgc_required,
        },
    }


def as_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """The diagnosis as plain data (what ``--json`` prints)."""
    reading = diagnosis.reading
    decision = diagnosis.decision
    return {
        "version": JSON_VERSION,
        "verdict": diagnosis.verdict,
        "healthy": diagnosis.healthy,
        "live": reading.live,
        "recommended": decision.value,
        "target": diagnosis.target,
        "ram": {"memtotal_kib": reading.memtotal_kib, "mib": reading.memtotal_kib // 1024},
        "requirements": [
            {"rule": r.rule, "input": r.input, "value": r.value, "reason": r.reason}
            for r in decision.requirements
        ],
        "winner": {"rule": decision.winner.rule, "input": decision.winner.input},
        "boot": {"value": diagnosis.boot.value, "source": diagnosis.boot.source},
        "sysctl_system": {"value": diagnosis.system.value, "source": diagnosis.system.source},
        "kernel_cmdline": reading.cmdline_value,
        "container": reading.container,
        "settings": {
            name: [
                {"path": s.file.path, "target": s.file.target, "line": s.line, "text": s.text, "value": s.value}
                for s in settings
            ]
            for name, settings in (("systemd", reading.systemd_settings), ("procps", reading.procps_settings))
        },
        "processes": [_process(p, reading.live) for p in diagnosis.top],
        "jvms": [_process(p, reading.live) for p in diagnosis.jvms],
        "skipped_processes": reading.scan.skipped,
        "problems": [{"code": p.code, "message": p.message} for p in diagnosis.problems],
        "notes": list(diagnosis.notes),
        "fix": [
            {"description": s.description, "commands": list(s.commands), "alternative": s.alternative}
            for s in diagnosis.fix
        ],
    }


def as_json(diagnosis: Diagnosis) -> str:
    """Stable JSON: sorted keys, two-space indent, one trailing newline."""
    return json.dumps(as_dict(diagnosis), indent=2, sort_keys=True) + "\n"
