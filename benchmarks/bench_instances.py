"""Instance types: ``maxmap table`` of every bundled type, as a fresh process, must take < 0.5 s.

Run alone (``python benchmarks/bench_instances.py``) or through ``benchmarks/run.py``; prints the
median of fresh-process runs, the in-process cost of loading the table, and exits 1 over target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
RUNS = 11


def time_table() -> float:
    """Wall seconds of one ``maxmap table`` (every type, text) in a fresh interpreter."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "table"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def time_load() -> float:
    """Seconds to read and parse the bundled table once, in-process (cache cleared)."""
    sys.path.insert(0, str(ROOT))
    from generator import instance_table, resources

    resources.read_text.cache_clear()
    resources.load_json.cache_clear()
    start = time.perf_counter()
    count = len(instance_table.raw()["types"])
    elapsed = time.perf_counter() - start
    print(f"load the bundled table ({count} types), in-process: {elapsed * 1000:.1f}ms")
    return elapsed


def main() -> int:
    """Measure, print, compare with the target."""
    time_table()  # warm the file cache
    samples = [time_table() for _ in range(RUNS)]
    median = statistics.median(samples)
    met = median < TARGET_SECONDS
    print(f"maxmap table (every type, fresh process): median {median * 1000:.1f}ms of {RUNS} runs, "
          f"target < {TARGET_SECONDS * 1000:.0f}ms: {'ok' if met else 'MISSED'}")  # fmt: skip
    time_load()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
