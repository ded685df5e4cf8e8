/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container attribution from the text of /proc/<pid>/cgroup.
 *
 * The formats and the rules (R1-R14) are in
 * doc/container-mapping.md, §1 and §2.5.  In short:
 *  - every line is read; on v1/hybrid hosts the controllers are ranked
 *    memory > pids > cpu,cpuacct > name=systemd > others and the 0:: line
 *    is only a last resort, because in hybrid mode it names the runtime
 *    daemon (D2);
 *  - a path is walked root to leaf; every component that names a
 *    container is pushed, the deepest one wins and the others are kept in
 *    outer_ids (DinD, kind, minikube);
 *  - components below the container that are not ids (init.scope,
 *    *.service, container, payload, kube-proxy) keep the nearest id (R3);
 *  - runtime helpers (conmon, shims, podman pause) are CGROUP_HELPER,
 *    never members (R5), but only outside any container: below a
 *    container id a helper-like name is an ordinary sub-cgroup of that
 *    container, which its processes can create themselves; .mount units
 *    are never containers (R6).
 *
 * Pure: no I/O, no allocation, no logging.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "container.h"
#include "strbuf.h"

struct span {
	const char *p;
	size_t n;
};

static bool span_eq(struct span s, const char *lit)
{
	size_t l = strlen(lit);

	return s.n == l && memcmp(s.p, lit, l) == 0;
}

static bool span_prefix(struct span s, const char *lit)
{
	size_t l = strlen(lit);

	return s.n >= l && memcmp(s.p, lit, l) == 0;
}

static bool span_suffix(struct span s, const char *lit)
{
	size_t l = strlen(lit);

	return s.n >= l && memcmp(s.p + s.n - l, lit, l) == 0;
}

static struct span span_cut(struct span s, size_t from, size_t to)
{
	struct span r = { s.p + from, to - from };

	return r;
}

static void span_copy(char *dst, size_t dstlen, struct span s)
{
	size_t n = s.n < dstlen - 1 ? s.n : dstlen - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_lhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static bool all_hex(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_hex(p[i]))
			return false;
	return true;
}

/* Exactly 64 hex digits (R4; upper case accepted like DataDog). */
static bool is_hex64(struct span s)
{
	return s.n == 64 && all_hex(s.p, 64);
}

/* 8-4-4-4-12 hex; `sep_any` also accepts '_' (systemd-escaped UIDs). */
static bool is_uuid(const char *p, size_t n, bool sep_any, bool lower)
{
	static const size_t dash[] = { 8, 13, 18, 23 };
	size_t i, d = 0;

	if (n != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (!(p[i] == '-' || (sep_any && p[i] == '_')))
				return false;
			d++;
			continue;
		}
		if (lower ? !is_lhex(p[i]) : !is_hex(p[i]))
			return false;
	}
	return true;
}

/*
 * A name used as an identity by the R7 rules: printable ASCII without
 * space or '/', not "." or "..", shorter than CONTAINER_ID_MAX.
 */
static bool is_name(struct span s)
{
	size_t i;

	if (s.n == 0 || s.n >= CONTAINER_ID_MAX)
		return false;
	if (span_eq(s, ".") || span_eq(s, ".."))
		return false;
	for (i = 0; i < s.n; i++)
		if (s.p[i] <= ' ' || s.p[i] > '~' || s.p[i] == '/')
			return false;
	return true;
}

/* containerd identifier grammar: [A-Za-z0-9]+([._-][A-Za-z0-9]+)*, <= 76. */
static bool is_containerd_ident(struct span s)
{
	size_t i;
	bool prev_sep = true;

	if (s.n == 0 || s.n > 76)
		return false;
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (is_alnum(c)) {
			prev_sep = false;
		} else if (c == '.' || c == '_' || c == '-') {
			if (prev_sep)
				return false;
			prev_sep = true;
		} else {
			return false;
		}
	}
	return !prev_sep;
}

