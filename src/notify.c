/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "util.h"

static int sd_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t len;
	int fd, r = 0;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, salen) < 0)
		r = -errno;
	close(fd);
	return r;
}

int notify_ready(const char *ready_file)
{
	char buf[32];
	int fd, n, r = 0;

	if (ready_file) {
		fd = open(ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
			  O_NOFOLLOW, 0644);
		if (fd < 0) {
			r = -errno;
		} else {
			n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
			if (write(fd, buf, (size_t)n) != n)
				r = -EIO;
			close(fd);
		}
	}
	n = sd_send("READY=1");
	return r ? r : n;
}

void notify_stopping(const char *ready_file)
{
	sd_send("STOPPING=1");
	if (ready_file)
		unlink(ready_file);
}

/* $WATCHDOG_USEC, read once: 0 when systemd does not watch us (unset, or
 * meant for another pid: WATCHDOG_PID names the main process). */
static uint64_t watchdog_period_us(void)
{
	static int done;
	static uint64_t period;
	const char *v, *pid;
	char *end;

	if (done)
		return period;
	done = 1;
	v = getenv("WATCHDOG_USEC");
	if (!v || !*v)
		return 0;
	pid = getenv("WATCHDOG_PID");
	if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	errno = 0;
	period = strtoull(v, &end, 10);
	if (errno || *end)
		period = 0;
	return period;
}

int notify_watchdog(void)
{
	static uint64_t next;
	uint64_t period = watchdog_period_us(), now;

	if (!period)
		return 0;
	now = nsw_clock_ns(CLOCK_MONOTONIC) / 1000;
	if (now < next)
		return 0;
	/* twice per period, as sd_watchdog_enabled(3) advises: one late
	 * loop turn must not be taken for a hang */
	next = now + period / 2;
	return sd_send("WATCHDOG=1");
}
