"""maxmap.yaml checking: every mistake is reported with its config path, all at once, exit 2,
and a bad config writes nothing."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path
from typing import Sequence

import pytest

from generator.config import ConfigError, check_config, load_config, regenerate_command
from generator.inputs import Input
from generator.rules import Requirement

BAD = Path(__file__).parent / "configs" / "bad"
BAD_CONFIGS = sorted(BAD.glob("*.yaml"))
"""Each bad config starts with ``# expect: <config path>: <message>`` lines, fragments of the error."""

GOOD_TARGET = "  - name: ok\n    ram: 64GiB\n    formats: [shell]\n"


def expected_fragments(case: Path) -> list[str]:
    lines = case.read_text().splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_every_bad_config_says_what_it_expects() -> None:
    assert len(BAD_CONFIGS) >= 25
    assert all(expected_fragments(case) for case in BAD_CONFIGS)


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=[case.stem for case in BAD_CONFIGS])
def test_bad_config_is_refused_and_writes_nothing(tmp_path: Path, cli, case: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    config.write_text(case.read_text())
    start = time.perf_counter()
    result = cli("build", "-c", str(config))
    assert time.perf_counter() - start < 5, "a bad config (an alias bomb too) must fail fast"
    assert result.code == 2, result.err
    assert result.err.startswith(f"maxmap: error: {config}: ")
    for fragment in expected_fragments(case):
        assert fragment in result.err
    assert "Traceback" not in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maxmap.yaml"]
    assert result.out == ""


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        version: 1
        targets:
          - name: a
            ram: 12XB
            formats: [cloud-init, packer]
          - name: a
            rams: 1GiB
            formats: [shell]
          - name: Bad
            workload: mongodb
            formats: [shell]
        """)
    with pytest.raises(ConfigError) as caught:
        check_config(_yaml(text), tmp_path / "maxmap.yaml")
    spots = [where for where, _ in caught.value.problems]
    assert spots == [
        "targets[0].formats[1]", "targets[0].ram",
        "targets[1]", "targets[1].name", "targets[1].rams",
        "targets[2].name", "targets[2].workload",
    ]
    assert str(caught.value).startswith(f"{tmp_path / 'maxmap.yaml'}: 7 mistakes:\n  targets[0].formats[1]: ")


def test_problems_are_in_document_order(tmp_path: Path) -> None:
    targets = "".join(f"  - name: t{i}\n    ram: {'bad' if i in (2, 10) else '1GiB'}\n    formats: [shell]\n"
                      for i in range(12))
    with pytest.raises(ConfigError) as caught:
        check_config(_yaml("version: 1\ntargets:\n" + targets), tmp_path / "maxmap.yaml")
    assert [where for where, _ in caught.value.problems] == ["targets[2].ram", "targets[10].ram"]


def test_good_config(tmp_path: Path) -> None:
    config = tmp_path / "infra" / "maxmap.yaml"
    config.parent.mkdir()
    config.write_text(textwrap.dedent("""\
        version: 1
        output_dir: generated
        targets:
          - name: search
            workload: elasticsearch
            ram: 256GiB
            jvm_heap: 31g
            formats: &both [cloud-init, shell]
            allow_lower: true
            file: nodes/search
          - name: small
            ram: 8GB
            formats: *both
        """))
    loaded = load_config(config)
    assert loaded.output_dir == config.parent / "generated"
    search, small = loaded.targets
    assert search.inputs == (Input("workload", "elasticsearch"), Input("ram", "256GiB"), Input("jvm-heap", "31g"))
    assert [r.rule for r in search.requirements] == ["workload", "ram", "jvm-heap"]
    assert search.allow_lower and not small.allow_lower
    assert search.relative_path("cloud-init") == "nodes/search.yaml"
    assert small.relative_path("shell") == "small.sh"
    assert small.requirements[0].input == "8GiB"
    assert loaded.regenerate == "maxmap build -c maxmap.yaml"


def test_output_dir_defaults_to_the_config_folder(tmp_path: Path) -> None:
    config = tmp_path / "maxmap.yaml"
    config.write_text("version: 1\ntargets:\n" + GOOD_TARGET)
    assert load_config(config).output_dir == tmp_path


def test_regenerate_names_the_config_from_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "infra").mkdir()
    assert regenerate_command(tmp_path / "infra" / "maxmap.yaml") == "maxmap build -c infra/maxmap.yaml"
    assert regenerate_command(tmp_path / "my configs" / "m.yaml") == "maxmap build -c 'my configs/m.yaml'"


def test_missing_config_suggests_init(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("build", "-c", str(tmp_path / "maxmap.yaml"))
    assert result.code == 2
    assert "no such file (start one with: maxmap init)" in result.err


def _yaml(text: str) -> object:
    from generator.yamlio import load_yaml

    return load_yaml(text, "test")


def test_inputs_of_all_targets_resolve_in_one_batch(tmp_path: Path) -> None:
    from generator.inputs import requirements_for

    batches: list[int] = []

    def counting(items: Sequence[Input]) -> list[Requirement]:
        batches.append(len(items))
        return requirements_for(items)

    targets = "".join(f"  - name: t{i}\n    ram: {i + 1}GiB\n    jvm_heap: 1g\n    formats: [shell]\n" for i in range(5))
    config = tmp_path / "maxmap.yaml"
    config.write_text("version: 1\ntargets:\n" + targets)
    loaded = load_config(config, resolve=counting)
    assert batches == [10]
    assert [t.requirements[0].input for t in loaded.targets] == [f"{i + 1}GiB" for i in range(5)]


def instance_types_supported() -> bool:
    from generator.inputs import requirement_for

    try:
        requirement_for(Input("instance-type", "r6i.32xlarge"))
    except AssertionError:
        return False
    return True


@pytest.mark.skipif(not instance_types_supported(), reason="this maxmap does not know instance types yet")
def test_instance_type_targets(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    config.write_text(textwrap.dedent("""\
        version: 1
        targets:
          - name: big
            instance_type: r6i.32xlarge
            formats: [sysctl-conf]
          - name: bigger
            instance_type: x2iedn.32xlarge
            jvm_heap: 31g
            formats: [sysctl-conf]
          - name: typo
            instance_type: r6i.32xlarg
            formats: [sysctl-conf]
        """))
    bad = cli("build", "-c", str(config))
    assert bad.code == 2
    assert "targets[2].instance_type: " in bad.err and "r6i.32xlarge" in bad.err  # a suggestion
    assert "targets[0]" not in bad.err and "targets[1]" not in bad.err
    config.write_text(config.read_text().replace("r6i.32xlarg\n", "r6i.32xlarge\n"))
    assert cli("build", "-c", str(config)).code == 0
    big = (tmp_path / "big.conf").read_text()
    assert "vm.max_map_count = 4194304\n" in big  # 4 x 1048576 MiB
    assert "instance-type r6i.32xlarge" in big
    assert "vm.max_map_count = 16777216\n" in (tmp_path / "bigger.conf").read_text()  # 4 x 4194304 MiB
    assert cli("build", "-c", str(config), "--check").code == 0
