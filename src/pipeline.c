/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw observations -> schema events.  The same code path serves the eBPF
 * backend, the three live audit sources, replay and the procfs snapshot,
 * so every backend gets the same attribution, verdicts and alerts.
 */
#include "config.h"

#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "container-cache.h"
#include "container-meta.h"
#include "encode-compact.h"
#include "encode-json.h"
#include "exposure.h"
#include "inum-set.h"
#include "log.h"
#include "mountwatch.h"
#include "nsinfo.h"
#include "notify.h"
#include "output.h"
#include "pipeline.h"
#include "policy.h"
#include "proc-cache.h"
#include "procfs.h"
#include "strbuf.h"
#include "verdict.h"
#include "util.h"

#define MAX_ANCESTORS 64
#define MAX_PENDING 4096
#define CGID_SLOTS 4096
/* exited processes kept for their children's parent links */
#define DEAD_SLOTS 64
#define CGNAME_MAX 255	/* a cgroup directory name (NAME_MAX) */

struct cgid_slot {
	uint64_t id;		/* 0: empty */
	struct nsw_container *ctr;	/* NULL: host */
};

struct pipeline;
static void cgid_clear(struct pipeline *p);
static bool root_dev_of(struct pipeline *p, uint32_t pid, uint32_t *major,
			uint32_t *minor, uint64_t *ino);
#define PENDING_MS 1000

/*
 * A setns/unshare whose process was gone before its namespaces could be
 * read (audit reports after the fact; runc's init child lives for a few
 * milliseconds).  It waits for evidence: the namespaces of a child that
 * the process forked right after the call (seen at the child's exec) or of
 * the process itself after an exec.  Without evidence within PENDING_MS
 * the verdict is `unknown`.
 */
struct pending_ns {
	struct nsw_raw raw;	/* byte pointers point into buf */
	char buf[512];
	uint64_t deadline_ms;
	struct pending_ns *next;
};

struct pipeline {
	struct nsw_options opts;
	const char *backend;
	bool live;
	struct output *out;
	struct proc_cache *pc;
	struct container_cache *cc;
	struct host_ns host;
	bool host_known;
	struct inum_set host_set;	/* see pipeline_host_set() */
	void (*host_set_hook)(void *arg, uint32_t inum, bool added);
	void *host_set_arg;
	/* metrics: the counters, once a second and with every stats line */
	void (*stats_hook)(void *arg, const struct nsw_stats *st);
	void *stats_arg;
	uint64_t stats_hook_at;		/* monotonic s of the last call */
	struct nsw_stats stats;
	struct strbuf sb;
	struct encode_ctx ectx;
	bool color;
	bool settling;		/* handling a pending event: never re-queue */
	const struct policy *policy;	/* NULL: built-in defaults */
	struct pending_ns *pending;	/* oldest first */
	struct pending_ns **pending_tail;
	size_t n_pending;
	struct cgid_slot cgid[CGID_SLOTS];
	size_t n_cgid;
	uint64_t next_stats;	/* monotonic s */
	uint64_t next_sweep;
	uint64_t encode_errors;	/* lines never made: count as output lost */
	bool host_root_known;	/* the host's root directory */
	uint32_t host_root_major;
	uint32_t host_root_minor;
	uint64_t host_root_ino;
	struct nsw_process dead[DEAD_SLOTS];	/* ring, see remember_dead() */
	size_t dead_next;
	unsigned int load_depth;	/* load_live() of parents, nested */
	/* nswatch ps: see pipeline_set_exposure() */
	const struct exposure_report *(*exposure_fn)(void *arg,
					const struct nsw_process *pr);
	void *exposure_arg;
	uint32_t exposure_only;
	/* container root file systems by device, from the host's mount
	 * table (R17); NULL until a backend asks for its fd */
	struct mountwatch *mw;
	bool mw_tried;
	uint64_t mw_dropped;	/* last reported */
	uint64_t mw_hold_until;	/* wall ms: a new mount's state is read */
};

struct pipeline *pipeline_new(const struct nsw_options *o,
			      const char *backend_name, bool live,
			      struct output *out)
{
	struct pipeline *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->opts = *o;
	p->backend = backend_name;
	p->live = live;
	p->out = out;
	p->pc = proc_cache_new(live ? 262144 : 65536);
	p->cc = container_cache_new(o->rootfs);
	p->ectx.memo = encode_memo_new();
	if (!p->pc || !p->cc || !p->ectx.memo) {
		pipeline_free(p);
		errno = ENOMEM;
		return NULL;
	}
	/* replay has no host to compare with: is_host is never claimed */
	if (live)
		p->host_known = nsinfo_host(o->procfs, &p->host) == 0;
	if (live && p->host_known)
		p->host_root_known = root_dev_of(p, p->host.ref_pid,
						 &p->host_root_major,
						 &p->host_root_minor,
						 &p->host_root_ino);
	p->ectx.node_name = p->opts.node_name;
	p->ectx.cluster_name = o->cluster_name;
	p->ectx.host_ns = p->host_known ? &p->host.ns : NULL;
	p->color = out && output_is_tty(out);
	return p;
}

void pipeline_free(struct pipeline *p)
{
	size_t i;

	if (!p)
		return;
	pipeline_flush(p);
	cgid_clear(p);
	mountwatch_free(p->mw);
	for (i = 0; i < DEAD_SLOTS; i++)
		proc_release(&p->dead[i]);
	proc_cache_free(p->pc);
	container_cache_free(p->cc);
	encode_memo_free(p->ectx.memo);
	strbuf_release(&p->sb);
	inum_set_clear(&p->host_set);
	free(p);
}

struct nsw_stats *pipeline_stats(struct pipeline *p)
{
	p->stats.output_errors = p->encode_errors +
				 (p->out ? output_errors(p->out) : 0);
	p->stats.output_queue = p->out ? output_dropped(p->out) : 0;
	p->stats.log_lost = log_lost();
	p->stats.tab_processes = proc_cache_count(p->pc);
	p->stats.tab_pending = p->n_pending;
	{
		size_t bytes;

		encode_memo_usage(p->ectx.memo, &bytes,
				  &p->stats.tab_memo_full);
		p->stats.tab_memo_bytes = bytes;
	}
	return &p->stats;
}

void pipeline_add_stats(struct pipeline *p, const struct nsw_stats *d)
{
	p->stats.kernel_lost += d->kernel_lost;
	p->stats.ringbuf_drops += d->ringbuf_drops;
	p->stats.seq_gaps += d->seq_gaps;
	p->stats.parse_errors += d->parse_errors;
	p->stats.held += d->held;
}

/* ---- host namespaces ------------------------------------------------ */

/* push: tell the hook even when inum was in the set (the kernel side
 * removed it when a syscall made it) */
static void host_set_add(struct pipeline *p, uint32_t inum, bool push)
{
	int r = inum_set_add(&p->host_set, inum);

	if (inum && (r > 0 || (r == 0 && push)) && p->host_set_hook)
		p->host_set_hook(p->host_set_arg, inum, true);
}

static void host_set_del(struct pipeline *p, uint32_t inum)
{
	if (inum_set_del(&p->host_set, inum) && p->host_set_hook)
		p->host_set_hook(p->host_set_arg, inum, false);
}

/* A container's own namespaces (its init's) are never the host's, even
 * when a host process holds them (runc exec, nsenter -t <container>). */
static void host_set_forget(struct pipeline *p, const struct nsw_ns_set *ns)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++)
		if (!p->host_known || p->host.ns.inum[i] != ns->inum[i])
			host_set_del(p, ns->inum[i]);
}

const struct inum_set *pipeline_host_set(const struct pipeline *p)
{
	return &p->host_set;
}

void pipeline_set_host_set_hook(struct pipeline *p,
				void (*fn)(void *arg, uint32_t inum, bool added),
				void *arg)
{
	p->host_set_hook = fn;
	p->host_set_arg = arg;
}

void pipeline_set_stats_hook(struct pipeline *p,
			     void (*fn)(void *arg, const struct nsw_stats *st),
			     void *arg)
{
	p->stats_hook = fn;
	p->stats_arg = arg;
}

void pipeline_set_exposure(struct pipeline *p,
			   const struct exposure_report *(*fn)(void *arg,
						const struct nsw_process *pr),
			   void *arg, uint32_t only)
{
	p->exposure_fn = fn;
	p->exposure_arg = arg;
	p->exposure_only = only;
}

/* ---- process resolution -------------------------------------------- */

/* Device and inode of /proc/<pid>/root; false when it cannot be read. */
static bool root_dev_of(struct pipeline *p, uint32_t pid, uint32_t *major,
			uint32_t *minor, uint64_t *ino)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s/%u/root", p->opts.procfs, pid);
	if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) < 0)
		return false;
	*major = major(st.st_dev);
	*minor = minor(st.st_dev);
	*ino = st.st_ino;
	return true;
}

/*
 * Note the device of the container's root file system, once, while its
 * init can be read: each overlay root has a device of its own, which the
 * audit record of an exec names (container_by_exe).  A root on the host's
 * root file system (a copied rootfs, a privileged container started on
 * "/") names no container and is not kept.
 */
static void note_root_dev(struct pipeline *p, struct nsw_container *c)
{
	uint32_t maj, min;
	uint64_t ino;

	if (c->root_dev_read || !c->init_pid || !p->live)
		return;
	c->root_dev_read = true;
	if (!root_dev_of(p, c->init_pid, &maj, &min, &ino) ||
	    (p->host_root_known && maj == p->host_root_major &&
	     min == p->host_root_minor))
		return;
	c->root_dev_major = maj;
	c->root_dev_minor = min;
	c->root_dev_known = true;
}

static struct nsw_container *container_for(struct pipeline *p,
					   const struct cgroup_attr *cg)
{
	struct nsw_container *c;

	if (cg->kind != CGROUP_CONTAINER)
		return NULL;
	c = container_cache_get(p->cc, cg);
	if (c && !c->has_ns && c->init_pid && p->live &&
	    nsinfo_read_pid(p->opts.procfs, c->init_pid, &c->init_ns) == 0) {
		c->has_ns = true;
		host_set_forget(p, &c->init_ns);
	}
	if (c && !c->root_dev_known && p->mw) {
		struct mountwatch_entry *e = mountwatch_by_id(p->mw, c->id);

		/* the device its runtime mounted its root file system on,
		 * known before its init could be read */
		if (e) {
			c->root_dev_major = e->major;
			c->root_dev_minor = e->minor;
			c->root_dev_known = true;
		}
	}
	if (c)
		note_root_dev(p, c);
	return c;
}

/*
 * A container first looked up while its runtime was still creating it
 * (runc's init is in its cgroup before state.json is written; the init's
 * pid file comes after the state file) has no pod, names, image or init
 * namespaces yet, and the "before" namespaces of its processes would
 * fall back to their parent's (runc's: the host's).  Processes and the
 * cgroup-id cache keep their container without looking it up again, so
 * every event of one completes it here: the cache reads its state again
 * (rate-limited and bounded there) and fills it in place, then the
 * init's namespaces are read.
 */
static void container_complete(struct pipeline *p, struct nsw_container *c)
{
	if (!c || c->has_ns || !p->live)
		return;
	container_cache_refresh(p->cc, c);
	if (c->init_pid &&
	    nsinfo_read_pid(p->opts.procfs, c->init_pid, &c->init_ns) == 0) {
		c->has_ns = true;
		host_set_forget(p, &c->init_ns);
	}
	note_root_dev(p, c);
}

/* Something of the container was read from its runtime's state. */
static bool has_state(const struct nsw_container *c)
{
	return c && (c->init_pid || c->name[0] || c->pod_name[0] ||
		     c->image[0]);
}

