/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-flood: test helper for what an attacker who knows nswatch does to
 * its eBPF side.
 *
 *   nsw-flood setns-badfd SECONDS [WORKERS]
 *	WORKERS processes (default 1) call setns(-1, 0) in a loop for
 *	SECONDS; every call fails with EBADF.  A pod doing this once made
 *	the monitor write GBs of JSON and lose the records around it.
 *	Prints "nsw-flood: pid=P calls=N" per worker.
 *   nsw-flood setns-own SECONDS
 *	setns(fd, CLONE_NEWUTS) into the caller's own UTS namespace in a
 *	loop for SECONDS: every call succeeds and changes nothing.  Prints
 *	"nsw-flood: pid=P calls=N".
 *   nsw-flood clone3-unmapped-args
 *	clone3(CLONE_NEWUTS) with its struct clone_args in a page of a
 *	memfd mapping that was never touched: the page is not in the page
 *	table, so a BPF program (which cannot fault pages in) cannot read the
 *	flags, while the kernel's own copy faults it in and makes the child
 *	in a new UTS namespace.
 *   nsw-flood clone3-bad-args
 *	clone3 with clone_args in a page that was unmapped: nobody can read
 *	them, the call fails with EFAULT.
 *	Both clone3 modes print "nsw-flood: clone3 pid=P ret=R errno=E".
 *   nsw-flood unshare-noflags
 *	unshare(CLONE_FS), unshare(CLONE_FILES), unshare(CLONE_FS |
 *	CLONE_FILES | CLONE_SYSVSEM): none creates a namespace, and a
 *	monitor must stay silent about them.  Then, as a marker that the
 *	monitor saw this process, unshare(CLONE_NEWUTS) (EPERM without
 *	CAP_SYS_ADMIN, still an event).  Prints "nsw-flood: unshare pid=P
 *	noflags=N marker=R errno=E" (N: how many of the three succeeded).
 *   nsw-flood clone3-race ITERATIONS
 *	clone3 ITERATIONS times with clone_args whose flags another thread
 *	keeps switching between 0 and CLONE_NEWUTS, so that what a BPF
 *	program reads at syscall entry may not be what the kernel copies a
 *	moment later.  Each child reports whether it is in a new UTS
 *	namespace; prints "nsw-flood: clone3-race pid=P calls=N new_uts=K"
 *	and "nsw-flood: new-uts child=C" for each such child.
 *
 * Built statically so it can be copied into a busybox container rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* struct clone_args of <linux/sched.h>, the first size (CLONE_ARGS_SIZE_VER0) */
struct nsw_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void flood_one(double seconds, int fd, int nstype)
{
	double end = now_s() + seconds;
	unsigned long calls = 0;

	while (now_s() < end) {
		int i;

		for (i = 0; i < 1000; i++)
			syscall(SYS_setns, fd, nstype);
		calls += 1000;
	}
	printf("nsw-flood: pid=%d calls=%lu\n", (int)getpid(), calls);
	fflush(stdout);
}

static int setns_badfd(double seconds, int workers)
{
	int i, status, rc = 0;

	for (i = 1; i < workers; i++) {
		pid_t p = fork();

		if (p == 0) {
			flood_one(seconds, -1, 0);
			_exit(0);
		}
		if (p < 0)
			rc = 3;
	}
	flood_one(seconds, -1, 0);
	while (wait(&status) > 0)
		;
	return rc;
}

static int setns_own(double seconds)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("nsw-flood: /proc/self/ns/uts");
		return 3;
	}
	flood_one(seconds, fd, CLONE_NEWUTS);
	return 0;
}

static int do_clone3(struct nsw_clone_args *args)
{
	long r = syscall(SYS_clone3, args, sizeof(*args));
	int e = errno;

	if (r == 0)
		_exit(0);	/* the child: nothing to do */
	printf("nsw-flood: clone3 pid=%d ret=%ld errno=%d\n", (int)getpid(),
	       r, r < 0 ? e : 0);
	fflush(stdout);
	if (r > 0)
		waitpid((pid_t)r, NULL, 0);
	return r < 0 ? 1 : 0;
}

