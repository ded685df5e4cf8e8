/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the runtime-state parsers of container-meta.c (OCI
 * config.json, runc state.json, docker config.v2.json, crun status) and
 * the workload heuristics on whatever they filled. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "container-meta.h"
#include "fuzz.h"

static void check(struct nsw_container *c)
{
	size_t i;

	/* every field stays a terminated string; labels sorted, unique */
	if (strnlen(c->name, sizeof(c->name)) == sizeof(c->name) ||
	    strnlen(c->image, sizeof(c->image)) == sizeof(c->image) ||
	    strnlen(c->pod_name, sizeof(c->pod_name)) == sizeof(c->pod_name) ||
	    strnlen(c->workload, sizeof(c->workload)) == sizeof(c->workload))
		abort();
	for (i = 1; i < c->n_labels; i++)
		if (strcmp(c->labels[i - 1].key, c->labels[i].key) >= 0)
			abort();
	container_meta_guess_workload(c);
	if (c->pod_name[0] && !c->workload_kind[0])
		abort();
	container_meta_clear(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *j = (const char *)data;
	struct nsw_container c;
	char bundle[PATH_MAX];

	memset(&c, 0, sizeof(c));
	container_meta_parse_oci_config(j, size, &c);
	check(&c);

	memset(&c, 0, sizeof(c));
	container_meta_parse_runc_state(j, size, &c, bundle, sizeof(bundle));
	check(&c);

	memset(&c, 0, sizeof(c));
	container_meta_parse_docker_config(j, size, &c);
	check(&c);

	memset(&c, 0, sizeof(c));
	container_meta_parse_crun_status(j, size, &c, bundle, sizeof(bundle));
	check(&c);
	return 0;
}
