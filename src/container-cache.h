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
/* The one cached container whose init is in mount namespace `mnt`
 * (referenced, or NULL when none or several are). */
struct nsw_container *container_cache_by_mnt(struct container_cache *cc,
					     uint32_t mnt);
/* The one cached container whose runtime gave its processes the SELinux
 * level `level` ("s0:c1,c2"), referenced, or NULL when none or several
 * containers of different pods have it.  Containers of one pod may share
 * a level (CRI-O gives it per pod): then the first one found of that pod
 * is returned, which names the pod right and the container perhaps not. */
struct nsw_container *container_cache_by_selinux(struct container_cache *cc,
						 const char *level);
/* Read an incomplete container again (no runtime state or no init pid
 * yet: looked up while its runtime was creating it) and fill its empty
 * fields in place.  Rate-limited and bounded per container; cheap for a
 * complete one.  For callers that keep a container between lookups. */
void container_cache_refresh(struct container_cache *cc,
			     struct nsw_container *c);
/* Re-reads of incomplete containers. */
struct container_cache_stats {
	uint64_t refills;		/* re-reads */
	uint64_t refill_found;		/* ... that found state missing before */
	uint64_t refill_given_up;	/* containers still incomplete after
					 * their last re-read */
};
void container_cache_get_stats(const struct container_cache *cc,
			       struct container_cache_stats *st);
/* First wait (ms, doubled after each re-read) and number of re-reads of
 * an incomplete container (defaults 10 ms and 12). */
void container_cache_set_refill(struct container_cache *cc,
				unsigned int first_ms, unsigned int tries);
/* Forget containers whose runtime state is gone. */
void container_cache_sweep(struct container_cache *cc);
void container_cache_free(struct container_cache *cc);
/* Seconds between two existence checks of one entry (default 5; 0 checks
 * on every sweep).  (Added by the container session.) */
void container_cache_set_ttl(struct container_cache *cc, unsigned int ttl);

#endif
