/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Syscall, flag and errno tables of the audit mapping (audit-syscalls.h).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "audit-syscalls.h"
#include "util.h"

struct sc_entry {
	long nr;
	enum sc_class c;
};

/* Section 5.1 of the audit reference; every table checked with
 * `ausyscall <arch> <name>` (audit 3.0.9).  fork and vfork do not exist on
 * aarch64. */
static const struct sc_entry sc_x86_64[] = {
	{ 308, SC_SETNS }, { 272, SC_UNSHARE }, { 56, SC_CLONE },
	{ 435, SC_CLONE3 }, { 59, SC_EXECVE }, { 322, SC_EXECVEAT },
	{ 57, SC_FORK }, { 58, SC_VFORK }, { 231, SC_EXIT_GROUP },
	{ 175, SC_INIT_MODULE }, { 313, SC_FINIT_MODULE }, { 321, SC_BPF },
	{ 298, SC_PERF_EVENT_OPEN }, { 304, SC_OPEN_BY_HANDLE_AT },
};
static const struct sc_entry sc_i386[] = {
	{ 346, SC_SETNS }, { 310, SC_UNSHARE }, { 120, SC_CLONE },
	{ 435, SC_CLONE3 }, { 11, SC_EXECVE }, { 358, SC_EXECVEAT },
	{ 2, SC_FORK }, { 190, SC_VFORK }, { 252, SC_EXIT_GROUP },
	{ 128, SC_INIT_MODULE }, { 350, SC_FINIT_MODULE }, { 357, SC_BPF },
	{ 336, SC_PERF_EVENT_OPEN }, { 342, SC_OPEN_BY_HANDLE_AT },
};
static const struct sc_entry sc_aarch64[] = {
	{ 268, SC_SETNS }, { 97, SC_UNSHARE }, { 220, SC_CLONE },
	{ 435, SC_CLONE3 }, { 221, SC_EXECVE }, { 281, SC_EXECVEAT },
	{ 94, SC_EXIT_GROUP },
	{ 105, SC_INIT_MODULE }, { 273, SC_FINIT_MODULE }, { 280, SC_BPF },
	{ 241, SC_PERF_EVENT_OPEN }, { 265, SC_OPEN_BY_HANDLE_AT },
};

static const struct sc_entry sc_arm[] = {
	{ 375, SC_SETNS }, { 337, SC_UNSHARE }, { 120, SC_CLONE },
	{ 435, SC_CLONE3 }, { 11, SC_EXECVE }, { 387, SC_EXECVEAT },
	{ 2, SC_FORK }, { 190, SC_VFORK }, { 248, SC_EXIT_GROUP },
	{ 128, SC_INIT_MODULE }, { 379, SC_FINIT_MODULE }, { 386, SC_BPF },
	{ 364, SC_PERF_EVENT_OPEN }, { 371, SC_OPEN_BY_HANDLE_AT },
};
static const struct sc_entry sc_ppc64[] = {
	{ 350, SC_SETNS }, { 282, SC_UNSHARE }, { 120, SC_CLONE },
	{ 435, SC_CLONE3 }, { 11, SC_EXECVE }, { 362, SC_EXECVEAT },
	{ 2, SC_FORK }, { 189, SC_VFORK }, { 234, SC_EXIT_GROUP },
	{ 128, SC_INIT_MODULE }, { 353, SC_FINIT_MODULE }, { 361, SC_BPF },
	/* ausyscall 3.0.9 lacks ppc64's perf_event_open: the kernel's
	 * syscall.tbl says 319 */
	{ 319, SC_PERF_EVENT_OPEN }, { 346, SC_OPEN_BY_HANDLE_AT },
};
static const struct sc_entry sc_s390x[] = {
	{ 339, SC_SETNS }, { 303, SC_UNSHARE }, { 120, SC_CLONE },
	{ 435, SC_CLONE3 }, { 11, SC_EXECVE }, { 354, SC_EXECVEAT },
	{ 2, SC_FORK }, { 190, SC_VFORK }, { 248, SC_EXIT_GROUP },
	{ 128, SC_INIT_MODULE }, { 344, SC_FINIT_MODULE }, { 351, SC_BPF },
	{ 331, SC_PERF_EVENT_OPEN }, { 336, SC_OPEN_BY_HANDLE_AT },
};

static const struct {
	const char *name;
	enum sc_class c;
} sc_names[] = {
	{ "setns", SC_SETNS }, { "unshare", SC_UNSHARE }, { "clone", SC_CLONE },
	{ "clone3", SC_CLONE3 }, { "execve", SC_EXECVE },
	{ "execveat", SC_EXECVEAT }, { "fork", SC_FORK }, { "vfork", SC_VFORK },
	{ "exit_group", SC_EXIT_GROUP }, { "init_module", SC_INIT_MODULE },
	{ "finit_module", SC_FINIT_MODULE }, { "bpf", SC_BPF },
	{ "perf_event_open", SC_PERF_EVENT_OPEN },
	{ "open_by_handle_at", SC_OPEN_BY_HANDLE_AT },
};

/* Names libauparse prints for clone/unshare/setns flags (print_clone_flags;
 * it calls 0x02000000 CLONE_STOPPED, the bit's old name) and for signals in
 * clone's low byte. */
