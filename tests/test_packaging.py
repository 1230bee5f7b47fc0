"""Packaging: the wheel carries schemas and templates and works from a clean venv;
a missing data file is a named error, never a silent empty default."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import IN_CI, ROOT, CliResult
from generator import resources
from generator.errors import DataFileMissing


def wheelhouse() -> Path:
    path = os.environ.get("MAXMAP_WHEELHOUSE")
    if not path or not Path(path).is_dir():
        message = "MAXMAP_WHEELHOUSE is not prepared (scripts/test prepares it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return Path(path)


@pytest.mark.slow
def test_wheel_installs_into_a_clean_venv_and_renders(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    wheels = wheelhouse()
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )
    [wheel] = dist.glob("maxmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("generator/_data/schemas/cloud-config.schema.json", "generator/_data/templates/provision.sh",
                     "generator/data/instance-types.json"):  # fmt: skip
        assert expected in names
    assert not any(name.startswith(("tests/", "schemas/", "templates/")) for name in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [venv / "bin" / "pip", "install", "-q", "--disable-pip-version-check", "--no-index",
         "--find-links", str(wheels), str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [venv / "bin" / "maxmap", "render", "--format", "cloud-init", "--ram", "1TiB"],
        capture_output=True, text=True, cwd=outside, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr
    from_checkout: CliResult = cli("render", "--format", "cloud-init", "--ram", "1TiB")
    assert result.stdout == from_checkout.out
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "from generator import resources; print(resources.data_path('schemas', 'cloud-config.schema.json'))"],
        capture_output=True, text=True, cwd=outside, env=env, check=True,
    )  # fmt: skip
    assert "/site-packages/generator/_data/schemas/" in where.stdout
    instance = subprocess.run(
        [venv / "bin" / "maxmap", "value", "--instance-type", "u-24tb1.metal"],
        capture_output=True, text=True, cwd=outside, env=env, check=False,
    )  # fmt: skip
    assert (instance.returncode, instance.stdout) == (0, "100663296\n"), instance.stderr


def test_missing_data_file_is_a_named_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(resources, "_ROOTS", (tmp_path,))
    resources.read_text.cache_clear()
    resources.load_json.cache_clear()
    try:
        with pytest.raises(DataFileMissing, match="templates/provision.sh is missing"):
            resources.read_text("templates", "provision.sh")
        result: CliResult = cli("render", "--format", "cloud-init", "--ram", "1TiB")
        assert result.code == 2
        assert result.err.startswith("maxmap: error: packaged data file templates/")
        assert " is missing (looked in: " in result.err
    finally:
        resources.read_text.cache_clear()
        resources.load_json.cache_clear()


def test_real_tools_fail_rather_than_skip_under_ci(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "from conftest import require_tool\n"
        "def test_needs_tool():\n    require_tool('no-such-tool-maxmap')\n"
    )
    env = {**os.environ, "CI": "true", "PYTHONPATH": f"{ROOT / 'tests'}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(probe)],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout
