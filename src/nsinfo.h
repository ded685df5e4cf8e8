/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespace inodes of processes and of the host. */
#ifndef NSWATCH_NSINFO_H
#define NSWATCH_NSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct host_ns {
	struct nsw_ns_set ns;
	uint32_t ref_pid;	/* 1, or 2 (kthreadd) when PID 1's are hidden */
	char reason[160];	/* which reference and why */
};

/* Parse a /proc/<pid>/ns/<x> link text "mnt:[4026531841]".  Pure.
 * 0 or -EINVAL. */
int nsinfo_parse_link(const char *text, uint32_t *inum);
/* Read every namespace link of pid under procfs.  0 when at least the
 * mnt namespace was read; -errno otherwise (ENOENT: gone). */
int nsinfo_read_pid(const char *procfs, uint32_t pid, struct nsw_ns_set *out);
/* The same through an open /proc/<pid> directory (procfs_open_pid). */
int nsinfo_read_at(int pid_dir, struct nsw_ns_set *out);
/* The host's namespaces: PID 1's under procfs, else kthreadd's (PID 2),
 * which holds the initial namespaces.  0 or -errno. */
int nsinfo_host(const char *procfs, struct host_ns *out);

#endif
