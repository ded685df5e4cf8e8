/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need, ncap;
	char *nbuf;

	if (sb->overflow)
		return -E2BIG;
	if (extra > STRBUF_MAX || sb->len + extra + 1 > STRBUF_MAX) {
		sb->overflow = true;
		return -E2BIG;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return 0;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if (ncap > STRBUF_MAX)
		ncap = STRBUF_MAX;
	nbuf = realloc(sb->buf, ncap);
	if (!nbuf) {
		sb->overflow = true;
		return -ENOMEM;
	}
	sb->buf = nbuf;
	sb->cap = ncap;
	return 0;
}

int strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	int r = strbuf_grow(sb, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int strbuf_addc(struct strbuf *sb, char c)
{
	return strbuf_add(sb, &c, 1);
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = strbuf_grow(sb, (size_t)n);
	if (r < 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
	return 0;
}

size_t strbuf_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t len, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return len;
}

int strbuf_add_json_str(struct strbuf *sb, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0;
	char esc[8];
	int r;

	while (i < n) {
		unsigned char c = s[i];
		size_t l;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;

			l = strbuf_utf8_decode(s + i, n - i, &cp);
			if (l) {
				i += l;
				run += l;
				continue;
			}
		}
		if (run && (r = strbuf_add(sb, s + i - run, run)) < 0)
			return r;
		run = 0;
		switch (c) {
		case '"': r = strbuf_add(sb, "\\\"", 2); break;
		case '\\': r = strbuf_add(sb, "\\\\", 2); break;
		case '\n': r = strbuf_add(sb, "\\n", 2); break;
		case '\t': r = strbuf_add(sb, "\\t", 2); break;
		case '\r': r = strbuf_add(sb, "\\r", 2); break;
		default:
			if (c >= 0x80) {
				/* invalid UTF-8 byte: U+FFFD */
				r = strbuf_add(sb, "\\ufffd", 6);
			} else {
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				r = strbuf_add(sb, esc, 6);
			}
		}
		if (r < 0)
			return r;
		i++;
	}
	if (run)
		return strbuf_add(sb, s + n - run, run);
	return 0;
}

int strbuf_add_json_quoted(struct strbuf *sb, const char *p, size_t n)
{
	int r;

	if ((r = strbuf_addc(sb, '"')) < 0 ||
	    (r = strbuf_add_json_str(sb, p, n)) < 0)
		return r;
	return strbuf_addc(sb, '"');
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->overflow = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->overflow = false;
}

bool nsw_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n;

	if (!dstlen)
		return false;
	n = strnlen(src, dstlen);
	if (n >= dstlen) {
		memcpy(dst, src, dstlen - 1);
		dst[dstlen - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}
