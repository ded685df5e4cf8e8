/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The audit backend: the fallback for kernels without BTF (RHEL 7/8).
 * Three sources of the same audit text, all fed to libauparse
 * (AUSOURCE_FEED) and mapped by audit-map:
 *
 *  plugin     auditd (3.x) or audispd (2.8) starts nswatch and writes
 *             every record on stdin (format = string).  auditd loads the
 *             rules from rules.d; nswatch only checks that they are there.
 *  multicast  beside a running auditd: the read-only AUDIT_NLGRP_READLOG
 *             group (kernel >= 3.16, CAP_AUDIT_READ).  nswatch adds its
 *             rules next to auditd's and removes them at exit.
 *  netlink    no auditd: nswatch is the audit daemon (audit pid, enabled,
 *             backlog limit), and restores the previous settings at exit.
 *
 * Multicast and netlink are proven before start() returns: a child of
 * ours calls setns() into its own uts namespace, which our rules audit
 * (not setns(-1, 0): they leave EBADF failures out), and its record has to
 * arrive within two seconds (a 3.10 kernel binds the multicast group but
 * never delivers).
 *
 * Tampering: CONFIG_CHANGE records (rules removed, rules added by
 * others: a never rule before ours hides them, audit_enabled,
 * audit_pid) are answered in the batch they arrive in (on_config, then
 * react): rules we own are put back, audit is enabled again when we are
 * the daemon, and one monitor-tamper alert names who did it and the
 * window in which nothing was audited, after which /proc is scanned for
 * what an escape in it left.  Every ten seconds (every second while
 * blind, and AUDIT_GET every second as the daemon) the loop also polls
 * the status (kernel `lost`, audit disabled, the audit pid) and the rule
 * list, for what the records cannot say (a kernel that lets another
 * daemon take the socket sends us nothing more).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/netlink.h>

#include <auparse.h>
#include <libaudit.h>

#include "audit-map.h"
#include "audit-nl.h"
#include "audit-probe.h"
#include "audit-rules.h"
#include "audit-wait.h"
#include "backend.h"
#include "log.h"
#include "pipeline.h"
#include "strbuf.h"
#include "util.h"

#ifndef CAP_AUDIT_READ
#define CAP_AUDIT_READ 37
#endif

/* AUDIT_NLGRP_READLOG (linux/audit.h >= 3.16) */
#define NSW_NLGRP_READLOG 1
/* how long the start-up self-test waits for its own record */
#define SELFTEST_MS 2000
/* rule/status checks; NSWATCH_AUDIT_CHECK_INTERVAL (1..3600 s) overrides,
 * for tests */
#define CHECK_INTERVAL_S 10
/* audit_map_tick() period (audit-map.h asks for 5-10 s) */
#define MAP_TICK_S 5
/* backlog limit when nswatch is the audit daemon */
#define NETLINK_BACKLOG 8192u
/* socket receive buffer asked for (SO_RCVBUFFORCE, else SO_RCVBUF) */
#define RCVBUF_BYTES (8 << 20)
/* one netlink datagram: header + MAX_AUDIT_MESSAGE_LENGTH, with slack */
#define NLBUF_BYTES (16 * 1024)
/* stdin chunk in plugin mode */
#define STDIN_BYTES (64 * 1024)
/* messages handled per wake-up before the loop looks at timers */
#define READ_BUDGET 512

/* a CONFIG_CHANGE record waits this long for its SYSCALL record */
#define CC_WAIT_MS 100
/* Putting our rules back makes one CONFIG_CHANGE per rule, all held here
 * (ours have no SYSCALL record: the audit daemon is not audited) while
 * the remover's (`auditctl -D`) come in between: with fewer slots than
 * rules, the remover's were completed before their SYSCALL record came
 * and the alert named no process (seen with 18 rules and 16 slots). */
#define CC_SLOTS (4 * AUDIT_RULES_MAX)
/* While blind (rules missing, audit disabled) the status and rules are
 * checked every second, so the end of the window is known to a second. */
#define BLIND_CHECK_S 1
/* see struct blind */
#define CLOSE_QUIET_MS 250
/* see shared_rules in struct backend */
#define HEAL_QUIET_MS 1000
/* backlog_wait_time while nswatch is the audit daemon: 0, a syscall
 * never waits for a slow reader (records past the backlog limit are
 * lost and counted in `lost`); the kernel default is 60 s per record */
#define NETLINK_BACKLOG_WAIT 0u

enum audit_source { SRC_PLUGIN, SRC_MULTICAST, SRC_NETLINK };

/* A time in which nswatch saw nothing: from a CONFIG_CHANGE (or a check
 * that found it) to the moment it was undone. */
struct blind {
	bool open;
	bool alerted;		/* an alert about it was written */
	uint64_t from_ns;	/* wall clock */
	char who[200];		/* who opened it, "" unknown */
	unsigned int missing;	/* rules: most missing at once */
	unsigned int put_back;	/* rules nswatch put back in it */
	/* undone, the alert waits for CLOSE_QUIET_MS without a new
	 * change: `auditctl -D` removes rule after rule, each put back at
	 * once, and that is one window */
	bool closing;
	uint64_t to_ns;
	uint64_t quiet_until;	/* monotonic ms */
	char how[64];		/* "put back by nswatch" */
};

struct backend;

/*
 * What differs between the three sources (see the top): one table each,
 * looked up once, instead of checks of the source through the file.
 */
struct src_ops {
	const char *name;
	/* plugin: auditd's text stream on stdin, which is not ours to close
	 * and whose end is ours; the others read a netlink socket */
	bool stream;
	/* multicast, netlink: we install, heal and remove our rules, and a
	 * self-test proves the records reach us before start() returns */
	bool own_rules;
	/* netlink: we are the audit daemon; audit stays enabled, the status
	 * is polled every second, and another daemon that wants the socket
	 * gets it (we switch to multicast) */
	bool daemon;
	size_t bufsz;		/* one read */
	/* Set b->evfd up.  0, or -errno with a reason in why. */
	int (*open)(struct backend *b, const struct audit_probe *pr,
		    char *why, size_t whylen);
	/* Into b->buf: what read(2) or recv(2) returns. */
	ssize_t (*read)(struct backend *b);
	/* What read returned, to libauparse. */
	void (*feed)(struct backend *b, const char *buf, size_t n);
	/* Sockets: whether to feed the record with this serial. */
	bool (*keep)(struct backend *b, unsigned long serial);
	/* the self-test's record did not arrive: " where" and ": why" */
	const char *selftest_where, *selftest_hint;
};

static const struct src_ops src_plugin, src_multicast, src_netlink;
static const struct src_ops *const sources[] = {
	[SRC_PLUGIN] = &src_plugin,
	[SRC_MULTICAST] = &src_multicast,
	[SRC_NETLINK] = &src_netlink,
};

/*
 * Syscall events between their SYSCALL record and their EOE, on the
 * sockets.  libauparse completes an event as soon as a record stamped
 * its end_of_event_timeout (2 s) later arrives, and the stamp of a
 * syscall event is the syscall's entry time: an exec that took a second
 * or more on a busy host had its SYSCALL record cut from its EXECVE, CWD
 * and PATH records whenever another CPU's record came between them (an
 * exec line without its arguments, and a fragment without a SYSCALL
 * record; 41 execs of a 100 000-process storm, nothing counted).  So on
 * the sockets libauparse's timeout is set far out (OPEN_EOE_TIMEOUT_S)
 * and syscall events are completed here, by the time their records
 * arrive: at their EOE, OPEN_WAIT_MS after their SYSCALL record when the
 * EOE never comes (a record the kernel lost, counted there), or when
 * their slot is needed for a newer one.  An event completed early whose
 * records still come is counted (split_events below).
 */
#define OPEN_EVENTS 256
#define OPEN_WAIT_MS 2000
#define OPEN_EOE_TIMEOUT_S 3600

struct open_event {
	unsigned long serial;	/* 0: a free slot */
	uint64_t since;		/* monotonic ms of its SYSCALL record */
	char stamp[40];		/* "SEC.MS:SERIAL" */
};

struct backend {
	const struct nsw_options *o;
	struct pipeline *p;
	const struct src_ops *ops;	/* the source (changes once at most:
					 * netlink -> multicast) */
	enum nsw_exec_rules mode;

	int ctl;		/* audit_open() for requests, -1 none */
	int evfd;		/* stdin, multicast or unicast socket */
	char *buf;
	size_t bufsz;
	struct strbuf line;	/* one netlink record as text */
	/* SYSCALL events awaiting their EOE: records of events from several
	 * CPUs interleave on the socket */
	struct open_event open[OPEN_EVENTS];
	unsigned int open_next;
	uint64_t split_events;	/* fragments of events completed early */

	auparse_state_t *au;
	struct audit_map *map;
	struct audit_ruleset *rs;

	/* netlink: what to restore */
	bool pid_set;
	bool enabled_set;
	uint32_t old_enabled;
	bool backlog_set;
	uint32_t old_backlog;

	/* tamper state */
	bool locked;
	uint64_t next_check;	/* monotonic seconds */
	uint64_t next_tick;	/* audit_map_tick() */
	unsigned int check_interval;

