/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One monitor per host: `nswatch monitor --lock-file FILE` holds an
 * exclusive flock(2) on FILE for its whole life.  nswatch.service and the
 * auditd plugin wrapper (audisp-nswatch) both pass the same file, so
 * whichever starts second refuses to run instead of loading a second set
 * of audit rules or eBPF programs and writing every event twice.  The
 * holder writes "pid <pid> <role>" into the file so the one refused can
 * say who runs.  The kernel drops the lock when the holder dies, however
 * it dies: no stale lock to clean up.
 */
#ifndef NSWATCH_MONITOR_LOCK_H
#define NSWATCH_MONITOR_LOCK_H

#include <stddef.h>

/* Take the lock on path (its directory is made, mode 0755, when missing)
 * and record our pid and role in it.  Returns the descriptor holding the
 * lock (keep it open), -EWOULDBLOCK when another process holds it (its
 * record is copied into holder, "" when it has not written one yet), or
 * another -errno. */
int monitor_lock_take(const char *path, const char *role, char *holder,
		      size_t holder_len);

#endif
