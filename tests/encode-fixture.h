/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-only reader for tests/fixtures/encode/NAME.in: a line-based
 * description of encoder input (context, containers, processes, events,
 * stats lines).  The format is documented in
 * tests/fixtures/encode/README.md.
 */
#ifndef NSWATCH_TEST_ENCODE_FIXTURE_H
#define NSWATCH_TEST_ENCODE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "encode-json.h"
#include "event.h"
#include "stats.h"

#define FX_MAX_CTR 16
#define FX_MAX_PROC 64
#define FX_MAX_ITEMS 64
#define FX_MAX_ANC 16
#define FX_NAME 32

struct fx_item {
	bool is_stats;
	struct nsw_event ev;
	const struct nsw_process *anc[FX_MAX_ANC];
	struct nsw_stats st;
	uint64_t stats_time;
	struct nsw_aggregate agg;	/* type = throttle */
	char cgroup[129];
};

struct fixture {
	struct encode_ctx ctx;
	char node_name[256];
	char cluster_name[128];
	char syscall_prefix[32];
	char backend[16];
	struct nsw_ns_set host_ns;
	bool color;

	struct nsw_container ctr[FX_MAX_CTR];
	char ctr_name[FX_MAX_CTR][FX_NAME];
	int n_ctr;
	struct nsw_process proc[FX_MAX_PROC];
	char proc_name[FX_MAX_PROC][FX_NAME];
	int n_proc;
	struct fx_item item[FX_MAX_ITEMS];
	char signal[FX_MAX_ITEMS][32];
	char enforced[FX_MAX_ITEMS][32];
	char ev_backend[FX_MAX_ITEMS][16];
	int n_item;
};

/* Parse a whole .in text.  0, or -EINVAL with a message naming the line
 * in err.  fx must be released with fixture_free either way. */
int fixture_parse(const char *text, size_t len, struct fixture *fx,
		  char *err, size_t errlen);
void fixture_free(struct fixture *fx);

#endif
