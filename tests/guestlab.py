"""Real guests for the guest tests: a cached Debian image, QEMU boots with a NoCloud seed, Packer bakes.

The image comes from ``tests/guest/build-image.sh`` and is cached outside the repository under the
sha256 of its recipe (the script and the ``tests/guest/rootfs`` tree), so a changed recipe builds a
new image and an unchanged one is reused. Boots never write to the cached image: each runs on a
qcow2 overlay (or on a throwaway copy when a variant needs files put in before the first boot).
Guests have no network; only Packer's builds get a NIC, restricted to the forwarded ssh port.
Every boot and bake has a timeout and keeps its serial console log for the failure message.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent / "guest"
RECIPE = (HERE / "build-image.sh", HERE / "rootfs")

BUILD_TIMEOUT = 1800
BOOT_TIMEOUT = 900
BAKE_TIMEOUT = 1500

# TCG, not KVM: /dev/kvm on these machines is a nested-virtualisation module that hangs Debian's kernel.
QEMU_MACHINE = ["-accel", "tcg", "-cpu", "max", "-m", "1024", "-smp", "1"]
KERNEL_ARGS = "root=/dev/vda rw console=ttyS0 panic=-1 quiet"


class GuestError(Exception):
    """A guest did not build, boot or report; the message holds the console's last lines."""


@dataclass
class Timings:
    """Wall times of everything the guest tests ran, for the end-of-session summary."""

    entries: list[tuple[str, float]] = field(default_factory=list)

    def add(self, label: str, seconds: float) -> None:
        self.entries.append((label, seconds))


TIMINGS = Timings()


