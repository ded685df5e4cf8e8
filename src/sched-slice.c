// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sched-slice.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/* The kernel's struct sched_attr (its first version, 48 bytes): glibc
 * before 2.41 has neither the type nor a wrapper. */
struct nsw_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

#define NSW_SCHED_FLAG_RESET_ON_FORK 0x01

static int get_attr(struct nsw_sched_attr *a)
{
#ifdef SYS_sched_getattr
	memset(a, 0, sizeof(*a));
	if (syscall(SYS_sched_getattr, 0, a, sizeof(*a), 0) < 0)
		return -errno;
	return 0;
#else
	(void)a;
	return -ENOSYS;
#endif
}

long nsw_sched_slice_get(void)
{
	struct nsw_sched_attr a;
	int r = get_attr(&a);

	if (r < 0)
		return r;
	if (a.sched_policy != SCHED_OTHER && a.sched_policy != SCHED_BATCH)
		return 0;
	return (long)(a.sched_runtime / 1000);
}

int nsw_sched_slice(unsigned int us, bool reset_on_fork)
{
#ifdef SYS_sched_setattr
	struct nsw_sched_attr a;
	int r;

	if (!us)
		return 0;
	if (us > NSW_SLICE_MAX_US)
		return -EINVAL;
	r = get_attr(&a);
	if (r < 0)
		return r;
	/* keep the nice value; the policy becomes SCHED_OTHER */
	a.size = sizeof(a);
	a.sched_policy = SCHED_OTHER;
	a.sched_flags = reset_on_fork ? NSW_SCHED_FLAG_RESET_ON_FORK : 0;
	a.sched_priority = 0;
	a.sched_runtime = (uint64_t)us * 1000;
	a.sched_deadline = a.sched_period = 0;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return -errno;
	/* a kernel that ignores the field reports its own value (or 0);
	 * one that clamps reports the clamped one */
	r = get_attr(&a);
	if (r < 0)
		return r;
	if (a.sched_runtime < 100000 || a.sched_runtime > (uint64_t)us * 1000)
		return -EOPNOTSUPP;
	return 0;
#else
	(void)us;
	(void)reset_on_fork;
	return -ENOSYS;
#endif
}

int nsw_sched_rt(unsigned int prio, bool reset_on_fork)
{
	struct sched_param sp = { .sched_priority = (int)prio };
	int pol = SCHED_RR | (reset_on_fork ? SCHED_RESET_ON_FORK : 0);

	if (sched_setscheduler(0, pol, &sp) < 0)
		return -errno;
	return 0;
}
