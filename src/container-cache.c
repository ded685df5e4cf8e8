/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Containers by id, shared by the processes that run in them.
 *
 * A struct nsw_container is heap allocated and reference counted: the
 * cache holds one reference per entry, container_cache_get() hands out
 * one more, container_put() of the last reference frees it.  Entries are
 * dropped by container_cache_sweep() once the runtime state file they
 * were read from is gone (checked at most every `ttl` seconds per entry);
 * entries that found no state at all are dropped at their next check and
 * looked up again on the next get, so a container whose state appears
 * late is picked up.
 *
 * Not thread safe; the pipeline calls it from one thread.  The reference
 * count itself is atomic so a container may be put from another thread.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "container-cache.h"
#include "container-meta.h"
#include "strbuf.h"
#include "util.h"

#define CC_BUCKETS 256
#define CC_MAX_ENTRIES 8192
#define CC_DEFAULT_TTL 5
/* An entry without runtime state or init pid is read again, in place:
 * first CC_REFILL_MS after the last read, each wait twice the one before,
 * at most CC_REFILL_TRIES times (about 40 s); then, while it has no
 * state, once per ttl until the sweep drops it. */
#define CC_REFILL_MS 10
#define CC_REFILL_TRIES 12

struct cc_entry {
	struct cc_entry *next;
	struct nsw_container *c;
	char src[PATH_MAX];	/* state file; "" when none was found */
	uint64_t checked;	/* monotonic seconds of the last check */
	uint64_t refreshed_ms;	/* monotonic ms of the last read */
	unsigned int refills;	/* reads since the first */
};

struct container_cache {
	char rootdir[PATH_MAX];
	struct cc_entry *bucket[CC_BUCKETS];
	size_t n;
	unsigned int ttl;
	unsigned int refill_ms, refill_tries;
	struct container_cache_stats stats;
};

static unsigned int hash_id(const char *id)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % CC_BUCKETS;
}

/* Reference `c` (NULL allowed). */
void container_get(struct nsw_container *c)
{
	if (c)
		__atomic_add_fetch(&c->refcnt, 1, __ATOMIC_RELAXED);
}

/* Drop a reference; the last one releases labels and frees `c`, which
 * must have been allocated with malloc (the cache does). */
void container_put(struct nsw_container *c)
{
	if (!c)
		return;
	if (__atomic_sub_fetch(&c->refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
		container_meta_clear(c);
		free(c);
	}
}

/* New cache reading runtime state under `rootdir` (NULL or "" for /).
 * NULL with errno set on failure. */
struct container_cache *container_cache_new(const char *rootdir)
{
	struct container_cache *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return NULL;
	if (!nsw_strlcpy(cc->rootdir, rootdir ? rootdir : "",
			 sizeof(cc->rootdir))) {
		free(cc);
		errno = ENAMETOOLONG;
		return NULL;
	}
	cc->ttl = CC_DEFAULT_TTL;
	cc->refill_ms = CC_REFILL_MS;
	cc->refill_tries = CC_REFILL_TRIES;
	return cc;
}

/* Seconds between two checks of one entry's state file. */
void container_cache_set_ttl(struct container_cache *cc, unsigned int ttl)
{
	if (cc)
		cc->ttl = ttl;
}

/* First wait and number of re-reads of an incomplete entry. */
void container_cache_set_refill(struct container_cache *cc,
				unsigned int first_ms, unsigned int tries)
{
	if (cc) {
		cc->refill_ms = first_ms;
		cc->refill_tries = tries;
	}
}

/* Counters since the cache was made (copied into *st). */
void container_cache_get_stats(const struct container_cache *cc,
			       struct container_cache_stats *st)
{
	if (cc && st)
		*st = cc->stats;
}

/* A fresh container for `cg`, read from the runtime state (refcnt 1). */
static struct nsw_container *load(struct container_cache *cc,
				  const struct cgroup_attr *cg,
				  char *src, size_t srclen)
{
	struct nsw_container *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->refcnt = 1;
	/* -ENOENT still leaves the id and runtime of the cgroup */
	container_meta_lookup_src(cc->rootdir, cg, c, src, srclen);
	return c;
}

#define FILL_STR(f) do { \
	if (!dst->f[0] && src->f[0]) \
		memcpy(dst->f, src->f, sizeof(dst->f)); \
} while (0)

/* Fill the fields of `dst` still empty from `src` (the same container
 * read again), in place: the processes that share `dst` see them.  The
 * id stays; the runtime of a container that had no state is a guess from
 * the cgroup, the state's replaces it (R14). */
static void fill_missing(struct nsw_container *dst,
			 const struct nsw_container *src, bool had_state)
{
	if (!had_state && src->runtime[0])
		memcpy(dst->runtime, src->runtime, sizeof(dst->runtime));
	if (!dst->start_time_ns)
		dst->start_time_ns = src->start_time_ns;
	FILL_STR(name);
	FILL_STR(image);
	FILL_STR(image_id);
	FILL_STR(pod_name);
	FILL_STR(pod_namespace);
	FILL_STR(pod_uid);
	FILL_STR(workload);
	FILL_STR(workload_kind);
	FILL_STR(selinux_level);
	if (src->privileged)
		dst->privileged = true;
	/* last: a reader that sees the pid sees the rest */
	if (!dst->init_pid)
		__atomic_store_n(&dst->init_pid, src->init_pid,
				 __ATOMIC_RELEASE);
}

