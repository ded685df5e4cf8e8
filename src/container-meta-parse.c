/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pure half of the container metadata: the runtimes' state documents
 * (OCI config.json, runc state.json, crun status, docker config.v2.json
 * and hostconfig.json, containerd's CRI checkpoint, the containers-storage
 * index, podman's libpod database bytes) -> the fields of a struct
 * nsw_container, and the workload heuristics.  Keys and formats:
 * doc/container-mapping.md §3, workloads §4.4.
 *
 * No file access and no logging: these take bytes, which is what the
 * unit tests and the fuzz targets feed them.  Every input is bounded
 * (META_MAX_FILE bytes, JSON depth META_JSON_DEPTH, META_MAX_LABELS
 * labels).  Finding and reading the state files is container-meta.c.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#include "container-meta.h"
#include "container-meta-parse.h"
#include "json-get.h"
#include "selinux-label.h"
#include "strbuf.h"
#include "util.h"

#define META_JSON_DEPTH 64
#define META_MAX_LABELS 256
#define META_MAX_LABEL_LEN 1024	/* k8s label values are <= 63 chars */

/* ---- small helpers --------------------------------------------------- */

/* Copy src into dst unless dst is set already (the first source of a
 * field wins) or src is empty. */
void meta_fill(char *dst, size_t dstlen, const char *src)
{
	if (!dst[0] && src && src[0])
		nsw_strlcpy(dst, src, dstlen);
}

static bool starts_with(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* s is exactly n lower-case hex digits. */
bool meta_is_lhex_str(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, int n, unsigned int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned int)(s[i] - '0');
	}
	return true;
}

/*
 * RFC 3339 (Go's RFC3339Nano output): 2024-05-01T10:00:00.123456789Z or
 * with a +hh:mm offset.  Times before 1970 (Docker's zero time
 * 0001-01-01T00:00:00Z means "never") are rejected.
 */
