"""Benchmark ``maxmap build`` on a config of 1000 targets x 3 formats: target < 3 s on 2 cores,
``--check`` no slower.

Runs alone (``python benchmarks/bench_build.py [--targets N] [--repeat R]``) or from
``benchmarks/run.py`` through :func:`run`. Every target has its own inputs (distinct instance
types from the bundled table when this maxmap knows instance types, else distinct RAM sizes), so
no two targets share a plan: the worst case for the render cache. Each figure is a whole
``python -m generator`` process, imports included, as a user or pre-commit runs it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("cloud-init", "shell", "sysctl-conf")
TARGET_SECONDS = 3.0


def instance_types(count: int) -> list[str]:
    """Up to ``count`` types of the bundled table, when this maxmap has one (else [])."""
    sys.path.insert(0, str(ROOT))
    try:
        from generator.inputs import Input, requirement_for

        from generator import instances  # type: ignore[attr-defined]

        names = sorted(instances.bundled_table())[:count]  # type: ignore[attr-defined]
        requirement_for(Input("instance-type", names[0]))
        return names
    except Exception:  # noqa: BLE001 - any failure means: no table yet, use RAM sizes
        return []
    finally:
        sys.path.remove(str(ROOT))


def write_config(folder: Path, count: int) -> Path:
    """A config of ``count`` targets, each with its own inputs, three formats each."""
    types = instance_types(count)
    lines = ["version: 1", "output_dir: generated", "targets:"]
    for index in range(count):
        source = f"instance_type: {types[index]}" if index < len(types) else f"ram: {(index + 1) * 4}GiB"
        lines += [
            f"  - name: node-{index:04d}",
            f"    {source}",
            f"    formats: [{', '.join(FORMATS)}]",
        ]
    path = folder / "maxmap.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(argv: list[str], cwd: Path, expect: int) -> float:
    """Seconds for one ``python -m generator`` run that must exit ``expect``."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", *argv], cwd=cwd, capture_output=True,
                            text=True, check=False, env=_env())
    elapsed = time.perf_counter() - start
    if result.returncode != expect:
        raise SystemExit(f"maxmap {' '.join(argv)} exited {result.returncode}: {result.stderr[-2000:]}")
    return elapsed


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run(targets: int = 1000, repeat: int = 3) -> dict[str, Any]:
    """Median seconds of: a first build (every file created), a rebuild (nothing changes),
    ``--check`` in sync, and ``--check`` after one file changed."""
    first, rebuild, check, drift = [], [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="maxmap-bench-") as tmp:
            folder = Path(tmp)
            write_config(folder, targets)
            first.append(timed(["build"], folder, 0))
            rebuild.append(timed(["build"], folder, 0))
            check.append(timed(["build", "--check"], folder, 0))
            victim = next((folder / "generated").iterdir())
            victim.write_text(victim.read_text() + "# edited\n")
            drift.append(timed(["build", "--check"], folder, 1))
    figures = {
        "targets": targets,
        "files": targets * len(FORMATS),
        "source": "instance types" if instance_types(1) else "RAM sizes",
        "build_first_s": statistics.median(first),
        "build_again_s": statistics.median(rebuild),
        "check_s": statistics.median(check),
        "check_drift_s": statistics.median(drift),
        "target_s": TARGET_SECONDS,
    }
    return figures


def main() -> int:
    """Print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    figures = run(options.targets, options.repeat)
    print(f"maxmap build: {figures['targets']} targets x {len(FORMATS)} formats = {figures['files']} files "
          f"({figures['source']}), median of {options.repeat}")
    for key in ("build_first_s", "build_again_s", "check_s", "check_drift_s"):
        print(f"  {key:<15} {figures[key]:6.2f} s")
    slowest_build = figures["build_first_s"]
    ok = slowest_build < TARGET_SECONDS and figures["check_s"] <= max(slowest_build, figures["build_again_s"]) * 1.1
    print(f"  target: build < {TARGET_SECONDS} s, --check no slower: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
