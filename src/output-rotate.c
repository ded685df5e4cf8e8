/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output-rotate.h"

/* through the first line end, or all of it when the line goes on */
static size_t first_line(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	return nl ? (size_t)(nl - buf) + 1 : len;
}

size_t rotate_room(uint64_t size, uint64_t max, bool mid_line,
		   const char *buf, size_t len)
{
	const char *nl;

	if (!len)
		return 0;
	/* never cut a line between two files */
	if (mid_line)
		return first_line(buf, len);
	if (size < max) {
		if (max - size >= (uint64_t)len)
			return len;
		nl = memrchr(buf, '\n', (size_t)(max - size));
		if (nl)
			return (size_t)(nl - buf) + 1;
	}
	/* a line larger than `max' on its own: nothing else could take
	 * it, so it fills a new file alone */
	if (!size)
		return first_line(buf, len);
	return 0;
}

int rotate_shift(const char *path, unsigned int keep)
{
	size_t n = strlen(path) + 16;
	char *from = malloc(n), *to = malloc(n);
	unsigned int i;
	int r = 0;

	if (!from || !to) {
		r = -ENOMEM;
		goto out;
	}
	if (!keep) {
		if (unlink(path) < 0 && errno != ENOENT)
			r = -errno;
		goto out;
	}
	for (i = keep - 1; i >= 1; i--) {
		snprintf(from, n, "%s.%u", path, i);
		snprintf(to, n, "%s.%u", path, i + 1);
		/* rename(2) replaces a link planted at `to', never follows it;
		 * a gap in the sequence just moves nothing */
		rename(from, to);
	}
	snprintf(to, n, "%s.1", path);
	if (rename(path, to) < 0 && errno != ENOENT)
		r = -errno;
out:
	free(from);
	free(to);
	return r;
}

int rotate_parse_size(const char *arg, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg)
		return -EINVAL;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end || v > (UINT64_MAX >> shift) || (v << shift) < 4096)
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}
