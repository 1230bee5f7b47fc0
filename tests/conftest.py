"""Shared test set-up: the network is blocked (pytest-socket, see pyproject's addopts);
real tools are required under CI; the CLI runs in-process or as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str) -> str:
    """The path of tool ``name``: skipped when absent, but a failure under CI=true."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (the README's test command installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def require_file(path: str) -> str:
    """``path`` itself (a tool outside PATH): skipped when absent, a failure under CI=true."""
    if not os.path.exists(path):
        message = f"{path} is missing"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def require_root_namespaces() -> None:
    """Sandbox tests need root (mount namespaces); fail under CI when not available."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        message = "sandbox tests need root and unshare"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class CliResult:
    """What one in-process ``maxmap`` run produced."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``maxmap`` in-process: ``cli("value", "--ram", "128GB")``."""

    def run(*argv: str) -> CliResult:
        try:
            code = main(list(argv))
        except SystemExit as e:  # argparse's usage errors and --help
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_maxmap(*argv: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m generator`` as a subprocess (for import-cost and exit-code tests)."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *argv],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )
