/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SELinux labels as evidence of a container (doc/container-mapping.md,
 * "SELinux categories").  Pure: no I/O, no logging.
 */
#ifndef NSWATCH_SELINUX_LABEL_H
#define NSWATCH_SELINUX_LABEL_H

#include <stdbool.h>
#include <stddef.h>

/* Room for an MCS level such as "s0:c123,c456" (a NUL included). */
#define NSW_SELINUX_LEVEL_MAX 64

/*
 * The level of a label "user:role:type:level" ("system_u:system_r:
 * container_t:s0:c123,c456" gives "s0:c123,c456") into out, when that
 * level is a single sensitivity with categories, as container runtimes
 * give each container (or each pod).  False (out empty) for a label
 * without categories ("s0": every spc_t and unconfined process shares
 * it), for a range ("s0-s0:c0.c1023": the host's unconfined processes),
 * for a malformed or overlong label: such a level names no container.
 */
bool nsw_selinux_container_level(const char *label, char *out, size_t n);

#endif
