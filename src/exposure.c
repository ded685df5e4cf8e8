/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static exposure of a container: see exposure.h.  The evidence and what
 * a container can fake are described in doc/container-mapping.md §6.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "exposure.h"
#include "json-get.h"
#include "strbuf.h"
#include "util.h"

static const struct {
	const char *name;
	char letter;
} exp_names[NSW_EXP_COUNT] = {
	[NSW_EXP_PRIVILEGED] = { "privileged", 'P' },
	[NSW_EXP_HOST_PID] = { "host-pid", 'p' },
	[NSW_EXP_HOST_NETWORK] = { "host-network", 'n' },
	[NSW_EXP_HOST_IPC] = { "host-ipc", 'i' },
	[NSW_EXP_HOST_UTS] = { "host-uts", 'u' },
	[NSW_EXP_HOST_PATH_ROOT] = { "host-path-root", '/' },
	[NSW_EXP_HOST_PATH_SENSITIVE] = { "host-path-sensitive", 'h' },
	[NSW_EXP_RUNTIME_SOCKET] = { "runtime-socket", 's' },
	[NSW_EXP_CAP_SYS_ADMIN] = { "cap-sys-admin", 'A' },
	[NSW_EXP_CAP_SYS_MODULE] = { "cap-sys-module", 'M' },
	[NSW_EXP_CAP_SYS_PTRACE] = { "cap-sys-ptrace", 'T' },
	[NSW_EXP_CAP_DAC_READ_SEARCH] = { "cap-dac-read-search", 'D' },
	[NSW_EXP_CAP_BPF] = { "cap-bpf", 'B' },
	[NSW_EXP_CAP_SYS_RAWIO] = { "cap-sys-rawio", 'R' },
	[NSW_EXP_NO_SECCOMP] = { "no-seccomp", 'S' },
	[NSW_EXP_APPARMOR_UNCONFINED] = { "apparmor-unconfined", 'a' },
};

const char *exposure_name(enum nsw_exposure e)
{
	return (unsigned int)e < NSW_EXP_COUNT ? exp_names[e].name : NULL;
}

char exposure_letter(enum nsw_exposure e)
{
	return (unsigned int)e < NSW_EXP_COUNT ? exp_names[e].letter : '?';
}

