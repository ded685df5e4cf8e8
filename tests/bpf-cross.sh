#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The CO-RE program builds for every architecture with a committed
# vmlinux header (x86 and arm64), whatever the build host, and each object
# holds the programs the backend loads.  Only the host's object can be
# loaded here; this keeps the others from rotting.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"

CLANG=${BPF_CLANG:-clang}
BPFTOOL_BIN=${BPFTOOL:-bpftool}
command -v "$CLANG" >/dev/null || skip_all "no clang ($CLANG)"
command -v "$BPFTOOL_BIN" >/dev/null || skip_all "no bpftool"
LIBBPF_INC=
for d in /usr/include /usr/local/include; do
	[ -e "$d/bpf/bpf_helpers.h" ] && LIBBPF_INC=$d && break
done
[ -n "$LIBBPF_INC" ] || skip_all "no libbpf headers (bpf/bpf_helpers.h)"

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for arch in x86 arm64; do
	"$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_$arch \
		-I"$top_srcdir/bpf" -I"$LIBBPF_INC" -Wall -Werror \
		-c "$top_srcdir/bpf/nswatch.bpf.c" -o "$W/$arch.o" 2>"$W/$arch.err"
	ok $? "$arch: bpf/nswatch.bpf.c compiles against vmlinux_$arch.h"
	[ -s "$W/$arch.err" ] && diag "$(head -n 20 "$W/$arch.err")"
	"$BPFTOOL_BIN" gen object "$W/$arch.linked.o" "$W/$arch.o" 2>"$W/$arch.err"
	ok $? "$arch: bpftool links the object"
	progs=$("$BPFTOOL_BIN" gen skeleton "$W/$arch.linked.o" name nsw 2>/dev/null |
		sed -n 's/^[[:space:]]*struct bpf_program \*\([a-z_0-9]*\);/\1/p' |
		sort | tr '\n' ' ')
	for p in nsw_exec nsw_fork nsw_exit nsw_sys_enter nsw_sys_exit \
		 nsw_tp_enter_setns nsw_tp_exit_setns nsw_lsm_bprm; do
		case " $progs " in
		*" $p "*) ok 0 "$arch: program $p present" ;;
		*) ok 1 "$arch: program $p present"; diag "programs: $progs" ;;
		esac
	done
done
done_testing
