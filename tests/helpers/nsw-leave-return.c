/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-leave-return: test helper that leaves its namespace and comes back,
 * the way an attacker who knows the audit backend reads /proc late would:
 *
 *   nsw-leave-return <nspath> [nstype]
 *
 * It opens <nspath> (e.g. /proc/<host pid>/ns/mnt) and its own namespace
 * of the same type (/proc/self/ns/<type>), joins <nspath> with setns(2),
 * opens "/" there (a handle on the other side: with the host's mount
 * namespace, the host's root directory), joins its own namespace again and
 * exits at once.  A monitor that reads /proc/<pid>/ns after the fact sees
 * the process where it started.
 *
 * nstype: mnt (default), uts, ipc, net, cgroup.
 * Output: one line on stdout,
 *   "nsw-leave-return: pid=P nstype=T ret1=R ret2=R rootfd=F"
 * Exit status: 0 both calls succeeded, 1 a setns failed, 2 usage error,
 * 3 open failed.
 *
 * Built statically so it can be copied into a busybox container rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	{ "mnt", CLONE_NEWNS },
	{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },
	{ "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },
};

int main(int argc, char **argv)
{
	const char *type = argc > 2 ? argv[2] : "mnt";
	char own[64];
	int nstype = -1, other, back, root, r1, r2;
	size_t i;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: nsw-leave-return <nspath> [nstype]\n");
		return 2;
	}
	for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
		if (!strcmp(type, ns_names[i].name))
			nstype = ns_names[i].flag;
	if (nstype < 0) {
		fprintf(stderr, "nsw-leave-return: bad nstype '%s'\n", type);
		return 2;
	}
	snprintf(own, sizeof(own), "/proc/self/ns/%s", type);
	other = open(argv[1], O_RDONLY | O_CLOEXEC);
	back = open(own, O_RDONLY | O_CLOEXEC);
	if (other < 0 || back < 0) {
		fprintf(stderr, "nsw-leave-return: open: %s\n",
			strerror(errno));
		return 3;
	}
	/* raw syscalls, as exploit code would make them */
	r1 = (int)syscall(SYS_setns, other, nstype);
	root = r1 == 0 ? open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	r2 = (int)syscall(SYS_setns, back, nstype);
	printf("nsw-leave-return: pid=%ld nstype=%d ret1=%d ret2=%d rootfd=%d\n",
	       (long)getpid(), nstype, r1, r2, root);
	fflush(stdout);
	return r1 == 0 && r2 == 0 ? 0 : 1;
}
