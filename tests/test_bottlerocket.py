"""``bottlerocket``: parsed back with tomllib into exactly the structure Bottlerocket reads."""

from __future__ import annotations

import tomllib

import pytest

from conftest import CliResult
from generator import formats


def test_round_trip_gives_quoted_keys_and_string_values(cli) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("render", "-f", "bottlerocket", "--ram", "1TiB", "--set", "vm.swappiness=10")
    assert result.code == 0, result.err
    assert tomllib.loads(result.out) == {
        "settings": {"kernel": {"sysctl": {"vm.max_map_count": "4194304", "vm.swappiness": "10"}}}
    }
    assert '\n"vm.max_map_count" = "4194304"\n' in result.out


GOOD = [
    '[settings.kernel.sysctl]\n"vm.max_map_count" = "262144"\n',
    '[settings.kernel]\nsysctl = { "vm.max_map_count" = "2147483647" }\n',
    '[settings.kubernetes]\napi-server = "https://x.invalid"\n'
    '[settings.kernel.sysctl]\n"vm.max_map_count" = "65530"\n"net.core.somaxconn" = "-1"\n',
]
BAD = [
    ('[settings.kernel.sysctl]\nvm.max_map_count = "262144"\n', "settings.kernel.sysctl.vm", "quote dotted"),
    ('[settings.kernel.sysctl]\n"vm.max_map_count" = 262144\n', "settings.kernel.sysctl.vm.max_map_count",
     "is not of type 'string'"),
    ('[settings.kernel.sysctl]\n"vm.max_map_count" = "65529"\n', "settings.kernel.sysctl.vm.max_map_count",
     "does not match"),
    ('[settings.kernel.sysctl]\n"vm.max_map_count" = "2147483648"\n', "settings.kernel.sysctl.vm.max_map_count",
     "does not match"),
    ('[settings.kernel.sysctl]\n"vm.swappiness" = "10"\n', "settings.kernel.sysctl", "'vm.max_map_count' is a required"),
    ('[settings.kernel.sysctl]\n"vm.max_map_count" = "262144"\n"vm.swappiness" = "ten"\n',
     "settings.kernel.sysctl.vm.swappiness", "does not match"),
    ('[settings.kernel.sysctl\n', "(toml)", "Expected ']'"),
    ('[settings.kernel.sysctl]\n"vm.max_map_count" = "262144"\n"vm.max_map_count" = "262144"\n', "(toml)", ""),
]


@pytest.mark.parametrize("text", GOOD)
def test_schema_accepts(text: str) -> None:
    assert formats.validate("bottlerocket", text) == []


@pytest.mark.parametrize(("text", "location", "message"), BAD)
def test_schema_rejects(text: str, location: str, message: str) -> None:
    problems = formats.validate("bottlerocket", text)
    assert problems, text
    assert problems[0][0] == location and message in problems[0][1]


def test_detected_by_validate(cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "user-data.toml"
    path.write_text(GOOD[0])
    result: CliResult = cli("validate", str(path))
    assert (result.code, result.err) == (0, f"{path}: valid bottlerocket\n")
