/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: container_parse_cgroup / container_parse_path. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "fuzz.h"

/* A decision must always be self-consistent, whatever the input. */
static void check(const struct cgroup_attr *a)
{
	if (a->kind == CGROUP_HOST && (a->id[0] || a->n_outer))
		abort();
	if (a->kind == CGROUP_CONTAINER && !a->id[0])
		abort();
	if (a->n_outer < 0 || a->n_outer > CONTAINER_MAX_OUTER)
		abort();
	if (strnlen(a->id, sizeof(a->id)) == sizeof(a->id) ||
	    strnlen(a->runtime, sizeof(a->runtime)) == sizeof(a->runtime) ||
	    strnlen(a->pod_uid, sizeof(a->pod_uid)) == sizeof(a->pod_uid) ||
	    strnlen(a->path, sizeof(a->path)) == sizeof(a->path))
		abort();
	/* ids never carry a path separator into the metadata lookup */
	if (strchr(a->id, '/') || strchr(a->related_id, '/'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgroup_attr a;
	char *path;

	if (container_parse_cgroup((const char *)data, size, &a) == 0)
		check(&a);

	/* the same bytes as one path */
	path = malloc(size + 2);
	if (!path)
		return 0;
	path[0] = '/';
	memcpy(path + 1, data, size);
	path[size + 1] = '\0';
	if (container_parse_path(path, &a) == 0)
		check(&a);
	free(path);
	return 0;
}
