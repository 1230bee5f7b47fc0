"""The format registry: one line per output format.

Each entry names the module that renders and validates it, its schema and template in the
packaged data, and the extension of files it produces. The CLI's ``--format`` choices come from
here. Modules load only when used, so ``maxmap value`` never pays for YAML or jsonschema.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple, Protocol

from generator.errors import InputError, InvalidDocument

if TYPE_CHECKING:
    from generator.provision import Plan

Problems = list[tuple[str, str]]
"""Validation problems: ``(location, message)`` pairs."""


class FormatModule(Protocol):
    """What a format module provides."""

    def render(self, plan: "Plan") -> str: ...

    def validate(self, text: str) -> Problems: ...

    def detect(self, text: str) -> bool: ...


class Format(NamedTuple):
    """A registry entry."""

    name: str
    extension: str
    summary: str
    module: str
    template: str
    schema: str | None = None

    def load(self) -> FormatModule:
        """The implementing module."""
        module: FormatModule = importlib.import_module(self.module)
        return module


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("sysctl-conf", ".conf", "the /etc/sysctl.d file itself",
               "generator.formats.sysctl_conf", "sysctl.conf", "sysctl-conf.schema.json"),
        Format("shell", ".sh", "an idempotent root shell script",
               "generator.formats.shell", "shell.sh"),
        Format("cloud-init", ".yaml", "#cloud-config user-data",
               "generator.formats.cloud_init", "cloud-init.yaml", "cloud-config.schema.json"),
        Format("mime", ".mime", "MIME multipart user-data (EKS, Karpenter; --merge an existing one)",
               "generator.formats.mime", "mime.txt"),
        Format("packer-hcl", ".pkr.hcl", 'Packer HCL2 provisioner "shell" block for a build {}',
               "generator.formats.packer_hcl", "packer-hcl.pkr.hcl"),
        Format("packer-json", ".json", "Packer legacy JSON shell provisioner object",
               "generator.formats.packer_json", "packer-json.json", "packer-json.schema.json"),
        Format("bottlerocket", ".toml", "Bottlerocket user data, [settings.kernel.sysctl]",
               "generator.formats.bottlerocket", "bottlerocket.toml", "bottlerocket.schema.json"),
        Format("butane", ".bu", "Butane config for Fedora CoreOS / Flatcar (fcos 1.4.0)",
               "generator.formats.butane", "butane.yaml", "butane.schema.json"),
        Format("ignition", ".ign", "Ignition config, spec 3.3.0 JSON",
               "generator.formats.ignition", "ignition.json", "ignition.schema.json"),
        Format("ansible", ".yml", "Ansible tasks using ansible.posix.sysctl, with a never-lower guard",
               "generator.formats.ansible", "ansible.yaml", "ansible-tasks.schema.json"),
    )
}  # fmt: skip


def get_format(name: str) -> Format:
    """The registry entry for ``name``, or a clear error listing the known formats."""
    try:
        return FORMATS[name]
    except KeyError:
        raise InputError(f"unknown format {name!r} (known: {', '.join(FORMATS)})") from None


def check_output_text(name: str, text: str) -> Problems:
    """Problems every output shares: LF only, ASCII, exactly one trailing newline."""
    problems: Problems = []
    if "\r" in text:
        problems.append(("(text)", "contains a carriage return"))
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append(("(text)", "must end with exactly one newline"))
    if not text.isascii():
        problems.append(("(text)", "contains non-ASCII characters"))
    return problems


def render(name: str, plan: "Plan", *, merge: str | None = None) -> str:
    """Render ``plan`` as format ``name`` and validate it; an invalid document is never returned.

    ``merge`` is an existing document to combine with ours, for formats whose module has
    ``render_merged(plan, existing)`` (``mime``).
    """
    fmt = get_format(name)
    module = fmt.load()
    if merge is None:
        text = module.render(plan)
    else:
        render_merged = getattr(module, "render_merged", None)
        if render_merged is None:
            able = [f.name for f in FORMATS.values() if hasattr(f.load(), "render_merged")]
            raise InputError(f"--merge works with --format {' or '.join(able)}, not {name}")
        text = render_merged(plan, merge)
    problems = check_output_text(name, text) + module.validate(text)
    if problems:
        raise InvalidDocument(f"rendered {name} output", problems)
    return text


def validate(name: str, text: str) -> Problems:
    """Validate a document someone wrote, as format ``name``."""
    return get_format(name).load().validate(text)


def detect(text: str) -> str | None:
    """The format a document looks like, or None."""
    for fmt in FORMATS.values():
        if fmt.load().detect(text):
            return fmt.name
    return None
