/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the evidence of exposure.h for `nswatch ps`: see exposure-scan.h.
 * Which file says what, and how far each can be trusted:
 * doc/container-mapping.md §6.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exposure-scan.h"
#include "procfs.h"
#include "util.h"

#define CONFIG_MAX	(4u << 20)

struct scan_entry {
	const struct nsw_container *c;
	struct exposure_report r;
};

struct exposure_scan {
	const char *procfs;
	const char *rootdir;
	const struct host_ns *host;
	char *host_mountinfo;
	size_t host_mountinfo_len;
	bool apparmor_enabled;
	struct scan_entry **e;
	size_t n, cap;
};

/* A regular file of at most CONFIG_MAX bytes, whole; NULL otherwise. */
static char *read_small_file(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || (size_t)st.st_size > CONFIG_MAX)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto out;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
out:
	close(fd);
	return buf;
}

/* The id is one path component made of what runtimes use in ids. */
static bool id_safe(const char *id)
{
	size_t i;

	if (!id[0] || id[0] == '.')
		return false;
	for (i = 0; id[i]; i++)
		if (id[i] == '/' || (unsigned char)id[i] < 0x21)
			return false;
	return true;
}

/*
 * Where runtimes keep a running container's OCI config.json, under the
 * host root: containerd's v2 and v1 task bundles (any namespace: k8s.io,
 * moby for docker, default for nerdctl), CRI-O's and podman's userdata.
 */
static const char *const bundle_bases[] = {
	"/run/containerd/io.containerd.runtime.v2.task",
	"/run/containerd/io.containerd.runtime.v1.linux",
	"/run/k3s/containerd/io.containerd.runtime.v2.task",
	"/run/docker/containerd/daemon/io.containerd.runtime.v1.linux",
};
static const char *const userdata_bases[] = {
	"/run/containers/storage/overlay-containers",
	"/var/lib/containers/storage/overlay-containers",
};

static char *find_config(const struct exposure_scan *s, const char *id,
			 size_t *lenp)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	char *buf = NULL;
	size_t i;
	DIR *d;

	if (!id_safe(id))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(bundle_bases) && !buf; i++) {
		snprintf(dir, sizeof(dir), "%s%s", s->rootdir,
			 bundle_bases[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while (!buf && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s/%s/config.json",
				     dir, de->d_name, id) >= (int)sizeof(path))
				continue;
			buf = read_small_file(path, lenp);
		}
		closedir(d);
	}
	for (i = 0; i < ARRAY_SIZE(userdata_bases) && !buf; i++) {
		if (snprintf(path, sizeof(path), "%s%s/%s/userdata/config.json",
			     s->rootdir, userdata_bases[i], id) <
		    (int)sizeof(path))
			buf = read_small_file(path, lenp);
	}
	return buf;
}

static bool apparmor_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled",
		      O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

struct exposure_scan *exposure_scan_new(const char *procfs,
					const char *rootdir,
					const struct host_ns *host)
{
	struct exposure_scan *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->procfs = procfs ? procfs : "/proc";
	s->rootdir = rootdir ? rootdir : "";
	s->host = host;
	if (host && host->ref_pid)
		s->host_mountinfo = procfs_read_file(s->procfs, host->ref_pid,
						     "mountinfo",
						     &s->host_mountinfo_len);
	s->apparmor_enabled = apparmor_enabled();
	return s;
}

/*
 * The runtime's init pid still names the container's init: its cgroup
 * names the container (a pid taken again by another process after the
 * init died would not), else the process being listed is the witness.
 */
static bool init_is_ours(const struct exposure_scan *s,
			 const struct nsw_container *c)
{
	char *cg = procfs_read_file(s->procfs, c->init_pid, "cgroup", NULL);
	bool ours = cg && c->id[0] && strstr(cg, c->id);

	free(cg);
	return ours;
}

static void scan_kernel(struct exposure_scan *s, uint32_t pid,
			struct exposure_report *r)
{
	struct exposure_status st;
	struct exposure_kernel k;
	struct nsw_ns_set ns;
	char *status, *mi, *aa;
	size_t len = 0, mi_len = 0;
	int dir;

	dir = procfs_open_pid(s->procfs, pid);
	if (dir < 0)
		return;
	memset(&k, 0, sizeof(k));
	status = procfs_read_file_at(dir, "status", &len);
	if (status && exposure_parse_status(status, len, &st) == 0)
		k.status = &st;
	if (s->host && nsinfo_read_at(dir, &ns) == 0) {
		k.ns = &ns;
		k.host_ns = &s->host->ns;
	}
	mi = procfs_read_file_at(dir, "mountinfo", &mi_len);
	k.mountinfo = mi;
	k.mountinfo_len = mi_len;
	k.host_mountinfo = s->host_mountinfo;
	k.host_mountinfo_len = s->host_mountinfo_len;
	k.apparmor_enabled = s->apparmor_enabled;
	aa = NULL;
	if (s->apparmor_enabled) {
		/* the AppArmor-specific file first (5.8+: stacked LSMs) */
		aa = procfs_read_file_at(dir, "attr/apparmor/current", NULL);
		if (!aa)
			aa = procfs_read_file_at(dir, "attr/current", NULL);
	}
	k.apparmor = aa;
	exposure_from_kernel(&k, r);
	free(aa);
	free(mi);
	free(status);
	close(dir);
}

const struct exposure_report *exposure_scan_container(struct exposure_scan *s,
						      const struct nsw_container *c,
						      uint32_t pid)
{
	struct scan_entry *e, **ne;
	size_t i, len = 0;
	char *cfg;

	for (i = 0; i < s->n; i++)
		if (s->e[i]->c == c)
			return &s->e[i]->r;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		ne = realloc(s->e, cap * sizeof(*ne));
		if (!ne)
			return NULL;
		s->e = ne;
		s->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	s->e[s->n++] = e;
	e->c = c;
	if (c->init_pid && c->init_pid != pid && init_is_ours(s, c))
		pid = c->init_pid;
	if (pid)
		scan_kernel(s, pid, &e->r);
	cfg = find_config(s, c->id, &len);
	if (cfg)
		exposure_from_oci(cfg, len, s->apparmor_enabled, &e->r);
	free(cfg);
	/* docker's hostconfig.json and podman's annotation, read by the
	 * metadata lookup */
	if (c->privileged)
		e->r.config |= NSW_EXP_BIT(NSW_EXP_PRIVILEGED);
	return &e->r;
}

void exposure_scan_free(struct exposure_scan *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->e[i]);
	free(s->host_mountinfo);
	free(s->e);
	free(s);
}