int exposure_parse_names(const char *list, uint32_t *mask, const char **bad)
{
	const char *s = list;

	*mask = 0;
	while (s && *s) {
		size_t n = strcspn(s, ","), i;
		bool found = false;

		for (i = 0; n && i < NSW_EXP_COUNT && !found; i++)
			if (strlen(exp_names[i].name) == n &&
			    strncmp(exp_names[i].name, s, n) == 0) {
				*mask |= NSW_EXP_BIT(i);
				found = true;
			}
		if (!found) {
			if (bad)
				*bad = s;
			return -EINVAL;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

/* ---- capabilities ------------------------------------------------------ */

/* Capability numbers of <linux/capability.h> that raise a flag. */
#define CAPN_DAC_READ_SEARCH	2
#define CAPN_NET_ADMIN		12
#define CAPN_SYS_MODULE		16
#define CAPN_SYS_RAWIO		17
#define CAPN_SYS_PTRACE		19
#define CAPN_SYS_ADMIN		21
#define CAPN_SYS_BOOT		22
#define CAPN_MAC_ADMIN		33
#define CAPN_BPF		39

static const struct {
	const char *name;
	unsigned int bit;
	enum nsw_exposure flag;	/* NSW_EXP_COUNT: only for privileged */
} cap_table[] = {
	{ "CAP_SYS_ADMIN", CAPN_SYS_ADMIN, NSW_EXP_CAP_SYS_ADMIN },
	{ "CAP_SYS_MODULE", CAPN_SYS_MODULE, NSW_EXP_CAP_SYS_MODULE },
	{ "CAP_SYS_PTRACE", CAPN_SYS_PTRACE, NSW_EXP_CAP_SYS_PTRACE },
	{ "CAP_DAC_READ_SEARCH", CAPN_DAC_READ_SEARCH,
	  NSW_EXP_CAP_DAC_READ_SEARCH },
	{ "CAP_BPF", CAPN_BPF, NSW_EXP_CAP_BPF },
	{ "CAP_SYS_RAWIO", CAPN_SYS_RAWIO, NSW_EXP_CAP_SYS_RAWIO },
	{ "CAP_SYS_BOOT", CAPN_SYS_BOOT, NSW_EXP_COUNT },
	{ "CAP_MAC_ADMIN", CAPN_MAC_ADMIN, NSW_EXP_COUNT },
	{ "CAP_NET_ADMIN", CAPN_NET_ADMIN, NSW_EXP_COUNT },
};

/*
 * What no default profile grants and a privileged container (docker,
 * podman, Kubernetes privileged: true) always has: every capability the
 * runtime holds.  Not "all 41": a runtime whose own bounding set lacks
 * one (this machine's lacks CAP_SYS_RESOURCE) gives its privileged
 * containers what it has.
 */
#define CAPS_PRIVILEGED							\
	((1ull << CAPN_SYS_ADMIN) | (1ull << CAPN_SYS_MODULE) |		\
	 (1ull << CAPN_SYS_RAWIO) | (1ull << CAPN_SYS_PTRACE) |		\
	 (1ull << CAPN_SYS_BOOT) | (1ull << CAPN_MAC_ADMIN) |		\
	 (1ull << CAPN_DAC_READ_SEARCH) | (1ull << CAPN_NET_ADMIN))

static uint32_t cap_flags(uint64_t caps)
{
	uint32_t f = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cap_table); i++)
		if (cap_table[i].flag != NSW_EXP_COUNT &&
		    (caps >> cap_table[i].bit) & 1)
			f |= NSW_EXP_BIT(cap_table[i].flag);
	return f;
}

/* ---- /proc/<pid>/status -------------------------------------------------- */

static bool status_hex(const char *line, const char *key, uint64_t *out)
{
	size_t n = strlen(key);
	char *end;

	if (strncmp(line, key, n) != 0)
		return false;
	line += n;
	while (*line == ' ' || *line == '\t')
		line++;
	errno = 0;
	*out = strtoull(line, &end, 16);
	return !errno && end != line;
}

int exposure_parse_status(const char *text, size_t len,
			  struct exposure_status *out)
{
	const char *p = text, *end = text + len;
	bool have_eff = false;
	uint64_t v;
	char line[128];

	memset(out, 0, sizeof(*out));
	out->seccomp = -1;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);

		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, p, l);
		line[l] = '\0';
		p = nl ? nl + 1 : NULL;
		if (status_hex(line, "CapEff:", &out->cap_eff))
			have_eff = true;
		else if (status_hex(line, "CapBnd:", &out->cap_bnd))
			;
		else if (strncmp(line, "Seccomp_", 8) == 0)
			;	/* Seccomp_filters: not the mode */
		else if (status_hex(line, "Seccomp:", &v))
			out->seccomp = v <= 2 ? (int)v : -1;
		else if (status_hex(line, "NoNewPrivs:", &v))
			out->no_new_privs = v != 0;
	}
	return have_eff ? 0 : -EINVAL;
}

/* ---- host paths -------------------------------------------------------- */

/*
 * Host directories whose content (anything below them too) gives a way
 * out: the host's processes and kernel knobs, its configuration and
 * credentials, its kernel and modules.
 */
static const char *const sensitive_deep[] = {
	"/proc", "/sys", "/etc", "/root", "/boot", "/lib/modules",
	"/usr/lib/modules", "/home",
};
/*
 * Host directories that are sensitive whole, but below which runtimes
 * legitimately mount per-container files: the bundle's root file system
 * and CRI-O's userdata (hostname, resolv.conf) under /run, the kubelet's
 * pod volumes and containerd's hosts files under /var/lib, /dev/null
 * bound over masked /proc files (rootless, user namespaces).
 */
static const char *const sensitive_shallow[] = {
	"/dev", "/run", "/var/run", "/var/lib/kubelet", "/var/lib/containerd",
	"/var/lib/docker", "/var/lib/containers", "/var/log",
};
/* Device nodes a container may be given without exposing the host. */
static const char *const dev_benign[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/ptmx", "/dev/console", "/dev/fuse", "/dev/net/tun",
	"/dev/pts", "/dev/shm", "/dev/mqueue",
};
static const char *const socket_names[] = {
	"containerd.sock", "docker.sock", "crio.sock", "podman.sock",
	"cri-dockerd.sock", "dockershim.sock",
};
static const char *const socket_paths[] = {
	"/run/containerd/containerd.sock", "/run/docker.sock",
	"/run/crio/crio.sock", "/run/podman/podman.sock",
	"/run/k3s/containerd/containerd.sock", "/run/cri-dockerd.sock",
	"/var/run/containerd/containerd.sock", "/var/run/docker.sock",
	"/var/run/crio/crio.sock", "/var/run/podman/podman.sock",
	"/var/run/cri-dockerd.sock",
};