static bool incomplete(const struct cc_entry *e)
{
	return !e->src[0] || !e->c->init_pid;
}

/* May the incomplete entry `e` be read again now?  Each wait doubles,
 * and the number of reads is bounded: a cgroup named like a container
 * that never gets runtime state (a process can name a sub-cgroup of its
 * own so) costs a few reads, not one per event. */
static bool refill_due(struct container_cache *cc, struct cc_entry *e)
{
	unsigned int shift;

	if (!incomplete(e))
		return false;
	if (!e->src[0] &&
	    nsw_clock_s(CLOCK_MONOTONIC) - e->checked >= cc->ttl) {
		/* no state yet, the re-reads spent: once per ttl, as the
		 * sweep would drop it and a lookup make it again */
		e->checked = nsw_clock_s(CLOCK_MONOTONIC);
		return true;
	}
	if (e->refills >= cc->refill_tries)
		return false;
	shift = e->refills < 16 ? e->refills : 16;
	return nsw_clock_ms(CLOCK_MONOTONIC) - e->refreshed_ms >=
	       (uint64_t)cc->refill_ms << shift;
}

/*
 * A container first looked up while its runtime was still creating it
 * (its cgroup holds runc's init before runc writes state.json; the
 * runtime writes the init's pid file after the state file) lacks its pod,
 * names, image and init pid.  Read its state again and fill what was
 * missing, in place: the processes (and the eBPF cgroup-id cache) share
 * this container, so the next event of any of them carries it.
 */
static void refill(struct container_cache *cc, const struct cgroup_attr *cg,
		   struct cc_entry *e)
{
	char src[PATH_MAX];
	struct nsw_container *c = load(cc, cg, src, sizeof(src));

	e->refreshed_ms = nsw_clock_ms(CLOCK_MONOTONIC);
	if (e->refills < UINT_MAX)
		e->refills++;
	cc->stats.refills++;
	if (c && src[0]) {
		fill_missing(e->c, c, e->src[0] != '\0');
		if (!e->c->labels && c->labels) {
			/* moved, not copied: c is freed below */
			e->c->labels = c->labels;
			e->c->n_labels = c->n_labels;
			c->labels = NULL;
			c->n_labels = 0;
		}
		if (!e->src[0]) {
			nsw_strlcpy(e->src, src, sizeof(e->src));
			cc->stats.refill_found++;
		}
	}
	if (e->refills == cc->refill_tries && incomplete(e))
		cc->stats.refill_given_up++;
	container_put(c);
}

static struct cc_entry *find(struct container_cache *cc, const char *id)
{
	struct cc_entry *e;

	for (e = cc->bucket[hash_id(id)]; e; e = e->next)
		if (strcmp(e->c->id, id) == 0)
			return e;
	return NULL;
}

/*
 * Complete `c`, a container handed out by this cache, when it still lacks
 * runtime state or its init pid: read again (rate-limited, bounded, see
 * refill_due) and fill in place.  A container whose entry was dropped
 * and made again since (the sweep drops entries without state) takes the
 * new entry's fields.  For the callers that keep a container and do not
 * look it up again (processes, the cgroup-id cache).
 */
void container_cache_refresh(struct container_cache *cc,
			     struct nsw_container *c)
{
	struct cgroup_attr cg;
	struct cc_entry *e;

	if (!cc || !c || !c->id[0] || c->init_pid)
		return;
	e = find(cc, c->id);
	if (!e)
		return;
	if (refill_due(cc, e)) {
		memset(&cg, 0, sizeof(cg));
		cg.kind = CGROUP_CONTAINER;
		nsw_strlcpy(cg.id, e->c->id, sizeof(cg.id));
		nsw_strlcpy(cg.runtime, e->c->runtime, sizeof(cg.runtime));
		refill(cc, &cg, e);
	}
	if (e->c != c && e->src[0])
		fill_missing(c, e->c, false);
}

/*
 * The container `cg` belongs to, referenced for the caller (release with
 * container_put), or NULL for host cgroups, helpers on the host, and
 * allocation failures.  A helper running inside a container (conmon in a
 * kind node) gets that container.
 */
struct nsw_container *container_cache_get(struct container_cache *cc,
					  const struct cgroup_attr *cg)
{
	struct cc_entry *e;
	unsigned int h;

	if (!cc || !cg || cg->kind == CGROUP_HOST || !cg->id[0])
		return NULL;
	h = hash_id(cg->id);
	e = find(cc, cg->id);
	if (e && refill_due(cc, e))
		refill(cc, cg, e);
	if (e) {
		container_get(e->c);
		return e->c;
	}

	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->c = load(cc, cg, e->src, sizeof(e->src));
	if (!e->c) {
		free(e);
		return NULL;
	}
	if (cc->n >= CC_MAX_ENTRIES) {
		/* full: hand out an uncached container */
		struct nsw_container *c = e->c;

		free(e);
		return c;
	}
	e->checked = nsw_clock_s(CLOCK_MONOTONIC);
	e->refreshed_ms = nsw_clock_ms(CLOCK_MONOTONIC);
	e->next = cc->bucket[h];
	cc->bucket[h] = e;
	cc->n++;
	container_get(e->c);
	return e->c;
}

