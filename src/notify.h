/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Readiness: the --ready-file and systemd's READY=1 (Type=notify), and
 * the WATCHDOG=1 keepalive. */
#ifndef NSWATCH_NOTIFY_H
#define NSWATCH_NOTIFY_H

/* Create ready_file (if not NULL) holding our pid, and send READY=1 to
 * $NOTIFY_SOCKET when set.  0 or -errno (first failure). */
int notify_ready(const char *ready_file);
/* Send WATCHDOG=1 when systemd asked for it ($WATCHDOG_USEC, WatchdogSec=)
 * and half its period has passed since the last one; call it from the
 * event loop, so a loop that hangs stops the keepalive and systemd
 * restarts the service.  0 or -errno. */
int notify_watchdog(void);
/* Send STOPPING=1 to systemd and remove the ready file. */
void notify_stopping(const char *ready_file);

#endif
