/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The small interface every kernel event source implements
 * (backend-audit.c, backend-bpf.c, backend-bpf-none.c).
 */
#ifndef NSWATCH_BACKEND_H
#define NSWATCH_BACKEND_H

#include <signal.h>
#include <stddef.h>

#include "options.h"
#include "stats.h"

struct pipeline;
struct backend;

struct backend_ops {
	const char *name;	/* "bpf" or "audit" */
	/* The capabilities (CAP_* numbers) the backend needs once start()
	 * has put everything privileged in place: cmd-monitor.c keeps
	 * these and drops every other one (privdrop_keep()). */
	const int *keep_caps;
	size_t n_keep_caps;
	/* Can this backend run here?  0 or -errno with a reason in why. */
	int (*probe)(const struct nsw_options *o, char *why, size_t whylen);
	/* Set up sources (rules, programs).  On failure returns -errno,
	 * with a reason in why, and has undone everything. */
	int (*start)(struct backend **out, const struct nsw_options *o,
		     struct pipeline *p, char *why, size_t whylen);
	/* Deliver events to the pipeline until *stop is set or the
	 * source ends (EOF).  0 on a clean end, -errno on failure. */
	int (*run)(struct backend *b, volatile sig_atomic_t *stop);
	/* Add the backend's loss counters into st. */
	void (*stats)(struct backend *b, struct nsw_stats *st);
	/* Undo start(): detach, remove rules, restore settings; frees b. */
	void (*stop)(struct backend *b);
};

extern const struct backend_ops backend_audit_ops;
extern const struct backend_ops backend_bpf_ops;	/* stub w/o BPF */

#endif
