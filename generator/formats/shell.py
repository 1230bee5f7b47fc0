"""``shell``: an idempotent root script, the seed's "ready-to-use commands" done right."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from generator.formats import Problems
from generator.provision import Plan, comment_block, fill, header_lines, script_body


def render(plan: Plan) -> str:
    """The script for ``plan``: run it as root."""
    lines = header_lines(plan) + ["Run as root: sh this-file"]
    return fill("shell.sh", header=comment_block(lines), body=script_body(plan).rstrip("\n"))


def validate(text: str) -> Problems:
    """The script must parse as POSIX shell (``sh -n``)."""
    if not text.startswith("#!/bin/sh\n"):
        return [("line 1", "must be '#!/bin/sh'")]
    return list(_syntax_problems(_without_leading_comments(text)))


def _without_leading_comments(text: str) -> str:
    """``text`` with the comment lines it starts with emptied (line numbers kept).

    Nothing is open at the top of a script (no quote, here-document or continuation), so those
    lines cannot change how the rest parses. Scripts that differ only in their header, as a
    fleet's do, then share one ``sh -n`` run: spawning it is most of the cost of a build.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("#"):
            break
        lines[index] = ""
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def _syntax_problems(text: str) -> Problems:
    sh = shutil.which("sh")
    if sh is None:
        return []  # nowhere to check syntax; the test suite runs sh -n and shellcheck
    result = subprocess.run([sh, "-n"], input=text, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return [("(script)", result.stderr.strip() or "sh -n failed")]
    return []


def detect(text: str) -> bool:
    """A shell script starts with a shell's shebang."""
    return text.startswith(("#!/bin/sh", "#!/bin/bash", "#!/usr/bin/env sh", "#!/usr/bin/env bash"))
