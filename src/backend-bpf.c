/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The eBPF backend: loads bpf/nswatch.bpf.c through its generated
 * skeleton (open -> knobs -> load -> attach -> ring buffer), and feeds
 * every decoded record to the pipeline.
 *
 * Syscall hooks come in two sets in the same object and exactly one is
 * loaded (o->bpf_hooks):
 *   raw         tp_btf sys_enter/sys_exit, filtered by syscall number in
 *               the program: no tracefs needed, ia32 (int 0x80) calls seen;
 *               costs one program run per syscall entry and exit of every
 *               process (measured +100 ns per syscall on the 6.18 VM)
 *   tracepoint  syscalls:sys_{enter,exit}_{setns,unshare,clone,clone3}:
 *               nearly free for other syscalls (+10 ns), needs tracefs,
 *               and the kernel does not trace compat syscalls there
 *   auto        raw, else tracepoint (default)
 *
 * Enforcement knobs (o->enforce, o->enforce_nsenter) are set in .rodata
 * before load.  For enforce_nsenter the optional BPF LSM program
 * (lsm/bprm_check_security: exec of nsenter in a container fails with
 * EPERM) is tried first; where the kernel refuses it, the exec hook's
 * SIGKILL is the enforcement and the log says so once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "bpf-decode.h"
#include "bpf-probe.h"
#include "inum-set.h"
#include "log.h"
#include "nsinfo.h"
#include "nswatch-events.h"
#include "nswatch.skel.h"
#include "pipeline.h"
#include "policy.h"
#include "util.h"

#define DEFAULT_BTF	"/sys/kernel/btf/vmlinux"
#define LSM_LIST	"/sys/kernel/security/lsm"
#define POLL_MS		200
/*
 * Wakeup batching (wake_flags() in bpf/nswatch.bpf.c): routine records
 * wake the reader at most every WAKE_DELAY_MS, or when WAKE_BYTES wait;
 * after a batch the reader polls again within WAKE_DELAY_MS + 1 so that
 * the tail of a burst, queued without a wakeup, is not left waiting.
 */
#define WAKE_DELAY_MS	4
#define WAKE_BYTES	(1u << 20)
#define DROPS_MS	1000
/*
 * Flood control (bpf/nswatch-events.h, struct nsw_bpf_flood): records
 * that are not escapes stay out of the last RESERVE_BYTES of the ring
 * buffer; namespace calls of processes in containers beyond
 * o->rate_limit a second per mount namespace (RATE_TOTAL_X times that
 * for all of them) are counted in the kernel, and the counts are read
 * every DROPS_MS and reported per mount namespace.  FLOOD_KEYS is the
 * size of the kernel's map.
 */
#define RESERVE_BYTES	(512u << 10)
#define RATE_TOTAL_X	5
#define FLOOD_KEYS	4096

/* One `floods` entry as last read. */
struct flood_seen {
	__u32 mnt_ns;
	struct nsw_bpf_flood v;
};

enum hooks { HOOKS_RAW, HOOKS_TRACEPOINT, HOOKS_COUNT };

struct backend {
	struct nswatch_bpf *skel;
	bool links_reported;	/* monitor-tamper said once for links */
	struct inum_set missing;	/* host namespaces the map lacked at
					 * the last check */
	struct inum_set lost;	/* ...at two checks: reported, not checked */
	struct ring_buffer *rb;
	struct pipeline *p;
	enum hooks hooks;
	int ncpu;
	__u64 *drop_vals;	/* ncpu values of one drops entry */
	uint64_t drops_reported;
	struct flood_seen *seen;	/* by mnt_ns, n_seen of them */
	struct flood_seen *seen_next;	/* the read being made */
	size_t n_seen;
	uint64_t floods_ms;		/* time of the previous read */
	struct nsw_raw raw;	/* one decoded record at a time */
};

static const char *hooks_name(enum hooks h)
{
	return h == HOOKS_RAW ? "raw syscall" : "syscall tracepoint";
}

/* btf_custom_path only when the user named a file other than the
 * kernel's own. */
static const char *btf_custom(const struct nsw_options *o)
{
	if (!o->btf_path || !*o->btf_path || !strcmp(o->btf_path, DEFAULT_BTF))
		return NULL;
	return o->btf_path;
}

