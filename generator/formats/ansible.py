"""``ansible``: a task list using ``ansible.posix.sysctl``.

The module writes our sysctl.d file and applies it with ``sysctl -p FILE``. It sets the value it is
given, so a guard task first reads the value in force and those set in other sysctl files (the
same places the provisioning script looks), and the sysctl task sets the largest of them and
ours: never lower, unless ``--allow-lower``. Values are strings, as the module documents.
"""

from __future__ import annotations

from typing import Any

from generator.formats import Problems
from generator.provision import SYSCTL_FILE, Plan, comment_block, fill, header_lines, never_lower_scan
from generator.validation import schema_errors

GUARD_EXPRESSION = "{{ ([@{value}] + maxmap_in_force.stdout_lines | map('int') | list) | max | string }}"


def render(plan: Plan) -> str:
    """The task list for ``plan``."""
    value = str(plan.value)
    if plan.allow_lower:
        guard, at_least, expression = "", " to", value
    else:
        guard = fill("ansible-guard.yaml", conf=SYSCTL_FILE, **never_lower_scan())
        at_least, expression = " to at least", GUARD_EXPRESSION.replace("@{value}", value)
    extras = ""
    if plan.extra_sysctls:
        items = "\n".join(f'    - {{name: {name}, value: "{number}"}}' for name, number in plan.extra_sysctls)
        extras = fill("ansible-extras.yaml", conf=SYSCTL_FILE, items=items)
    text = fill(
        "ansible.yaml",
        header=comment_block(header_lines(plan)),
        conf=SYSCTL_FILE,
        guard=guard,
        at_least=at_least,
        value=value,
        value_expression=expression,
        extras=extras,
    )
    return text.rstrip("\n") + "\n"


def parse(text: str) -> Any:
    """The task list (raises InputError when it is not YAML)."""
    from generator.yamlio import load_yaml

    return load_yaml(text, "ansible tasks")


def validate(text: str) -> Problems:
    """Problems with a task list: YAML, then the schema."""
    from generator.errors import InputError

    try:
        document = parse(text)
    except InputError as e:
        return [("(yaml)", str(e))]
    return schema_errors(document, "ansible-tasks.schema.json")


def detect(text: str) -> bool:
    """A YAML task list that uses the sysctl module."""
    return "sysctl:" in text and any(line.startswith("- name:") for line in text.splitlines())
