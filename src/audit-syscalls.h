/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The numbers audit records carry and the names `ausearch -i` writes for
 * them: syscall numbers per architecture, clone flags, errno names
 * (doc/audit-mapping.md).  Pure tables and look-ups for audit-map.c.
 */
#ifndef NSWATCH_AUDIT_SYSCALLS_H
#define NSWATCH_AUDIT_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "raw-event.h"

/* AUDIT_ARCH_* (linux/audit.h) */
#define ARCH_X86_64	0xc000003eu
#define ARCH_I386	0x40000003u
#define ARCH_AARCH64	0xc00000b7u
#define ARCH_ARM	0x40000028u
#define ARCH_PPC64	0x80000015u
#define ARCH_PPC64LE	0xc0000015u
#define ARCH_S390X	0x80000016u

/* The syscalls we map, whatever their number on an architecture. */
enum sc_class {
	SC_OTHER,
	SC_SETNS,
	SC_UNSHARE,
	SC_CLONE,
	SC_CLONE3,
	SC_EXECVE,
	SC_EXECVEAT,
	SC_FORK,
	SC_VFORK,
	SC_EXIT_GROUP,
	/* escape syscalls that change no namespace: NSW_RAW_SYSCALL */
	SC_INIT_MODULE,
	SC_FINIT_MODULE,
	SC_BPF,
	SC_PERF_EVENT_OPEN,
	SC_OPEN_BY_HANDLE_AT,
};

/* AUDIT_ARCH_* of the machine we were built for (0: one we do not map). */
uint32_t audit_sc_host_arch(void);
/* Class of syscall `nr` on `arch` (SC_OTHER: not ours, or unknown arch). */
enum sc_class audit_sc_classify_nr(uint32_t arch, long nr);
/* Class of an interpreted syscall name ("setns"). */
enum sc_class audit_sc_classify_name(const char *s);
/* The raw event's syscall for a class (NSW_SC_NONE for fork, exit...). */
enum nsw_syscall audit_sc_nsw_syscall(enum sc_class c);
/* Value of the flag or signal name s[0..n) ("CLONE_NEWNS"); false when
 * unknown. */
bool audit_sc_flag(const char *s, size_t n, uint64_t *v);
/* Positive errno of the name s[0..n) ("EPERM"); false when unknown. */
bool audit_sc_errno(const char *s, size_t n, int *v);

#endif