/* The hook sets to try, in order, for o->bpf_hooks. */
static int hooks_range(const struct nsw_options *o, enum hooks *first,
		       enum hooks *last, char *why, size_t whylen)
{
	const char *h = o->bpf_hooks;

	if (!h || !*h || !strcmp(h, "auto")) {
		*first = HOOKS_RAW;
		*last = HOOKS_TRACEPOINT;
	} else if (!strcmp(h, "raw")) {
		*first = *last = HOOKS_RAW;
	} else if (!strcmp(h, "tracepoint")) {
		*first = *last = HOOKS_TRACEPOINT;
	} else {
		snprintf(why, whylen, "unknown eBPF hook set '%s' (auto, raw, "
			 "tracepoint)", h);
		return -EINVAL;
	}
	return 0;
}

_Static_assert(POLICY_KILL_MODULE == NSW_BPF_EE_MODULE &&
	       POLICY_KILL_BPF == NSW_BPF_EE_BPF &&
	       POLICY_KILL_HANDLE == NSW_BPF_EE_HANDLE, "enforce_escape bits");

/* Has the kernel the sys_enter_NAME tracepoint (tracefs or debugfs)? */
static bool syscall_tp_exists(const char *name)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_%s",
			 roots[i], name);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void select_hooks(struct nswatch_bpf *skel, enum hooks h)
{
	struct bpf_program *tp[] = {
		skel->progs.nsw_tp_enter_setns, skel->progs.nsw_tp_exit_setns,
		skel->progs.nsw_tp_enter_unshare,
		skel->progs.nsw_tp_exit_unshare,
		skel->progs.nsw_tp_enter_clone, skel->progs.nsw_tp_exit_clone,
		skel->progs.nsw_tp_enter_clone3,
		skel->progs.nsw_tp_exit_clone3,
	};
	/* escape syscalls (bpf/escape.bpf.h): each pair only where the
	 * kernel has its tracepoints (no open_by_handle_at without
	 * CONFIG_FHANDLE), so that one missing does not fail the rest */
	static const char *const esc_name[] = {
		"init_module", "finit_module", "bpf", "perf_event_open",
		"open_by_handle_at",
	};
	struct bpf_program *esc[][2] = {
		{ skel->progs.nsw_tp_enter_init_module,
		  skel->progs.nsw_tp_exit_init_module },
		{ skel->progs.nsw_tp_enter_finit_module,
		  skel->progs.nsw_tp_exit_finit_module },
		{ skel->progs.nsw_tp_enter_bpf, skel->progs.nsw_tp_exit_bpf },
		{ skel->progs.nsw_tp_enter_perf_event_open,
		  skel->progs.nsw_tp_exit_perf_event_open },
		{ skel->progs.nsw_tp_enter_open_by_handle_at,
		  skel->progs.nsw_tp_exit_open_by_handle_at },
	};
	size_t i;

	bpf_program__set_autoload(skel->progs.nsw_sys_enter, h == HOOKS_RAW);
	bpf_program__set_autoload(skel->progs.nsw_sys_exit, h == HOOKS_RAW);
	for (i = 0; i < sizeof(tp) / sizeof(tp[0]); i++)
		bpf_program__set_autoload(tp[i], h == HOOKS_TRACEPOINT);
	for (i = 0; i < ARRAY_SIZE(esc); i++) {
		bool on = h == HOOKS_TRACEPOINT && syscall_tp_exists(esc_name[i]);

		bpf_program__set_autoload(esc[i][0], on);
		bpf_program__set_autoload(esc[i][1], on);
	}
}

/*
 * Where a namespace call waits for its exit (pending/pending_ts in
 * bpf/nswatch.bpf.c): task-local storage when the kernel has it (5.11+)
 * and the raw hooks run (a tp_btf program may call its helpers on every
 * kernel that has it), else the hash.  The map not used is shrunk to one
 * entry: the hash is preallocated (8192 entries of ~380 bytes), and task
 * storage refused by the kernel becomes a plain hash so that the object
 * still loads (its code is never verified: the knob is a constant).
 */