	/* losses not yet handed to the pipeline */
	struct nsw_stats pend;
	bool lost_known;
	uint32_t lost_last;
	uint64_t gaps_seen;
	uint64_t malformed_seen;
	uint64_t overruns;	/* ENOBUFS on the multicast socket */

	/* the start-up self-test, and its record kept out of the output */
	pid_t test_pid;
	bool test_seen;
	uint64_t test_forget;	/* stop filtering test_pid after this */

	bool eof;
	uint64_t last_data;	/* monotonic seconds of the last input */

	/* CONFIG_CHANGE records waiting for the SYSCALL record that names
	 * who made the change: completed by its EOE, or after CC_WAIT_MS */
	struct {
		unsigned long serial;
		uint64_t deadline;	/* monotonic ms, 0: free slot */
		char stamp[40];		/* "SEC.MS:SERIAL" */
	} cc[CC_SLOTS];

	/* blind windows opened by CONFIG_CHANGE (see react()) */
	struct blind rules_gone;	/* our rules (or their coverage) removed */
	struct blind disabled;		/* audit_enabled=0 */
	struct blind plugin_gap;	/* no plugin ran (auditd restarted) */
	bool check_due;			/* look at the rules after this batch */
	bool status_due;		/* ... and at the status */
	bool handover_due;		/* netlink: another daemon asked */
	char handover_who[320];
	unsigned long mc_skip_upto;	/* multicast after a switch: serials
					 * already read on the unicast socket */
	uint64_t mc_skip_until;		/* monotonic s */
	unsigned long last_serial;	/* netlink: highest serial read */

	bool rules_gone_maybe;		/* opened by another key's removal */
	/* someone else's never rule before ours (audit_ruleset_shadowed) */
	bool shadow_due;		/* a rule was added: look after this batch */
	char shadow_who[200];		/* who added it, "" when unknown */
	char shadow_what[160];		/* the hiding rule alerted, "" none */
	/* Some of our rules were loaded by the operator (auditd's rules.d)
	 * too.  `augenrules --load` deletes every rule and adds its own
	 * back, and `auditctl -R` stops at the first rule that exists: a
	 * rule we put back first would cut the operator's load short.  Then
	 * rules are put back only once the configuration has been quiet for
	 * HEAL_QUIET_MS (and a reload that brings them back needs nothing). */
	bool shared_rules;
	uint64_t last_cfg_ms;		/* monotonic ms of the last rule change
					 * by someone else */
	uint64_t heal_at;		/* monotonic ms, 0: none */
	bool lock_due;
	char lock_who[320];
	uint64_t next_status;		/* netlink: AUDIT_GET each second */

	/* netlink: backlog_wait_time to restore */
	bool wait_set;
	uint32_t old_wait;
};

/* ---- choosing the source ----------------------------------------------- */

static bool parent_is_auditd(const char *procfs)
{
	char comm[16];

	audit_probe_comm(procfs, (uint32_t)getppid(), comm, sizeof(comm));
	return !strcmp(comm, "auditd") || !strcmp(comm, "audispd");
}

static bool stdin_is_stream(void)
{
	struct stat sb;

	if (fstat(0, &sb) < 0)
		return false;
	return S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode);
}

/*
 * Pick the source for o->audit_source.  auto: plugin when auditd/audispd
 * started us with a stream on stdin (or NSWATCH_AUDIT_PLUGIN=1 says so),
 * multicast when a live audit daemon holds the audit pid and the kernel
 * has multicast, netlink when nobody holds it.
 */
static int choose_source(const struct nsw_options *o,
			 const struct audit_probe *pr, enum audit_source *src,
			 char *why, size_t whylen)
{
	const char *want = o->audit_source ? o->audit_source : "auto";
	const char *hint = getenv("NSWATCH_AUDIT_PLUGIN");

	if (!strcmp(want, "plugin")) {
		if (isatty(0)) {
			snprintf(why, whylen, "--audit-source=plugin reads "
				 "auditd's records on stdin, which is a "
				 "terminal");
			return -EINVAL;
		}
		*src = SRC_PLUGIN;
		snprintf(why, whylen, "--audit-source=plugin");
		return 0;
	}
	if (!strcmp(want, "auto") && stdin_is_stream() &&
	    ((hint && !strcmp(hint, "1")) || parent_is_auditd(o->procfs))) {
		*src = SRC_PLUGIN;
		snprintf(why, whylen, "started by %s with a stream on stdin",
			 hint && !strcmp(hint, "1") ? "NSWATCH_AUDIT_PLUGIN=1" :
			 "auditd");
		return 0;
	}
	if (pr->status_err) {
		snprintf(why, whylen, "cannot query the audit subsystem: %s%s",
			 strerror(-pr->status_err),
			 pr->status_err == -EPERM ?
			 " (needs CAP_AUDIT_CONTROL)" :
			 pr->status_err == -EPROTONOSUPPORT ?
			 " (kernel built without audit)" : "");
		return pr->status_err;
	}
	if (!strcmp(want, "multicast")) {
		if (!pr->multicast) {
			snprintf(why, whylen, "--audit-source=multicast needs "
				 "kernel >= 3.16 (this is %d.%d: the group "
				 "binds but never delivers); run nswatch as an "
				 "auditd plugin instead", pr->kernel_major,
				 pr->kernel_minor);
			return -EOPNOTSUPP;
		}
		*src = SRC_MULTICAST;
		snprintf(why, whylen, "--audit-source=multicast");
		return 0;
	}
	if (!strcmp(want, "netlink")) {
		if (pr->daemon_alive) {
			snprintf(why, whylen, "--audit-source=netlink: %s (pid "
				 "%u) already is the audit daemon; use "
				 "multicast or the plugin", pr->daemon_comm[0] ?
				 pr->daemon_comm : "a process", pr->st.pid);
			return -EBUSY;
		}
		*src = SRC_NETLINK;
		snprintf(why, whylen, "--audit-source=netlink");
		return 0;
	}
	if (strcmp(want, "auto")) {
		snprintf(why, whylen, "unknown audit source '%s' (auto, plugin,"
			 " multicast, netlink)", want);
		return -EINVAL;
	}
	if (pr->daemon_alive) {
		if (!pr->multicast) {
			snprintf(why, whylen, "%s (pid %u) holds the audit "
				 "socket and kernel %d.%d has no multicast "
				 "(< 3.16): install contrib/nswatch-plugin.conf "
				 "to run nswatch as its plugin",
				 pr->daemon_comm[0] ? pr->daemon_comm :
				 "an audit daemon", pr->st.pid,
				 pr->kernel_major, pr->kernel_minor);
			return -EBUSY;
		}
		*src = SRC_MULTICAST;
		snprintf(why, whylen, "%s (pid %u) holds the audit socket; "
			 "reading the multicast group beside it",
			 pr->daemon_comm[0] ? pr->daemon_comm : "audit daemon",
			 pr->st.pid);
		return 0;
	}
	*src = SRC_NETLINK;
	snprintf(why, whylen, "no audit daemon runs; nswatch takes the audit "
		 "socket itself");
	return 0;
}

static int audit_probe_op(const struct nsw_options *o, char *why,
			  size_t whylen)
{
	struct audit_probe pr;
	enum audit_source src;
	char reason[384];
	int r;

	audit_probe_status(o->procfs, &pr);
	r = choose_source(o, &pr, &src, reason, sizeof(reason));
	if (r < 0) {
		snprintf(why, whylen, "%s", reason);
		return r;
	}
	if (sources[src]->own_rules && pr.locked && pr.missing_none) {
		snprintf(why, whylen, "audit rules are locked (-e 2) and "
			 "nswatch's rules are not loaded");
		return -EPERM;
	}
	snprintf(why, whylen, "source %s: %s", sources[src]->name, reason);
	return 0;
}

/* ---- feeding libauparse ---------------------------------------------------- */

static int emit_raw(const struct nsw_raw *raw, void *arg)
{
	struct backend *b = arg;

	if (b->test_pid && raw->pid == (uint32_t)b->test_pid) {
		b->test_seen = true;
		b->test_pid = 0;	/* its one event is filtered */
		return 0;
	}
	return pipeline_handle(b->p, raw);
}

static int on_config(const struct audit_cfg_change *c, void *arg);

/* Records of a syscall event without its SYSCALL record: a piece of an
 * event completed before all its records had come (an io_uring op has
 * PATH records and no SYSCALL record, and is whole). */
