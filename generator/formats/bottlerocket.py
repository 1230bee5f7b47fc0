"""``bottlerocket``: Bottlerocket user data (TOML), ``[settings.kernel.sysctl]``.

The key must be quoted: TOML reads an unquoted ``vm.max_map_count`` as nested tables
(``{"vm": {"max_map_count": ...}}``), which is not what Bottlerocket's settings model holds.
Values are strings. Bottlerocket applies settings as given, so there is no never-lower here.
"""

from __future__ import annotations

from typing import Any

from generator.formats import Problems
from generator.provision import Plan, comment_block, fill, header_lines
from generator.validation import schema_errors


def toml_string(text: str) -> str:
    """A TOML basic string; our keys and values are digits, letters, dots, dashes only."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(plan: Plan) -> str:
    """The user data for ``plan``."""
    pairs = [("vm.max_map_count", plan.value), *plan.extra_sysctls]
    settings = "\n".join(f"{toml_string(name)} = {toml_string(str(value))}" for name, value in pairs)
    return fill("bottlerocket.toml", header=comment_block(header_lines(plan)), settings=settings)


def parse(text: str) -> tuple[Any, Problems]:
    """The TOML document, or a problem saying where it does not parse."""
    import tomllib

    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as e:
        return None, [("(toml)", str(e))]


def validate(text: str) -> Problems:
    """Problems with Bottlerocket user data: TOML, unquoted dotted keys, then the schema."""
    document, problems = parse(text)
    if problems:
        return problems
    sysctl = document.get("settings", {}).get("kernel", {}).get("sysctl", {})
    if isinstance(sysctl, dict):
        for key, value in sysctl.items():
            if isinstance(value, dict):
                problems.append(
                    (f"settings.kernel.sysctl.{key}", "a table: quote dotted sysctl names, e.g. \"vm.max_map_count\"")
                )
    return problems or schema_errors(document, "bottlerocket.schema.json")


def detect(text: str) -> bool:
    """Bottlerocket user data has a ``[settings...]`` table."""
    return any(line.strip().startswith("[settings") for line in text.splitlines())
