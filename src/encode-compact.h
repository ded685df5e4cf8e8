/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `--format compact`: one human line per event in the style of
 * `tetra getevents -o compact`, plus one `🚨 ALERT` line per alert.
 */
#ifndef NSWATCH_ENCODE_COMPACT_H
#define NSWATCH_ENCODE_COMPACT_H

#include <stdbool.h>
#include <stddef.h>

#include "encode-json.h"
#include "event.h"
#include "strbuf.h"

/* Append the event's line(s), each ending in '\n'.  color: ANSI colours
 * as tetra's --color always (blue label, green source, magenta binary,
 * cyan detail, red status/alert).  Returns 0 or -errno (-EINVAL for an
 * event without a process, -E2BIG past STRBUF_MAX); on error nothing is
 * appended. */
int encode_compact_event(struct strbuf *sb, const struct encode_ctx *ctx,
			 const struct nsw_event *ev, bool color);

/* Append s as Go's strconv.Quote would write it (double quotes, \xNN for
 * invalid UTF-8 bytes, \n \t ..., \uXXXX for non-printable runes). */
int encode_go_quote(struct strbuf *sb, const char *s, size_t n);

/* Tetragon's PrintNS: "any" for 0, the name of a single CLONE_NEW* bit,
 * "" for anything else.  Static string. */
const char *encode_print_ns(int32_t nstype);

#endif
