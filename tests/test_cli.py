"""The command line: payload on stdout, one-line errors on stderr, exit codes (SPEC sections 5, 7)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, CliResult, run_maxmap


def test_value_prints_the_number_alone(cli) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("value", "--ram", "128GB")
    assert (result.code, result.out, result.err) == (0, "524288\n", "")


def test_value_takes_the_largest_of_repeated_inputs(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--ram", "128GB", "--jvm-heap", "101754m", "--ram", "256GB", "--workload", "opensearch")
    assert result.out == "1048576\n"


def test_value_json_names_every_rule(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--ram", "32GiB", "--jvm-heap=-Xmx100g", "--json")
    document = json.loads(result.out)
    assert document["value"] == 184320
    assert document["winner"] == {"rule": "jvm-heap", "input": "100GiB"}
    assert [r["rule"] for r in document["requirements"]] == ["ram", "jvm-heap", "kernel-default"]
    assert [r["value"] for r in document["requirements"]] == [131072, 184320, 65530]


def test_explain_marks_the_winner(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--ram", "128GB", "--workload", "elasticsearch", "--explain")
    lines = result.out.splitlines()
    assert lines[0] == "vm.max_map_count = 1048576"
    winner = [line for line in lines if line.endswith("<- wins")]
    assert len(winner) == 1 and "workload elasticsearch" in winner[0]
    assert any("4 x 131072 MiB of RAM" in line for line in lines)
    assert any("kernel-default" in line and "65530" in line for line in lines)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["value", "--ram", "128"], "'128' has no unit (use a form like 131072MiB"),
        (["value", "--ram", "0GiB"], "greater than zero"),
        (["value", "--ram", "-5GiB"], "--ram"),
        (["value", "--ram", "0.3MiB"], "whole number"),
        (["value", "--ram", "600TiB"], "more than vm.max_map_count can hold (2147483647)"),
        (["value", "--jvm-heap", "lots"], "--jvm-heap: 'lots' is not a size"),
        (["value", "--workload", "cassandra"], "unknown workload 'cassandra'"),
        (["value"], "nothing to compute from"),
        (["render", "--ram", "1TiB"], "--format"),
        (["render", "--format", "yaml", "--ram", "1TiB"], "invalid choice: 'yaml'"),
        (["frobnicate"], "invalid choice"),
        (["value", "--ram", "128GB", "--explain", "--json"], "not allowed with"),
    ],
)
def test_bad_input_is_one_line_exit_2(cli, argv: list[str], fragment: str) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli(*argv)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("maxmap: error: ")
    assert result.err.count("\n") == 1, result.err
    assert fragment in result.err


def test_render_to_file_is_atomic_and_silent_on_stdout(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "user-data.yaml"
    result = cli("render", "--format", "cloud-init", "--ram", "1TiB", "-o", str(target))
    assert result.code == 0 and result.out == ""
    assert target.read_text().startswith("#cloud-config\n")
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert [p.name for p in tmp_path.iterdir()] == ["user-data.yaml"]


def test_unwritable_output_writes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("render", "--format", "shell", "--ram", "1TiB", "-o", str(tmp_path / "missing" / "x.sh"))
    assert result.code == 2
    assert result.err.startswith("maxmap: error: cannot write ")
    assert not (tmp_path / "missing").exists()


def test_bad_input_with_output_writes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.yaml"
    target.write_text("old\n")
    result = cli("render", "--format", "cloud-init", "--ram", "12XB", "-o", str(target))
    assert result.code == 2
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_python_dash_m_matches_console_script_and_exit_codes() -> None:
    ok = run_maxmap("value", "--ram", "256GB")
    assert (ok.returncode, ok.stdout) == (0, "1048576\n")
    bad = run_maxmap("value", "--ram", "lots")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("maxmap: error: ")


def test_debug_shows_the_traceback() -> None:
    bad = run_maxmap("--debug", "value", "--ram", "lots")
    assert bad.returncode != 0
    assert "Traceback" in bad.stderr and "InputError" in bad.stderr


def test_help_documents_exit_codes(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("--help")
    assert result.code == 0
    assert "exit codes:" in result.out and "2  bad input" in result.out
    render_help = cli("render", "--help").out
    for name in ("sysctl-conf", "shell", "cloud-init"):
        assert name in render_help
    value_help = cli("value", "--help").out
    assert "https://www.elastic.co/" in value_help.replace("\n", "").replace(" ", "")


def test_value_path_imports_no_heavy_modules() -> None:
    code = (
        "import sys; from generator.cli import main; main(['value', '--ram', '128GB']);"
        "heavy = sorted(m for m in ('yaml', 'jsonschema', 'boto3', 'botocore') if m in sys.modules);"
        "print(heavy, file=sys.stderr)"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout == "524288\n"
    assert result.stderr.strip() == "[]"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
