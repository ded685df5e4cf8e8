/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keep only the capabilities a running monitor needs.  Raw capget/capset
 * (no libcap dependency, so RHEL 7 builds need nothing extra).  The uid
 * stays 0: root-owned files (outputs, /run state) remain writable through
 * ownership, while everything else needs a kept capability.
 */
#ifndef NSWATCH_PRIVDROP_H
#define NSWATCH_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>

/* Reduce the permitted and effective sets to keep[] (intersected with
 * what we have), empty the inheritable and ambient sets, and drop every
 * other capability from the bounding set (when CAP_SETPCAP allows).
 * Unknown capability numbers (CAP_AUDIT_READ before 3.16) are ignored.
 * Then sets no_new_privs: nswatch never executes anything, and nothing
 * it could be tricked into executing may gain privileges (setuid,
 * file capabilities).  *kept receives the resulting mask when not NULL.
 * 0 or -errno. */
int privdrop_keep(const int *keep, size_t n, uint64_t *kept);

#endif
