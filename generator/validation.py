"""JSON Schema validation of parsed documents against the packaged schemas.

jsonschema is imported here, and only when a document is validated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from generator.resources import load_json


def format_location(path: Any) -> str:
    """A JSON path as people read it: ``targets[2].ram``; the document itself is ``(root)``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


@lru_cache(maxsize=None)
def schema_validator(schema_name: str) -> Any:
    """The (cached) validator for packaged schema ``schema_name``."""
    import jsonschema

    schema = load_json("schemas", schema_name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(document: Any, schema_name: str) -> list[tuple[str, str]]:
    """Every way ``document`` breaks schema ``schema_name``, in document order."""
    errors = sorted(schema_validator(schema_name).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [(format_location(e.absolute_path), e.message) for e in errors]
