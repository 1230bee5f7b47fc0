"""``shell``: an idempotent root script, the seed's "ready-to-use commands" done right."""

from __future__ import annotations

import shutil
import subprocess

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
