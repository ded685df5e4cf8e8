/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "output-syslog.h"
#include "util.h"

/*
 * Transport.  A local unix datagram socket carries one message per
 * datagram, as large as the sender's socket buffer allows (the kernel
 * refuses a larger one with EMSGSIZE, it never cuts it): with the 4 MiB
 * asked for below, every event line fits, the largest being about 4 MiB
 * (doc/schema.md).  The receiver must not cut them either: rsyslog's
 * global MaxMessageSize is 8 KiB by default, and exec lines with their
 * ancestors' arguments reach 20 KiB and more (contrib/rsyslog sets it).
 * Octet-counted TCP (RFC 6587) is not needed to avoid cutting, and
 * forwarding to another host is what the local daemon is for.
 *
 * A datagram is sent whole or not at all: a full receive queue
 * (net.unix.max_dgram_qlen) says EAGAIN and the caller waits for POLLOUT
 * and sends again, so nothing is lost to a slow daemon while the output
 * queue in front of us (src/output.c) has room.
 */
#define SNDBUF_WANT	((4 << 20) + (64 << 10))
/* longest line kept across two writes: an event line is at most 4 MiB */
#define PART_MAX	((4 << 20) + 4096)

struct syslog_sink {
	int fd;
	int facility;
	struct sockaddr_un addr;
	char host[256];
	long pid;
	char *part;		/* a line cut at the end of the last write */
	size_t part_len, part_cap;
	bool part_lost;		/* ...too long to keep: drop when complete */
};

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{ "kern", 0 }, { "user", 1 }, { "mail", 2 }, { "daemon", 3 },
	{ "auth", 4 }, { "syslog", 5 }, { "lpr", 6 }, { "news", 7 },
	{ "uucp", 8 }, { "cron", 9 }, { "authpriv", 10 }, { "ftp", 11 },
	{ "local0", 16 }, { "local1", 17 }, { "local2", 18 },
	{ "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 },
};

bool syslog_is_spec(const char *arg)
{
	return arg && !strncmp(arg, "syslog", 6) &&
	       (!arg[6] || arg[6] == ':' || arg[6] == '@');
}