static bool is_fragment(auparse_state_t *au)
{
	bool aux = false;

	if (auparse_first_record(au) <= 0)
		return false;
	do {
		switch (auparse_get_type(au)) {
		case AUDIT_SYSCALL:
		case 1336:	/* AUDIT_URINGOP: an io_uring op, none */
			return false;
		case AUDIT_EXECVE:
		case AUDIT_CWD:
		case AUDIT_PATH:
		case AUDIT_PROCTITLE:
		case AUDIT_BPRM_FCAPS:
			aux = true;
			break;
		default:
			break;
		}
	} while (auparse_next_record(au) > 0);
	auparse_first_record(au);
	return aux;
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type,
		     void *arg)
{
	struct backend *b = arg;
	int r;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	if (is_fragment(au)) {
		/* its SYSCALL record went out without it: that line lacks
		 * what this carried (an exec's arguments, its binary) */
		b->split_events++;
		b->pend.parse_errors++;
		log_ratelimited(LOG_LVL_WARN, "audit-split", "records of an "
				"audit event came after it was completed (the "
				"syscall ran for seconds?): counted in "
				"parse_errors");
		return;
	}
	r = audit_map_event(b->map, au, emit_raw, b);
	if (r < 0 && r != -EINVAL)
		log_ratelimited(LOG_LVL_WARN, "audit-map", "audit event not "
				"handled: %s", strerror(-r));
	if (r <= 0 && audit_map_config(au, on_config, b) < 0)
		log_ratelimited(LOG_LVL_WARN, "audit-config", "malformed "
				"CONFIG_CHANGE record skipped");
}

/* Notice the self-test's SYSCALL record by its pid field. */
static void selftest_match(struct backend *b, int type, const char *text,
			   size_t len)
{
	char needle[32];
	int n;

	if (!b->test_pid || b->test_seen || type != AUDIT_SYSCALL)
		return;
	n = snprintf(needle, sizeof(needle), " pid=%ld ", (long)b->test_pid);
	if (n > 0 && memmem(text, len, needle, (size_t)n))
		b->test_seen = true;
}

/*
 * Only syscall events end with an EOE record.  A record logged outside an
 * audited syscall (BPF prog loads, CONFIG_CHANGE, NETFILTER_CFG, AVC,
 * USER_*) stands alone, and libauparse holds every later event behind it
 * until it ages out (seconds): namespace events would then be read after
 * their process has gone.  Such a record gets an EOE of its own here.
 */
static bool open_has(const struct backend *b, unsigned long serial)
{
	unsigned int i;

	for (i = 0; i < OPEN_EVENTS; i++)
		if (b->open[i].serial == serial)
			return true;
	return false;
}

static void open_close(struct backend *b, unsigned long serial)
{
	unsigned int i;

	for (i = 0; i < OPEN_EVENTS; i++)
		if (b->open[i].serial == serial)
			b->open[i].serial = 0;
}

static void feed_eoe(struct backend *b, const char *stamp, size_t len)
{
	char eoe[96];
	int n;

	n = snprintf(eoe, sizeof(eoe), "type=EOE msg=audit(%.*s):\n",
		     (int)len, stamp);
	if (n > 0 && (size_t)n < sizeof(eoe))
		auparse_feed(b->au, eoe, (size_t)n);
}

/* An event opened by its first record (stamp: "SEC.MS:SERIAL").  The
 * oldest slot is taken; an event still open there is completed first. */
static void open_add(struct backend *b, unsigned long serial,
		     const char *stamp, size_t len)
{
	struct open_event *e = &b->open[b->open_next];

	if (e->serial && e->stamp[0])
		feed_eoe(b, e->stamp, strlen(e->stamp));
	e->serial = serial;
	e->since = nsw_clock_ms(CLOCK_MONOTONIC);
	if (len >= sizeof(e->stamp))
		len = 0;	/* cannot be: SEC.MS:SERIAL */
	memcpy(e->stamp, stamp, len);
	e->stamp[len] = '\0';
	b->open_next = (b->open_next + 1) % OPEN_EVENTS;
}

/* Complete the events whose EOE has not come OPEN_WAIT_MS after their
 * first record (what libauparse's own timeout did, by arrival time). */
static void open_expire(struct backend *b)
{
	uint64_t t = nsw_clock_ms(CLOCK_MONOTONIC);
	unsigned int i;

	for (i = 0; i < OPEN_EVENTS; i++) {
		struct open_event *e = &b->open[i];

		if (!e->serial || t < e->since + OPEN_WAIT_MS)
			continue;
		e->serial = 0;
		if (e->stamp[0])
			feed_eoe(b, e->stamp, strlen(e->stamp));
	}
}

/*
 * A CONFIG_CHANGE made by a netlink request is followed by the SYSCALL
 * record of that sendto (pid, exe: who did it) and an EOE.  One made
 * outside a syscall has neither, so it is completed after CC_WAIT_MS.
 * false when no slot is free (the caller completes it at once).
 */
static bool cc_hold(struct backend *b, unsigned long serial,
		    const char *stamp, size_t len)
{
	unsigned int i;

	if (len >= sizeof(b->cc[0].stamp))
		return false;
	for (i = 0; i < CC_SLOTS; i++) {
		if (b->cc[i].deadline)
			continue;
		b->cc[i].serial = serial;
		b->cc[i].deadline = nsw_clock_ms(CLOCK_MONOTONIC) + CC_WAIT_MS;
		memcpy(b->cc[i].stamp, stamp, len);
		b->cc[i].stamp[len] = '\0';
		/* completed by cc_expire, not by the open-event timeout */
		open_add(b, serial, "", 0);
		return true;
	}
	return false;
}

/* Complete held CONFIG_CHANGE events whose time is up; returns the ms
 * until the next one is due (-1: none). */
static int cc_expire(struct backend *b)
{
	uint64_t t = nsw_clock_ms(CLOCK_MONOTONIC);
	int next = -1;
	unsigned int i;

	for (i = 0; i < CC_SLOTS; i++) {
		if (!b->cc[i].deadline)
			continue;
		if (t < b->cc[i].deadline) {
			int left = (int)(b->cc[i].deadline - t);

			if (next < 0 || left < next)
				next = left;
			continue;
		}
		b->cc[i].deadline = 0;
		open_close(b, b->cc[i].serial);
		feed_eoe(b, b->cc[i].stamp, strlen(b->cc[i].stamp));
	}
	return next;
}

static void complete_standalone(struct backend *b, int type)
{
	const char *open, *colon, *close;
	unsigned long serial;
	char eoe[96];
	int n;

	open = memchr(b->line.buf, '(', b->line.len);
	close = open ? memchr(open, ')', b->line.len -
				    (size_t)(open - b->line.buf)) : NULL;
	colon = open && close ? memchr(open, ':', (size_t)(close - open)) : NULL;
	if (!colon)
		return;
	serial = strtoul(colon + 1, NULL, 10);
	if (!serial)
		return;
	if (type == AUDIT_SYSCALL) {
		if (!open_has(b, serial))
			open_add(b, serial, open + 1,
				 (size_t)(close - open - 1));
		return;
	}
	if (type == AUDIT_EOE) {
		unsigned int i;

		open_close(b, serial);
		for (i = 0; i < CC_SLOTS; i++)
			if (b->cc[i].deadline && b->cc[i].serial == serial)
				b->cc[i].deadline = 0;
		return;
	}
	if (open_has(b, serial))
		return;		/* an auxiliary record of an open event */
	if (type == AUDIT_CONFIG_CHANGE && cc_hold(b, serial, open + 1,
						   (size_t)(close - open - 1)))
		return;
	n = snprintf(eoe, sizeof(eoe), "type=EOE msg=audit(%.*s):\n",
		     (int)(close - open - 1), open + 1);
	if (n > 0 && (size_t)n < sizeof(eoe))
		auparse_feed(b->au, eoe, (size_t)n);
}

/* The serial of a "type=X msg=audit(SEC.MS:SERIAL): ..." line, 0 if none. */
static unsigned long line_serial(const struct strbuf *line)
{
	const char *open, *colon, *close;

	open = memchr(line->buf, '(', line->len);
	close = open ? memchr(open, ')', line->len -
				    (size_t)(open - line->buf)) : NULL;
	colon = open && close ? memchr(open, ':', (size_t)(close - open)) : NULL;
	return colon ? strtoul(colon + 1, NULL, 10) : 0;
}

/* One netlink datagram -> "type=NAME msg=audit(...): ...\n" in b->line,
 * its record type and serial; false when there is nothing to feed. */
static bool netlink_line(struct backend *b, const char *buf, size_t n,
			 int *type, unsigned long *serial)
{
	int r;

	*type = 0;
	r = audit_nl_record(buf, n, &b->line, type);
	if (r < 0) {
		b->pend.parse_errors++;
		log_ratelimited(LOG_LVL_WARN, "audit-nl", "malformed audit "
				"netlink message (%zu bytes) skipped", n);
		return false;
	}
	if (r == 0)
		return false;
	*serial = line_serial(&b->line);
	return true;
}

/* The line netlink_line() made, to auparse. */
static void feed_line(struct backend *b, int type)
{
	selftest_match(b, type, b->line.buf, b->line.len);
	auparse_feed(b->au, b->line.buf, b->line.len);
	complete_standalone(b, type);
}

/* netlink: the highest serial read, for a switch to multicast. */
static bool netlink_keep(struct backend *b, unsigned long serial)
{
	if (serial > b->last_serial)
		b->last_serial = serial;
	return true;
}

