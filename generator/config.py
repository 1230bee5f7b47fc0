"""``maxmap.yaml``: load it, check every part of it, and resolve each target's inputs.

Checking collects every mistake with the config path it sits at (``targets[2].ram: '12XB' is not
a size``) and reports them together in one :class:`ConfigError`: fixing a file one error per run
wastes everybody's time. The structure is checked by ``schemas/maxmap-config.schema.json``; what
a schema cannot know (format names from the registry, sizes, workloads, instance types, names
that clash) is checked here. Inputs of every target are resolved in one batch, so instance types
are looked up together.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Sequence

from generator import formats
from generator.errors import EnvironmentProblem, InputError
from generator.inputs import Input, command_line, requirements_for
from generator.rules import Requirement, decide
from generator.sysctls import ExtraSysctls, extra_sysctls

SCHEMA = "maxmap-config.schema.json"

INPUT_KEYS: dict[str, str] = {
    "instance_type": "instance-type",
    "ram": "ram",
    "jvm_heap": "jvm-heap",
    "workload": "workload",
}
"""Target keys that are inputs, and the input kind (CLI option name) each one is."""

Problems = list[tuple[str, str]]

Resolver = Callable[[Sequence[Input]], list[Requirement]]
"""Inputs to requirements, in order: :func:`generator.inputs.requirements_for` or one like it."""


class ConfigError(InputError):
    """A config with mistakes; ``problems`` holds every ``(config path, message)``."""

    def __init__(self, path: Path, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        lines = [f"{where}: {message}" for where, message in problems]
        if len(lines) == 1:
            text = f"{path}: {lines[0]}"
        else:
            text = f"{path}: {len(lines)} mistakes:\n" + "\n".join(f"  {line}" for line in lines)
        super().__init__(text)


@dataclass(frozen=True)
class Target:
    """One target: what to compute from, and which files to write.

    ``stem`` is the file path without extension, relative to the output folder.
    """

    where: str
    name: str
    inputs: tuple[Input, ...]
    requirements: tuple[Requirement, ...]
    formats: tuple[str, ...]
    allow_lower: bool
    stem: str
    extra_sysctls: ExtraSysctls = ()

    def relative_path(self, fmt: str) -> str:
        """The file for format ``fmt``, relative to the output folder (``/`` separated)."""
        return self.stem + formats.FORMATS[fmt].extension


@dataclass(frozen=True)
class Config:
    """A checked config. ``output_dir`` is joined to the config's folder, not resolved."""

    path: Path
    output_dir: Path
    targets: tuple[Target, ...]
    regenerate: str


def regenerate_command(path: Path) -> str:
    """The command written into headers: ``maxmap build -c <config>``.

    The config is named relative to the root of its git work tree (the nearest folder holding
    ``.git``), else by its file name: never relative to wherever the command happened to run,
    which would make headers, and so ``--check``, depend on the working directory.
    """
    resolved = path.resolve()
    for folder in resolved.parents:
        if (folder / ".git").exists():
            name = resolved.relative_to(folder).as_posix()
            break
    else:
        name = resolved.name
    return command_line(["maxmap", "build", "-c", name])


def read_config(path: Path) -> Any:
    """The parsed YAML document of the config at ``path``."""
    from generator.yamlio import load_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (start one with: maxmap init)") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a config file") from None
    except OSError as e:
        raise EnvironmentProblem(f"cannot read {path}: {e.strerror or e}") from e
    return load_yaml(text, str(path))


def load_config(path: Path, resolve: Resolver | None = None) -> Config:
    """Read, check and resolve the config at ``path``; every mistake is in one :class:`ConfigError`."""
    return check_config(read_config(path), path, resolve)


