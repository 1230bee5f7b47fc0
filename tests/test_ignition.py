"""``ignition`` and ``butane``: Debian's ignition-validate on every output; Butane agrees with Ignition."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import CliResult, require_root_namespaces, require_tool
from generator import formats
from generator.formats import butane, ignition
from sandbox import CONF, Sandbox

GOLDEN = Path(__file__).parent / "golden"
IGNITION_GOLDEN = sorted((GOLDEN / "ignition").glob("*/expected"))
CASES = [("--ram", "128GB"), ("--jvm-heap", "101754m", "--allow-lower"), ("--ram", "1TiB", "--set", "vm.swappiness=10")]


def render(cli, fmt: str, *args: str) -> str:  # type: ignore[no-untyped-def]
    result: CliResult = cli("render", "--format", fmt, *args)
    assert result.code == 0, result.err
    return result.out


def ignition_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_tool("ignition-validate"), str(path)], capture_output=True, text=True)


@pytest.mark.tool
@pytest.mark.parametrize("expected", IGNITION_GOLDEN, ids=[p.parent.name for p in IGNITION_GOLDEN])
def test_every_ignition_golden_passes_ignition_validate(expected: Path) -> None:
    result = ignition_validate(expected)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


@pytest.mark.tool
def test_ignition_validate_catches_what_our_schema_catches(tmp_path: Path) -> None:
    """Sanity: the real tool and our schema refuse the same broken mode."""
    broken = tmp_path / "broken.ign"
    document = json.loads((GOLDEN / "ignition" / "ram-128gb" / "expected").read_text())
    document["storage"]["files"][0]["mode"] = 0o10644
    broken.write_text(json.dumps(document))
    assert ignition_validate(broken).returncode != 0
    assert formats.validate("ignition", broken.read_text())[0][0] == "storage.files[0].mode"


@pytest.mark.parametrize("args", CASES, ids=["ram", "heap", "extras"])
def test_the_file_is_0644_and_its_data_url_is_a_valid_sysctl_file(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(render(cli, "ignition", *args))
    assert document["ignition"] == {"version": "3.3.0"}
    (entry,) = document["storage"]["files"]
    assert (entry["path"], entry["mode"], entry["overwrite"]) == ("/etc/sysctl.d/99-vm-max-map-count.conf", 420, True)
    assert entry["contents"]["source"].startswith("data:,%23%20Generated%20by%20maxmap")
    contents = ignition.decode_data_url(entry["contents"]["source"]).decode("ascii")
    assert formats.validate("sysctl-conf", contents) == []
    value: CliResult = cli("value", *args[:2])
    assert f"\nvm.max_map_count = {value.out.strip()}\n" in contents


def butane_entry_as_ignition(document: dict[str, Any]) -> dict[str, Any]:
    """What butane makes of our file entry: ``inline`` becomes a percent-encoded data URL."""
    (entry,) = document["storage"]["files"]
    return {**entry, "contents": {"source": ignition.data_url(entry["contents"]["inline"])}}


@pytest.mark.parametrize("args", CASES, ids=["ram", "heap", "extras"])
def test_butane_file_entry_translates_to_our_ignition_entry(cli, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    bu = butane.parse(render(cli, "butane", *args))
    assert (bu["variant"], bu["version"]) == ("fcos", "1.4.0")
    assert formats.validate("butane", render(cli, "butane", *args)) == []
    ign = json.loads(render(cli, "ignition", *args))["storage"]["files"][0]
    translated = butane_entry_as_ignition(bu)
    # The two differ only in the command each file says regenerates it.
    source = translated["contents"]["source"].replace("--format%20butane", "--format%20ignition")
    assert {**translated, "contents": {"source": source}} == ign


@pytest.mark.parametrize(
    ("fmt", "text", "location", "message"),
    [
        ("butane", "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/x\n      mode: '0644'\n",
         "storage.files[0].mode", "is not of type 'integer'"),
        ("butane", "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: etc/x\n",
         "storage.files[0].path", "does not match"),
        ("butane", "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /x\n      contents:\n"
         "        inline: a\n        source: data:,a\n", "storage.files[0].contents", "should not be valid"),
        ("butane", "version: 1.4.0\n", "(root)", "'variant' is a required property"),
        ("ignition", '{"ignition": {"version": "2.2.0"}}', "ignition.version", "is not one of"),
        ("ignition", '{"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "/x", "mode": "0644"}]}}',
         "storage.files[0].mode", "is not of type"),
        ("ignition", '{"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "/x", "contents": '
         '{"source": "data:;base64,!!"}}]}}', "storage.files[0].contents.source", "bad data URL"),
        ("ignition", '{"ignition": {"version": "3.3.0"}, "comment": "x"}', "(root)", "Additional properties"),
        ("ignition", '{"ignition": ', "line 1", "not JSON"),
    ],
)
def test_schemas_reject(fmt: str, text: str, location: str, message: str) -> None:
    problems = formats.validate(fmt, text)
    assert problems and problems[0][0] == location and message in problems[0][1], problems


def test_validate_detects_both(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for fmt, name in (("ignition", "a.ign"), ("butane", "a.bu")):
        path = tmp_path / name
        path.write_text(render(cli, fmt, "--ram", "64GiB"))
        result: CliResult = cli("validate", str(path))
        assert (result.code, result.err) == (0, f"{path}: valid {fmt}\n")


def place_as_ignition_would(box: Sandbox, document: dict[str, Any]) -> None:
    """Write the config's file where Ignition would, with its mode (Ignition runs before boot)."""
    (entry,) = document["storage"]["files"]
    assert entry["path"] == CONF
    target = box.etc_sysctl_d / Path(CONF).name
    target.write_bytes(ignition.decode_data_url(entry["contents"]["source"]))
    target.chmod(entry["mode"])


@pytest.mark.sandbox
@pytest.mark.parametrize(("vendor", "expected"), [(None, 524288), (1048576, 524288)], ids=["raise", "caveat-lowers"])
def test_systemd_sysctl_applies_the_file_on_first_boot(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, vendor: int | None, expected: int
) -> None:
    """The file is in force after systemd-sysctl runs; and, as documented, Ignition never compares:
    with a vendor default of 1048576 (Fedora 39+), a smaller value in our file lowers it."""
    require_root_namespaces()
    require_tool("/lib/systemd/systemd-sysctl")
    box = Sandbox(tmp_path)
    if vendor is not None:
        (box.lib_sysctl_d / "50-default.conf").write_text(f"vm.max_map_count = {vendor}\n")
    place_as_ignition_would(box, json.loads(render(cli, "ignition", "--ram", "128GB")))
    result = box.boot()
    assert result.returncode == 0, result.stderr
    assert box.live == expected
