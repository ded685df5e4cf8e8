/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container-cache.h"
#include "proc-cache.h"
#include "procfs.h"

#define PC_BUCKETS 16384

struct proc_cache {
	struct proc_entry *buckets[PC_BUCKETS];
	size_t count;
	size_t max;
	uint64_t seq;
};

/* Seconds are all the sweep needs: the coarse clock (no TSC read) is
 * enough, and every lookup asks. */
static uint64_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec;
}

static size_t bucket_of(uint32_t pid)
{
	return (pid * 2654435761u) % PC_BUCKETS;
}

struct proc_cache *proc_cache_new(size_t max_entries)
{
	struct proc_cache *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->max = max_entries ? max_entries : 65536;
	return pc;
}

void proc_release(struct nsw_process *p)
{
	procfs_process_clear(p);
	if (p->ctr)
		container_put(p->ctr);
	p->ctr = NULL;
}

static char *dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

int proc_copy(struct nsw_process *dst, const struct nsw_process *src)
{
	bool fail = false;

	*dst = *src;
	dst->binary = dup_or_null(src->binary, &fail);
	dst->arguments = dup_or_null(src->arguments, &fail);
	dst->cwd = dup_or_null(src->cwd, &fail);
	if (dst->ctr)
		container_get(dst->ctr);
	if (fail) {
		proc_release(dst);
		return -ENOMEM;
	}
	return 0;
}

struct nsw_process *proc_cache_lookup(struct proc_cache *pc, uint32_t pid)
{
	struct proc_entry *e;

	for (e = pc->buckets[bucket_of(pid)]; e; e = e->next)
		if (e->proc.pid == pid) {
			e->last_seen = mono_s();
			return &e->proc;
		}
	return NULL;
}

static void evict_oldest(struct proc_cache *pc)
{
	struct proc_entry *best = NULL;
	size_t i;

	for (i = 0; i < PC_BUCKETS; i++) {
		struct proc_entry *e;

		for (e = pc->buckets[i]; e; e = e->next)
			if (!best || e->seq < best->seq)
				best = e;
	}
	if (best)
		proc_cache_remove(pc, best->proc.pid);
}

struct nsw_process *proc_cache_insert(struct proc_cache *pc,
				      struct nsw_process *p)
{
	struct proc_entry *e;
	size_t b = bucket_of(p->pid);

	for (e = pc->buckets[b]; e; e = e->next)
		if (e->proc.pid == p->pid)
			break;
	if (e) {
		proc_release(&e->proc);
	} else {
		if (pc->count >= pc->max)
			evict_oldest(pc);
		e = calloc(1, sizeof(*e));
		if (!e) {
			proc_release(p);
			return NULL;
		}
		e->next = pc->buckets[b];
		pc->buckets[b] = e;
		pc->count++;
	}
	e->proc = *p;
	memset(p, 0, sizeof(*p));
	e->seq = ++pc->seq;
	e->last_seen = mono_s();
	return &e->proc;
}

void proc_cache_remove(struct proc_cache *pc, uint32_t pid)
{
	struct proc_entry **pp = &pc->buckets[bucket_of(pid)], *e;

	for (; (e = *pp); pp = &e->next)
		if (e->proc.pid == pid) {
			*pp = e->next;
			proc_release(&e->proc);
			free(e);
			pc->count--;
			return;
		}
}

size_t proc_cache_count(const struct proc_cache *pc)
{
	return pc->count;
}

void proc_cache_foreach(struct proc_cache *pc,
			bool (*fn)(struct nsw_process *p, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < PC_BUCKETS; i++) {
		struct proc_entry **pp = &pc->buckets[i], *e;

		while ((e = *pp)) {
			if (fn(&e->proc, arg)) {
				*pp = e->next;
				proc_release(&e->proc);
				free(e);
				pc->count--;
			} else {
				pp = &e->next;
			}
		}
	}
}

void proc_cache_free(struct proc_cache *pc)
{
	size_t i;

	if (!pc)
		return;
	for (i = 0; i < PC_BUCKETS; i++) {
		struct proc_entry *e = pc->buckets[i], *n;

		for (; e; e = n) {
			n = e->next;
			proc_release(&e->proc);
			free(e);
		}
	}
	free(pc);
}
