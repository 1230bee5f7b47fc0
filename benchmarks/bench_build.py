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
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("cloud-init", "shell", "sysctl-conf")
TARGET_SECONDS = 3.0


TYPE_NAME = re.compile(r"^[a-z][a-z-]*[0-9][a-z0-9-]*\.[a-z0-9-]+$")
"""An EC2 type's shape: every family has a digit (t3, r6i, u-3tb1, x2iedn)."""


def instance_types(count: int) -> list[str]:
    """Up to ``count`` types of the bundled table (``maxmap table --json``), or [] when this
    maxmap has no table yet. Spread over the table, so memory sizes vary as in a real fleet."""
    result = subprocess.run([sys.executable, "-m", "generator", "table", "--json"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return []
    try:
        document = json.loads(result.stdout)
    except ValueError:
        return []
    rows = document.get("types", document) if isinstance(document, dict) else document
    names = sorted({name for name in _strings(rows) if TYPE_NAME.match(name)})
    if not names:
        return []
    step = max(1, len(names) // count)
    spread = names[::step][:count]
    return [spread[index % len(spread)] for index in range(count)]


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, dict keys included: the table's shape is not fixed here."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def write_config(folder: Path, count: int) -> str:
    """A config of ``count`` targets, each with its own inputs, three formats each."""
    types = instance_types(count)
    lines = ["version: 1", "output_dir: generated", "targets:"]
    for index in range(count):
        source = f"instance_type: {types[index]}" if types else f"ram: {(index + 1) * 4}GiB"
        lines += [
            f"  - name: node-{index:04d}",
            f"    {source}",
            f"    formats: [{', '.join(FORMATS)}]",
        ]
    (folder / "maxmap.yaml").write_text("\n".join(lines) + "\n")
    return "instance types of the bundled table" if types else "RAM sizes, each target its own"


def timed(argv: list[str], cwd: Path, expect: int) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one ``python -m generator``
    run that must exit ``expect``. CPU time shows the work when other jobs share the machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", *argv], cwd=cwd, capture_output=True,
                            text=True, check=False, env=_env())
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != expect:
        raise SystemExit(f"maxmap {' '.join(argv)} exited {result.returncode}: {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


CASES = ("build_first", "build_again", "check", "check_drift")


def run(targets: int = 1000, repeat: int = 3) -> dict[str, Any]:
    """Median wall and CPU seconds of: a first build (every file created), a rebuild (nothing
    changes), ``--check`` in sync, and ``--check`` after one file changed."""
    samples: dict[str, list[tuple[float, float]]] = {case: [] for case in CASES}
    source = ""
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="maxmap-bench-") as tmp:
            folder = Path(tmp)
            source = write_config(folder, targets)
            samples["build_first"].append(timed(["build"], folder, 0))
            samples["build_again"].append(timed(["build"], folder, 0))
            samples["check"].append(timed(["build", "--check"], folder, 0))
            victim = next((folder / "generated").iterdir())
            victim.write_text(victim.read_text() + "# edited\n")
            samples["check_drift"].append(timed(["build", "--check"], folder, 1))
    figures: dict[str, Any] = {"targets": targets, "files": targets * len(FORMATS), "source": source}
    for case, values in samples.items():
        figures[f"{case}_s"] = statistics.median(wall for wall, _ in values)
        figures[f"{case}_cpu_s"] = statistics.median(cpu for _, cpu in values)
    return figures


def main() -> int:
    """Print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    figures = run(options.targets, options.repeat)
    print(f"maxmap build: {figures['targets']} targets x {len(FORMATS)} formats = {figures['files']} files "
          f"({figures['source']}); median of {options.repeat}, on {os.cpu_count()} CPUs")
    print(f"  {'case':<12} {'wall':>8} {'cpu':>8}")
    for case in CASES:
        print(f"  {case:<12} {figures[case + '_s']:7.2f}s {figures[case + '_cpu_s']:7.2f}s")
    build_s = max(figures["build_first_s"], figures["build_again_s"])
    # "No slower" with a margin for timing noise: a check does a build's work less the writes.
    ok = figures["build_first_s"] < TARGET_SECONDS and figures["check_s"] <= build_s * 1.15
    print(f"  target: build < {TARGET_SECONDS:.0f} s, --check no slower than build: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
