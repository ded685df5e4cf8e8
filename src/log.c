/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "log-dest.h"

static enum log_level cur_level = LOG_LVL_INFO;

/* ---- destination: stderr, syslog or the journal (--log) */
static enum log_dest cur_dest = LOG_DEST_STDERR;
static char dest_path[108];
static int dest_fd = -1;

int log_set_dest_spec(const char *arg)
{
	enum log_dest d;
	char path[sizeof(dest_path)];
	struct stat st;

	if (!strcmp(arg, "auto")) {
		d = log_dest_auto(fstat(STDERR_FILENO, &st) == 0 ? &st : NULL,
				  isatty(STDERR_FILENO),
				  getenv("JOURNAL_STREAM"));
		snprintf(path, sizeof(path), "%s", d == LOG_DEST_JOURNAL ?
			 LOG_JOURNAL_SOCKET : LOG_SYSLOG_SOCKET);
	} else if (log_dest_parse(arg, &d, path, sizeof(path)) < 0) {
		return -EINVAL;
	}
	if (dest_fd >= 0)
		close(dest_fd);
	dest_fd = -1;
	cur_dest = d;
	memcpy(dest_path, path, sizeof(path));
	return 0;
}

static void err_write(const char *buf, size_t len);

static void emit_stderr(enum log_level lvl, const char *line)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char out[1100];
	int n = snprintf(out, sizeof(out), "nswatch: %s: %s\n", names[lvl],
			 line);

	if (n > 0)
		err_write(out, (size_t)n < sizeof(out) ? (size_t)n :
			  sizeof(out) - 1);
}

/* To the socket when there is one to send to, else (not there, full)
 * to stderr: a line is never held up. */
static void emit(enum log_level lvl, const char *line)
{
	/* syslog severities: err, warning, info, debug */
	static const int prio[] = { 3, 4, 6, 7 };
	char buf[1400];
	size_t n = 0;

	switch (cur_dest) {
	case LOG_DEST_SYSLOG:
		n = log_format_syslog(buf, sizeof(buf), prio[lvl], time(NULL),
				      "nswatch", (long)getpid(), line);
		break;
	case LOG_DEST_JOURNAL:
		n = log_format_journal(buf, sizeof(buf), prio[lvl], "nswatch",
				       line);
		break;
	case LOG_DEST_STDERR:
		break;
	}
	if (n && log_dest_send(&dest_fd, dest_path, buf, n) == 0)
		return;
	emit_stderr(lvl, line);
}

void log_set_level(enum log_level lvl)
{
	cur_level = lvl;
}

/*
 * Own log lines to stderr, never blocking: they are written from the
 * thread that reads events, and a stderr pipe or socket nobody reads
 * (a supervisor that stopped, a full journal stream) must not stop the
 * monitor.  A pipe is reopened through /proc/self/fd/2 with O_NONBLOCK:
 * a file description of our own, so the flag does not reach the shell or
 * supervisor that shares fd 2.  A socket gets MSG_DONTWAIT.  Files and
 * terminals are written as before.  A line that would block is dropped
 * and counted (log_lost(), `lost.log` in the stats line); lines are far
 * below PIPE_BUF, so a pipe takes each whole or not at all.
 */
enum err_kind { ERR_UNKNOWN, ERR_PLAIN, ERR_PIPE, ERR_SOCKET };

static pthread_once_t err_once = PTHREAD_ONCE_INIT;
static enum err_kind err_kind;
static int err_fd = 2;
static uint64_t err_lost;

static void err_setup(void)
{
	struct stat sb;
	int fd;

	err_kind = ERR_PLAIN;
	if (fstat(2, &sb) < 0)
		return;
	if (S_ISSOCK(sb.st_mode)) {
		err_kind = ERR_SOCKET;
	} else if (S_ISFIFO(sb.st_mode)) {
		fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			err_fd = fd;
			err_kind = ERR_PIPE;
		}
	}
}

static void err_write(const char *buf, size_t len)
{
	ssize_t w;

	pthread_once(&err_once, err_setup);
	do {
		if (err_kind == ERR_SOCKET)
			w = send(2, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			w = write(err_fd, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0 && errno == ENOTSOCK && err_kind == ERR_SOCKET) {
		err_kind = ERR_PLAIN;	/* fd 2 was replaced */
		w = write(2, buf, len);
	}
	if (w < 0 || (size_t)w < len)
		__atomic_add_fetch(&err_lost, 1, __ATOMIC_RELAXED);
}

uint64_t log_lost(void)
{
	return __atomic_load_n(&err_lost, __ATOMIC_RELAXED);
}

/* the format attribute lets clang check callers and accept vsnprintf */
static __attribute__((format(printf, 2, 0)))
void log_v(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[1024];
	size_t i;

	vsnprintf(line, sizeof(line), fmt, ap);
	/* log lines may carry untrusted bytes: keep them printable */
	for (i = 0; line[i]; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			line[i] = '?';
	}
	emit(lvl, line);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl > cur_level)
		return;
	va_start(ap, fmt);
	log_v(lvl, fmt, ap);
	va_end(ap);
}

#define RL_SLOTS 32

struct rl_slot {
	const char *key;
	time_t last;
	unsigned long suppressed;
};

void log_ratelimited(enum log_level lvl, const char *key, const char *fmt, ...)
{
	static struct rl_slot slots[RL_SLOTS];
	struct rl_slot *s = NULL;
	time_t now = time(NULL);
	va_list ap;
	int i;

	if (lvl > cur_level)
		return;
	for (i = 0; i < RL_SLOTS; i++) {
		if (slots[i].key && strcmp(slots[i].key, key) == 0) {
			s = &slots[i];
			break;
		}
		if (!slots[i].key) {
			s = &slots[i];
			s->key = key;
			s->last = 0;
			break;
		}
	}
	if (s && s->last && now - s->last < 10) {
		s->suppressed++;
		return;
	}
	if (s && s->suppressed) {
		log_msg(lvl, "(%lu similar messages suppressed)", s->suppressed);
		s->suppressed = 0;
	}
	if (s)
		s->last = now;
	va_start(ap, fmt);
	log_v(lvl, fmt, ap);
	va_end(ap);
}
