"""maxmap.yaml checking: every mistake is reported with its config path, all at once, exit 2,
and a bad config writes nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.config import ConfigError, check_config, load_config, regenerate_command
from generator.inputs import Input
from test_yamlio import alias_tree

GOOD_TARGET = "  - name: ok\n    ram: 64GiB\n    formats: [shell]\n"

# (case id, config text, expected fragments of the error: "config path: message")
BAD_CONFIGS = [
    ("not-a-mapping", "- 1\n- 2\n", ["(root): must be a mapping"]),
    ("no-version", "targets:\n" + GOOD_TARGET, ["(root): 'version' is a required property"]),
    ("version-2", "version: 2\ntargets:\n" + GOOD_TARGET, ["version: 1 was expected"]),
    ("no-targets", "version: 1\ntargets: []\n", ["targets: [] should be non-empty"]),
    ("unknown-top-key", "version: 1\ntarget:\n" + GOOD_TARGET,
     ["target: unknown key (did you mean 'targets'?", "(root): 'targets' is a required property"]),
    ("unknown-target-key", "version: 1\ntargets:\n  - name: a\n    rams: 1GiB\n    ram: 2GiB\n    formats: [shell]\n",
     ["targets[0].rams: unknown key (did you mean 'ram'?"]),
    ("duplicate-key", "version: 1\nversion: 1\ntargets:\n" + GOOD_TARGET, ["duplicate key 'version' (line 2)"]),
    ("alias-bomb", alias_tree(10) + "version: 1\ntargets:\n" + GOOD_TARGET, ["refused: aliases expand"]),
    ("duplicate-names", "version: 1\ntargets:\n" + GOOD_TARGET + GOOD_TARGET,
     ["targets[1].name: 'ok' is already the name of targets[0]"]),
    ("bad-name", "version: 1\ntargets:\n  - name: ../etc\n    ram: 1GiB\n    formats: [shell]\n",
     ["targets[0].name: '../etc' is not a valid name"]),
    ("file-escapes", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    file: ../../etc/cron.d/x\n    formats: [shell]\n",
     ["targets[0].file: '../../etc/cron.d/x' is not a valid file name"]),
    ("file-absolute", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    file: /etc/x\n    formats: [shell]\n",
     ["targets[0].file: '/etc/x' is not a valid file name"]),
    ("file-hidden", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    file: x/.git/hooks/pre-commit\n    formats: [shell]\n",
     ["targets[0].file: 'x/.git/hooks/pre-commit' is not a valid file name"]),
    ("file-with-extension", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    file: a.sh\n    formats: [shell]\n",
     ["targets[0].file: give the name without its extension: .sh is added for shell"]),
    ("same-file-twice", "version: 1\ntargets:\n" + GOOD_TARGET + "  - name: b\n    ram: 1GiB\n    file: ok\n    formats: [shell]\n",
     ["targets[1].formats[0]: writes 'ok.sh', as targets[0].formats[0] does"]),
    ("bad-size", "version: 1\ntargets:\n" + GOOD_TARGET * 0 + "  - name: a\n    ram: 1GiB\n    formats: [shell]\n"
     "  - name: b\n    ram: 1GiB\n    formats: [shell]\n  - name: c\n    ram: 12XB\n    formats: [shell]\n",
     ["targets[2].ram: '12XB' has an unknown unit 'XB'"]),
    ("value-too-large", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: [shell]\n"
     "  - name: b\n    ram: 1024TiB\n    formats: [shell]\n",
     ["targets[1]: ram 1024TiB needs 4294967296, more than vm.max_map_count can hold"]),
    ("bare-number", "version: 1\ntargets:\n  - name: a\n    ram: 1024\n    formats: [shell]\n",
     ["targets[0].ram: '1024' has no unit"]),
    ("bad-heap", "version: 1\ntargets:\n  - name: a\n    jvm_heap: lots\n    formats: [shell]\n",
     ["targets[0].jvm_heap: 'lots' is not a size"]),
    ("unknown-workload", "version: 1\ntargets:\n  - name: a\n    workload: mongodb\n    formats: [shell]\n",
     ["targets[0].workload: unknown workload 'mongodb'"]),
    ("unknown-format", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: [shel]\n",
     ["targets[0].formats[0]: unknown format 'shel' (did you mean 'shell'?"]),
    ("no-formats", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: []\n",
     ["targets[0].formats: [] should be non-empty"]),
    ("format-twice", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: [shell, shell]\n",
     ["targets[0].formats: ['shell', 'shell'] has non-unique elements"]),
    ("no-input", "version: 1\ntargets:\n  - name: a\n    formats: [shell]\n",
     ["targets[0]: nothing to compute from"]),
    ("ram-and-type", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    instance_type: r7i.large\n    formats: [shell]\n",
     ["targets[0]: give instance_type or ram, not both"]),
    ("allow-lower-not-bool", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    allow_lower: sometimes\n    formats: [shell]\n",
     ["targets[0].allow_lower: 'sometimes' is not of type 'boolean'"]),
    ("extra-sysctl-name", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    extra_sysctls: {swappiness: 10}\n    formats: [shell]\n",
     ["targets[0].extra_sysctls: 'swappiness' is not a sysctl name"]),
    ("extra-sysctl-max-map-count", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    extra_sysctls: {vm.max_map_count: 1}\n    formats: [shell]\n",
     ["targets[0].extra_sysctls: vm.max_map_count is what maxmap computes"]),
    ("extra-sysctl-value", "version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    extra_sysctls: {vm.swappiness: ten}\n    formats: [shell]\n",
     ["targets[0].extra_sysctls: vm.swappiness must be an integer, not 'ten'"]),
    ("target-not-mapping", "version: 1\ntargets:\n  - shell\n", ["targets[0]: 'shell' is not of type 'object'"]),
]


@pytest.mark.parametrize("text, fragments", [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_bad_config_is_refused_and_writes_nothing(tmp_path: Path, cli, text: str, fragments: list[str]) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    config.write_text(text)
    result = cli("build", "-c", str(config))
    assert result.code == 2, result.err
    assert result.err.startswith(f"maxmap: error: {config}: ")
    for fragment in fragments:
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


def test_inputs_of_all_targets_resolve_in_one_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.config

    batches: list[int] = []
    real = generator.config.requirements_for

    def counting(items):  # type: ignore[no-untyped-def]
        batches.append(len(items))
        return real(items)

    monkeypatch.setattr(generator.config, "requirements_for", counting)
    targets = "".join(f"  - name: t{i}\n    ram: {i + 1}GiB\n    jvm_heap: 1g\n    formats: [shell]\n" for i in range(5))
    config = tmp_path / "maxmap.yaml"
    config.write_text("version: 1\ntargets:\n" + targets)
    loaded = load_config(config)
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
