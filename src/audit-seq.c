/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial-gap tracking of audit records (audit-seq.h).  The kernel numbers
 * every record it emits; a serial that never arrives is a record lost in
 * the kernel's backlog, the netlink socket or a reader.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "audit-seq.h"

static bool seq_bit(const struct seq_track *t, uint32_t s)
{
	uint32_t i = s % SEQ_WINDOW;

	return t->seen[i / 64] & (1ull << (i % 64));
}

static void seq_set(struct seq_track *t, uint32_t s, bool on)
{
	uint32_t i = s % SEQ_WINDOW;

	if (on) {
		t->seen[i / 64] |= 1ull << (i % 64);
	} else {
		/* the slot now stands for a new serial */
		t->seen[i / 64] &= ~(1ull << (i % 64));
		t->suspect[i / 64] &= ~(1ull << (i % 64));
		t->counted[i / 64] &= ~(1ull << (i % 64));
	}
}

static unsigned int seq_unseen(const struct seq_track *t)
{
	unsigned int i, set = 0;

	for (i = 0; i < SEQ_WINDOW / 64; i++)
		set += (unsigned int)__builtin_popcountll(t->seen[i]);
	return SEQ_WINDOW - set;
}

/* Start over at serial s: nothing before it is expected. */
static void seq_restart(struct seq_track *t, uint32_t s)
{
	memset(t->seen, 0xff, sizeof(t->seen));
	memset(t->suspect, 0, sizeof(t->suspect));
	memset(t->counted, 0, sizeof(t->counted));
	t->hi = s;
}

/* The tracker of a node (created on first use; *fresh then).  NULL when
 * more nodes than SEQ_NODES appear: those are not tracked. */
static struct seq_track *seq_get(struct audit_seq *q, const char *node,
				 bool *fresh)
{
	size_t i, len;

	*fresh = false;
	if (!node)
		node = "";
	len = strlen(node);
	if (len >= sizeof(q->track[0].node))
		return NULL;
	for (i = 0; i < SEQ_NODES; i++)
		if (q->track[i].used && !strcmp(q->track[i].node, node))
			return &q->track[i];
	for (i = 0; i < SEQ_NODES; i++)
		if (!q->track[i].used) {
			memcpy(q->track[i].node, node, len + 1);
			q->track[i].used = true;
			*fresh = true;
			return &q->track[i];
		}
	return NULL;
}

/*
 * Account serial s.  The kernel's serial is a u32 that skips 0 on wrap.
 * Records may arrive up to SEQ_WINDOW serials out of order; a serial is
 * a gap once it has left the window unseen.  A forward jump of more than
 * SEQ_JUMP_MAX, or a backward jump beyond the window, is a restart
 * (reboot, rotated-in log of another boot, auditd reset): tracking starts
 * over, the serials still missing in the window count, the jump itself
 * adds nothing to seq_gaps and one to seq_resets.
 */
void audit_seq_account(struct audit_seq *q, const char *node, uint32_t s)
{
	bool fresh;
	struct seq_track *t = seq_get(q, node, &fresh);
	uint32_t d, x, pass;

	if (!t)
		return;
	if (fresh) {
		seq_restart(t, s);
		return;
	}
	d = s - t->hi;
	if (d == 0)
		return;				/* duplicate */
	if (d > 0x80000000u) {			/* behind hi */
		if (t->hi - s < SEQ_WINDOW) {
			uint32_t i = s % SEQ_WINDOW;
			uint64_t bit = 1ull << (i % 64);

			/* late, inside the window; a tick may have counted it
			 * lost already (a reader lagging by seconds): refund */
			if (t->counted[i / 64] & bit) {
				t->counted[i / 64] &= ~bit;
				if (q->gaps)
					q->gaps--;
			}
			seq_set(t, s, true);
			return;
		}
		goto restart;
	}
	if (d > SEQ_JUMP_MAX)
		goto restart;
	if (d >= SEQ_WINDOW) {
		/* the whole window leaves, and the serials hi+1 .. s-WINDOW
		 * pass through it unseen (serial 0 does not exist) */
		pass = d - SEQ_WINDOW;
		q->gaps += seq_unseen(t);
		if ((uint32_t)(0u - t->hi - 1u) < pass)
			pass--;
		q->gaps += pass;
		memset(t->seen, 0, sizeof(t->seen));
		memset(t->suspect, 0, sizeof(t->suspect));
		memset(t->counted, 0, sizeof(t->counted));
		if (s < SEQ_WINDOW)
			seq_set(t, 0, true);
	} else {
		for (x = t->hi + 1; x != s + 1; x++) {
			if (!seq_bit(t, x))
				q->gaps++;	/* x - WINDOW left */
			seq_set(t, x, x == 0);
		}
	}
	seq_set(t, s, true);
	t->hi = s;
	return;
restart:
	q->gaps += seq_unseen(t);
	q->resets++;
	seq_restart(t, s);
}

/* Serials missing at this tick and at the previous one are gaps now. */
void audit_seq_tick(struct audit_seq *q)
{
	uint64_t lost;
	size_t i, k;

	for (i = 0; i < SEQ_NODES; i++) {
		struct seq_track *t = &q->track[i];

		if (!t->used)
			continue;
		for (k = 0; k < SEQ_WINDOW / 64; k++) {
			/* missing now and at the last tick: lost */
			lost = ~t->seen[k] & t->suspect[k];
			q->gaps += (uint64_t)__builtin_popcountll(lost);
			t->seen[k] |= lost;
			t->counted[k] |= lost;
			t->suspect[k] = ~t->seen[k];
		}
	}
}

/* End of input: every serial still missing in the window is a gap. */
void audit_seq_flush(struct audit_seq *q)
{
	size_t i;

	for (i = 0; i < SEQ_NODES; i++) {
		if (!q->track[i].used)
			continue;
		q->gaps += seq_unseen(&q->track[i]);
		memset(q->track[i].seen, 0xff, sizeof(q->track[i].seen));
		memset(q->track[i].suspect, 0, sizeof(q->track[i].suspect));
	}
}
