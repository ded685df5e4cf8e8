/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log-dest.h"

enum log_dest log_dest_auto(const struct stat *err_st, bool tty,
			    const char *journal_stream)
{
	char want[64];

	if (!err_st)
		return LOG_DEST_SYSLOG;
	if (journal_stream && *journal_stream) {
		snprintf(want, sizeof(want), "%" PRIu64 ":%" PRIu64,
			 (uint64_t)err_st->st_dev, (uint64_t)err_st->st_ino);
		/* inherited by a child whose stderr went elsewhere: only
		 * the very stream counts */
		if (!strcmp(want, journal_stream))
			return LOG_DEST_JOURNAL;
	}
	if (S_ISCHR(err_st->st_mode) && !tty)
		return LOG_DEST_SYSLOG;
	return LOG_DEST_STDERR;
}

int log_dest_parse(const char *arg, enum log_dest *dest, char *path,
		   size_t size)
{
	const char *sock;
	size_t n;

	if (!strcmp(arg, "stderr")) {
		*dest = LOG_DEST_STDERR;
		if (size)
			path[0] = '\0';
		return 0;
	}
	if (!strncmp(arg, "syslog", 6) && (!arg[6] || arg[6] == '@')) {
		*dest = LOG_DEST_SYSLOG;
		sock = arg[6] ? arg + 7 : LOG_SYSLOG_SOCKET;
	} else if (!strncmp(arg, "journal", 7) &&
		   (!arg[7] || arg[7] == '@')) {
		*dest = LOG_DEST_JOURNAL;
		sock = arg[7] ? arg + 8 : LOG_JOURNAL_SOCKET;
	} else {
		return -EINVAL;
	}
	n = strlen(sock);
	if (*sock != '/' || n >= size ||
	    n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -EINVAL;
	memcpy(path, sock, n + 1);
	return 0;
}

size_t log_format_journal(char *buf, size_t size, int prio,
			  const char *ident, const char *msg)
{
	int n = snprintf(buf, size,
			 "PRIORITY=%d\nSYSLOG_FACILITY=3\n"
			 "SYSLOG_IDENTIFIER=%s\nMESSAGE=%s\n",
			 prio, ident, msg);

	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

size_t log_format_syslog(char *buf, size_t size, int prio, time_t now,
			 const char *ident, long pid, const char *msg)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int n;

	if (!localtime_r(&now, &tm))
		return 0;
	/* RFC 3164 pads the day with a space */
	n = snprintf(buf, size, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: %s",
		     3 * 8 + prio, mon[tm.tm_mon], tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ident, pid, msg);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

int log_dest_send(int *fd, const char *path, const char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	if (*fd < 0) {
		*fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
			     SOCK_NONBLOCK, 0);
		if (*fd < 0)
			return -errno;
		strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
		if (connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			goto fail;
	}
	if (send(*fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return 0;
fail:
	/* a restarted daemon has a new socket: connect again next time */
	err = errno;
	close(*fd);
	*fd = -1;
	return -err;
}
