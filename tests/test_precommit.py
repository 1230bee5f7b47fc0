"""The pre-commit hook for real: ``pre-commit try-repo`` installs this repository into its own
virtualenv (pip, from PyPI or the wheelhouse ``scripts/test`` prepares) and runs
``maxmap build --check`` in an infrastructure repo: it passes in sync and fails on drift."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import IN_CI, ROOT, require_tool
from generator.yamlio import load_yaml

FIXED_IDENTITY = {
    "GIT_AUTHOR_NAME": "maxmap tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "maxmap tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


def git(*argv: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(["git", *argv], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def snapshot_of_this_repository(folder: Path, env: dict[str, str]) -> Path:
    """This working tree (committed or not, ignored files left out) as a one-commit repository.

    try-repo would make such a commit itself for a dirty tree, but with a new hash each time;
    ours is fixed per content, so both runs share one installed environment.
    """
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode & 0o777)
    git("init", "-q", cwd=folder, env=env)
    git("add", "-A", cwd=folder, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=folder, env=env)
    return folder


def hook_environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env.update(FIXED_IDENTITY)
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    wheelhouse = os.environ.get("MAXMAP_WHEELHOUSE")
    if wheelhouse and Path(wheelhouse).is_dir():
        # pip inside pre-commit's virtualenv then finds the dependencies without downloading them.
        env["PIP_FIND_LINKS"] = f"{env.get('PIP_FIND_LINKS', '')} {wheelhouse}".strip()
    return env


def test_hook_definition() -> None:
    hooks = load_yaml((ROOT / ".pre-commit-hooks.yaml").read_text(), ".pre-commit-hooks.yaml")
    assert {hook["id"]: hook["entry"] for hook in hooks} == {
        "maxmap-check": "maxmap build --check",
        "maxmap-build": "maxmap build",
    }
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False and hook["always_run"] is True


@pytest.mark.slow
def test_pre_commit_try_repo_passes_in_sync_and_fails_on_drift(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    require_tool("git")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("pre-commit is not installed (it is in the test extra)")
        pytest.skip("pre-commit is not installed")
    env = hook_environment(tmp_path)
    source = tmp_path / "maxmap-src"
    source.mkdir()
    snapshot_of_this_repository(source, env)

    infra = tmp_path / "infra"
    infra.mkdir()
    git("init", "-q", cwd=infra, env=env)
    monkeypatch.chdir(infra)
    assert cli("init").code == 0
    assert cli("build").code == 0
    git("add", "-A", cwd=infra, env=env)
    git("commit", "-q", "-m", "generated files", cwd=infra, env=env)

    def try_repo(*hook: str) -> subprocess.CompletedProcess[str]:
        """Run ``hook`` (default: every hook, in id order) from the snapshot; each run installs anew."""
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(source), *hook, "--all-files"],
            cwd=infra, env=env, capture_output=True, text=True, check=False, timeout=900,
        )

    in_sync = try_repo()
    assert in_sync.returncode == 0, in_sync.stdout + in_sync.stderr
    assert in_sync.stdout.count("Passed") == 2, in_sync.stdout  # maxmap-check and maxmap-build

    config = infra / "maxmap.yaml"
    config.write_text(config.read_text().replace("ram: 256GiB", "ram: 512GiB"))
    before = (infra / "generated" / "search-nodes.yaml").read_bytes()
    drift = try_repo("maxmap-check")
    assert drift.returncode == 1, drift.stdout + drift.stderr
    assert "maxmap build --check" in drift.stdout and "Failed" in drift.stdout
    assert "maxmap: would update generated/search-nodes.yaml" in drift.stdout
    assert "run: maxmap build -c maxmap.yaml" in drift.stdout
    assert (infra / "generated" / "search-nodes.yaml").read_bytes() == before
