/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor-lock.h"

static int make_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t len;

	if (!slash || slash == path)
		return 0;
	len = (size_t)(slash - path);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len);
	dir[len] = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void read_holder(int fd, char *holder, size_t holder_len)
{
	ssize_t n;

	if (!holder_len)
		return;
	n = pread(fd, holder, holder_len - 1, 0);
	if (n < 0)
		n = 0;
	holder[n] = '\0';
	holder[strcspn(holder, "\n")] = '\0';
}

int monitor_lock_take(const char *path, const char *role, char *holder,
		      size_t holder_len)
{
	char rec[128];
	int fd, n, r;

	if (holder_len)
		holder[0] = '\0';
	r = make_parent(path);
	if (r < 0)
		return r;
	/* O_NOFOLLOW: the directory may be shared; never write through a
	 * link someone planted there */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		r = -errno;
		if (r == -EWOULDBLOCK)
			read_holder(fd, holder, holder_len);
		close(fd);
		return r;
	}
	n = snprintf(rec, sizeof(rec), "pid %ld %s\n", (long)getpid(),
		     role ? role : "");
	if (ftruncate(fd, 0) < 0 || pwrite(fd, rec, (size_t)n, 0) != n) {
		r = errno ? -errno : -EIO;
		close(fd);
		return r;
	}
	return fd;
}
