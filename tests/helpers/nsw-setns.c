/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-setns: test helper that joins a namespace with a direct setns(2)
 * call, the way an escape tool that is not nsenter would.
 *
 *   nsw-setns [-q] <nspath> [nstype] [--touch FILE] [-- command [args...]]
 *
 * nstype is a number (0, 131072, 0x20000) or a name (mnt, uts, ipc, net,
 * pid, user, cgroup, time); default 0 (any).  After a successful setns the
 * helper optionally creates FILE (resolved in the joined mount namespace,
 * so enforcement tests can check whether the process survived the call)
 * and then optionally execs the command (searched in PATH).
 *
 * Output: one line on stdout, "nsw-setns: pid=P fd=F nstype=T ret=R errno=E",
 * so tests can match it with what the monitor reported.
 * Exit status: 0 setns succeeded (and the marker was written), 1 setns
 * failed, 2 usage error, 3 open/touch/exec failed.
 *
 * Built statically so it can be copied into a busybox container rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_names[] = {
	{ "mnt", CLONE_NEWNS },
	{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },
	{ "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },
	{ "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP },
	{ "time", CLONE_NEWTIME },
	{ "any", 0 },
};

static void usage(void)
{
	fprintf(stderr,
		"usage: nsw-setns [-q] <nspath> [nstype] [--touch FILE] "
		"[-- command [args...]]\n"
		"  nstype: number or mnt|uts|ipc|net|pid|user|cgroup|time|any\n");
}

/* Parse a namespace type given as a number or a name; -EINVAL if neither. */
static int parse_nstype(const char *s, int *out)
{
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		if (!strcmp(s, ns_names[i].name)) {
			*out = ns_names[i].flag;
			return 0;
		}
	}
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > 0x7fffffffUL)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int touch_marker(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (dprintf(fd, "%ld\n", (long)getpid()) < 0) {
		close(fd);
		return -EIO;
	}
	if (close(fd) < 0)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	const char *nspath = NULL, *marker = NULL;
	char **cmd = NULL;
	int nstype = 0, have_type = 0, quiet = 0;
	int fd, ret, err, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (i + 1 < argc)
				cmd = &argv[i + 1];
			break;
		} else if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--touch")) {
			if (++i >= argc) {
				usage();
				return 2;
			}
			marker = argv[i];
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			usage();
			return 0;
		} else if (!nspath) {
			nspath = argv[i];
		} else if (!have_type) {
			if (parse_nstype(argv[i], &nstype) < 0) {
				fprintf(stderr, "nsw-setns: bad nstype '%s'\n",
					argv[i]);
				return 2;
			}
			have_type = 1;
		} else {
			usage();
			return 2;
		}
	}
	if (!nspath) {
		usage();
		return 2;
	}

	fd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nsw-setns: open %s: %s\n", nspath,
			strerror(errno));
		return 3;
	}

	/* The raw syscall, not the libc wrapper, to mirror exploit code. */
	ret = (int)syscall(SYS_setns, fd, nstype);
	err = ret < 0 ? errno : 0;
	if (!quiet) {
		printf("nsw-setns: pid=%ld fd=%d nstype=%d ret=%d errno=%d\n",
		       (long)getpid(), fd, nstype, ret, err);
		fflush(stdout);
	}
	close(fd);
	if (ret < 0) {
		fprintf(stderr, "nsw-setns: setns %s: %s\n", nspath,
			strerror(err));
		return 1;
	}

	if (marker) {
		ret = touch_marker(marker);
		if (ret < 0) {
			fprintf(stderr, "nsw-setns: touch %s: %s\n", marker,
				strerror(-ret));
			return 3;
		}
	}
	if (cmd) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "nsw-setns: exec %s: %s\n", cmd[0],
			strerror(errno));
		return 3;
	}
	return 0;
}
