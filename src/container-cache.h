/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers by id, looked up once (container-meta.h) and shared by the
 * processes that run in them.
 */
#ifndef NSWATCH_CONTAINER_CACHE_H
#define NSWATCH_CONTAINER_CACHE_H

#include <stdint.h>

#include "container.h"
#include "event.h"

/* Cache of containers by id; entries are refcounted and dropped when
 * the runtime state disappears (checked at most every `ttl` seconds). */
struct container_cache;
struct container_cache *container_cache_new(const char *rootdir);
/* Returns a referenced container (caller calls container_put) or NULL
 * for host cgroups. */
struct nsw_container *container_cache_get(struct container_cache *cc,
					  const struct cgroup_attr *cg);
struct nsw_container *container_cache_get_stateful(struct container_cache *cc,
						   const struct cgroup_attr *cg);
void container_get(struct nsw_container *c);
void container_put(struct nsw_container *c);
/* The one cached container whose root file system is on device
 * major:minor (referenced, or NULL when none or several are). */
struct nsw_container *container_cache_by_root_dev(struct container_cache *cc,
						  uint32_t major,
						  uint32_t minor);
/* The one cached container whose runtime gave its processes the SELinux
 * level `level` ("s0:c1,c2"), referenced, or NULL when none or several
 * containers of different pods have it.  Containers of one pod may share
 * a level (CRI-O gives it per pod): then the first one found of that pod
 * is returned, which names the pod right and the container perhaps not. */
struct nsw_container *container_cache_by_selinux(struct container_cache *cc,
						 const char *level);
/* Forget containers whose runtime state is gone. */
void container_cache_sweep(struct container_cache *cc);
void container_cache_free(struct container_cache *cc);
/* Seconds between two existence checks of one entry (default 5; 0 checks
 * on every sweep).  (Added by the container session.) */
void container_cache_set_ttl(struct container_cache *cc, unsigned int ttl);

#endif