/*
 * The container whose root file system mount `e` is, referenced: the
 * cache's, or the one looked up when it was mounted when that one found
 * the runtime's state and the cache's no longer does (`run --rm`: the
 * state is gone before a late record is read).
 */
static struct nsw_container *container_of_mount(struct pipeline *p,
						struct mountwatch_entry *e)
{
	struct nsw_container *c, *held = e->user;
	struct cgroup_attr cg;

	memset(&cg, 0, sizeof(cg));
	cg.kind = CGROUP_CONTAINER;
	nsw_strlcpy(cg.id, e->id, sizeof(cg.id));
	nsw_strlcpy(cg.runtime, e->runtime, sizeof(cg.runtime));
	c = container_for(p, &cg);
	if (held && held != c && has_state(held) && !has_state(c)) {
		container_put(c);
		container_get(held);
		return held;
	}
	return c;
}

/* a root file system's container is looked up again for this long
 * after the mount, until its init's pid is known */
#define MOUNT_HOLD_MS 10000
/* its state looked for at most this often until found */
#define MOUNT_TRY_MS 20

/*
 * Keep the container of each root file system mounted, looked up as
 * soon as it is mounted and again (each tick, the cache reads the state
 * at most every 100 ms) until its runtime wrote its init's pid (podman
 * writes the state after mounting), for MOUNT_HOLD_MS.  One mounted
 * before nswatch started is looked up once.
 */
static void mount_hold(struct mountwatch_entry *e, void *arg)
{
	struct pipeline *p = arg;
	struct nsw_container *held = e->user, *c;

	uint64_t now = nsw_clock_ms(CLOCK_REALTIME);

	if (e->until_ms ||
	    (held && (held->init_pid || !e->since_ms ||
		      now > e->since_ms + MOUNT_HOLD_MS)))
		return;
	/* not into the cache before its runtime wrote its state: a cached
	 * container without state is read again only after a while, and
	 * its first process's exec would be written without its names */
	if (!held) {
		struct nsw_container probe;
		struct cgroup_attr cg;
		int found;

		/* one mounted before we started: once */
		if (now < e->tried_ms + MOUNT_TRY_MS ||
		    (!e->since_ms && e->tried_ms) ||
		    (e->since_ms && now > e->since_ms + MOUNT_HOLD_MS))
			return;
		e->tried_ms = now;
		memset(&cg, 0, sizeof(cg));
		memset(&probe, 0, sizeof(probe));
		cg.kind = CGROUP_CONTAINER;
		nsw_strlcpy(cg.id, e->id, sizeof(cg.id));
		nsw_strlcpy(cg.runtime, e->runtime, sizeof(cg.runtime));
		found = container_meta_lookup(p->opts.rootfs, &cg, &probe);
		container_meta_clear(&probe);
		if (found < 0)
			return;
	}
	c = container_of_mount(p, e);
	if (c == held) {
		container_put(c);
		return;
	}
	container_put(held);
	e->user = c;
}

static void mount_release(void *user)
{
	container_put(user);
}

int pipeline_mount_fd(struct pipeline *p)
{
	char path[PATH_MAX];
	int n;

	if (!p->live)
		return -1;
	if (p->mw_tried)
		return mountwatch_fd(p->mw);
	p->mw_tried = true;
	/* the host's mount table: the reference process's */
	if (p->host_known)
		n = snprintf(path, sizeof(path), "%s/%d/mountinfo",
			     p->opts.procfs, (int)p->host.ref_pid);
	else
		n = snprintf(path, sizeof(path), "%s/self/mountinfo",
			     p->opts.procfs);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	p->mw = mountwatch_new(path, p->opts.rootfs);
	if (!p->mw) {
		log_warn("cannot watch the mount table %s: %s (containers of"
			 " processes gone before /proc is read are found"
			 " only while cached)", path, strerror(errno));
		return -1;
	}
	mountwatch_set_release(p->mw, mount_release);
	pipeline_mount_changed(p);
	return mountwatch_fd(p->mw);
}

void pipeline_mount_changed(struct pipeline *p)
{
	int r;

	if (!p->mw)
		return;
	r = mountwatch_refresh(p->mw, nsw_clock_ms(CLOCK_REALTIME));
	if (r < 0) {
		log_warn("reading the mount table: %s", strerror(-r));
		return;
	}
	mountwatch_foreach(p->mw, mount_hold, p);
	if (r > 0)
		p->mw_hold_until = nsw_clock_ms(CLOCK_REALTIME) + MOUNT_HOLD_MS;
	if (mountwatch_dropped(p->mw) != p->mw_dropped) {
		p->mw_dropped = mountwatch_dropped(p->mw);
		log_warn("%llu container root file systems did not fit in"
			 " the table of %d", (unsigned long long)p->mw_dropped,
			 MOUNTWATCH_MAX);
	}
}

/*
 * The container a cgroup read from /proc names, checked against the
 * namespaces read with it (doc/container-mapping.md R19).  A cgroup read
 * late (audit hands an exec over after the fact) is where the process is
 * now, and a process can have made a sub-cgroup of its own named after
 * another container and moved into it in between (deepest id wins).  Its
 * mount namespace cannot be made another container's: when it is not
 * the claimed container's init's, the cgroup is no evidence, and the
 * container is, in order, an enclosing one (outer id) whose init shares
 * it, the one cached container whose init shares it and the process's
 * own pid namespace (which, unlike the mount namespace, cannot be
 * joined) when the claimed one's init does not, the nearest
 * enclosing one (the process cannot leave that container's cgroup; what
 * it made below it names nothing), else the claimed one (a process in
 * the host mount namespace in a container's own cgroup is runc's init
 * before it joins the container, R18).  Referenced for the caller.
 */
static struct nsw_container *container_checked(struct pipeline *p,
					       const struct cgroup_attr *cg,
					       const struct nsw_ns_set *ns,
					       bool ns_known)
{
	struct nsw_container *c = container_for(p, cg), *o, *nearest = NULL;
	struct cgroup_attr ocg;
	uint32_t mnt = ns_known ? ns->inum[NSW_NS_MNT] : 0;
	int i;

	if (!c || !mnt || !p->live)
		return c;
	container_complete(p, c);
	if (!c->has_ns || c->init_ns.inum[NSW_NS_MNT] == mnt)
		return c;
	for (i = cg->n_outer - 1; i >= 0; i--) {
		memset(&ocg, 0, sizeof(ocg));
		ocg.kind = CGROUP_CONTAINER;
		if (!nsw_strlcpy(ocg.id, cg->outer_ids[i], sizeof(ocg.id)))
			continue;
		o = container_for(p, &ocg);
		if (!o)
			continue;
		container_complete(p, o);
		if (o->has_ns && o->init_ns.inum[NSW_NS_MNT] == mnt) {
			container_put(nearest);
			container_put(c);
			return o;
		}
		if (!nearest)
			nearest = o;
		else
			container_put(o);
	}
	o = container_cache_by_mnt(p->cc, mnt);
	/* a mount namespace can be joined (nsenter -m into another pod's),
	 * a process's own pid namespace never changes: the mount
	 * namespace's container is taken only when the process is in its
	 * init's pid namespace and not in the claimed one's (both hostPID:
	 * the cgroup claim stands) */
	if (o && (!ns->inum[NSW_NS_PID] || !o->has_ns ||
		  o->init_ns.inum[NSW_NS_PID] != ns->inum[NSW_NS_PID] ||
		  c->init_ns.inum[NSW_NS_PID] == ns->inum[NSW_NS_PID])) {
		container_put(o);
		o = NULL;
	}
	if (o) {
		container_put(nearest);
		container_put(c);
		return o;
	}
	if (nearest) {
		container_put(c);
		return nearest;
	}
	return c;
}

/*
 * Container of a process that exec'd a file from that container's root
 * file system (the exec record's device), or NULL.  For a process gone
 * before /proc could be read (audit reports after the fact; a static
 * program run by `runc exec` may be gone before auditd hands the record
 * over), when its cgroup is lost and its parent is the runtime on the
 * host.  Referenced for the caller.
 */
static struct nsw_container *container_by_exe(struct pipeline *p,
					      const struct nsw_raw *r,
					      uint64_t wall_ns)
{
	struct mountwatch_entry *e;

	if (!r->exe_dev_known)
		return NULL;
	if (p->mw) {
		int rc = mountwatch_lookup(p->mw, r->exe_dev_major,
					   r->exe_dev_minor,
					   wall_ns / 1000000, &e);

		if (rc == 1)
			return container_of_mount(p, e);
		/* the device was another container's at that time, or
		 * two containers' (a reused device): none */
		if (rc < 0)
			return NULL;
	}
	return container_cache_by_root_dev(p->cc, r->exe_dev_major,
					   r->exe_dev_minor);
}

/*
 * Container of a gone process by its SELinux label (audit's subj=): on
 * hosts that label containers (RHEL: container_t with categories per
 * container or pod, from the runtime's process label), the level names
 * it.  A container process cannot give itself another container's
 * categories; a host process's level is a range or has none, which names
 * no container.  Referenced for the caller.
 */
static struct nsw_container *container_by_selinux(struct pipeline *p,
						  const struct nsw_raw *r)
{
	return container_cache_by_selinux(p->cc, r->selinux_level);
}

/* Container with runtime state named by one runtime argument: an id of
 * [A-Za-z0-9_.-] starting with a letter or digit (never a path, an
 * option or a quoted argument), referenced, or NULL. */
static struct nsw_container *runtime_arg_container(struct pipeline *p,
						   const char *s, size_t n)
{
	struct cgroup_attr cg;
	size_t i;

	if (!n || n >= sizeof(cg.id) || !isalnum((unsigned char)s[0]))
		return NULL;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return NULL;
	memset(&cg, 0, sizeof(cg));
	cg.kind = CGROUP_CONTAINER;
	memcpy(cg.id, s, n);
	cg.id[n] = '\0';
	return container_cache_get_stateful(p->cc, &cg);
}

/*
 * Container of a gone process that an OCI runtime on the host started
 * (`runc exec ID`, `crun exec`, `runc create` for a container's init: the
 * runtime's child becomes the container's process, and audit's ppid is
 * the runtime's), from the runtime's own command line: the first
 * positional argument after the subcommand (options that take a value
 * skipped), when it names a container whose runtime state is on disk.
 * The parent must be a host process running the runtime; what the exec's
 * caller chose (`runc exec ID cmd args`) comes after the id and is never
 * looked at.  Referenced for the caller.
 */
static struct nsw_container *container_by_runtime_parent(
	struct pipeline *p, const struct nsw_process *par)
{
	static const char *const runtimes[] = { "runc", "crun", "youki" };
	static const char *const subcmds[] = { "exec", "create", "run" };
	/* the runtimes' options that take the next argument as value */
	static const char *const valued[] = {
		"--root", "--log", "--log-format", "--criu", "--rootless",
		"--pid-file", "--process", "-p", "--console-socket", "--cwd",
		"--env", "-e", "--user", "-u", "--additional-gids", "-g",
		"--process-label", "--apparmor", "--cap", "-c",
		"--preserve-fds", "--cgroup", "--bundle", "-b",
	};
	const char *b, *s, *e;
	bool sub = false, value = false;
	size_t i, n;