static bool is_unit_name(struct span s)
{
	return span_suffix(s, ".slice") || span_suffix(s, ".scope") ||
	       span_suffix(s, ".service") || span_suffix(s, ".mount") ||
	       span_suffix(s, ".socket") || span_suffix(s, ".swap");
}

/* One container found on the walk. */
struct found {
	char id[CONTAINER_ID_MAX];
	char runtime[16];
	char pod_uid[40];
	char qos[12];
	unsigned int depth;
	bool low;
	bool nspawn;
};

struct walk {
	/* containers, outermost first; a sliding window when deeper */
	struct found stk[CONTAINER_MAX_OUTER + 1];
	int n;
	bool have_helper;
	struct found helper;	/* helper.id is the related id */
	/* pod cgroup seen since the last container */
	bool pod_pending;
	char pod_uid[40];
	char qos[12];
	char task[40];
	unsigned int depth;	/* index of the current component */
	bool leaf_root;		/* only root sub-cgroups below the top id */
	struct span parent, grand;
	bool parent_is_pod;	/* the parent component is a pod cgroup */
	bool cur_is_pod;	/* the current component is one */
	int root_ns;		/* 0, NS_CONTAINERD or NS_TALOS (depth 0) */
	bool libpod_pod;	/* stk top is /libpod_parent/<64hex> (P7) */
};

enum { NS_CONTAINERD = 1, NS_TALOS = 2 };

/*
 * containerd namespaces accepted for the `ctr` layout /<ns>/<name> (X2).
 * The layout itself is too generic to accept any first component: on
 * plenty of hosts (and sandboxes) /<word>/<word> is not a container.
 */
static int ctr_namespace(struct span s)
{
	static const char *const cd[] = {
		"default", "k8s.io", "moby", "buildkit", "services.linuxkit",
	};
	size_t i;

	for (i = 0; i < sizeof(cd) / sizeof(cd[0]); i++)
		if (span_eq(s, cd[i]))
			return NS_CONTAINERD;
	/* Talos runs its system services as containerd containers (T1). */
	if (span_eq(s, "system") || span_eq(s, "podruntime"))
		return NS_TALOS;
	return 0;
}

static void push_container(struct walk *w, struct span id, const char *rt,
			   bool low)
{
	struct found *f;

	if (w->n == CONTAINER_MAX_OUTER + 1) {
		memmove(&w->stk[0], &w->stk[1],
			sizeof(w->stk[0]) * CONTAINER_MAX_OUTER);
		w->n--;
	}
	f = &w->stk[w->n++];
	memset(f, 0, sizeof(*f));
	span_copy(f->id, sizeof(f->id), id);
	nsw_strlcpy(f->runtime, rt, sizeof(f->runtime));
	f->depth = w->depth;
	f->low = low;
	if (w->pod_pending) {
		nsw_strlcpy(f->pod_uid, w->pod_uid, sizeof(f->pod_uid));
		nsw_strlcpy(f->qos, w->qos, sizeof(f->qos));
		w->pod_pending = false;
	}
	w->have_helper = false;	/* a deeper container wins */
	w->leaf_root = true;
}

static void set_helper(struct walk *w, struct span related, const char *rt)
{
	memset(&w->helper, 0, sizeof(w->helper));
	span_copy(w->helper.id, sizeof(w->helper.id), related);
	nsw_strlcpy(w->helper.runtime, rt, sizeof(w->helper.runtime));
	w->helper.depth = w->depth;
	if (w->pod_pending) {
		nsw_strlcpy(w->helper.pod_uid, w->pod_uid,
			    sizeof(w->helper.pod_uid));
		nsw_strlcpy(w->helper.qos, w->qos, sizeof(w->helper.qos));
	}
	w->have_helper = true;
}

/*
 * R8: a pod cgroup ends with pod<UID>, the UID dashed/underscored or a
 * 32-hex static-pod hash, optionally followed by .slice; "pod" starts
 * the component or follows a '-'.  Fills uid (dashed) and qos.
 */
