/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SELinux labels as evidence of a container: see selinux-label.h. */
#include "config.h"

#include <string.h>

#include "selinux-label.h"

/* "c<digits>" */
static bool is_category(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || n > 5 || s[0] != 'c')
		return false;
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool nsw_selinux_container_level(const char *label, char *out, size_t n)
{
	const char *level, *cats, *p, *comma;
	size_t len;
	int colons = 0;

	if (!out || !n)
		return false;
	out[0] = '\0';
	if (!label)
		return false;
	/* the level starts after the third ':' */
	for (level = label; *level && colons < 3; level++)
		if (*level == ':')
			colons++;
	if (colons < 3)
		return false;
	len = strlen(level);
	if (len >= n || len >= NSW_SELINUX_LEVEL_MAX)
		return false;
	/* one sensitivity "s<digits>", then ":" and categories */
	if (level[0] != 's' || !(cats = strchr(level, ':')) || cats == level + 1)
		return false;
	for (p = level + 1; p < cats; p++)
		if (*p < '0' || *p > '9')
			return false;
	/* c1,c2,...: each a single category, no ranges ("c0.c1023") */
	for (p = cats + 1;; p = comma + 1) {
		comma = strchr(p, ',');
		if (!is_category(p, comma ? (size_t)(comma - p) : strlen(p)))
			return false;
		if (!comma)
			break;
	}
	memcpy(out, level, len + 1);
	return true;
}
