/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the audit subsystem looks like right now: for `nswatch probe` and
 * for the audit backend's choice of source.  Nothing here logs.
 */
#ifndef NSWATCH_AUDIT_PROBE_H
#define NSWATCH_AUDIT_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "audit-rules.h"
#include "strbuf.h"

/* Kernel multicast (AUDIT_NLGRP_READLOG) exists from Linux 3.16. */
#define AUDIT_MULTICAST_MIN_MAJOR 3
#define AUDIT_MULTICAST_MIN_MINOR 16

struct audit_probe {
	/* kernel */
	int kernel_major, kernel_minor;
	bool multicast;			/* kernel >= 3.16 */

	/* AUDIT_GET; status_err is 0 or -errno (-EPERM without
	 * CAP_AUDIT_CONTROL, -EPROTONOSUPPORT without audit support) */
	int status_err;
	struct audit_status_v st;
	bool locked;			/* enabled == 2: rules are frozen */
	bool backlog_wait_time_known;	/* kernel reports it */

	/* the audit daemon holding the audit pid, if any */
	bool daemon_alive;		/* st.pid != 0 and the process exists */
	char daemon_comm[16];		/* its /proc/PID/comm, "" unknown */

	/* rules; rules_err is 0 or -errno of AUDIT_LIST_RULES */
	int rules_err;
	struct audit_rules_survey rules;
	unsigned int missing_all;	/* --exec-rules=all rules not loaded */
	unsigned int missing_none;	/* namespace rules not loaded */

	/* userspace */
	bool clone3_known;		/* libaudit >= 3.0 knows clone3 */
	const char *plugin_dir;		/* /etc/audit/plugins.d (3.x) or
					 * /etc/audisp/plugins.d (2.8), NULL */
	bool plugin_conf;		/* an nswatch .conf is in plugin_dir */
};

/*
 * Old kernels and audit userspace (RHEL 7: kernel 3.10, audit 2.8): what
 * is missing and what nswatch does instead, for `nswatch probe`.
 */
struct audit_compat {
	int kernel_major, kernel_minor;	/* running kernel */
	bool libaudit_clone3;		/* linked libaudit knows clone3 */
	int auditctl_major;		/* this host's auditctl, -errno */
	const char *auditctl_version;	/* "3.0.9", "" unknown */
	const char *plugin_dir;		/* as audit_probe.plugin_dir */
};

/* One "  name  state: what nswatch does" line per item into sb. */
void audit_compat_text(const struct audit_compat *c, struct strbuf *sb);

/* Fill out (never fails as a whole: the *_err fields say what could not
 * be read).  procfs: usually "/proc".  Returns 0, or -errno when not even
 * an audit socket could be opened (out->status_err has it too). */
int audit_probe_status(const char *procfs, struct audit_probe *out);

/* The audit plugin directory: /etc/audit/plugins.d (auditd >= 3.0),
 * else /etc/audisp/plugins.d (audispd, audit 2.8), else NULL. */
const char *audit_probe_plugin_dir(void);

/* Kernel version from uname(2); 0 or -errno. */
int audit_probe_kernel(int *major, int *minor);

/* /proc/PID/comm into buf ("" when unreadable). */
void audit_probe_comm(const char *procfs, uint32_t pid, char *buf,
		      size_t len);

#endif
