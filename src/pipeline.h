/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turns raw backend observations into schema events: keeps the process
 * cache, resolves containers, computes verdicts and alerts, filters, and
 * writes lines to the output.  Identical for every backend and replay.
 */
#ifndef NSWATCH_PIPELINE_H
#define NSWATCH_PIPELINE_H

#include <stdbool.h>

#include "options.h"
#include "raw-event.h"
#include "stats.h"

struct pipeline;
struct output;

/* backend_name: "bpf", "audit", "replay".  live: /proc reflects the
 * events (false for replay).  Returns NULL with errno set. */
struct pipeline *pipeline_new(const struct nsw_options *o,
			      const char *backend_name, bool live,
			      struct output *out);
/* Seed the process cache from /proc (live backends). */
int pipeline_seed_procfs(struct pipeline *p);
/* Handle one raw event; 0 or -errno (the event is counted either way). */
int pipeline_handle(struct pipeline *p, const struct nsw_raw *raw);
/* Account losses reported by the backend (kernel lost, gaps, drops). */
void pipeline_add_stats(struct pipeline *p, const struct nsw_stats *delta);
struct nsw_stats *pipeline_stats(struct pipeline *p);
/* Write an `nswatch_stats` line now. */
int pipeline_emit_stats(struct pipeline *p);
/* Emit a monitor-tamper alert (audit disabled, rules removed, ...). */
int pipeline_tamper(struct pipeline *p, const char *message);
void pipeline_free(struct pipeline *p);

#endif
