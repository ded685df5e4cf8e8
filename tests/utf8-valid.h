/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict UTF-8 check for the encoder tests, independent of the encoder's
 * own decoder (strbuf_utf8_decode) and of json-c, which validates only
 * since 0.14 (JSON_TOKENER_VALIDATE_UTF8): the well-formed byte
 * sequences of RFC 3629 section 4, so no overlong forms, no surrogates,
 * nothing above U+10FFFF.
 */
#ifndef NSW_TESTS_UTF8_VALID_H
#define NSW_TESTS_UTF8_VALID_H

#include <stdbool.h>
#include <stddef.h>

static inline bool nsw_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, len;
	unsigned char lo, hi;

	while (i < n) {
		unsigned char c = s[i];

		/* second byte range per lead byte; later bytes 80..BF */
		lo = 0x80;
		hi = 0xbf;
		if (c <= 0x7f) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c == 0xe0) {
			len = 3;
			lo = 0xa0;
		} else if (c == 0xed) {
			len = 3;
			hi = 0x9f;
		} else if (c >= 0xe1 && c <= 0xef) {
			len = 3;
		} else if (c == 0xf0) {
			len = 4;
			lo = 0x90;
		} else if (c == 0xf4) {
			len = 4;
			hi = 0x8f;
		} else if (c >= 0xf1 && c <= 0xf3) {
			len = 4;
		} else {
			return false;
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += len;
	}
	return true;
}

#endif