static bool pod_component(struct span c, struct span parent, char *uid,
			  size_t uidlen, char *qos, size_t qoslen)
{
	struct span s = c, pre;
	size_t idlen = 0, i;
	const char *q = "guaranteed";

	if (span_suffix(s, ".slice"))
		s.n -= 6;
	if (s.n >= 39 && memcmp(s.p + s.n - 39, "pod", 3) == 0 &&
	    (s.n == 39 || s.p[s.n - 40] == '-') &&
	    is_uuid(s.p + s.n - 36, 36, true, true))
		idlen = 36;
	else if (s.n >= 35 && memcmp(s.p + s.n - 35, "pod", 3) == 0 &&
		 (s.n == 35 || s.p[s.n - 36] == '-'))
		for (idlen = 32, i = s.n - 32; i < s.n; i++)
			if (!is_lhex(s.p[i]))
				idlen = 0;
	if (!idlen)
		return false;

	span_copy(uid, uidlen, span_cut(s, s.n - idlen, s.n));
	for (i = 0; uid[i]; i++)
		if (uid[i] == '_')
			uid[i] = '-';

	/* QoS: a token of the systemd name, or the cgroupfs parent. */
	pre = span_cut(s, 0, s.n - idlen - 3);
	for (i = 0; i < pre.n;) {
		size_t j = i;
		struct span tok;

		while (j < pre.n && pre.p[j] != '-')
			j++;
		tok = span_cut(pre, i, j);
		if (span_eq(tok, "burstable"))
			q = "burstable";
		else if (span_eq(tok, "besteffort"))
			q = "besteffort";
		i = j + 1;
	}
	if (span_eq(parent, "burstable"))
		q = "burstable";
	else if (span_eq(parent, "besteffort"))
		q = "besteffort";
	nsw_strlcpy(qos, q, qoslen);
	return true;
}

static void note_pod(struct walk *w, struct span c)
{
	char uid[40], qos[12];

	if (pod_component(c, w->parent, uid, sizeof(uid), qos, sizeof(qos))) {
		nsw_strlcpy(w->pod_uid, uid, sizeof(w->pod_uid));
		nsw_strlcpy(w->qos, qos, sizeof(w->qos));
		w->pod_pending = true;
		w->cur_is_pod = true;
	}
}

/* Runtime of a bare 64-hex component, from where it sits (R14). */
static const char *bare_runtime(const struct walk *w)
{
	/* Docker cgroupfs (D5, D7) and --cgroup-parent on CI (D6). */
	if (span_eq(w->parent, "docker") || span_eq(w->parent, "actions_job"))
		return "docker";
	/*
	 * Under a kubepods pod: containerd (K1-K3) or dockershim with the
	 * cgroupfs driver, which is gone since Kubernetes 1.24; containerd is
	 * what a user of a current cluster expects.  The metadata lookup
	 * confirms it from the runtime state (container_meta_lookup).
	 */
	if (w->parent_is_pod)
		return "containerd";
	/* Old rootless podman (podman-<pid>.scope/<id>), podman cgroupfs. */
	if ((span_prefix(w->parent, "podman-") &&
	     span_suffix(w->parent, ".scope")) ||
	    span_eq(w->parent, "libpod_parent"))
		return "podman";
	/* ECS on EC2: the agent drives Docker (E1). */
	if (span_eq(w->grand, "ecs"))
		return "docker";
	/* /<containerd namespace>/<id> */
	if (w->depth == 1 && w->root_ns)
		return "containerd";
	return "";
}

/*
 * R4: [prefix]<64 hex>[.scope].  Returns the runtime for a prefixed id,
 * "" for a bare one, NULL when the component is not an id.
 */