static bool multicast_keep(struct backend *b, unsigned long serial)
{
	if (b->mc_skip_upto) {
		/* just switched from the unicast socket: a record both
		 * sockets had was read there already */
		if (nsw_clock_s(CLOCK_MONOTONIC) > b->mc_skip_until)
			b->mc_skip_upto = 0;
		else if (serial && serial <= b->mc_skip_upto)
			return false;
	}
	return true;
}

static void socket_feed(struct backend *b, const char *buf, size_t n)
{
	unsigned long serial;
	int type;

	if (netlink_line(b, buf, n, &type, &serial) &&
	    b->ops->keep(b, serial))
		feed_line(b, type);
}

/* The plugin stream is already text lines. */
static void plugin_feed(struct backend *b, const char *buf, size_t n)
{
	auparse_feed(b->au, buf, n);
}

static ssize_t plugin_read(struct backend *b)
{
	return read(b->evfd, b->buf, b->bufsz);
}

static ssize_t socket_read(struct backend *b)
{
	return recv(b->evfd, b->buf, b->bufsz, MSG_DONTWAIT);
}

/* Read what is there, at most budget messages/chunks.  0, or -errno on a
 * fatal read error; sets b->eof at the end of stdin. */
static int read_source(struct backend *b, int budget)
{
	ssize_t n;
	int i;

	for (i = 0; i < budget && !b->eof; i++) {
		n = b->ops->read(b);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == ENOBUFS && !b->ops->stream) {
				/* multicast reader overrun: records are gone;
				 * audit-map sees the serial gap */
				b->overruns++;
				log_ratelimited(LOG_LVL_WARN, "audit-enobufs",
						"audit socket overrun: records "
						"were dropped (%llu times)",
						(unsigned long long)b->overruns);
				continue;
			}
			return -errno;
		}
		if (n == 0) {
			if (b->ops->stream)
				b->eof = true;
			return 0;
		}
		b->last_data = nsw_clock_s(CLOCK_MONOTONIC);
		b->ops->feed(b, b->buf, (size_t)n);
	}
	return 0;
}

/* ---- losses and tampering ---------------------------------------------- */

static void account_lost(struct backend *b, uint32_t lost)
{
	if (b->lost_known) {
		/* lost only grows, unless someone ran auditctl --reset-lost */
		b->pend.kernel_lost += lost >= b->lost_last ?
				       lost - b->lost_last : lost;
	}
	b->lost_last = lost;
	b->lost_known = true;
}

static void account_map(struct backend *b)
{
	const struct audit_map_stats *ms = audit_map_stats(b->map);

	if (ms->seq_gaps > b->gaps_seen)
		b->pend.seq_gaps += ms->seq_gaps - b->gaps_seen;
	b->gaps_seen = ms->seq_gaps;
	if (ms->malformed > b->malformed_seen)
		b->pend.parse_errors += ms->malformed - b->malformed_seen;
	b->malformed_seen = ms->malformed;
}

static void push_stats(struct backend *b)
{
	account_map(b);
	pipeline_add_stats(b->p, &b->pend);
	memset(&b->pend, 0, sizeof(b->pend));
}

static void tamper(struct backend *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tamper(struct backend *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pipeline_tamper(b->p, msg);	/* logs it too */
}

/* "2026-12-03T10:01:02.123Z" */
static const char *fmt_wall(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!gmtime_r(&sec, &tm) ||
	    !strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03uZ",
		 (unsigned int)(ns / 1000000u % 1000u));
	return buf;
}

static void fmt_id(char *buf, size_t len, uint32_t id)
{
	if (id == AUDIT_CFG_NO_ID)
		snprintf(buf, len, "unset");
	else
		snprintf(buf, len, "%u", id);
}

/* Who made a change, for the alert: the process from the event's SYSCALL
 * record, else the login session the kernel logged. */
static void describe_who(const struct audit_cfg_change *c, char *buf,
			 size_t len)
{
	char auid[16], ses[16];
	int n;

	fmt_id(auid, sizeof(auid), c->auid);
	fmt_id(ses, sizeof(ses), c->ses);
	if (c->who_known)
		n = snprintf(buf, len, "pid %u (%s, exe %s, auid %s, uid %u)",
			     c->pid, c->comm, c->exe, auid, c->uid);
	else
		n = snprintf(buf, len, "auid %s, ses %s (no process named)",
			     auid, ses);
	if (n < 0 && len)
		buf[0] = '\0';
}

static void blind_open(struct blind *w, uint64_t from_ns, const char *who)
{
	if (w->open) {
		w->closing = false;	/* undone and done again: one window */
		return;
	}
	memset(w, 0, sizeof(*w));
	w->open = true;
	w->from_ns = from_ns ? from_ns : nsw_clock_ns(CLOCK_REALTIME);
	snprintf(w->who, sizeof(w->who), "%s", who ? who : "");
}

/* The alert of a window that stays open: what, by whom, since when,
 * and why it is not undone. */
static void blind_alert(struct backend *b, struct blind *w, const char *what,
			const char *still)
{
	char t1[40];

	if (w->alerted)
		return;
	w->alerted = true;
	tamper(b, "%s%s%s at %s; %s", what, w->who[0] ? " by " : "", w->who,
	       fmt_wall(w->from_ns, t1, sizeof(t1)), still);
}

/* The window was undone now; the alert follows once it stays so. */
static void blind_end(struct blind *w, const char *how)
{
	if (!w->open || w->closing)
		return;
	w->closing = true;
	w->to_ns = nsw_clock_ns(CLOCK_REALTIME);
	w->quiet_until = nsw_clock_ms(CLOCK_MONOTONIC) + CLOSE_QUIET_MS;
	snprintf(w->how, sizeof(w->how), "%s", how);
}

/*
 * A window undone and quiet since: one alert with its times (with who
 * opened it when no alert said so yet), then a /proc scan for what an
 * escape in it left behind.  Returns ms until it is due, -1 if not.
 */
static int blind_flush(struct backend *b, struct blind *w, const char *what)
{
	char t1[40], t2[40], span[128], count[32] = "";
	unsigned long long ms;
	uint64_t t = nsw_clock_ms(CLOCK_MONOTONIC);
	int found;

	if (!w->open || !w->closing)
		return -1;
	if (t < w->quiet_until)
		return (int)(w->quiet_until - t);
	ms = w->to_ns > w->from_ns ? (w->to_ns - w->from_ns) / 1000000u : 0;
	fmt_wall(w->from_ns, t1, sizeof(t1));
	fmt_wall(w->to_ns, t2, sizeof(t2));
	if (w->missing || w->put_back) {
		unsigned int k = w->put_back > w->missing ? w->put_back :
				 w->missing;

		snprintf(count, sizeof(count), " (%u rule%s)", k,
			 k == 1 ? "" : "s");
	}
	if (w->alerted)
		tamper(b, "%s%s from %s to %s, %s after %llu ms: not audited "
		       "in that time", what, count, t1, t2, w->how, ms);
	else
		tamper(b, "%s%s%s%s; %s after %llu ms, blind from %s to %s",
		       what, count, w->who[0] ? " by " : "", w->who, w->how,
		       ms, t1, t2);
	w->open = false;
	snprintf(span, sizeof(span), "%s from %s to %s", what, t1, t2);
	found = pipeline_scan_escapes(b->p, span, w == &b->plugin_gap);
	if (found > 0)
		log_warn("%d container process%s found in the host mount "
			 "namespace after the blind window", found,
			 found == 1 ? "" : "es");
	else if (found == 0)
		log_info("no container process in host namespaces after the "
			 "blind window");
	return -1;
}

static bool blind_any(const struct backend *b)
{
	return b->rules_gone.open || b->disabled.open;
}

#define WHAT_RULES "nswatch's audit rules removed"
#define WHAT_DISABLED "audit disabled"
#define WHAT_PLUGIN_GAP "nswatch not running: auditd stopped its plugin"

/* Alerts of windows undone and quiet; ms until the next is due, -1. */
static int blind_flush_all(struct backend *b)
{
	int a = blind_flush(b, &b->rules_gone, WHAT_RULES);
	int d = blind_flush(b, &b->disabled, WHAT_DISABLED);
	int g = blind_flush(b, &b->plugin_gap, WHAT_PLUGIN_GAP);

	a = a < 0 ? d : d < 0 || a < d ? a : d;
	return a < 0 ? g : g < 0 || a < g ? a : g;
}

/*
 * Plugin mode: when auditd stops (or restarts), nswatch reads the end of
 * its input and exits, and records made until auditd starts it again
 * reach nobody (the kernel prints them at most).  The end is recorded in
 * the state directory (/run: a reboot forgets it), and the next plugin
 * start turns the time between into a blind window: one monitor-tamper
 * alert with its times, then the /proc scan for an escape made in it.
 */
#define PLUGIN_STOPPED_FILE "plugin-stopped"

static void plugin_stopped_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/" PLUGIN_STOPPED_FILE, audit_rules_state_dir());
}

