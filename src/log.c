/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum log_level cur_level = LOG_LVL_INFO;

void log_set_level(enum log_level lvl)
{
	cur_level = lvl;
}

void log_set_json(bool json)
{
	(void)json;
}

/* the format attribute lets clang check callers and accept vsnprintf */
static __attribute__((format(printf, 2, 0)))
void log_v(enum log_level lvl, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char line[1024];
	size_t i;

	vsnprintf(line, sizeof(line), fmt, ap);
	/* log lines may carry untrusted bytes: keep them printable */
	for (i = 0; line[i]; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			line[i] = '?';
	}
	fprintf(stderr, "nswatch: %s: %s\n", names[lvl], line);
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