	if (!par || par->ctr || par->foreign_exe || !par->binary ||
	    !par->arguments)
		return NULL;
	b = strrchr(par->binary, '/');
	b = b ? b + 1 : par->binary;
	for (i = 0; i < ARRAY_SIZE(runtimes) && strcmp(b, runtimes[i]); i++)
		;
	if (i == ARRAY_SIZE(runtimes))
		return NULL;
	for (s = par->arguments; *s; s = *e ? e + 1 : e) {
		e = strchr(s, ' ');
		if (!e)
			e = s + strlen(s);
		n = (size_t)(e - s);
		if (value) {
			value = false;
			continue;
		}
		if (*s == '-') {
			for (i = 0; i < ARRAY_SIZE(valued); i++)
				value |= strlen(valued[i]) == n &&
					 !memcmp(s, valued[i], n);
			continue;
		}
		if (sub)	/* the first positional argument: the id */
			return runtime_arg_container(p, s, n);
		for (i = 0; i < ARRAY_SIZE(subcmds); i++)
			sub |= strlen(subcmds[i]) == n &&
			       !memcmp(s, subcmds[i], n);
		if (!sub)
			return NULL;	/* another subcommand */
	}
	return NULL;
}

/*
 * cgroup id -> container, so that a process whose facts all came from the
 * kernel costs one /proc read per cgroup, not one per exec.  Entries hold
 * a container reference; a full table is simply cleared.
 */

static struct cgid_slot *cgid_find(struct pipeline *p, uint64_t id, bool *hit)
{
	size_t i, n;

	for (n = 0, i = (id * 0x9e3779b97f4a7c15ull) % CGID_SLOTS;
	     n < CGID_SLOTS; n++, i = (i + 1) % CGID_SLOTS) {
		if (p->cgid[i].id == id) {
			*hit = true;
			return &p->cgid[i];
		}
		if (!p->cgid[i].id) {
			*hit = false;
			return &p->cgid[i];
		}
	}
	return NULL;
}

static void cgid_clear(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < CGID_SLOTS; i++) {
		if (p->cgid[i].ctr)
			container_put(p->cgid[i].ctr);
		p->cgid[i].id = 0;
		p->cgid[i].ctr = NULL;
	}
	p->n_cgid = 0;
}

static struct nsw_container *container_for(struct pipeline *p,
					   const struct cgroup_attr *cg);

/*
 * Container named by the leaf of a cgroup whose member is gone before its
 * /proc/<pid>/cgroup could be read (`ctr run --rm ... true`), referenced,
 * or NULL.  The kernel captured the leaf name with the event: a leaf that
 * is a container id by itself (R4: `<64hex>`, `libpod-<id>.scope`,
 * `cri-containerd-<id>.scope`) names its container; any other leaf names
 * one only when runtime state on disk has a container of that id (ctr's
 * `/<namespace>/<name>`).  A helper's or host unit's leaf names nothing.
 */
static struct nsw_container *container_by_cgname(struct pipeline *p,
						 const struct nsw_bytes *name)
{
	struct cgroup_attr cg;
	char path[CGNAME_MAX + 2];
	size_t i;

	if (!name->p || !name->len || name->len > CGNAME_MAX)
		return NULL;
	for (i = 0; i < name->len; i++)
		if (name->p[i] == '/' || name->p[i] == '\0')
			return NULL;
	path[0] = '/';
	memcpy(path + 1, name->p, name->len);
	path[name->len + 1] = '\0';
	if (container_parse_path(path, &cg) < 0)
		return NULL;
	if (cg.kind == CGROUP_CONTAINER)
		return container_for(p, &cg);
	if (cg.kind != CGROUP_HOST)
		return NULL;
	memset(&cg, 0, sizeof(cg));
	if (!nsw_strlcpy(cg.id, path + 1, sizeof(cg.id)))
		return NULL;
	cg.kind = CGROUP_CONTAINER;
	cg.low_confidence = true;
	return container_cache_get_stateful(p->cc, &cg);
}

/*
 * Does the unified (`0::`) line of a /proc/<pid>/cgroup text end in the
 * leaf the kernel captured with the event?  A process can have moved
 * since (runc's init is forked in the shim's cgroup and moved into the
 * container's): the file then describes another cgroup than the id.
 * True when either side is unknown.
 */
static bool cg_leaf_matches(const char *text, size_t len,
			    const struct nsw_bytes *name)
{
	const char *l = text, *end = text + len, *eol, *leaf;
	size_t n;

	if (!name->p || !name->len)
		return true;
	for (; l < end; l = eol + 1) {
		eol = memchr(l, '\n', (size_t)(end - l));
		if (!eol)
			eol = end;
		if ((size_t)(eol - l) < 3 || memcmp(l, "0::", 3))
			continue;
		n = (size_t)(eol - l) - 3;
		l += 3;
		if (n > 10 && !memcmp(l + n - 10, " (deleted)", 10))
			n -= 10;
		leaf = l + n;
		while (leaf > l && leaf[-1] != '/')
			leaf--;
		n -= (size_t)(leaf - l);
		if (!n)
			return true;	/* the root: its name tells nothing */
		return n == name->len && !memcmp(leaf, name->p, n);
	}
	return true;
}

/* Referenced container of the cgroup `id` (pid is a member, for the first
 * lookup; name is the cgroup's leaf the kernel captured, when the member
 * is gone), or NULL for host cgroups.  *gone: the member was gone and the
 * name did not tell; the caller must not take it for a host process. */
static struct nsw_container *container_by_cgid(struct pipeline *p, uint64_t id,
					       uint32_t pid,
					       const struct nsw_bytes *name,
					       bool *gone)
{
	struct cgroup_attr cg;
	struct cgid_slot *slot;
	struct nsw_container *c;
	size_t len;
	char *text;
	bool hit = false;

	*gone = false;
	slot = cgid_find(p, id, &hit);
	if (hit) {
		if (slot->ctr)
			container_get(slot->ctr);
		return slot->ctr;
	}
	text = procfs_read_file(p->opts.procfs, pid, "cgroup", &len);
	if (text && !cg_leaf_matches(text, len, name)) {
		free(text);
		text = NULL;
	}
	if (!text) {
		c = p->live ? container_by_cgname(p, name) : NULL;
		if (!c) {
			*gone = true;	/* not cached: a later member decides */
			return NULL;
		}
		goto cache;
	}
	if (container_parse_cgroup(text, len, &cg) < 0)
		cg.kind = CGROUP_HOST;
	free(text);
	c = container_for(p, &cg);
cache:
	if (p->n_cgid >= CGID_SLOTS / 2) {
		cgid_clear(p);
		slot = cgid_find(p, id, &hit);
	}
	if (slot) {
		slot->id = id;
		slot->ctr = c;
		if (c)
			container_get(c);
		p->n_cgid++;
	}
	return c;
}

/* The pid inside the container's pid namespace (last NSpid field). */
static uint32_t container_pid_of(struct pipeline *p, uint32_t pid)
{
	struct procfs_status st;
	size_t len;
	char *text = procfs_read_file(p->opts.procfs, pid, "status", &len);
	uint32_t v = 0;

	if (text && procfs_parse_status(text, len, &st) == 0)
		v = st.nspid_inner;
	free(text);
	return v;
}

/*
 * The container of process np, from its history first: a process that was
 * in a container, and every child of one, stays that container's
 * whatever cgroup it moves to.  A process can make a sub-cgroup of its
 * own cgroup and name it like a runtime helper or like another
 * container's id; nesting (DinD, kind) is then indistinguishable from
 * that, so a process started inside a nested container after nswatch
 * saw its outer one is attributed to the outer one.
 * Precedence: prev's container (the process before this exec), then the
 * parent's, then the cgroup read now (cg, or nothing: host).
 * ctr_inherited: an image exec'd in the container is in it; a process
 * seen without its exec (read from /proc) is what its parent is, so the
 * clones of runc's init stay host arrivals like it.
 */
static void attribute(struct pipeline *p, struct nsw_process *np,
		      const struct nsw_process *par,
		      const struct nsw_process *prev,
		      const struct cgroup_attr *cg, bool exec)
{
	const struct nsw_process *from = prev && prev->ctr ? prev :
					 par && par->ctr ? par : NULL;

	if (from) {
		np->ctr = from->ctr;
		container_get(np->ctr);
		np->ctr_inherited = exec || from->ctr_inherited;
		return;
	}
	np->ctr = cg ? container_checked(p, cg, &np->ns, np->ns_known) : NULL;
	/* first seen in the container: a host arrival when exec'd into it
	 * from a host parent (runc init); read from /proc without its exec,
	 * only when it runs a runtime binary (the container's init, found
	 * at startup, is in the container) */
	np->ctr_inherited = !exec && np->ctr &&
			    !verdict_is_runtime_helper(np->binary);
}

static const struct nsw_process *lookup_parent(struct pipeline *p,
					       uint32_t pid,
					       uint64_t child_ktime);

/* Load a live process from /proc into the cache.  NULL when gone. */
static struct nsw_process *load_live(struct pipeline *p, uint32_t pid)
{
	struct nsw_process np;
	struct cgroup_attr cg;

	if (!p->live || pid == 0)
		return NULL;
	if (procfs_read_process(p->opts.procfs, pid, &np, &cg) < 0)
		return NULL;
	if (np.binary && (!strcmp(np.binary, "/") || np.binary[0] != '/') &&
	    np.ppid) {
		/* the exe of a task that joined another mount namespace
		 * (runc's init) reads "/", or cannot be read at all in the
		 * middle of it (argv[0] or the comm then, "runc:[1:CHILD]"):
		 * a forked child runs its parent's image.  Kernel threads
		 * keep their comm: kthreadd has no path either. */
		struct nsw_process *par = proc_cache_lookup(p->pc, np.ppid);

		if (par && par->binary && par->binary[0] == '/' &&
		    strcmp(par->binary, "/")) {
			free(np.binary);
			np.binary = strdup(par->binary);
			np.flags |= NSW_PF_CLONE;
		}
	}
	attribute(p, &np, np.ppid ? proc_cache_lookup(p->pc, np.ppid) : NULL,
		  NULL, &cg, false);
	/* parent_exec_id: the parent read from /proc too when it is not
	 * known yet (runc's init clones, seen first at their setns); the
	 * nesting is bounded, a deeper chain stays unlinked */
	if (!np.ppid) {
		np.parent_ktime = 1;
	} else if (p->load_depth < MAX_ANCESTORS) {
		const struct nsw_process *par;

		p->load_depth++;
		par = lookup_parent(p, np.ppid, np.ktime);
		p->load_depth--;
		if (par)
			np.parent_ktime = par->ktime;
	}
	return proc_cache_insert(p->pc, &np);
}

static struct nsw_process *lookup(struct pipeline *p, uint32_t pid)
{
	struct nsw_process *pr = proc_cache_lookup(p->pc, pid);

	return pr ? pr : load_live(p, pid);
}

/*
 * An exited process is kept (the last DEAD_SLOTS of them) so that a child
 * whose exec is handled after the parent's exit still links to it, as
 * Tetragon's process cache does.  With audit this is the rule, not a
 * race: `runc run -d` lets the container's init exec and exits at once,
 * the records come late, the exit first, and /proc has neither.
 */
static void remember_dead(struct pipeline *p, const struct nsw_process *pr)
{
	struct nsw_process *slot = &p->dead[p->dead_next];

	proc_release(slot);
	if (proc_copy(slot, pr) < 0)
		memset(slot, 0, sizeof(*slot));
	p->dead_next = (p->dead_next + 1) % DEAD_SLOTS;
}

/* The parent pid of a process started at child_ktime: the live one, else
 * the newest exited process of that pid that started before the child
 * (a pid reused since is live, and found first). */
static const struct nsw_process *lookup_parent(struct pipeline *p,
					       uint32_t pid,
					       uint64_t child_ktime)
{
	const struct nsw_process *pr = lookup(p, pid);
	size_t i, k;

	if (pr || !pid)
		return pr;
	for (i = 0; i < DEAD_SLOTS; i++) {
		k = (p->dead_next + DEAD_SLOTS - 1 - i) % DEAD_SLOTS;
		if (p->dead[k].pid == pid &&
		    (!child_ktime || p->dead[k].ktime <= child_ktime))
			return &p->dead[k];
	}
	return NULL;
}

