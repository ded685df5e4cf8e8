/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's audit backlog_wait_time that nswatch sets to 0 while it is
 * the audit daemon (netlink source), remembered in a state file so that a
 * killed nswatch's change can be undone by the next start.  Nothing here
 * logs.
 */
#ifndef NSWATCH_AUDIT_WAIT_H
#define NSWATCH_AUDIT_WAIT_H

#include <stdint.h>

/* File name inside audit_rules_state_dir(). */
#define AUDIT_WAIT_STATE_FILE "audit-backlog-wait"

/* Record OLD, the value about to be replaced, with our pid as owner (temp
 * file + rename, mode 0600, no symlinks followed).  0 or -errno. */
int audit_wait_save(uint32_t old);

/* Remove the state file (the value was put back).  0 or -errno. */
int audit_wait_forget(void);

/*
 * At start, before anything else: when a state file exists whose owner no
 * longer runs, and the kernel's backlog_wait_time is still 0, set it back
 * to the recorded value.  The file is removed once its owner is gone.
 * Returns 1 with *restored set when the value was put back, 0 when there
 * was nothing to do (no file, owner alive, value changed since), -errno
 * (a file not owned by root or writable by others is -EPERM and is left
 * alone).
 */
int audit_wait_repair(uint32_t *restored);

#endif
