/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where event lines go: stdout or an append-only file reopened on SIGHUP. */
#ifndef NSWATCH_OUTPUT_H
#define NSWATCH_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* path NULL or "-": stdout.  Returns NULL with errno set. */
struct output *output_open(const char *path);
/* Write one complete line; retries short writes and EINTR.  On failure
 * counts an output error and returns -errno (the line is lost, counted). */
int output_write(struct output *out, const char *buf, size_t len);
/* Reopen the file (logrotate); no-op for stdout. */
int output_reopen(struct output *out);
int output_flush(struct output *out);
uint64_t output_errors(const struct output *out);
/* True when stdout is a terminal (for colours). */
bool output_is_tty(const struct output *out);
void output_close(struct output *out);

#endif