def check_config(document: Any, path: Path, resolve: Resolver | None = None) -> Config:
    """Check a parsed config document and resolve its targets' inputs.

    ``resolve`` turns inputs into requirements, all targets' in one call (so instance types are
    looked up in one batch); by default :func:`generator.inputs.requirements_for` with the
    config's own ``instance_source`` and ``aws_region``, so that the file alone decides the
    output, whoever runs the build or the check.
    """
    problems = _structure_problems(document)
    if not isinstance(document, dict) or not isinstance(document.get("targets"), list):
        raise ConfigError(path, _in_order(problems))
    bad_spots = {where for where, _ in problems}
    if resolve is None:
        resolve = _resolver(document, bad_spots)
    entries = [(f"targets[{index}]", entry) for index, entry in enumerate(document["targets"])]
    entries = [(where, entry) for where, entry in entries if isinstance(entry, dict)]
    for where, entry in entries:
        problems += _target_problems(entry, where)
    problems += _clash_problems(document["targets"])
    # Inputs are resolved even in targets with other mistakes, so one run reports them all.
    given = [
        (where, key, value)
        for where, entry in entries
        for key, value in entry.items()
        if key in INPUT_KEYS and f"{where}.{key}" not in bad_spots
    ]
    resolved, input_problems = _resolve(given, resolve)
    problems += input_problems
    for where, requirements in resolved.items():
        try:
            decide(requirements)  # too large a value is a mistake in the config, not in the build
        except InputError as e:
            problems.append((where, str(e)))
    if problems:
        raise ConfigError(path, _in_order(problems))
    output_dir = path.parent / document.get("output_dir", ".")
    targets = tuple(_target(where, entry, tuple(resolved.get(where, ()))) for where, entry in entries)
    return Config(path=path, output_dir=output_dir, targets=targets, regenerate=regenerate_command(path))


def _resolver(document: dict[str, Any], bad_spots: set[str]) -> Resolver:
    """``requirements_for`` looking instance types up where the config says."""
    from generator.instances import DEFAULT_SOURCE, Lookup

    source = document.get("instance_source", DEFAULT_SOURCE)
    region = document.get("aws_region")
    lookup = Lookup(
        source=DEFAULT_SOURCE if "instance_source" in bad_spots else source,
        region=None if "aws_region" in bad_spots else region,
    )
    return functools.partial(requirements_for, lookup=lookup)


def _target(where: str, entry: dict[str, Any], requirements: tuple[Requirement, ...]) -> Target:
    return Target(
        where=where,
        name=entry["name"],
        inputs=tuple(_inputs(entry)),
        requirements=requirements,
        formats=tuple(entry["formats"]),
        allow_lower=bool(entry.get("allow_lower", False)),
        stem=entry.get("file", entry["name"]),
        extra_sysctls=extra_sysctls(entry.get("extra_sysctls", {}).items()),
    )


def _inputs(entry: dict[str, Any]) -> list[Input]:
    """The target's inputs, in the order they are written in the file."""
    return [Input(INPUT_KEYS[key], str(value)) for key, value in entry.items() if key in INPUT_KEYS]