static bool parse_rfc3339(const char *s, uint64_t *ns)
{
	unsigned int y, mo, d, h, mi, se, oh, om;
	uint64_t frac = 0;
	int64_t days, secs;
	int k;

	if (!s || strlen(s) < 20)
		return false;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return false;
	s += 19;
	if (*s == '.') {
		s++;
		for (k = 0; *s >= '0' && *s <= '9'; s++, k++)
			if (k < 9)
				frac = frac * 10 + (uint64_t)(*s - '0');
		if (k == 0)
			return false;
		for (; k < 9; k++)
			frac *= 10;
	}
	secs = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		if (!digits(s + 1, 2, &oh) || s[3] != ':' ||
		    !digits(s + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		secs = (int64_t)oh * 3600 + om * 60;
		if (*s == '+')
			secs = -secs;
		s += 6;
	} else {
		return false;
	}
	if (*s)
		return false;
	days = days_from_civil(y, mo, d);
	secs += days * 86400 + (int64_t)h * 3600 + mi * 60 + se;
	if (secs <= 0)
		return false;
	*ns = (uint64_t)secs * 1000000000ull + frac;
	return true;
}

/* ---- JSON ------------------------------------------------------------ */

static struct json_object *json_parse_any(const char *buf, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	if (!buf || len == 0 || len > META_MAX_FILE)
		return NULL;
	tok = json_tokener_new_ex(META_JSON_DEPTH);
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (o && json_tokener_get_error(tok) == json_tokener_success) {
		for (end = json_tokener_get_parse_end(tok); end < len; end++) {
			char c = buf[end];

			if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				json_object_put(o);
				o = NULL;
				break;
			}
		}
	} else {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static struct json_object *json_parse_obj(const char *buf, size_t len)
{
	struct json_object *o = json_parse_any(buf, len);

	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static bool jint(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v = jget(o, key, json_type_int);

	if (!v)
		return false;
	*out = json_object_get_int64(v);
	return true;
}

/* The MCS level of the label the runtime gives the container's processes
 * (OCI process.selinuxLabel, runc's process_label), when it has
 * categories; first one found wins. */
static void set_selinux(struct nsw_container *c, const char *label)
{
	if (!c->selinux_level[0] && label)
		nsw_selinux_container_level(label, c->selinux_level,
					    sizeof(c->selinux_level));
}

static void set_pid(struct nsw_container *c, int64_t pid)
{
	if (!c->init_pid && pid > 0 && pid <= INT32_MAX)
		c->init_pid = (uint32_t)pid;
}

static void set_time(struct nsw_container *c, const char *rfc3339)
{
	uint64_t ns;

	if (!c->start_time_ns && parse_rfc3339(rfc3339, &ns))
		c->start_time_ns = ns;
}

/* ---- labels ---------------------------------------------------------- */

static int label_cmp(const void *a, const void *b)
{
	const struct nsw_label *x = a, *y = b;

	return strcmp(x->key, y->key);
}

static void labels_free(struct nsw_label *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

struct labelset {
	struct nsw_label *v;
	size_t n;
};

static int labelset_add(struct labelset *ls, const char *k, const char *v)
{
	struct nsw_label *nv;

	if (ls->n >= META_MAX_LABELS || !k[0] ||
	    strlen(k) > META_MAX_LABEL_LEN)
		return -E2BIG;
	nv = realloc(ls->v, (ls->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	ls->v = nv;
	nv[ls->n].key = strdup(k);
	nv[ls->n].value = strndup(v, META_MAX_LABEL_LEN);
	if (!nv[ls->n].key || !nv[ls->n].value) {
		free(nv[ls->n].key);
		free(nv[ls->n].value);
		return -ENOMEM;
	}
	ls->n++;
	return 0;
}

/* Sort, drop duplicate keys (first kept) and hand over to `c` unless it
 * already has labels. */
static void labelset_commit(struct labelset *ls, struct nsw_container *c)
{
	size_t i, o = 0;

	if (c->n_labels || !ls->n) {
		labels_free(ls->v, ls->n);
		ls->v = NULL;
		ls->n = 0;
		return;
	}
	qsort(ls->v, ls->n, sizeof(ls->v[0]), label_cmp);
	for (i = 0; i < ls->n; i++) {
		if (o && strcmp(ls->v[o - 1].key, ls->v[i].key) == 0) {
			free(ls->v[i].key);
			free(ls->v[i].value);
			continue;
		}
		ls->v[o++] = ls->v[i];
	}
	c->labels = ls->v;
	c->n_labels = o;
	ls->v = NULL;
	ls->n = 0;
}

/* Kubelet bookkeeping keys are not pod labels. */
static bool pod_label_key(const char *k)
{
	return !starts_with(k, "io.kubernetes.") &&
	       !starts_with(k, "annotation.");
}

static void labels_from_object(struct json_object *o, struct nsw_container *c)
{
	struct labelset ls = { NULL, 0 };

	if (!o || !json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, k, v) {
		if (!json_object_is_type(v, json_type_string) ||
		    !pod_label_key(k))
			continue;
		if (labelset_add(&ls, k, json_object_get_string(v)) < 0)
			break;
	}
	labelset_commit(&ls, c);
}

/* Free the labels of `c` (not `c`). */
void container_meta_clear(struct nsw_container *c)
{
	if (!c)
		return;
	labels_free(c->labels, c->n_labels);
	c->labels = NULL;
	c->n_labels = 0;
}

/* ---- kubelet names ---------------------------------------------------- */

/*
 * k8s_<ctr>_<pod>_<ns>_<uid>_<attempt> (docker, CRI-O containers),
 * k8s_POD_<pod>_<ns>_<uid>_<attempt> (docker sandbox) and CRI-O's sandbox
 * k8s_<pod>_<ns>_<uid>_<attempt>.  None of the parts can hold '_'.
 */
static void from_k8s_name(struct nsw_container *c, const char *name)
{
	char buf[512], *part[7], *save = NULL, *t;
	int n = 0;

	if (!name)
		return;
	if (name[0] == '/')
		name++;
	if (!starts_with(name, "k8s_") ||
	    !nsw_strlcpy(buf, name, sizeof(buf)))
		return;
	for (t = strtok_r(buf, "_", &save); t && n < 7;
	     t = strtok_r(NULL, "_", &save))
		part[n++] = t;
	if (t)
		return;
	if (n == 6) {
		if (strcmp(part[1], "POD") != 0)
			FILL(c->name, part[1]);
		FILL(c->pod_name, part[2]);
		FILL(c->pod_namespace, part[3]);
		FILL(c->pod_uid, part[4]);
	} else if (n == 5) {
		FILL(c->pod_name, part[1]);
		FILL(c->pod_namespace, part[2]);
		FILL(c->pod_uid, part[3]);
	}
}

/* ---- OCI annotations --------------------------------------------------- */

/* Values seen among the annotations (or runc `config.labels`). */
struct annot {
	const char *cri_type, *cri_sandbox_id, *cri_pod, *cri_ns, *cri_uid;
	const char *cri_ctr, *cri_image, *cri_pause_image;
	const char *crio_type, *crio_id, *crio_sandbox_id, *crio_name;
	const char *crio_kube_name, *crio_ns, *crio_metadata, *crio_image;
	const char *crio_image_name, *crio_image_ref, *crio_labels;
	const char *crio_created;
	const char *k8s_pod, *k8s_ns, *k8s_uid, *k8s_ctr;
	const char *manager, *nerdctl_name, *podman_privileged;
	const char *bundle;
	bool any_crio, any_cri;
};

static const struct {
	const char *key;
	size_t off;
} annot_keys[] = {
#define K(k, f) { k, offsetof(struct annot, f) }
	K("io.kubernetes.cri.container-type", cri_type),
	K("io.kubernetes.cri.sandbox-id", cri_sandbox_id),
	K("io.kubernetes.cri.sandbox-name", cri_pod),
	K("io.kubernetes.cri.sandbox-namespace", cri_ns),
	K("io.kubernetes.cri.sandbox-uid", cri_uid),
	K("io.kubernetes.cri.container-name", cri_ctr),
	K("io.kubernetes.cri.image-name", cri_image),
	K("io.kubernetes.cri.podsandbox.image-name", cri_pause_image),
	K("io.kubernetes.cri-o.ContainerType", crio_type),
	K("io.kubernetes.cri-o.ContainerID", crio_id),
	K("io.kubernetes.cri-o.SandboxID", crio_sandbox_id),
	K("io.kubernetes.cri-o.Name", crio_name),
	K("io.kubernetes.cri-o.KubeName", crio_kube_name),
	K("io.kubernetes.cri-o.Namespace", crio_ns),
	K("io.kubernetes.cri-o.Metadata", crio_metadata),
	K("io.kubernetes.cri-o.Image", crio_image),
	K("io.kubernetes.cri-o.ImageName", crio_image_name),
	K("io.kubernetes.cri-o.ImageRef", crio_image_ref),
	K("io.kubernetes.cri-o.Labels", crio_labels),
	K("io.kubernetes.cri-o.Created", crio_created),
	K("io.kubernetes.pod.name", k8s_pod),
	K("io.kubernetes.pod.namespace", k8s_ns),
	K("io.kubernetes.pod.uid", k8s_uid),
	K("io.kubernetes.container.name", k8s_ctr),
	K("io.container.manager", manager),
	K("nerdctl/name", nerdctl_name),
	K("io.podman.annotations.privileged", podman_privileged),
	K("bundle", bundle),
#undef K
};

static void annot_set(struct annot *a, const char *k, size_t klen,
		      const char *v)
{
	size_t i;

	if (klen > 19 && memcmp(k, "io.kubernetes.cri-o.", 20) == 0)
		a->any_crio = true;
	else if (klen > 17 && memcmp(k, "io.kubernetes.cri.", 18) == 0)
		a->any_cri = true;
	for (i = 0; i < ARRAY_SIZE(annot_keys); i++) {
		if (strlen(annot_keys[i].key) == klen &&
		    memcmp(annot_keys[i].key, k, klen) == 0) {
			const char **slot = (const char **)
				((char *)a + annot_keys[i].off);

			/*
			 * First wins, except "bundle": runc appends its own
			 * bundle= after the annotations, which a pod could
			 * set too (CRI-O copies kubelet annotations).
			 */
			if (!*slot || slot == &a->bundle)
				*slot = v;
			return;
		}
	}
}

static void annot_apply(const struct annot *a, struct nsw_container *c,
			struct meta_extra *x)
{
	bool sandbox = (a->cri_type && strcmp(a->cri_type, "sandbox") == 0) ||
		       (a->crio_type && strcmp(a->crio_type, "sandbox") == 0);

	FILL(c->pod_name, a->cri_pod);
	FILL(c->pod_name, a->k8s_pod);
	FILL(c->pod_name, a->crio_kube_name);
	FILL(c->pod_namespace, a->cri_ns);
	FILL(c->pod_namespace, a->k8s_ns);
	FILL(c->pod_namespace, a->crio_ns);
	FILL(c->pod_uid, a->cri_uid);
	FILL(c->pod_uid, a->k8s_uid);
	if (!sandbox) {
		FILL(c->name, a->cri_ctr);
		FILL(c->name, a->k8s_ctr);
	}
	if (!sandbox && a->crio_metadata && !c->name[0]) {
		struct json_object *m = json_parse_obj(a->crio_metadata,
						       strlen(a->crio_metadata));

		FILL(c->name, jstr(m, "name"));
		json_object_put(m);
	}
	FILL(c->name, a->nerdctl_name);
	if (a->crio_name)
		from_k8s_name(c, a->crio_name);

	FILL(c->image, a->cri_image);
	FILL(c->image, a->crio_image);
	FILL(c->image, a->crio_image_name);
	FILL(c->image, a->cri_pause_image);
	FILL(c->image_id, a->crio_image_ref);
	if (a->crio_created)
		set_time(c, a->crio_created);
	FILL(c->id, a->crio_id);

	/* CRI-O copies the CRI labels; on the sandbox they are pod labels */
	if (sandbox && a->crio_labels) {
		struct json_object *l = json_parse_obj(a->crio_labels,
						       strlen(a->crio_labels));

		labels_from_object(l, c);
		json_object_put(l);
	}
	if (a->podman_privileged &&
	    (strcmp(a->podman_privileged, "TRUE") == 0 ||
	     strcmp(a->podman_privileged, "true") == 0))
		c->privileged = true;

	if (a->manager && strcmp(a->manager, "libpod") == 0)
		FILL(c->runtime, "podman");
	else if ((a->manager && strcmp(a->manager, "cri-o") == 0) ||
		 a->any_crio)
		FILL(c->runtime, "cri-o");
	else if (a->nerdctl_name)
		FILL(c->runtime, "nerdctl");
	else if (a->any_cri)
		FILL(c->runtime, "containerd");

	if (!x)
		return;
	x->is_sandbox = sandbox;
	x->libpod = a->manager && strcmp(a->manager, "libpod") == 0;
	x->crio = !x->libpod && ((a->manager &&
				  strcmp(a->manager, "cri-o") == 0) ||
				 a->any_crio);
	x->cri = a->any_cri;
	x->nerdctl = a->nerdctl_name != NULL;
	if (a->cri_sandbox_id)
		nsw_strlcpy(x->sandbox_id, a->cri_sandbox_id,
			    sizeof(x->sandbox_id));
	else if (a->crio_sandbox_id)
		nsw_strlcpy(x->sandbox_id, a->crio_sandbox_id,
			    sizeof(x->sandbox_id));
	if (a->bundle)
		nsw_strlcpy(x->bundle, a->bundle, sizeof(x->bundle));
}

/*
 * The document when it is an object with a string `idkey` and an object
 * `cfgkey` (*cfg), the shape runc's state.json and docker's config.v2.json
 * share; its id fills out->id.  NULL when it is not (or out is NULL).
 */
static struct json_object *state_doc(const char *json, size_t len,
				     struct nsw_container *out,
				     const char *idkey, const char *cfgkey,
				     struct json_object **cfg)
{
	struct json_object *root;

	if (!out)
		return NULL;
	root = json_parse_obj(json, len);
	*cfg = jget(root, cfgkey, json_type_object);
	if (!jstr(root, idkey) || !*cfg) {
		json_object_put(root);
		return NULL;
	}
	FILL(out->id, jstr(root, idkey));
	return root;
}

/*
 * A bounding set holding the capabilities no default profile grants
 * (docker/podman/k8s privileged give all of them).
 */
static bool caps_privileged(struct json_object *arr)
{
	static const char *const need[] = {
		"CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
		"CAP_SYS_PTRACE", "CAP_SYS_BOOT", "CAP_MAC_ADMIN",
		"CAP_DAC_READ_SEARCH", "CAP_NET_ADMIN",
	};
	size_t i, j, n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return false;
	n = json_object_array_length(arr);
	for (i = 0; i < ARRAY_SIZE(need); i++) {
		bool found = false;

		for (j = 0; j < n && !found; j++) {
			struct json_object *e = json_object_array_get_idx(arr, j);

			found = json_object_is_type(e, json_type_string) &&
				strcmp(json_object_get_string(e), need[i]) == 0;
		}
		if (!found)
			return false;
	}
	return true;
}

/* container_meta_parse_oci_config() that also fills the lookup's extra
 * facts into `x` (NULL: none). */
int meta_parse_oci_config(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x)
{
	struct json_object *root, *an, *caps;
	struct annot a;

	if (!out)
		return -EINVAL;
	root = json_parse_obj(json, len);
	if (!root)
		return -EINVAL;
	/* an OCI runtime spec has at least one of these */
	if (!jget(root, "ociVersion", json_type_string) &&
	    !jget(root, "process", json_type_object) &&
	    !jget(root, "annotations", json_type_object)) {
		json_object_put(root);
		return -EINVAL;
	}
	memset(&a, 0, sizeof(a));
	an = jget(root, "annotations", json_type_object);
	if (an) {
		json_object_object_foreach(an, k, v) {
			if (json_object_is_type(v, json_type_string))
				annot_set(&a, k, strlen(k),
					  json_object_get_string(v));
		}
	}
	annot_apply(&a, out, x);
	caps = jget(jget(root, "process", json_type_object), "capabilities",
		    json_type_object);
	if (caps_privileged(jget(caps, "bounding", json_type_array)))
		out->privileged = true;
	set_selinux(out, jstr(jget(root, "process", json_type_object),
			      "selinuxLabel"));
	json_object_put(root);
	return 0;
}

/* OCI config.json (bundle spec): annotations of containerd CRI, CRI-O,
 * podman, nerdctl; privileged from the bounding set.  Fills empty fields
 * only.  0 or -EINVAL. */
int container_meta_parse_oci_config(const char *json, size_t len,
				    struct nsw_container *out)
{
	return meta_parse_oci_config(json, len, out, NULL);
}

/* runc state.json into `out` and `x` (bundle, sandbox id; x may be
 * NULL).  0 or -EINVAL. */
int meta_parse_runc_state(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x)
{
	struct json_object *root, *cfg, *labels, *caps;
	struct annot a;
	int64_t pid;
	size_t i, n;

	root = state_doc(json, len, out, "id", "config", &cfg);
	if (!root)
		return -EINVAL;
	if (jint(root, "init_process_pid", &pid))
		set_pid(out, pid);
	set_time(out, jstr(root, "created"));

	/* every OCI annotation as "key=value", plus "bundle=<dir>" */
	memset(&a, 0, sizeof(a));
	labels = jget(cfg, "labels", json_type_array);
	n = labels ? json_object_array_length(labels) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(labels, i);
		const char *kv, *eq;

		if (!json_object_is_type(e, json_type_string))
			continue;
		kv = json_object_get_string(e);
		eq = strchr(kv, '=');
		if (eq)
			annot_set(&a, kv, (size_t)(eq - kv), eq + 1);
	}
	annot_apply(&a, out, x);
	caps = jget(cfg, "capabilities", json_type_object);
	if (caps_privileged(jget(caps, "Bounding", json_type_array)))
		out->privileged = true;
	set_selinux(out, jstr(cfg, "process_label"));
	json_object_put(root);
	return 0;
}

/* runc state.json: id, init pid, created, and the annotations carried as
 * config.labels "key=value" (bundle= goes to `bundle`, "" if absent).
 * Fills empty fields only.  0 or -EINVAL. */
int container_meta_parse_runc_state(const char *json, size_t len,
				    struct nsw_container *out,
				    char *bundle, size_t bundlelen)
{
	struct meta_extra x;
	int rc;

	memset(&x, 0, sizeof(x));
	rc = meta_parse_runc_state(json, len, out, &x);
	if (rc == 0 && bundle && bundlelen)
		nsw_strlcpy(bundle, x.bundle, bundlelen);
	return rc;
}

/* crun status: pid, created, bundle.  0 or -EINVAL (no pid/bundle). */
int container_meta_parse_crun_status(const char *json, size_t len,
				     struct nsw_container *out,
				     char *bundle, size_t bundlelen)
{
	struct json_object *root;
	int64_t pid;

	if (!out)
		return -EINVAL;
	root = json_parse_obj(json, len);
	if (!root)
		return -EINVAL;
	if (!jint(root, "pid", &pid) || !jstr(root, "bundle")) {
		json_object_put(root);
		return -EINVAL;
	}
	set_pid(out, pid);
	set_time(out, jstr(root, "created"));
	if (bundle && bundlelen)
		nsw_strlcpy(bundle, jstr(root, "bundle"), bundlelen);
	json_object_put(root);
	return 0;
}

/* container_meta_parse_docker_config() that also fills the sandbox facts
 * into `x` (NULL: none). */
int meta_parse_docker_config(const char *json, size_t len,
			     struct nsw_container *out, struct meta_extra *x)
{
	struct json_object *root, *cfg, *labels, *state, *run;
	const char *type, *name;
	bool sandbox;
	int64_t pid;

	root = state_doc(json, len, out, "ID", "Config", &cfg);
	if (!root)
		return -EINVAL;
	labels = jget(cfg, "Labels", json_type_object);
	type = jstr(labels, "io.kubernetes.docker.type");
	sandbox = type && strcmp(type, "podsandbox") == 0;

	FILL(out->pod_name, jstr(labels, "io.kubernetes.pod.name"));
	FILL(out->pod_namespace, jstr(labels, "io.kubernetes.pod.namespace"));
	FILL(out->pod_uid, jstr(labels, "io.kubernetes.pod.uid"));
	if (!sandbox)
		FILL(out->name, jstr(labels, "io.kubernetes.container.name"));
	name = jstr(root, "Name");
	if (name && starts_with(name, "/k8s_"))
		from_k8s_name(out, name);
	else if (name && !sandbox)
		FILL(out->name, name[0] == '/' ? name + 1 : name);
	FILL(out->image, jstr(cfg, "Image"));
	FILL(out->image_id, jstr(root, "Image"));
	if (sandbox)
		labels_from_object(labels, out);

	state = jget(root, "State", json_type_object);
	run = jget(state, "Running", json_type_boolean);
	if (run && json_object_get_boolean(run) && jint(state, "Pid", &pid))
		set_pid(out, pid);
	set_time(out, jstr(state, "StartedAt"));
	FILL(out->runtime, "docker");

	if (x) {
		x->is_sandbox = sandbox;
		if (jstr(labels, "io.kubernetes.sandbox.id"))
			nsw_strlcpy(x->sandbox_id,
				    jstr(labels, "io.kubernetes.sandbox.id"),
				    sizeof(x->sandbox_id));
	}
	json_object_put(root);
	return 0;
}

/* docker config.v2.json: name, image, image id, kubelet labels (pod
 * labels when it is the sandbox), running pid, StartedAt.  Fills empty
 * fields only.  0 or -EINVAL. */
int container_meta_parse_docker_config(const char *json, size_t len,
				       struct nsw_container *out)
{
	return meta_parse_docker_config(json, len, out, NULL);
}

/* ---- workload (§4.4) --------------------------------------------------- */

static const char *label_get(const struct nsw_container *c, const char *key)
{
	size_t lo = 0, hi = c->n_labels;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(c->labels[mid].key, key);

		if (r == 0)
			return c->labels[mid].value;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* k8s rand.SafeEncodeString alphabet (generateName, pod-template-hash) */
static bool alnum_safe(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr("bcdfghjklmnpqrstvwxz2456789", p[i]) || !p[i])
			return false;
	return true;
}

static void set_workload(struct nsw_container *c, const char *name,
			 size_t n, const char *kind)
{
	if (n >= sizeof(c->workload))
		n = sizeof(c->workload) - 1;
	memcpy(c->workload, name, n);
	c->workload[n] = '\0';
	nsw_strlcpy(c->workload_kind, kind, sizeof(c->workload_kind));
}

/* name = <base>-<hash>-<5 safe chars>: length of <base>, or 0 */
static size_t strip_hash_suffix(const char *name, const char *hash)
{
	size_t n = strlen(name), h = strlen(hash);

	if (!h || n < h + 8 || name[n - 6] != '-' ||
	    !alnum_safe(name + n - 5, 5) || name[n - 7 - h] != '-' ||
	    memcmp(name + n - 6 - h, hash, h) != 0)
		return 0;
	return n - 7 - h;
}

/* name = <base>-<5 safe chars>: length of <base>, or 0 */
static size_t strip_rand5(const char *name)
{
	size_t n = strlen(name);

	if (n < 7 || name[n - 6] != '-' || !alnum_safe(name + n - 5, 5))
		return 0;
	return n - 6;
}

/* name = <base>-<digits in [lo,hi]>: length of <base>, or 0 */
static size_t strip_digits(const char *name, size_t len, size_t lo,
			   size_t hi)
{
	size_t d = 0;

	while (d < len && name[len - 1 - d] >= '0' && name[len - 1 - d] <= '9')
		d++;
	if (d < lo || d > hi || len < d + 2 || name[len - 1 - d] != '-')
		return 0;
	return len - 1 - d;
}

/*
 * §4.4: workload and kind from the pod name and pod labels.  Kinds:
 * Deployment, Rollout, DeploymentConfig, StatefulSet, DaemonSet, CronJob,
 * Job, StaticPod, Pod.  Without labels (containerd keeps none on disk)
 * only the name rules apply, and they are guesses.  No pod name: nothing.
 */
void container_meta_guess_workload(struct nsw_container *c)
{
	const char *name, *v, *job;
	size_t n, b;

	if (!c || !c->pod_name[0])
		return;
	name = c->pod_name;
	n = strlen(name);

	/* OpenShift DeploymentConfig */
	v = label_get(c, "deploymentconfig");
	if (v && v[0]) {
		set_workload(c, v, strlen(v), "DeploymentConfig");
		return;
	}
	/* Deployment: pod-template-hash and <deploy>-<hash>-<rand5> */
	v = label_get(c, "pod-template-hash");
	if (v && (b = strip_hash_suffix(name, v))) {
		set_workload(c, name, b, "Deployment");
		return;
	}
	/* Argo Rollouts */
	v = label_get(c, "rollouts-pod-template-hash");
	if (v && (b = strip_hash_suffix(name, v))) {
		set_workload(c, name, b, "Rollout");
		return;
	}
	if (label_get(c, "controller-revision-hash")) {
		if ((label_get(c, "statefulset.kubernetes.io/pod-name") ||
		     label_get(c, "apps.kubernetes.io/pod-index")) &&
		    (b = strip_digits(name, n, 1, 10))) {
			set_workload(c, name, b, "StatefulSet");
			return;
		}
		if (label_get(c, "pod-template-generation") &&
		    (b = strip_rand5(name))) {
			set_workload(c, name, b, "DaemonSet");
			return;
		}
	}
	/* Job, and CronJob when the job name ends in a schedule stamp */
	job = label_get(c, "batch.kubernetes.io/job-name");
	if (!job)
		job = label_get(c, "job-name");
	if (job && job[0]) {
		b = strip_digits(job, strlen(job), 8, 10);
		if (b)
			set_workload(c, job, b, "CronJob");
		else
			set_workload(c, job, strlen(job), "Job");
		return;
	}
	/* static pod: the UID is the 32-hex config hash (K8, KD2) */
	if (meta_is_lhex_str(c->pod_uid, 32)) {
		set_workload(c, name, n, "StaticPod");
		return;
	}
	/*
	 * No labels on disk (containerd): the same rules on the name alone.
	 * These are guesses; a bare "<x>-<rand5>" (DaemonSet, Job or a
	 * ReplicaSet) is left as a Pod.
	 */
	if (!c->n_labels && (b = strip_rand5(name))) {
		size_t cj = strip_digits(name, b, 8, 10);

		if (cj) {
			set_workload(c, name, cj, "CronJob");
			return;
		}
		if (b > 7) {
			size_t h = 0;

			while (h < b && name[b - 1 - h] != '-')
				h++;
			if (h >= 6 && h <= 10 && h < b &&
			    alnum_safe(name + b - h, h)) {
				set_workload(c, name, b - h - 1, "Deployment");
				return;
			}
		}
	}
	if (!c->n_labels && (b = strip_digits(name, n, 1, 4))) {
		set_workload(c, name, b, "StatefulSet");
		return;
	}
	set_workload(c, name, n, "Pod");
}

/* containerd CRI checkpoint: {"Version":"v1","Pid":…,"StartedAt":ns,…}:
 * init pid and start time.  0 or -EINVAL (not a JSON object). */
int meta_parse_cri_status(const char *json, size_t len,
			  struct nsw_container *out, struct meta_extra *x)
{
	struct json_object *root = json_parse_obj(json, len);
	int64_t v;

	if (!root)
		return -EINVAL;
	if (jint(root, "Pid", &v))
		set_pid(out, v);
	if (jint(root, "StartedAt", &v) && v > 0 && !out->start_time_ns)
		out->start_time_ns = (uint64_t)v;
	json_object_put(root);
	return 0;
}

/* podman/containers-storage index: names and image of container `id`. */
void meta_parse_storage_index(const char *json, size_t len, const char *id,
			      struct nsw_container *out)
{
	struct json_object *root = json_parse_any(json, len);
	size_t i, n;

	if (!root || !json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return;
	}
	n = json_object_array_length(root);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(root, i);
		struct json_object *names, *md = NULL;
		const char *s;

		if (!jstr(e, "id") || strcmp(jstr(e, "id"), id) != 0)
			continue;
		names = jget(e, "names", json_type_array);
		if (names && json_object_array_length(names) > 0) {
			struct json_object *n0 =
				json_object_array_get_idx(names, 0);

			if (json_object_is_type(n0, json_type_string))
				FILL(out->name, json_object_get_string(n0));
		}
		s = jstr(e, "metadata");
		if (s)
			md = json_parse_obj(s, strlen(s));
		FILL(out->name, jstr(md, "name"));
		FILL(out->image, jstr(md, "image-name"));
		FILL(out->image_id, jstr(md, "image-id"));
		FILL(out->image_id, jstr(e, "image"));
		set_time(out, jstr(e, "created"));
		json_object_put(md);
		break;
	}
	json_object_put(root);
}

/*
 * The JSON string value that follows `key` (e.g. `"id":"<id>","name":"`)
 * in buf, copied into out when it is 1..outlen-1 printable characters
 * without `"` or `\\`; false otherwise.
 */
bool meta_value_after(const char *buf, size_t len, const char *key,
		      const char **at, char *out, size_t outlen)
{
	const char *p = memmem(buf, len, key, strlen(key));
	size_t n = 0;

	if (!p)
		return false;
	p += strlen(key);
	while (p + n < buf + len && n < outlen && p[n] != '"') {
		if (p[n] < 0x20 || p[n] > 0x7e || p[n] == '\\')
			return false;
		n++;
	}
	if (!n || n >= outlen || p + n >= buf + len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	if (at)
		*at = p + n;
	return true;
}

/* docker hostconfig.json: privileged when "Privileged" is true. */
void meta_parse_docker_hostconfig(const char *json, size_t len,
				  struct nsw_container *out)
{
	struct json_object *hc = json_parse_obj(json, len);
	struct json_object *pv = jget(hc, "Privileged", json_type_boolean);

	if (pv && json_object_get_boolean(pv))
		out->privileged = true;
	json_object_put(hc);
}