/* Parent's exec ktime for parent_exec_id. */
static void link_parent(struct pipeline *p, struct nsw_process *pr)
{
	const struct nsw_process *par;

	if (!pr->ppid) {
		/* PID 1 and kthreadd: Tetragon's "<node>:1:0" */
		pr->parent_ktime = 1;
		return;
	}
	par = lookup_parent(p, pr->ppid, pr->ktime);
	if (par)
		pr->parent_ktime = par->ktime;
}

static bool in_init_tree(struct pipeline *p, const struct nsw_process *pr)
{
	const struct nsw_process *cur = pr;
	int depth;

	if (!pr->ctr || !pr->ctr->init_pid)
		return false;
	for (depth = 0; cur && depth < MAX_ANCESTORS; depth++) {
		if (cur->pid == pr->ctr->init_pid)
			return true;
		if (cur->ctr != pr->ctr || cur->ppid == 0)
			return false;
		cur = proc_cache_lookup(p->pc, cur->ppid);
	}
	return false;
}

/* Fill parent and ancestors (nearest first, ending at PID 1 or 2). */
static void family(struct pipeline *p, struct nsw_event *ev,
		   const struct nsw_process **anc)
{
	const struct nsw_process *cur;
	size_t n = 0;

	ev->parent = NULL;
	ev->ancestors = anc;
	ev->n_ancestors = 0;
	if (!ev->proc->ppid)
		return;
	ev->parent = lookup_parent(p, ev->proc->ppid, ev->proc->ktime);
	cur = ev->parent;
	while (cur && cur->pid > 2 && cur->ppid && n < MAX_ANCESTORS) {
		const struct nsw_process *next = lookup_parent(p, cur->ppid,
							       cur->ktime);

		if (!next || next == ev->proc)
			break;
		anc[n++] = next;
		cur = next;
	}
	ev->n_ancestors = n;
}

/* ---- output ---------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static bool filtered_out(struct pipeline *p, const struct nsw_event *ev)
{
	const struct nsw_options *o = &p->opts;
	const struct nsw_container *c = ev->proc->ctr;

	uint32_t types = o->f_event_types;
	bool alerts_only = o->f_alerts_only;

	if (!types && p->policy)
		types = p->policy->emit_types;
	if (p->policy && p->policy->emit_alerts_only)
		alerts_only = true;
	/* aggregates stand for namespace calls: shown with kprobes */
	if (types && !(types & (1u << (ev->type == NSW_EV_THROTTLE ?
					NSW_EV_KPROBE : ev->type))))
		return true;
	if (alerts_only && !ev->n_alerts)
		return true;
	if (o->f_host_only && c)
		return true;
	if (o->f_containers_only && !c)
		return true;
	if (o->f_pod && (!c || !str_eq(c->pod_name, o->f_pod)))
		return true;
	if (o->f_namespace && (!c || !str_eq(c->pod_namespace, o->f_namespace)))
		return true;
	if (o->f_container && (!c || (strncmp(c->id, o->f_container,
					      strlen(o->f_container)) &&
				      !str_eq(c->name, o->f_container))))
		return true;
	return false;
}

/* Printable copy of untrusted bytes for the human table. */
static void add_printable(struct strbuf *sb, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		strbuf_addc(sb, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
}

/* `nswatch ps` without --json: one aligned row per process. */
static int table_row(struct strbuf *sb, const struct nsw_event *ev,
		     bool exposure_col)
{
	const struct nsw_process *pr = ev->proc;
	const struct nsw_container *c = pr->ctr;
	char pod[320] = "-";
	int i;

	if (c && c->pod_name[0])
		snprintf(pod, sizeof(pod), "%s/%s", c->pod_namespace,
			 c->pod_name);
	strbuf_addf(sb, "%7u %7u %-12.12s %-30.30s ", pr->pid, pr->ppid,
		    c ? c->id : "-", pod);
	if (exposure_col && c) {
		/* one column per flag: its letter, or '.'; '?' unread */
		const struct exposure_report *x = ev->exposure;
		uint32_t f = x ? exposure_flags(x) : 0;
		bool known = x && (x->kernel_read || x->config_read);

		for (i = 0; i < NSW_EXP_COUNT; i++)
			strbuf_addc(sb, !known ? '?' : f & NSW_EXP_BIT(i) ?
				    exposure_letter((enum nsw_exposure)i) :
				    '.');
		strbuf_addc(sb, ' ');
	} else if (exposure_col) {
		strbuf_addf(sb, "%-*s ", (int)NSW_EXP_COUNT, "-");
	}
	add_printable(sb, pr->binary ? pr->binary : "?", 200);
	if (pr->arguments && pr->arguments[0]) {
		strbuf_addc(sb, ' ');
		add_printable(sb, pr->arguments, 200);
	}
	for (i = 0; i < ev->n_alerts; i++)
		strbuf_addf(sb, "  [%s]", nsw_rule_id(ev->alerts[i].rule));
	return strbuf_addc(sb, '\n');
}

static int emit(struct pipeline *p, struct nsw_event *ev)
{
	int i, r;

	if (p->policy)
		policy_apply(p->policy, ev);
	if (filtered_out(p, ev)) {
		p->stats.filtered++;
		return 0;
	}
	strbuf_reset(&p->sb);
	if (p->opts.format == NSW_FMT_TABLE)
		r = table_row(&p->sb, ev, p->exposure_fn != NULL);
	else if (p->opts.format == NSW_FMT_COMPACT)
		r = encode_compact_event(&p->sb, &p->ectx, ev, p->color);
	else
		r = encode_json_event(&p->sb, &p->ectx, ev);
	if (r < 0) {
		p->encode_errors++;
		log_ratelimited(LOG_LVL_ERR, "encode",
				"cannot encode event of pid %u: %s",
				ev->proc->pid, strerror(-r));
		return r;
	}
	p->stats.events[ev->type]++;
	for (i = 0; i < ev->n_alerts; i++)
		p->stats.alerts[ev->alerts[i].rule]++;
	if (!p->out)
		return 0;
	/* a stalled output loses routine lines before alerts */
	if (ev->n_alerts)
		return output_write_important(p->out, p->sb.buf, p->sb.len);
	return output_write(p->out, p->sb.buf, p->sb.len);
}

static void event_init(struct pipeline *p, struct nsw_event *ev,
		       enum nsw_event_type type, const struct nsw_process *pr,
		       uint64_t time_ns)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->proc = pr;
	ev->time_ns = time_ns ? time_ns : nsw_clock_ns(CLOCK_REALTIME);
	ev->backend = p->backend;
	ev->container_process = pr->ctr != NULL || pr->foreign_exe;
	/* a first exec into a container a few ms old may have found no
	 * state yet: its line must carry the pod all the same */
	container_complete(p, pr->ctr);
}

/* ---- raw event handlers ---------------------------------------------- */

static void times_of(struct pipeline *p, const struct nsw_raw *r,
		     uint64_t *ktime, uint64_t *wall)
{
	uint64_t boot = procfs_boot_wall_ns();

	*ktime = r->ktime_ns;
	*wall = r->wall_ns;
	if (!*wall && *ktime)
		*wall = p->live ? boot + *ktime : *ktime;
	if (!*ktime && *wall)
		/* replay: no boot time known; the wall time stands in */
		*ktime = p->live && *wall > boot ? *wall - boot : *wall;
	if (!*wall) {
		*wall = nsw_clock_ns(CLOCK_REALTIME);
		*ktime = *wall - boot;
	}
}

/*
 * The time in a process's exec_id: the task's start as the kernel keeps
 * it (start_boottime, in the clock ticks of /proc/<pid>/stat), so that
 * every monitor, a restart and a /proc read give one process one id.
 * eBPF records carry it; audit's do not, and the process is read from
 * /proc (`live`) when it still runs.  A live start later than the event
 * (its pid was taken again) is another process's.  Otherwise the event's
 * own time stands in, which only this monitor knows.
 */
#define ID_START_SLACK_NS (50 * 1000 * 1000ull)	/* audit's coarse clock */

static uint64_t id_time(const struct nsw_raw *r,
			const struct nsw_process *live, uint64_t ktime)
{
	if (r->start_ns)
		return procfs_start_id_ns(r->start_ns);
	if (live && live->ktime && live->ktime <= ktime + ID_START_SLACK_NS)
		return live->ktime;
	return ktime;
}

static char *bytes_dup(const struct nsw_bytes *b)
{
	return b->p ? strndup(b->p, b->len) : NULL;
}

/* Minimal process for a pid we never saw and cannot read (replay, or
 * gone): what the raw event says, plus its parent's container. */
static struct nsw_process *synthesize(struct pipeline *p,
				      const struct nsw_raw *r, uint64_t ktime,
				      uint64_t wall)
{
	struct nsw_process np;
	struct nsw_process *par = r->ppid ? lookup(p, r->ppid) : NULL;

	memset(&np, 0, sizeof(np));
	np.pid = r->pid;
	np.tid = r->pid;
	np.ppid = r->ppid;
	np.uid = r->creds_known ? r->euid : 0;
	np.auid = r->creds_known ? r->auid : NSW_AUID_UNSET;
	np.ktime = id_time(r, NULL, ktime);
	np.start_time_ns = wall;
	np.flags = NSW_PF_MISS;
	/* audit's exe= of a child that joined another mount namespace reads
	 * "/" (runc's init): a forked child runs its parent's image */
	if (r->binary.p && r->binary.len > 1 && r->binary.p[0] == '/')
		np.binary = bytes_dup(&r->binary);
	else if (par && par->binary) {
		np.binary = strdup(par->binary);
		np.arguments = par->arguments ? strdup(par->arguments) : NULL;
		np.cwd = par->cwd ? strdup(par->cwd) : NULL;
		np.flags |= NSW_PF_CLONE;
	} else if (r->comm.p)
		np.binary = bytes_dup(&r->comm);
	if (par) {
		np.parent_ktime = par->ktime;
		np.ctr = par->ctr;
		if (np.ctr)
			container_get(np.ctr);
		np.ctr_inherited = par->ctr_inherited;
		np.ns = par->ns;
		np.ns_known = par->ns_known;
	}
	p->stats.proc_misses++;
	return proc_cache_insert(p->pc, &np);
}

static struct nsw_process *acting_process(struct pipeline *p,
					  const struct nsw_raw *r,
					  uint64_t ktime, uint64_t wall)
{
	struct nsw_process *pr = lookup(p, r->pid);

	if (!pr)
		pr = synthesize(p, r, ktime, wall);
	if (pr && r->creds_known) {
		pr->uid = r->euid;
		pr->auid = r->auid;
	}
	return pr;
}

static const char *effective_argv0(const struct nsw_raw *r, char *buf,
				   size_t len)
{
	/* the kernel read all of argv[0]; the record holds its first
	 * NSW_BPF_ARGS_MAX bytes only */
	if (r->nsenter_name)
		return "nsenter";
	return verdict_applet_name(r->argv, r->argc, buf, len);
}

/* exec of /proc/self/exe (busybox re-exec, runc init) or of a /dev/fd
 * descriptor (fexecve): the path names no file; /proc/<pid>/exe does. */
static bool is_indirect_path(const struct nsw_bytes *b)
{
	return (b->len >= 6 && !memcmp(b->p, "/proc/", 6)) ||
	       (b->len >= 8 && !memcmp(b->p, "/dev/fd/", 8));
}

/*
 * The runtime-helper exemption: a runtime or CNI binary (by name) that
 * arrived in its container from the host, as runc's init and CNI plugins
 * do.  A process that was already in the container never has it: names
 * are chosen by whoever controls the container's filesystem.
 */
