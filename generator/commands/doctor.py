"""``maxmap doctor``: diagnose this host's vm.max_map_count and print the fix."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import EnvironmentProblem, InputError
from generator.inputs import add_input_options, lookup_from, requirements_for

DESCRIPTION = """\
Diagnose vm.max_map_count on this Linux host: total RAM (/proc/meminfo), the live value, every
sysctl file that sets it and which one wins (at boot under systemd-sysctl, and under procps
'sysctl --system', which applies /etc/sysctl.conf last), the processes with the most memory
mappings, and running JVMs (-Xmx, -XX:+UseZGC) with what their ZGC needs.

The recommended value uses the rules of 'maxmap value': 4 x MemTotal in MiB (or --ram), any
--jvm-heap/--workload given, and the ZGC rule for each running ZGC JVM. Exit 0 when healthy,
1 when the host is short or inconsistent (the report, with the fix, is on stdout)."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's options."""
    add_input_options(parser)
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON (stable keys) for monitoring")
    parser.add_argument(
        "--top", type=int, default=5, metavar="N", help="show the N processes with the most mappings (default 5)"
    )
    parser.add_argument(
        "--proc-root", type=Path, default=None, metavar="DIR",
        help="read /proc from DIR instead (a fixture tree, or a host's /proc mounted elsewhere)",
    )
    parser.add_argument(
        "--root", type=Path, default=Path("/"), metavar="DIR",
        help="read the sysctl files (/etc, /run, /usr/lib, /lib) under DIR instead of /",
    )


def run(args: argparse.Namespace) -> int:
    """Read, diagnose, report; exit 1 unless healthy."""
    from generator.doctor import diagnose, read_host
    from generator.doctor.report import as_json, as_text

    proc_root = args.proc_root
    if proc_root is None:
        if not sys.platform.startswith("linux"):
            raise EnvironmentProblem(f"maxmap doctor reads /proc and runs on Linux only, not {sys.platform}")
        proc_root = Path("/proc")
    if not args.root.is_dir():
        raise InputError(f"--root {args.root}: not a directory")
    diagnosis = diagnose(read_host(proc_root, args.root), requirements_for(args.inputs, lookup_from(args)), top=max(args.top, 0))
    sys.stdout.write(as_json(diagnosis) if args.json else as_text(diagnosis))
    if diagnosis.healthy:
        return 0
    sys.stderr.write(f"maxmap: doctor: {diagnosis.verdict}: {len(diagnosis.problems)} problem(s), see the report\n")
    return 1