static const char *id_token(struct span c, struct span *id)
{
	static const struct {
		const char *prefix;
		const char *runtime;
	} pfx[] = {
		{ "docker-", "docker" },
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "libpod-payload-", "podman" },
		{ "libpod-", "podman" },
		{ "nerdctl-", "nerdctl" },
	};
	struct span s = c;
	size_t i;

	if (span_suffix(s, ".scope"))
		s.n -= 6;
	if (is_hex64(s)) {
		*id = s;
		return "";
	}
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		size_t l = strlen(pfx[i].prefix);

		if (span_prefix(s, pfx[i].prefix) &&
		    is_hex64(span_cut(s, l, s.n))) {
			*id = span_cut(s, l, s.n);
			return pfx[i].runtime;
		}
	}
	return NULL;
}

/* `<prefix><64hex>[.scope]` for the conmon helpers (C3, C4, P2). */
static bool conmon_token(struct span c, const char *prefix, struct span *id)
{
	struct span s = c;
	size_t l = strlen(prefix);

	if (span_suffix(s, ".scope"))
		s.n -= 6;
	if (!span_prefix(s, prefix) || !is_hex64(span_cut(s, l, s.n)))
		return false;
	*id = span_cut(s, l, s.n);
	return true;
}

/*
 * systemd unit-name unescaping of \xNN (N1: machine-my\x2dbox.scope).
 * Escapes that would produce a control byte, a space or '/' stay as they
 * are.  Returns false when the result does not fit.
 */
static bool unit_unescape(struct span s, char *dst, size_t dstlen)
{
	size_t i, o = 0;

	for (i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (c == '\\' && i + 3 < s.n && s.p[i + 1] == 'x' &&
		    is_hex(s.p[i + 2]) && is_hex(s.p[i + 3])) {
			char h[3] = { s.p[i + 2], s.p[i + 3], 0 };
			unsigned int v = 0;
			int k;

			for (k = 0; k < 2; k++)
				v = v * 16 + (unsigned int)(h[k] <= '9' ?
					h[k] - '0' : (h[k] | 0x20) - 'a' + 10);
			if (v > ' ' && v <= '~' && v != '/') {
				c = (char)v;
				i += 3;
			}
		}
		if (o + 1 >= dstlen)
			return false;
		dst[o++] = c;
	}
	dst[o] = '\0';
	return o > 0;
}

/* Sub-cgroups that are still the container's root (P1, N1, N2, LXC). */
static bool root_subgroup(struct span c)
{
	return span_eq(c, "container") || span_eq(c, "payload") ||
	       span_eq(c, "libvirt") || span_eq(c, ".lxc");
}

/* The `slice:prefix:id` cgroupsPath used literally (K6, K7). */
static bool colon_form(struct walk *w, struct span c)
{
	size_t last = c.n, prev;
	struct span pre, id, slice;
	const char *rt;

	while (last > 0 && c.p[last - 1] != ':')
		last--;
	if (last == 0)
		return false;
	last--;			/* index of the last ':' */
	prev = last;
	while (prev > 0 && c.p[prev - 1] != ':')
		prev--;
	if (prev == 0)
		return false;
	prev--;
	pre = span_cut(c, prev + 1, last);
	id = span_cut(c, last + 1, c.n);
	slice = span_cut(c, 0, prev);
	if (span_eq(pre, "cri-containerd"))
		rt = "containerd";
	else if (span_eq(pre, "crio"))
		rt = "cri-o";
	else if (span_eq(pre, "docker"))
		rt = "docker";
	else
		return false;
	if (!is_hex64(id))
		return false;
	note_pod(w, slice);
	push_container(w, id, rt, false);
	return true;
}

