"""Packer in the tests: run Debian's Packer 1.6.6 offline, wrap our snippets in full templates,
and read back what our formats hand Packer, the way Packer itself uses it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

from conftest import require_tool
from sandbox import Sandbox

NULL_SOURCE = 'source "null" "maxmap" {\n  communicator = "none"\n}\n'
BUILD_VARS = {"PACKER_BUILD_NAME": "large-memory", "PACKER_BUILDER_TYPE": "amazon-ebs"}


def packer(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``packer`` in ``cwd``; as root, in a network namespace of its own, proving it works offline."""
    command = [require_tool("packer"), *args]
    if os.geteuid() == 0 and shutil.which("unshare"):
        command = ["unshare", "-n", *command]
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "PACKER_NO_COLOR": "1"}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=120)


def wrap_hcl(snippet: str) -> str:
    """A whole HCL2 template: a ``null`` source and a build holding ``snippet``, as ``packer fmt`` lays it out."""
    build = 'build {\n  sources = ["source.null.maxmap"]\n\n' + textwrap.indent(snippet, "  ") + "}\n"
    return NULL_SOURCE + "\n" + build


def wrap_json(provisioner: dict[str, Any]) -> str:
    """A whole legacy JSON template: a ``null`` builder and ``provisioner``."""
    template = {"builders": [{"type": "null", "communicator": "none"}], "provisioners": [provisioner]}
    return json.dumps(template, indent=2) + "\n"


def parse_hcl(text: str) -> dict[str, Any]:
    """An HCL2 file as python-hcl2 reads it: plain values, heredocs as strings, no comments."""
    import hcl2
    from hcl2.utils import SerializationOptions

    options = SerializationOptions(
        with_comments=False, explicit_blocks=False, preserve_heredocs=False, strip_string_quotes=True
    )
    return hcl2.loads(text, serialization_options=options)  # type: ignore[no-any-return]


def shell_provisioners(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every ``provisioner "shell"`` of every build block in a parsed template."""
    return [
        provisioner["shell"]
        for build in document.get("build", [])
        for provisioner in build.get("provisioner", [])
        if "shell" in provisioner
    ]


def heredoc_value(serialized: str) -> str:
    """The value of a heredoc as HCL defines it, from python-hcl2's rendering of it.

    python-hcl2 turns a heredoc into the body of a quoted string (``\\"`` for ``"``), drops its
    final newline and keeps template escapes; HCL gives the text, its newline, ``${`` for ``$${``.
    """
    from hcl2.utils import process_escape_sequences

    return process_escape_sequences(serialized).replace("$${", "${").replace("%%{", "%{") + "\n"


def uploaded_script(config: dict[str, Any]) -> str:
    """The file Packer's shell provisioner uploads for ``inline``: the shebang, then each command and a newline."""
    shebang = config.get("inline_shebang", "/bin/sh -e")
    return f"#!{shebang}\n" + "".join(f"{command}\n" for command in config["inline"])


def remote_command(config: dict[str, Any], path: str) -> str:
    """``execute_command`` with Packer's ``{{ .Vars }}`` and ``{{ .Path }}`` filled in."""
    variables = "".join(f"{name}='{value}' " for name, value in BUILD_VARS.items())
    command = re.sub(r"\{\{\s*\.Vars\s*\}\}", lambda _: variables, config["execute_command"])
    return re.sub(r"\{\{\s*\.Path\s*\}\}", lambda _: path, command)


def run_like_packer(
    sandbox: Sandbox, config: dict[str, Any], extra_path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Do what Packer's shell provisioner does with ``config``: upload the inline commands as a
    file, then run ``execute_command`` through the remote shell (as root in the sandbox)."""
    path = sandbox.base / "script_4242.sh"
    path.write_text(uploaded_script(config))
    command = remote_command(config, str(path))
    search = f"{extra_path}:{os.environ['PATH']}" if extra_path else os.environ["PATH"]
    return sandbox.run(["env", f"PATH={search}", "sh", "-c", command])