static bool runtime_exempt(const struct nsw_process *pr)
{
	return pr->ctr && !pr->ctr_inherited &&
	       verdict_is_runtime_helper(pr->binary);
}

/* ---- exec: the facts ----------------------------------------------------
 *
 * The process an exec makes is put together from three sources:
 *   raw   what the backend captured at the exec (eBPF: all of it; audit:
 *         the image, arguments, cwd and credentials)
 *   live  /proc/<pid> read now, only when the raw event lacks something;
 *         it may already show a later image, or nothing (gone)
 *   prev  the cache's entry of this pid: the process before the exec
 * Which source wins depends on the field (first that has it):
 *
 *   field               precedence                  why
 *   ppid, uid, auid     raw, live, prev             the kernel's at the exec
 *   binary              raw, live, prev for "/"     a /proc/self/exe or
 *                                                   /dev/fd path names no
 *                                                   file: live's exe does
 *   arguments, cwd      raw, live                   -
 *   capabilities        raw, live                   -
 *   namespaces          raw, prev, live             exec keeps them: the
 *                                                   state before it beats a
 *                                                   late /proc read
 *   container_pid       live, prev                  re-read after attribution
 *                                                   when /proc was skipped
 *   clone flag          prev                        the image came by fork
 *   exec_id time        raw, live, the event's      the kernel's start time
 *                                                   (id_time)
 */
struct exec_src {
	const struct nsw_raw *r;
	const struct nsw_process *live;	/* NULL: not read, or gone */
	const struct nsw_process *prev;	/* NULL: not seen before */
};

/* ppid, uid, auid: raw, live, prev */
static void exec_ids(struct nsw_process *np, const struct exec_src *s)
{
	const struct nsw_raw *r = s->r;

	np->ppid = r->ppid ? r->ppid : s->live ? s->live->ppid :
		   s->prev ? s->prev->ppid : 0;
	np->uid = r->creds_known ? r->euid : s->live ? s->live->uid :
		  s->prev ? s->prev->uid : 0;
	np->auid = r->creds_known ? r->auid : s->live ? s->live->auid :
		   s->prev ? s->prev->auid : NSW_AUID_UNSET;
}

/* binary: raw unless it names no file and live's exe is known, then live;
 * "/" (audit's exe= of runc's sealed re-exec) keeps prev's image */
static void exec_binary(struct nsw_process *np, const struct exec_src *s)
{
	const struct nsw_raw *r = s->r;
	const struct nsw_process *prev = s->prev;
	bool live_exe = s->live && s->live->binary;

	if (r->binary.p && !(live_exe && is_indirect_path(&r->binary)))
		np->binary = bytes_dup(&r->binary);
	else if (live_exe)
		np->binary = strdup(s->live->binary);
	if (np->binary && !strcmp(np->binary, "/") && prev && prev->binary &&
	    prev->binary[0] == '/' && prev->binary[1]) {
		/* runc's init re-executes a sealed copy of itself with
		 * execveat(fd, "", AT_EMPTY_PATH) after joining the
		 * container's mount namespace: audit's exe= then reads "/",
		 * no file.  It is still the image it was. */
		free(np->binary);
		np->binary = strdup(prev->binary);
	}
}

/* arguments and cwd: raw, live */
static void exec_args_cwd(struct nsw_process *np, const struct exec_src *s)
{
	const struct nsw_raw *r = s->r;

	if (r->argc > 0) {
		bool cut;

		np->arguments = procfs_join_args(r->argv, r->argc, 1, &cut);
		if (cut)
			np->flags |= NSW_PF_TRUNC_ARGS;
	} else if (s->live && s->live->arguments) {
		np->arguments = strdup(s->live->arguments);
	}
	if (r->cwd.p)
		np->cwd = bytes_dup(&r->cwd);
	else if (s->live && s->live->cwd)
		np->cwd = strdup(s->live->cwd);
	if (!np->cwd)
		np->flags |= NSW_PF_NOCWD;
	else if (!strcmp(np->cwd, "/"))
		np->flags |= NSW_PF_ROOTCWD;
}

/* capabilities: raw, live; namespaces: raw, prev, live;
 * container_pid: live, prev */
static void exec_state(struct nsw_process *np, const struct exec_src *s)
{
	const struct nsw_raw *r = s->r;

	if (r->caps_known) {
		np->caps_known = true;
		np->cap_permitted = r->cap_permitted;
		np->cap_effective = r->cap_effective;
	} else if (s->live) {
		np->caps_known = s->live->caps_known;
		np->cap_permitted = s->live->cap_permitted;
		np->cap_effective = s->live->cap_effective;
	}
	if (r->ns_after_known) {
		np->ns = r->ns_after;
		np->ns_known = true;
	} else if (s->prev && s->prev->ns_known) {
		np->ns = s->prev->ns;
		np->ns_known = true;
	} else if (s->live) {
		np->ns = s->live->ns;
		np->ns_known = s->live->ns_known;
	}
	np->container_pid = s->live ? s->live->container_pid :
			    s->prev ? s->prev->container_pid : 0;
}

/* Everything but the container, by the table above. */
static void exec_facts(struct nsw_process *np, const struct exec_src *s,
		       uint64_t ktime, uint64_t wall)
{
	memset(np, 0, sizeof(*np));
	np->pid = s->r->pid;
	np->tid = s->r->pid;
	np->ktime = id_time(s->r, s->live, ktime);
	np->start_time_ns = wall;
	np->flags = NSW_PF_EXECVE;
	if (s->prev && (s->prev->flags & NSW_PF_CLONE))
		np->flags |= NSW_PF_CLONE;
	if (s->r->args_truncated)
		np->flags |= NSW_PF_TRUNC_ARGS;
	exec_ids(np, s);
	exec_binary(np, s);
	exec_args_cwd(np, s);
	exec_state(np, s);
}

/*
 * Whether the file an exec opened (audit: PATH item 0's device and inode,
 * exe= its path) is not the host's file at that path: it was exec'd in
 * another mount namespace.  Live only (the host's file system is read
 * now); an exec that names no file (runc's sealed copy: "/", memfd,
 * /proc/self/exe) or a path that cannot be looked up tells nothing.
 * The path is the process's; only its root can be the host's.
 */
static bool exe_not_hosts(const struct pipeline *p, const struct nsw_raw *r)
{
	char path[PATH_MAX];

	if (!p->live || !p->host_known || !r->exe_dev_known || !r->binary.p ||
	    r->binary.len < 2 || r->binary.len >= sizeof(path) ||
	    r->binary.p[0] != '/' || is_indirect_path(&r->binary) ||
	    memchr(r->binary.p, '\0', r->binary.len))
		return false;
	memcpy(path, r->binary.p, r->binary.len);
	path[r->binary.len] = '\0';
	if (strstr(path, " (deleted)") || !strncmp(path, "/memfd:", 7))
		return false;
	return procfs_host_file_is(p->opts.procfs, p->host.ref_pid, path,
				   r->exe_dev_major, r->exe_dev_minor,
				   r->exe_ino) == 0;
}

/*
 * The container of an exec'd process, first that names one:
 *   1. its old image's or its parent's container (attribute())
 *   2. eBPF with everything captured: the cgroup id (cached per cgroup),
 *      or the captured cgroup name when the process is gone already
 *   3. the cgroup read from /proc, after the command line of the host
 *      runtime that started it (R20)
 *   4. gone and unread: the file it exec'd, then its SELinux level, then
 *      the command line of the host runtime that started it (R17, R20)
 * then whether it arrived from the host (ctr_inherited false) and its pid
 * inside the container when /proc was skipped.
 */
static void exec_container(struct pipeline *p, struct nsw_process *np,
			   const struct nsw_raw *r,
			   const struct nsw_process *live,
			   const struct cgroup_attr *cg, bool complete)
{
	bool have_live = live != NULL;
	const struct nsw_process *prev, *par;

	/* the parent may be read from /proc here, which can evict entries:
	 * prev is looked up after it */
	par = np->ppid ? lookup(p, np->ppid) : NULL;
	prev = proc_cache_lookup(p->pc, r->pid);
	if ((prev && prev->ctr) || (par && par->ctr)) {
		attribute(p, np, par, prev, NULL, true);
		/* a host arrival exec'ing again in the host mount namespace
		 * (runc's init re-executing a sealed copy of itself before
		 * it joins the container) runs a file of the host's: it is
		 * still a host arrival */
		if (prev && prev->ctr && !prev->ctr_inherited &&
		    np->ns_known && p->host_known &&
		    p->host.ns.inum[NSW_NS_MNT] &&
		    np->ns.inum[NSW_NS_MNT] == p->host.ns.inum[NSW_NS_MNT])
			np->ctr_inherited = false;
	} else if (complete && p->live) {
		bool gone;

		/* gone: exited already; the cgroup's name may still say */
		np->ctr = container_by_cgid(p, r->cgroup_id, r->pid,
					    &r->cgroup_name, &gone);
	} else if (have_live && cg->kind != CGROUP_HOST) {
		/* read late: the host runtime that started it names its
		 * container (R20), which the process cannot change; else
		 * the namespaces read with the cgroup must agree (R19) */
		np->ctr = container_by_runtime_parent(p, par);
		if (!np->ctr)
			np->ctr = container_checked(p, cg, &live->ns,
						    live->ns_known);
	}
	if (!np->ctr && !have_live)
		/* gone, and neither its old image nor its parent was in a
		 * container: the file it exec'd may say where it ran */
		np->ctr = container_by_exe(p, r, np->start_time_ns);
	if (!np->ctr && !have_live)
		np->ctr = container_by_selinux(p, r);
	if (!np->ctr && !have_live)
		np->ctr = container_by_runtime_parent(p, par);
	if (np->ctr && complete && p->live)
		np->container_pid = container_pid_of(p, r->pid);
	/* first seen in a container from a host process: a host arrival
	 * (runc's init) unless the kernel saw it exec outside the host
	 * mount namespace (an image's entrypoint after pivot_root) */
	if (np->ctr && !np->ctr_inherited && r->ns_after_known &&
	    p->host_known && p->host.ns.inum[NSW_NS_MNT] &&
	    r->ns_after.inum[NSW_NS_MNT] != p->host.ns.inum[NSW_NS_MNT])
		np->ctr_inherited = true;
	/* audit gives no namespaces at exec, but the file's device: one
	 * on the container's own root file system is its image (`kubectl
	 * exec pod -- /tmp/bridge`), never a runtime from the host */
	if (np->ctr && !np->ctr_inherited && r->exe_dev_known &&
	    np->ctr->root_dev_known &&
	    r->exe_dev_major == np->ctr->root_dev_major &&
	    r->exe_dev_minor == np->ctr->root_dev_minor)
		np->ctr_inherited = true;
	/* R21: ... nor a file on another of its file systems (a copy on an
	 * emptyDir or tmpfs volume, `kubectl exec pod -- /data/bridge`):
	 * a runtime or CNI binary from the host is the host's file at that
	 * path, and one exec'd in the container's mount namespace is not */
	if (np->ctr && !np->ctr_inherited && !r->ns_after_known &&
	    exe_not_hosts(p, r))
		np->ctr_inherited = true;
	/* gone with no container found: still not a host process when its
	 * file is not the host's (the worst case is judged, not "host") */
	if (!np->ctr && !have_live && !r->ns_after_known &&
	    exe_not_hosts(p, r))
		np->foreign_exe = true;
}

