/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading one process from procfs into the schema's process object. */
#ifndef NSWATCH_PROCFS_H
#define NSWATCH_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "event.h"
#include "raw-event.h"

#define PROCFS_MAX_FILE (256u << 10)	/* cap on one /proc file read */

/* Fields of /proc/<pid>/stat and status that we use. */
struct procfs_stat {
	uint32_t pid;
	uint32_t ppid;
	uint64_t starttime_ticks;
	char comm[64];
	char state;
};

struct procfs_status {
	uint32_t ruid, euid;
	uint32_t tgid;
	uint32_t nspid_inner;	/* last NSpid entry */
	uint64_t cap_prm, cap_eff;
	bool caps_known;
};

/* Pure parsers.  0 or -EINVAL. */
int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *out);
int procfs_parse_status(const char *text, size_t len, struct procfs_status *out);

/* Bytes of `arguments` kept per process: about what the eBPF backend
 * captures (NSW_BPF_ARGS_MAX), so every backend holds the same and a
 * process with megabytes of arguments costs no more than any other. */
#define PROCFS_ARGS_MAX 4096

/* Join argv[first..argc) as the schema's `arguments` string (argument
 * with a space wrapped in double quotes), cut to PROCFS_ARGS_MAX bytes;
 * *cut (may be NULL) says whether it was.  Returns a malloc'd string
 * (caller frees) or NULL with errno set. */
char *procfs_join_args(const struct nsw_bytes *argv, int argc, int first,
		       bool *cut);

/* Read a whole small file under procfs (bounded by PROCFS_MAX_FILE).
 * Returns a malloc'd NUL-terminated buffer or NULL with errno set. */
char *procfs_read_file(const char *procfs, uint32_t pid, const char *name,
		       size_t *lenp);
/* Open /proc/<pid> itself (O_PATH): what is read through it belongs to
 * that process or fails (ENOENT/ESRCH once it is gone), never to a later
 * process that took its pid.  fd or -errno. */
int procfs_open_pid(const char *procfs, uint32_t pid);
/* procfs_read_file through procfs_open_pid's directory. */
char *procfs_read_file_at(int pid_dir, const char *name, size_t *lenp);

/* Boot-time ns per clock tick conversion of a stat starttime. */
uint64_t procfs_ticks_to_ns(uint64_t ticks);
/* A task's start_boottime (ns) as /proc/<pid>/stat shows it: cut to
 * whole clock ticks (the kernel truncates), then back in ns.  The exec_id
 * time of a task, so that one seen by the eBPF backend (which reads the
 * ns) and one read from /proc get the same id. */
uint64_t procfs_start_id_ns(uint64_t start_ns);
/* Wall clock ns at boot (realtime - boottime), computed once. */
uint64_t procfs_boot_wall_ns(void);

/*
 * Fill `p` (fields it owns are malloc'd) for a live pid: ppid, uid, auid,
 * ktime/start_time from stat starttime, binary (exe), arguments (cmdline),
 * cwd, caps, namespaces, container pid.  Flags get NSW_PF_PROCFS and
 * NSW_PF_ROOTCWD as applicable.  The cgroup text is parsed into `cg`
 * (may be NULL).  0 or -errno (-ENOENT: the process is gone).
 */
int procfs_read_process(const char *procfs, uint32_t pid,
			struct nsw_process *p, struct cgroup_attr *cg);
/* The same through procfs_open_pid's directory: every file of one
 * process, never a mix of two that shared its pid. */
int procfs_read_process_at(int pid_dir, uint32_t pid, struct nsw_process *p,
			   struct cgroup_attr *cg);

/* The part of procfs_read_process that an exec record does not carry
 * (audit: capabilities, namespaces, container pid, cgroup) and the
 * start time (ktime, for the exec_id; 0 when stat is unreadable): 4
 * files and the namespace links instead of 9 files.  Strings are left
 * NULL.  0 or -errno. */
int procfs_read_state(const char *procfs, uint32_t pid, struct nsw_process *p,
		      struct cgroup_attr *cg);

/* Whether PATH, looked up in the root of process REF_PID (the host's
 * reference process: the host's root), is the file MAJOR:MINOR/INO.
 * 1 it is; 0 it is not (no such file there, or another one); -errno when
 * that cannot be told.  A file a process exec'd that is not the host's
 * at the same path was exec'd outside the host's mount namespace. */
int procfs_host_file_is(const char *procfs, uint32_t ref_pid,
			const char *path, uint32_t major, uint32_t minor,
			uint64_t ino);

/* Free the strings a process owns (not the container ref). */
void procfs_process_clear(struct nsw_process *p);

#endif
