/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Size rotation of the event file (--output-max-size, --output-keep) for
 * hosts without logrotate: FILE -> FILE.1 -> ... -> FILE.KEEP, between
 * whole lines only. */
#ifndef NSWATCH_OUTPUT_ROTATE_H
#define NSWATCH_OUTPUT_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROTATE_KEEP_DEFAULT	5
#define ROTATE_KEEP_MAX		999

/* How many bytes of buf[0, len) go now into a file of `size' bytes that
 * must not grow past `max': the most whole lines that fit.  0 means
 * rotate first (then call again with size 0).  `mid_line': the file ends
 * in an unfinished line, which is finished first wherever the file
 * stands.  A first line larger than `max' goes into an empty file on its
 * own; a buffer that ends in a cut line may take the file past `max' by
 * the rest of that line.  Pure. */
size_t rotate_room(uint64_t size, uint64_t max, bool mid_line,
		   const char *buf, size_t len);
/* Shift the old files: PATH.(KEEP-1) -> PATH.KEEP (the oldest is
 * replaced), ..., PATH -> PATH.1; with keep 0, PATH is removed.  A
 * missing old file is skipped.  Returns 0, or -errno when PATH itself
 * could not be moved away. */
int rotate_shift(const char *path, unsigned int keep);
/* Parse SIZE with an optional k, M or G suffix (powers of 1024) into
 * *bytes; at least 4 KiB.  Returns 0 or -EINVAL. */
int rotate_parse_size(const char *arg, uint64_t *bytes);

#endif
