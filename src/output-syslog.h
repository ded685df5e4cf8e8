/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Events to syslog (--output syslog[:FACILITY][@SOCKET]): one RFC 5424
 * message per event line, never cut, as datagrams to a local unix socket
 * (/dev/log by default). */
#ifndef NSWATCH_OUTPUT_SYSLOG_H
#define NSWATCH_OUTPUT_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SYSLOG_SOCKET_DEFAULT	"/dev/log"

struct syslog_sink;

/* True when an --output argument names syslog rather than a file:
 * "syslog", "syslog:..." or "syslog@..." (a file of that name is
 * ./syslog). */
bool syslog_is_spec(const char *arg);
/* Parse "syslog[:FACILITY][@SOCKET]": the facility's number (default
 * daemon, 3) into *facility and the socket path into path[size].
 * Returns 0 or -EINVAL.  Pure. */
int syslog_parse_spec(const char *arg, int *facility, char *path,
		      size_t size);
/* The RFC 5424 header of one message, up to and including the space
 * before MSG ("<PRI>1 TIMESTAMP HOST APP PID - - "), into buf[size];
 * returns its length (< size), 0 when it does not fit.  Pure. */
size_t syslog_header(char *buf, size_t size, int pri,
		     const struct timespec *ts, const char *host,
		     const char *app, long pid);

/* A sink for the spec; connects now, and again whenever a send finds
 * the socket gone (the daemon restarted).  NULL with errno (EINVAL: bad
 * spec).  *conn_err: -errno of the first connect, 0 when connected. */
struct syslog_sink *syslog_sink_open(const char *arg, int *conn_err);
/* Like write(2) on the lines in buf[0, len): sends each complete line as
 * one message (severity warning when it carries alerts, else info), keeps
 * a cut last line until the next call completes it, and returns the bytes
 * taken; -1 with errno EAGAIN (the socket is full: wait for POLLOUT on
 * syslog_sink_fd) or EINTR only when nothing was taken.  A line that
 * cannot be sent is dropped: *lost counts them, *err its errno. */
ssize_t syslog_sink_write(struct syslog_sink *s, const char *buf, size_t len,
			  uint64_t *lost, int *err);
int syslog_sink_fd(const struct syslog_sink *s);
void syslog_sink_close(struct syslog_sink *s);

#endif
