/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container root file systems by device: see mountwatch.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "mountwatch.h"
#include "strbuf.h"
#include "util.h"

#define MOUNTINFO_MAX (16u << 20)	/* a mount table read at most */
#define STORAGE_JSON_MAX (32u << 20)	/* containers.json read at most */
#define CD_TASK_DIR "/io.containerd.runtime.v2.task/"
#define VOLATILE_JSON \
	"/run/containers/storage/overlay-containers/volatile-containers.json"

struct mountwatch {
	int fd;			/* the mount table, -1: none */
	char rootdir[PATH_MAX];
	struct mountwatch_entry *e;	/* MOUNTWATCH_MAX of them */
	size_t n;
	uint64_t gen;		/* reads so far */
	uint64_t last_ms;	/* wall ms of the last read; 0: none yet */
	uint64_t dropped;
	void (*release)(void *user);
	char *buf;		/* the last read */
	size_t cap;
};

struct mountwatch *mountwatch_new(const char *mountinfo, const char *rootdir)
{
	struct mountwatch *mw = calloc(1, sizeof(*mw));

	if (!mw)
		return NULL;
	mw->fd = -1;
	mw->e = calloc(MOUNTWATCH_MAX, sizeof(*mw->e));
	if (!mw->e ||
	    !nsw_strlcpy(mw->rootdir, rootdir ? rootdir : "",
			 sizeof(mw->rootdir))) {
		mountwatch_free(mw);
		errno = ENOMEM;
		return NULL;
	}
	if (mountinfo) {
		mw->fd = open(mountinfo, O_RDONLY | O_CLOEXEC);
		if (mw->fd < 0) {
			int err = errno;

			mountwatch_free(mw);
			errno = err;
			return NULL;
		}
	}
	return mw;
}

void mountwatch_set_release(struct mountwatch *mw, void (*fn)(void *user))
{
	mw->release = fn;
}

int mountwatch_fd(const struct mountwatch *mw)
{
	return mw ? mw->fd : -1;
}

static void drop(struct mountwatch *mw, size_t i)
{
	if (mw->release && mw->e[i].user)
		mw->release(mw->e[i].user);
	mw->e[i] = mw->e[--mw->n];
	memset(&mw->e[mw->n], 0, sizeof(mw->e[mw->n]));
}

void mountwatch_free(struct mountwatch *mw)
{
	if (!mw)
		return;
	while (mw->e && mw->n)
		drop(mw, mw->n - 1);
	if (mw->fd >= 0)
		close(mw->fd);
	free(mw->e);
	free(mw->buf);
	free(mw);
}

/* An id or directory name from a path or a document: [A-Za-z0-9_.-]+,
 * no leading '.', short enough for a container id. */
