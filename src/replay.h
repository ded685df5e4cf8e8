/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offline audit logs -> raw events.  Reads text in any chunking, splits
 * lines (bounded), accepts raw audit.log, ENRICHED (0x1D suffix) and
 * `ausearch -i` output with or without node= prefixes, feeds libauparse
 * (AUSOURCE_FEED) and maps every complete event with audit-map.
 * Pure: never logs; malformed lines are reported through a callback.
 */
#ifndef NSWATCH_REPLAY_H
#define NSWATCH_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit-map.h"
#include "strbuf.h"

/* Longest line accepted, without its newline.  Kernel records are below
 * 9 KiB; longer lines are skipped and counted as malformed. */
#define REPLAY_MAX_LINE (64u * 1024u)

struct replay_stats {
	uint64_t lines;		/* lines read, all sources */
	uint64_t records;	/* records handed to libauparse */
	uint64_t malformed;	/* lines skipped: not an audit record */
	uint64_t too_long;	/* of those: longer than REPLAY_MAX_LINE */
	uint64_t interpreted;	/* records converted from `ausearch -i` */
	uint64_t emit_errors;	/* raw events the consumer failed on */
};

/* A skipped line: source name, 1-based line number, reason. */
typedef void (*replay_diag_fn)(const char *source, uint64_t line,
			       const char *why, void *arg);

struct replay;

/* emit gets every raw event; diag (may be NULL) every skipped line.
 * default_arch as for audit_map_new.  NULL with errno set on failure. */
struct replay *replay_new(uint32_t default_arch, audit_emit_fn emit,
			  void *emit_arg, replay_diag_fn diag, void *diag_arg);
/* Start a new input (file name for diagnostics; line numbers restart).
 * Events may span sources (rotated logs), so libauparse is not reset. */
void replay_begin(struct replay *r, const char *source);
/* Feed bytes of the current source, split anywhere. */
void replay_feed(struct replay *r, const char *buf, size_t len);
/* End of the current source: a last line without newline is used. */
void replay_end(struct replay *r);
/* End of all input: completes pending events, counts missing serials. */
void replay_finish(struct replay *r);
/* replay_begin + read fd to EOF + replay_end.  0 or -errno (read). */
int replay_fd(struct replay *r, int fd, const char *source);
const struct replay_stats *replay_stats(const struct replay *r);
const struct audit_map_stats *replay_map_stats(const struct replay *r);
void replay_free(struct replay *r);

enum replay_line {
	REPLAY_LINE_RECORD,	/* out holds a raw-form record (no newline) */
	REPLAY_LINE_SKIP,	/* blank line, "<no matches>" */
	REPLAY_LINE_SEPARATOR,	/* `ausearch` "----" between events */
	REPLAY_LINE_BAD,	/* not an audit record; *why says why */
};

/*
 * Rewrite one line (without newline) into the raw form libauparse reads:
 * strips a syslog-style prefix before node=/type=, and converts
 * `ausearch -i` records (local-time "msg=audit(MM/DD/YY[YY] HH:MM:SS.mmm:N)
 * :" stamps, resolved with the current TZ; plain-text EXECVE arguments and
 * PROCTITLE, hex-encoded so that spaces survive).  *interpreted tells
 * whether the line was in `ausearch -i` form.
 */
enum replay_line replay_normalize_line(const char *in, size_t len,
				       struct strbuf *out, bool *interpreted,
				       const char **why);

#endif