static void plugin_mark_stopped(void)
{
	char path[PATH_MAX], text[64];
	int n;

	if (mkdir(audit_rules_state_dir(), 0700) < 0 && errno != EEXIST)
		return;
	plugin_stopped_path(path, sizeof(path));
	n = snprintf(text, sizeof(text), "stopped %llu\n",
		     (unsigned long long)nsw_clock_ns(CLOCK_REALTIME));
	if (n > 0 && audit_rules_write_state(path, text, (size_t)n) < 0)
		log_warn("cannot record the plugin's end in %s: the time "
			 "until auditd starts it again is not reported", path);
}

static void plugin_gap_open(struct backend *b)
{
	char path[PATH_MAX], line[64] = "";
	unsigned long long ns;
	FILE *f;

	plugin_stopped_path(path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	unlink(path);
	if (sscanf(line, "stopped %llu", &ns) != 1 || !ns)
		return;
	blind_open(&b->plugin_gap, ns, NULL);
	blind_end(&b->plugin_gap, "started again by auditd");
}

static int switch_to_multicast(struct backend *b, const char *why);

static void check_status(struct backend *b)
{
	struct audit_status_v st;
	int r;

	r = audit_status_get(b->ctl, &st);
	if (r < 0) {
		log_ratelimited(LOG_LVL_WARN, "audit-status", "cannot read "
				"the audit status: %s", strerror(-r));
		return;
	}
	account_lost(b, st.lost);
	b->locked = st.enabled == 2;
	if (st.enabled == 0) {
		blind_open(&b->disabled, 0, NULL);
		if (b->ops->daemon) {
			r = audit_set_enabled(b->ctl, 1);
			if (r >= 0) {	/* libaudit: the request's sequence */
				blind_end(&b->disabled, "enabled again by "
					  "nswatch");
				return;
			}
			log_ratelimited(LOG_LVL_ERR, "audit-enable",
					"cannot enable audit again: %s",
					strerror(-r));
		}
		blind_alert(b, &b->disabled, WHAT_DISABLED, "nothing is "
			    "audited until it is enabled again");
	} else if (b->disabled.open) {
		blind_end(&b->disabled, "enabled again");
	}
	if (b->ops->daemon && st.pid != (uint32_t)getpid()) {
		char why[160];

		snprintf(why, sizeof(why), "the audit socket was taken over "
			 "(audit pid %u, ours %ld)", st.pid, (long)getpid());
		b->pid_set = false;	/* not ours to release any more */
		if (switch_to_multicast(b, why) < 0)
			tamper(b, "%s: no more events reach nswatch", why);
	}
}

static void check_rules(struct backend *b)
{
	char missing[512], why[256];
	unsigned int added;
	int n, r;

	n = audit_ruleset_check(b->rs, b->ctl, missing, sizeof(missing));
	if (n < 0) {
		log_ratelimited(LOG_LVL_WARN, "audit-list", "cannot list audit"
				" rules: %s", strerror(-n));
		return;
	}
	if (n == 0) {
		if (b->rules_gone.open && b->rules_gone_maybe &&
		    !b->rules_gone.missing)
			b->rules_gone.open = false;	/* nothing of ours */
		blind_end(&b->rules_gone, b->rules_gone.put_back ?
			  "put back by nswatch" : "loaded again");
		return;
	}
	blind_open(&b->rules_gone, 0, NULL);
	if ((unsigned int)n > b->rules_gone.missing)
		b->rules_gone.missing = (unsigned int)n;
	/* every second while blind */
	log_ratelimited(LOG_LVL_WARN, "audit-missing", "%d nswatch audit "
			"rule%s missing: %s", n, n == 1 ? "" : "s", missing);
	if (!b->ops->own_rules) {
		blind_alert(b, &b->rules_gone, WHAT_RULES, "auditd owns them: "
			    "not audited until they are loaded again");
		return;
	}
	if (b->locked) {
		blind_alert(b, &b->rules_gone, WHAT_RULES, "rules are locked "
			    "(-e 2): they cannot be put back before a reboot");
		return;
	}
	if (b->shared_rules &&
	    nsw_clock_ms(CLOCK_MONOTONIC) < b->last_cfg_ms + HEAL_QUIET_MS) {
		b->heal_at = b->last_cfg_ms + HEAL_QUIET_MS;
		return;
	}
	b->heal_at = 0;
	r = audit_ruleset_install(b->rs, b->ctl, &added, why, sizeof(why));
	if (r < 0) {
		log_ratelimited(LOG_LVL_ERR, "audit-heal", "%s", why);
		blind_alert(b, &b->rules_gone, WHAT_RULES, "nswatch cannot put "
			    "them back");
		return;
	}
	log_warn("put %u audit rule%s back", added, added == 1 ? "" : "s");
	b->rules_gone.put_back += added;
	blind_end(&b->rules_gone, "put back by nswatch");
}

/* "with action never" or "on the exclude list", as what names it */
static const char *shadow_kind(const char *what)
{
	return strncmp(what, "exclude", 7) ? "with action never" :
	       "on the exclude list";
}

/*
 * A never rule inserted before ours (`auditctl -A exit,never -S setns`),
 * or an exclude rule dropping SYSCALL records, blinds us while our rules
 * are still listed, so the rule check above passes.  One alert per
 * hiding rule, with who added it when a CONFIG_CHANGE named them; who is
 * NULL from the periodic check.
 */
static void check_shadow(struct backend *b, const char *who)
{
	struct audit_rule_list l;
	char what[sizeof(b->shadow_what)];
	long k;
	int r;

	r = audit_rules_list(b->ctl, &l);
	if (r < 0) {
		log_ratelimited(LOG_LVL_WARN, "audit-list", "cannot list audit"
				" rules: %s", strerror(-r));
		return;
	}
	k = audit_ruleset_shadowed(b->rs, &l, what, sizeof(what));
	audit_rule_list_free(&l);
	if (k < 0) {
		if (b->shadow_what[0])
			log_warn("the audit rule %s that hid nswatch's records "
				 "(%s) is gone", shadow_kind(b->shadow_what),
				 b->shadow_what);
		b->shadow_what[0] = '\0';
		return;
	}
	if (!strcmp(what, b->shadow_what))
		return;		/* alerted already */
	snprintf(b->shadow_what, sizeof(b->shadow_what), "%s", what);
	tamper(b, "an audit rule %s (%s, rule %ld of the kernel's list) "
	       "hides the records nswatch's audit rules ask for%s%s: not "
	       "audited while it stays", shadow_kind(what), what, k + 1,
	       who && who[0] ? "; added by " : "", who ? who : "");
}

/* ---- CONFIG_CHANGE: tampering seen in the stream ------------------------ */

/*
 * A change to the audit configuration by anyone but us.  The records
 * come within milliseconds, so a removal is answered in the same batch
 * (react()), not at the next poll; the window it opens starts at the
 * record's own time.
 */
static int on_config(const struct audit_cfg_change *c, void *arg)
{
	struct backend *b = arg;
	bool our_key = !strcmp(c->key, AUDIT_RULES_KEY);
	char who[200];

	if (c->who_known && c->pid == (uint32_t)getpid())
		return 0;	/* our own rule adds, enable, pid */
	describe_who(c, who, sizeof(who));
	switch (c->op) {
	case AUDIT_CFG_RULE_REMOVE:
		b->last_cfg_ms = nsw_clock_ms(CLOCK_MONOTONIC);
		if (c->res_known && !c->res) {
			if (our_key)
				tamper(b, "an attempt to remove an nswatch "
				       "audit rule by %s was refused by the "
				       "kernel", who);
			break;
		}
		/* another rule may have covered our syscalls: the check
		 * decides; the window starts at this record either way */
		if (!b->rules_gone.open)
			b->rules_gone_maybe = !our_key;
		else if (our_key)
			b->rules_gone_maybe = false;
		blind_open(&b->rules_gone, c->wall_ns, who);
		b->check_due = true;
		break;
	case AUDIT_CFG_RULE_ADD:
		b->last_cfg_ms = nsw_clock_ms(CLOCK_MONOTONIC);
		if (b->rules_gone.open)
			b->check_due = true;
		if (c->res_known && !c->res)
			break;
		/* a never rule put before ours hides them while they are
		 * still listed: look at the list after this batch */
		b->shadow_due = true;
		snprintf(b->shadow_who, sizeof(b->shadow_who), "%s", who);
		break;
	case AUDIT_CFG_ENABLED:
		if (c->res_known && !c->res) {
			if (c->value != 1)
				tamper(b, "an attempt to set audit_enabled=%lld"
				       " by %s was refused by the kernel",
				       (long long)c->value, who);
			break;
		}
		if (c->value == 0) {
			blind_open(&b->disabled, c->wall_ns, who);
			b->status_due = true;
		} else if (c->value == 2) {
			b->locked = true;
			snprintf(b->lock_who, sizeof(b->lock_who), "%s", who);
			b->lock_due = true;
			b->check_due = true;
		}
		break;
	case AUDIT_CFG_PID:
		if (b->ops->daemon && c->value > 0 &&
		    c->value != (int64_t)getpid()) {
			int n = snprintf(b->handover_who, sizeof(b->handover_who),
				 "%s %s to become the audit daemon (pid %lld)",
				 who, c->res_known && !c->res ?
				 "was refused when it asked" : "asked",
				 (long long)c->value);

			b->handover_due = n > 0;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* After each batch of records: answer the changes on_config saw. */
static void react(struct backend *b)
{
	uint64_t t;

	if (b->ctl < 0)
		return;
	/* while blind, the status and rules are polled every second, so a
	 * window that only a poll can close (auditd owns the setting) ends
	 * within a second of being undone */
	t = nsw_clock_s(CLOCK_MONOTONIC);
	if (blind_any(b) && b->next_check > t + BLIND_CHECK_S)
		b->next_check = t + BLIND_CHECK_S;
	if (b->handover_due) {
		b->handover_due = false;
		switch_to_multicast(b, b->handover_who);
	}
	if (b->status_due) {
		b->status_due = false;
		check_status(b);
	}
	if (b->heal_at && nsw_clock_ms(CLOCK_MONOTONIC) >= b->heal_at)
		b->check_due = true;
	if (b->check_due) {
		b->check_due = false;
		check_rules(b);
	}
	if (b->shadow_due) {
		b->shadow_due = false;
		check_shadow(b, b->shadow_who);
	}
	if (b->lock_due) {
		b->lock_due = false;
		if (b->rules_gone.open && !b->rules_gone.closing)
			tamper(b, "audit configuration locked (-e 2) by %s "
			       "while nswatch's audit rules are missing: they "
			       "cannot be put back before a reboot",
			       b->lock_who);
		else
			log_warn("audit configuration locked (-e 2) by %s: "
				 "nswatch's rules stay loaded (nswatch cannot "
				 "remove them at exit either)", b->lock_who);
	}
}

static void periodic(struct backend *b)
{
	uint64_t t = nsw_clock_s(CLOCK_MONOTONIC);

	if (t >= b->next_tick) {
		/* serials missing since the last tick become gaps */
		b->next_tick = t + MAP_TICK_S;
		audit_map_tick(b->map);
	}
	if (b->ctl >= 0 && b->ops->daemon && t >= b->next_status) {
		/* cheap (one AUDIT_GET): a daemon that took the socket
		 * on a kernel that allows it sends us nothing more */
		b->next_status = t + BLIND_CHECK_S;
		check_status(b);
	}
	if (t < b->next_check)
		return;
	b->next_check = t + (blind_any(b) ? BLIND_CHECK_S :
			     b->check_interval);
	if (b->ctl >= 0) {
		check_status(b);
		check_rules(b);
		check_shadow(b, NULL);
		b->next_check = t + (blind_any(b) ? BLIND_CHECK_S :
				     b->check_interval);
	}
	if (b->test_pid && t >= b->test_forget)
		b->test_pid = 0;
	push_stats(b);
}

static unsigned int check_interval(void)
{
	const char *env = getenv("NSWATCH_AUDIT_CHECK_INTERVAL");
	unsigned long v;
	char *end;

	if (!env || !*env)
		return CHECK_INTERVAL_S;
	v = strtoul(env, &end, 10);
	if (*end || v < 1 || v > 3600)
		return CHECK_INTERVAL_S;
	return (unsigned int)v;
}

/* ---- start ------------------------------------------------------------------ */

static void set_rcvbuf(int fd)
{
	int v = RCVBUF_BYTES;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

static int open_multicast(char *why, size_t whylen)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		snprintf(why, whylen, "netlink audit socket: %s",
			 strerror(errno));
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1u << (NSW_NLGRP_READLOG - 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		snprintf(why, whylen, "cannot join the audit multicast group: "
			 "%s%s", strerror(e), e == EPERM ?
			 " (needs CAP_AUDIT_READ)" : "");
		close(fd);
		return -e;
	}
	set_rcvbuf(fd);
	return fd;
}

/* Become the audit daemon: audit pid, enabled, backlog limit. */
static int take_netlink(struct backend *b, const struct audit_status_v *st,
			char *why, size_t whylen)
{
	int r;

	if (st->failure == 2) {
		snprintf(why, whylen, "the audit failure mode is panic (-f 2): "
			 "nswatch will not be the audit daemon, as its exit "
			 "or a full backlog would panic the kernel");
		return -EPERM;
	}
	b->evfd = audit_open();
	if (b->evfd < 0) {
		r = -errno;
		snprintf(why, whylen, "audit socket: %s", strerror(-r));
		return r;
	}
	set_rcvbuf(b->evfd);
	/* records go to the socket that registers the pid */
	r = audit_set_pid(b->evfd, (uint32_t)getpid(), WAIT_NO);
	if (r < 0) {
		snprintf(why, whylen, "cannot become the audit daemon: %s",
			 strerror(-r));
		return r;
	}
	b->pid_set = true;
	if (st->enabled == 0) {
		r = audit_set_enabled(b->ctl, 1);
		if (r < 0) {
			snprintf(why, whylen, "cannot enable audit: %s",
				 strerror(-r));
			return r;
		}
		b->enabled_set = true;
		b->old_enabled = 0;
		log_warn("audit was disabled: enabled it; processes started "
			 "before audit was first enabled are not audited "
			 "(boot with audit=1)");
	}
	/* st->len: kernels before 3.15 have no backlog_wait_time */
	if (st->len >= offsetof(struct audit_status_v, backlog_wait_time) +
		       sizeof(st->backlog_wait_time) &&
	    st->backlog_wait_time != NETLINK_BACKLOG_WAIT &&
	    st->enabled != 2) {
		/* recorded first: if we are killed, the next start puts
		 * the value back (audit_wait_repair) */
		r = audit_wait_save(st->backlog_wait_time);
		if (r < 0)
			log_warn("cannot record the audit backlog_wait_time "
				 "%u in %s/%s (a killed nswatch would leave 0 "
				 "behind): %s", st->backlog_wait_time,
				 audit_rules_state_dir(),
				 AUDIT_WAIT_STATE_FILE, strerror(-r));
		r = audit_set_backlog_wait_time(b->ctl, NETLINK_BACKLOG_WAIT);
		if (r < 0) {
			audit_wait_forget();
			log_warn("cannot lower the audit backlog_wait_time "
				 "(%u): a full backlog makes every audited "
				 "syscall wait: %s", st->backlog_wait_time,
				 strerror(-r));
		} else {
			b->wait_set = true;
			b->old_wait = st->backlog_wait_time;
		}
	}
	if (st->backlog_limit < NETLINK_BACKLOG && st->enabled != 2) {
		r = audit_set_backlog_limit(b->ctl, NETLINK_BACKLOG);
		if (r < 0) {
			log_warn("cannot raise the audit backlog limit to %u: "
				 "%s", NETLINK_BACKLOG, strerror(-r));
		} else {
			b->backlog_set = true;
			b->old_backlog = st->backlog_limit;
		}
	}
	return 0;
}

/* The backlog settings nswatch changed as the audit daemon, back. */
static void restore_backlog(struct backend *b)
{
	int r;

	if (b->wait_set) {
		r = audit_set_backlog_wait_time(b->ctl, b->old_wait);
		if (r < 0)
			log_warn("cannot restore the audit backlog_wait_time "
				 "%u: %s", b->old_wait, strerror(-r));
		else
			audit_wait_forget();
		b->wait_set = false;
	}

	if (b->backlog_set) {
		r = audit_set_backlog_limit(b->ctl, b->old_backlog);
		if (r < 0)
			log_warn("cannot restore the audit backlog limit %u: "
				 "%s", b->old_backlog, strerror(-r));
		b->backlog_set = false;
	}
}

/* No longer the audit daemon: the audit pid back to none. */
static void release_pid(struct backend *b)
{
	int r;

	if (!b->pid_set)
		return;
	r = audit_set_pid(b->ctl, 0, WAIT_NO);
	if (r < 0)
		log_warn("cannot release the audit socket: %s", strerror(-r));
	b->pid_set = false;
}

static void restore_netlink(struct backend *b)
{
	int r;

	restore_backlog(b);
	if (b->enabled_set) {
		r = audit_set_enabled(b->ctl, b->old_enabled);
		if (r < 0)
			log_warn("cannot disable audit again: %s",
				 strerror(-r));
		b->enabled_set = false;
	}
	release_pid(b);
}

/*
 * Netlink mode: another audit daemon wants the socket (auditd started
 * after us; the kernel refuses it while we hold the socket, since 4.x) or
 * has taken it (older kernels).  Rather than keep auditd out, or go
 * blind, read the multicast group beside it: join the group first, then
 * give the socket up, then drain what the unicast socket still holds
 * (records are multicast before they are unicast, so the group's copy of
 * a record already read is skipped by serial).  Audit stays enabled and
 * our rules stay; the backlog settings go back to what they were.
 * 0, or -errno when the group cannot be joined (we stay as we were).
 */
static int switch_to_multicast(struct backend *b, const char *why)
{
	struct audit_probe pr;
	char err[256];
	int fd;

	if (!b->ops->daemon)
		return 0;
	memset(&pr, 0, sizeof(pr));
	audit_probe_kernel(&pr.kernel_major, &pr.kernel_minor);
	if (pr.kernel_major < AUDIT_MULTICAST_MIN_MAJOR ||
	    (pr.kernel_major == AUDIT_MULTICAST_MIN_MAJOR &&
	     pr.kernel_minor < AUDIT_MULTICAST_MIN_MINOR)) {
		log_err("%s; kernel %d.%d has no audit multicast: run nswatch "
			"as an auditd plugin", why, pr.kernel_major,
			pr.kernel_minor);
		return -EOPNOTSUPP;
	}
	fd = open_multicast(err, sizeof(err));
	if (fd < 0) {
		log_err("%s; cannot switch to the multicast group: %s", why,
			err);
		return fd;
	}
	restore_backlog(b);
	release_pid(b);
	/* audit stays on for the new daemon */
	b->enabled_set = false;
	read_source(b, INT32_MAX);
	close(b->evfd);
	b->evfd = fd;
	b->ops = &src_multicast;
	b->mc_skip_upto = b->last_serial;
	b->mc_skip_until = nsw_clock_s(CLOCK_MONOTONIC) + 5;
	log_warn("%s: nswatch gave the audit socket up and reads the multicast"
		 " group instead%s", why, strstr(why, "refused") ? " (start "
		 "that daemon again: the kernel refused it while nswatch held "
		 "the socket)" : "");
	return 0;
}

/*
 * Prove that records reach us: a child calls setns() into its own uts
 * namespace, which changes nothing (or fails with EPERM without
 * CAP_SYS_ADMIN), and which the setns rule audits either way.  Not
 * setns(-1, 0): the rule leaves out calls failing with EBADF or EINVAL
 * (a pod repeating them would flood the queue); nor unshare(0): the
 * unshare rule wants a CLONE_NEW* flag.  Its record is recognised by
 * pid and kept out of the output.
 */
static int selftest(struct backend *b, char *why, size_t whylen)
{
	struct pollfd pfd = { .fd = b->evfd, .events = POLLIN };
	uint64_t deadline;
	pid_t pid;
	int r;

	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "self-test: fork: %s", strerror(errno));
		return -errno;
	}
	if (pid == 0) {
		int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

		syscall(SYS_setns, fd, CLONE_NEWUTS);
		_exit(0);
	}
	b->test_pid = pid;
	b->test_seen = false;
	b->test_forget = nsw_clock_s(CLOCK_MONOTONIC) + 10;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	deadline = nsw_clock_ms(CLOCK_MONOTONIC) + SELFTEST_MS;
	while (!b->test_seen) {
		uint64_t t = nsw_clock_ms(CLOCK_MONOTONIC);

		if (t >= deadline)
			break;
		r = poll(&pfd, 1, (int)(deadline - t));
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "self-test: poll: %s",
				 strerror(errno));
			return -errno;
		}
		r = read_source(b, READ_BUDGET);
		if (r < 0) {
			snprintf(why, whylen, "self-test: reading: %s",
				 strerror(-r));
			return r;
		}
	}
	if (b->test_seen)
		return 0;
	snprintf(why, whylen, "self-test: the audit record of our own "
		 "setns() into its uts namespace did not arrive%s within "
		 "%d s%s",
		 b->ops->selftest_where, SELFTEST_MS / 1000,
		 b->ops->selftest_hint);
	return -ETIMEDOUT;
}

