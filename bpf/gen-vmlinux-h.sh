#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Make bpf/vmlinux_<arch>.h from a kernel's BTF.
#
#   bpf/gen-vmlinux-h.sh /sys/kernel/btf/vmlinux > bpf/vmlinux_x86.h
#   bpf/gen-vmlinux-h.sh vmlinuz-6.1.0-56-arm64 > bpf/vmlinux_arm64.h
#
# A BTF file (the running kernel's /sys/kernel/btf/vmlinux) is dumped as
# it is.  A kernel image built with CONFIG_DEBUG_INFO_BTF carries the same
# blob in its .BTF section: the largest well-formed BTF header in the file
# (magic 0xeB9F, version 1, 24-byte header) names its extent, which is cut
# out and dumped.  That is how vmlinux_arm64.h was made on an x86 host,
# from Debian's arm64 kernel package, without running that kernel:
#
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get download linux-image-6.1.0-56-arm64:arm64
#   dpkg --remove-architecture arm64
#   dpkg-deb -x linux-image-6.1.0-56-arm64_*_arm64.deb x
#   bpf/gen-vmlinux-h.sh x/boot/vmlinuz-6.1.0-56-arm64 > bpf/vmlinux_arm64.h
#
# (Debian's arm64 vmlinuz is an uncompressed Image; a gzip-compressed one
# is unpacked first.)  Needs bpftool and python3.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 BTF-FILE|KERNEL-IMAGE" >&2; exit 2; }
in=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if head -c 2 "$in" | od -An -tx1 | grep -q '9f eb'; then
	btf=$in
else
	img=$in
	if head -c 2 "$in" | od -An -tx1 | grep -q '1f 8b'; then
		gzip -dc "$in" > "$tmp/image"
		img=$tmp/image
	fi
	python3 - "$img" "$tmp/vmlinux.btf" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic = b'\x9f\xeb\x01\x00\x18\x00\x00\x00'
best = None
i = data.find(magic)
while i != -1:
    _, _, _, hlen, toff, tlen, soff, slen = struct.unpack_from('<HBBIIIII', data, i)
    end = i + hlen + max(toff + tlen, soff + slen)
    if end <= len(data) and (best is None or end - i > best[1] - best[0]):
        best = (i, end)
    i = data.find(magic, i + 1)
if best is None:
    sys.exit('no BTF in %s (CONFIG_DEBUG_INFO_BTF?)' % sys.argv[1])
open(sys.argv[2], 'wb').write(data[best[0]:best[1]])
PY
	btf=$tmp/vmlinux.btf
fi
bpftool btf dump file "$btf" format c
