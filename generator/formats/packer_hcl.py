"""``packer-hcl``: a ``provisioner "shell"`` block to paste into a Packer HCL2 ``build {}``.

The provisioning script goes into ``inline`` as one heredoc (``<<-EOT``, so it may be indented
with the block), so the POSIX shell runs intact. HCL interpolates ``${`` and ``%{`` even in
heredocs; they are written ``$${`` and ``%%{``. The layout is ``packer fmt``'s (the tests run
``packer fmt -check``), so committing the snippet into a formatted template keeps it formatted.
"""

from __future__ import annotations

import re
import textwrap

from generator.formats import Problems
from generator.packer import EXECUTE_COMMAND, INLINE_SHEBANG, ROOT_NOTE, script_problems
from generator.provision import Plan, comment_block, fill, header_lines, script_body

MARKER = "EOT"
_BODY_INDENT = " " * 4
_BLOCK = re.compile(r'^\s*provisioner\s+"shell"\s*\{\s*$', re.MULTILINE)
_HEREDOC_START = re.compile(rf"^\s*(?:inline\s*=\s*\[)?\s*<<-?{MARKER}\s*$")
# "$${" and "%%{" are escapes for a literal "${" and "%{"; a lone "${" or "%{" starts a template.
_TEMPLATE_TOKEN = re.compile(r"([$%])(\1?)\{")


def escape_template(text: str) -> str:
    """``text`` as literal HCL template text: ``${`` -> ``$${``, ``%{`` -> ``%%{``."""
    return text.replace("${", "$${").replace("%{", "%%{")


def unescape_template(text: str) -> tuple[str, list[str]]:
    """Literal HCL template text back to its value, and the interpolations it would perform."""
    interpolations: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if not match[2]:
            interpolations.append(match[0])
        return f"{match[1]}{{"

    return _TEMPLATE_TOKEN.sub(replace, text), interpolations


def quoted(text: str) -> str:
    """An HCL quoted string whose value is ``text``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escape_template(escaped)}"'


def render(plan: Plan) -> str:
    """The provisioner block for ``plan``."""
    body = escape_template(script_body(plan))
    return fill(
        "packer-hcl.pkr.hcl",
        header=comment_block(header_lines(plan)),
        root_note=ROOT_NOTE,
        inline_shebang=quoted(INLINE_SHEBANG),
        execute_command=quoted(EXECUTE_COMMAND),
        body=textwrap.indent(body, _BODY_INDENT).rstrip("\n"),
    )


def inline_script(text: str) -> tuple[str | None, Problems]:
    """The value of the heredoc in ``inline`` (the script Packer uploads), or the problems.

    Reads the layout this module writes, not HCL in general (the tests parse the output with
    python-hcl2 as well).
    """
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines) if _HEREDOC_START.match(line)]
    if len(starts) != 1:
        return None, [("inline", f"expected one <<-{MARKER} heredoc, found {len(starts)}")]
    start = starts[0]
    ends = [number for number in range(start + 1, len(lines)) if lines[number].strip() == MARKER]
    if not ends:
        return None, [(f"line {start + 1}", f"heredoc has no closing {MARKER}")]
    body = lines[start + 1 : ends[0]]
    problems: Problems = []
    # As HCL trims a <<- heredoc: the least indentation of the lines that are not blank.
    indent = min((len(line) - len(line.lstrip(" ")) for line in body if line.strip()), default=0)
    value, interpolations = unescape_template("".join(line[indent:] + "\n" for line in body))
    for token in interpolations:
        problems.append(("inline", f"unescaped {token!r}: HCL would interpolate it (write {token[0] * 2}{{)"))
    return value, problems


def validate(text: str) -> Problems:
    """Problems with a snippet: one shell provisioner block, its heredoc, and the script in it."""
    problems: Problems = []
    if len(_BLOCK.findall(text)) != 1:
        problems.append(("(block)", 'expected one provisioner "shell" { block'))
    for attribute in ("inline_shebang", "execute_command"):
        if not re.search(rf'^\s*{attribute}\s*=\s*"', text, re.MULTILINE):
            problems.append(("(block)", f"missing {attribute}"))
    if text.rstrip("\n").rsplit("\n", 1)[-1] != "}":
        problems.append(("(block)", "must end with the block's closing brace"))
    script, heredoc_problems = inline_script(text)
    problems += heredoc_problems
    if script is not None:
        problems += script_problems(script, "inline")
    return problems


def detect(text: str) -> bool:
    """An HCL shell provisioner block."""
    return _BLOCK.search(text) is not None