static void warn_survey(struct backend *b)
{
	struct audit_rule_list l;
	struct audit_rules_survey sv;
	long k;

	if (b->ctl < 0 || audit_rules_list(b->ctl, &l) < 0)
		return;
	audit_rules_survey(&l, &sv);
	k = audit_ruleset_shadowed(b->rs, &l, b->shadow_what,
				   sizeof(b->shadow_what));
	audit_rule_list_free(&l);
	/* there before us: said here, and not alerted as a change later */
	if (k >= 0)
		log_warn("an audit rule %s (%s, rule %ld of the kernel's "
			 "list) hides records nswatch's audit rules ask for: "
			 "they are not audited while it stays",
			 shadow_kind(b->shadow_what), b->shadow_what, k + 1);
	if (sv.never_exit || sv.never_task)
		log_warn("%u audit rule%s with action never (%u exit, %u task)"
			 " may hide events from nswatch: first match wins",
			 sv.never_exit + sv.never_task,
			 sv.never_exit + sv.never_task == 1 ? "" : "s",
			 sv.never_exit, sv.never_task);
	if (sv.eoe_excluded)
		log_warn("an audit rule excludes EOE records: events are "
			 "completed by a 2 s timeout instead");
}

/* Undo everything start() did so far. */
static void teardown(struct backend *b)
{
	int r;

	if (b->rs && b->ctl >= 0 && audit_ruleset_owned(b->rs)) {
		r = audit_ruleset_remove(b->rs, b->ctl);
		if (r < 0)
			log_warn("cannot remove all nswatch audit rules: %s",
				 strerror(-r));
	}
	if (b->ctl >= 0)
		restore_netlink(b);
	if (!b->ops->stream && b->evfd >= 0)
		close(b->evfd);
	b->evfd = -1;
	if (b->ctl >= 0)
		audit_close(b->ctl);
	b->ctl = -1;
	if (b->au)
		auparse_destroy(b->au);
	b->au = NULL;
	audit_map_free(b->map);
	audit_ruleset_free(b->rs);
	strbuf_release(&b->line);
	free(b->buf);
	free(b);
}

