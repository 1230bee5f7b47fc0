"""``packer-json``: a provisioner object for the ``provisioners`` list of a legacy JSON template.

Packer rejects keys it does not know inside a provisioner (even ``_comment``), so the "generated
by" header travels as comment lines at the top of ``inline``: the script Packer uploads starts
with them. Then come the script's lines, one element each (readable in review; Packer writes each
element and a newline, so the uploaded file holds the script byte for byte). The emitter is fixed (2-space indent,
the template's key order, ASCII) so the bytes are stable.
"""

from __future__ import annotations

import json
from typing import Any

from generator.formats import Problems
from generator.packer import EXECUTE_COMMAND, INLINE_SHEBANG, header_comments, script_problems
from generator.provision import Plan, fill, script_body
from generator.validation import schema_errors

SCHEMA = "packer-json.schema.json"


def dumps(document: Any) -> str:
    """The one JSON layout every Packer JSON file of ours uses."""
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def render(plan: Plan) -> str:
    """The provisioner object for ``plan``."""
    inline = [*header_comments(plan), *script_body(plan).splitlines()]
    text = fill(
        "packer-json.json",
        inline_shebang=json.dumps(INLINE_SHEBANG),
        execute_command=json.dumps(EXECUTE_COMMAND),
        inline=json.dumps(inline),
    )
    return dumps(json.loads(text))


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}")
        document[key] = value
    return document


def parse(text: str) -> tuple[Any, Problems]:
    """The JSON document (duplicate keys refused), or the problem."""
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates), []
    except ValueError as e:  # JSONDecodeError is a ValueError
        return None, [("(json)", str(e))]


def inline_script(document: dict[str, Any]) -> str:
    """The file Packer uploads, after its shebang line: every inline element and a newline."""
    return "".join(f"{command}\n" for command in document["inline"])


def validate(text: str) -> Problems:
    """Problems with a provisioner object: JSON, the schema, then the script it uploads."""
    document, problems = parse(text)
    if problems:
        return problems
    problems = schema_errors(document, SCHEMA)
    if problems or "inline" not in document:
        return problems
    return script_problems(inline_script(document), "inline")


def detect(text: str) -> bool:
    """A JSON object of ``"type": "shell"``."""
    if not text.lstrip().startswith("{"):
        return False
    document, problems = parse(text)
    return not problems and isinstance(document, dict) and document.get("type") == "shell"
