/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

int strbuf_reserve(struct strbuf *sb, size_t extra)
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

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r = strbuf_reserve(sb, (size_t)n);
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

/* Bytes copied as they are inside a JSON string: printable ASCII but the
 * quote and the backslash. */
static const unsigned char json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,	/* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0xf0 */
};

int strbuf_add_json_str(struct strbuf *sb, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, start = 0;	/* s[start, i): copied as is */
	char esc[8];
	int r;

	while (i < n) {
		unsigned char c = s[i];
		size_t l;

		if (json_plain[c]) {
			/* the common case: a run of plain ASCII */
			do
				i++;
			while (i < n && json_plain[s[i]]);
			continue;
		}
		if (c >= 0x80) {
			uint32_t cp;

			l = strbuf_utf8_decode(s + i, n - i, &cp);
			if (l) {
				i += l;
				continue;
			}
		}
		if (i > start && (r = strbuf_add(sb, s + start, i - start)) < 0)
			return r;
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
		start = i;
	}
	if (i > start)
		return strbuf_add(sb, s + start, i - start);
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