static const struct {
	const char *name;
	uint64_t v;
} flag_names[] = {
	{ "CLONE_NEWTIME", 0x00000080 }, { "CLONE_VM", 0x00000100 },
	{ "CLONE_FS", 0x00000200 }, { "CLONE_FILES", 0x00000400 },
	{ "CLONE_SIGHAND", 0x00000800 }, { "CLONE_PIDFD", 0x00001000 },
	{ "CLONE_PTRACE", 0x00002000 }, { "CLONE_VFORK", 0x00004000 },
	{ "CLONE_PARENT", 0x00008000 }, { "CLONE_THREAD", 0x00010000 },
	{ "CLONE_NEWNS", 0x00020000 }, { "CLONE_SYSVSEM", 0x00040000 },
	{ "CLONE_SETTLS", 0x00080000 }, { "CLONE_PARENT_SETTID", 0x00100000 },
	{ "CLONE_CHILD_CLEARTID", 0x00200000 }, { "CLONE_DETACHED", 0x00400000 },
	{ "CLONE_UNTRACED", 0x00800000 }, { "CLONE_CHILD_SETTID", 0x01000000 },
	{ "CLONE_NEWCGROUP", 0x02000000 }, { "CLONE_STOPPED", 0x02000000 },
	{ "CLONE_NEWUTS", 0x04000000 }, { "CLONE_NEWIPC", 0x08000000 },
	{ "CLONE_NEWUSER", 0x10000000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWNET", 0x40000000 }, { "CLONE_IO", 0x80000000 },
	{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGKILL", 9 },
	{ "SIGUSR1", 10 }, { "SIGUSR2", 12 }, { "SIGTERM", 15 },
	{ "SIGCHLD", 17 },
};

/* errno names `ausearch -i` writes as exit=NAME(text).  Linux generic
 * numbers (x86, arm64 and i386 agree on these). */
static const struct {
	const char *name;
	int v;
} errno_names[] = {
	{ "EPERM", 1 }, { "ENOENT", 2 }, { "ESRCH", 3 }, { "EINTR", 4 },
	{ "EIO", 5 }, { "ENXIO", 6 }, { "E2BIG", 7 }, { "ENOEXEC", 8 },
	{ "EBADF", 9 }, { "ECHILD", 10 }, { "EAGAIN", 11 }, { "ENOMEM", 12 },
	{ "EACCES", 13 }, { "EFAULT", 14 }, { "EBUSY", 16 }, { "EEXIST", 17 },
	{ "EXDEV", 18 }, { "ENODEV", 19 }, { "ENOTDIR", 20 }, { "EISDIR", 21 },
	{ "EINVAL", 22 }, { "ENFILE", 23 }, { "EMFILE", 24 }, { "ETXTBSY", 26 },
	{ "EFBIG", 27 }, { "ENOSPC", 28 }, { "EROFS", 30 }, { "EMLINK", 31 },
	{ "ERANGE", 34 }, { "ENAMETOOLONG", 36 }, { "ENOSYS", 38 },
	{ "ELOOP", 40 }, { "EUSERS", 87 }, { "EOPNOTSUPP", 95 },
	{ "ENOTSUP", 95 }, { "ERESTARTSYS", 512 }, { "ERESTARTNOINTR", 513 },
	{ "ERESTARTNOHAND", 514 },
};

uint32_t audit_sc_host_arch(void)
{
#if defined(__x86_64__)
	return ARCH_X86_64;
#elif defined(__i386__)
	return ARCH_I386;
#elif defined(__aarch64__)
	return ARCH_AARCH64;
#else
	return 0;
#endif
}

/* One table per architecture (ppc64 and ppc64le share one). */
static const struct {
	uint32_t arch;
	const struct sc_entry *t;
	size_t n;
} sc_tables[] = {
#define T(arch, t) { arch, t, ARRAY_SIZE(t) }
	T(ARCH_X86_64, sc_x86_64), T(ARCH_I386, sc_i386),
	T(ARCH_AARCH64, sc_aarch64), T(ARCH_ARM, sc_arm),
	T(ARCH_PPC64, sc_ppc64), T(ARCH_PPC64LE, sc_ppc64),
	T(ARCH_S390X, sc_s390x),
#undef T
};

enum sc_class audit_sc_classify_nr(uint32_t arch, long nr)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(sc_tables); i++) {
		if (sc_tables[i].arch != arch)
			continue;
		for (j = 0; j < sc_tables[i].n; j++)
			if (sc_tables[i].t[j].nr == nr)
				return sc_tables[i].t[j].c;
		break;
	}
	return SC_OTHER;
}

enum sc_class audit_sc_classify_name(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sc_names); i++)
		if (!strcmp(sc_names[i].name, s))
			return sc_names[i].c;
	return SC_OTHER;
}

enum nsw_syscall audit_sc_nsw_syscall(enum sc_class c)
{
	switch (c) {
	case SC_SETNS: return NSW_SC_SETNS;
	case SC_UNSHARE: return NSW_SC_UNSHARE;
	case SC_CLONE: return NSW_SC_CLONE;
	case SC_CLONE3: return NSW_SC_CLONE3;
	case SC_EXECVE: return NSW_SC_EXECVE;
	case SC_EXECVEAT: return NSW_SC_EXECVEAT;
	case SC_INIT_MODULE: return NSW_SC_INIT_MODULE;
	case SC_FINIT_MODULE: return NSW_SC_FINIT_MODULE;
	case SC_BPF: return NSW_SC_BPF;
	case SC_PERF_EVENT_OPEN: return NSW_SC_PERF_EVENT_OPEN;
	case SC_OPEN_BY_HANDLE_AT: return NSW_SC_OPEN_BY_HANDLE_AT;
	default: return NSW_SC_NONE;
	}
}

bool audit_sc_flag(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (strlen(flag_names[i].name) == n &&
		    !memcmp(flag_names[i].name, s, n)) {
			*v = flag_names[i].v;
			return true;
		}
	return false;
}

bool audit_sc_errno(const char *s, size_t n, int *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (strlen(errno_names[i].name) == n &&
		    !memcmp(errno_names[i].name, s, n)) {
			*v = errno_names[i].v;
			return true;
		}
	return false;
}