static int handle_exec(struct pipeline *p, const struct nsw_raw *r)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	struct nsw_process np, live, *pr;
	struct exec_src src = { .r = r };
	struct cgroup_attr cg;
	bool complete, partial;
	uint64_t ktime, wall;
	char argv0[256];
	struct nsw_event ev;

	if (r->success_known && !r->success)
		return 0;	/* failed exec: the old image goes on */
	times_of(p, r, &ktime, &wall);
	src.prev = proc_cache_lookup(p->pc, r->pid);
	memset(&cg, 0, sizeof(cg));
	/* the eBPF backend captures everything in the kernel: /proc is then
	 * only needed for the container, once per cgroup */
	complete = r->binary.p && !is_indirect_path(&r->binary) &&
		   r->argc > 0 && r->cwd.p && r->caps_known &&
		   r->ns_after_known && r->creds_known && r->cgroup_id;
	/* audit's exec records carry the image, arguments, cwd and
	 * credentials: only the rest comes from /proc */
	partial = !complete && r->binary.p && !is_indirect_path(&r->binary) &&
		  r->argc > 0 && r->cwd.p && r->creds_known;
	if (p->live && !complete &&
	    (partial ? procfs_read_state(p->opts.procfs, r->pid, &live, &cg) :
		       procfs_read_process(p->opts.procfs, r->pid, &live,
					   &cg)) == 0)
		src.live = &live;

	exec_facts(&np, &src, ktime, wall);
	exec_container(p, &np, r, src.live, &cg, complete);
	if (src.live)
		proc_release(&live);
	link_parent(p, &np);
	pr = proc_cache_insert(p->pc, &np);
	if (!pr)
		return -ENOMEM;
	pr->in_init_tree = in_init_tree(p, pr);

	event_init(p, &ev, NSW_EV_EXEC, pr, wall);
	ev.syscall = r->syscall ? r->syscall : NSW_SC_EXECVE;
	/* killed in the kernel at exec (enforce_nsenter); the action fields
	 * are kprobe-only, an exec event says so in nswatch.enforced */
	if (r->killed)
		ev.enforced = "sigkill";
	family(p, &ev, anc);
	verdict_alerts_exec(&ev, p->host_known ? &p->host.ns : NULL,
			    effective_argv0(r, argv0, sizeof(argv0)),
			    runtime_exempt(pr));
	return emit(p, &ev);
}

static int handle_fork(struct pipeline *p, const struct nsw_raw *r)
{
	struct nsw_process np, *par;
	uint64_t ktime, wall;

	times_of(p, r, &ktime, &wall);
	par = r->ppid ? lookup(p, r->ppid) : NULL;
	if (!par) {
		/* unknown parent: read the child itself when we can */
		if (!load_live(p, r->pid))
			synthesize(p, r, ktime, wall);
		return 0;
	}
	if (proc_copy(&np, par) < 0)
		return -ENOMEM;
	np.pid = r->pid;
	np.tid = r->pid;
	np.ppid = par->pid;
	np.parent_ktime = par->ktime;
	np.ktime = id_time(r, NULL, ktime);
	np.start_time_ns = wall;
	np.flags = (par->flags & ~(NSW_PF_EXECVE | NSW_PF_PROCFS)) | NSW_PF_CLONE;
	np.in_init_tree = par->in_init_tree;
	/* proc_copy kept the parent's container and ctr_inherited: runc
	 * init's clones that join the namespaces are host arrivals as it
	 * is, a container process's children are in it as it is */
	if (r->ns_after_known) {
		np.ns = r->ns_after;
		np.ns_known = true;
	}
	return proc_cache_insert(p->pc, &np) ? 0 : -ENOMEM;
}