static void pending_store(struct nswatch_bpf *skel, enum hooks h, bool fast)
{
	bool ts = fast && h == HOOKS_RAW &&
		  libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE,
					    NULL) == 1;

	skel->rodata->use_task_storage = ts ? 1 : 0;
	if (ts) {
		bpf_map__set_max_entries(skel->maps.pending, 1);
		return;
	}
	bpf_map__set_type(skel->maps.pending_ts, BPF_MAP_TYPE_HASH);
	bpf_map__set_map_flags(skel->maps.pending_ts, 0);
	bpf_map__set_max_entries(skel->maps.pending_ts, 1);
}

static void reason(char *why, size_t whylen, const char *what, int err)
{
	const char *w = bpf_libbpf_first_warning();

	snprintf(why, whylen, "%s: %s%s%s%s", what, strerror(-err),
		 *w ? " (" : "", w, *w ? ")" : "");
}

/*
 * Open the object and load one hook set, with the LSM program when lsm is
 * true.  host is NULL for a probe (the knobs keep their defaults: nothing
 * filtered, no enforcement).  fast: plain loads from BTF task pointers
 * and task-local storage (the knobs fast_reads, use_task_storage).
 */
static int open_load_one(const struct nsw_options *o, enum hooks h,
			 const struct nsw_ns_set *host, bool lsm, bool fast,
			 struct nswatch_bpf **out, char *why, size_t whylen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = btf_custom(o));
	struct nswatch_bpf *skel;
	char what[96];
	int i, r;

	bpf_libbpf_log_reset();
	skel = nswatch_bpf__open_opts(&oo);
	if (!skel) {
		r = errno ? -errno : -EINVAL;
		reason(why, whylen, "cannot open the BPF object", r);
		return r;
	}
	select_hooks(skel, h);
	skel->rodata->fast_reads = fast ? 1 : 0;
	pending_store(skel, h, fast);
	if (host) {
		skel->rodata->self_tgid = (__u32)getpid();
		skel->rodata->enforce = o->enforce ? 1 : 0;
		skel->rodata->enforce_nsenter = o->enforce_nsenter ? 1 : 0;
		skel->rodata->enforce_escape = o->enforce_escape;
		bpf_program__set_autoload(skel->progs.nsw_lsm_bprm, lsm);
		for (i = 0; i < NSW_NS_COUNT; i++)
			skel->rodata->host_ns[i] = host->inum[i];
		skel->rodata->wake_delay_ns = WAKE_DELAY_MS * 1000000ull;
		skel->rodata->wake_bytes = WAKE_BYTES;
		skel->rodata->rate_limit = o->rate_limit;
		skel->rodata->rate_limit_total = o->rate_limit * RATE_TOTAL_X;
		if (bpf_map__max_entries(skel->maps.events) > 2 * RESERVE_BYTES)
			skel->rodata->reserve_avail =
				bpf_map__max_entries(skel->maps.events) -
				RESERVE_BYTES;
	}
	r = nswatch_bpf__load(skel);
	if (r) {
		r = r < 0 ? r : -EINVAL;
		snprintf(what, sizeof(what), "cannot load BPF programs (%s "
			 "hooks%s)", hooks_name(h), lsm ? ", BPF LSM" : "");
		reason(why, whylen, what, r);
		nswatch_bpf__destroy(skel);
		return r;
	}
	*out = skel;
	return 0;
}

/*
 * Load with the fast reads, else without them: a verifier that refuses
 * a plain load from a task pointer, or task storage in these programs,
 * costs speed (the helper reads cost a setns ~1.5 us more), not the
 * backend.
 */
static int open_load(const struct nsw_options *o, enum hooks h,
		     const struct nsw_ns_set *host, bool lsm,
		     struct nswatch_bpf **out, char *why, size_t whylen)
{
	char first[256];
	int r;

	r = open_load_one(o, h, host, lsm, true, out, first, sizeof(first));
	if (r == 0)
		return 0;
	r = open_load_one(o, h, host, lsm, false, out, why, whylen);
	if (r == 0 && host)
		log_info("eBPF: loaded with helper reads only (%s)", first);
	return r;
}

