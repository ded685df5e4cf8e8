/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A set of namespace inode numbers (sorted array).  Pure: no I/O, no
 * logging.  The pipeline keeps the namespaces of host processes in one.
 */
#ifndef NSWATCH_INUM_SET_H
#define NSWATCH_INUM_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inum_set {
	uint32_t *v;		/* ascending, no duplicates */
	size_t n;
	size_t cap;
};

/* Add inum (0 is never a namespace and is ignored).  1 added, 0 already
 * there, -ENOMEM. */
int inum_set_add(struct inum_set *s, uint32_t inum);
/* Remove inum.  true when it was there. */
bool inum_set_del(struct inum_set *s, uint32_t inum);
bool inum_set_has(const struct inum_set *s, uint32_t inum);
/* Release the storage; the set is empty and usable afterwards. */
void inum_set_clear(struct inum_set *s);

#endif
