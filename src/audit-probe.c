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

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
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

int audit_probe_status(const char *procfs, struct audit_probe *out)
{
	struct audit_rule_list l = { NULL, 0 };
	struct stat sb;
	int fd;

	memset(out, 0, sizeof(*out));
	audit_probe_kernel(&out->kernel_major, &out->kernel_minor);
	out->multicast = out->kernel_major > AUDIT_MULTICAST_MIN_MAJOR ||
			 (out->kernel_major == AUDIT_MULTICAST_MIN_MAJOR &&
			  out->kernel_minor >= AUDIT_MULTICAST_MIN_MINOR);
	out->clone3_known = audit_rules_clone3_known();
	if (stat("/etc/audit/plugins.d", &sb) == 0 && S_ISDIR(sb.st_mode))
		out->plugin_dir = "/etc/audit/plugins.d";
	else if (stat("/etc/audisp/plugins.d", &sb) == 0 &&
		 S_ISDIR(sb.st_mode))
		out->plugin_dir = "/etc/audisp/plugins.d";
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
