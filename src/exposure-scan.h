/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exposure of running containers (exposure.h) from the files that
 * hold its evidence: /proc/<init>/{status,ns,mountinfo,attr}, the host
 * reference's mountinfo and the runtime's config.json.  One report per
 * container, read once and kept for the life of the scan (`nswatch ps`).
 */
#ifndef NSWATCH_EXPOSURE_SCAN_H
#define NSWATCH_EXPOSURE_SCAN_H

#include <stdint.h>

#include "event.h"
#include "exposure.h"
#include "nsinfo.h"

struct exposure_scan;

/* procfs: the host's (/proc, /host/proc); rootdir: prefix of the
 * runtime state ("" for /); host: the host's namespaces and reference
 * pid, NULL when unknown (then no namespace or host-mount evidence).
 * The strings and host must outlive the scan.  NULL with errno set. */
struct exposure_scan *exposure_scan_new(const char *procfs,
					const char *rootdir,
					const struct host_ns *host);
/* The report of container c, read on the first call for c: from its
 * init (c->init_pid) or, when that is unknown or gone, from `pid`, one
 * of its processes.  Owned by the scan; NULL with errno set (ENOMEM). */
const struct exposure_report *exposure_scan_container(struct exposure_scan *s,
						      const struct nsw_container *c,
						      uint32_t pid);
void exposure_scan_free(struct exposure_scan *s);

#endif
