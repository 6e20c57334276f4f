#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# Keep the vmlinux BTF of a kernel package, xz-compressed, as
# vmlinux/x86/btf/<release>.btf.xz.  tests/bpf/run loads every collector
# with CO-RE relocated against each of these (ptrace probes --verify-all
# --btf), so a relocation that only breaks on another kernel shows up
# on the development machine.
#
# Usage: vmlinux/extract-btf.sh KERNEL.deb...
#   e.g. apt-get download linux-image-6.1.0-56-amd64 (bookworm) or
#   linux-image-6.12.95+deb12-amd64 (bookworm-backports).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/x86/btf"
src=/usr/src/linux-source-6.1.tar.xz
mkdir -p "$out"
for deb in "$@"; do
	work=$(mktemp -d)
	dpkg-deb -x "$deb" "$work/root"
	vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
	release=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
	tar -xJf "$src" -C "$work" --wildcards '*/scripts/extract-vmlinux'
	sh "$work"/linux-source-*/scripts/extract-vmlinux "$vmlinuz" > "$work/vmlinux"
	objcopy -O binary --only-section=.BTF "$work/vmlinux" "$work/btf"
	xz -9 -c "$work/btf" > "$out/$release.btf.xz"
	echo "extract-btf: $out/$release.btf.xz ($(dpkg-deb -f "$deb" Version))" >&2
	rm -rf "$work"
done
