"""``maxmap build``: golden output, idempotence, --check/--diff, stale files, atomicity."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

import generator.atomic
from conftest import CliResult
from generator import formats

GOLDEN = Path(__file__).parent / "build_golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "maxmap.yaml").is_file())

CONFIG = textwrap.dedent("""\
    version: 1
    output_dir: generated
    targets:
      - name: search
        ram: 128GiB
        formats: [cloud-init, shell]
      - name: db
        ram: 64GiB
        formats: [sysctl-conf, shell]
    """)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder holding CONFIG, built once."""
    (tmp_path / "maxmap.yaml").write_text(CONFIG)
    return tmp_path


def build(cli, folder: Path, *flags: str) -> CliResult:  # type: ignore[no-untyped-def]
    return cli("build", "-c", str(folder / "maxmap.yaml"), *flags)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_build(case: Path, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(case / "maxmap.yaml", tmp_path / "maxmap.yaml")
    first = build(cli, tmp_path)
    assert first.code == 0, first.err
    assert first.out == ""
    produced = tree(tmp_path / "generated")
    expected_dir = case / "expected"
    if os.environ.get("MAXMAP_UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(tmp_path / "generated", expected_dir)
    assert produced == tree(expected_dir), f"{case} changed; MAXMAP_UPDATE_GOLDEN=1 rewrites it"
    for relative, data in produced.items():
        assert b"Regenerate with: maxmap build -c maxmap.yaml\n" in data, relative
        assert formats.detect(data.decode()) is not None


def test_build_twice_gives_the_same_bytes_and_touches_nothing(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    before = tree(repo / "generated")
    assert sorted(before) == ["db.conf", "db.sh", "search.sh", "search.yaml"]
    for path in (repo / "generated").iterdir():
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    again = build(cli, repo)
    assert again.code == 0
    assert "4 files up to date" in again.err
    assert tree(repo / "generated") == before
    assert set(mtimes(repo / "generated").values()) == {1_000_000_000}


def test_check_after_build_passes(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    check = build(cli, repo, "--check")
    assert (check.code, check.out) == (0, "")
    assert "up to date" in check.err


def test_check_before_build_lists_files_to_create(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    check = build(cli, repo, "--check")
    assert check.code == 1
    assert f"maxmap: would create {(repo / 'generated' / 'search.yaml').as_posix()}\n" in check.err
    assert "out of date: 4 to create, 0 to update, 0 stale to remove (4 files produced); run: maxmap build -c maxmap.yaml\n" in check.err
    assert not (repo / "generated").exists()


def test_hand_edit_fails_check_and_changes_nothing(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    edited = repo / "generated" / "search.sh"
    edited.write_text(edited.read_text().replace("want=524288", "want=65530"))
    before, times = tree(repo), mtimes(repo)
    check = build(cli, repo, "--check")
    assert check.code == 1
    assert check.err.splitlines()[0] == f"maxmap: would update {edited.as_posix()}"
    diff = build(cli, repo, "--diff")
    assert diff.code == 1
    name = edited.as_posix()
    assert diff.out.startswith(f"--- a/{name}\n+++ b/{name}\n@@ ")
    assert "\n-want=65530\n+want=524288\n" in diff.out
    assert (tree(repo), mtimes(repo)) == (before, times)
    assert build(cli, repo).code == 0
    assert build(cli, repo, "--check").code == 0


def test_input_change_fails_check_and_diff_shows_it(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    config = repo / "maxmap.yaml"
    config.write_text(CONFIG.replace("ram: 64GiB", "ram: 1TiB"))
    before = tree(repo / "generated")
    diff = build(cli, repo, "--diff")
    assert diff.code == 1
    assert diff.out.count("\n--- a/") + diff.out.startswith("--- a/") == 2  # db.conf and db.sh
    assert "-vm.max_map_count = 262144\n+vm.max_map_count = 4194304\n" in diff.out
    assert tree(repo / "generated") == before
    assert diff.out == build(cli, repo, "--diff", "--check").out  # stable: no timestamps in labels


def test_diff_of_a_new_file_is_against_dev_null(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    diff = build(cli, repo, "--diff")
    assert diff.code == 1
    assert f"--- /dev/null\n+++ b/{(repo / 'generated' / 'db.conf').as_posix()}\n@@ -0,0 +1," in diff.out


def test_stale_files_are_listed_then_removed(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    out = repo / "generated"
    # Not ours: a file of `maxmap render`, a file of another config, a hand-written one.
    assert cli("render", "--format", "shell", "--ram", "1GiB", "-o", str(out / "mine.sh")).code == 0
    (out / "other.sh").write_text((out / "db.sh").read_text().replace("-c maxmap.yaml", "-c maxmap.yaml.old"))
    (out / "notes.yaml").write_text("# Generated by maxmap? No: maxmap build -c maxmap.yaml wrote nothing here\n")
    (repo / "maxmap.yaml").write_text(CONFIG.replace("name: db", "name: database"))
    check = build(cli, repo, "--check")
    assert check.code == 1
    lines = check.err.splitlines()
    assert f"maxmap: would create {(out / 'database.conf').as_posix()}" in lines
    assert f"maxmap: would remove {(out / 'db.conf').as_posix()} (no longer produced)" in lines
    assert f"maxmap: would remove {(out / 'db.sh').as_posix()} (no longer produced)" in lines
    assert not [line for line in lines if "mine.sh" in line or "other.sh" in line or "notes.yaml" in line]
    diff = build(cli, repo, "--diff")
    assert f"--- a/{(out / 'db.sh').as_posix()}\n+++ /dev/null\n" in diff.out
    assert build(cli, repo).code == 0
    assert sorted(tree(out)) == ["database.conf", "database.sh", "mine.sh", "notes.yaml", "other.sh",
                                 "search.sh", "search.yaml"]
    assert build(cli, repo, "--check").code == 0


def test_stale_detection_reads_percent_encoded_headers(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    config.write_text("version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: [ignition, shell]\n")
    assert build(cli, tmp_path).code == 0
    assert b"Generated by maxmap:" not in (tmp_path / "a.ign").read_bytes()  # it sits in a data URL
    config.write_text("version: 1\ntargets:\n  - name: a\n    ram: 1GiB\n    formats: [shell]\n")
    check = build(cli, tmp_path, "--check")
    assert check.code == 1
    assert f"would remove {(tmp_path / 'a.ign').as_posix()} (no longer produced)" in check.err


def test_one_bad_output_writes_nothing(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from generator.formats import sysctl_conf

    real = sysctl_conf.render
    monkeypatch.setattr(sysctl_conf, "render", lambda plan: real(plan).replace(" = ", " := "))
    result = build(cli, repo)
    assert result.code == 1
    assert "targets[1] (db): rendered sysctl-conf output is invalid" in result.err
    assert not (repo / "generated").exists()


def test_failure_mid_build_leaves_each_file_old_or_new(repo: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    old = tree(repo / "generated")
    (repo / "maxmap.yaml").write_text(CONFIG.replace("128GiB", "2TiB").replace("64GiB", "4TiB"))
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(generator.atomic.os, "replace", failing_replace)
    result = build(cli, repo)
    assert result.code == 2
    assert "No space left on device" in result.err
    monkeypatch.undo()
    assert build(cli, repo, "--check").code == 1
    new = tree(repo / "generated")
    changed = [name for name in new if new[name] != old[name]]
    assert changed and len(changed) < len(new)
    assert sorted(new) == sorted(old)  # no temp files, nothing missing
    assert not [p for p in repo.rglob("*") if p.name.endswith(".tmp")]
    assert build(cli, repo).code == 0
    expected_new = tree(repo / "generated")
    for name, data in new.items():
        assert data in (old[name], expected_new[name]), f"{name} is neither old nor new"


def test_output_path_through_a_symlink_outside_is_refused(repo: Path, cli, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[no-untyped-def]
    outside = tmp_path_factory.mktemp("outside")
    (repo / "generated").mkdir()
    (repo / "generated" / "nodes").symlink_to(outside, target_is_directory=True)
    (repo / "maxmap.yaml").write_text(CONFIG + "  - name: x\n    ram: 1GiB\n    file: nodes/x\n    formats: [shell]\n")
    result = build(cli, repo)
    assert result.code == 2
    assert "resolves outside the output folder" in result.err
    assert list(outside.iterdir()) == []
    assert not (repo / "generated" / "search.sh").exists()


def test_the_config_itself_is_never_overwritten(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    text = "version: 1\ntargets:\n  - name: maxmap\n    ram: 1GiB\n    formats: [cloud-init]\n"
    config.write_text(text)
    result = cli("build", "-c", str(config))
    assert result.code == 2
    assert "is the config file itself; refusing to overwrite it" in result.err
    assert config.read_text() == text


def test_a_folder_in_the_way_is_an_error(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (repo / "generated" / "search.yaml").mkdir(parents=True)
    result = build(cli, repo)
    assert result.code == 2
    assert "search.yaml: is a folder" in result.err
    assert sorted(tree(repo / "generated")) == []


def test_file_mode_is_kept(repo: Path, cli) -> None:  # type: ignore[no-untyped-def]
    assert build(cli, repo).code == 0
    script = repo / "generated" / "search.sh"
    script.chmod(0o755)
    (repo / "maxmap.yaml").write_text(CONFIG.replace("128GiB", "256GiB"))
    assert build(cli, repo).code == 0
    assert script.stat().st_mode & 0o777 == 0o755
    assert "want=1048576" in script.read_text()


def test_headers_do_not_depend_on_the_working_directory(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".git").mkdir()
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "maxmap.yaml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    assert cli("build", "-c", "infra/maxmap.yaml").code == 0
    data = (infra / "generated" / "search.sh").read_text()
    assert "# Regenerate with: maxmap build -c infra/maxmap.yaml\n" in data
    monkeypatch.chdir(infra)
    assert cli("build", "--check").code == 0
    monkeypatch.chdir(infra / "generated")
    assert cli("build", "--check", "-c", "../maxmap.yaml").code == 0


def test_many_targets_render_on_threads_in_config_order(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    targets = "".join(f"  - name: n{i:03d}\n    ram: {i + 1}GiB\n    formats: [shell, sysctl-conf]\n"
                      for i in range(60))
    (tmp_path / "maxmap.yaml").write_text("version: 1\ntargets:\n" + targets)
    assert build(cli, tmp_path).code == 0
    for i in (0, 37, 59):
        assert f"vm.max_map_count = {max(65530, 4 * 1024 * (i + 1))}\n" in (tmp_path / f"n{i:03d}.conf").read_text()
    assert build(cli, tmp_path, "--check").code == 0


def test_init_writes_a_starter_that_builds(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    created = cli("init")
    assert created.code == 0 and created.out == ""
    text = (tmp_path / "maxmap.yaml").read_text()
    assert text.startswith("# maxmap.yaml:") and ", ".join(formats.FORMATS) in text
    assert cli("build").code == 0
    assert cli("build", "--check").code == 0
    assert sorted(tree(tmp_path / "generated")) == ["search-nodes.sh", "search-nodes.yaml"]


def test_init_refuses_to_overwrite(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "maxmap.yaml"
    config.write_text("mine\n")
    result = cli("init", "-c", str(config))
    assert result.code == 2
    assert "already exists; not overwriting it" in result.err
    assert config.read_text() == "mine\n"


def test_every_registered_format_builds(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    names = list(formats.FORMATS)
    (tmp_path / "maxmap.yaml").write_text(
        "version: 1\ntargets:\n  - name: all\n    ram: 512GiB\n    extra_sysctls: {vm.swappiness: 10}\n"
        f"    formats: [{', '.join(names)}]\n"
    )
    result = build(cli, tmp_path)
    assert result.code == 0, result.err
    for name in names:
        text = (tmp_path / f"all{formats.FORMATS[name].extension}").read_text()
        assert formats.validate(name, text) == [], name
        assert "maxmap build -c maxmap.yaml" in text or "maxmap%20build%20-c%20maxmap.yaml" in text, name
    assert build(cli, tmp_path, "--check").code == 0


def test_failure_among_threaded_writes_leaves_each_file_old_or_new(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def config(size: str) -> str:
        return "version: 1\ntargets:\n" + "".join(
            f"  - name: n{i:02d}\n    ram: {i + 1}{size}\n    formats: [sysctl-conf, shell]\n" for i in range(40)
        )

    (tmp_path / "maxmap.yaml").write_text(config("GiB"))
    assert build(cli, tmp_path).code == 0
    old = tree(tmp_path)
    (tmp_path / "maxmap.yaml").write_text(config("TiB"))
    real_replace = os.replace
    calls: list[str] = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)  # list.append is atomic: threads may call this together
        if len(calls) == 30:
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(generator.atomic.os, "replace", failing_replace)
    result = build(cli, tmp_path)
    monkeypatch.undo()
    assert result.code == 2 and "Input/output error" in result.err
    after = tree(tmp_path)
    assert sorted(after) == sorted(old)  # no temp files left, none missing
    assert build(cli, tmp_path).code == 0
    new = tree(tmp_path)
    assert all(after[name] in (old[name], new[name]) for name in after)
    assert any(after[name] == new[name] != old[name] for name in after if name.endswith(".conf"))
