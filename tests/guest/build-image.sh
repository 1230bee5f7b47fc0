#!/usr/bin/env bash
# Build the guest image the guest tests boot: a minimal Debian 12 with systemd, cloud-init, sshd
# and sudo (for Packer), a kernel and a small initramfs, plus the files under rootfs/ (the report
# units). Writes OUT/disk.raw (ext4, the whole disk is the root filesystem), OUT/vmlinuz and
# OUT/initrd.img for QEMU's direct kernel boot. Needs root, mmdebstrap, mkfs.ext4 and Debian's mirror.
#
# Usage: build-image.sh OUT
set -euo pipefail
out=${1:?usage: build-image.sh OUT}
here=$(cd "$(dirname "$0")" && pwd)
size=${MAXMAP_GUEST_DISK_SIZE:-3G}
suite=bookworm
mirror=${MAXMAP_GUEST_MIRROR:-http://deb.debian.org/debian}

work=$(mktemp -d "${out%/}.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"

# rootfs/ goes in before any package, so initramfs-tools finds its settings on the first (and
# only) initramfs build; owned by root whoever checked the files out.
copy_rootfs="tar -C '$here/rootfs' --owner=0 --group=0 --numeric-owner -cf - . | tar -C \"\$1\" --no-overwrite-dir -xf -"

mmdebstrap --mode=root --variant=minbase \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --include=systemd-sysv,udev,kmod,cloud-init,openssh-server,sudo,procps,iproute2,linux-image-amd64,initramfs-tools,zstd \
  --setup-hook="$copy_rootfs" \
  --customize-hook='echo maxmap-guest >"$1/etc/hostname"' \
  --customize-hook='systemctl --root="$1" enable maxmap-guest-early.service maxmap-guest-observer.service maxmap-guest-report.service systemd-networkd.service' \
  --customize-hook='systemctl --root="$1" mask systemd-networkd-wait-online.service' \
  --customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
  --customize-hook="cp \"\$1\"/boot/vmlinuz-* '$work/vmlinuz' && cp \"\$1\"/boot/initrd.img-* '$work/initrd.img'" \
  "$suite" "$root" "$mirror"

mkfs.ext4 -q -F -L root -d "$root" "$work/disk.raw" "$size"
rm -rf "$root"
chmod 0644 "$work/vmlinuz" "$work/initrd.img"
mkdir -p "$(dirname "$out")"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
