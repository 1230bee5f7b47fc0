"""``maxmap build`` with ``instance_source: aws`` in maxmap.yaml: every target's instance types are
looked up in one batch from a local moto server; a typo among many is found in a few calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import instance_table

pytest.importorskip("moto.server", reason="moto[server] comes with the test extra")
from test_aws import api_calls, aws_environment, ec2_endpoint, moto_url  # noqa: E402,F401 - fixtures


def moto_types(count: int) -> list[str]:
    return sorted(name for name, (_, source) in instance_table.raw()["types"].items() if source == "moto")[:count]


def write_config(folder: Path, types: list[str], source: str = "aws") -> Path:
    targets = "".join(f"  - name: t{i:03d}\n    instance_type: {name}\n    formats: [sysctl-conf]\n"
                      for i, name in enumerate(types))
    config = folder / "maxmap.yaml"
    config.write_text(f"version: 1\ninstance_source: {source}\naws_region: us-east-1\ntargets:\n{targets}")
    return config


def test_instance_types_of_all_targets_in_one_request(tmp_path: Path, cli, ec2_endpoint: str, api_calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    types = moto_types(40)
    config = write_config(tmp_path, types)
    assert cli("build", "-c", str(config)).code == 0
    assert api_calls == ["DescribeInstanceTypes"]
    memory = instance_table.raw()["types"][types[7]][0]
    assert f"vm.max_map_count = {max(65530, 4 * memory)}\n" in (tmp_path / "t007.conf").read_text()
    assert "Regenerate with: maxmap build -c maxmap.yaml\n" in (tmp_path / "t007.conf").read_text()


def test_a_typo_among_many_is_found_in_few_requests(tmp_path: Path, cli, ec2_endpoint: str, api_calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    types = moto_types(64)
    types[37] = types[37][:-1]  # r5.2xlarge -> r5.2xlarg, say
    result = cli("build", "-c", str(write_config(tmp_path, types)))
    assert result.code == 2
    assert f"targets[37].instance_type: unknown instance type {types[37]!r}" in result.err
    assert "targets[36]" not in result.err and "targets[38]" not in result.err
    # One batch, then halves: each failing lookup costs AWS two calls (the batch, then without the
    # unknown name), so about 3 x log2(64) calls in all, far from one per target.
    assert 2 <= len(api_calls) <= 24
    assert not list(tmp_path.glob("*.conf"))


def test_bundled_source_needs_no_aws(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch, api_calls: list[str]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    config = write_config(tmp_path, ["r6i.32xlarge", "u-24tb1.metal"], source="bundled")
    assert cli("build", "-c", str(config)).code == 0
    assert api_calls == []
    assert "vm.max_map_count = 4194304\n" in (tmp_path / "t000.conf").read_text()
