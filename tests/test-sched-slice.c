// SPDX-License-Identifier: GPL-2.0-or-later
/* The monitor's scheduling (sched-slice.c): the slice is set and read
 * back on a kernel that has it (6.12+) and reported unsupported on one
 * that ignores it, the nice value survives, threads created afterwards
 * inherit the slice or SCHED_RR unless reset_on_fork (the writer thread
 * must run like the reader), and values the kernel would clamp are
 * refused.  Each case runs in a child so that the next starts at the
 * defaults. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sched-slice.h"
#include "tap.h"

static bool kernel_has_slice(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return false;
	return maj > 6 || (maj == 6 && min >= 12);
}

struct seen {
	long slice;
	int policy;
};

static void *thread_main(void *arg)
{
	struct seen *s = arg;

	s->slice = nsw_sched_slice_get();
	s->policy = sched_getscheduler(0);
	return NULL;
}

static struct seen in_new_thread(void)
{
	struct seen s = { -1, -1 };
	pthread_t t;

	if (pthread_create(&t, NULL, thread_main, &s) == 0)
		pthread_join(t, NULL);
	return s;
}

/* Run fn in a child whose TAP lines go to our stdout; its counts come
 * back through a pipe so that the numbering goes on. */
static void in_child(void (*fn)(void))
{
	int fd[2], counts[2] = { 0, 1 }, st;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd) < 0 || (pid = fork()) < 0) {
		ok(0, "fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		fn();
		fflush(stdout);
		counts[0] = tap_n;
		counts[1] = tap_fail;
		_exit(write(fd[1], counts, sizeof(counts)) ==
		      (ssize_t)sizeof(counts) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], counts, sizeof(counts)) != (ssize_t)sizeof(counts))
		counts[1] = 1;
	close(fd[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		counts[1] = 1;
	tap_n = counts[0] > tap_n ? counts[0] : tap_n;
	if (counts[1]) {
		tap_fail++;
		diag("  a case failed in its child (see above)");
	}
}

static void slice_inherited(void)
{
	struct seen s;
	long before = nsw_sched_slice_get();

	ok(before >= 0, "the slice can be read (%ld us)", before);
	is_int(nsw_sched_slice(0, false), 0, "slice 0: nothing to do");
	is_int(nsw_sched_slice_get(), before, "slice 0 leaves the slice");
	if (setpriority(PRIO_PROCESS, 0, 3) < 0)
		diag("  setpriority: %s", strerror(errno));
	if (!kernel_has_slice()) {
		is_int(nsw_sched_slice(300, false), -EOPNOTSUPP,
		       "before 6.12: the slice is reported unsupported");
		return;
	}
	is_int(nsw_sched_slice(300, false), 0, "slice 300 us taken");
	is_int(nsw_sched_slice_get(), 300, "and read back");
	is_int(getpriority(PRIO_PROCESS, 0), 3, "the nice value is kept");
	is_int(sched_getscheduler(0), SCHED_OTHER, "normal policy");
	s = in_new_thread();
	is_int(s.slice, 300, "a thread created afterwards inherits it");
	is_int(nsw_sched_slice(300, true), 0, "again with reset_on_fork");
	s = in_new_thread();
	ok(s.slice != 300 && s.slice > 0,
	   "then a new thread starts at the default (%ld us)", s.slice);
	is_int(nsw_sched_slice_get(), 300, "the caller keeps its slice");
}

static void slice_refused(void)
{
	is_int(nsw_sched_slice(NSW_SLICE_MAX_US + 1, false), -EINVAL,
	       "a slice the kernel would clamp is refused");
	if (kernel_has_slice())
		/* the kernel clamps to 100 us: asked 50, it reports 100 */
		is_int(nsw_sched_slice(50, false), -EOPNOTSUPP,
		       "a slice below the kernel's minimum is reported");
}

static void rt_inherited(void)
{
	struct seen s;
	int r = nsw_sched_rt(1, false);

	if (r == -EPERM) {
		skip("SCHED_RR needs CAP_SYS_NICE");
		return;
	}
	is_int(r, 0, "SCHED_RR 1 taken");
	s = in_new_thread();
	is_int(s.policy, SCHED_RR, "a thread created afterwards is SCHED_RR");
	is_int(nsw_sched_rt(1, true), 0, "again with reset_on_fork");
	s = in_new_thread();
	is_int(s.policy, SCHED_OTHER,
	       "then a new thread starts at the normal policy");
	is_int(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK, SCHED_RR,
	       "the caller stays SCHED_RR");
}

int main(void)
{
	in_child(slice_inherited);
	in_child(slice_refused);
	in_child(rt_inherited);
	return done_testing();
}