static bool safe_name(const char *s, size_t n)
{
	size_t i;

	if (!n || n >= CONTAINER_ID_MAX || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* containerd: <...>/io.containerd.runtime.v2.task/<ns>/<id>/rootfs */
static bool containerd_id(const char *mnt, char *id, size_t idlen)
{
	const char *p = strstr(mnt, CD_TASK_DIR), *ns, *c, *end;

	if (!p)
		return false;
	ns = p + strlen(CD_TASK_DIR);
	c = strchr(ns, '/');
	if (!c || !safe_name(ns, (size_t)(c - ns)))
		return false;
	c++;
	end = strchr(c, '/');
	if (!end || strcmp(end, "/rootfs") || !safe_name(c, (size_t)(end - c)) ||
	    (size_t)(end - c) >= idlen)
		return false;
	memcpy(id, c, (size_t)(end - c));
	id[end - c] = '\0';
	return true;
}

static char *slurp(const char *path, size_t max, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (buf)
		buf[got] = '\0';
	*len = got;
	return buf;
}

/* The container of storage layer `layer` in containers/storage's
 * container list `path`; runtime cri-o when its metadata names a pod
 * (CRI-O's), else podman. */
static bool storage_id_in(const char *path, const char *layer, char *id,
			  size_t idlen, char *rt, size_t rtlen)
{
	struct json_object *root, *o, *v;
	const char *s, *meta;
	size_t len, i, n;
	bool found = false;
	char *buf = slurp(path, STORAGE_JSON_MAX, &len);

	if (!buf)
		return false;
	root = json_tokener_parse(buf);
	free(buf);
	if (!root)
		return false;
	n = json_object_is_type(root, json_type_array) ?
	    json_object_array_length(root) : 0;
	for (i = 0; i < n && !found; i++) {
		o = json_object_array_get_idx(root, i);
		if (!json_object_object_get_ex(o, "layer", &v) ||
		    !(s = json_object_get_string(v)) || strcmp(s, layer))
			continue;
		if (!json_object_object_get_ex(o, "id", &v) ||
		    !(s = json_object_get_string(v)) ||
		    !safe_name(s, strlen(s)) || strlen(s) >= idlen)
			break;
		memcpy(id, s, strlen(s) + 1);
		meta = json_object_object_get_ex(o, "metadata", &v) ?
		       json_object_get_string(v) : NULL;
		nsw_strlcpy(rt, meta && strstr(meta, "\"pod-name\"") ?
				"cri-o" : "podman", rtlen);
		found = true;
	}
	json_object_put(root);
	return found;
}

/* podman, CRI-O: <graphroot>/overlay/<layer>/merged */
static bool storage_id(struct mountwatch *mw, const char *mnt, char *id,
		       size_t idlen, char *rt, size_t rtlen)
{
	static const char tail[] = "/merged";
	char graph[PATH_MAX], layer[CONTAINER_ID_MAX], path[PATH_MAX];
	size_t n = strlen(mnt), ln;
	const char *end, *lp, *ov;

	if (n <= sizeof(tail) - 1 || strcmp(mnt + n - (sizeof(tail) - 1), tail))
		return false;
	end = mnt + n - (sizeof(tail) - 1);
	for (lp = end; lp > mnt && lp[-1] != '/'; lp--)
		;
	ln = (size_t)(end - lp);
	if (lp <= mnt || !safe_name(lp, ln) || ln >= sizeof(layer))
		return false;
	memcpy(layer, lp, ln);
	layer[ln] = '\0';
	ov = lp - 1;		/* the '/' before the layer */
	if ((size_t)(ov - mnt) < strlen("/overlay") ||
	    strncmp(ov - strlen("/overlay"), "/overlay", strlen("/overlay")))
		return false;
	ln = (size_t)(ov - strlen("/overlay") - mnt);
	if (ln >= sizeof(graph))
		return false;
	memcpy(graph, mnt, ln);
	graph[ln] = '\0';
	if (snprintf(path, sizeof(path), "%s%s/overlay-containers/containers.json",
		     mw->rootdir, graph) < (int)sizeof(path) &&
	    storage_id_in(path, layer, id, idlen, rt, rtlen))
		return true;
	return snprintf(path, sizeof(path), "%s" VOLATILE_JSON,
			mw->rootdir) < (int)sizeof(path) &&
	       storage_id_in(path, layer, id, idlen, rt, rtlen);
}

static struct mountwatch_entry *find(struct mountwatch *mw, uint32_t major,
				     uint32_t minor, const char *id,
				     bool mounted)
{
	size_t i;

	for (i = 0; i < mw->n; i++) {
		struct mountwatch_entry *e = &mw->e[i];

		if (e->major == major && e->minor == minor &&
		    (!mounted || !e->until_ms) && (!id || !strcmp(e->id, id)))
			return e;
	}
	return NULL;
}

/* Room for one more: the entry gone longest, when the table is full. */
static bool make_room(struct mountwatch *mw)
{
	size_t i, old = SIZE_MAX;

	if (mw->n < MOUNTWATCH_MAX)
		return true;
	for (i = 0; i < mw->n; i++)
		if (mw->e[i].until_ms &&
		    (old == SIZE_MAX || mw->e[i].until_ms < mw->e[old].until_ms))
			old = i;
	if (old == SIZE_MAX)
		return false;
	drop(mw, old);
	return true;
}

/* One line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE
 * SOURCE SUPER".  1 with *out set when it is a root file system not in
 * the table, 0 when it is one in the table (marked seen) or not one. */
static int line(struct mountwatch *mw, char *s, struct mountwatch_entry *out)
{
	char *f[32], *fstype = NULL, *save = NULL;
	char id[CONTAINER_ID_MAX], rt[16];
	unsigned int major, minor;
	struct mountwatch_entry *e;
	uint32_t h;
	int i, n;

	for (n = 0; n < (int)ARRAY_SIZE(f); n++) {
		f[n] = strtok_r(n ? NULL : s, " ", &save);
		if (!f[n])
			break;
	}
	/* the optional tags end at a lone "-" */
	for (i = 6; i + 1 < n; i++)
		if (!strcmp(f[i], "-")) {
			fstype = f[i + 1];
			break;
		}
	/* overlay: a device of its own for each mount; any other file
	 * system's device may be shared with the host or another mount */
	if (!fstype || strcmp(fstype, "overlay") || strcmp(f[3], "/") ||
	    sscanf(f[2], "%u:%u", &major, &minor) != 2)
		return 0;
	unescape(f[4]);
	/* seen before: not resolved again (a layer's container costs a
	 * read of the storage's container list) */
	h = hash_str(f[4]);
	for (i = 0; i < (int)mw->n; i++) {
		e = &mw->e[i];
		if (!e->until_ms && e->major == major && e->minor == minor &&
		    e->mnt_hash == h) {
			e->gen = mw->gen;
			return 0;
		}
	}
	rt[0] = '\0';
	if (containerd_id(f[4], id, sizeof(id)))
		nsw_strlcpy(rt, "containerd", sizeof(rt));
	else if (!storage_id(mw, f[4], id, sizeof(id), rt, sizeof(rt)))
		return 0;
	e = find(mw, major, minor, id, true);
	if (e) {
		e->gen = mw->gen;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->major = major;
	out->minor = minor;
	nsw_strlcpy(out->id, id, sizeof(out->id));
	nsw_strlcpy(out->runtime, rt, sizeof(out->runtime));
	/* mounted after the last read, which did not show it */
	out->since_ms = mw->last_ms;
	out->gen = mw->gen;
	out->mnt_hash = h;
	return 1;
}

int mountwatch_update(struct mountwatch *mw, const char *text, size_t len,
		      uint64_t now_ms)
{
	struct mountwatch_entry *fresh = NULL, *f;
	size_t i, n_fresh = 0, cap = 0;
	char *copy, *s, *nl;
	int added = 0;

	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	mw->gen++;
	for (s = copy; s && *s; s = nl) {
		struct mountwatch_entry cand;

		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		if (!line(mw, s, &cand))
			continue;
		if (n_fresh == cap) {
			cap = cap ? cap * 2 : 16;
			f = realloc(fresh, cap * sizeof(*fresh));
			if (!f) {
				free(fresh);
				free(copy);
				return -ENOMEM;
			}
			fresh = f;
		}
		fresh[n_fresh++] = cand;
	}
	free(copy);
	/* gone since the last read; expired */
	for (i = 0; i < mw->n;) {
		struct mountwatch_entry *e = &mw->e[i];

		if (!e->until_ms && e->gen != mw->gen)
			e->until_ms = now_ms;
		if (e->until_ms && now_ms >= e->until_ms + MOUNTWATCH_GRACE_MS) {
			drop(mw, i);
			continue;
		}
		i++;
	}
	/* then the new ones, in the room the gone ones leave */
	for (i = 0; i < n_fresh; i++) {
		if (find(mw, fresh[i].major, fresh[i].minor, fresh[i].id,
			 true))
			continue;	/* listed twice */
		if (!make_room(mw)) {
			mw->dropped++;
			continue;
		}
		mw->e[mw->n++] = fresh[i];
		added++;
	}
	free(fresh);
	mw->last_ms = now_ms;
	return added;
}

int mountwatch_refresh(struct mountwatch *mw, uint64_t now_ms)
{
	size_t got = 0;
	ssize_t n;

	if (mw->fd < 0)
		return -EBADF;
	if (lseek(mw->fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		if (got + 4096 > mw->cap) {
			size_t cap = mw->cap ? mw->cap * 2 : 65536;
			char *b;

			if (cap > MOUNTINFO_MAX)
				return -EFBIG;
			b = realloc(mw->buf, cap);
			if (!b)
				return -ENOMEM;
			mw->buf = b;
			mw->cap = cap;
		}
		n = read(mw->fd, mw->buf + got, mw->cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return mountwatch_update(mw, mw->buf, got, now_ms);
}

int mountwatch_lookup(struct mountwatch *mw, uint32_t major, uint32_t minor,
		      uint64_t at_ms, struct mountwatch_entry **out)
{
	struct mountwatch_entry *hit = NULL;
	bool known = false;
	size_t i;

	for (i = 0; i < mw->n; i++) {
		struct mountwatch_entry *e = &mw->e[i];

		if (e->major != major || e->minor != minor)
			continue;
		known = true;
		/* the exec happened while the root file system was mounted:
		 * after the read before the one that showed it, before the
		 * read that found it gone */
		if (at_ms && (at_ms < e->since_ms ||
			      (e->until_ms && at_ms > e->until_ms)))
			continue;
		if (hit && strcmp(hit->id, e->id))
			return -EEXIST;
		hit = e;
	}
	if (!hit)
		return known ? -ENOENT : 0;
	*out = hit;
	return 1;
}

struct mountwatch_entry *mountwatch_by_id(struct mountwatch *mw,
					  const char *id)
{
	size_t i;

	for (i = 0; i < mw->n; i++)
		if (!mw->e[i].until_ms && !strcmp(mw->e[i].id, id))
			return &mw->e[i];
	return NULL;
}

void mountwatch_foreach(struct mountwatch *mw,
			void (*fn)(struct mountwatch_entry *e, void *arg),
			void *arg)
{
	size_t i;

	for (i = 0; i < mw->n; i++)
		fn(&mw->e[i], arg);
}

size_t mountwatch_count(const struct mountwatch *mw)
{
	return mw->n;
}

uint64_t mountwatch_dropped(const struct mountwatch *mw)
{
	return mw->dropped;
}