static int bpf_probe(const struct nsw_options *o, char *why, size_t whylen)
{
	const char *btf = o->btf_path && *o->btf_path ? o->btf_path :
			  DEFAULT_BTF;
	char first[256] = "";
	struct nswatch_bpf *skel = NULL;
	enum hooks h, h_first, h_last;
	int r;

	r = hooks_range(o, &h_first, &h_last, why, whylen);
	if (r < 0)
		return r;
	if (access(btf, R_OK) < 0) {
		r = -errno;
		snprintf(why, whylen, "no kernel BTF at %s: %s", btf,
			 strerror(errno));
		return r;
	}
	bpf_libbpf_log_init();
	for (h = h_first; h <= h_last; h++) {
		r = open_load(o, h, NULL, false, &skel,
			      h == h_first ? first : why,
			      h == h_first ? sizeof(first) : whylen);
		if (r == 0)
			break;
	}
	if (r < 0) {
		/* the first hook set's failure says the most */
		snprintf(why, whylen, "%s", first);
		return r;
	}
	nswatch_bpf__destroy(skel);
	snprintf(why, whylen, "programs load with BTF %s (%s hooks)", btf,
		 hooks_name(h));
	return 0;
}

/* ---- event delivery -------------------------------------------------- */

static int on_sample(void *ctx, void *data, size_t size)
{
	struct backend *b = ctx;
	struct nsw_stats bad;
	int r;

	r = bpf_decode(data, size, &b->raw);
	if (r < 0) {
		memset(&bad, 0, sizeof(bad));
		bad.parse_errors = 1;
		pipeline_add_stats(b->p, &bad);
		log_ratelimited(LOG_LVL_WARN, "bpf-decode",
				"malformed eBPF record of %zu bytes dropped",
				size);
		return 0;
	}
	r = pipeline_handle(b->p, &b->raw);
	if (r < 0)
		log_ratelimited(LOG_LVL_DEBUG, "bpf-handle",
				"event of pid %u not handled: %s", b->raw.pid,
				strerror(-r));
	return 0;	/* never stop the poll for one event */
}

/* Records the kernel could not queue (ring buffer full), all CPUs. */
static int read_drops(struct backend *b, uint64_t *total)
{
	__u32 key;
	int cpu, r;

	*total = 0;
	for (key = 0; key < NSW_BPF_REC_MAX; key++) {
		r = bpf_map__lookup_elem(b->skel->maps.drops, &key, sizeof(key),
					 b->drop_vals,
					 sizeof(__u64) * (size_t)b->ncpu, 0);
		if (r < 0)
			return r;
		for (cpu = 0; cpu < b->ncpu; cpu++)
			*total += b->drop_vals[cpu];
	}
	return 0;
}

/* The drops not yet reported; advances the reported mark. */
static uint64_t take_drops(struct backend *b)
{
	uint64_t total, delta;

	if (read_drops(b, &total) < 0 || total <= b->drops_reported)
		return 0;
	delta = total - b->drops_reported;
	b->drops_reported = total;
	return delta;
}

static int seen_cmp(const void *a, const void *b)
{
	const struct flood_seen *x = a, *y = b;

	return x->mnt_ns < y->mnt_ns ? -1 : x->mnt_ns > y->mnt_ns;
}

/*
 * Read every `floods` entry and hand the calls held (and records
 * dropped) since the previous read to the pipeline, one aggregate per
 * mount namespace.  An entry the kernel evicts between two reads takes
 * its unreported counts with it; lost.held still counts every call
 * reported.
 */