/*
 * Like container_cache_get(), but only a container whose runtime state was
 * found on disk: for an id that is only a guess (the leaf of a cgroup
 * whose member is gone), which must not make a container of any name.
 */
struct nsw_container *container_cache_get_stateful(struct container_cache *cc,
						   const struct cgroup_attr *cg)
{
	struct nsw_container *c = container_cache_get(cc, cg);
	struct cc_entry *e;

	if (!c)
		return NULL;
	for (e = cc->bucket[hash_id(cg->id)]; e; e = e->next)
		if (e->c == c && e->src[0])
			return c;
	container_put(c);
	return NULL;
}

/*
 * The one cached container whose root file system is on device
 * major:minor (see struct nsw_container), referenced for the caller, or
 * NULL when none is or when several are (a rootfs copied onto a shared
 * file system names no container).  Costs a walk of the cache: for
 * processes gone before they could be read.
 */
struct nsw_container *container_cache_by_root_dev(struct container_cache *cc,
						  uint32_t major,
						  uint32_t minor)
{
	struct nsw_container *found = NULL;
	struct cc_entry *e;
	size_t b;

	if (!cc)
		return NULL;
	for (b = 0; b < CC_BUCKETS; b++) {
		for (e = cc->bucket[b]; e; e = e->next) {
			if (!e->c->root_dev_known ||
			    e->c->root_dev_major != major ||
			    e->c->root_dev_minor != minor)
				continue;
			if (found)
				return NULL;
			found = e->c;
		}
	}
	container_get(found);
	return found;
}

/*
 * The one cached container whose init's mount namespace is `mnt` (its
 * namespaces read, see struct nsw_container), referenced for the caller,
 * or NULL when none or several are.  Costs a walk of the cache: for a
 * cgroup claim that the process's namespaces contradict.
 */
struct nsw_container *container_cache_by_mnt(struct container_cache *cc,
					     uint32_t mnt)
{
	struct nsw_container *found = NULL;
	struct cc_entry *e;
	size_t b;

	if (!cc || !mnt)
		return NULL;
	for (b = 0; b < CC_BUCKETS; b++) {
		for (e = cc->bucket[b]; e; e = e->next) {
			if (!e->c->has_ns ||
			    e->c->init_ns.inum[NSW_NS_MNT] != mnt)
				continue;
			if (found)
				return NULL;
			found = e->c;
		}
	}
	container_get(found);
	return found;
}

struct nsw_container *container_cache_by_selinux(struct container_cache *cc,
						 const char *level)
{
	struct nsw_container *found = NULL;
	struct cc_entry *e;
	size_t b;

	if (!cc || !level || !level[0])
		return NULL;
	for (b = 0; b < CC_BUCKETS; b++) {
		for (e = cc->bucket[b]; e; e = e->next) {
			if (strcmp(e->c->selinux_level, level))
				continue;
			/* a second one: the same pod (a shared level), or
			 * evidence that names nothing */
			if (found && (!found->pod_uid[0] ||
				      strcmp(found->pod_uid, e->c->pod_uid)))
				return NULL;
			if (!found)
				found = e->c;
		}
	}
	container_get(found);
	return found;
}

static bool entry_gone(const struct cc_entry *e)
{
	struct stat st;

	if (!e->src[0])
		return true;
	return lstat(e->src, &st) < 0 && errno == ENOENT;
}

/* Drop the entries whose runtime state file disappeared (or that never
 * had one); each entry is checked at most every ttl seconds. */
void container_cache_sweep(struct container_cache *cc)
{
	uint64_t now = nsw_clock_s(CLOCK_MONOTONIC);
	size_t b;

	if (!cc)
		return;
	for (b = 0; b < CC_BUCKETS; b++) {
		struct cc_entry **pp = &cc->bucket[b];

		while (*pp) {
			struct cc_entry *e = *pp;

			if (now - e->checked < cc->ttl) {
				pp = &e->next;
				continue;
			}
			e->checked = now;
			if (!entry_gone(e)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			container_put(e->c);
			free(e);
			cc->n--;
		}
	}
}

/* Release the cache's references; containers still held elsewhere stay
 * valid until their last container_put. */
void container_cache_free(struct container_cache *cc)
{
	size_t b;

	if (!cc)
		return;
	for (b = 0; b < CC_BUCKETS; b++) {
		struct cc_entry *e = cc->bucket[b];

		while (e) {
			struct cc_entry *next = e->next;

			container_put(e->c);
			free(e);
			e = next;
		}
	}
	free(cc);
}
