/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a backend hands to the pipeline: the facts it observed about one
 * kernel event, before process-cache, container and verdict enrichment.
 * Backends fill what they know and set the *_known flags; the pipeline
 * (pipeline.c) fills the rest from its cache or /proc.
 */
#ifndef NSWATCH_RAW_EVENT_H
#define NSWATCH_RAW_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "selinux-label.h"

enum nsw_raw_type {
	NSW_RAW_EXEC,		/* execve/execveat returned (success or not) */
	NSW_RAW_FORK,		/* a new thread group leader appeared */
	NSW_RAW_EXIT,		/* thread group leader exited */
	NSW_RAW_NSCALL,		/* setns, unshare, clone/clone3 with CLONE_NEW* */
	NSW_RAW_AGGREGATE,	/* calls counted in the kernel (agg); the
				 * process fields name a recent caller */
	NSW_RAW_SYSCALL,	/* an escape syscall that changes no
				 * namespace (nsw_syscall_is_escape) */
};

#define NSW_RAW_MAX_ARGS 128

/* One byte string borrowed from the backend's buffer. */
struct nsw_bytes {
	const char *p;
	size_t len;
};

struct nsw_raw {
	enum nsw_raw_type type;
	uint64_t ktime_ns;	/* CLOCK_BOOTTIME ns; 0 unknown */
	uint64_t wall_ns;	/* wall clock ns; 0: derive from ktime */
	uint64_t start_ns;	/* the task's start, CLOCK_BOOTTIME ns (its
				 * thread group leader's); 0 unknown */
	uint32_t pid;		/* tgid */
	uint32_t tid;
	uint32_t ppid;		/* 0 unknown */
	bool creds_known;
	uint32_t uid;		/* real */
	uint32_t euid;
	uint32_t auid;
	struct nsw_bytes comm;

	/* NSW_RAW_EXEC */
	struct nsw_bytes binary;	/* absolute path when known */
	struct nsw_bytes argv[NSW_RAW_MAX_ARGS]; /* argv[0..argc) */
	int argc;
	bool args_truncated;
	struct nsw_bytes cwd;
	bool caps_known;
	uint64_t cap_permitted;
	uint64_t cap_effective;
	/* the file exec opened: device (major:minor) and inode (audit PATH
	 * item 0).  Each overlay root file system has its own device, so it
	 * names the container of a process gone before it could be read. */
	bool exe_dev_known;
	uint32_t exe_dev_major;
	uint32_t exe_dev_minor;
	uint64_t exe_ino;
	/* the MCS level of the process's SELinux label when it is one a
	 * runtime gives a container ("s0:c123,c456"; audit's subj=), else
	 * empty: it names the container of a process gone before it could be
	 * read, on hosts that label containers (RHEL) */
	char selinux_level[NSW_SELINUX_LEVEL_MAX];

	/* NSW_RAW_FORK: child pid is .pid, parent is .ppid */

	/* NSW_RAW_EXIT */
	int exit_code;		/* code >> 8 */
	int exit_signal;	/* 0 none */

	/* NSW_RAW_NSCALL, NSW_RAW_SYSCALL and NSW_RAW_EXEC */
	enum nsw_syscall syscall;
	int64_t a0;		/* setns fd, unshare flags, clone flags */
	int64_t a1;		/* setns nstype */
	int64_t a2;		/* NSW_RAW_SYSCALL: a0..a2 are the event's
				 * args (doc/schema.md), n_args of them known */
	int n_args;
	uint64_t clone_flags;	/* clone3: from clone_args */
	bool ret_known;
	int64_t ret;		/* syscall return: >= 0 success, -errno */
	bool success_known;
	bool success;

	/* setns: what the fd referred to, if the backend resolved it */
	uint32_t target_ns_type; /* CLONE_NEW* of the target; 0 unknown */
	uint32_t target_ns_inum;
	/* setns that joined a mount namespace: the kernel looks up "/" in
	 * it at the call, and audit logs that directory (PATH item 0):
	 * device and inode of the root it joined */
	bool mnt_root_known;
	uint32_t mnt_root_major;
	uint32_t mnt_root_minor;
	uint64_t mnt_root_ino;
	/* setns on a pidfd: every namespace of the pidfd's task (bpf) */
	bool target_ns_known;
	struct nsw_ns_set target_ns;

	/* namespaces held before/after the call (bpf knows both) */
	bool ns_before_known;
	struct nsw_ns_set ns_before;
	bool ns_after_known;
	struct nsw_ns_set ns_after;

	/* container hints captured in the kernel */
	uint64_t cgroup_id;
	struct nsw_bytes cgroup_name;

	/* clone/clone3: host tgid of the child (bpf); 0 unknown */
	uint32_t child_pid;

	/* enforcement already applied in the kernel */
	bool killed;
	/* exec: the kernel found nsenter by the name in the whole argv[0]
	 * (argv above may be cut before its last component) */
	bool nsenter_name;

	/* NSW_RAW_NSCALL: clone3 whose clone_args could not be read, so
	 * its flags are unknown (clone_flags 0) */
	bool flags_unknown;

	/* NSW_RAW_AGGREGATE */
	struct nsw_aggregate agg;
};

#endif /* NSWATCH_RAW_EVENT_H */
