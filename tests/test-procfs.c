/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Live /proc reads: one process's files through its own directory, and
 * never a later process's that took its pid (made with clone3 set_tid). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "nsinfo.h"
#include "procfs.h"
#include "tap.h"

/* A child that waits to be killed, with pid `want' when not 0 (clone3
 * set_tid: CAP_SYS_ADMIN, Linux 5.5).  Its pid or -errno. */
static pid_t spawn(pid_t want)
{
	struct clone_args ca;
	long r;

	if (!want) {
		r = fork();
	} else {
		memset(&ca, 0, sizeof(ca));
		ca.exit_signal = SIGCHLD;
		ca.set_tid = (uint64_t)(uintptr_t)&want;
		ca.set_tid_size = 1;
		r = syscall(SYS_clone3, &ca, sizeof(ca));
	}
	if (r == 0) {
		for (;;)
			pause();
	}
	return r < 0 ? -errno : (pid_t)r;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static uint32_t ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

int main(void)
{
	struct nsw_process pr;
	struct cgroup_attr cg;
	struct nsw_ns_set ns;
	char exe[PATH_MAX], cwd[PATH_MAX];
	ssize_t n;
	pid_t child, again;
	int dir, r;
	char *text;

	/* ourselves, by path */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	r = procfs_read_process("/proc", (uint32_t)getpid(), &pr, &cg);
	is_int(r, 0, "read this process from /proc");
	is_str(pr.binary, exe, "binary is /proc/self/exe");
	is_str(pr.cwd, cwd, "cwd");
	is_int(pr.ppid, getppid(), "ppid from stat");
	ok(pr.ns_known, "namespaces read");
	is_int(pr.ns.inum[NSW_NS_MNT], ns_ino("/proc/self/ns/mnt"),
	       "mnt namespace inode");
	is_int(pr.ns.inum[NSW_NS_NET], ns_ino("/proc/self/ns/net"),
	       "net namespace inode");
	procfs_process_clear(&pr);
	is_int(procfs_read_process("/proc", 0, &pr, &cg), -ENOENT,
	       "pid 0 is not a process");

	/* a child, through its own directory */
	child = spawn(0);
	if (child < 0) {
		ok(0, "fork: %s", strerror(-child));
		return done_testing();
	}
	dir = procfs_open_pid("/proc", (uint32_t)child);
	ok(dir >= 0, "open the child's /proc directory");
	r = procfs_read_process_at(dir, (uint32_t)child, &pr, &cg);
	is_int(r, 0, "read the child through it");
	is_int(pr.pid, child, "its pid");
	is_int(pr.ppid, getpid(), "its parent is this process");
	is_int(nsinfo_read_at(dir, &ns), 0, "its namespaces through it");
	is_int(ns.inum[NSW_NS_MNT], ns_ino("/proc/self/ns/mnt"),
	       "...the same mnt namespace as ours");
	procfs_process_clear(&pr);

	/* a zombie: its status still reads, but its namespaces are gone
	 * and its cgroup file no longer says where it ran */
	kill(child, SIGKILL);
	for (r = 0; r < 200; r++) {
		char st[8] = "";

		text = procfs_read_file_at(dir, "stat", NULL);
		if (text) {
			char *c = strrchr(text, ')');

			if (c && c[1])
				snprintf(st, sizeof(st), "%c", c[2]);
			free(text);
		}
		if (st[0] == 'Z')
			break;
		usleep(5000);
	}
	r = procfs_read_state("/proc", (uint32_t)child, &pr, &cg);
	is_int(r, -ESRCH, "a zombie reads as gone, not as a host process");
	procfs_process_clear(&pr);

	/* gone: the directory reads nothing any more */
	reap(child);
	r = procfs_read_process_at(dir, (uint32_t)child, &pr, &cg);
	ok(r == -ENOENT || r == -ESRCH,
	   "after exit, reading through its directory fails (%d)", r);
	procfs_process_clear(&pr);
	ok(nsinfo_read_at(dir, &ns) < 0, "...and so do its namespaces");
	text = procfs_read_file_at(dir, "status", NULL);
	ok(text == NULL, "...and its status");
	free(text);

	/* a new process with the same pid: the old directory still reads
	 * nothing, a new lookup finds the new process */
	again = spawn(child);
	if (again == -ENOSYS || again == -EPERM || again == -E2BIG ||
	    again == -EEXIST || again == -EINVAL) {
		char why[128];

		snprintf(why, sizeof(why), "pid reuse: clone3 set_tid %d: %s "
			 "(needs CAP_SYS_ADMIN, Linux 5.5, no seccomp filter)",
			 (int)child, strerror(-again));
		skip(why);
	} else if (again != child) {
		ok(0, "clone3 set_tid %d: %s", (int)child,
		   again < 0 ? strerror(-again) : "other pid");
		if (again > 0)
			reap(again);
	} else {
		r = procfs_read_process_at(dir, (uint32_t)child, &pr, &cg);
		ok(r < 0, "pid %d taken again: the old process's directory "
		   "does not read the new one (%d)", (int)child, r);
		procfs_process_clear(&pr);
		r = procfs_read_process("/proc", (uint32_t)child, &pr, &cg);
		is_int(r, 0, "a fresh lookup reads the new process");
		is_int(pr.ppid, getpid(), "...whose parent is us");
		procfs_process_clear(&pr);
		reap(again);
	}
	close(dir);
	return done_testing();
}