static void report_floods(struct backend *b, uint64_t now_ms)
{
	struct nsw_bpf_flood_key key, next;
	const struct flood_seen *prev;
	uint32_t interval;
	struct nsw_stats d;
	size_t n = 0, i, j;
	void *kp = NULL;
	int fd, r;

	interval = b->floods_ms ? (uint32_t)(now_ms - b->floods_ms) : DROPS_MS;
	b->floods_ms = now_ms;
	fd = bpf_map__fd(b->skel->maps.floods);
	while (n < FLOOD_KEYS && bpf_map_get_next_key(fd, kp, &next) == 0) {
		key = next;
		kp = &key;
		if (bpf_map_lookup_elem(fd, &key, &b->seen_next[n].v) < 0)
			continue;
		b->seen_next[n++].mnt_ns = key.mnt_ns;
	}
	/* a walk that met an eviction restarts: drop repeated keys */
	qsort(b->seen_next, n, sizeof(*b->seen_next), seen_cmp);
	for (i = j = 0; i < n; i++)
		if (!j || b->seen_next[j - 1].mnt_ns != b->seen_next[i].mnt_ns)
			b->seen_next[j++] = b->seen_next[i];
	n = j;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < n; i++) {
		struct flood_seen k = { .mnt_ns = b->seen_next[i].mnt_ns };

		prev = b->n_seen ? bsearch(&k, b->seen, b->n_seen,
					   sizeof(*b->seen), seen_cmp) : NULL;
		r = bpf_decode_flood(&b->seen_next[i].v,
				     sizeof(b->seen_next[i].v),
				     prev ? &prev->v : NULL, k.mnt_ns,
				     interval, &b->raw);
		if (r <= 0)
			continue;
		for (j = 0; j < NSW_AGG_COUNT; j++)
			d.held += b->raw.agg.calls[j];
		r = pipeline_handle(b->p, &b->raw);
		if (r < 0)
			log_ratelimited(LOG_LVL_DEBUG, "bpf-handle",
					"aggregate of mount namespace %u not "
					"handled: %s", k.mnt_ns, strerror(-r));
	}
	prev = b->seen;
	b->seen = b->seen_next;
	b->seen_next = (struct flood_seen *)prev;
	b->n_seen = n;
	if (d.held)
		pipeline_add_stats(b->p, &d);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- tamper ----------------------------------------------------------- */

/*
 * Are all our programs still attached through our links?  The kernel
 * refuses BPF_LINK_DETACH for raw tracepoint and perf event links
 * (`bpftool link detach` fails with EOPNOTSUPP), so this catches what a
 * kernel that allows it would let another root process do.  The name of
 * the first detached program in *name.
 */
static bool links_intact(struct backend *b, const char **name)
{
	const struct bpf_object_skeleton *sk = b->skel->skeleton;
	int i;

	for (i = 0; i < sk->prog_cnt; i++) {
		const struct bpf_prog_skeleton *ps = (const void *)
			((const char *)sk->progs + (size_t)i * sk->prog_skel_sz);
		struct bpf_link *l = *ps->link;
		struct bpf_prog_info pi;
		struct bpf_link_info li;
		__u32 pl = sizeof(pi), ll = sizeof(li);

		if (!l || bpf_link__fd(l) < 0)
			continue;	/* not loaded (other hook set, LSM) */
		memset(&pi, 0, sizeof(pi));
		memset(&li, 0, sizeof(li));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(*ps->prog), &pi,
					    &pl) < 0 ||
		    bpf_obj_get_info_by_fd(bpf_link__fd(l), &li, &ll) < 0 ||
		    li.prog_id != pi.id) {
			*name = ps->name;
			return false;
		}
	}
	return true;
}

/*
 * The kernel's host namespace map against the pipeline's set.  An entry
 * the set lacks was written by another process (any root process can
 * open our maps by id): it would make a container's namespace a host one
 * and its processes exempt from enforcement, so it is reported and
 * removed.  An entry the map lacks may be one the kernel removed at
 * creation while its record waits in the ring buffer: reported when it
 * is still missing at the next check, but not put back (if that record
 * was lost, the namespace may be a container's that reused the inode
 * number: a host namespace judged lateral is the safer mistake).
 */