def recipe_digest() -> str:
    """sha256 over the recipe files' paths, modes and contents."""
    digest = hashlib.sha256()
    for root in RECIPE:
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in paths:
            digest.update(str(path.relative_to(HERE)).encode() + b"\0")
            digest.update(b"x" if os.access(path, os.X_OK) else b"-")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_root() -> Path:
    """Where built images live: ``$MAXMAP_GUEST_CACHE`` or the XDG cache folder."""
    explicit = os.environ.get("MAXMAP_GUEST_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "maxmap" / "guest"


@dataclass(frozen=True)
class BaseImage:
    """The built image: a raw ext4 disk plus the kernel and initramfs for direct boot."""

    folder: Path

    @property
    def disk(self) -> Path:
        return self.folder / "disk.raw"

    @property
    def kernel(self) -> Path:
        return self.folder / "vmlinuz"

    @property
    def initrd(self) -> Path:
        return self.folder / "initrd.img"


def base_image() -> BaseImage:
    """The cached image for the current recipe, built first if missing (under a lock)."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    image = BaseImage(root / recipe_digest())
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not image.disk.exists():
            log = root / "build.log"
            started = time.monotonic()
            with open(log, "w") as out:
                result = subprocess.run(
                    [str(HERE / "build-image.sh"), str(image.folder)],
                    stdout=out, stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT, check=False,
                )
            if result.returncode != 0:
                raise GuestError(f"image build failed ({log}):\n{tail(log)}")
            TIMINGS.add("image build", time.monotonic() - started)
            # Older recipes' images are dead weight (about 1 GB each).
            for other in root.iterdir():
                if other.is_dir() and other != image.folder and len(other.name) == 64:
                    shutil.rmtree(other, ignore_errors=True)
    return image


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log, for failure messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.replace("\r", "").splitlines()[-lines:])


def run(argv: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a helper tool; its output goes into the error when it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise GuestError(f"{' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def variant_disk(image: BaseImage, folder: Path, files: dict[str, str]) -> Path:
    """A copy of the base disk with ``files`` (path -> text; root, 0644) in place before any boot.

    Stands for images that ship those files (a distribution's /usr/lib/sysctl.d, an EKS AMI's
    /etc/sysctl.conf). debugfs edits the copy offline; the cached image is never touched.
    """
    folder.mkdir(parents=True, exist_ok=True)
    disk = folder / "variant.raw"
    run(["cp", "--sparse=always", str(image.disk), str(disk)])
    for number, (path, text) in enumerate(sorted(files.items())):
        source = folder / f"file{number}"
        source.write_text(text)
        commands = [f"rm {path}", f"write {source} {path}",
                    f"sif {path} mode 0100644", f"sif {path} uid 0", f"sif {path} gid 0"]
        for command in commands:
            # "rm" of a missing file is fine; debugfs reports errors on stderr with exit 0.
            result = run(["debugfs", "-w", "-R", command, str(disk)])
            if command.startswith("rm "):
                continue
            if "rror" in result.stderr or "not found" in result.stderr:
                raise GuestError(f"debugfs {command!r}: {result.stderr}")
    return disk


def overlay(backing: Path, path: Path) -> Path:
    """A qcow2 overlay on ``backing`` (raw or qcow2): every write lands in the overlay."""
    path.parent.mkdir(parents=True, exist_ok=True)
    backing_format = "qcow2" if backing.suffix == ".qcow2" else "raw"
    run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", str(backing), "-F", backing_format, str(path)])
    return path


def seed(folder: Path, user_data: str, instance_id: str) -> Path:
    """A NoCloud ``cidata`` volume holding user-data and meta-data."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "user-data").write_text(user_data)
    (folder / "meta-data").write_text(f"instance-id: {instance_id}\nlocal-hostname: maxmap-guest\n")
    volume = folder / "seed.img"
    run(["cloud-localds", str(volume), str(folder / "user-data"), str(folder / "meta-data")])
    return volume


@dataclass
class Report:
    """What the guest's report unit printed on one boot."""

    facts: dict[str, str]
    console: Path
    seconds: float

    def value(self, key: str) -> int | None:
        """A recorded vm.max_map_count (``live``, ``early``, ``observed``), None if not recorded."""
        text = self.facts.get(key, "-")
        return None if text == "-" else int(text)

    def decoded(self, key: str) -> str | None:
        """A file the guest sent base64-encoded, None if it did not exist."""
        text = self.facts.get(key, "-")
        return None if text == "-" else base64.b64decode(text).decode(errors="replace")

    @property
    def conf_stat(self) -> str:
        """``mode owner group`` of the persisted sysctl.d file, ``-`` if absent."""
        return self.facts.get("conf_stat", "-")

    @property
    def cloud_init_errors(self) -> list[str]:
        """Errors cloud-init recorded (it says ``status: done`` even when a module failed)."""
        text = self.decoded("cloud_init_result")
        if text is None:
            return ["/run/cloud-init/result.json is missing: cloud-init did not finish"]
        return list(json.loads(text)["v1"]["errors"])

    @property
    def markers(self) -> set[str]:
        return set(self.facts.get("markers", "").split())

    def describe(self) -> str:
        """The facts and the console's tail, for assertion messages."""
        shown = {k: v for k, v in self.facts.items() if k not in ("cloud_init_output", "cloud_init_result")}
        return (f"report: {shown}\ncloud-init errors: {self.cloud_init_errors}\n"
                f"cloud-init output (tail):\n{self.decoded('cloud_init_output')}\n"
                f"console {self.console} (tail):\n{tail(self.console, 25)}")


def parse_report(text: str) -> dict[str, str]:
    """``maxmap-report: key=value`` lines (the serial port adds carriage returns)."""
    facts: dict[str, str] = {}
    for line in text.replace("\r", "").splitlines():
        if line.startswith("maxmap-report: ") and "=" in line:
            key, _, value = line[len("maxmap-report: "):].partition("=")
            facts[key] = value
    return facts


def boot(image: BaseImage, disk: Path, seed_volume: Path | None, folder: Path, label: str) -> Report:
    """Boot ``disk`` until the report unit powers the guest off; the report, or GuestError."""
    folder.mkdir(parents=True, exist_ok=True)
    console, report_file = folder / f"{label}.console.log", folder / f"{label}.report.log"
    argv = [
        "qemu-system-x86_64", *QEMU_MACHINE, "-nic", "none", "-no-reboot",
        "-display", "none", "-monitor", "none", "-nodefaults",
        "-kernel", str(image.kernel), "-initrd", str(image.initrd), "-append", KERNEL_ARGS,
        "-drive", f"file={disk},if=virtio,format={'qcow2' if disk.suffix == '.qcow2' else 'raw'}",
        "-serial", f"file:{console}", "-serial", f"file:{report_file}",
    ]
    if seed_volume is not None:
        argv += ["-drive", f"file={seed_volume},if=virtio,format=raw,readonly=on"]
    started = time.monotonic()
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=BOOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        raise GuestError(f"{label}: no power-off within {BOOT_TIMEOUT}s\n{tail(console)}") from e
    seconds = time.monotonic() - started
    TIMINGS.add(f"boot {label}", seconds)
    facts = parse_report(report_file.read_text(errors="replace") if report_file.exists() else "")
    if result.returncode != 0 or facts.get("end") != "1":
        raise GuestError(f"{label}: qemu exited {result.returncode} without a full report\n"
                         f"{result.stderr}\n{tail(console)}")
    return Report(facts, console, seconds)


PACKER_SSH_USER = "packer"


def packer_user_data(public_key: str) -> str:
    """The seed of a Packer build: an unprivileged user with sudo, reached with a throwaway key."""
    return (
        "#cloud-config\n"
        "users:\n"
        f"  - name: {PACKER_SSH_USER}\n"
        "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
        "    shell: /bin/bash\n"
        "    lock_passwd: true\n"
        f"    ssh_authorized_keys: [{json.dumps(public_key)}]\n"
    )


_PORT_SLOTS = itertools.count()
"""Each bake gets its own ssh port range. VNC ports cannot be split the same way (Packer 1.6.6
derives the VNC display from vnc_port_min and connects to the wrong port), so bakes start one at
a time instead: see :data:`_LAUNCH`."""

_LAUNCH = threading.Lock()
"""Held from ``packer build`` until its QEMU runs: Packer probes for a free VNC port and then
starts QEMU, so two bakes launched together can pick the same port and one QEMU fails to bind."""


def _qemu_source(image: BaseImage, folder: Path, key: Path, slot: int) -> dict[str, object]:
    """The settings of Packer's qemu builder, shared by the HCL and JSON templates."""
    return {
        "disk_image": True,
        "iso_url": str(image.disk),
        "iso_checksum": "none",
        "format": "qcow2",
        "disk_size": "3072M",
        "skip_compaction": True,
        "accelerator": "tcg",
        "headless": True,
        "memory": 1024,
        "cpus": 1,
        "disk_interface": "virtio",
        "net_device": "virtio-net",
        "output_directory": str(folder / "output"),
        "vm_name": "baked.qcow2",
        "cd_files": [str(folder / "seed" / "user-data"), str(folder / "seed" / "meta-data")],
        "cd_label": "cidata",
        "host_port_min": 3200 + 10 * slot,
        "host_port_max": 3209 + 10 * slot,
        "communicator": "ssh",
        "ssh_username": PACKER_SSH_USER,
        "ssh_private_key_file": str(key),
        "ssh_timeout": "20m",
        "shutdown_command": "sudo shutdown -P now",
        "shutdown_timeout": "10m",
        "qemuargs": [
            ["-cpu", QEMU_MACHINE[3]],
            ["-kernel", str(image.kernel)],
            ["-initrd", str(image.initrd)],
            ["-append", KERNEL_ARGS + " maxmap.noreport"],
            ["-serial", f"file:{folder / 'bake.console.log'}"],
            # No way out but the forwarded ssh port: restrict=on keeps the guest off the internet.
            ["-netdev", "user,id=user.0,restrict=on,hostfwd=tcp::{{ .SSHHostPort }}-:22"],
        ],
    }


def _hcl_value(value: object) -> str:
    """An HCL2 literal (JSON strings, numbers, booleans and lists are valid HCL)."""
    return json.dumps(value)


def packer_template(image: BaseImage, folder: Path, key: Path, provisioner: str, syntax: str) -> Path:
    """A full template around ``provisioner``: an HCL ``provisioner`` block or a JSON object."""
    source = _qemu_source(image, folder, key, next(_PORT_SLOTS))
    if syntax == "hcl":
        settings = "\n".join(f"  {name} = {_hcl_value(value)}" for name, value in source.items())
        text = (f'source "qemu" "guest" {{\n{settings}\n}}\n\n'
                f'build {{\n  sources = ["source.qemu.guest"]\n\n{provisioner.rstrip()}\n}}\n')
        path = folder / "guest.pkr.hcl"
    elif syntax == "json":
        document = {"builders": [{"type": "qemu", **source}], "provisioners": [json.loads(provisioner)]}
        text = json.dumps(document, indent=2) + "\n"
        path = folder / "guest.json"
    else:
        raise ValueError(syntax)
    path.write_text(text)
    return path


def bake(image: BaseImage, folder: Path, provisioner: str, syntax: str, label: str) -> Path:
    """Run ``packer build`` with ``provisioner`` on the base image; the baked qcow2 disk."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "id_ed25519"
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "maxmap-guest-tests", "-f", str(key)])
    seed_folder = folder / "seed"
    seed_folder.mkdir()
    (seed_folder / "user-data").write_text(packer_user_data((folder / "id_ed25519.pub").read_text().strip()))
    (seed_folder / "meta-data").write_text(f"instance-id: iid-bake-{label}\nlocal-hostname: maxmap-guest\n")
    template = packer_template(image, folder, key, provisioner, syntax)
    env = dict(os.environ, CHECKPOINT_DISABLE="1", PACKER_CACHE_DIR=str(folder / "packer_cache"),
               PACKER_LOG="1", PACKER_LOG_PATH=str(folder / "packer.log"), TMPDIR=str(folder))
    log = folder / "packer.out"
    started = time.monotonic()
    with open(log, "w") as out:
        with _LAUNCH:
            process = subprocess.Popen(["packer", "build", "-color=false", str(template)], cwd=folder, env=env,
                                       stdout=out, stderr=subprocess.STDOUT)
            launch_deadline = time.monotonic() + 120
            while process.poll() is None and time.monotonic() < launch_deadline:
                if "Waiting for SSH" in log.read_text(errors="replace"):
                    break
                time.sleep(1)
        try:
            process.wait(timeout=max(1.0, BAKE_TIMEOUT - (time.monotonic() - started)))
        except subprocess.TimeoutExpired as e:
            process.kill()
            process.wait()
            raise GuestError(f"bake {label}: no result within {BAKE_TIMEOUT}s\n{tail(log)}") from e
    result = process
    TIMINGS.add(f"bake {label}", time.monotonic() - started)
    baked = folder / "output" / "baked.qcow2"
    if result.returncode != 0 or not baked.exists():
        raise GuestError(f"bake {label}: packer exited {result.returncode}\n{tail(log)}\n"
                         f"console:\n{tail(folder / 'bake.console.log', 20)}")
    return baked