/* a is b, or a directory above it (component-wise). */
static bool path_at_or_above(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (strcmp(a, "/") == 0)
		return true;
	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

uint32_t exposure_classify_host_path(const char *path)
{
	const char *base;
	uint32_t f = 0;
	size_t i;

	if (!path || path[0] != '/')
		return 0;
	if (strcmp(path, "/") == 0)
		/* implies every other host path: one flag says it */
		return NSW_EXP_BIT(NSW_EXP_HOST_PATH_ROOT);
	for (i = 0; i < ARRAY_SIZE(sensitive_deep); i++)
		if (path_at_or_above(path, sensitive_deep[i]) ||
		    path_at_or_above(sensitive_deep[i], path))
			f |= NSW_EXP_BIT(NSW_EXP_HOST_PATH_SENSITIVE);
	for (i = 0; i < ARRAY_SIZE(sensitive_shallow); i++)
		if (path_at_or_above(path, sensitive_shallow[i]))
			f |= NSW_EXP_BIT(NSW_EXP_HOST_PATH_SENSITIVE);
	if (strncmp(path, "/dev/", 5) == 0) {
		bool benign = false;

		for (i = 0; i < ARRAY_SIZE(dev_benign) && !benign; i++)
			benign = path_at_or_above(dev_benign[i], path);
		if (!benign)	/* a block device, /dev/mem, /dev/kmsg... */
			f |= NSW_EXP_BIT(NSW_EXP_HOST_PATH_SENSITIVE);
	}
	base = strrchr(path, '/') + 1;
	for (i = 0; i < ARRAY_SIZE(socket_names); i++)
		if (strcmp(base, socket_names[i]) == 0)
			f |= NSW_EXP_BIT(NSW_EXP_RUNTIME_SOCKET);
	for (i = 0; i < ARRAY_SIZE(socket_paths); i++)
		if (path_at_or_above(path, socket_paths[i]))
			f |= NSW_EXP_BIT(NSW_EXP_RUNTIME_SOCKET);
	return f;
}

static void add_path(struct exposure_report *r, const char *path)
{
	int i;

	for (i = 0; i < r->n_paths; i++)
		if (strcmp(r->paths[i], path) == 0)
			return;
	if (r->n_paths < EXPOSURE_MAX_PATHS)
		nsw_strlcpy(r->paths[r->n_paths++], path,
			    sizeof(r->paths[0]));
}

/* Classify a host path and remember it when it raised something. */
static uint32_t host_path(struct exposure_report *r, const char *path)
{
	uint32_t f = exposure_classify_host_path(path);

	if (f)
		add_path(r, path);
	return f;
}

/* ---- mountinfo --------------------------------------------------------- */

struct mnt {
	unsigned int major, minor;
	char root[EXPOSURE_PATH_MAX];
	char point[EXPOSURE_PATH_MAX];
	char fstype[32];
};

/* Copy one space-delimited field, undoing the kernel's \ooo escapes. */
static const char *mi_field(const char *s, const char *end, char *out,
			    size_t outlen)
{
	size_t o = 0;

	while (s < end && *s == ' ')
		s++;
	while (s < end && *s != ' ') {
		char c = *s++;

		if (c == '\\' && end - s >= 3 && s[0] >= '0' && s[0] <= '3' &&
		    s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 +
				   (s[2] - '0'));
			s += 3;
		}
		if (o + 1 < outlen)
			out[o++] = c;
	}
	if (outlen)
		out[o] = '\0';
	return s;
}

/* One mountinfo line into m.  false when it is not one. */
static bool mi_parse_line(const char *s, const char *end, struct mnt *m)
{
	char f[EXPOSURE_PATH_MAX];

	s = mi_field(s, end, f, sizeof(f));	/* mount id */
	s = mi_field(s, end, f, sizeof(f));	/* parent id */
	s = mi_field(s, end, f, sizeof(f));	/* major:minor */
	if (sscanf(f, "%u:%u", &m->major, &m->minor) != 2)
		return false;
	s = mi_field(s, end, m->root, sizeof(m->root));
	s = mi_field(s, end, m->point, sizeof(m->point));
	s = mi_field(s, end, f, sizeof(f));	/* options */
	do {					/* optional fields, "-" */
		s = mi_field(s, end, f, sizeof(f));
	} while (s < end && strcmp(f, "-") != 0);
	if (strcmp(f, "-") != 0)
		return false;
	mi_field(s, end, m->fstype, sizeof(m->fstype));
	return m->root[0] == '/' && m->point[0] == '/' && m->fstype[0];
}

