/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every module may use: array length, the named constants
 * of the audit and kernel ABIs that would otherwise be bare numbers, and
 * one clock helper instead of a private copy per file.
 */
#ifndef NSW_UTIL_H
#define NSW_UTIL_H

#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* audit's "unset" login uid and session id: (uid_t)-1 as audit prints
 * it (auid=4294967295, ses=4294967295). */
#define NSW_AUID_UNSET 4294967295u
#define NSW_SES_UNSET 4294967295u

/* Milliseconds of clock `clk` (CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE
 * for frequent cheap reads, CLOCK_REALTIME, CLOCK_BOOTTIME). */
static inline uint64_t nsw_clock_ms(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Seconds of clock `clk`. */
static inline uint64_t nsw_clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec;
}

/* Nanoseconds of clock `clk`. */
static inline uint64_t nsw_clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
