/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pod and container metadata from the runtimes' on-disk state (no
 * Kubernetes API, no runtime socket): where each runtime keeps it and in
 * which order we look, doc/container-mapping.md §3 (lookup order §3.7).
 * The documents found are parsed by container-meta-parse.c.
 *
 * container_meta_lookup() reads files under a root prefix so tests can
 * point it at a fixture tree; every read is bounded (META_MAX_FILE),
 * O_CLOEXEC, O_NOFOLLOW on the last component, regular files only, and
 * ids and namespace names are checked against [A-Za-z0-9_.-]+ before
 * they become path components.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat.h"

#include "container-meta.h"
#include "container-meta-parse.h"
#include "strbuf.h"
#include "util.h"

#define META_MAX_DIRENTS 65536	/* bound for directory scans */

/* ---- paths ----------------------------------------------------------- */

/* A string we accept as one path component: [A-Za-z0-9_.-]+, no leading
 * '.', shorter than CONTAINER_ID_MAX. */
static bool safe_component(const char *s)
{
	size_t i;

	if (!s || !s[0] || s[0] == '.')
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];

		if (i >= CONTAINER_ID_MAX - 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Absolute path without "." or ".." components (bundle paths). */
static bool safe_abs_path(const char *p)
{
	const char *c = p;

	if (!p || p[0] != '/' || strlen(p) >= PATH_MAX / 2)
		return false;
	while (*c) {
		const char *e;
		size_t n;

		while (*c == '/')
			c++;
		e = c;
		while (*e && *e != '/')
			e++;
		n = (size_t)(e - c);
		if ((n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c = e;
	}
	return true;
}

/* ---- file access ------------------------------------------------------ */

static int read_bounded(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t len = 0, cap;
	int fd, rc = 0;

	*bufp = NULL;
	*lenp = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
		  O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out_close;
	}
	if ((unsigned long long)st.st_size > META_MAX_FILE) {
		rc = -EFBIG;
		goto out_close;
	}
	cap = (size_t)st.st_size + 4096;
	if (cap > META_MAX_FILE + 1)
		cap = META_MAX_FILE + 1;
	buf = malloc(cap);
	if (!buf) {
		rc = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			/* the file grew since fstat */
			size_t ncap = cap * 2 > META_MAX_FILE + 1 ?
				      META_MAX_FILE + 1 : cap * 2;
			char *nb;

			if (ncap <= cap) {
				rc = -EFBIG;
				free(buf);
				goto out_close;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				rc = -ENOMEM;
				free(buf);
				goto out_close;
			}
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + len, cap - 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			free(buf);
			goto out_close;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > META_MAX_FILE) {
			rc = -EFBIG;
			free(buf);
			goto out_close;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
out_close:
	close(fd);
	return rc;
}

static int mkpath(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int mkpath(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static bool read_pid_file(const char *path, uint32_t *pid)
{
	char *buf;
	size_t len, i;
	uint64_t v = 0;

	if (read_bounded(path, &buf, &len) < 0)
		return false;
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9' && i < 10; i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	free(buf);
	if (i == 0 || v == 0 || v > INT32_MAX)
		return false;
	*pid = (uint32_t)v;
	return true;
}

/* Parser signature shared by the lookup steps. */
typedef int (*meta_parser)(const char *, size_t, struct nsw_container *,
			   struct meta_extra *);

static int parse_file(const char *path, meta_parser fn,
		      struct nsw_container *out, struct meta_extra *x)
{
	char *buf;
	size_t len;
	int rc;

	rc = read_bounded(path, &buf, &len);
	if (rc < 0)
		return rc;
	rc = fn(buf, len, out, x);
	free(buf);
	return rc;
}

static int parse_crun_x(const char *json, size_t len,
			struct nsw_container *out, struct meta_extra *x)
{
	return container_meta_parse_crun_status(json, len, out, x->bundle,
						sizeof(x->bundle));
}

/* ---- lookup ------------------------------------------------------------ */

struct lookup {
	const char *root;	/* "" or a prefix without trailing '/' */
	const char *id;
	struct nsw_container *out;
	char src[PATH_MAX];
	struct meta_extra x;
	char rt[16];		/* runtime decided from the location */
};

/* Call fn(l, dir, name) for the entries of `dir` not starting with '.'
 * (at most META_MAX_DIRENTS); stop when fn returns true.  fn validates
 * the name before using it in a path. */
static bool each_dirent(struct lookup *l, const char *dir,
			bool (*fn)(struct lookup *, const char *, const char *))
{
	DIR *d;
	struct dirent *de;
	unsigned int n = 0;
	bool done = false;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while (!done && n++ < META_MAX_DIRENTS && (de = readdir(d)))
		if (de->d_name[0] != '.')
			done = fn(l, dir, de->d_name);
	closedir(d);
	return done;
}

static void read_config_at(struct lookup *l, const char *bundle)
{
	char path[PATH_MAX];

	if (!safe_abs_path(bundle) ||
	    mkpath(path, sizeof(path), "%s%s/config.json", l->root, bundle) < 0)
		return;
	parse_file(path, meta_parse_oci_config, l->out, &l->x);
}

/* runc state of `id` under a runc root: created time, init pid. */
static void runc_extra(struct lookup *l, const char *runc_root)
{
	char path[PATH_MAX];
	struct meta_extra tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (mkpath(path, sizeof(path), "%s/%s/state.json", runc_root,
		   l->id) == 0)
		parse_file(path, meta_parse_runc_state, l->out, &tmp);
}

static const char *containerd_bases[] = { "/run/containerd",
					   "/run/k3s/containerd" };
static const char *cri_status_dirs[] = {
	"/var/lib/containerd/io.containerd.grpc.v1.cri/containers",
	"/var/lib/rancher/k3s/agent/containerd/io.containerd.grpc.v1.cri/containers",
};

static bool containerd_ns(struct lookup *l, const char *dir, const char *ns)
{
	char path[PATH_MAX], runc_root[PATH_MAX];
	size_t b;
	uint32_t pid;

	if (!safe_component(ns) ||
	    mkpath(path, sizeof(path), "%s/%s/%s/config.json", dir, ns,
		   l->id) < 0 ||
	    parse_file(path, meta_parse_oci_config, l->out, &l->x) < 0)
		return false;
	nsw_strlcpy(l->src, path, sizeof(l->src));
	if (strcmp(ns, "moby") == 0)
		nsw_strlcpy(l->rt, "docker", sizeof(l->rt));
	else if (l->x.nerdctl)
		nsw_strlcpy(l->rt, "nerdctl", sizeof(l->rt));
	else
		nsw_strlcpy(l->rt, "containerd", sizeof(l->rt));
	if (mkpath(path, sizeof(path), "%s/%s/%s/init.pid", dir, ns,
		   l->id) == 0 && read_pid_file(path, &pid))
		l->out->init_pid = pid;
	/* start time: the CRI checkpoint, else runc's "created" */
	for (b = 0; b < ARRAY_SIZE(cri_status_dirs); b++)
		if (mkpath(path, sizeof(path), "%s%s/%s/status", l->root,
			   cri_status_dirs[b], l->id) == 0)
			parse_file(path, meta_parse_cri_status, l->out, &l->x);
	for (b = 0; b < ARRAY_SIZE(containerd_bases); b++)
		if (mkpath(runc_root, sizeof(runc_root), "%s%s/runc/%s",
			   l->root, containerd_bases[b], ns) == 0)
			runc_extra(l, runc_root);
	return true;
}

static bool try_containerd(struct lookup *l)
{
	char dir[PATH_MAX];
	size_t b;

	for (b = 0; b < ARRAY_SIZE(containerd_bases); b++) {
		if (mkpath(dir, sizeof(dir),
			   "%s%s/io.containerd.runtime.v2.task", l->root,
			   containerd_bases[b]) < 0)
			continue;
		if (each_dirent(l, dir, containerd_ns))
			return true;
	}
	return false;
}

static const char *storage_dirs[] = { "/run/containers/storage",
				      "/var/lib/containers/storage" };

/* Pod labels (and missing pod fields) from a sandbox's spec. */
static void sandbox_labels(struct lookup *l, meta_parser fn,
			   const char *const *dirs, size_t ndirs,
			   const char *file)
{
	struct nsw_container sb;
	struct meta_extra tmp;
	char path[PATH_MAX];
	size_t i;

	if (!safe_component(l->x.sandbox_id) ||
	    strcmp(l->x.sandbox_id, l->id) == 0 || l->out->n_labels)
		return;
	for (i = 0; i < ndirs; i++) {
		memset(&sb, 0, sizeof(sb));
		memset(&tmp, 0, sizeof(tmp));
		if (mkpath(path, sizeof(path), "%s%s/%s/%s", l->root, dirs[i],
			   l->x.sandbox_id, file) < 0 ||
		    parse_file(path, fn, &sb, &tmp) < 0) {
			container_meta_clear(&sb);
			continue;
		}
		FILL(l->out->pod_name, sb.pod_name);
		FILL(l->out->pod_namespace, sb.pod_namespace);
		FILL(l->out->pod_uid, sb.pod_uid);
		if (!l->out->n_labels) {
			l->out->labels = sb.labels;
			l->out->n_labels = sb.n_labels;
			sb.labels = NULL;
			sb.n_labels = 0;
		}
		container_meta_clear(&sb);
		return;
	}
}

static void runtime_state_extra(struct lookup *l)
{
	char path[PATH_MAX];
	struct meta_extra tmp;

	memset(&tmp, 0, sizeof(tmp));
	if (mkpath(path, sizeof(path), "%s/run/runc/%s/state.json", l->root,
		   l->id) == 0)
		parse_file(path, meta_parse_runc_state, l->out, &tmp);
	memset(&tmp, 0, sizeof(tmp));
	if (mkpath(path, sizeof(path), "%s/run/crun/%s/status", l->root,
		   l->id) == 0)
		parse_file(path, parse_crun_x, l->out, &tmp);
}

/*
 * podman keeps pods only in its libpod database (BoltDB), whose values are
 * its own JSON documents stored contiguously: a container's config
 * `{..."id":"<id>","name":"<name>","pod":"<pod id>",...}` and the pod's
 * `{"id":"<pod id>","name":"<pod name>"[,"namespace":"<ns>"],...}`.  The
 * names podman shows (`podman pod inspect`: Name, Namespace) are found by
 * searching those byte strings in the file, bounded like every state file;
 * a copy-on-write leftover of the same document says the same, as ids and
 * names never change.
 */
static void podman_pod(struct lookup *l)
{
	static const char *const dbs[] = {
		"/var/lib/containers/storage/libpod/bolt_state.db",
	};
	char path[PATH_MAX], key[200], name[256], pod[80];
	const char *at;
	size_t i, len;
	char *buf;

	for (i = 0; i < ARRAY_SIZE(dbs); i++) {
		if (l->out->pod_name[0] ||
		    mkpath(path, sizeof(path), "%s%s", l->root, dbs[i]) < 0 ||
		    read_bounded(path, &buf, &len) < 0)
			continue;
		snprintf(key, sizeof(key), "\"id\":\"%s\",\"name\":\"", l->id);
		if (meta_value_after(buf, len, key, &at, name, sizeof(name)) &&
		    meta_value_after(at, len - (size_t)(at - buf),
				     "\",\"pod\":\"", NULL, pod, sizeof(pod)) &&
		    strlen(pod) == 64 && meta_is_lhex_str(pod, 64) &&
		    !memcmp(at, "\",\"pod\":\"", 9)) {
			snprintf(key, sizeof(key), "{\"id\":\"%s\",\"name\":\"",
				 pod);
			if (meta_value_after(buf, len, key, &at, name,
					sizeof(l->out->pod_name)))
				FILL(l->out->pod_name, name);
			else
				at = NULL;
			/* the pod's libpod namespace (`podman --namespace`)
			 * follows its name; podman omits an empty one */
			if (at && meta_value_after(at, len - (size_t)(at - buf),
					      "\",\"namespace\":\"", NULL, name,
					      sizeof(l->out->pod_namespace)) &&
			    !memcmp(at, "\",\"namespace\":\"", 15))
				FILL(l->out->pod_namespace, name);
		}
		free(buf);
	}
}

static bool try_storage(struct lookup *l)
{
	static const char *const sb_dirs[] = {
		"/run/containers/storage/overlay-containers",
		"/var/lib/containers/storage/overlay-containers",
	};
	char path[PATH_MAX];
	size_t s;
	uint32_t pid;

	for (s = 0; s < ARRAY_SIZE(storage_dirs); s++) {
		if (mkpath(path, sizeof(path),
			   "%s%s/overlay-containers/%s/userdata/config.json",
			   l->root, storage_dirs[s], l->id) < 0 ||
		    parse_file(path, meta_parse_oci_config, l->out, &l->x) < 0)
			continue;
		nsw_strlcpy(l->src, path, sizeof(l->src));
		nsw_strlcpy(l->rt, l->x.libpod ? "podman" : "cri-o",
			    sizeof(l->rt));
		if (!l->x.is_sandbox)
			sandbox_labels(l, meta_parse_oci_config, sb_dirs, 2,
				       "userdata/config.json");
		if (mkpath(path, sizeof(path),
			   "%s%s/overlay-containers/%s/userdata/pidfile",
			   l->root, storage_dirs[0], l->id) == 0 &&
		    read_pid_file(path, &pid))
			l->out->init_pid = pid;
		/* created time and pid from the OCI runtime first */
		runtime_state_extra(l);
		/* podman keeps the name and image only in the index */
		for (s = 0; s < ARRAY_SIZE(storage_dirs); s++) {
			char *buf;
			size_t len;

			if (l->out->name[0] && l->out->image[0])
				break;
			if (mkpath(path, sizeof(path),
				   "%s%s/overlay-containers/containers.json",
				   l->root, storage_dirs[s]) < 0 ||
			    read_bounded(path, &buf, &len) < 0)
				continue;
			meta_parse_storage_index(buf, len, l->id, l->out);
			free(buf);
		}
		if (l->x.libpod)
			podman_pod(l);
		return true;
	}
	return false;
}

static bool try_docker(struct lookup *l)
{
	static const char *const sb_dirs[] = { "/var/lib/docker/containers" };
	char path[PATH_MAX], *buf;
	size_t len;

	if (mkpath(path, sizeof(path),
		   "%s/var/lib/docker/containers/%s/config.v2.json", l->root,
		   l->id) < 0 ||
	    parse_file(path, meta_parse_docker_config, l->out, &l->x) < 0)
		return false;
	nsw_strlcpy(l->src, path, sizeof(l->src));
	nsw_strlcpy(l->rt, "docker", sizeof(l->rt));
	if (!l->x.is_sandbox)
		sandbox_labels(l, meta_parse_docker_config, sb_dirs, 1,
			       "config.v2.json");
	if (mkpath(path, sizeof(path),
		   "%s/var/lib/docker/containers/%s/hostconfig.json", l->root,
		   l->id) == 0 && read_bounded(path, &buf, &len) == 0) {
		meta_parse_docker_hostconfig(buf, len, l->out);
		free(buf);
	}
	return true;
}

/* After a state file named a bundle: its config.json, runtime by root. */
static void after_state(struct lookup *l, const char *path, const char *rt)
{
	char bundle[PATH_MAX];

	nsw_strlcpy(l->src, path, sizeof(l->src));
	nsw_strlcpy(bundle, l->x.bundle, sizeof(bundle));
	if (bundle[0])
		read_config_at(l, bundle);
	if (rt)
		nsw_strlcpy(l->rt, rt, sizeof(l->rt));
	else if (l->x.libpod)
		nsw_strlcpy(l->rt, "podman", sizeof(l->rt));
	else if (l->x.crio)
		nsw_strlcpy(l->rt, "cri-o", sizeof(l->rt));
	else if (l->x.cri)
		nsw_strlcpy(l->rt, "containerd", sizeof(l->rt));
}

static bool runc_ns(struct lookup *l, const char *dir, const char *ns)
{
	char path[PATH_MAX];
	const char *rt;

	if (!safe_component(ns) ||
	    mkpath(path, sizeof(path), "%s/%s/%s/state.json", dir, ns,
		   l->id) < 0 ||
	    parse_file(path, meta_parse_runc_state, l->out, &l->x) < 0)
		return false;
	if (strstr(dir, "/run/docker/runtime-runc") || strcmp(ns, "moby") == 0)
		rt = "docker";
	else
		rt = "containerd";
	after_state(l, path, rt);
	return true;
}

static bool try_runc(struct lookup *l)
{
	char path[PATH_MAX];

	if (mkpath(path, sizeof(path), "%s/run/runc/%s/state.json", l->root,
		   l->id) == 0 &&
	    parse_file(path, meta_parse_runc_state, l->out, &l->x) == 0) {
		/* CRI-O and rootful podman share /run/runc */
		after_state(l, path, NULL);
		return true;
	}
	if (mkpath(path, sizeof(path), "%s/run/containerd/runc", l->root) == 0 &&
	    each_dirent(l, path, runc_ns))
		return true;
	if (mkpath(path, sizeof(path), "%s/run/docker/runtime-runc",
		   l->root) == 0 && each_dirent(l, path, runc_ns))
		return true;
	return false;
}

static bool try_crun(struct lookup *l)
{
	char path[PATH_MAX];

	if (mkpath(path, sizeof(path), "%s/run/crun/%s/status", l->root,
		   l->id) < 0 ||
	    parse_file(path, parse_crun_x, l->out, &l->x) < 0)
		return false;
	after_state(l, path, NULL);
	return true;
}

/*
 * /var/log/containers/<pod>_<ns>_<ctr>-<id>.log: the kubelet's symlink.
 * The name is cut at 251 characters (+".log"), which can cut the id, so
 * a long name matches on an id prefix of at least 12 characters.
 */
static bool log_entry(struct lookup *l, const char *dir, const char *name)
{
	char buf[256], *u1, *u2, *dash;
	size_t n = strlen(name), idn;
	char path[PATH_MAX];
	struct stat st;

	if (n < 5 || n >= sizeof(buf) || strcmp(name + n - 4, ".log") != 0 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") != n)
		return false;
	memcpy(buf, name, n - 4);
	buf[n - 4] = '\0';
	dash = strrchr(buf, '-');
	if (!dash)
		return false;
	idn = strlen(dash + 1);
	if (!(strcmp(dash + 1, l->id) == 0 ||
	      (n == 255 && idn >= 12 && idn < strlen(l->id) &&
	       strncmp(dash + 1, l->id, idn) == 0)))
		return false;
	*dash = '\0';
	u1 = strchr(buf, '_');
	u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	if (!u1 || !u2 || strchr(u2 + 1, '_'))
		return false;
	*u1 = *u2 = '\0';
	if (mkpath(path, sizeof(path), "%s/%s", dir, name) < 0 ||
	    lstat(path, &st) < 0)
		return false;
	FILL(l->out->pod_name, buf);
	FILL(l->out->pod_namespace, u1 + 1);
	FILL(l->out->name, u2 + 1);
	nsw_strlcpy(l->src, path, sizeof(l->src));
	return true;
}

static bool try_kubelet_logs(struct lookup *l)
{
	char dir[PATH_MAX];

	if (mkpath(dir, sizeof(dir), "%s/var/log/containers", l->root) < 0)
		return false;
	return each_dirent(l, dir, log_entry);
}

/*
 * Fill `out` for the container `cg->id` from the runtime state under
 * `rootdir` (NULL or "" for /), in the order of §3.7: containerd and k3s
 * bundles, CRI-O/podman storage, docker, runc roots, crun, kubelet log
 * links.  `out` is reset first (its labels released, refcnt kept).  The
 * runtime comes from where the state was found, else the documents, else
 * the cgroup.  0 when state was found, -ENOENT otherwise (id, runtime and
 * pod uid from the cgroup are still filled), -EINVAL on NULL arguments.
 */
int container_meta_lookup_src(const char *rootdir,
			      const struct cgroup_attr *cg,
			      struct nsw_container *out,
			      char *src, size_t srclen)
{
	struct lookup l;
	char root[PATH_MAX];
	unsigned int ref;
	size_t n;
	bool found;

	if (src && srclen)
		src[0] = '\0';
	if (!cg || !out)
		return -EINVAL;
	ref = out->refcnt;
	container_meta_clear(out);
	memset(out, 0, sizeof(*out));
	out->refcnt = ref;
	nsw_strlcpy(out->id, cg->id, sizeof(out->id));
	if (!cg->id[0])
		return -ENOENT;

	nsw_strlcpy(root, rootdir ? rootdir : "", sizeof(root));
	n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		root[--n] = '\0';

	memset(&l, 0, sizeof(l));
	l.root = root;
	l.id = cg->id;
	l.out = out;
	/* never let a crafted cgroup name walk the filesystem */
	found = safe_component(cg->id) &&
		(try_containerd(&l) || try_storage(&l) || try_docker(&l) ||
		 try_runc(&l) || try_crun(&l) || try_kubelet_logs(&l));

	/* the location decides the scheme, then the documents, then cgroup */
	if (l.rt[0])
		nsw_strlcpy(out->runtime, l.rt, sizeof(out->runtime));
	FILL(out->runtime, cg->runtime);
	FILL(out->pod_uid, cg->pod_uid);
	/* the id stays the cgroup's: documents cannot rename a container */
	nsw_strlcpy(out->id, cg->id, sizeof(out->id));
	container_meta_guess_workload(out);
	if (src && srclen)
		nsw_strlcpy(src, l.src, srclen);
	return found ? 0 : -ENOENT;
}

/* container_meta_lookup_src without the state path. */
int container_meta_lookup(const char *rootdir, const struct cgroup_attr *cg,
			  struct nsw_container *out)
{
	return container_meta_lookup_src(rootdir, cg, out, NULL, 0);
}
