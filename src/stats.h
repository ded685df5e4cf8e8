/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Counters reported in `nswatch_stats` lines and at exit. */
#ifndef NSWATCH_STATS_H
#define NSWATCH_STATS_H

#include <stdint.h>

#include "event.h"

struct nsw_stats {
	uint64_t events[NSW_EV_TYPE_COUNT];	/* by enum nsw_event_type */
	uint64_t alerts[NSW_RULE_COUNT];
	uint64_t kernel_lost;		/* audit status `lost` since start */
	uint64_t ringbuf_drops;		/* bpf ring buffer reservations failed */
	uint64_t held;			/* namespace calls counted in the kernel
					 * and reported only in aggregates */
	uint64_t seq_gaps;		/* audit serials never seen */
	uint64_t parse_errors;		/* malformed input records/lines */
	uint64_t output_errors;		/* lines that could not be written */
	uint64_t output_queue;		/* lines dropped: the output did not
					 * keep up (queue full, or at exit) */
	uint64_t filtered;		/* events dropped by filters on purpose */
	uint64_t raw_events;		/* raw events received from the backend */
	uint64_t proc_misses;		/* processes gone before lookup */
	uint64_t log_lost;		/* own log lines dropped: stderr would
					 * have blocked */
	/* sizes of what the monitor keeps (gauges, not counters) */
	uint64_t tab_processes;		/* the process table */
	uint64_t tab_pending;		/* namespace calls waiting */
	uint64_t tab_memo_bytes;	/* the encoder's process memo */
	uint64_t tab_memo_full;		/* counter: not memoized, at its cap */
};

#endif
