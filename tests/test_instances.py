"""--instance-type from the bundled table, lookup and table (SPEC 3, 5, 7): offline, no AWS."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from conftest import ROOT, CliResult
from generator import instances
from generator.inputs import Input, requirements_for


def test_value_of_an_instance_type(cli) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("value", "--instance-type", "r6i.32xlarge")
    assert (result.code, result.out, result.err) == (0, "4194304\n", "")


def test_requirement_names_the_type_and_its_memory(cli) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(cli("value", "--instance-type", "x2iedn.32xlarge", "--ram", "1TiB", "--json").out)
    assert document["value"] == 16777216
    assert document["requirements"][0] == {
        "rule": "instance-type", "input": "x2iedn.32xlarge", "value": 16777216, "reason": "4 x 4194304 MiB of RAM",
    }  # fmt: skip


def test_inputs_keep_their_order_and_render_regenerates_with_the_type(cli) -> None:  # type: ignore[no-untyped-def]
    explained = cli("value", "--ram", "2TiB", "--instance-type", "u-24tb1.metal", "--explain").out
    lines = explained.splitlines()
    assert lines[0] == "vm.max_map_count = 100663296"
    assert "ram 2TiB" in lines[1] and "instance-type u-24tb1.metal" in lines[2] and lines[2].endswith("<- wins")
    rendered = cli("render", "--format", "sysctl-conf", "--instance-type", "u-24tb1.metal").out
    assert "Regenerate with: maxmap render --format sysctl-conf --instance-type u-24tb1.metal" in rendered
    assert "vm.max_map_count = 100663296" in rendered


def test_unknown_type_suggests_close_names(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--instance-type", "r6i.32xlarg")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("maxmap: error: unknown instance type 'r6i.32xlarg' (did you mean r6i.32xlarge")
    assert len(result.err.splitlines()) == 1


def test_every_unknown_type_is_named_at_once(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--instance-type", "r7i.48xlarg", "--instance-type", "r6i.large", "--instance-type", "zz9.big")
    assert result.code == 2
    assert "'r7i.48xlarg' (did you mean r7i.48xlarge" in result.err and "'zz9.big'" in result.err


@pytest.mark.parametrize("name", ["R6I.LARGE", "r6i", "r6i.large;rm -rf /", "../etc", ".large", "r6i..large",
                                  "r6i.large ", "a" * 70 + ".large", ""])  # fmt: skip
def test_malformed_names_are_refused_before_any_lookup(cli, name: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("value", "--instance-type", name, "--source", "aws")  # would need AWS if it got that far
    assert result.code == 2
    assert "is not an instance type name" in result.err


def test_requirements_for_resolves_all_types_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real = instances.resolve

    def counting(names, lookup=instances.Lookup()):  # type: ignore[no-untyped-def]
        calls.append(list(names))
        return real(names, lookup)

    monkeypatch.setattr(instances, "resolve", counting)
    items = [Input("instance-type", "r6i.large"), Input("ram", "1GiB"), Input("instance-type", "u-6tb1.metal"),
             Input("instance-type", "r6i.large")]  # fmt: skip
    requirements = requirements_for(items)
    assert calls == [["r6i.large", "u-6tb1.metal", "r6i.large"]]
    assert [r.input for r in requirements] == ["r6i.large", "1GiB", "u-6tb1.metal", "r6i.large"]


def test_lookup_prints_memory_value_and_source(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("lookup", "r6i.32xlarge", "u-24tb1.metal")
    lines = result.out.splitlines()
    assert lines[0].split() == ["INSTANCE", "TYPE", "MEMORY", "VM.MAX_MAP_COUNT", "SOURCE"]
    assert lines[1].split() == ["r6i.32xlarge", "1048576", "MiB", "(1TiB)", "4194304", "moto"]
    assert lines[2].split()[:2] == ["u-24tb1.metal", "25165824"] and lines[2].endswith("aws-sap-hana")
    document = json.loads(cli("lookup", "t3.nano", "--json").out)
    assert document == [{"instance_type": "t3.nano", "memory_mib": 512, "source": "moto", "value": 65530}]


def test_table_filters_by_family_pattern_and_min_memory(cli) -> None:  # type: ignore[no-untyped-def]
    rows = json.loads(cli("table", "r7i", "--min-memory", "512GiB", "--json").out)
    assert [r["instance_type"] for r in rows] == [
        "r7i.16xlarge", "r7i.24xlarge", "r7i.metal-24xl", "r7i.48xlarge", "r7i.metal-48xl"]  # fmt: skip
    assert all(r["memory_mib"] >= 524288 for r in rows)
    high = json.loads(cli("table", "u-*", "u7*", "--min-memory", "24TiB", "--json").out)
    assert {r["instance_type"] for r in high} >= {"u-24tb1.metal", "u-24tb1.112xlarge", "u7inh-32tb.480xlarge"}
    metal = cli("table", "*.metal", "--min-memory", "4TB").out
    assert "u-6tb1.metal" in metal and "r6i" not in metal


def test_table_without_match_or_with_bad_size_exits_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("table", "nosuch*").code == 2
    bad = cli("table", "--min-memory", "256")
    assert bad.code == 2 and "--min-memory" in bad.err


def test_table_of_every_type_is_fast(cli) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = cli("table")
    elapsed = time.perf_counter() - start
    assert result.code == 0 and len(result.out.splitlines()) > 1300
    assert elapsed < 0.5


def test_bundled_value_imports_neither_boto3_nor_jsonschema() -> None:
    code = (
        "import sys; from generator.cli import main; main(['value', '--instance-type', 'r6i.32xlarge']);"
        "main(['lookup', 'u-24tb1.metal']); main(['table', 'r7i']);"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'jsonschema', 'yaml'));"
        "print(heavy, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.startswith("4194304\n")
    assert result.stderr.strip() == "[]"


def test_starting_the_cli_loads_no_aws_adapter() -> None:
    code = "import sys; from generator.cli import build_parser; build_parser(); print('generator.aws' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout == "False\n"