static const char *signal_name(int sig)
{
	static const char *const names[] = {
		[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL",
		[5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
		[9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV",
		[12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM",
		[15] = "SIGTERM", [16] = "SIGSTKFLT", [17] = "SIGCHLD",
		[18] = "SIGCONT", [19] = "SIGSTOP", [20] = "SIGTSTP",
		[21] = "SIGTTIN", [22] = "SIGTTOU", [23] = "SIGURG",
		[24] = "SIGXCPU", [25] = "SIGXFSZ", [26] = "SIGVTALRM",
		[27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",
		[30] = "SIGPWR", [31] = "SIGSYS",
	};

	if (sig > 0 && sig < (int)(ARRAY_SIZE(names)))
		return names[sig];
	return sig ? "SIGRT" : NULL;
}

static int handle_exit(struct pipeline *p, const struct nsw_raw *r)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	struct nsw_process *pr;
	uint64_t ktime, wall;
	struct nsw_event ev;
	int ret;

	times_of(p, r, &ktime, &wall);
	pr = proc_cache_lookup(p->pc, r->pid);
	if (!pr)
		pr = synthesize(p, r, ktime, wall);
	if (!pr)
		return -ENOMEM;
	event_init(p, &ev, NSW_EV_EXIT, pr, wall);
	ev.signal = signal_name(r->exit_signal);
	ev.status = (uint32_t)r->exit_code;
	family(p, &ev, anc);
	ret = emit(p, &ev);
	remember_dead(p, pr);
	proc_cache_remove(p->pc, r->pid);
	return ret;
}

static uint32_t ns_types_of(const struct nsw_raw *r, bool *known)
{
	*known = true;
	switch (r->syscall) {
	case NSW_SC_SETNS:
		if (r->a1)
			return (uint32_t)r->a1 & NSW_CLONE_NS_MASK;
		if (r->target_ns_type)
			return r->target_ns_type;
		if (r->mnt_root_known)
			return NSW_CLONE_NEWNS;	/* audit: only a mount
						 * namespace has a root */
		return 0;	/* "any" */
	case NSW_SC_UNSHARE:
	case NSW_SC_CLONE:
		return (uint32_t)r->a0 & NSW_CLONE_NS_MASK;
	case NSW_SC_CLONE3:
		if (!r->clone_flags) {
			*known = false;	/* audit cannot read clone_args */
			return 0;
		}
		return (uint32_t)r->clone_flags & NSW_CLONE_NS_MASK;
	default:
		*known = false;
		return 0;
	}
}

static void copy_bytes(struct nsw_bytes *dst, const struct nsw_bytes *src,
		       char *buf, size_t *off, size_t cap)
{
	size_t n = src->p ? src->len : 0;

	if (!src->p || *off + n + 1 > cap) {
		dst->p = NULL;
		dst->len = 0;
		return;
	}
	memcpy(buf + *off, src->p, n);
	buf[*off + n] = '\0';
	dst->p = buf + *off;
	dst->len = n;
	*off += n + 1;
}

static int handle_nscall(struct pipeline *p, const struct nsw_raw *r);

/* Queue r; false when the queue is full (then it is handled now). */
static bool defer_nscall(struct pipeline *p, const struct nsw_raw *r)
{
	struct pending_ns *pn;
	size_t off = 0;

	if (p->n_pending >= MAX_PENDING)
		return false;
	pn = calloc(1, sizeof(*pn));
	if (!pn)
		return false;
	pn->raw = *r;
	copy_bytes(&pn->raw.binary, &r->binary, pn->buf, &off, sizeof(pn->buf));
	copy_bytes(&pn->raw.comm, &r->comm, pn->buf, &off, sizeof(pn->buf));
	copy_bytes(&pn->raw.cgroup_name, &r->cgroup_name, pn->buf, &off,
		   sizeof(pn->buf));
	pn->raw.argc = 0;
	pn->raw.cwd.p = NULL;
	pn->deadline_ms = nsw_clock_ms(CLOCK_MONOTONIC) + PENDING_MS;
	if (!p->pending_tail)
		p->pending_tail = &p->pending;
	*p->pending_tail = pn;
	p->pending_tail = &pn->next;
	p->n_pending++;
	return true;
}

/* Resolve (evidence != NULL) or expire the pending events of pid (0: all
 * expired ones), in arrival order. */
static void settle_pending(struct pipeline *p, uint32_t pid,
			   const struct nsw_ns_set *evidence, bool all)
{
	struct pending_ns **pp = &p->pending, *pn;
	uint64_t now = nsw_clock_ms(CLOCK_MONOTONIC);

	while ((pn = *pp)) {
		bool take = all || (pid ? pn->raw.pid == pid :
				    pn->deadline_ms <= now);

		if (!take) {
			pp = &pn->next;
			continue;
		}
		*pp = pn->next;
		p->n_pending--;
		if (evidence) {
			pn->raw.ns_after = *evidence;
			pn->raw.ns_after_known = true;
		} else {
			pn->raw.ns_after_known = false;
		}
		pn->raw.type = NSW_RAW_NSCALL;
		p->settling = true;
		handle_nscall(p, &pn->raw);
		p->settling = false;
		free(pn);
	}
	p->pending_tail = &p->pending;
	for (pn = p->pending; pn; pn = pn->next)
		p->pending_tail = &pn->next;
}

/* A process appeared or exec'd: evidence for pending events of itself or
 * of its parent. */
static void pending_evidence(struct pipeline *p, uint32_t pid, uint32_t ppid)
{
	struct nsw_ns_set ns;
	struct pending_ns *pn;
	bool self = false, parent = false;

	for (pn = p->pending; pn; pn = pn->next) {
		self |= pn->raw.pid == pid;
		parent |= ppid && pn->raw.pid == ppid;
	}
	if (!self && !parent)
		return;
	if (nsinfo_read_pid(p->opts.procfs, pid, &ns) < 0)
		return;
	if (self)
		settle_pending(p, pid, &ns, false);
	if (parent)
		settle_pending(p, ppid, &ns, false);
}

void pipeline_flush(struct pipeline *p)
{
	settle_pending(p, 0, NULL, true);
	if (p->out)
		output_flush(p->out);
}

/* The setns joined a mount namespace whose root is the host's root
 * directory (audit's record of the root looked up there). */
static bool mnt_root_is_host(const struct pipeline *p, const struct nsw_raw *r)
{
	return r->mnt_root_known && p->host_root_known &&
	       r->mnt_root_major == p->host_root_major &&
	       r->mnt_root_minor == p->host_root_minor &&
	       r->mnt_root_ino == p->host_root_ino;
}

/* Audit saw the root of the mount namespace a setns(CLONE_NEWNS) joined:
 * that is the whole of what the call could change, known at the call. */
static bool mnt_root_settles(const struct pipeline *p, const struct nsw_raw *r,
			     const struct nsw_event *ev)
{
	return r->mnt_root_known && p->host_root_known &&
	       ev->ns_types == NSW_CLONE_NEWNS;
}

/* Calls of pid are held (pending_ns): a later one queues behind them. */
static bool has_pending(const struct pipeline *p, uint32_t pid)
{
	const struct pending_ns *pn;

	for (pn = p->pending; pn; pn = pn->next)
		if (pn->raw.pid == pid)
			return true;
	return false;
}

/*
 * Was the process a host process when it made the call?  Its cgroup then
 * says so, not the cache: runc's init is forked on the host and moved into
 * the container's cgroup before it makes the container's namespaces.  The
 * record's cgroup (bpf), else the process's cgroup now (audit); a process
 * gone before it could be read is not taken for a host process.
 */
static bool creator_is_host(struct pipeline *p, const struct nsw_raw *r)
{
	struct nsw_container *c;
	struct cgroup_attr cg;
	size_t len;
	char *text;
	bool gone;

	if (r->cgroup_id) {
		c = container_by_cgid(p, r->cgroup_id, r->pid,
					       &r->cgroup_name, &gone);
		if (c) {
			container_put(c);
			return false;
		}
		return !gone;
	}
	text = procfs_read_file(p->opts.procfs, r->pid, "cgroup", &len);
	if (!text)
		return false;
	if (container_parse_cgroup(text, len, &cg) < 0)
		cg.kind = CGROUP_CONTAINER;	/* unreadable: not the host's */
	free(text);
	return cg.kind != CGROUP_CONTAINER;
}

/*
 * The namespaces a successful unshare/clone made enter the host set when
 * a host process made them, and leave it otherwise (an inode number is
 * reused once its namespace is gone).  The kernel side removes them all
 * at creation; only this adds (see host_ns_set in bpf/nswatch.bpf.c).
 */
static void host_set_created(struct pipeline *p, const struct nsw_raw *r,
			     const struct verdict_input *vi)
{
	const struct nsw_process *child = NULL;
	uint32_t made[NSW_NS_COUNT];
	bool host;
	int i, n = 0;

	/* no CLONE_NEW* flags (runc's unshare(0), audit's clone3): none
	 * made, and "any" must not read as every slot */
	if (!p->live || !vi->success || !vi->before_known || !vi->ns_mask)
		return;
	if (r->syscall == NSW_SC_UNSHARE && vi->after_known) {
		for (i = 0; i < NSW_NS_COUNT; i++) {
			uint32_t from = vi->before.inum[i];

			/* audit: a state read after the call may already
			 * show the new namespace; the parent's is the old */
			if (from == vi->after.inum[i] && !vi->before_exact &&
			    vi->parent_ns)
				from = vi->parent_ns->inum[i];
			if (verdict_slot_in_scope(i, vi->ns_mask) &&
			    vi->after.inum[i] != from)
				made[n++] = vi->after.inum[i];
		}
	} else if ((r->syscall == NSW_SC_CLONE ||
		    r->syscall == NSW_SC_CLONE3) && r->child_pid) {
		/* the child's fork record came first */
		child = proc_cache_lookup(p->pc, r->child_pid);
		if (!child || !child->ns_known)
			return;
		for (i = 0; i < NSW_NS_COUNT; i++) {
			uint32_t v = child->ns.inum[i];

			/* its pid/time namespaces are the parent's
			 * *_for_children ones unless the clone made them */
			if (v == vi->before.inum[i] ||
			    (i == NSW_NS_PID &&
			     v == vi->before.inum[NSW_NS_PID_FOR_CHILDREN]) ||
			    (i == NSW_NS_TIME &&
			     v == vi->before.inum[NSW_NS_TIME_FOR_CHILDREN]))
				continue;
			made[n++] = v;
		}
	}
	if (!n)
		return;
	host = creator_is_host(p, r);
	for (i = 0; i < n; i++) {
		if (host)
			host_set_add(p, made[i], true);
		else
			host_set_del(p, made[i]);
	}
}

static int handle_nscall(struct pipeline *p, const struct nsw_raw *r)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	struct verdict_input vi;
	struct nsw_process *pr, *par;
	struct nsw_ns_set live_ns;
	uint64_t ktime, wall;
	struct nsw_event ev;

	times_of(p, r, &ktime, &wall);
	pr = acting_process(p, r, ktime, wall);
	if (!pr)
		return -ENOMEM;
	event_init(p, &ev, NSW_EV_KPROBE, pr, wall);
	ev.syscall = r->syscall;
	if (r->syscall == NSW_SC_SETNS) {
		ev.args[0] = (int32_t)r->a0;
		ev.args[1] = (int32_t)r->a1;
		ev.nargs = 2;
	} else {
		ev.args[0] = (int32_t)(uint32_t)(r->syscall == NSW_SC_CLONE3 ?
						 r->clone_flags : (uint64_t)r->a0);
		ev.nargs = 1;
		ev.clone_flags = r->syscall == NSW_SC_CLONE3 ? r->clone_flags :
				 (uint64_t)r->a0;
	}
	ev.ret_known = r->ret_known;
	ev.ret = (int32_t)r->ret;
	ev.success_known = true;
	ev.success = r->success_known ? r->success :
		     (r->ret_known && r->ret >= 0);
	ev.ns_types = ns_types_of(r, &ev.ns_types_known);
	if (r->killed) {
		ev.action = NSW_ACTION_SIGKILL;
		ev.return_action = NSW_ACTION_SIGKILL;
		ev.enforced = "sigkill";
	}

	memset(&vi, 0, sizeof(vi));
	vi.syscall = r->syscall;
	vi.success = ev.success;
	vi.container_process = pr->ctr != NULL || pr->foreign_exe;
	vi.ns_mask = r->syscall == NSW_SC_SETNS ? ev.ns_types :
		     ev.ns_types_known ? ev.ns_types : 0;
	vi.host = p->host_known ? &p->host.ns : NULL;
	vi.host_set = p->host_known ? &p->host_set : NULL;
	container_complete(p, pr->ctr);
	vi.own = pr->ctr && pr->ctr->has_ns ? &pr->ctr->init_ns : NULL;
	if (r->ns_before_known) {
		vi.before = r->ns_before;
		vi.before_known = vi.before_exact = true;
	} else if (pr->ns_known) {
		vi.before = pr->ns;
		vi.before_known = true;
	}
	par = pr->ppid ? lookup(p, pr->ppid) : NULL;
	vi.parent_ns = par && par->ns_known ? &par->ns : NULL;
	vi.mnt_root_is_host = ev.success && mnt_root_is_host(p, r);
	if (r->ns_after_known) {
		vi.after = r->ns_after;
		vi.after_known = true;
	} else if (p->live &&
		   nsinfo_read_pid(p->opts.procfs, r->pid, &live_ns) == 0) {
		vi.after = live_ns;
		vi.after_known = true;
	} else if (p->live && !p->settling && ev.success &&
		   r->syscall == NSW_SC_SETNS &&
		   (!mnt_root_settles(p, r, &ev) || has_pending(p, r->pid)) &&
		   defer_nscall(p, r)) {
		return 0;	/* gone: wait for evidence (pending_ns) */
	}
	if (!vi.before_known && vi.parent_ns) {
		vi.before = *vi.parent_ns;
		vi.before_known = true;
	}
	if (r->syscall != NSW_SC_SETNS)
		host_set_created(p, r, &vi);
	ev.verdict = verdict_nscall(&vi, ev.ns_change);
	/* only the eBPF backend captures both sides when the call returns */
	ev.ns_unconfirmed = r->syscall == NSW_SC_SETNS &&
			    !(r->ns_before_known && r->ns_after_known) &&
			    !mnt_root_settles(p, r, &ev);
	/* clone3 whose flags the kernel side could not read */
	if (r->flags_unknown) {
		ev.flags_unknown = true;
		ev.verdict = NSW_VERDICT_UNKNOWN;
	}
	if (vi.after_known && ev.success) {
		/* the process now holds the new namespaces of this call's
		 * types; a later read may show later calls too, so only the
		 * slots this call can change are taken */
		int i;

		for (i = 0; i < NSW_NS_COUNT; i++)
			if (!pr->ns_known || verdict_slot_in_scope(i, vi.ns_mask))
				pr->ns.inum[i] = vi.after.inum[i];
		pr->ns_known = true;
	}
	family(p, &ev, anc);
	verdict_alerts_nscall(&ev, runtime_exempt(pr));
	return emit(p, &ev);
}

/*
 * An escape syscall that changes no namespace (module load, BPF program
 * load, open_by_handle_at): attributed as a namespace call is, and
 * reported only for a container process.  The eBPF backend sends only
 * those; audit records the host's calls too, and they stop here, so
 * both backends give the same lines and the host's own module and BPF
 * loading never makes one.
 */
static int handle_syscall(struct pipeline *p, const struct nsw_raw *r)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	struct nsw_process *pr;
	uint64_t ktime, wall;
	struct nsw_event ev;
	int i;

	times_of(p, r, &ktime, &wall);
	pr = acting_process(p, r, ktime, wall);
	if (!pr)
		return -ENOMEM;
	if (!pr->ctr) {
		p->stats.filtered++;
		return 0;
	}
	event_init(p, &ev, NSW_EV_KPROBE, pr, wall);
	ev.syscall = r->syscall;
	ev.nargs = r->n_args;
	if (ev.nargs > (int)ARRAY_SIZE(ev.args))
		ev.nargs = (int)ARRAY_SIZE(ev.args);
	for (i = 0; i < ev.nargs; i++)
		ev.args[i] = (int32_t)(i == 0 ? r->a0 : i == 1 ? r->a1 : r->a2);
	ev.ret_known = r->ret_known;
	ev.ret = (int32_t)r->ret;
	ev.success_known = r->success_known || r->ret_known;
	ev.success = r->success_known ? r->success : r->ret >= 0;
	if (r->killed) {
		ev.action = NSW_ACTION_SIGKILL;
		ev.return_action = NSW_ACTION_SIGKILL;
		ev.enforced = "sigkill";
	}
	container_complete(p, pr->ctr);
	family(p, &ev, anc);
	verdict_alerts_syscall(&ev, runtime_exempt(pr));
	return emit(p, &ev);
}

/* "container NAME (pod NS/POD)", or the id, for alert messages. */
static void container_label(char *buf, size_t len,
			    const struct nsw_container *c)
{
	if (c->pod_name[0])
		snprintf(buf, len, "container %s (pod %s/%s)",
			 c->name[0] ? c->name : c->id, c->pod_namespace,
			 c->pod_name);
	else
		snprintf(buf, len, "container %s",
			 c->name[0] ? c->name : c->id);
}

/*
 * Namespace calls the kernel counted instead of sending (flood control):
 * one process_throttle event per mount namespace and interval, named by a
 * recent caller; for a container process, alerts of the rules the calls
 * would have raised, with the counts, and monitor-tamper when records
 * were lost, since that may have hidden an alert.
 */
static int handle_aggregate(struct pipeline *p, const struct nsw_raw *r)
{
	static const char *const what[NSW_AGG_COUNT] = {
		"setns", "unshare", "clone",
	};
	const struct nsw_aggregate *a = &r->agg;
	struct nsw_process nobody, *pr = NULL;
	uint64_t ktime, wall;
	struct nsw_event ev;
	char label[512], cgname[129];
	bool gone;
	int i, ret;

	times_of(p, r, &ktime, &wall);
	if (r->pid)
		pr = acting_process(p, r, ktime, wall);
	if (!pr) {
		/* no caller named: the counts still go out */
		memset(&nobody, 0, sizeof(nobody));
		nobody.auid = NSW_AUID_UNSET;
		pr = &nobody;
	}
	/* the caller may be gone: its cgroup still names the container */
	if (!pr->ctr && r->cgroup_id && pr != &nobody)
		pr->ctr = container_by_cgid(p, r->cgroup_id, r->pid,
					       &r->cgroup_name, &gone);
	event_init(p, &ev, NSW_EV_THROTTLE, pr, nsw_clock_ns(CLOCK_REALTIME));
	ev.agg = a;
	snprintf(cgname, sizeof(cgname), "%.*s", (int)r->cgroup_name.len,
		 r->cgroup_name.p ? r->cgroup_name.p : "");
	ev.cgroup = cgname[0] ? cgname : NULL;
	if (pr->ctr) {
		container_label(label, sizeof(label), pr->ctr);
		for (i = 0; i < NSW_AGG_COUNT; i++) {
			if (!a->calls[i])
				continue;
			verdict_add_alert(&ev, i == NSW_AGG_SETNS ?
					  NSW_RULE_SETNS_IN_CONTAINER :
					  NSW_RULE_UNSHARE_IN_CONTAINER,
					  NSW_SEV_MEDIUM,
					  "%llu %s calls (%llu failed) by %s "
					  "in %u ms, counted in the kernel "
					  "instead of reported one by one",
					  (unsigned long long)a->calls[i],
					  what[i],
					  (unsigned long long)a->failed[i],
					  label, a->interval_ms);
		}
		if (a->dropped)
			verdict_add_alert(&ev, NSW_RULE_MONITOR_TAMPER,
					  NSW_SEV_HIGH,
					  "%llu records of %s lost in %u ms: "
					  "eBPF ring buffer full",
					  (unsigned long long)a->dropped,
					  label, a->interval_ms);
	}
	ret = emit(p, &ev);
	if (pr == &nobody)
		procfs_process_clear(&nobody);
	return ret;
}

int pipeline_handle(struct pipeline *p, const struct nsw_raw *raw)
{
	p->stats.raw_events++;
	/* a container mounted a moment ago may have state on disk for a
	 * few hundred ms only (podman run --rm writes it after mounting
	 * and removes it when its process exits): read it between the
	 * records of a batch, not only between batches */
	if (p->mw && p->mw_hold_until &&
	    nsw_clock_ms(CLOCK_REALTIME) < p->mw_hold_until)
		mountwatch_foreach(p->mw, mount_hold, p);
	if (p->n_pending && (raw->type == NSW_RAW_EXEC ||
			     raw->type == NSW_RAW_FORK))
		pending_evidence(p, raw->pid, raw->ppid);
	/* a held call of this process is written before its next exec or
	 * exit, with the image it had at the call: per-process order holds
	 * (only further namespace calls may queue behind it) */
	if (p->n_pending && raw->type != NSW_RAW_NSCALL)
		settle_pending(p, raw->pid, NULL, false);
	switch (raw->type) {
	case NSW_RAW_EXEC:
		return handle_exec(p, raw);
	case NSW_RAW_FORK:
		return handle_fork(p, raw);
	case NSW_RAW_EXIT:
		return handle_exit(p, raw);
	case NSW_RAW_NSCALL:
		/* audit sees clone3 but not its flags (a user-space struct):
		 * nothing says it made a namespace, and most are threads */
		if (raw->syscall == NSW_SC_CLONE3 && !raw->clone_flags &&
		    !raw->flags_unknown) {
			p->stats.filtered++;
			return 0;
		}
		return handle_nscall(p, raw);
	case NSW_RAW_AGGREGATE:
		return handle_aggregate(p, raw);
	case NSW_RAW_SYSCALL:
		return handle_syscall(p, raw);
	}
	p->stats.parse_errors++;
	return -EINVAL;
}

/* Sweep predicate: the live process is gone (audit never reports exits).
 * Entries whose pid now belongs to a newer process are replaced at the
 * next exec anyway. */
static bool proc_gone(struct nsw_process *pr, void *arg)
{
	struct pipeline *p = arg;
	char path[64];

	if (pr->pid <= 2)
		return false;
	snprintf(path, sizeof(path), "%s/%u", p->opts.procfs, pr->pid);
	return access(path, F_OK) < 0 && errno == ENOENT;
}

/* ---- procfs seeding and snapshot ---------------------------------- */

static int pid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted list of numeric entries of procfs; caller frees. */
static uint32_t *list_pids(const char *procfs, size_t *np)
{
	uint32_t *pids = NULL, *n;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(procfs);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);

		if (*end || !v || v > UINT32_MAX)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 1024;
			n = realloc(pids, cap * sizeof(*pids));
			if (!n) {
				free(pids);
				closedir(d);
				errno = ENOMEM;
				return NULL;
			}
			pids = n;
		}
		pids[cnt++] = (uint32_t)v;
	}
	closedir(d);
	qsort(pids, cnt, sizeof(*pids), pid_cmp);
	*np = cnt;
	return pids;
}