static void host_map_check(struct backend *b)
{
	const struct inum_set *hs = pipeline_host_set(b->p);
	struct bpf_map *m = b->skel->maps.host_ns_set;
	struct inum_set now_missing = { 0 };
	__u32 key, next, *prev = NULL, extra_first = 0;
	unsigned int extra = 0, gone = 0;
	size_t i;
	char msg[200];

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (inum_set_has(hs, key))
			continue;
		if (!extra++)
			extra_first = key;
		/* deleting the current key: start the walk again */
		if (bpf_map__delete_elem(m, &key, sizeof(key), 0) == 0)
			prev = NULL;
	}
	for (i = 0; i < hs->n && i < NSW_BPF_HOST_NS_MAX; i++) {
		key = hs->v[i];
		if (inum_set_has(&b->lost, key) ||
		    bpf_map__lookup_elem(m, &key, sizeof(key), &next,
					 sizeof(next), 0) == 0)
			continue;
		if (!inum_set_has(&b->missing, key)) {
			inum_set_add(&now_missing, key);
			continue;
		}
		gone++;
		inum_set_add(&b->lost, key);
	}
	inum_set_clear(&b->missing);
	b->missing = now_missing;
	if (extra) {
		snprintf(msg, sizeof(msg), "eBPF host namespace map written "
			 "by another process: %u namespace%s made host "
			 "namespaces (first %u), removed", extra,
			 extra == 1 ? "" : "s", extra_first);
		pipeline_tamper(b->p, msg);
	}
	if (gone) {
		snprintf(msg, sizeof(msg), "eBPF host namespace map written "
			 "by another process, or a namespace record lost: %u "
			 "host namespace%s removed", gone, gone == 1 ? "" : "s");
		pipeline_tamper(b->p, msg);
	}
}

static void tamper_check(struct backend *b)
{
	const char *name = "?";
	char msg[160];

	if (!b->links_reported && !links_intact(b, &name)) {
		b->links_reported = true;
		snprintf(msg, sizeof(msg), "eBPF program %s is no longer "
			 "attached: its events are not seen", name);
		pipeline_tamper(b->p, msg);
	}
	host_map_check(b);
}

static int bpf_run(struct backend *b, volatile sig_atomic_t *stop)
{
	struct nsw_stats d;
	uint64_t now, next_drops = 0;
	int r, timeout = POLL_MS;

	while (!*stop) {
		r = ring_buffer__poll(b->rb, timeout);
		/* a timeout consumes nothing: records queued without a
		 * wakeup (the tail of a burst) are taken here */
		if (r == 0)
			r = ring_buffer__consume(b->rb);
		if (r < 0 && r != -EINTR) {
			log_err("eBPF ring buffer poll: %s", strerror(-r));
			return r;
		}
		timeout = r > 0 ? WAKE_DELAY_MS + 1 : POLL_MS;
		/* the drop counters cost a map read per record type and
		 * CPU: at most every DROPS_MS (and at the end, bpf_stats) */
		now = mono_ms();
		if (now >= next_drops) {
			next_drops = now + DROPS_MS;
			tamper_check(b);
			memset(&d, 0, sizeof(d));
			d.ringbuf_drops = take_drops(b);
			if (d.ringbuf_drops) {
				pipeline_add_stats(b->p, &d);
				log_ratelimited(LOG_LVL_WARN, "bpf-drops",
						"eBPF ring buffer full: %llu "
						"records lost", (unsigned long long)
						d.ringbuf_drops);
			}
			report_floods(b, now);
		}
		pipeline_tick(b->p);
	}
	/* what is already queued or counted still counts */
	r = ring_buffer__consume(b->rb);
	report_floods(b, mono_ms());
	return r < 0 ? r : 0;
}

static void bpf_stats(struct backend *b, struct nsw_stats *st)
{
	st->ringbuf_drops += take_drops(b);
}

/* ---- host namespaces ------------------------------------------------ */

/* Mirror one change of the pipeline's host namespace set into the
 * kernel's host_ns_set map. */
static void host_set_changed(void *arg, uint32_t inum, bool added)
{
	struct backend *b = arg;
	struct bpf_map *m = b->skel->maps.host_ns_set;
	__u32 key = inum, one = 1;
	int r;

	if (added) {
		r = bpf_map__update_elem(m, &key, sizeof(key), &one,
					 sizeof(one), BPF_ANY);
	} else {
		r = bpf_map__delete_elem(m, &key, sizeof(key), 0);
		if (r == -ENOENT)
			r = 0;	/* the kernel removed it at creation */
	}
	if (r < 0)
		log_ratelimited(LOG_LVL_WARN, "bpf-host-ns", "host namespace "
				"%u not %s the kernel's set: %s", inum,
				added ? "added to" : "removed from",
				strerror(-r));
}

