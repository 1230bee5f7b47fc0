"""``sysctl-conf``: the /etc/sysctl.d file itself, for config management that places files."""

from __future__ import annotations

import re

from generator.formats import Problems
from generator.provision import SYSCTL_FILE, Plan, comment_block, fill, header_lines, sysctl_lines
from generator.validation import schema_errors

_SETTING = re.compile(r"^\s*-?(?P<key>[^=\s]+)\s*=\s*(?P<value>.*?)\s*$")


def render(plan: Plan) -> str:
    """The sysctl.d file for ``plan``."""
    lines = header_lines(plan) + [
        f"Install as {SYSCTL_FILE} (root:root, mode 0644);",
        f"apply with: sysctl -p {SYSCTL_FILE}",
    ]
    return fill("sysctl.conf", header=comment_block(lines), setting="\n".join(sysctl_lines(plan)))


def parse(text: str) -> tuple[dict[str, str], Problems]:
    """Settings of a sysctl.d file as ``{key: value}`` (``/`` keys normalised to ``.``)."""
    settings: dict[str, str] = {}
    problems: Problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith(("#", ";")):
            continue
        match = _SETTING.match(line)
        if not match:
            problems.append((f"line {number}", f"not a 'key = value' line: {line.strip()!r}"))
            continue
        key = match["key"].replace("/", ".")
        if key in settings:
            problems.append((f"line {number}", f"{key} is set twice"))
        settings[key] = match["value"]
    return settings, problems


def validate(text: str) -> Problems:
    """Problems with a sysctl.d file: its lines, then its settings against the schema."""
    settings, problems = parse(text)
    return problems + schema_errors(settings, "sysctl-conf.schema.json")


def detect(text: str) -> bool:
    """A sysctl file sets vm.max_map_count on a line of its own."""
    settings, problems = parse(text)
    return not problems and "vm.max_map_count" in settings
