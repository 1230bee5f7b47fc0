"""Reading YAML safely: PyYAML's safe loader, plus a refusal of duplicate keys and alias bombs.

PyYAML keeps the last of two equal keys without a word; a user-data or config file that says
the same thing twice is a mistake we report.

Anchors and aliases stay allowed (``formats: *standard`` is ordinary YAML), but their expansion
is measured on the composed node graph before anything is constructed: PyYAML shares aliased
objects, so loading a "billion laughs" document is quick and it is whoever walks the result
(a schema validator, a renderer) that hangs. A document whose aliases would add more than
:data:`MAX_ALIAS_NODES` nodes, or that refers to itself, is refused in time proportional to its size.
"""

from __future__ import annotations

from typing import Any

import yaml

from generator.errors import InputError

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_ALIAS_NODES = 100_000
"""How many nodes aliases may add to a document once expanded; real files stay far below it."""


class StrictLoader(_Base):  # type: ignore[misc]
    """A safe loader that rejects duplicate mapping keys."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"unhashable key {key!r}", key_node.start_mark
            ) from None
        if duplicate:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {line})", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=deep)
    return seen


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _alias_problem(root: yaml.Node) -> str | None:
    """Why the document's aliases are refused, or None.

    Counts the nodes of the fully expanded tree with one memo entry per distinct node, so a
    bomb is measured without being expanded. Iterative: deep nesting must not hit Python's
    recursion limit either.
    """
    expanded: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in _children(node))
            continue
        if key in expanded:
            continue
        if key in in_progress:
            return f"an alias refers to a node that contains it (line {node.start_mark.line + 1})"
        in_progress.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in in_progress:
                return f"an alias refers to a node that contains it (line {child.start_mark.line + 1})"
            if id(child) not in expanded:
                stack.append((child, False))
    added = expanded[id(root)] - len(expanded)
    if added > MAX_ALIAS_NODES:
        return f"aliases expand the document by {added} nodes (at most {MAX_ALIAS_NODES} allowed)"
    return None


def load_yaml(text: str, what: str) -> Any:
    """Parse one YAML document; a syntax error, duplicate key or alias bomb is an :class:`InputError`."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        # Without an anchor there is no alias: skip the walk (big configs have no '&' at all).
        problem = _alias_problem(node) if "&" in text else None
        if problem is not None:
            raise InputError(f"{what}: refused: {problem}")
        return loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"{what}: not valid YAML: {problem}{where}") from e
    finally:
        loader.dispose()