/* Call fn for each mount of a mountinfo text; stops when fn returns
 * false. */
static void mi_each(const char *text, size_t len,
		    bool (*fn)(const struct mnt *m, void *arg), void *arg)
{
	const char *p = text, *end = text + len;
	struct mnt m;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		memset(&m, 0, sizeof(m));
		if (mi_parse_line(p, le, &m) && !fn(&m, arg))
			return;
		p = nl ? nl + 1 : NULL;
	}
}

/* The host mount a container mount shows part of: same device, the
 * longest root that holds the container mount's root. */
struct host_match {
	const struct mnt *want;
	size_t best;		/* length of the best root + 1; 0 none */
	char path[2 * EXPOSURE_PATH_MAX];
};

static bool host_match_fn(const struct mnt *h, void *arg)
{
	struct host_match *hm = arg;
	const char *r = hm->want->root, *rest;
	size_t n = strlen(h->root);

	if (h->major != hm->want->major || h->minor != hm->want->minor ||
	    !path_at_or_above(h->root, r) || n + 1 <= hm->best)
		return true;
	rest = strcmp(h->root, "/") == 0 ? r : r + n;
	hm->best = n + 1;
	if (strcmp(h->point, "/") == 0)
		snprintf(hm->path, sizeof(hm->path), "%s", rest);
	else if (strcmp(rest, "/") == 0)
		snprintf(hm->path, sizeof(hm->path), "%s", h->point);
	else
		snprintf(hm->path, sizeof(hm->path), "%s%s", h->point, rest);
	return true;
}

/* Mount points runc masks (maskedPaths, readonlyPaths) in a container
 * that is not privileged: any of them mounted says it is not. */
static const char *const masked_points[] = {
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/acpi",
	"/proc/scsi", "/sys/firmware", "/proc/sys", "/proc/sysrq-trigger",
};

struct mi_ctx {
	const struct exposure_kernel *k;
	struct exposure_report *r;
	uint32_t ns_flags;	/* host namespaces the container shares */
	bool masked;
};

static bool ctr_mount_fn(const struct mnt *m, void *arg)
{
	struct mi_ctx *c = arg;
	struct host_match hm;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(masked_points); i++)
		if (strcmp(m->point, masked_points[i]) == 0)
			c->masked = true;
	/*
	 * File systems whose superblock the kernel shares by namespace,
	 * not by bind: cgroup hierarchies (the root shown depends on the
	 * cgroup namespace), sysfs per network namespace, mqueue per ipc
	 * namespace, proc per pid namespace before Linux 5.8.  The
	 * container's own mount of one at its usual place matches the
	 * host's when it shares that namespace (a flag of its own), so it
	 * is no evidence of a host path; config.json says those.
	 */
	if (strcmp(m->fstype, "cgroup") == 0 ||
	    strcmp(m->fstype, "cgroup2") == 0 ||
	    strcmp(m->fstype, "nsfs") == 0 ||
	    (strcmp(m->fstype, "sysfs") == 0 &&
	     strcmp(m->point, "/sys") == 0 &&
	     (c->ns_flags & NSW_EXP_BIT(NSW_EXP_HOST_NETWORK))) ||
	    (strcmp(m->fstype, "mqueue") == 0 &&
	     strcmp(m->point, "/dev/mqueue") == 0 &&
	     (c->ns_flags & NSW_EXP_BIT(NSW_EXP_HOST_IPC))) ||
	    (strcmp(m->fstype, "proc") == 0 &&
	     strcmp(m->point, "/proc") == 0 &&
	     (c->ns_flags & NSW_EXP_BIT(NSW_EXP_HOST_PID))))
		return true;
	memset(&hm, 0, sizeof(hm));
	hm.want = m;
	if (c->k->host_mountinfo)
		mi_each(c->k->host_mountinfo, c->k->host_mountinfo_len,
			host_match_fn, &hm);
	if (hm.best)
		c->r->kernel |= host_path(c->r, hm.path);
	return true;
}

