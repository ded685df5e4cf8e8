/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Diagnostics to stderr, syslog or the journal (never to the event
 * stream). */
#ifndef NSWATCH_LOG_H
#define NSWATCH_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_level(enum log_level lvl);
/* --log: "auto", "stderr", "syslog[@SOCKET]" or "journal[@SOCKET]"
 * (log-dest.h says what auto picks).  A line the socket does not take
 * goes to stderr.  Returns 0 or -EINVAL. */
int log_set_dest_spec(const char *arg);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Like log_msg but at most once per `key` every 10 s; counts suppressed. */
void log_ratelimited(enum log_level lvl, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Own log lines dropped because stderr would have blocked (a pipe or
 * socket nobody reads): the stats line's `lost.log`. */
uint64_t log_lost(void);

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
