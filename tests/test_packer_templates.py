"""The ready-to-copy templates in packer/: Packer accepts them offline, they hold exactly the
snippets packer/maxmap.yaml generates, and those snippets are what ``maxmap render`` prints."""

from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, CliResult
from generator import cli as cli_module
from generator import formats
from generator.formats.packer_json import dumps
from packertools import packer, parse_hcl, shell_provisioners

PACKER_DIR = ROOT / "packer"
CONFIG = PACKER_DIR / "maxmap.yaml"
REGENERATE = "maxmap build -c packer/maxmap.yaml"
HCL_TEMPLATE = PACKER_DIR / "aws-ebs.pkr.hcl"
JSON_TEMPLATE = PACKER_DIR / "aws-ebs.json"
PLUGINS = PACKER_DIR / "plugins.pkr.hcl"
# maxmap.yaml keys -> maxmap render options (SPEC section 6).
OPTIONS = {"ram": "--ram", "instance_type": "--instance-type", "jvm_heap": "--jvm-heap", "workload": "--workload"}


def config() -> dict[str, Any]:
    return dict(yaml.safe_load(CONFIG.read_text()))


def outputs() -> list[tuple[str, str, list[str], Path]]:
    """(target, format, render arguments, committed file) for every output of maxmap.yaml."""
    document = config()
    folder = PACKER_DIR / document.get("output_dir", ".")
    result = []
    for target in document["targets"]:
        arguments = [word for key, option in OPTIONS.items() if key in target for word in (option, str(target[key]))]
        if target.get("allow_lower"):
            arguments.append("--allow-lower")
        for fmt in target["formats"]:
            result.append((target["name"], fmt, arguments, folder / (target["name"] + formats.FORMATS[fmt].extension)))
    return result


OUTPUTS = outputs()


@pytest.mark.parametrize(("target", "fmt", "arguments", "path"), OUTPUTS, ids=[f"{o[0]}-{o[1]}" for o in OUTPUTS])
def test_committed_snippets_are_maxmap_render_output(cli, target: str, fmt: str, arguments: list[str], path: Path) -> None:  # type: ignore[no-untyped-def]
    """Byte for byte, except the header's command: the files come from ``maxmap build``."""
    result: CliResult = cli("render", "--format", fmt, *arguments)
    assert result.code == 0, result.err
    rendered = f"maxmap render --format {fmt} {shlex.join(arguments)}"
    assert rendered in result.out
    assert path.read_text() == result.out.replace(rendered, REGENERATE), f"regenerate with: {REGENERATE}"


def test_maxmap_build_check_agrees(cli) -> None:  # type: ignore[no-untyped-def]
    if "build" not in cli_module.COMMANDS:
        pytest.skip("maxmap build is not on this branch")
    result: CliResult = cli("build", "--check", "-c", str(CONFIG))
    assert result.code == 0, result.err


def test_hcl_template_holds_the_generated_provisioner() -> None:
    template = HCL_TEMPLATE.read_text()
    snippet = (PACKER_DIR / "generated" / "large-memory.pkr.hcl").read_text()
    begin = "  # BEGIN generated/large-memory.pkr.hcl"
    end = "  # END generated/large-memory.pkr.hcl\n"
    between = template.split(begin, 1)[1].split("\n", 2)[2].split(end, 1)[0]
    assert between == textwrap.indent(snippet, "  "), "paste generated/large-memory.pkr.hcl between the markers"
    [config] = shell_provisioners(parse_hcl(template))
    [from_snippet] = shell_provisioners(parse_hcl('build {\n' + snippet + '}\n'))
    assert config == from_snippet


def test_json_template_holds_the_generated_provisioner() -> None:
    text = JSON_TEMPLATE.read_text()
    template = json.loads(text)
    assert dumps(template) == text, "keep the JSON template in maxmap's JSON layout (2-space indent)"
    assert template["provisioners"] == [json.loads((PACKER_DIR / "generated" / "large-memory.json").read_text())]


def test_templates_agree_on_their_variables() -> None:
    hcl = {name: settings["default"] for entry in parse_hcl(HCL_TEMPLATE.read_text())["variable"] for name, settings in entry.items()}
    assert hcl == json.loads(JSON_TEMPLATE.read_text())["variables"]
    assert hcl["instance_type"] == "r7i.16xlarge"
    # maxmap.yaml sizes the value for that type: 512 GiB of RAM.
    assert config()["targets"][0]["ram"] == "512GiB"


@pytest.mark.tool
@pytest.mark.parametrize("template", [HCL_TEMPLATE, JSON_TEMPLATE], ids=lambda p: p.name)
def test_templates_pass_packer_validate_offline(template: Path) -> None:
    """Full validation (the amazon-ebs builder's own checks included): no credentials, no network."""
    result = packer("validate", template.name, cwd=PACKER_DIR)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.tool
def test_hcl_files_are_packer_fmt_clean() -> None:
    files = sorted(PACKER_DIR.rglob("*.pkr.hcl"))
    assert len(files) == 3
    for path in files:
        result = packer("fmt", "-check", "-diff", path.name, cwd=path.parent)
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"


def test_plugins_file_names_the_amazon_plugin() -> None:
    """Packer 1.6.6 predates required_plugins, so it cannot validate this file (that is why it is a
    file of its own, left out of the validated template); packer fmt -check parses it (above)."""
    assert parse_hcl(PLUGINS.read_text())["packer"] == [
        {"required_plugins": [{"amazon": {"version": ">= 1.2.0", "source": "github.com/hashicorp/amazon"}}]}
    ]
