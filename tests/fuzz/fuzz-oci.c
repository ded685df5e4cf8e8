/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the runtime-state parsers of container-meta.c (OCI
 * config.json, runc state.json, docker config.v2.json, crun status) and
 * the workload heuristics on whatever they filled; exposure.c's parsers
 * of config.json, /proc/<pid>/status and mountinfo (the input as both
 * the container's and the host's). */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "container-meta.h"
#include "exposure.h"
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

static void check_exposure(const struct exposure_report *r)
{
	int i;

	if (r->n_paths < 0 || r->n_paths > EXPOSURE_MAX_PATHS ||
	    (exposure_flags(r) & ~NSW_EXP_ALL))
		abort();
	for (i = 0; i < r->n_paths; i++)
		if (strnlen(r->paths[i], sizeof(r->paths[i])) ==
		    sizeof(r->paths[i]) || r->paths[i][0] != '/')
			abort();
}

static void fuzz_exposure(const char *j, size_t size)
{
	struct exposure_status st;
	struct exposure_report r;
	struct exposure_kernel k;
	struct nsw_ns_set ns;

	memset(&r, 0, sizeof(r));
	exposure_from_oci(j, size, true, &r);
	check_exposure(&r);

	memset(&r, 0, sizeof(r));
	memset(&k, 0, sizeof(k));
	memset(&ns, 0, sizeof(ns));
	if (exposure_parse_status(j, size, &st) == 0)
		k.status = &st;
	k.ns = &ns;
	k.host_ns = &ns;
	k.mountinfo = j;
	k.mountinfo_len = size;
	k.host_mountinfo = j;
	k.host_mountinfo_len = size;
	exposure_from_kernel(&k, &r);
	check_exposure(&r);
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

	fuzz_exposure(j, size);
	return 0;
}
