/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Process cache: pid -> struct nsw_process, kept by exec/fork/exit. */
#ifndef NSWATCH_PROC_CACHE_H
#define NSWATCH_PROC_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct proc_cache;

struct proc_entry {
	struct nsw_process proc;
	uint64_t last_seen;	/* monotonic s, for sweeping */
	uint64_t seq;		/* insertion order, for eviction */
	struct proc_entry *next;
};

/* max_entries: bound; the oldest entries are evicted past it. */
struct proc_cache *proc_cache_new(size_t max_entries);
struct nsw_process *proc_cache_lookup(struct proc_cache *pc, uint32_t pid);
/* Insert `p` (moved in: the cache owns its strings and container ref),
 * replacing any entry for the same pid.  Returns the cached copy or
 * NULL (ENOMEM, p cleared). */
struct nsw_process *proc_cache_insert(struct proc_cache *pc,
				      struct nsw_process *p);
void proc_cache_remove(struct proc_cache *pc, uint32_t pid);
size_t proc_cache_count(const struct proc_cache *pc);
/* Call fn for every entry, in no particular order.  fn returns true to
 * remove the entry. */
void proc_cache_foreach(struct proc_cache *pc,
			bool (*fn)(struct nsw_process *p, void *arg), void *arg);
void proc_cache_free(struct proc_cache *pc);

/* Free a process's strings and drop its container reference. */
void proc_release(struct nsw_process *p);
/* Deep copy (strings duplicated, container referenced).  0 or -ENOMEM. */
int proc_copy(struct nsw_process *dst, const struct nsw_process *src);

#endif