void exposure_from_kernel(const struct exposure_kernel *k,
			  struct exposure_report *r)
{
	static const struct {
		enum nsw_ns ns;
		enum nsw_exposure flag;
	} ns_map[] = {
		{ NSW_NS_PID, NSW_EXP_HOST_PID },
		{ NSW_NS_NET, NSW_EXP_HOST_NETWORK },
		{ NSW_NS_IPC, NSW_EXP_HOST_IPC },
		{ NSW_NS_UTS, NSW_EXP_HOST_UTS },
	};
	struct mi_ctx c = { .k = k, .r = r };
	uint64_t caps = 0;
	size_t i;

	if (k->ns && k->host_ns)
		for (i = 0; i < ARRAY_SIZE(ns_map); i++) {
			uint32_t a = k->ns->inum[ns_map[i].ns];

			if (a && a == k->host_ns->inum[ns_map[i].ns])
				c.ns_flags |= NSW_EXP_BIT(ns_map[i].flag);
		}
	r->kernel |= c.ns_flags;
	if (k->status || (k->ns && k->host_ns) || k->mountinfo)
		r->kernel_read = true;
	if (k->status) {
		/*
		 * What a process of the container can hold: its effective
		 * set, and without no_new_privs the bounding set (a root
		 * process's exec, or a set-uid-root file, raises the
		 * permitted set to it).
		 */
		caps = k->status->cap_eff;
		if (!k->status->no_new_privs)
			caps |= k->status->cap_bnd;
		r->kernel |= cap_flags(caps);
		if (k->status->seccomp == 0)
			r->kernel |= NSW_EXP_BIT(NSW_EXP_NO_SECCOMP);
	}
	if (k->mountinfo) {
		mi_each(k->mountinfo, k->mountinfo_len, ctr_mount_fn, &c);
		if (k->status && !c.masked &&
		    (k->status->cap_eff & CAPS_PRIVILEGED) == CAPS_PRIVILEGED)
			r->kernel |= NSW_EXP_BIT(NSW_EXP_PRIVILEGED);
	}
	if (k->apparmor_enabled && k->apparmor &&
	    strncmp(k->apparmor, "unconfined", 10) == 0 &&
	    (k->apparmor[10] == '\0' || k->apparmor[10] == '\n' ||
	     k->apparmor[10] == ' '))
		r->kernel |= NSW_EXP_BIT(NSW_EXP_APPARMOR_UNCONFINED);
}

/* ---- OCI config.json --------------------------------------------------- */

#define OCI_JSON_MAX	(4u << 20)
#define OCI_JSON_DEPTH	32

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v = jget(o, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

static size_t jlen(struct json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array) ?
		       json_object_array_length(arr) : 0;
}

static const char *jidx_str(struct json_object *arr, size_t i)
{
	struct json_object *e = json_object_array_get_idx(arr, i);

	return e && json_object_is_type(e, json_type_string) ?
		       json_object_get_string(e) : NULL;
}

/* Capability names of an OCI list as a mask of cap_table's bits. */
static uint64_t oci_caps(struct json_object *arr)
{
	uint64_t m = 0;
	size_t i, j, n = jlen(arr);

	for (i = 0; i < n; i++) {
		const char *s = jidx_str(arr, i);

		for (j = 0; s && j < ARRAY_SIZE(cap_table); j++)
			if (strcmp(s, cap_table[j].name) == 0)
				m |= 1ull << cap_table[j].bit;
	}
	return m;
}

/* The device cgroup lets the container at every host device. */
static bool oci_all_devices(struct json_object *linux_)
{
	struct json_object *res = jget(linux_, "resources", json_type_object);
	struct json_object *dev = jget(res, "devices", json_type_array);
	size_t i, n = jlen(dev);

	for (i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(dev, i);
		const char *type = jstr(d, "type");
		const char *access = jstr(d, "access");

		if (jbool(d, "allow") && (!type || strcmp(type, "a") == 0) &&
		    !jget(d, "major", json_type_int) &&
		    !jget(d, "minor", json_type_int) && access &&
		    strchr(access, 'r') && strchr(access, 'w') &&
		    strchr(access, 'm'))
			return true;
	}
	return false;
}