int pipeline_seed_procfs(struct pipeline *p)
{
	uint32_t *pids;
	size_t n = 0, i;

	pids = list_pids(p->opts.procfs, &n);
	if (!pids)
		return n ? -errno : (errno ? -errno : 0);
	for (i = 0; i < n; i++)
		if (!proc_cache_lookup(p->pc, pids[i]))
			load_live(p, pids[i]);
	/* links and init-tree flags need the whole tree */
	for (i = 0; i < n; i++) {
		struct nsw_process *pr = proc_cache_lookup(p->pc, pids[i]);

		if (!pr)
			continue;
		link_parent(p, pr);
		pr->in_init_tree = in_init_tree(p, pr);
	}
	/* host namespaces: every host process's, less the containers' own
	 * (a host process may have joined one: runc exec, nsenter) */
	for (i = 0; p->host_known && i < n; i++) {
		struct nsw_process *pr = proc_cache_lookup(p->pc, pids[i]);
		int j;

		if (pr && !pr->ctr && pr->ns_known)
			for (j = 0; j < NSW_NS_COUNT; j++)
				host_set_add(p, pr->ns.inum[j], false);
	}
	for (i = 0; p->host_known && i < n; i++) {
		struct nsw_process *pr = proc_cache_lookup(p->pc, pids[i]);

		if (pr && pr->ctr && pr->ctr->has_ns)
			host_set_forget(p, &pr->ctr->init_ns);
	}
	free(pids);
	return 0;
}

/* Emit a process_exec event for every cached process, by pid. */
int pipeline_emit_snapshot(struct pipeline *p)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	uint32_t *pids;
	size_t n = 0, i;
	int ret = 0;

	pids = list_pids(p->opts.procfs, &n);
	if (!pids)
		return -errno;
	for (i = 0; i < n; i++) {
		struct nsw_process *pr = proc_cache_lookup(p->pc, pids[i]);
		struct nsw_event ev;
		const char *argv0 = NULL;
		char a0[256];

		if (!pr)
			continue;
		event_init(p, &ev, NSW_EV_EXEC, pr, 0);
		family(p, &ev, anc);
		if (pr->arguments && pr->binary &&
		    (strstr(pr->binary, "busybox") || strstr(pr->binary, "toybox"))) {
			/* applet name: the first argument */
			size_t l = strcspn(pr->arguments, " ");

			snprintf(a0, sizeof(a0), "%.*s", (int)l, pr->arguments);
			argv0 = a0;
		}
		verdict_alerts_exec(&ev, p->host_known ? &p->host.ns : NULL,
				    argv0, runtime_exempt(pr));
		if (p->exposure_fn && pr->ctr)
			ev.exposure = p->exposure_fn(p->exposure_arg, pr);
		if (p->exposure_only &&
		    !(ev.exposure &&
		      (exposure_flags(ev.exposure) & p->exposure_only))) {
			p->stats.filtered++;
			continue;
		}
		if (emit(p, &ev) < 0)
			ret = -EIO;
	}
	free(pids);
	return ret;
}

const struct host_ns *pipeline_host(const struct pipeline *p)
{
	return p->host_known ? &p->host : NULL;
}

volatile sig_atomic_t pipeline_hup;

void pipeline_tick(struct pipeline *p)
{
	uint64_t now;
	int r;

	if (pipeline_hup) {
		pipeline_hup = 0;
		r = p->out ? output_reopen(p->out) : 0;
		if (r < 0)
			log_err("cannot reopen output: %s", strerror(-r));
		else if (r == 0)
			log_info("output reopened");
		/* else the writer thread reopens it: output_flush says */
	}
	/* the keepalive proves this loop turns (a no-op unless systemd
	 * set WatchdogSec=) */
	if (p->live)
		notify_watchdog();
	now = nsw_clock_s(CLOCK_MONOTONIC);
	if (!p->next_stats)
		p->next_stats = now + p->opts.stats_interval;
	if (p->opts.stats_interval && now >= p->next_stats) {
		p->next_stats = now + p->opts.stats_interval;
		pipeline_emit_stats(p);
	}
	if (p->stats_hook && now != p->stats_hook_at) {
		p->stats_hook_at = now;
		p->stats_hook(p->stats_arg, pipeline_stats(p));
	}
	if (p->n_pending)
		settle_pending(p, 0, NULL, false);
	if (p->mw)
		mountwatch_foreach(p->mw, mount_hold, p);
	/* the lines of this batch: written together */
	if (p->out)
		output_flush(p->out);
	if (now >= p->next_sweep) {
		p->next_sweep = now + 30;
		container_cache_sweep(p->cc);
		if (p->live)
			proc_cache_foreach(p->pc, proc_gone, p);
	}
}

void pipeline_set_policy(struct pipeline *p, const struct policy *pol)
{
	p->policy = pol;
}

int pipeline_emit_stats(struct pipeline *p)
{
	const struct nsw_stats *st = pipeline_stats(p);

	/* the same figures as the line: metrics agree with it */
	if (p->stats_hook)
		p->stats_hook(p->stats_arg, st);
	strbuf_reset(&p->sb);
	if (encode_json_stats(&p->sb, &p->ectx, st, nsw_clock_ns(CLOCK_REALTIME)) < 0 ||
	    !p->out)
		return -EIO;
	return output_write_important(p->out, p->sb.buf, p->sb.len);
}

int pipeline_tamper(struct pipeline *p, const char *message)
{
	struct nsw_process self;
	struct nsw_event ev;
	int r;

	/* attributed to nswatch itself: the monitor is what was tampered */
	memset(&self, 0, sizeof(self));
	if (!p->live || procfs_read_process(p->opts.procfs, (uint32_t)getpid(),
					    &self, NULL) < 0) {
		self.pid = self.tid = (uint32_t)getpid();
		self.auid = NSW_AUID_UNSET;
	}
	link_parent(p, &self);
	event_init(p, &ev, NSW_EV_KPROBE, &self, 0);
	verdict_add_alert(&ev, NSW_RULE_MONITOR_TAMPER, NSW_SEV_HIGH, "%s",
			  message);
	log_warn("monitor tamper: %s", message);
	r = emit(p, &ev);
	procfs_process_clear(&self);
	return r;
}

/*
 * After a window in which the backend saw nothing (audit rules removed,
 * audit disabled), the escape made in it left no record.  What it leaves
 * behind can still be seen: a process of a container cgroup in the host
 * mount namespace (runc always gives a container its own).  Such a
 * process is read afresh from /proc (the cache holds what it was before
 * the window), put in the cache and reported as an escape, with `why`.
 */
int pipeline_scan_escapes(struct pipeline *p, const char *why, bool all)
{
	const struct nsw_process *anc[MAX_ANCESTORS];
	uint32_t *pids, host_mnt;
	size_t n = 0, i;
	int found = 0;

	if (!p->live || !p->host_known || !p->host.ns.inum[NSW_NS_MNT])
		return 0;
	host_mnt = p->host.ns.inum[NSW_NS_MNT];
	pids = list_pids(p->opts.procfs, &n);
	if (!pids)
		return -errno;
	for (i = 0; i < n; i++) {
		struct nsw_process np, *pr;
		struct cgroup_attr cg;
		struct nsw_event ev;

		/* already seen in the host namespace: reported then */
		pr = proc_cache_lookup(p->pc, pids[i]);
		if (!all && pr && pr->ns_known &&
		    pr->ns.inum[NSW_NS_MNT] == host_mnt)
			continue;
		if (procfs_read_process(p->opts.procfs, pids[i], &np, &cg) < 0)
			continue;
		/* runc's init is in the container's cgroup before it has
		 * entered the container's mount namespace */
		if (!np.ns_known || np.ns.inum[NSW_NS_MNT] != host_mnt ||
		    verdict_is_runtime_helper(np.binary) ||
		    !(np.ctr = container_for(p, &cg))) {
			procfs_process_clear(&np);
			continue;
		}
		pr = proc_cache_insert(p->pc, &np);
		if (!pr)
			continue;
		link_parent(p, pr);
		event_init(p, &ev, NSW_EV_EXEC, pr, 0);
		family(p, &ev, anc);
		verdict_add_alert(&ev, NSW_RULE_SETNS_ESCAPE_TO_HOST,
				  NSW_SEV_CRITICAL, "container process found "
				  "in the host mount namespace by a /proc scan "
				  "after %s: how it got there was not "
				  "recorded", why);
		verdict_alerts_exec(&ev, &p->host.ns, NULL,
				    verdict_is_runtime_helper(pr->binary));
		found++;
		emit(p, &ev);
	}
	free(pids);
	return found;
}
