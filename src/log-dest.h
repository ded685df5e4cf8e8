/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where nswatch's own log goes besides stderr: syslog (a local datagram
 * socket, as syslog(3) writes) or the journal's native protocol. */
#ifndef NSWATCH_LOG_DEST_H
#define NSWATCH_LOG_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

enum log_dest { LOG_DEST_STDERR, LOG_DEST_SYSLOG, LOG_DEST_JOURNAL };

#define LOG_SYSLOG_SOCKET	"/dev/log"
#define LOG_JOURNAL_SOCKET	"/run/systemd/journal/socket"

/* --log=auto: the journal when stderr is the stream systemd connected
 * to it (JOURNAL_STREAM holds its "device:inode"); syslog when there is
 * no stderr or it is a character device other than a terminal
 * (/dev/null: auditd starts its plugins so, daemons started by hand are
 * often so); else stderr, which someone reads (a terminal, a file, a
 * pipe to a supervisor or the container runtime).  err_st NULL: stderr
 * is closed.  Pure. */
enum log_dest log_dest_auto(const struct stat *err_st, bool tty,
			    const char *journal_stream);
/* Parse "stderr", "syslog[@SOCKET]" or "journal[@SOCKET]" (not auto)
 * into *dest and the socket path[size] (the default when not given).
 * Returns 0 or -EINVAL.  Pure. */
int log_dest_parse(const char *arg, enum log_dest *dest, char *path,
		   size_t size);
/* One journal datagram: PRIORITY, SYSLOG_FACILITY (daemon),
 * SYSLOG_IDENTIFIER and MESSAGE fields, "KEY=value\n" each (msg holds
 * no newline).  Returns its length (< size) or 0 when it does not fit.
 * Pure. */
size_t log_format_journal(char *buf, size_t size, int prio,
			  const char *ident, const char *msg);
/* One syslog datagram as syslog(3) writes it to /dev/log:
 * "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG", local time, facility daemon.
 * Returns its length (< size) or 0.  Pure. */
size_t log_format_syslog(char *buf, size_t size, int prio, time_t now,
			 const char *ident, long pid, const char *msg);
/* Send buf[0, len) to the datagram socket at path, connecting *fd
 * first when it is -1; never waits (a full socket drops the line).
 * Returns 0 or -errno (then *fd is closed and -1 again). */
int log_dest_send(int *fd, const char *path, const char *buf, size_t len);

#endif