/* The whole set, before the programs are attached. */
static int host_set_load(struct backend *b)
{
	const struct inum_set *hs = pipeline_host_set(b->p);
	size_t i;

	if (hs->n > NSW_BPF_HOST_NS_MAX)
		log_warn("%zu host namespaces, the kernel keeps %d: the rest "
			 "are not host namespaces for enforcement", hs->n,
			 NSW_BPF_HOST_NS_MAX);
	for (i = 0; i < hs->n && i < NSW_BPF_HOST_NS_MAX; i++) {
		__u32 key = hs->v[i], one = 1;
		int r = bpf_map__update_elem(b->skel->maps.host_ns_set, &key,
					     sizeof(key), &one, sizeof(one),
					     BPF_ANY);

		if (r < 0)
			return r;
	}
	return 0;
}

/* The one cleanup path: detach, unload, free. */
static void backend_free(struct backend *b)
{
	if (!b)
		return;
	if (b->p)
		pipeline_set_host_set_hook(b->p, NULL, NULL);
	ring_buffer__free(b->rb);
	nswatch_bpf__destroy(b->skel);
	inum_set_clear(&b->missing);
	inum_set_clear(&b->lost);
	free(b->drop_vals);
	free(b->seen);
	free(b->seen_next);
	free(b);
}

static int try_hooks(struct backend *b, const struct nsw_options *o,
		     enum hooks h, const struct nsw_ns_set *host, bool lsm,
		     char *why, size_t whylen)
{
	int r;

	r = open_load(o, h, host, lsm, &b->skel, why, whylen);
	if (r < 0)
		return r;
	r = host_set_load(b);
	if (r < 0) {
		reason(why, whylen, "cannot fill the host namespace map", r);
		goto err_destroy;
	}
	bpf_libbpf_log_reset();
	r = nswatch_bpf__attach(b->skel);
	if (r) {
		r = r < 0 ? r : -EINVAL;
		reason(why, whylen, h == HOOKS_RAW ?
		       "cannot attach raw syscall hooks" :
		       "cannot attach syscall tracepoints (tracefs mounted?)",
		       r);
		goto err_destroy;
	}
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_sample,
				 b, NULL);
	if (!b->rb) {
		r = errno ? -errno : -ENOMEM;
		reason(why, whylen, "cannot map the ring buffer", r);
		goto err_destroy;
	}
	b->hooks = h;
	return 0;

err_destroy:
	nswatch_bpf__destroy(b->skel);
	b->skel = NULL;
	return r;
}

/*
 * Whether BPF LSM programs can take effect: an LSM program loads and
 * attaches even when "bpf" is not among the active LSMs, and then never
 * runs.  false with the reason when the list says so; true when it lists
 * bpf or cannot be read (securityfs not mounted: loading will tell).
 */
