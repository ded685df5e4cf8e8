/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State file of the audit backlog_wait_time, see audit-wait.h.
 *
 * Format (text, one owner): "owner PID STARTTIME\nwait N\n".  The owner's
 * start time tells a running nswatch from a reused pid.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libaudit.h>
#include "audit-rules.h"
#include "audit-wait.h"

static int state_path(char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", audit_rules_state_dir(),
			     AUDIT_WAIT_STATE_FILE) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int audit_wait_save(uint32_t old)
{
	char path[PATH_MAX], text[96];
	const char *dir = audit_rules_state_dir();
	int r, n;

	r = state_path(path, sizeof(path));
	if (r < 0)
		return r;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	n = snprintf(text, sizeof(text), "owner %ld %llu\nwait %u\n",
		     (long)getpid(), audit_rules_proc_starttime((long)getpid()),
		     old);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -EOVERFLOW;
	return audit_rules_write_state(path, text, (size_t)n);
}

int audit_wait_forget(void)
{
	char path[PATH_MAX];
	int r;

	r = state_path(path, sizeof(path));
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Read the state file: 0 with owner and value, -ENOENT, -EPERM, -EINVAL. */
static int state_read(long *pid, unsigned long long *start, uint32_t *wait)
{
	char path[PATH_MAX], text[128];
	struct stat sb;
	unsigned int v;
	ssize_t n;
	int fd, r;

	r = state_path(path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	/* only a root-owned regular file nobody else may write tells the
	 * kernel what to do */
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & 022)) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	text[n] = '\0';
	if (sscanf(text, "owner %ld %llu\nwait %u", pid, start, &v) != 3 ||
	    *pid <= 0)
		return -EINVAL;
	*wait = v;
	return 0;
}

int audit_wait_repair(uint32_t *restored)
{
	struct audit_status_v st;
	unsigned long long start;
	uint32_t wait;
	long pid;
	int fd, r;

	r = state_read(&pid, &start, &wait);
	/* EACCES: not root, so not an audit daemon's heir either */
	if (r == -ENOENT || r == -EACCES)
		return 0;
	if (r == -EINVAL)
		return audit_wait_forget() < 0 ? -EINVAL : 0;
	if (r < 0)
		return r;
	if (pid != (long)getpid() && audit_rules_owner_alive(pid, start))
		return 0;	/* it is that nswatch's 0, for now */
	fd = audit_open();
	if (fd < 0)
		return -errno;
	r = audit_status_get(fd, &st);
	if (r == 0 && st.len < offsetof(struct audit_status_v,
					backlog_wait_time) +
			       sizeof(st.backlog_wait_time))
		r = -EOPNOTSUPP;
	if (r == 0 && st.backlog_wait_time == 0 && wait != 0) {
		r = audit_set_backlog_wait_time(fd, wait);
		if (r >= 0) {
			*restored = wait;
			r = 1;
		}
	}
	audit_close(fd);
	if (r >= 0) {
		/* owner gone: the record has served, whatever the value */
		int f = audit_wait_forget();

		if (f < 0 && r == 0)
			r = f;
	}
	return r;
}
