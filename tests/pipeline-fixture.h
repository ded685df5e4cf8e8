/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-only pieces the pipeline tests share: a fake procfs under a
 * directory of the test's (files, namespace links), raw events made the
 * way the backends make them, and the output file read back.
 * Header-only (static inline): each test uses what it needs.
 */
#ifndef NSWATCH_TEST_PIPELINE_FIXTURE_H
#define NSWATCH_TEST_PIPELINE_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"
#include "raw-event.h"
#include "util.h"

/* <procfs>/<rel> with `text' as its content (a missing directory: the
 * check that reads it fails, which says more than an abort here) */
static inline void pf_put(const char *procfs, const char *rel,
			  const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", procfs, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* <procfs>/<pid>/ns/<name> -> "<name>:[<base + slot>]" for every slot */
static inline void pf_ns_links(const char *procfs, unsigned int pid,
			       uint32_t base)
{
	char path[256], target[64];
	int i;

	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%u/ns", procfs, pid);
	mkdir(path, 0755);
	for (i = 0; i < NSW_NS_COUNT; i++) {
		const char *name = nsw_ns_name((enum nsw_ns)i);

		snprintf(path, sizeof(path), "%s/%u/ns/%s", procfs, pid, name);
		snprintf(target, sizeof(target), "%s:[%u]", name,
			 base + (uint32_t)i);
		if (symlink(target, path) < 0)
			perror("symlink");
	}
}

/* A raw event of type t as both backends start it: credentials known,
 * auid unset, times from *clock_ns, which moves on by 1 us. */
static inline void pf_raw_init(struct nsw_raw *r, enum nsw_raw_type t,
			       uint32_t pid, uint32_t ppid, uint64_t *clock_ns)
{
	memset(r, 0, sizeof(*r));
	r->type = t;
	r->pid = r->tid = pid;
	r->ppid = ppid;
	r->ktime_ns = *clock_ns;
	r->wall_ns = 1700000000000000000ull + *clock_ns;
	*clock_ns += 1000;
	r->creds_known = true;
	r->auid = NSW_AUID_UNSET;
}

/* The whole file at path, NUL-terminated and malloc'd; NULL on error. */
static inline char *pf_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = n < 0 ? NULL : calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

#endif /* NSWATCH_TEST_PIPELINE_FIXTURE_H */
