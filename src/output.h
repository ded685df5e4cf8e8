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
/* Queue one or more complete lines; they are written by output_flush()
 * (or earlier, when the buffer fills).  Returns 0 or the -errno of a
 * write that failed; every line lost is counted (output_errors). */
int output_write(struct output *out, const char *buf, size_t len);
/* Reopen the file (logrotate), after writing what is queued; no-op for
 * stdout. */
int output_reopen(struct output *out);
/* Write what is queued; retries short writes and EINTR. */
int output_flush(struct output *out);
/* Write-behind for a regular file: every `bytes' written (at most 4 GiB),
 * start writeback of them and drop the range handed over two times before
 * from the page cache (default 2 MiB; 0 turns it off). */
void output_set_flush_after(struct output *out, uint64_t bytes);
uint64_t output_errors(const struct output *out);
/* True when stdout is a terminal (for colours). */
bool output_is_tty(const struct output *out);
/* Writes what is queued, then closes. */
void output_close(struct output *out);

#endif
