/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Library compatibility: the oldest releases nswatch builds against are
 * json-c 0.11 (RHEL 7; 0.13.1 on RHEL 8) and audit 2.8.5 (RHEL 7).
 * configure checks for each call newer than those (HAVE_* in config.h);
 * this header fills the gaps with equivalents built from the old API, so
 * the rest of the code is written against today's libraries.
 *
 * Include it instead of <json-c/json.h>: json-c's pkg-config Cflags
 * name the directory holding json.h itself (include/json-c), and
 * <json-c/json.h> would pick the system's copy of the headers instead of
 * those of the json-c configure found when another one is installed in
 * /usr/include (the old-library test builds do exactly that).
 */
#ifndef NSW_COMPAT_H
#define NSW_COMPAT_H

#include <stddef.h>
#include <stdlib.h>

#include <json.h>
#include <libaudit.h>

/* json-c < 0.14: the offset after the parsed object is the tokener's
 * char_offset field (public in those releases' struct json_tokener). */
#ifndef HAVE_JSON_TOKENER_GET_PARSE_END
static inline size_t nsw_json_tokener_get_parse_end(struct json_tokener *tok)
{
	return (size_t)tok->char_offset;
}
#define json_tokener_get_parse_end nsw_json_tokener_get_parse_end
#endif

/* json-c < 0.14 parses any byte sequence inside a string; callers that
 * need valid UTF-8 check it themselves (tests: nsw_utf8_valid). */
#ifdef JSON_TOKENER_VALIDATE_UTF8
#define NSW_JSON_TOKENER_VALIDATE_UTF8 JSON_TOKENER_VALIDATE_UTF8
#else
#define NSW_JSON_TOKENER_VALIDATE_UTF8 0
#endif

/* audit < 3.0: a rule is a zeroed struct audit_rule_data, freed with
 * free() (audit_rule_free_data), field buffer empty. */
#ifndef HAVE_AUDIT_RULE_CREATE_DATA
static inline struct audit_rule_data *nsw_audit_rule_create_data(void)
{
	return calloc(1, sizeof(struct audit_rule_data));
}
#define audit_rule_create_data nsw_audit_rule_create_data
#endif

/* Kernel headers older than the constants (RHEL 7's are 3.10's):
 * include this after <linux/magic.h>. */
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270	/* Linux 4.5 */
#endif

#endif /* NSW_COMPAT_H */
