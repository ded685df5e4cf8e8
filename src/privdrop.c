/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

#ifndef PR_SET_NO_NEW_PRIVS
#define PR_SET_NO_NEW_PRIVS 38
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Highest capability the kernel knows (/proc/sys/kernel/cap_last_cap
 * appeared in 3.2; older kernels: the header's). */
static int cap_last(void)
{
	char buf[16];
	ssize_t n;
	int fd, v = CAP_LAST_CAP;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return v;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		v = atoi(buf);
	}
	return v > 0 && v < 64 ? v : CAP_LAST_CAP;
}

int privdrop_keep(const int *keep, size_t n, uint64_t *kept)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];
	uint64_t have, want = 0;
	int last = cap_last(), c;
	size_t i;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	have = (uint64_t)data[0].permitted | (uint64_t)data[1].permitted << 32;
	for (i = 0; i < n; i++)
		if (keep[i] >= 0 && keep[i] <= last)
			want |= 1ull << keep[i];
	want &= have;
	/* the bounding set limits what any later exec could regain; dropping
	 * needs CAP_SETPCAP, which goes away with the capset below */
	if (have & (1ull << CAP_SETPCAP))
		for (c = 0; c <= last; c++)
			if (!(want & (1ull << c)) &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return -errno;
	/* not there before 4.3: nothing to clear then */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	data[0].permitted = data[0].effective = (uint32_t)want;
	data[1].permitted = data[1].effective = (uint32_t)(want >> 32);
	data[0].inheritable = data[1].inheritable = 0;
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	/* EINVAL: before 3.5, which has no such thing */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (kept)
		*kept = want;
	return 0;
}