/* Plugins inherit auditd's signal mask: let SIGTERM/SIGHUP/SIGINT in. */
static void unblock_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* ---- the sources --------------------------------------------------------- */

static int plugin_open(struct backend *b, const struct audit_probe *pr,
		       char *why, size_t whylen)
{
	unblock_signals();
	b->evfd = 0;
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	if (pr->status_err == 0 && pr->st.enabled == 0)
		log_warn("audit is disabled (enabled=0): auditd will "
			 "send nothing");
	return 0;
}

static int multicast_open(struct backend *b, const struct audit_probe *pr,
			  char *why, size_t whylen)
{
	int fd;

	if (pr->st.enabled == 0) {
		snprintf(why, whylen, "audit is disabled (enabled=0) "
			 "and %s owns its settings: enable it with "
			 "`auditctl -e 1`", pr->daemon_alive ?
			 "the audit daemon" : "nobody");
		return -ENODATA;
	}
	if (!pr->daemon_alive)
		log_warn("no audit daemon runs: records also go to the "
			 "kernel log");
	fd = open_multicast(why, whylen);
	if (fd < 0)
		return fd;
	b->evfd = fd;
	return 0;
}

static int netlink_open(struct backend *b, const struct audit_probe *pr,
			char *why, size_t whylen)
{
	int r = take_netlink(b, &pr->st, why, whylen);

	if (r < 0)
		return r;
	b->disabled.open = false;
	return 0;
}

/* One table per source (struct src_ops): the same shape three times by
 * design. */
static const struct src_ops src_plugin = {
	.name = "plugin",
	.stream = true,
	.bufsz = STDIN_BYTES,
	.open = plugin_open,
	.read = plugin_read,
	.feed = plugin_feed,
	.selftest_where = "",
	.selftest_hint = "",
};

static const struct src_ops src_multicast = {
	.name = "multicast",
	.own_rules = true,
	.bufsz = NLBUF_BYTES,
	.open = multicast_open,
	.read = socket_read,
	.feed = socket_feed,
	.keep = multicast_keep,
	.selftest_where = " on the multicast group",
	.selftest_hint = ": this kernel does not deliver multicast audit "
			 "records (RHEL 7 binds but never sends), or a never "
			 "rule hides it; run nswatch as an auditd plugin",
};

static const struct src_ops src_netlink = {
	.name = "netlink",
	.own_rules = true,
	.daemon = true,
	.bufsz = NLBUF_BYTES,
	.open = netlink_open,
	.read = socket_read,
	.feed = socket_feed,
	.keep = netlink_keep,
	.selftest_where = "",
	.selftest_hint = " (a never rule hiding it?)",
};

static int audit_start(struct backend **out, const struct nsw_options *o,
		       struct pipeline *p, char *why, size_t whylen)
{
	struct audit_probe pr;
	struct backend *b;
	enum audit_source src;
	char reason[384], rwhy[256], missing[512];
	unsigned int added = 0, stale = 0;
	int r, n;

	*out = NULL;
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	audit_probe_status(o->procfs, &pr);
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	b->o = o;
	b->p = p;
	b->ctl = -1;
	b->evfd = -1;
	b->mode = audit_rules_mode(o);
	b->check_interval = check_interval();
	b->ops = &src_plugin;	/* until chosen: teardown closes nothing */
	r = choose_source(o, &pr, &src, reason, sizeof(reason));
	if (r < 0) {
		snprintf(why, whylen, "%s", reason);
		goto fail;
	}
	b->ops = sources[src];
	log_info("audit source %s: %s", b->ops->name, reason);
	b->bufsz = b->ops->bufsz;
	b->buf = malloc(b->bufsz);
	b->map = audit_map_new(0);
	b->rs = audit_ruleset_new(b->mode, 0);
	b->au = auparse_init(AUSOURCE_FEED, 0);
	if (!b->buf || !b->map || !b->rs || !b->au) {
		r = -ENOMEM;
		snprintf(why, whylen, "cannot set up the audit parser");
		goto fail;
	}
	auparse_add_callback(b->au, on_event, b, NULL);
#ifdef HAVE_AUPARSE_SET_EOE_TIMEOUT
	/* the sockets' events are completed by open_expire() (see
	 * OPEN_EVENTS); after auparse_init, which reads auditd.conf's */
	if (b->ops->own_rules)
		auparse_set_eoe_timeout(OPEN_EOE_TIMEOUT_S);
#endif
	if (audit_ruleset_notes(b->rs)[0])
		log_info("audit rules: %s", audit_ruleset_notes(b->rs));

