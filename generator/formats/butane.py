"""``butane``: a Butane config (Fedora CoreOS ``fcos`` 1.4.0) that writes the sysctl.d file.

Butane is the human-written form that the ``butane`` tool translates to Ignition spec 3.3.0;
our ``ignition`` format is that translation, and a test checks the two file entries agree.
``mode: 0644`` is octal to YAML 1.1 and to Butane alike (420). The never-lower caveat of
Ignition applies: files are written, live values are not compared.
"""

from __future__ import annotations

import textwrap
from typing import Any

from generator.formats import Problems
from generator.provision import SYSCTL_FILE, Plan, comment_block, fill, header_lines, persisted_text
from generator.validation import schema_errors


def render(plan: Plan) -> str:
    """The Butane config for ``plan``."""
    contents = textwrap.indent(persisted_text(plan), " " * 10).rstrip("\n")
    return fill("butane.yaml", header=comment_block(header_lines(plan)), path=SYSCTL_FILE, contents=contents)


def parse(text: str) -> Any:
    """The Butane document (raises InputError when it is not YAML)."""
    from generator.yamlio import load_yaml

    return load_yaml(text, "butane config")


def validate(text: str) -> Problems:
    """Problems with a Butane config: YAML, then the schema."""
    from generator.errors import InputError

    try:
        document = parse(text)
    except InputError as e:
        return [("(yaml)", str(e))]
    return schema_errors(document, "butane.schema.json")


def detect(text: str) -> bool:
    """A Butane config names its variant on a line of its own."""
    return any(line.startswith("variant:") for line in text.splitlines()) and "\nversion:" in text
