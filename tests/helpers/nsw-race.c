/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-race: test helper that races setns(2) against dup2(2), the way an
 * attacker who knows that a monitor reads the setns fd at syscall entry
 * would try to pass it a harmless namespace there and a host namespace
 * when the kernel looks the fd up again.
 *
 *   nsw-race <host-ns-path> <own-ns-path> <marker> [attempts]
 *
 * Both paths name mount namespaces (e.g. /proc/<host pid>/ns/mnt and
 * /proc/self/ns/mnt).  A second task sharing our fd table (clone with
 * CLONE_FILES but not CLONE_FS: setns into a mount namespace needs an fs
 * struct of its own, so it cannot be a thread) loops dup2(host, fd),
 * dup2(own, fd), while this one calls setns(fd, 0) up to `attempts`
 * times (default 5000).  After a setns that landed in the host mount
 * namespace it creates <marker> (resolved there) and exits 0: under
 * enforcement that must never happen.  After one that landed in its own
 * namespace it tries again.
 *
 * Output: "nsw-race: pid=P landed attempt=N" when it got through,
 * "nsw-race: pid=P never landed attempts=N" otherwise.
 * Exit status: 0 landed and marker written, 1 never landed, 2 usage,
 * 3 setup failed.
 *
 * Built statically so it can be copied into a busybox container rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The dup2 loop of the second task; never returns. */
static void swapper(int host_fd, int own_fd, int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		dup2(host_fd, fd);
		dup2(own_fd, fd);
	}
}

/* Inode of the mount namespace this task is in now, 0 if unknown. */
static ino_t current_mnt(void)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/mnt", &st) < 0 &&
	    stat("/proc/self/ns/mnt", &st) < 0)
		return 0;
	return st.st_ino;
}

int main(int argc, char **argv)
{
	struct stat hst;
	long attempts = 5000, i;
	int host_fd, own_fd, fd, mfd;
	pid_t child;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: nsw-race <host-ns-path> <own-ns-path> "
			"<marker> [attempts]\n");
		return 2;
	}
	if (argc == 5)
		attempts = strtol(argv[4], NULL, 10);
	if (attempts <= 0)
		return 2;
	host_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	own_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (host_fd < 0 || own_fd < 0 || fstat(host_fd, &hst) < 0) {
		fprintf(stderr, "nsw-race: open: %s\n", strerror(errno));
		return 3;
	}
	fd = dup(own_fd);
	if (fd < 0)
		return 3;
	setvbuf(stdout, NULL, _IONBF, 0);

	/* fork-like (own copy of the stack), sharing the fd table only */
	child = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL, NULL,
			       NULL, NULL);
	if (child < 0) {
		fprintf(stderr, "nsw-race: clone: %s\n", strerror(errno));
		return 3;
	}
	if (child == 0)
		swapper(host_fd, own_fd, fd);

	for (i = 1; i <= attempts; i++) {
		if (syscall(SYS_setns, fd, 0) < 0)
			continue;
		if (current_mnt() != hst.st_ino)
			continue;
		/* in the host mount namespace, running our own code */
		mfd = open(argv[3], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (mfd >= 0)
			close(mfd);
		kill(child, SIGKILL);
		printf("nsw-race: pid=%d landed attempt=%ld\n", (int)getpid(),
		       i);
		return mfd >= 0 ? 0 : 3;
	}
	kill(child, SIGKILL);
	printf("nsw-race: pid=%d never landed attempts=%ld\n", (int)getpid(),
	       attempts);
	return 1;
}