static bool host_unit_helper(struct walk *w, struct span c)
{
	static const struct {
		const char *unit;
		const char *runtime;
	} units[] = {
		{ "containerd.service", "containerd" },
		{ "k3s.service", "containerd" },
		{ "k3s-agent.service", "containerd" },
		{ "rke2-server.service", "containerd" },
		{ "rke2-agent.service", "containerd" },
		{ "docker.service", "docker" },
	};
	struct span none = { "", 0 };
	size_t i;

	/*
	 * Only on the host: inside a kind/minikube node these units are
	 * part of the node container (D8).
	 */
	if (w->n)
		return false;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (span_eq(c, units[i].unit)) {
			set_helper(w, none, units[i].runtime);
			return true;
		}
	}
	return false;
}

/* R7 identities that are names, not hex ids. */
static bool named_identity(struct walk *w, struct span c)
{
	struct span none = { "", 0 };
	char buf[CONTAINER_ID_MAX];
	struct span n;

	/* LXC >= 4, LXD, Incus: lxc.payload.<name> (L1) */
	if (span_prefix(c, "lxc.payload.")) {
		n = span_cut(c, 12, c.n);
		if (is_name(n)) {
			push_container(w, n, "lxc", true);
			return true;
		}
	}
	if (span_prefix(c, "lxc.monitor.") && !w->n) {
		n = span_cut(c, 12, c.n);
		if (is_name(n)) {
			set_helper(w, n, "lxc");
			return true;
		}
	}
	/* libvirt-lxc: /libvirt/lxc/<name>, <name>.libvirt-lxc (N2) */
	if (span_eq(w->parent, "lxc") && span_eq(w->grand, "libvirt") &&
	    is_name(c)) {
		push_container(w, c, "libvirt-lxc", true);
		return true;
	}
	if (span_suffix(c, ".libvirt-lxc")) {
		n = span_cut(c, 0, c.n - 12);
		if (is_name(n)) {
			push_container(w, n, "libvirt-lxc", true);
			return true;
		}
	}
	/* legacy LXC /lxc/<name> (L2), /lxc.payload/<name> */
	if ((span_eq(w->parent, "lxc") || span_eq(w->parent, "lxc.payload")) &&
	    is_name(c) && !is_unit_name(c)) {
		push_container(w, c, "lxc", true);
		return true;
	}
	/* machined scopes: libvirt-lxc keeps the escaped name like Falco. */
	if (span_prefix(c, "machine-lxc\\x2d") && span_suffix(c, ".scope")) {
		n = span_cut(c, 15, c.n - 6);
		if (is_name(n)) {
			push_container(w, n, "libvirt-lxc", true);
			return true;
		}
	}
	/* systemd-nspawn machine-<name>.scope (N1), not VMs or podman pods */
	if (span_prefix(c, "machine-") && span_suffix(c, ".scope") &&
	    !span_prefix(c, "machine-qemu") &&
	    !span_prefix(c, "machine-libpod_pod_")) {
		n = span_cut(c, 8, c.n - 6);
		if (unit_unescape(n, buf, sizeof(buf))) {
			struct span u = { buf, strlen(buf) };

			if (is_name(u)) {
				push_container(w, u, "nspawn", true);
				w->stk[w->n - 1].nspawn = true;
				return true;
			}
		}
	}
	/* nspawn's own process lives beside the payload (v2 delegation) */
	if (span_eq(c, "supervisor") && w->n &&
	    w->stk[w->n - 1].nspawn && w->stk[w->n - 1].depth + 1 == w->depth) {
		struct found top = w->stk[--w->n];
		struct span rel = { top.id, strlen(top.id) };

		set_helper(w, rel, "nspawn");
		return true;
	}
	/* ECS: /ecs/<task>/<id>; Fargate ids are <32hex>-<n> (E3) */
	if (span_eq(w->parent, "ecs")) {
		if ((c.n == 32 && all_hex(c.p, 32)) ||
		    is_uuid(c.p, c.n, false, false))
			span_copy(w->task, sizeof(w->task), c);
		return true;	/* the task is not a container */
	}
	if (span_eq(w->grand, "ecs") && c.n > 33 && c.p[32] == '-' &&
	    all_hex(c.p, 32)) {
		size_t i;
		bool digits = true;

		for (i = 33; i < c.n; i++)
			if (c.p[i] < '0' || c.p[i] > '9')
				digits = false;
		if (digits && c.n < CONTAINER_ID_MAX) {
			push_container(w, c, "ecs", false);
			return true;
		}
	}
	/* ECS on cgroup v2: ecstasks-<task>.slice (E2) */
	if (span_prefix(c, "ecstasks-") && span_suffix(c, ".slice")) {
		n = span_cut(c, 9, c.n - 6);
		if (n.n && all_hex(n.p, n.n))
			span_copy(w->task, sizeof(w->task), n);
		return true;
	}
	/* Mesos containerizer /mesos/<uuid> (M1) */
	if (span_eq(w->parent, "mesos") && is_uuid(c.p, c.n, false, false)) {
		push_container(w, c, "mesos", true);
		return true;
	}
	/* plain containerd /<ns>/<name> (X2), Talos /system/<svc> (T1) */
	if (w->depth == 1 && w->root_ns && is_containerd_ident(c) &&
	    !is_unit_name(c)) {
		if (w->root_ns == NS_TALOS) {
			if (span_eq(c, "runtime")) {
				/* Talos' containerd itself */
				set_helper(w, none, "containerd");
				return true;
			}
			push_container(w, c, "talos", true);
		} else {
			push_container(w, c, "containerd", true);
		}
		return true;
	}
	return false;
}