int syslog_parse_spec(const char *arg, int *facility, char *path,
		      size_t size)
{
	const char *p, *at;
	size_t i, n;

	if (!syslog_is_spec(arg))
		return -EINVAL;
	p = arg + 6;
	at = strchr(p, '@');
	*facility = 3;
	if (*p == ':') {
		p++;
		n = at ? (size_t)(at - p) : strlen(p);
		for (i = 0; i < ARRAY_SIZE(facilities); i++)
			if (strlen(facilities[i].name) == n &&
			    !strncmp(facilities[i].name, p, n))
				break;
		if (i == ARRAY_SIZE(facilities))
			return -EINVAL;
		*facility = facilities[i].code;
	}
	p = at ? at + 1 : SYSLOG_SOCKET_DEFAULT;
	n = strlen(p);
	if (!n || *p != '/' || n >= size ||
	    n >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -EINVAL;
	memcpy(path, p, n + 1);
	return 0;
}

size_t syslog_header(char *buf, size_t size, int pri,
		     const struct timespec *ts, const char *host,
		     const char *app, long pid)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	int n;

	if (!gmtime_r(&t, &tm))
		return 0;
	/* VERSION 1, microseconds (RFC 5424 allows six digits), no
	 * MSGID, no structured data, no BOM: MSG is the JSON line as is */
	n = snprintf(buf, size,
		     "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s %s %ld - - ",
		     pri, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000,
		     host && *host ? host : "-", app, pid);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* A fresh socket connected to the daemon's; -errno when not there. */
static int sink_connect(struct syslog_sink *s)
{
	int fd, v = SNDBUF_WANT;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* past net.core.wmem_max when we may (root, before dropping
	 * capabilities), else as far as it goes */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	s->fd = fd;
	if (connect(fd, (struct sockaddr *)&s->addr, sizeof(s->addr)) < 0)
		return -errno;
	return 0;
}

struct syslog_sink *syslog_sink_open(const char *arg, int *conn_err)
{
	struct syslog_sink *s = calloc(1, sizeof(*s));
	size_t i;
	int r;

	if (!s)
		return NULL;
	s->fd = -1;
	s->addr.sun_family = AF_UNIX;
	r = syslog_parse_spec(arg, &s->facility, s->addr.sun_path,
			      sizeof(s->addr.sun_path));
	if (r < 0) {
		free(s);
		errno = -r;
		return NULL;
	}
	/* HOSTNAME is printable ASCII without spaces (RFC 5424 6.2.4) */
	if (gethostname(s->host, sizeof(s->host) - 1) < 0)
		s->host[0] = '\0';
	for (i = 0; s->host[i]; i++)
		if (s->host[i] <= 32 || s->host[i] >= 127)
			s->host[i] = '_';
	s->pid = (long)getpid();
	*conn_err = sink_connect(s);
	return s;
}

int syslog_sink_fd(const struct syslog_sink *s)
{
	return s->fd;
}

/* Alert lines are warnings.  The key cannot come from a string value:
 * quotes inside strings are escaped (\"), so `"alerts":[' only occurs as
 * the nswatch extension's own key, written only when there are alerts. */
static int severity(const struct iovec *iov, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (memmem(iov[i].iov_base, iov[i].iov_len, "\"alerts\":[",
			   10))
			return 4;
	return 6;
}

/* Send the line made of iov[1..n) (without its '\n').  0, or -errno:
 * -EAGAIN / -EINTR to send it again later, others to drop it. */
static int send_line(struct syslog_sink *s, struct iovec *iov, int n)
{
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = (size_t)n };
	struct timespec ts;
	char hdr[400];
	int tries;

	clock_gettime(CLOCK_REALTIME, &ts);
	iov[0].iov_base = hdr;
	iov[0].iov_len = syslog_header(hdr, sizeof(hdr),
				       s->facility * 8 + severity(iov + 1,
								  n - 1),
				       &ts, s->host, "nswatch", s->pid);
	for (tries = 0; tries < 2; tries++) {
		int err;

		if (s->fd >= 0 && sendmsg(s->fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0;
		err = s->fd < 0 ? ENOTCONN : errno;
		if (err == EWOULDBLOCK || err == ENOBUFS)
			return -EAGAIN;
		if (err == EINTR)
			return -EINTR;
		/* the daemon restarted (its socket is a new one) or was not
		 * there yet: connect again, once per line */
		if (err != ECONNREFUSED && err != ENOTCONN && err != ENOENT &&
		    err != EDESTADDRREQ && err != EPIPE)
			return -err;
		if (tries)
			return -err;
		err = sink_connect(s);
		if (err < 0)
			return err;	/* why the daemon is not there */
	}
	return -ENOTCONN;
}

/* Not a strbuf: it holds up to PART_MAX (a whole line of STRBUF_MAX and
 * then some), and a line past that is dropped as a whole (part_lost). */
static int keep_part(struct syslog_sink *s, const char *p, size_t n)
{
	if (s->part_lost)
		return 0;
	if (s->part_len + n > PART_MAX) {
		s->part_lost = true;
		return 0;
	}
	if (s->part_len + n > s->part_cap) {
		size_t cap = s->part_cap ? s->part_cap : 64 * 1024;
		char *np;

		while (cap < s->part_len + n)
			cap *= 2;
		np = realloc(s->part, cap);
		if (!np) {
			s->part_lost = true;
			return -ENOMEM;
		}
		s->part = np;
		s->part_cap = cap;
	}
	memcpy(s->part + s->part_len, p, n);
	s->part_len += n;
	return 0;
}

ssize_t syslog_sink_write(struct syslog_sink *s, const char *buf, size_t len,
			  uint64_t *lost, int *err)
{
	size_t off = 0;

	while (off < len) {
		const char *p = buf + off;
		const char *nl = memchr(p, '\n', len - off);
		struct iovec iov[3];
		int n = 1, r;

		if (!nl) {
			/* the rest of this line comes with the next write */
			r = keep_part(s, p, len - off);
			if (r < 0)
				*err = -r;
			return (ssize_t)len;
		}
		if (s->part_len && !s->part_lost) {
			iov[n].iov_base = s->part;
			iov[n++].iov_len = s->part_len;
		}
		iov[n].iov_base = (void *)p;
		iov[n++].iov_len = (size_t)(nl - p);
		r = s->part_lost ? -EMSGSIZE : send_line(s, iov, n);
		if (r == -EAGAIN || r == -EINTR) {
			if (off)
				return (ssize_t)off;
			errno = -r;
			return -1;
		}
		if (r < 0) {
			(*lost)++;
			*err = -r;
		}
		s->part_len = 0;
		s->part_lost = false;
		off = (size_t)(nl - buf) + 1;
	}
	return (ssize_t)len;
}

void syslog_sink_close(struct syslog_sink *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->part);
	free(s);
}
