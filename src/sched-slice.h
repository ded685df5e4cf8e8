/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monitor's CPU scheduling: a short time slice under the normal
 * policy (--sched-slice) or a real-time priority (--rt-priority).
 *
 * Why a slice: on a host whose CPUs are saturated, each wakeup between a
 * kernel record and its line (the reader, the writer thread) waits for
 * the running task under the normal policy.  Since Linux 6.12 (EEVDF) a
 * SCHED_OTHER thread may ask for a shorter slice with sched_setattr()'s
 * sched_runtime (clamped by the kernel to 0.1-100 ms): its virtual
 * deadline comes earlier, so it preempts the running task on wakeup,
 * while its share of the CPU (its weight, from nice) stays the same.
 * Older kernels ignore the field; the call then reports -EOPNOTSUPP.
 *
 * Both apply to the calling thread and are inherited by the threads it
 * creates afterwards unless reset_on_fork is set, which makes every
 * later clone (threads included) start at the defaults.
 */
#ifndef NSWATCH_SCHED_SLICE_H
#define NSWATCH_SCHED_SLICE_H

#include <stdbool.h>

/* Largest slice in µs the kernel takes (it clamps above). */
#define NSW_SLICE_MAX_US 100000u

/* The monitor's default (--sched-slice; the help text repeats it): off,
 * the slice did not lower the escape-line p99 on our saturated test
 * host (README, Benchmark). */
#define NSW_SCHED_SLICE_DEFAULT_US 0u

/* Ask for a slice of us µs (0: the kernel's default, the call is then a
 * no-op returning 0) for the calling thread, keeping its nice value.
 * Returns 0, -EOPNOTSUPP when the kernel accepted the call but the slice
 * it reports afterwards is not the one asked for (a kernel before 6.12
 * ignores it), or another -errno (-ENOSYS without sched_setattr). */
int nsw_sched_slice(unsigned int us, bool reset_on_fork);

/* The slice in µs the kernel reports for the calling thread (0 when it
 * reports none, before 6.12), or -errno. */
long nsw_sched_slice_get(void);

/* SCHED_RR at prio (1-99) for the calling thread.  0 or -errno. */
int nsw_sched_rt(unsigned int prio, bool reset_on_fork);

#endif
