/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prometheus metrics of the monitor itself (doc/metrics.md): the
 * counters of the `nswatch_stats` line, backend info, the age of the last
 * event and the resident set size, served on a small HTTP/1.0 endpoint
 * (GET /metrics) and/or written to a node_exporter textfile.
 *
 * The reader thread publishes a copy of its counters (metrics_publish);
 * a thread of our own serves and writes from that copy, so a slow scraper
 * or a slow disk never touches the event path.
 */
#ifndef NSWATCH_METRICS_H
#define NSWATCH_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"

struct strbuf;

/* Seconds between textfile writes. */
#define METRICS_TEXTFILE_S 15

/* What metrics_format() writes besides the counters. */
struct metrics_info {
	const char *backend;		/* "bpf", "audit" */
	const char *version;
	const char *node_name;
	double start_time;		/* Unix seconds */
	double last_event_time;		/* Unix seconds, 0: no event yet */
	double now;			/* Unix seconds, for the age */
	uint64_t rss_bytes;		/* 0: unknown, left out */
};

/*
 * Append the Prometheus text exposition (format 0.0.4) of st and info to
 * sb.  Pure.  0, or -ENOMEM when sb overflowed.
 */
int metrics_format(struct strbuf *sb, const struct nsw_stats *st,
		   const struct metrics_info *info);

/*
 * Parse --metrics-address: "PORT" (127.0.0.1), "ADDR:PORT", "[ADDR6]:PORT"
 * (numeric addresses only).  Writes the socket address to ss/len.  Pure.
 * 0 or -EINVAL.
 */
struct sockaddr_storage;
int metrics_parse_address(const char *s, struct sockaddr_storage *ss,
			  unsigned int *len);

struct metrics;

/*
 * Bind the HTTP endpoint (address may be NULL) and start the metrics
 * thread, which also writes textfile (may be NULL) every
 * METRICS_TEXTFILE_S seconds.  backend, node_name: borrowed, outlive
 * the returned object.  NULL with errno set and why filled on failure.
 */
struct metrics *metrics_start(const char *address, const char *textfile,
			      const char *backend, const char *node_name,
			      char *why, size_t whylen);

/* Hand over the current counters (called by the reader thread, cheap). */
void metrics_publish(struct metrics *m, const struct nsw_stats *st);

/* Set the backend name once it is known (borrowed). */
void metrics_set_backend(struct metrics *m, const char *backend);

/*
 * Stop the thread, then write the textfile one last time from the
 * counters published last (call after the final stats line, so both
 * agree).  Frees m; NULL is fine.
 */
void metrics_stop(struct metrics *m);

#endif
