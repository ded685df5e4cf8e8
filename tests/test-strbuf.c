/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tap.h"

static void check_json(const char *in, size_t n, const char *want,
		       const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json_str(&sb, in, n);
	is_str(sb.buf ? sb.buf : "", want, "%s", name);
	strbuf_release(&sb);
}

int main(void)
{
	struct strbuf sb = STRBUF_INIT;
	char small[4];
	char *big;

	check_json("plain", 5, "plain", "plain ascii passes");
	check_json("a\"b\\c", 5, "a\\\"b\\\\c", "quote and backslash escaped");
	check_json("l1\nl2\t", 6, "l1\\nl2\\t", "newline and tab escaped");
	check_json("\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f",
		   "control bytes as \\u");
	check_json("caf\xc3\xa9", 5, "caf\xc3\xa9", "valid UTF-8 kept");
	check_json("\xff\xfe", 2, "\\ufffd\\ufffd", "invalid bytes replaced");
	check_json("\xc3", 1, "\\ufffd", "truncated sequence replaced");
	check_json("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd",
		   "UTF-16 surrogate rejected");
	check_json("\xc0\xaf", 2, "\\ufffd\\ufffd", "overlong rejected");
	check_json("a\0b", 3, "a\\u0000b", "NUL byte escaped");

	strbuf_addf(&sb, "%d-%s", 42, "x");
	is_str(sb.buf, "42-x", "addf formats");
	strbuf_reset(&sb);
	big = calloc(1, STRBUF_MAX);
	ok(big && strbuf_add(&sb, big, STRBUF_MAX) < 0 && sb.overflow,
	   "append past the cap is refused and flagged");
	free(big);
	strbuf_release(&sb);

	ok(!nsw_strlcpy(small, "abcdef", sizeof(small)) &&
	   !strcmp(small, "abc"), "strlcpy truncates and terminates");
	ok(nsw_strlcpy(small, "ab", sizeof(small)) && !strcmp(small, "ab"),
	   "strlcpy copies short strings");
	return done_testing();
}
