/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maps complete audit events (as assembled by libauparse) to raw events.
 * Pure: no I/O, no logging.  Used by the live audit backend and replay.
 * Only libauparse API present in audit 2.8.5 is used.
 */
#ifndef NSWATCH_AUDIT_MAP_H
#define NSWATCH_AUDIT_MAP_H

#include <auparse.h>
#include <stdbool.h>
#include <stdint.h>

#include "raw-event.h"

struct audit_map;

/* Called for each raw event; the raw event and the bytes it points to are
 * valid only during the call.  Return 0 or -errno. */
typedef int (*audit_emit_fn)(const struct nsw_raw *raw, void *arg);

struct audit_map_stats {
	uint64_t events;	/* audit events seen */
	uint64_t mapped;	/* raw events emitted */
	uint64_t ignored;	/* events not about our syscalls */
	uint64_t malformed;	/* events missing required fields */
	uint64_t seq_gaps;	/* serial numbers never seen */
	uint64_t seq_resets;	/* serial restarts (reboot, other log) */
};

/* New mapper.  default_arch: AUDIT_ARCH_* used when a record carries
 * none (0: the build host's). Returns NULL with errno set. */
struct audit_map *audit_map_new(uint32_t default_arch);
/* Map the event auparse is positioned on (from an AUPARSE_CB_EVENT_READY
 * callback or auparse_next_event).  Returns the number of raw events
 * emitted (0 if not ours) or -EINVAL when malformed.  A lone EOE (see
 * audit_map_lone_eoe) returns 0 and is not counted. */
int audit_map_event(struct audit_map *m, auparse_state_t *au,
		    audit_emit_fn emit, void *arg);
const struct audit_map_stats *audit_map_stats(const struct audit_map *m);
/* End of input: serials still missing from the reordering window (the
 * last 1024 serials of each node) are counted as gaps now. */
void audit_map_flush(struct audit_map *m);
/* For live readers, every 5-10 s: serials that were already missing at
 * the previous tick are counted as gaps.  Without it a loss on a quiet
 * host is only counted once 1024 newer serials have arrived; two ticks
 * apart leave libauparse (which holds events up to 2 s) time to deliver
 * late ones. */
void audit_map_tick(struct audit_map *m);
void audit_map_free(struct audit_map *m);

/* Syscall number -> enum nsw_syscall for an AUDIT_ARCH_* value. */
enum nsw_syscall audit_map_syscall(uint32_t arch, long nr);

/*
 * CONFIG_CHANGE: changes to the audit configuration itself (rules
 * removed or added, audit disabled or locked, the audit daemon's pid),
 * which an attacker makes to blind an audit-based monitor.
 */
enum audit_cfg_op {
	AUDIT_CFG_RULE_REMOVE,	/* op=remove_rule key=... list=... */
	AUDIT_CFG_RULE_ADD,	/* op=add_rule */
	AUDIT_CFG_ENABLED,	/* op=set audit_enabled=V old=O (2: locked) */
	AUDIT_CFG_PID,		/* op=set audit_pid=V old=O (the daemon) */
	AUDIT_CFG_FAILURE,	/* op=set audit_failure=V old=O */
	AUDIT_CFG_BACKLOG,	/* op=set audit_backlog_limit=V old=O */
	AUDIT_CFG_BACKLOG_WAIT,	/* op=set audit_backlog_wait_time=V old=O */
	AUDIT_CFG_OTHER,	/* any other CONFIG_CHANGE */
};

#define AUDIT_CFG_NO_ID 4294967295u

/* One CONFIG_CHANGE record; strings are NUL-terminated, printable ASCII
 * (other bytes read '?'), possibly truncated. */
struct audit_cfg_change {
	enum audit_cfg_op op;
	uint64_t wall_ns;	/* event time, 0 when unknown */
	unsigned long serial;
	char op_name[32];	/* the record's op= ("" when none) */
	char key[64];		/* rule key; "" for none ("(null)") */
	int64_t value, old;	/* op=set: new and previous value */
	bool res_known, res;	/* res=1/success: the kernel applied it */
	uint32_t auid, ses;	/* AUDIT_CFG_NO_ID when unset or absent */
	/* who: from the SYSCALL record of the same event, when it has one
	 * (the kernel logs it for the netlink request's sendto) */
	bool who_known;
	uint32_t pid, ppid, uid;
	char comm[32];
	char exe[256];
	char subj[128];		/* LSM context, "" when none */
};

typedef int (*audit_cfg_fn)(const struct audit_cfg_change *c, void *arg);

/*
 * True when the event auparse is positioned on is a single EOE record.
 * libauparse before 3.0 (RHEL 7's 2.8.5) ends an event in feed mode at
 * its PROCTITLE record, so the EOE that follows arrives as an event of
 * its own, which carries nothing; consumers skip it, so that both
 * versions give the same events.
 */
bool audit_map_lone_eoe(auparse_state_t *au);

/* Calls fn for every CONFIG_CHANGE record of the event auparse is
 * positioned on.  Returns the number of records handed to fn (0 when the
 * event has none), the first negative value fn returned, or -EINVAL
 * when a CONFIG_CHANGE record has no op. */
int audit_map_config(auparse_state_t *au, audit_cfg_fn fn, void *arg);
/* "remove_rule", "set audit_enabled", ...: for messages. */
const char *audit_cfg_op_name(enum audit_cfg_op op);

#endif
