/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The JSON encoder for doc/schema.md (Tetragon export format). */
#ifndef NSWATCH_ENCODE_JSON_H
#define NSWATCH_ENCODE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "stats.h"
#include "strbuf.h"

/*
 * Pieces the encoder reuses from one event to the next: capability
 * lists and namespace objects by value, the date and time of day of the
 * last second written.  Owned by the caller and optional (encode_ctx.memo
 * NULL: everything is encoded each time); the output is the same either
 * way.  Not thread safe: one memo per encoding thread.
 */
struct encode_memo;

struct encode_memo *encode_memo_new(void);
void encode_memo_free(struct encode_memo *m);
/* Bytes the memo's process slots hold, and processes it did not keep
 * because that was at its cap (4 MiB). */
void encode_memo_usage(const struct encode_memo *m, size_t *bytes,
		       uint64_t *full);

struct encode_ctx {
	const char *node_name;
	const char *cluster_name;	/* "default" when unset */
	/* Namespaces of the host (PID 1, or PID 2 where PID 1's links are
	 * unreadable); NULL = unknown: `is_host` is then never written. */
	const struct nsw_ns_set *host_ns;
	/* Prefix of kprobe function names ("__x64_sys_", "__arm64_sys_");
	 * NULL = the build architecture's (encode_syscall_prefix()). */
	const char *syscall_prefix;
	/* Also write `cap` for parent and ancestors (default: only for the
	 * acting process). */
	bool ancestor_caps;
	struct encode_memo *memo;	/* optional, see above */
};

/* Append one event as a single JSON line (with trailing '\n').  A line
 * that would exceed STRBUF_MAX is written again with the processes'
 * cwd, binary and arguments cut (parent and ancestors first, then the
 * acting process, without ancestors; cut arguments flagged truncArgs).
 * Returns 0 or -errno (-E2BIG only when even that does not fit). */
int encode_json_event(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_event *ev);
/* Append a `nswatch_stats` line. */
int encode_json_stats(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_stats *st, uint64_t time_ns);
/* exec_id: base64("<node>:<ktime>:<pid>") into buf; 0 or -ENOSPC. */
int encode_exec_id(char *buf, size_t len, const char *node,
		   uint64_t ktime, uint32_t pid);
/* RFC 3339 UTC with 0, 3, 6 or 9 fractional digits, as protojson writes
 * a Timestamp (the shortest of those that is exact); 0 or -ENOSPC. */
int encode_time(char *buf, size_t len, uint64_t wall_ns);
/* Tetragon's capability name for bit n (CAP_CHOWN, DAC_OVERRIDE, ...);
 * NULL for bits beyond CAP_CHECKPOINT_RESTORE (40). */
const char *encode_cap_name(unsigned int bit);
/* Kprobe symbol prefix of the build architecture ("__x64_sys_"). */
const char *encode_syscall_prefix(void);
/* MITRE ATT&CK technique ids for a rule, NULL terminated (static). */
const char *const *encode_rule_mitre(enum nsw_rule r);

/* The CLONE_NEW* flags in ns_types order, as doc/schema.md lists them
 * (nsenter's -m -u -i -U -p -n -C -T), not bit order; the compact line
 * names them in the same order. */
#define ENCODE_NS_TYPES 8
struct encode_ns_type {
	uint32_t flag;
	const char *name;
};
extern const struct encode_ns_type encode_ns_types[ENCODE_NS_TYPES];

#endif
