/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pod and container metadata from the runtimes' on-disk state, without
 * the Kubernetes API: runc state.json, containerd bundle config.json,
 * CRI-O config.json, docker config.v2.json, podman, crun status.
 */
#ifndef NSWATCH_CONTAINER_META_H
#define NSWATCH_CONTAINER_META_H

#include <stddef.h>

#include "container.h"
#include "event.h"

/* Pure parsers: fill the fields of `out` the document carries.
 * 0 or -EINVAL (not JSON / wrong shape). */
int container_meta_parse_oci_config(const char *json, size_t len,
				    struct nsw_container *out);
int container_meta_parse_runc_state(const char *json, size_t len,
				    struct nsw_container *out,
				    char *bundle, size_t bundlelen);
int container_meta_parse_docker_config(const char *json, size_t len,
				       struct nsw_container *out);
/* crun `<root>/<id>/status`: pid, created, bundle.  Same contract as
 * container_meta_parse_runc_state.  (Added by the container session.) */
int container_meta_parse_crun_status(const char *json, size_t len,
				     struct nsw_container *out,
				     char *bundle, size_t bundlelen);
/* Derive workload/workload_kind from pod name and labels (§4.4). */
void container_meta_guess_workload(struct nsw_container *c);
/* Release labels; does not free c. */
void container_meta_clear(struct nsw_container *c);

/* I/O: look up `cg->id` in the runtime state under `rootdir` ("" for /)
 * and fill `out` (id, runtime, names, image, pod, init_pid...).
 * Returns 0 when some runtime state was found, -ENOENT otherwise (out
 * still carries id and runtime from the cgroup). */
int container_meta_lookup(const char *rootdir, const struct cgroup_attr *cg,
			  struct nsw_container *out);
/* Same, and copies into `src` the path of the state file the data came
 * from ("" when none), whose disappearance means the container is gone.
 * (Added by the container session, for the cache.) */
int container_meta_lookup_src(const char *rootdir,
			      const struct cgroup_attr *cg,
			      struct nsw_container *out,
			      char *src, size_t srclen);

#endif
