"""``cloud-init``: ``#cloud-config`` user-data.

The provisioning script runs from ``bootcmd``: cloud-init runs it early on every boot (before
sysinit.target, so before any service enabled in the image), while ``runcmd`` would run only once
and late, after services have started with the kernel default.
"""

from __future__ import annotations

import textwrap
from typing import Any

from generator.formats import Problems
from generator.provision import Plan, comment_block, fill, header_lines, script_body
from generator.validation import schema_errors
from generator.yamlio import load_yaml

MAGIC = "#cloud-config"


def render(plan: Plan) -> str:
    """The user-data for ``plan``."""
    body = textwrap.indent(script_body(plan), " " * 6)
    return fill("cloud-init.yaml", header=comment_block(header_lines(plan)), body=body.rstrip("\n"))


def parse(text: str) -> Any:
    """The cloud-config document (raises InputError when it is not YAML)."""
    return load_yaml(text, "cloud-config")


def validate(text: str) -> Problems:
    """Problems with a cloud-config: the magic first line, YAML, then the schema."""
    if text.split("\n", 1)[0].rstrip() != MAGIC:
        return [("line 1", f"must be {MAGIC!r}")]
    from generator.errors import InputError

    try:
        document = parse(text)
    except InputError as e:
        return [("(yaml)", str(e))]
    return schema_errors(document, "cloud-config.schema.json")


def detect(text: str) -> bool:
    """cloud-init's own test: the first line is ``#cloud-config``."""
    return text.startswith(MAGIC)