	b->ctl = audit_open();
	if (b->ctl < 0) {
		r = -errno;
		if (b->ops->own_rules) {
			snprintf(why, whylen, "audit socket: %s", strerror(-r));
			goto fail;
		}
		log_warn("cannot open an audit control socket (%s): rules and "
			 "losses are not checked", strerror(-r));
	}
	if (pr.status_err == 0 && pr.st.enabled == 0) {
		/* blind from the start: said once below, not a tamper */
		blind_open(&b->disabled, 0, NULL);
		b->disabled.alerted = true;
	}
	b->locked = pr.locked;
	if (pr.status_err == 0)
		account_lost(b, pr.st.lost);

	r = b->ops->open(b, &pr, why, whylen);
	if (r < 0)
		goto fail;
	if (src == SRC_PLUGIN)
		plugin_gap_open(b);

	if (b->ops->own_rules) {
		r = audit_rules_cleanup_stale(b->ctl, &stale);
		if (r < 0)
			log_warn("cleaning up stale nswatch audit rules: %s",
				 strerror(-r));
		if (stale)
			log_info("removed %u audit rule%s left by an nswatch "
				 "that died", stale, stale == 1 ? "" : "s");
		r = audit_ruleset_install(b->rs, b->ctl, &added, rwhy,
					  sizeof(rwhy));
		if (r < 0) {
			n = audit_ruleset_check(b->rs, b->ctl, missing,
						sizeof(missing));
			if (r == -EPERM && n == 0) {
				/* locked, but auditd loaded them: fine */
				log_info("audit rules are locked; nswatch's "
					 "rules are already loaded");
			} else {
				snprintf(why, whylen, "%s%s", rwhy, r == -EPERM
					 ? " (audit rules locked with -e 2?)"
					 : "");
				goto fail;
			}
		}
		if (audit_ruleset_notes(b->rs)[0])
			log_info("audit rules: %s", audit_ruleset_notes(b->rs));
		b->shared_rules = audit_ruleset_owned(b->rs) <
				  audit_ruleset_count(b->rs);
		if (b->shared_rules)
			log_info("%zu of nswatch's audit rules were loaded "
				 "already: if they are removed, nswatch waits "
				 "%d ms for a reload (augenrules --load) before "
				 "it puts them back", audit_ruleset_count(b->rs)
				 - audit_ruleset_owned(b->rs), HEAL_QUIET_MS);
	}
	if (b->ctl >= 0) {
		n = audit_ruleset_check(b->rs, b->ctl, missing,
					sizeof(missing));
		if (n > 0 && b->ops->own_rules) {
			snprintf(why, whylen, "audit rules missing after "
				 "install: %s", missing);
			r = -EIO;
			goto fail;
		}
		if (n > 0)
			log_warn("%d of nswatch's audit rules are not loaded "
				 "(%s): install rules/nswatch.rules into "
				 "/etc/audit/rules.d and run augenrules --load",
				 n, missing);
		else if (n < 0)
			log_warn("cannot list audit rules: %s", strerror(-n));
		if (n != 0) {
			blind_open(&b->rules_gone, 0, NULL);
			b->rules_gone.alerted = true;	/* warned above */
		}
		warn_survey(b);
	}

	if (b->ops->own_rules) {
		r = selftest(b, why, whylen);
		if (r < 0)
			goto fail;
	}
	b->next_check = nsw_clock_s(CLOCK_MONOTONIC) + b->check_interval;
	b->next_tick = nsw_clock_s(CLOCK_MONOTONIC) + MAP_TICK_S;
	b->last_data = nsw_clock_s(CLOCK_MONOTONIC);
	log_info("audit backend in place: source %s, exec rules %s, %zu rules"
		 " (%u added by nswatch)%s", b->ops->name,
		 audit_rules_mode_name(b->mode), audit_ruleset_count(b->rs),
		 added, b->ops->own_rules ? ", self-test passed" : "");
	*out = b;
	return 0;
fail:
	teardown(b);
	return r < 0 ? r : -EIO;
}

/* ---- run / stats / stop --------------------------------------------------------- */

static int audit_run(struct backend *b, volatile sig_atomic_t *stop)
{
	struct pollfd pfd[2] = { { .fd = b->evfd, .events = POLLIN } };
	int r, err = 0;
	nfds_t nfd = 1;

	/* the host's mount table: each container's root file system
	 * device, learnt at mount time, names the container of a process
	 * gone before /proc is read (R17) */
	pfd[1].fd = pipeline_mount_fd(b->p);
	pfd[1].events = POLLPRI;
	if (pfd[1].fd >= 0)
		nfd = 2;
	while (!*stop && !b->eof) {
		int wait = cc_expire(b), w2 = blind_flush_all(b);

		if (w2 >= 0 && (wait < 0 || w2 < wait))
			wait = w2;
		if (b->heal_at) {
			uint64_t t = nsw_clock_ms(CLOCK_MONOTONIC);

			w2 = b->heal_at > t ? (int)(b->heal_at - t) : 0;
			if (wait < 0 || w2 < wait)
				wait = w2;
		}
		pfd[0].fd = b->evfd;	/* a switch to multicast changes it */
		r = poll(pfd, nfd, wait >= 0 && wait < 1000 ? wait : 1000);
		if (r < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		/* mounts first: the records read next may be of processes
		 * in a container mounted (and gone) since */
		if (r > 0 && nfd == 2 && (pfd[1].revents & (POLLPRI | POLLERR)))
			pipeline_mount_changed(b->p);
		if (r > 0 && pfd[0].revents) {
			r = read_source(b, READ_BUDGET);
			if (r < 0) {
				err = r;
				break;
			}
			if (pfd[0].revents & (POLLHUP | POLLERR) &&
			    b->ops->stream && !b->eof) {
				/* hang-up with nothing left: the end */
				r = read_source(b, READ_BUDGET);
				if (r < 0)
					err = r;
				b->eof = true;
			}
		}
		cc_expire(b);
		if (b->ops->own_rules)
			open_expire(b);
		react(b);
		/* complete events whose EOE never came */
		if (auparse_feed_has_data(b->au) &&
		    nsw_clock_s(CLOCK_MONOTONIC) >= b->last_data + 1)
			auparse_feed_age_events(b->au);
		periodic(b);
		pipeline_tick(b->p);
	}
	/* drain what is queued, then complete every pending event */
	if (!err && !b->eof)
		read_source(b, READ_BUDGET * 4);
	auparse_flush_feed(b->au);
	react(b);
	/* windows undone but not yet reported: now */
	b->rules_gone.quiet_until = b->disabled.quiet_until = 0;
	blind_flush_all(b);
	audit_map_flush(b->map);
	if (b->eof)
		log_info("audit plugin input closed: exiting");
	/* auditd ends its plugins with SIGTERM or the end of the input */
	if (b->ops == &src_plugin)
		plugin_mark_stopped();
	if (err)
		log_err("reading audit records: %s", strerror(-err));
	return err;
}

static void audit_stats(struct backend *b, struct nsw_stats *st)
{
	struct audit_status_v s;

	if (b->ctl >= 0 && audit_status_get(b->ctl, &s) == 0)
		account_lost(b, s.lost);
	account_map(b);
	st->kernel_lost += b->pend.kernel_lost;
	st->seq_gaps += b->pend.seq_gaps;
	st->parse_errors += b->pend.parse_errors;
	memset(&b->pend, 0, sizeof(b->pend));
}

static void audit_stop(struct backend *b)
{
	if (!b)
		return;
	teardown(b);
}

/* kept after start(); cmd-monitor.c drops the rest */
static const int audit_keep_caps[] = {
	CAP_DAC_OVERRIDE,	/* reopen the output after SIGHUP */
	CAP_AUDIT_CONTROL,	/* rule checks, status, restore */
	CAP_AUDIT_READ,		/* multicast (checked at bind) */
	CAP_SYS_PTRACE,		/* /proc/PID/{ns,exe,cwd} of anyone */
	CAP_DAC_READ_SEARCH,	/* runtime state not owned by root */
};

/* backend.h's interface, filled the same way by backend-bpf.c and
 * backend-bpf-none.c: the shape repeats by design. */
const struct backend_ops backend_audit_ops = {
	.name = "audit",
	.keep_caps = audit_keep_caps,
	.n_keep_caps = sizeof(audit_keep_caps) / sizeof(audit_keep_caps[0]),
	.probe = audit_probe_op,
	.start = audit_start,
	.run = audit_run,
	.stats = audit_stats,
	.stop = audit_stop,
};
