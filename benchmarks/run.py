"""Cold-start benchmarks: ``python benchmarks/run.py`` (from the repo, with the venv's Python).

Each command runs as a fresh process, interleaved with its baseline in the same loop, so machine
noise hits both alike; we report medians and the ratio to the baseline against the target.
Then every ``benchmarks/bench_*.py`` runs as its own script. Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


@dataclass(frozen=True)
class ColdStart:
    """A command timed against a baseline command; ``target`` is the largest acceptable ratio."""

    name: str
    argv: tuple[str, ...]
    baseline: str
    target: float


BASELINES = {
    "import yaml": (PY, "-c", "import yaml"),
    "import yaml, jsonschema": (PY, "-c", "import yaml, jsonschema"),
}

CASES = (
    ColdStart("value --ram 128GB", (PY, "-m", "generator", "value", "--ram", "128GB"), "import yaml", 2.0),
    ColdStart(
        "value --instance-type r6i.32xlarge",
        (PY, "-m", "generator", "value", "--instance-type", "r6i.32xlarge"),
        "import yaml",
        2.5,
    ),
    ColdStart(
        "render --format cloud-init --ram 128GB",
        (PY, "-m", "generator", "render", "--format", "cloud-init", "--ram", "128GB"),
        "import yaml, jsonschema",
        1.5,
    ),
)


def time_once(argv: tuple[str, ...]) -> float:
    """Wall seconds of one run; the command must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=HERE.parent)
    return time.perf_counter() - start


def measure(cases: tuple[ColdStart, ...], runs: int) -> dict[str, list[float]]:
    """Interleaved timings of every case and baseline."""
    commands = {**{name: argv for name, argv in BASELINES.items()}, **{c.name: c.argv for c in cases}}
    for argv in commands.values():
        time_once(argv)  # warm the OS file cache; we measure interpreter work, not disk
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(time_once(argv))
    return samples


def report(cases: tuple[ColdStart, ...], samples: dict[str, list[float]]) -> bool:
    """Print the table; True when every target is met."""
    medians = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'command':<44} {'median':>9} {'baseline':>24} {'ratio':>6} {'target':>7}")
    for name in BASELINES:
        print(f"{'python -c ' + repr(name):<44} {medians[name] * 1000:>7.1f}ms")
    ok = True
    for case in cases:
        ratio = medians[case.name] / medians[case.baseline]
        met = ratio <= case.target
        ok &= met
        verdict = "ok" if met else "MISSED"
        print(
            f"{'maxmap ' + case.name:<44} {medians[case.name] * 1000:>7.1f}ms {case.baseline:>24} "
            f"{ratio:>5.2f}x {'<=' + str(case.target) + 'x':>7} {verdict}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the cold-start table, then every bench_*.py."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    args = parser.parse_args(argv)
    ok = report(CASES, measure(CASES, args.runs))
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n== {script.name}")
        sys.stdout.flush()
        ok &= subprocess.run([PY, str(script)], cwd=HERE.parent, check=False).returncode == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