static bool lsm_listed(char *why, size_t whylen)
{
	char buf[512], *tok, *save = NULL;
	ssize_t n;
	int fd;

	fd = open(LSM_LIST, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(why, whylen, "\"bpf\" is not in the active LSMs: %.200s",
		 buf);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			return true;
	return false;
}

/*
 * Load and attach hook set h; with enforce_nsenter, first together with
 * the LSM program.  *lsm says whether it is in (on entry: whether to try
 * it); when only the set without it works, lsm_why gets the reason.
 */
static int try_enforce(struct backend *b, const struct nsw_options *o,
		       enum hooks h, const struct nsw_ns_set *host, bool *lsm,
		       char *lsm_why, size_t lsm_whylen, char *why,
		       size_t whylen)
{
	char why_lsm[192] = "";
	int r, r_lsm;

	if (!*lsm)
		return try_hooks(b, o, h, host, false, why, whylen);
	r_lsm = try_hooks(b, o, h, host, true, why_lsm, sizeof(why_lsm));
	if (r_lsm == 0)
		return 0;
	r = try_hooks(b, o, h, host, false, why, whylen);
	if (r == 0) {
		/* the hooks are fine: the LSM program was the problem */
		log_debug("BPF LSM program: %s", why_lsm);
		snprintf(lsm_why, lsm_whylen, "lsm/bprm_check_security: %s",
			 strerror(-r_lsm));
		*lsm = false;
	}
	return r;
}

static int bpf_start(struct backend **out, const struct nsw_options *o,
		     struct pipeline *p, char *why, size_t whylen)
{
	char why_h[HOOKS_COUNT][192] = { "", "" };
	char lsm_why[256] = "";
	enum hooks h, h_first, h_last;
	struct host_ns host;
	struct backend *b;
	bool lsm = o->enforce_nsenter;
	int r;

	*out = NULL;
	r = hooks_range(o, &h_first, &h_last, why, whylen);
	if (r < 0)
		return r;
	memset(&host, 0, sizeof(host));
	r = nsinfo_host(o->procfs, &host);
	if (r < 0 && (o->enforce || o->enforce_nsenter)) {
		snprintf(why, whylen, "enforcement needs the host namespace "
			 "inodes: %s", strerror(-r));
		return r;
	}
	if (r < 0)
		log_warn("host namespaces unknown (%s): the kernel side "
			 "cannot recognise host namespaces", strerror(-r));
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	b->p = p;
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu <= 0) {
		r = b->ncpu < 0 ? b->ncpu : -EINVAL;
		snprintf(why, whylen, "cannot count CPUs: %s", strerror(-r));
		goto err;
	}
	b->drop_vals = calloc((size_t)b->ncpu, sizeof(__u64));
	/* untouched pages of these stay unallocated */
	b->seen = calloc(FLOOD_KEYS, sizeof(*b->seen));
	b->seen_next = calloc(FLOOD_KEYS, sizeof(*b->seen_next));
	if (!b->drop_vals || !b->seen || !b->seen_next) {
		r = -ENOMEM;
		snprintf(why, whylen, "out of memory");
		goto err;
	}
	bpf_libbpf_log_init();
	if (lsm && !lsm_listed(lsm_why, sizeof(lsm_why)))
		lsm = false;
	for (h = h_first; h <= h_last; h++) {
		r = try_enforce(b, o, h, &host.ns, &lsm, lsm_why,
				sizeof(lsm_why), why_h[h], sizeof(why_h[h]));
		if (r == 0)
			break;
		log_debug("eBPF %s hooks unusable: %s", hooks_name(h),
			  why_h[h]);
	}
	if (r < 0) {
		if (h_first == h_last)
			snprintf(why, whylen, "%s", why_h[h_first]);
		else
			snprintf(why, whylen, "%s; %s", why_h[HOOKS_RAW],
				 why_h[HOOKS_TRACEPOINT]);
		goto err;
	}
	pipeline_set_host_set_hook(p, host_set_changed, b);
	log_info("eBPF backend: %s hooks attached%s", hooks_name(b->hooks),
		 o->enforce ? ", enforcing (SIGKILL on setns to the host)" :
			      "");
	if (o->enforce_nsenter && lsm)
		log_info("BPF LSM loaded: exec of nsenter in containers is "
			 "denied (EPERM); nsenter as a busybox/toybox argument "
			 "is killed at exec");
	else if (o->enforce_nsenter)
		log_warn("BPF LSM unavailable (%s): nsenter in containers is "
			 "killed at exec instead of denied", lsm_why);
	*out = b;
	return 0;

err:
	backend_free(b);
	return r;
}

static void bpf_stop(struct backend *b)
{
	backend_free(b);
}

/* kept after start(); cmd-monitor.c drops the rest */
static const int bpf_keep_caps[] = {
	CAP_DAC_OVERRIDE,	/* reopen the output after SIGHUP */
	CAP_DAC_READ_SEARCH,	/* runtime state not owned by root */
	CAP_SYS_PTRACE,		/* /proc/PID/{ns,exe,cwd} of anyone */
};

const struct backend_ops backend_bpf_ops = {
	.name = "bpf",
	.keep_caps = bpf_keep_caps,
	.n_keep_caps = ARRAY_SIZE(bpf_keep_caps),
	.probe = bpf_probe,
	.start = bpf_start,
	.run = bpf_run,
	.stats = bpf_stats,
	.stop = bpf_stop,
};
