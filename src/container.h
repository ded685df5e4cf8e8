/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container attribution from the text of /proc/<pid>/cgroup (cgroup v1,
 * v2, hybrid).  Pure: no I/O, no logging.  Formats and pitfalls:
 * doc/container-mapping.md.
 */
#ifndef NSWATCH_CONTAINER_H
#define NSWATCH_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_MAX 129
#define CONTAINER_MAX_OUTER 4

enum cgroup_kind {
	CGROUP_HOST,		/* no container */
	CGROUP_CONTAINER,	/* member of container `id` */
	CGROUP_HELPER,		/* runtime helper (conmon, shim) serving
				 * `related_id`; not a member */
};

struct cgroup_attr {
	enum cgroup_kind kind;
	char id[CONTAINER_ID_MAX];	/* innermost container id */
	char runtime[16];	/* from the prefix: docker, containerd,
				 * cri-o, podman, nerdctl, lxc, ...; "" if
				 * the id was bare (ambiguous) */
	char pod_uid[40];	/* dashed UUID or 32-hex static pod hash */
	char qos[12];		/* burstable, besteffort, guaranteed, "" */
	char outer_ids[CONTAINER_MAX_OUTER][CONTAINER_ID_MAX]; /* outermost first */
	int n_outer;
	char related_id[CONTAINER_ID_MAX]; /* CGROUP_HELPER: served container */
	bool leaf_is_root;	/* the id component is the leaf */
	bool conflict;		/* v1 controllers name different containers */
	char path[1024];	/* the cgroup path the decision used */
	/* Additions (container session): */
	char task_id[40];	/* ECS task id (E1-E3); not a pod UID */
	bool low_confidence;	/* identity from a name rule (R7: lxc,
				 * nspawn, libvirt-lxc, mesos, ctr, talos):
				 * confirm with runtime state (R14) */
};

/*
 * How the fields read for each kind:
 * - CGROUP_CONTAINER: `id` is the innermost container, `outer_ids` the
 *   enclosing ones (at most the CONTAINER_MAX_OUTER nearest), `runtime`
 *   the innermost one's.
 * - CGROUP_HELPER: `related_id` is the container served (may be "" for
 *   /libpod_parent/conmon, podman pause, containerd.service shims);
 *   `runtime` the helper's.  Only outside any container: a helper-named
 *   cgroup below a container id (a conmon inside a kind node, or one a
 *   container process made for itself) is CGROUP_CONTAINER of that
 *   container.  `id` names an enclosing container, which only an nspawn
 *   supervisor (beside its machine's payload) nested in one can have.
 * - CGROUP_HOST: no id.
 * A bare 64-hex id under a kubepods pod cgroup reports runtime
 * "containerd" (see container.c); other bare ids under an unknown parent
 * report "".
 */

/* Parse the whole content of /proc/<pid>/cgroup.  Returns 0 (out filled,
 * kind may be CGROUP_HOST) or -EINVAL on text that is not a cgroup file. */
int container_parse_cgroup(const char *text, size_t len, struct cgroup_attr *out);
/* Parse one cgroup path (third field).  0 or -EINVAL. */
int container_parse_path(const char *path, struct cgroup_attr *out);

#endif
