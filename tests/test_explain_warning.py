"""``maxmap explain-warning``: HotSpot's ZGC warning, as pasted from logs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable

import pytest
from conftest import ROOT, CliResult

from generator import rules, zgc_warning
from generator.errors import InputError

Cli = Callable[..., CliResult]

SEED_WARNING = """\
[warning][gc] ***** WARNING! INCORRECT SYSTEM CONFIGURATION DETECTED! *****
[warning][gc] The system limit on number of memory mappings per process might be too low for the given
[warning][gc] max Java heap size (101754M). Please adjust /proc/sys/vm/max_map_count to allow for at
[warning][gc] least 183157 mappings (current limit is 65530). Continuing execution with the current
[warning][gc] limit could lead to a premature OutOfMemoryError being thrown, due to failure to map memory.
"""


def test_the_seed_holds_this_warning() -> None:
    # shared/ sits beside the checkout (beside the worktrees' parent for helper worktrees).
    candidates = [base / "shared" / "seed" / "000_a833cddf6d3f9a51.txt" for base in (ROOT.parent, ROOT.parent.parent)]
    seeds = [seed for seed in candidates if seed.is_file()]
    if not seeds:
        pytest.skip("the seed is not beside this checkout")
    assert SEED_WARNING in seeds[0].read_text()


def test_seed_warning_figures() -> None:
    warning = zgc_warning.parse(SEED_WARNING)
    assert (warning.heap_mib, warning.required, warning.current) == (101754, 183157, 65530)


def variants() -> list[str]:
    message = [re.sub(r"^\[warning\]\[gc\] ", "", line) for line in SEED_WARNING.splitlines()]
    return [
        # JDK 17+ default decorations
        "".join(f"[0.012s][warning][gc,init] {line}\n" for line in message),
        # journald, with a process name that has brackets of its own
        "".join(f"Nov 27 10:00:01 node7 java[4242]: [warning][gc] {line}\n" for line in message),
        # no decorations, re-wrapped by a ticket system at 60 columns, CRLF
        "\r\n".join(re.findall(r".{1,60}(?:\s|$)", " ".join(message))),
        # the JDK 11 wording without the banner, and "mappings" moved to the next line
        "The system limit on number of memory mappings per process might be too low for the given\n"
        "max Java heap size (101754M). Please adjust /proc/sys/vm/max_map_count to allow for at least\n"
        "183157\nmappings (current limit is 65530).\n",
    ]


@pytest.mark.parametrize("text", variants())
def test_variants(text: str) -> None:
    warning = zgc_warning.parse(text)
    assert (warning.heap_mib, warning.required, warning.current) == (101754, 183157, 65530)


def test_jdk11_wording_with_other_figures() -> None:
    prefix = "[2024-05-02T10:00:00.123+0000][0.010s][warning][gc,init] "
    lines = [
        "***** WARNING! INCORRECT SYSTEM CONFIGURATION DETECTED! *****",
        "The system limit on number of memory mappings per process might be too low for the given",
        "max Java heap size (49152M). Please adjust /proc/sys/vm/max_map_count to allow for at",
        "least 88473 mappings (current limit is 65530). Continuing execution with the current",
        "limit could lead to a fatal error, due to failure to map memory.",
    ]
    text = "".join(f"{prefix}{line}\n" for line in lines)
    warning = zgc_warning.parse(text)
    assert (warning.heap_mib, warning.required, warning.current) == (49152, 88473, 65530)
    assert warning.required == rules.zgc_required(warning.heap_bytes)


def test_required_is_computed_when_the_paste_is_cut_short() -> None:
    warning = zgc_warning.parse("[warning][gc] max Java heap size (101754M). Please adjust /proc/sys/vm/max_map_count")
    assert (warning.required, warning.current) == (183157, None)


def test_not_a_warning() -> None:
    with pytest.raises(InputError, match="no HotSpot max_map_count warning"):
        zgc_warning.parse("Exception in thread main java.lang.OutOfMemoryError: Java heap space\n")


def test_cli_from_stdin(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(SEED_WARNING))
    result = cli("explain-warning")
    assert result.code == 0, result.err
    assert "max Java heap      101754 MiB" in result.out
    assert "ZGC needs          183157 mappings" in result.out
    assert "limit when it ran  65530 (short by 117627)" in result.out
    assert "maxmap render --format shell --jvm-heap 101754MiB | sh" in result.out
    assert "sysctl -w vm.max_map_count=183157" in result.out


def test_cli_json_with_ram(cli: Cli, tmp_path: Path) -> None:
    log = tmp_path / "gc.log"
    log.write_text("starting\n" + SEED_WARNING + "done\n")
    result = cli("explain-warning", str(log), "--ram", "128GB", "--json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert (document["heap_mib"], document["required"], document["current_limit"]) == (101754, 183157, 65530)
    assert (document["recommended"], document["winner"]) == (524288, {"rule": "ram", "input": "128GiB"})
    assert document["fix"][0] == "maxmap render --format shell --jvm-heap 101754MiB --ram 128GiB | sh"


def test_cli_errors(cli: Cli, tmp_path: Path) -> None:
    missing = cli("explain-warning", str(tmp_path / "absent.log"))
    assert missing.code == 2 and missing.err.startswith("maxmap: error: ")
    (tmp_path / "other.log").write_text("all good\n")
    other = cli("explain-warning", str(tmp_path / "other.log"))
    assert other.code == 2 and "no HotSpot max_map_count warning" in other.err