static void walk_component(struct walk *w, struct span c)
{
	struct span none = { "", 0 };
	struct span id;
	const char *rt;

	/* R6: mount units carry 64-hex strings but are never containers */
	if (span_suffix(c, ".mount"))
		goto non_id;

	if (memchr(c.p, ':', c.n) && colon_form(w, c))
		return;

	/*
	 * R5 helpers, only outside any container: a process can make a
	 * sub-cgroup of its own container's cgroup and name it like a
	 * helper, which would make it a host process.  A real helper inside
	 * a container (conmon in a kind node) is a member of that container.
	 */
	/*
	 * P7: podman's cgroupfs manager puts a pod under
	 * /libpod_parent/<pod id>/, its containers in libpod-<id> below and
	 * the pod's conmon (and the runc and `podman container cleanup` it
	 * starts) in conmon/.  The bare id taken for a container one level
	 * up is the pod's, which is no container.
	 */
	if (w->libpod_pod && w->n && w->stk[w->n - 1].depth + 1 == w->depth) {
		w->libpod_pod = false;
		if (span_eq(c, "conmon")) {
			w->n--;
			w->leaf_root = false;
			set_helper(w, none, "podman");
			goto non_id;
		}
		if (id_token(c, &id)) {
			w->n--;
			goto ids;
		}
	}
	if (w->n)
		goto ids;
	if (conmon_token(c, "crio-conmon-", &id)) {
		set_helper(w, id, "cri-o");
		goto non_id;
	}
	if (conmon_token(c, "libpod-conmon-", &id)) {
		set_helper(w, id, "podman");
		goto non_id;
	}
	if (span_eq(c, "conmon") && span_eq(w->parent, "libpod_parent")) {
		set_helper(w, none, "podman");
		goto non_id;
	}
	if (span_prefix(c, "podman-pause-") && span_suffix(c, ".scope")) {
		set_helper(w, none, "podman");
		goto non_id;
	}
	if (host_unit_helper(w, c))
		goto non_id;

ids:
	/* R4 ids */
	rt = id_token(c, &id);
	if (rt) {
		push_container(w, id, *rt ? rt : bare_runtime(w), false);
		w->libpod_pod = !*rt && w->depth == 1 &&
				span_eq(w->parent, "libpod_parent");
		return;
	}

	/* R8 pod cgroups */
	note_pod(w, c);
	if (w->cur_is_pod)
		goto non_id;

	if (named_identity(w, c))
		return;

non_id:
	/* R3: below the id, only root sub-cgroups keep leaf_is_root */
	if (w->n && w->leaf_root &&
	    !(w->stk[w->n - 1].depth + 1 == w->depth && root_subgroup(c)))
		w->leaf_root = false;
}

