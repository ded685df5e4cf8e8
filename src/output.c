/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "output.h"

/*
 * Lines are gathered in buf and written together by output_flush(),
 * which the pipeline calls after each batch of kernel records (every
 * poll of a backend), so a line waits at most for the rest of its batch;
 * one write(2) per line cost the eBPF consumer a fifth of its time in an
 * exec storm.  A line that does not fit is written on its own.
 */
#define OUT_BUF	(64 * 1024)

/*
 * Write-behind.  An exec storm makes tens of MB of JSON a second (every
 * line carries the process's ancestors), and left alone the page cache
 * keeps all of it dirty, then cached, until memory pressure: the log
 * crowds out the host's own cache, up to dirty_ratio of memory waits
 * for the flusher, and every page is fresh memory (on a VM whose balloon
 * reports free pages, each one faults on the host first: writing cost
 * the consumer 10x more per byte after the first few hundred MB).  So
 * when the output is a regular file, every `flush_after' bytes the range
 * just written is handed to writeback (sync_file_range, not waiting) and
 * the range handed over the time before that, written by now, is dropped
 * from the cache; its pages are reused for the next lines.  Nothing waits for
 * the writes to finish: a slow disk means more dirty pages, as before.
 * Submitting them does take time in the consumer (2 MiB: ~0.2 ms, at most
 * ~0.4 ms here; 8 MiB: ~0.8 ms, up to 1.5 ms), and a line arriving then
 * waits for it, hence the small default.
 */
#define FLUSH_AFTER_DEFAULT	(2u << 20)
#define FLUSH_AFTER_MAX		(4ull << 30)

struct output {
	int fd;
	char *path;		/* NULL: stdout */
	uint64_t errors;	/* lines lost */
	bool tty;
	bool wb;		/* regular file: write-behind on */
	uint64_t flush_after;	/* 0: off */
	uint64_t since;		/* bytes written since the last handover */
	off_t handed;		/* writeback started up to here */
	off_t settled;		/* ...and up to here one handover earlier */
	off_t dropped;		/* dropped from the cache up to here */
	size_t len;		/* bytes in buf */
	char buf[OUT_BUF];
};

/* Write-behind applies to regular files only (not pipes, terminals). */
static void wb_reset(struct output *out)
{
	struct stat st;

	out->wb = out->flush_after && fstat(out->fd, &st) == 0 &&
		  S_ISREG(st.st_mode);
	out->since = 0;
	out->handed = out->settled = out->dropped = out->wb ? st.st_size : 0;
}

static void write_behind(struct output *out)
{
	off_t pos = lseek(out->fd, 0, SEEK_CUR);
	uint64_t since = out->since;

	out->since = 0;
	if (pos < 0) {
		out->wb = false;
		return;
	}
	/* `since' bytes went in after `handed': a file shorter than that
	 * was truncated under us (copytruncate), even if it has grown past
	 * `handed' again */
	if ((uint64_t)pos < (uint64_t)out->handed + since)
		out->handed = out->settled = out->dropped = 0;
	if (sync_file_range(out->fd, out->handed, pos - out->handed,
			    SYNC_FILE_RANGE_WRITE) < 0) {
		int err = errno;

		if (err == EINVAL || err == ESPIPE || err == ENOSYS) {
			out->wb = false;	/* not for this file system */
			return;
		}
		/* EIO & co.: lines already written may not reach the disk */
		log_ratelimited(LOG_LVL_ERR, "output-wb",
				"event output: writeback failed: %s",
				strerror(err));
	}
	/* Drop what was handed over two handovers ago, written by now.  Not
	 * the last range: pages still under writeback cannot be dropped,
	 * and when some cannot, the kernel drains the page lists of every
	 * CPU (lru_add_drain_all) and tries again.  What is still busy is
	 * left to ordinary reclaim. */
	if (out->settled > out->dropped) {
		/* the kernel keeps a page that the range only partly covers:
		 * the one the last drop ended in is whole now */
		static off_t page;
		off_t from;

		if (!page)
			page = sysconf(_SC_PAGESIZE) > 0 ?
			       sysconf(_SC_PAGESIZE) : 4096;
		from = out->dropped - out->dropped % page;
		posix_fadvise(out->fd, from, out->settled - from,
			      POSIX_FADV_DONTNEED);
	}
	out->dropped = out->settled;
	out->settled = out->handed;
	out->handed = pos;
}

static void wrote(struct output *out, size_t len)
{
	if (!out->wb)
		return;
	out->since += len;
	if (out->since >= out->flush_after)
		write_behind(out);
}

static int open_path(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		    0640);
}

struct output *output_open(const char *path)
{
	struct output *out = calloc(1, sizeof(*out));
	int saved;

	if (!out)
		return NULL;
	out->flush_after = FLUSH_AFTER_DEFAULT;
	if (!path || !strcmp(path, "-")) {
		out->fd = STDOUT_FILENO;
		out->tty = isatty(STDOUT_FILENO);
		wb_reset(out);
		return out;
	}
	out->path = strdup(path);
	if (!out->path)
		goto fail;
	out->fd = open_path(path);
	if (out->fd < 0)
		goto fail;
	wb_reset(out);
	return out;
fail:
	saved = errno;
	free(out->path);
	free(out);
	errno = saved;
	return NULL;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	const char *p = buf, *end = buf + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Write buf whole; retries short writes, EINTR and EAGAIN.  On failure
 * the lines not written are counted lost. */
static int write_all(struct output *out, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(out->fd, buf + off, len - off);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			if (err == EAGAIN) {
				/* non-blocking consumer is slow: wait for it */
				usleep(1000);
				continue;
			}
			/* a line cut by the failure counts as lost */
			out->errors += count_lines(buf + off, len - off);
			log_ratelimited(LOG_LVL_ERR, "output",
					"cannot write event output: %s "
					"(%llu lines lost so far)", strerror(err),
					(unsigned long long)out->errors);
			return -err;
		}
		off += (size_t)n;
	}
	wrote(out, len);
	return 0;
}

int output_write(struct output *out, const char *buf, size_t len)
{
	int r = 0;

	if (out->len + len > sizeof(out->buf))
		r = output_flush(out);
	if (len >= sizeof(out->buf)) {
		int w = write_all(out, buf, len);

		return r < 0 ? r : w;
	}
	memcpy(out->buf + out->len, buf, len);
	out->len += len;
	return r;
}

int output_reopen(struct output *out)
{
	int fd;

	if (!out->path)
		return 0;
	output_flush(out);	/* what came before goes to the old file */
	fd = open_path(out->path);
	if (fd < 0)
		return -errno;
	if (out->wb)
		write_behind(out);	/* the old file's tail */
	close(out->fd);
	out->fd = fd;
	wb_reset(out);
	return 0;
}

void output_set_flush_after(struct output *out, uint64_t bytes)
{
	out->flush_after = bytes < FLUSH_AFTER_MAX ? bytes : FLUSH_AFTER_MAX;
	wb_reset(out);
}

int output_flush(struct output *out)
{
	int r;

	if (!out->len)
		return 0;
	r = write_all(out, out->buf, out->len);
	out->len = 0;
	return r;
}

uint64_t output_errors(const struct output *out)
{
	return out->errors;
}

bool output_is_tty(const struct output *out)
{
	return out->tty;
}

void output_close(struct output *out)
{
	if (!out)
		return;
	output_flush(out);
	if (out->path)
		close(out->fd);
	free(out->path);
	free(out);
}
