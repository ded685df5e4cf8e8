/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inum-set.h"

/* Index of the first element >= inum. */
static size_t lower_bound(const struct inum_set *s, uint32_t inum)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid] < inum)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int inum_set_add(struct inum_set *s, uint32_t inum)
{
	size_t i;

	if (!inum)
		return 0;
	i = lower_bound(s, inum);
	if (i < s->n && s->v[i] == inum)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint32_t *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = inum;
	s->n++;
	return 1;
}

bool inum_set_del(struct inum_set *s, uint32_t inum)
{
	size_t i = lower_bound(s, inum);

	if (i >= s->n || s->v[i] != inum)
		return false;
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
	return true;
}

bool inum_set_has(const struct inum_set *s, uint32_t inum)
{
	size_t i;

	if (!inum || !s->n)
		return false;
	i = lower_bound(s, inum);
	return i < s->n && s->v[i] == inum;
}

void inum_set_clear(struct inum_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