/*
 * Classify one cgroup path (the third field of a line).  Fills `out`
 * (zeroed first; out->path keeps at most 1023 bytes of the path).
 * Returns 0, or -EINVAL for NULL or a path not starting with '/'.
 */
int container_parse_path(const char *path, struct cgroup_attr *out)
{
	struct walk w;
	const char *p, *end;
	int i;

	if (!path || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (path[0] != '/')
		return -EINVAL;
	nsw_strlcpy(out->path, path, sizeof(out->path));
	memset(&w, 0, sizeof(w));
	w.parent.p = w.grand.p = "";

	for (p = path, end = path + strlen(path); p < end;) {
		struct span c;
		const char *q;

		while (p < end && *p == '/')
			p++;
		q = p;
		while (q < end && *q != '/')
			q++;
		c.p = p;
		c.n = (size_t)(q - p);
		p = q;
		/*
		 * "..": outside the reader's cgroup namespace (H6); the
		 * components stay unknown, so they are not counted.
		 */
		if (c.n == 0 || span_eq(c, ".") || span_eq(c, ".."))
			continue;
		if (w.depth == 0)
			w.root_ns = ctr_namespace(c);
		walk_component(&w, c);
		w.grand = w.parent;
		w.parent = c;
		w.parent_is_pod = w.cur_is_pod;
		w.cur_is_pod = false;
		w.depth++;
	}

	if (w.have_helper) {
		out->kind = CGROUP_HELPER;
		nsw_strlcpy(out->related_id, w.helper.id,
			    sizeof(out->related_id));
		nsw_strlcpy(out->runtime, w.helper.runtime,
			    sizeof(out->runtime));
		nsw_strlcpy(out->pod_uid, w.helper.pod_uid,
			    sizeof(out->pod_uid));
		nsw_strlcpy(out->qos, w.helper.qos, sizeof(out->qos));
		if (w.n) {
			nsw_strlcpy(out->id, w.stk[w.n - 1].id,
				    sizeof(out->id));
			w.n--;	/* the rest are outer ids */
		}
	} else if (w.n) {
		struct found *top = &w.stk[w.n - 1];

		out->kind = CGROUP_CONTAINER;
		nsw_strlcpy(out->id, top->id, sizeof(out->id));
		nsw_strlcpy(out->runtime, top->runtime, sizeof(out->runtime));
		nsw_strlcpy(out->pod_uid, top->pod_uid, sizeof(out->pod_uid));
		nsw_strlcpy(out->qos, top->qos, sizeof(out->qos));
		out->leaf_is_root = w.leaf_root;
		out->low_confidence = top->low;
		w.n--;
	} else {
		out->kind = CGROUP_HOST;
		return 0;
	}
	for (i = 0; i < w.n; i++)
		nsw_strlcpy(out->outer_ids[i], w.stk[i].id,
			    sizeof(out->outer_ids[i]));
	out->n_outer = w.n;
	if (out->kind == CGROUP_CONTAINER || out->id[0])
		nsw_strlcpy(out->task_id, w.task, sizeof(out->task_id));
	return 0;
}

/* Controller preference of R2: memory, pids, cpu/cpuacct, name=systemd. */
static int controller_rank(struct span ctl)
{
	int best = 4;
	size_t i = 0;

	while (i <= ctl.n) {
		size_t j = i;
		struct span t;

		while (j < ctl.n && ctl.p[j] != ',')
			j++;
		t = span_cut(ctl, i, j);
		if (span_eq(t, "memory") && best > 0)
			best = 0;
		else if (span_eq(t, "pids") && best > 1)
			best = 1;
		else if ((span_eq(t, "cpu") || span_eq(t, "cpuacct")) &&
			 best > 2)
			best = 2;
		else if (span_eq(t, "name=systemd") && best > 3)
			best = 3;
		i = j + 1;
	}
	return best;
}

static bool same_identity(const struct cgroup_attr *a,
			  const struct cgroup_attr *b)
{
	return a->kind == b->kind && strcmp(a->id, b->id) == 0 &&
	       strcmp(a->related_id, b->related_id) == 0;
}

/* Path field of one line, without the " (deleted)" of a dead v2 cgroup. */
static int parse_line_path(struct span path, struct cgroup_attr *out)
{
	char buf[4096];

	if (span_suffix(path, " (deleted)"))
		path.n -= 10;
	if (path.n >= sizeof(buf))
		path.n = sizeof(buf) - 1;
	span_copy(buf, sizeof(buf), path);
	return container_parse_path(buf, out);
}

/*
 * Classify a whole /proc/<pid>/cgroup text of `len` bytes (no NUL needed).
 * Every line must be <digits>:<controllers>:/<path>; anything else, an
 * embedded NUL, or no line at all gives -EINVAL.  On v1/hybrid hosts the
 * best-ranked controller naming a container decides and `conflict` says
 * whether another controller named a different one.
 */
int container_parse_cgroup(const char *text, size_t len,
			   struct cgroup_attr *out)
{
	struct cgroup_attr cur, best, host, v2;
	int best_rank = 99, host_rank = 99;
	bool have_best = false, have_host = false, have_v2 = false;
	bool have_v1 = false, conflict = false, any = false;
	size_t i = 0;

	if (!text || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', len))
		return -EINVAL;

	while (i < len) {
		size_t j = i, c1, c2;
		struct span line, hier, ctl, path;
		int rank;

		while (j < len && text[j] != '\n')
			j++;
		line.p = text + i;
		line.n = j - i;
		i = j + 1;
		if (line.n == 0)
			continue;

		/* R1: split at the first two ':' only (K6 paths hold ':') */
		for (c1 = 0; c1 < line.n && line.p[c1] != ':'; c1++)
			;
		for (c2 = c1 + 1; c2 < line.n && line.p[c2] != ':'; c2++)
			;
		if (c1 == 0 || c1 >= line.n || c2 >= line.n ||
		    c2 + 1 >= line.n || line.p[c2 + 1] != '/')
			return -EINVAL;
		hier = span_cut(line, 0, c1);
		ctl = span_cut(line, c1 + 1, c2);
		path = span_cut(line, c2 + 1, line.n);
		for (j = 0; j < hier.n; j++)
			if (hier.p[j] < '0' || hier.p[j] > '9')
				return -EINVAL;
		if (parse_line_path(path, &cur) < 0)
			return -EINVAL;
		any = true;

		if (span_eq(hier, "0") && ctl.n == 0) {
			if (!have_v2) {
				v2 = cur;
				have_v2 = true;
			}
			continue;
		}
		have_v1 = true;
		rank = controller_rank(ctl);
		if (cur.kind != CGROUP_HOST) {
			/* R2: controllers naming different containers */
			if (have_best && !same_identity(&cur, &best))
				conflict = true;
			if (!have_best || rank < best_rank) {
				best = cur;
				best_rank = rank;
				have_best = true;
			}
		} else if (!have_host ||
			   (strcmp(cur.path, "/") != 0 &&
			    (strcmp(host.path, "/") == 0 ||
			     rank < host_rank))) {
			host = cur;
			host_rank = rank;
			have_host = true;
		}
	}
	if (!any)
		return -EINVAL;

	if (!have_v1)
		*out = v2;			/* pure v2 */
	else if (have_best)
		*out = best;			/* v1 / hybrid */
	else if (have_v2 && v2.kind != CGROUP_HOST)
		*out = v2;			/* hybrid, v1 all at "/" */
	else
		*out = host;
	out->conflict = conflict;
	return 0;
}
