/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON encoder for ../shared/SCHEMA.md (Tetragon export format). */
#ifndef NSWATCH_ENCODE_JSON_H
#define NSWATCH_ENCODE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "stats.h"
#include "strbuf.h"

struct encode_ctx {
	const char *node_name;
	const char *cluster_name;	/* "default" when unset */
};

/* Append one event as a single JSON line (with trailing '\n').
 * Returns 0 or -errno (-E2BIG when the line would exceed STRBUF_MAX). */
int encode_json_event(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_event *ev);
/* Append a `nswatch_stats` line. */
int encode_json_stats(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_stats *st, uint64_t time_ns);
/* exec_id: base64("<node>:<ktime>:<pid>") into buf; 0 or -ENOSPC. */
int encode_exec_id(char *buf, size_t len, const char *node,
		   uint64_t ktime, uint32_t pid);
/* RFC 3339 UTC with 9 fractional digits (0 when whole seconds). */
int encode_time(char *buf, size_t len, uint64_t wall_ns);
/* Tetragon's capability name for bit n (CAP_CHOWN, DAC_OVERRIDE, ...). */
const char *encode_cap_name(unsigned int bit);

#endif
