/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

struct output {
	int fd;
	char *path;		/* NULL: stdout */
	uint64_t errors;	/* lines lost */
	bool tty;
	size_t len;		/* bytes in buf */
	char buf[OUT_BUF];
};

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
	if (!path || !strcmp(path, "-")) {
		out->fd = STDOUT_FILENO;
		out->tty = isatty(STDOUT_FILENO);
		return out;
	}
	out->path = strdup(path);
	if (!out->path)
		goto fail;
	out->fd = open_path(path);
	if (out->fd < 0)
		goto fail;
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
	close(out->fd);
	out->fd = fd;
	return 0;
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
