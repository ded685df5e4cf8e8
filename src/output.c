/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "output.h"

struct output {
	int fd;
	char *path;		/* NULL: stdout */
	uint64_t errors;
	bool tty;
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

int output_write(struct output *out, const char *buf, size_t len)
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
			out->errors++;
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

int output_reopen(struct output *out)
{
	int fd;

	if (!out->path)
		return 0;
	fd = open_path(out->path);
	if (fd < 0)
		return -errno;
	close(out->fd);
	out->fd = fd;
	return 0;
}

int output_flush(struct output *out)
{
	(void)out;	/* unbuffered: every line is one write(2) */
	return 0;
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
	if (out->path)
		close(out->fd);
	free(out->path);
	free(out);
}