def _structure_problems(document: Any) -> Problems:
    """Schema violations, unknown keys reported with a suggestion."""
    if not isinstance(document, dict):
        return [("(root)", "must be a mapping with 'version' and 'targets' (see: maxmap init)")]
    from generator.validation import format_location, schema_validator

    problems: Problems = []
    for error in schema_validator(SCHEMA).iter_errors(document):
        where = format_location(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in known:
                    problems.append((_join(where, key), _unknown_key(key, known)))
        elif error.validator == "pattern" and where.endswith(".name"):
            problems.append((where, f"{error.instance!r} is not a valid name: use a-z, 0-9 and '-', "
                                    "starting with a letter or digit"))
        elif error.validator == "pattern" and where.endswith(".file"):
            problems.append((where, f"{error.instance!r} is not a valid file name: use letters, digits, "
                                    "'.', '_', '-' and '/' between folders; no absolute paths, "
                                    "no '..', no hidden names"))
        else:
            problems.append((where, error.message))
    return problems


def _join(where: str, key: Any) -> str:
    return str(key) if where == "(root)" else f"{where}.{key}"


def _unknown_key(key: Any, known: list[str]) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key ({hint}known: {', '.join(known)})"


def _target_problems(entry: dict[str, Any], where: str) -> Problems:
    """What the schema cannot say about one target."""
    problems: Problems = []
    extras = entry.get("extra_sysctls")
    if isinstance(extras, dict):
        spot = f"{where}.extra_sysctls"
        try:
            extra_sysctls(extras.items(), spot)
        except InputError as e:
            problems.append((spot, str(e).removeprefix(f"{spot}: ")))
    given = [key for key in INPUT_KEYS if key in entry]
    if "instance_type" in entry and "ram" in entry:
        problems.append((where, "give instance_type or ram, not both: they say the same thing"))
    if not given:
        problems.append((where, f"nothing to compute from: give one of {', '.join(INPUT_KEYS)}"))
    names = entry.get("formats")
    if isinstance(names, list):
        for index, name in enumerate(names):
            if isinstance(name, str) and name not in formats.FORMATS:
                close = difflib.get_close_matches(name, list(formats.FORMATS), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                problems.append(
                    (f"{where}.formats[{index}]", f"unknown format {name!r} ({hint}known: {', '.join(formats.FORMATS)})")
                )
        stem = entry.get("file")
        if isinstance(stem, str):
            for name in names:
                fmt = formats.FORMATS.get(name) if isinstance(name, str) else None
                if fmt is not None and stem.endswith(fmt.extension):
                    problems.append(
                        (f"{where}.file", f"give the name without its extension: {fmt.extension} is added for {name}")
                    )
                    break
    return problems


def _clash_problems(entries: list[Any]) -> Problems:
    """Names used twice, and two outputs that would be the same file."""
    problems: Problems = []
    names: dict[str, str] = {}
    files: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"targets[{index}]"
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        if isinstance(name, str):
            if name in names:
                problems.append((f"{where}.name", f"{name!r} is already the name of {names[name]}"))
            else:
                names[name] = where
        stem = entry.get("file", name)
        fmts = entry.get("formats")
        if not isinstance(stem, str) or not isinstance(fmts, list):
            continue
        for position, fmt_name in enumerate(fmts):
            fmt = formats.FORMATS.get(fmt_name) if isinstance(fmt_name, str) else None
            if fmt is None:
                continue
            relative = stem + fmt.extension
            # Case-folded: two names differing in case are one file on macOS and Windows checkouts.
            key = PurePosixPath(relative).as_posix().casefold()
            spot = f"{where}.formats[{position}]"
            if key in files:
                problems.append((spot, f"writes {relative!r}, as {files[key]} does"))
            else:
                files[key] = spot
    return problems


def _resolve(given: Sequence[tuple[str, str, Any]], resolve: Resolver) -> tuple[dict[str, list[Requirement]], Problems]:
    """Requirements per target, resolved in one batch; on failure the bad inputs are found."""
    items = [Input(INPUT_KEYS[key], str(value)) for _, key, value in given]
    spots = [f"{where}.{key}" for where, key, _ in given]
    try:
        requirements = resolve(items)
    except InputError:
        return {}, _halves_problems(items, spots, resolve)
    resolved: dict[str, list[Requirement]] = {}
    for (where, _, _), requirement in zip(given, requirements):
        resolved.setdefault(where, []).append(requirement)
    return resolved, []


def _input_problems(items: Sequence[Input], spots: Sequence[str], resolve: Resolver) -> Problems:
    """The inputs that fail, each with its message, found by halving a batch that fails.

    A thousand instance types with one typo cost some twenty lookups, not a thousand (each
    may be a request to AWS).
    """
    try:
        resolve(items)
    except InputError as e:
        if len(items) > 1:
            return _halves_problems(items, spots, resolve)
        # Messages name the CLI option ("--ram: ..."); here the config path says where.
        return [(spots[0], str(e).removeprefix(f"--{items[0].kind}: "))]
    return []


def _halves_problems(items: Sequence[Input], spots: Sequence[str], resolve: Resolver) -> Problems:
    middle = len(items) // 2
    return _input_problems(items[:middle], spots[:middle], resolve) + _input_problems(
        items[middle:], spots[middle:], resolve
    )


def _location_key(where: str) -> list[Any]:
    """Document order: ``targets[10]`` after ``targets[9]``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"[\[\].]+", where) if part]


def _in_order(problems: Problems) -> Problems:
    return sorted(problems, key=lambda problem: _location_key(problem[0]))
