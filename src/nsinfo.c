/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsinfo.h"
#include "strbuf.h"

int nsinfo_parse_link(const char *text, uint32_t *inum)
{
	const char *p = strchr(text, '[');
	unsigned long long v;
	char *end;

	if (!p || !(p[1] >= '0' && p[1] <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtoull(p + 1, &end, 10);
	if (errno || *end != ']' || end[1] != '\0' || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*inum = (uint32_t)v;
	return 0;
}

int nsinfo_read_at(int pid_dir, struct nsw_ns_set *out)
{
	char link[128];
	int i, err = -ENOENT, ns_dir;

	memset(out, 0, sizeof(*out));
	ns_dir = openat(pid_dir, "ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ns_dir < 0)
		return -errno;
	for (i = 0; i < NSW_NS_COUNT; i++) {
		ssize_t n = readlinkat(ns_dir, nsw_ns_name(i), link,
				       sizeof(link) - 1);

		if (n < 0) {
			if (i == NSW_NS_MNT)
				err = -errno;
			continue;
		}
		link[n] = '\0';
		nsinfo_parse_link(link, &out->inum[i]);
	}
	close(ns_dir);
	return out->inum[NSW_NS_MNT] ? 0 : err;
}

int nsinfo_read_pid(const char *procfs, uint32_t pid, struct nsw_ns_set *out)
{
	char path[PATH_MAX];
	int dir, r;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	r = nsinfo_read_at(dir, out);
	close(dir);
	return r;
}

int nsinfo_host(const char *procfs, struct host_ns *out)
{
	int r1, r2;

	memset(out, 0, sizeof(*out));
	r1 = nsinfo_read_pid(procfs, 1, &out->ns);
	if (r1 == 0) {
		out->ref_pid = 1;
		snprintf(out->reason, sizeof(out->reason),
			 "PID 1 under %s", procfs);
		return 0;
	}
	r2 = nsinfo_read_pid(procfs, 2, &out->ns);
	if (r2 == 0) {
		out->ref_pid = 2;
		snprintf(out->reason, sizeof(out->reason),
			 "kthreadd (PID 2) under %s: PID 1's namespace links "
			 "are unreadable (%s)", procfs, strerror(-r1));
		return 0;
	}
	snprintf(out->reason, sizeof(out->reason),
		 "no host reference: PID 1 (%s), PID 2 (%s)", strerror(-r1),
		 strerror(-r2));
	return r2;
}
