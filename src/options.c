/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "output-rotate.h"
#include "strbuf.h"

void options_init(struct nsw_options *o)
{
	const char *env;

	memset(o, 0, sizeof(*o));
	o->procfs = "/proc";
	o->rootfs = "";
	o->cluster_name = "default";
	o->backend = "auto";
	o->audit_source = "auto";
	o->btf_path = "/sys/kernel/btf/vmlinux";
	o->format = NSW_FMT_JSON;
	o->exec_rules = true;
	o->stats_interval = 60;
	o->rate_limit = 20;
	o->output_flush_after = 2;
	o->output_keep = ROTATE_KEEP_DEFAULT;
	/* a burst of 10000 setns calls in 0.1 s makes ~25 MB of JSON,
	 * faster than the writer thread, sharing two CPUs with the storm
	 * and the reader, writes it out: 4 MiB lost a third of such a
	 * burst's lines, which a consumer writing for itself (and the
	 * eBPF ring buffer behind it) never did.  The pages are only
	 * touched when a burst needs them. */
	o->output_queue = 32;
	env = getenv("NODE_NAME");
	if (env && *env) {
		nsw_strlcpy(o->node_name, env, sizeof(o->node_name));
	} else if (gethostname(o->node_name, sizeof(o->node_name) - 1) < 0) {
		nsw_strlcpy(o->node_name, "localhost", sizeof(o->node_name));
	}
	o->node_name[sizeof(o->node_name) - 1] = '\0';
}
