/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The eBPF backend of a build made with --disable-bpf (hosts without
 * libbpf, clang or bpftool): it is never usable, and says why, so that
 * `--backend=auto` picks audit and `--backend=bpf` fails clearly.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "backend.h"

static int none_probe(const struct nsw_options *o, char *why, size_t whylen)
{
	snprintf(why, whylen, "built with --disable-bpf");
	return -ENOTSUP;
}

static int none_start(struct backend **out, const struct nsw_options *o,
		      struct pipeline *p, char *why, size_t whylen)
{
	*out = NULL;
	return none_probe(o, why, whylen);
}

static int none_run(struct backend *b, volatile sig_atomic_t *stop)
{
	return -ENOTSUP;
}

static void none_stats(struct backend *b, struct nsw_stats *st)
{
}

static void none_stop(struct backend *b)
{
}

const struct backend_ops backend_bpf_ops = {
	.name = "bpf",
	.probe = none_probe,
	.start = none_start,
	.run = none_run,
	.stats = none_stats,
	.stop = none_stop,
};
