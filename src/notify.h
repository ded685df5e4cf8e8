/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readiness: the --ready-file and systemd's READY=1 (Type=notify). */
#ifndef NSWATCH_NOTIFY_H
#define NSWATCH_NOTIFY_H

/* Create ready_file (if not NULL) holding our pid, and send READY=1 to
 * $NOTIFY_SOCKET when set.  0 or -errno (first failure). */
int notify_ready(const char *ready_file);
/* Send STOPPING=1 to systemd and remove the ready file. */
void notify_stopping(const char *ready_file);

#endif