static int clone3_unmapped_args(void)
{
	struct nsw_clone_args a;
	long page = sysconf(_SC_PAGESIZE);
	void *m;
	int fd;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_NEWUTS;
	a.exit_signal = SIGCHLD;
	fd = memfd_create("nsw-clone-args", MFD_CLOEXEC);
	if (fd < 0 || write(fd, &a, sizeof(a)) != (ssize_t)sizeof(a) ||
	    ftruncate(fd, page) < 0) {
		perror("nsw-flood: memfd");
		return 3;
	}
	/* a fresh mapping: no page table entry until the first fault */
	m = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("nsw-flood: mmap");
		return 3;
	}
	return do_clone3(m);
}

static volatile int race_stop;

static void *flip_flags(void *arg)
{
	volatile uint64_t *flags = arg;

	while (!race_stop)
		*flags ^= CLONE_NEWUTS;
	return NULL;
}

static int clone3_race(long iterations)
{
	struct nsw_clone_args *a;
	struct stat own;
	pthread_t th;
	long i, news = 0;
	pid_t *kids;

	/* shared, so that a fork does not make the page copy-on-write: the
	 * flipping thread would then mostly wait in page faults */
	a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	kids = calloc((size_t)iterations, sizeof(*kids));
	if (a == MAP_FAILED || !kids || stat("/proc/self/ns/uts", &own) < 0) {
		perror("nsw-flood: setup");
		return 3;
	}
	memset(a, 0, sizeof(*a));
	a->exit_signal = SIGCHLD;
	if (pthread_create(&th, NULL, flip_flags, (void *)&a->flags)) {
		fprintf(stderr, "nsw-flood: pthread_create failed\n");
		return 3;
	}
	for (i = 0; i < iterations; i++) {
		long r = syscall(SYS_clone3, a, sizeof(*a));
		struct stat st;
		int status;

		if (r == 0)	/* the child: in a new UTS namespace? */
			_exit(stat("/proc/self/ns/uts", &st) == 0 &&
			      st.st_ino != own.st_ino ? 1 : 0);
		if (r < 0)
			continue;
		if (waitpid((pid_t)r, &status, 0) == r && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 1)
			kids[news++] = (pid_t)r;
	}
	race_stop = 1;
	pthread_join(th, NULL);
	printf("nsw-flood: clone3-race pid=%d calls=%ld new_uts=%ld\n",
	       (int)getpid(), iterations, news);
	for (i = 0; i < news; i++)
		printf("nsw-flood: new-uts child=%d\n", (int)kids[i]);
	free(kids);
	return 0;
}

static int clone3_bad_args(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m, (size_t)page) < 0) {
		perror("nsw-flood: mmap");
		return 3;
	}
	return do_clone3(m);
}

static int unshare_noflags(void)
{
	static const int flags[] = {
		CLONE_FS, CLONE_FILES, CLONE_FS | CLONE_FILES | CLONE_SYSVSEM,
	};
	int i, n = 0, r, e;

	for (i = 0; i < 3; i++)
		n += syscall(SYS_unshare, flags[i]) == 0;
	r = (int)syscall(SYS_unshare, CLONE_NEWUTS);
	e = r < 0 ? errno : 0;
	printf("nsw-flood: unshare pid=%d noflags=%d marker=%d errno=%d\n",
	       (int)getpid(), n, r, e);
	return n == 3 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "setns-badfd")) {
		int workers = argc >= 4 ? atoi(argv[3]) : 1;

		if (workers < 1 || workers > 64)
			workers = 1;
		return setns_badfd(atof(argv[2]), workers);
	}
	if (argc == 3 && !strcmp(argv[1], "setns-own"))
		return setns_own(atof(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "clone3-unmapped-args"))
		return clone3_unmapped_args();
	if (argc == 2 && !strcmp(argv[1], "clone3-bad-args"))
		return clone3_bad_args();
	if (argc == 3 && !strcmp(argv[1], "clone3-race") && atol(argv[2]) > 0)
		return clone3_race(atol(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "unshare-noflags"))
		return unshare_noflags();
	fprintf(stderr, "usage: nsw-flood setns-badfd SECONDS [WORKERS] | "
		"setns-own SECONDS | clone3-unmapped-args | "
		"clone3-bad-args | clone3-race ITERATIONS | "
		"unshare-noflags\n");
	return 2;
}
