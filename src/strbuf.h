/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable, bounded byte buffer used to build output lines. */
#ifndef NSWATCH_STRBUF_H
#define NSWATCH_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Hard cap on one buffer (one output line): 4 MiB. */
#define STRBUF_MAX (4u << 20)

struct strbuf {
	char *buf;	/* always NUL terminated when len > 0 or alloc'd */
	size_t len;
	size_t cap;
	bool overflow;	/* an append was refused: STRBUF_MAX or ENOMEM */
};

#define STRBUF_INIT { NULL, 0, 0, false }

/* Make room for `extra` more bytes (plus the NUL); on failure sets
 * ->overflow and returns -ENOMEM/-E2BIG. */
int strbuf_reserve(struct strbuf *sb, size_t extra);

/* Append bytes; on failure sets ->overflow and returns -ENOMEM/-E2BIG.
 * Inline: the encoders append many short pieces. */
static inline int strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	if (sb->overflow || sb->cap - sb->len <= n) {
		int r = strbuf_reserve(sb, n);

		if (r < 0)
			return r;
	}
	if (n)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

static inline int strbuf_addc(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

static inline int strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}
/*
 * A writer that keeps the first error of a run of appends and skips every
 * append after it: the encoders build a whole line without checking each
 * call and roll it back once when it failed.
 */
struct strbuf_w {
	struct strbuf *sb;
	int err;		/* first error, sticky */
};

static inline void sbw_check(struct strbuf_w *w, int r)
{
	if (r < 0 && !w->err)
		w->err = r;
}

static inline void sbw_add(struct strbuf_w *w, const char *s, size_t n)
{
	if (!w->err)
		sbw_check(w, strbuf_add(w->sb, s, n));
}

static inline void sbw_adds(struct strbuf_w *w, const char *s)
{
	sbw_add(w, s, strlen(s));
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append bytes as the inside of a JSON string: escapes quotes,
 * backslashes, control bytes, and invalid UTF-8 (each bad byte becomes
 * U+FFFD) so that any input yields valid JSON. */
int strbuf_add_json_str(struct strbuf *sb, const char *p, size_t n);
/* Decode one UTF-8 sequence at p (n bytes available): its length (1..4)
 * with the code point in *cp, or 0 for an invalid, overlong or surrogate
 * sequence. */
size_t strbuf_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Append a quoted JSON string (with the surrounding quotes). */
int strbuf_add_json_quoted(struct strbuf *sb, const char *p, size_t n);
void strbuf_reset(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

/* Copy at most dstlen-1 bytes and NUL terminate; returns true if it fit. */
bool nsw_strlcpy(char *dst, const char *src, size_t dstlen);

#endif
