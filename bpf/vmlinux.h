/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel types for the CO-RE program, one committed file per architecture
 * so builds are reproducible.  Each vmlinux_<arch>.h is the unedited output
 * of `bpftool btf dump file /sys/kernel/btf/vmlinux format c` on a kernel of
 * that architecture; CO-RE relocations make the result run on other kernel
 * versions.
 *
 * Only x86 is committed: it was generated on the x86_64 6.18 build host.
 * An arm64 file has to be generated the same way on an arm64 kernel with
 * BTF; it cannot be produced honestly from an x86 kernel.
 */
#ifndef NSWATCH_VMLINUX_SWITCH_H
#define NSWATCH_VMLINUX_SWITCH_H

#if defined(__TARGET_ARCH_x86)
#include "vmlinux_x86.h"
#elif defined(__TARGET_ARCH_arm64)
#include "vmlinux_arm64.h"	/* generate on an arm64 host, see above */
#else
#error "nswatch: no vmlinux header for this __TARGET_ARCH (see bpf/vmlinux.h)"
#endif

#endif
