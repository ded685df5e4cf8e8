/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial numbers of audit records, per node (node= prefix): the records
 * the kernel or a reader lost, and restarts of the numbering (reboot,
 * another boot's log, auditd reset).  doc/audit-mapping.md, "Serial
 * tracking".  Pure: no I/O, no logging; audit-map.c feeds it.
 */
#ifndef NSWATCH_AUDIT_SEQ_H
#define NSWATCH_AUDIT_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* Serial tracking: how far out of order records may arrive, how big a
 * forward jump still counts as loss rather than a restart, how many nodes
 * (node= prefixes) are tracked separately. */
#define SEQ_WINDOW	1024u
#define SEQ_JUMP_MAX	100000u
#define SEQ_NODES	16

struct seq_track {
	bool used;
	char node[64];
	uint32_t hi;		/* highest serial seen */
	uint64_t seen[SEQ_WINDOW / 64]; /* bit (serial % WINDOW) */
	uint64_t suspect[SEQ_WINDOW / 64]; /* missing at the last tick */
	uint64_t counted[SEQ_WINDOW / 64]; /* counted lost by a tick, still in
					    * the window: refunded if it comes */
};

/* Zeroed memory is an empty tracker. */
struct audit_seq {
	struct seq_track track[SEQ_NODES];
	uint64_t gaps;		/* serials never seen */
	uint64_t resets;	/* restarts of the numbering */
};

/* Account serial s of a record from `node` (NULL or "" for the local
 * host); records of more than SEQ_NODES nodes are not tracked. */
void audit_seq_account(struct audit_seq *q, const char *node, uint32_t s);
/* For live readers, every 5-10 s: serials that were already missing at
 * the previous tick are counted as gaps (a late one is refunded). */
void audit_seq_tick(struct audit_seq *q);
/* End of input: serials still missing from the window are gaps. */
void audit_seq_flush(struct audit_seq *q);

#endif
