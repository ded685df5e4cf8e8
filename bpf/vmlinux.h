/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel types for the CO-RE program, one committed file per architecture
 * so builds are reproducible.  Each vmlinux_<arch>.h is the unedited
 * output of `bpftool btf dump ... format c` (bpf/gen-vmlinux-h.sh):
 *   vmlinux_x86.h    /sys/kernel/btf/vmlinux of the x86_64 6.18 build host
 *   vmlinux_arm64.h  the .BTF of Debian 12's arm64 kernel image
 *                    (linux-image-6.1.0-56-arm64 6.1.192-2), cut from the
 *                    package's vmlinuz on the x86 host
 * CO-RE relocations make the program run on other kernel versions; fields
 * that only some versions have are read through ___flavour structs, so
 * the program builds against either header (tests/bpf-cross.sh).
 */
#ifndef NSWATCH_VMLINUX_SWITCH_H
#define NSWATCH_VMLINUX_SWITCH_H

#if defined(__TARGET_ARCH_x86)
#include "vmlinux_x86.h"
#elif defined(__TARGET_ARCH_arm64)
#include "vmlinux_arm64.h"
#else
#error "nswatch: no vmlinux header for this __TARGET_ARCH (see bpf/vmlinux.h)"
#endif

#endif