static bool oci_is_bind(struct json_object *m)
{
	struct json_object *opts = jget(m, "options", json_type_array);
	const char *type = jstr(m, "type");
	size_t i, n = jlen(opts);

	if (type && strcmp(type, "bind") == 0)
		return true;
	for (i = 0; i < n; i++) {
		const char *o = jidx_str(opts, i);

		if (o && (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0))
			return true;
	}
	return false;
}

/* Lexically clean an absolute path ("//", "/./", trailing "/"); ".."
 * is left alone (no such path is classified as anything but itself). */
static void clean_path(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	while (*in && o + 1 < outlen) {
		if (*in == '/' && (in[1] == '/' || in[1] == '\0' ||
				   (in[1] == '.' && (in[2] == '/' ||
						     in[2] == '\0')))) {
			in += in[1] == '.' ? 2 : 1;
			continue;
		}
		out[o++] = *in++;
	}
	if (o == 0 && outlen > 1)
		out[o++] = '/';
	out[o] = '\0';
}

int exposure_from_oci(const char *json, size_t len, bool apparmor_enabled,
		      struct exposure_report *r)
{
	static const struct {
		const char *type;
		enum nsw_exposure flag;
	} ns_types[] = {
		{ "pid", NSW_EXP_HOST_PID },
		{ "network", NSW_EXP_HOST_NETWORK },
		{ "ipc", NSW_EXP_HOST_IPC },
		{ "uts", NSW_EXP_HOST_UTS },
	};
	struct json_object *root, *proc, *linux_, *caps, *nss, *mounts, *an;
	struct json_tokener *tok;
	const char *s;
	uint64_t eff;
	size_t i, j, n;

	if (!json || !len || len > OCI_JSON_MAX)
		return -EINVAL;
	tok = json_tokener_new_ex(OCI_JSON_DEPTH);
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (root && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	proc = jget(root, "process", json_type_object);
	linux_ = jget(root, "linux", json_type_object);
	if (!proc && !linux_) {
		json_object_put(root);
		return -EINVAL;
	}
	r->config_read = true;

	/* capabilities: as for the kernel's sets (exposure_from_kernel) */
	caps = jget(proc, "capabilities", json_type_object);
	eff = oci_caps(jget(caps, "effective", json_type_array));
	if (!jbool(proc, "noNewPrivileges"))
		eff |= oci_caps(jget(caps, "bounding", json_type_array));
	r->config |= cap_flags(eff);

	/* no namespace of a type: the runtime leaves the host's */
	nss = jget(linux_, "namespaces", json_type_array);
	n = jlen(nss);
	for (i = 0; nss && i < ARRAY_SIZE(ns_types); i++) {
		bool own = false;

		for (j = 0; j < n && !own; j++) {
			s = jstr(json_object_array_get_idx(nss, j), "type");
			own = s && strcmp(s, ns_types[i].type) == 0;
		}
		if (!own)
			r->config |= NSW_EXP_BIT(ns_types[i].flag);
	}

	mounts = jget(root, "mounts", json_type_array);
	n = jlen(mounts);
	for (i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		char clean[EXPOSURE_PATH_MAX];

		s = jstr(m, "source");
		if (!s || s[0] != '/' || !oci_is_bind(m))
			continue;
		clean_path(s, clean, sizeof(clean));
		r->config |= host_path(r, clean);
	}

	if (!jget(linux_, "seccomp", json_type_object))
		r->config |= NSW_EXP_BIT(NSW_EXP_NO_SECCOMP);
	s = jstr(proc, "apparmorProfile");
	if (apparmor_enabled && (!s || !*s || strcmp(s, "unconfined") == 0))
		r->config |= NSW_EXP_BIT(NSW_EXP_APPARMOR_UNCONFINED);

	/*
	 * privileged is not in the OCI spec: what runtimes make of it is
	 * every capability, every device and nothing masked; podman also
	 * says it in an annotation.
	 */
	an = jget(root, "annotations", json_type_object);
	s = jstr(an, "io.podman.annotations.privileged");
	if ((s && strcasecmp(s, "true") == 0) ||
	    ((oci_caps(jget(caps, "effective", json_type_array)) &
	      CAPS_PRIVILEGED) == CAPS_PRIVILEGED &&
	     oci_all_devices(linux_) &&
	     !jlen(jget(linux_, "maskedPaths", json_type_array))))
		r->config |= NSW_EXP_BIT(NSW_EXP_PRIVILEGED);
	json_object_put(root);
	return 0;
}
