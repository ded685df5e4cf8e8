/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The audit subsystem's state, for `nswatch probe` and source choice. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libaudit.h>

#include "audit-probe.h"
#include "strbuf.h"
#include "util.h"

#ifndef AUDIT_FEATURE_BITMAP_BACKLOG_WAIT_TIME
#define AUDIT_FEATURE_BITMAP_BACKLOG_WAIT_TIME 0x00000002
#endif

int audit_probe_kernel(int *major, int *minor)
{
	struct utsname u;
	char *end;

	*major = *minor = 0;
	if (uname(&u) < 0)
		return -errno;
	*major = (int)strtol(u.release, &end, 10);
	if (*end != '.')
		return -EINVAL;
	*minor = (int)strtol(end + 1, NULL, 10);
	return 0;
}

void audit_probe_comm(const char *procfs, uint32_t pid, char *buf,
		      size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	if (!len)
		return;
	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%u/comm", procfs, pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

static bool pid_alive(const char *procfs, uint32_t pid)
{
	char path[256];
	struct stat sb;

	if (!pid)
		return false;
	if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
		return true;
	/* another pid namespace's view: fall back to procfs */
	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	return stat(path, &sb) == 0;
}

static bool conf_has_nswatch(const char *dir)
{
	static const char *const names[] = { "nswatch.conf",
					     "nswatch-plugin.conf" };
	char path[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

static unsigned int missing_for(enum nsw_exec_rules mode,
				const struct audit_rule_list *l)
{
	struct audit_ruleset *rs = audit_ruleset_new(mode, 0);
	unsigned int n;

	if (!rs)
		return 0;
	n = audit_ruleset_missing(rs, l, NULL, 0);
	audit_ruleset_free(rs);
	return n;
}

const char *audit_probe_plugin_dir(void)
{
	struct stat sb;

	if (stat("/etc/audit/plugins.d", &sb) == 0 && S_ISDIR(sb.st_mode))
		return "/etc/audit/plugins.d";
	if (stat("/etc/audisp/plugins.d", &sb) == 0 && S_ISDIR(sb.st_mode))
		return "/etc/audisp/plugins.d";
	return NULL;
}

int audit_probe_status(const char *procfs, struct audit_probe *out)
{
	struct audit_rule_list l = { NULL, 0 };
	int fd;

	memset(out, 0, sizeof(*out));
	audit_probe_kernel(&out->kernel_major, &out->kernel_minor);
	out->multicast = out->kernel_major > AUDIT_MULTICAST_MIN_MAJOR ||
			 (out->kernel_major == AUDIT_MULTICAST_MIN_MAJOR &&
			  out->kernel_minor >= AUDIT_MULTICAST_MIN_MINOR);
	out->clone3_known = audit_rules_clone3_known();
	out->plugin_dir = audit_probe_plugin_dir();
	if (out->plugin_dir)
		out->plugin_conf = conf_has_nswatch(out->plugin_dir);

	set_aumessage_mode(MSG_QUIET, DBG_NO);
	fd = audit_open();
	if (fd < 0) {
		out->status_err = -errno;
		out->rules_err = out->status_err;
		return out->status_err;
	}
	out->status_err = audit_status_get(fd, &out->st);
	if (!out->status_err) {
		out->locked = out->st.enabled == 2;
		out->backlog_wait_time_known =
			out->st.len > offsetof(struct audit_status_v,
					       backlog_wait_time) &&
			(out->st.feature_bitmap &
			 AUDIT_FEATURE_BITMAP_BACKLOG_WAIT_TIME);
		out->daemon_alive = pid_alive(procfs, out->st.pid);
		if (out->daemon_alive)
			audit_probe_comm(procfs, out->st.pid, out->daemon_comm,
					 sizeof(out->daemon_comm));
	}
	out->rules_err = audit_rules_list(fd, &l);
	if (!out->rules_err) {
		audit_rules_survey(&l, &out->rules);
		out->missing_all = missing_for(NSW_EXEC_RULES_ALL, &l);
		out->missing_none = missing_for(NSW_EXEC_RULES_NONE, &l);
		audit_rule_list_free(&l);
	}
	audit_close(fd);
	return 0;
}

static bool kernel_at_least(const struct audit_compat *c, int major, int minor)
{
	return c->kernel_major > major ||
	       (c->kernel_major == major && c->kernel_minor >= minor);
}

void audit_compat_text(const struct audit_compat *c, struct strbuf *sb)
{
	bool mc = kernel_at_least(c, AUDIT_MULTICAST_MIN_MAJOR,
				  AUDIT_MULTICAST_MIN_MINOR);

	strbuf_addf(sb, "  %-16s %s\n", "multicast", mc ?
		    "yes (kernel >= 3.16)" :
		    "no (kernel < 3.16): with auditd running, nswatch runs as "
		    "its plugin (contrib/nswatch-plugin.conf); without, it "
		    "becomes the audit daemon");
	strbuf_addf(sb, "  %-16s %s\n", "clone3", kernel_at_least(c, 5, 3) ?
		    "yes (kernel >= 5.3)" :
		    "no (kernel < 5.3): nothing creates namespaces through it; "
		    "clone, unshare and setns are watched");
	strbuf_addf(sb, "  %-16s %s\n", "execveat", kernel_at_least(c, 3, 19) ?
		    "yes (kernel >= 3.19)" :
		    "no (kernel < 3.19): execve alone is watched (the "
		    "execveat rule never matches)");
	strbuf_addf(sb, "  %-16s %s\n", "libaudit clone3", c->libaudit_clone3 ?
		    "known (audit >= 3.0)" :
		    "unknown (audit < 3.0): the rules nswatch loads itself "
		    "leave clone3 out");
	if (c->auditctl_major < 0)
		strbuf_addf(sb, "  %-16s %s\n", "auditctl",
			    "not found: no rules file can be loaded with it");
	else if (c->auditctl_major < 3)
		strbuf_addf(sb, "  %-16s %s: knows no clone3; load `nswatch "
			    "rules --audit-version=2.8` (clone3 by number)\n",
			    "auditctl", c->auditctl_version);
	else
		strbuf_addf(sb, "  %-16s %s: loads rules/nswatch.rules\n",
			    "auditctl", c->auditctl_version);
	if (!c->plugin_dir)
		strbuf_addf(sb, "  %-16s %s\n", "audit plugins",
			    "no plugin directory (auditd not installed)");
	else if (strstr(c->plugin_dir, "audisp"))
		strbuf_addf(sb, "  %-16s %s (audispd, audit 2.8): nswatch reads "
			    "audispd's string format on stdin, the same as "
			    "auditd 3's\n", "audit plugins", c->plugin_dir);
	else
		strbuf_addf(sb, "  %-16s %s (auditd >= 3.0)\n",
			    "audit plugins", c->plugin_dir);
}
