/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where event lines go: stdout, an append-only file reopened on SIGHUP
 * (and rotated by size when asked), or syslog (output-syslog.h),
 * written from the caller's thread or, for a live monitor, from a writer
 * thread behind a bounded queue that never makes the caller wait. */
#ifndef NSWATCH_OUTPUT_H
#define NSWATCH_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct output;

/* path NULL or "-": stdout; "syslog[:FACILITY][@SOCKET]": syslog (a
 * socket not there yet is tried again at each line, warned about).  A
 * path is opened without following a
 * symbolic link (ELOOP), created 0600, and refused (EPERM) when it is not
 * owned by the effective user, is writable by group or others, or is a
 * regular file with another hard link; character devices are taken as
 * they are.  Returns NULL with errno set. */
struct output *output_open(const char *path);
/* From now on a thread of ours writes the lines, from a queue of
 * queue_bytes (at least 256 KiB): output_write and output_flush never
 * wait for the output.  When the queue is full, lines are dropped and
 * counted (output_dropped); its last eighth takes important lines only.
 * Call once, after output_set_flush_after.  Returns 0 or -errno. */
int output_start_writer(struct output *out, size_t queue_bytes);
/* Queue one or more complete lines; they are written after output_flush()
 * (or earlier, when enough are gathered).  Returns 0, -ENOBUFS when the
 * writer's queue was full and the lines were dropped, or the -errno of a
 * synchronous write that failed; every line lost is counted
 * (output_errors, output_dropped). */
int output_write(struct output *out, const char *buf, size_t len);
/* The same for lines that carry an alert or the stats: a full queue
 * drops them only once the reserve kept for them is full too. */
int output_write_important(struct output *out, const char *buf, size_t len);
/* Reopen the file (logrotate) after the lines queued so far; no-op for
 * stdout.  Returns 0 when reopened, -errno, or 1 when the writer thread
 * will do it (output_flush logs how it went). */
int output_reopen(struct output *out);
/* Write what is queued (retries short writes, EINTR, EAGAIN), or hand it
 * to the writer thread and log what it lost since the last call.  A write
 * that fails after part of a line went into a regular file takes that
 * part back (ftruncate), so the file holds whole lines only. */
int output_flush(struct output *out);
/* Write what is queued; with a writer thread, wait at most half a
 * second for it (a reader that does not read is not waited for: what
 * is left counts in output_dropped), then end the thread. */
void output_finish(struct output *out);
/* Size rotation for a regular file: before a line would take it past
 * max_size bytes (0: never), FILE becomes FILE.1 (FILE.1 FILE.2 ...,
 * up to FILE.keep, the oldest dropped; keep 0 removes it) and a new FILE
 * is opened as output_open does.  Lines are never split between two
 * files.  Call before output_start_writer.  Returns 0, -EINVAL (not a
 * regular file) or -EBUSY. */
int output_set_rotate(struct output *out, uint64_t max_size,
		      unsigned int keep);
/* Write-behind for a regular file: every `bytes' written (at most 4 GiB),
 * start writeback of them and drop the range handed over two times before
 * from the page cache (default 2 MiB; 0 turns it off). */
void output_set_flush_after(struct output *out, uint64_t bytes);
/* Lines lost to failed writes. */
uint64_t output_errors(const struct output *out);
/* Lines the writer thread's queue could not take, or still held at
 * output_finish; ...of them important. */
uint64_t output_dropped(const struct output *out);
uint64_t output_dropped_important(const struct output *out);
/* True when stdout is a terminal (for colours). */
bool output_is_tty(const struct output *out);
/* output_finish, then close. */
void output_close(struct output *out);

#endif
