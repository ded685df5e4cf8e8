/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "bpf-decode.h"
#include "event.h"
#include "nswatch-events.h"
#include "util.h"

/* The BPF side writes namespaces in enum nsw_ns order. */
#define SAME_SLOT(x) ((int)NSW_BPF_NS_##x == (int)NSW_NS_##x)
_Static_assert((int)NSW_BPF_NS_COUNT == (int)NSW_NS_COUNT, "namespace slots");
_Static_assert(SAME_SLOT(UTS) && SAME_SLOT(IPC) && SAME_SLOT(MNT) &&
	       SAME_SLOT(PID) && SAME_SLOT(PID_FOR_CHILDREN) &&
	       SAME_SLOT(NET) && SAME_SLOT(TIME) &&
	       SAME_SLOT(TIME_FOR_CHILDREN) && SAME_SLOT(CGROUP) &&
	       SAME_SLOT(USER), "namespace order");

static void set_ns(struct nsw_ns_set *dst, const __u32 *src)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++)
		dst->inum[i] = src[i];
}

/* A fixed-size, NUL-padded kernel string, without trusting the NUL. */
static struct nsw_bytes fixed_str(const char *p, size_t size)
{
	struct nsw_bytes b = { p, strnlen(p, size) };

	return b;
}

static struct nsw_bytes span(const char *p, size_t len)
{
	struct nsw_bytes b = { len ? p : NULL, len };

	return b;
}

static int decode_hdr(const unsigned char *data, size_t len,
		      struct nsw_bpf_hdr *h, struct nsw_raw *raw)
{
	const char *base = (const char *)data;

	if (len < sizeof(*h))
		return -EINVAL;
	memcpy(h, data, sizeof(*h));
	if (h->version != NSW_BPF_ABI_VERSION || h->size != len)
		return -EINVAL;
	raw->ktime_ns = h->ktime_ns;
	raw->start_ns = h->start_ns;
	raw->pid = h->pid;
	raw->tid = h->tid;
	raw->ppid = h->ppid;
	raw->creds_known = h->hflags & NSW_BPF_HF_CREDS;
	if (raw->creds_known) {
		raw->uid = h->uid;
		raw->euid = h->euid;
	}
	raw->auid = (h->hflags & NSW_BPF_HF_AUID) ? h->auid : NSW_AUID_UNSET;
	/* point into the caller's buffer, not the local copy */
	raw->comm = fixed_str(base + offsetof(struct nsw_bpf_hdr, comm),
			      sizeof(h->comm));
	if (h->hflags & NSW_BPF_HF_CGROUP) {
		raw->cgroup_id = h->cgroup_id;
		raw->cgroup_name =
			fixed_str(base + offsetof(struct nsw_bpf_hdr,
						  cgroup_name),
				  sizeof(h->cgroup_name));
	}
	return 0;
}

/* Split the argv area: NUL-terminated strings, the last one possibly cut. */
static void split_args(const char *p, size_t len, struct nsw_raw *raw)
{
	size_t off = 0;

	raw->argc = 0;
	while (off < len) {
		const char *nul = memchr(p + off, '\0', len - off);
		size_t n = nul ? (size_t)(nul - (p + off)) : len - off;

		if (raw->argc == NSW_RAW_MAX_ARGS) {
			raw->args_truncated = true;
			return;
		}
		raw->argv[raw->argc].p = p + off;
		raw->argv[raw->argc].len = n;
		raw->argc++;
		off += n + (nul ? 1 : 0);
	}
}

static int decode_exec(const unsigned char *data, size_t len,
		       struct nsw_raw *raw)
{
	struct nsw_bpf_exec e;
	const char *d;
	size_t need;

	if (len < sizeof(e))
		return -EINVAL;
	memcpy(&e, data, sizeof(e));
	if (e.binary_len >= NSW_BPF_PATH_MAX ||
	    e.args_len >= NSW_BPF_ARGS_MAX || e.cwd_len >= NSW_BPF_PATH_MAX)
		return -EINVAL;
	need = sizeof(e) + (size_t)e.binary_len + e.args_len + e.cwd_len;
	if (len != need)
		return -EINVAL;
	d = (const char *)data + sizeof(e);

	raw->type = NSW_RAW_EXEC;
	raw->binary = span(d, e.binary_len);
	split_args(d + e.binary_len, e.args_len, raw);
	if ((e.eflags & NSW_BPF_EF_ARGS_TRUNC) || e.argc > (__u32)raw->argc)
		raw->args_truncated = true;
	raw->cwd = span(d + e.binary_len + e.args_len, e.cwd_len);
	raw->caps_known = e.eflags & NSW_BPF_EF_CAPS;
	if (raw->caps_known) {
		raw->cap_permitted = e.cap_permitted;
		raw->cap_effective = e.cap_effective;
	}
	switch (e.syscall) {
	case NSW_BPF_SC_EXECVE: raw->syscall = NSW_SC_EXECVE; break;
	case NSW_BPF_SC_EXECVEAT: raw->syscall = NSW_SC_EXECVEAT; break;
	case NSW_BPF_SC_NONE: raw->syscall = NSW_SC_NONE; break;
	default: return -EINVAL;
	}
	/* sched_process_exec fires only for an exec that succeeded */
	raw->ret_known = raw->success_known = raw->success = true;
	raw->ret = 0;
	/* the namespaces the process holds after the exec */
	if (e.eflags & NSW_BPF_EF_NS) {
		raw->ns_after_known = true;
		set_ns(&raw->ns_after, e.ns);
	}
	/* enforce_nsenter: SIGKILL sent before the new image ran */
	raw->killed = e.eflags & NSW_BPF_EF_KILLED;
	raw->nsenter_name = e.eflags & NSW_BPF_EF_NSENTER;
	return 0;
}

static int decode_fork(const unsigned char *data, size_t len,
		       struct nsw_raw *raw)
{
	struct nsw_bpf_fork f;

	if (len != sizeof(f))
		return -EINVAL;
	memcpy(&f, data, sizeof(f));
	raw->type = NSW_RAW_FORK;
	/* the child's own namespaces */
	if (f.fflags & NSW_BPF_FF_NS) {
		raw->ns_after_known = true;
		set_ns(&raw->ns_after, f.ns);
	}
	return 0;
}

static int decode_exit(const unsigned char *data, size_t len,
		       struct nsw_raw *raw)
{
	struct nsw_bpf_exit x;

	if (len != sizeof(x))
		return -EINVAL;
	memcpy(&x, data, sizeof(x));
	raw->type = NSW_RAW_EXIT;
	raw->exit_code = (x.exit_code >> 8) & 0xff;
	raw->exit_signal = x.exit_code & 0x7f;
	return 0;
}

static int decode_nscall(const unsigned char *data, size_t len,
			 struct nsw_raw *raw)
{
	struct nsw_bpf_nscall c;

	if (len != sizeof(c))
		return -EINVAL;
	memcpy(&c, data, sizeof(c));
	switch (c.syscall) {
	case NSW_BPF_SC_SETNS: raw->syscall = NSW_SC_SETNS; break;
	case NSW_BPF_SC_UNSHARE: raw->syscall = NSW_SC_UNSHARE; break;
	case NSW_BPF_SC_CLONE: raw->syscall = NSW_SC_CLONE; break;
	case NSW_BPF_SC_CLONE3: raw->syscall = NSW_SC_CLONE3; break;
	default: return -EINVAL;
	}
	if (c.target_kind > NSW_BPF_TGT_BADFD)
		return -EINVAL;
	raw->type = NSW_RAW_NSCALL;
	raw->a0 = c.arg0;
	raw->a1 = c.arg1;
	raw->clone_flags = c.clone_flags;
	raw->ret_known = true;
	raw->ret = c.ret;
	raw->success_known = true;
	raw->success = c.ret >= 0;
	raw->target_ns_type = c.target_ns_type;
	raw->target_ns_inum = c.target_ns_inum;
	if (c.nflags & NSW_BPF_NF_TARGET_NS) {
		raw->target_ns_known = true;
		set_ns(&raw->target_ns, c.target_ns);
	}
	if (c.nflags & NSW_BPF_NF_BEFORE) {
		raw->ns_before_known = true;
		set_ns(&raw->ns_before, c.ns_before);
	}
	if (c.nflags & NSW_BPF_NF_AFTER) {
		raw->ns_after_known = true;
		set_ns(&raw->ns_after, c.ns_after);
	}
	raw->child_pid = c.child_pid;
	raw->killed = c.nflags & NSW_BPF_NF_KILLED;
	/* clone3 whose clone_args the program could not read: the call may
	 * have made namespaces, which flags we cannot say */
	if (c.syscall == NSW_BPF_SC_CLONE3 && (c.nflags & NSW_BPF_NF_FLAGS_ERR))
		raw->flags_unknown = true;
	return 0;
}

static int decode_escall(const unsigned char *data, size_t len,
			 struct nsw_raw *raw)
{
	struct nsw_bpf_escall c;

	if (len != sizeof(c))
		return -EINVAL;
	memcpy(&c, data, sizeof(c));
	switch (c.syscall) {
	case NSW_BPF_SC_INIT_MODULE: raw->syscall = NSW_SC_INIT_MODULE; break;
	case NSW_BPF_SC_FINIT_MODULE: raw->syscall = NSW_SC_FINIT_MODULE; break;
	case NSW_BPF_SC_BPF: raw->syscall = NSW_SC_BPF; break;
	case NSW_BPF_SC_PERF_EVENT_OPEN:
		raw->syscall = NSW_SC_PERF_EVENT_OPEN;
		break;
	case NSW_BPF_SC_OPEN_BY_HANDLE_AT:
		raw->syscall = NSW_SC_OPEN_BY_HANDLE_AT;
		break;
	default: return -EINVAL;
	}
	if (c.nargs > 3)
		return -EINVAL;
	raw->type = NSW_RAW_SYSCALL;
	raw->a0 = c.args[0];
	raw->a1 = c.args[1];
	raw->a2 = c.args[2];
	raw->n_args = (int)c.nargs;
	raw->ret_known = true;
	raw->ret = c.ret;
	raw->success_known = true;
	raw->success = c.ret >= 0;
	raw->killed = c.nflags & NSW_BPF_NF_KILLED;
	return 0;
}

int bpf_decode(const void *data, size_t len, struct nsw_raw *raw)
{
	struct nsw_bpf_hdr h;
	int r;

	memset(raw, 0, sizeof(*raw));
	if (!data)
		return -EINVAL;
	r = decode_hdr(data, len, &h, raw);
	if (r == 0) {
		switch (h.type) {
		case NSW_BPF_REC_EXEC:
			r = decode_exec(data, len, raw);
			break;
		case NSW_BPF_REC_FORK:
			r = decode_fork(data, len, raw);
			break;
		case NSW_BPF_REC_EXIT:
			r = decode_exit(data, len, raw);
			break;
		case NSW_BPF_REC_NSCALL:
			r = decode_nscall(data, len, raw);
			break;
		case NSW_BPF_REC_ESCALL:
			r = decode_escall(data, len, raw);
			break;
		default:
			r = -EINVAL;
			break;
		}
	}
	if (r < 0)
		memset(raw, 0, sizeof(*raw));
	return r;
}

/* The header of a `floods` value, when it is not being rewritten. */
static bool flood_hdr(const unsigned char *v, size_t len, struct nsw_raw *raw)
{
	struct nsw_bpf_hdr h;

	memcpy(&h, v, sizeof(h));
	if (h.type != NSW_BPF_REC_FLOOD)
		return false;
	return decode_hdr(v, len, &h, raw) == 0;
}

int bpf_decode_flood(const void *cur, size_t len, const void *prev,
		     uint32_t mnt_ns, uint32_t interval_ms,
		     struct nsw_raw *raw)
{
	struct nsw_bpf_flood c, p;
	bool any = false, reset = false;
	int i;

	memset(raw, 0, sizeof(*raw));
	if (!cur || len != sizeof(c))
		return -EINVAL;
	memcpy(&c, cur, sizeof(c));
	memset(&p, 0, sizeof(p));
	if (prev)
		memcpy(&p, prev, sizeof(p));
	/* an entry evicted and made again starts from zero */
	for (i = 0; i < NSW_BPF_FL_COUNT; i++)
		reset |= c.held[i] < p.held[i] ||
			 c.held_failed[i] < p.held_failed[i];
	reset |= c.dropped < p.dropped;
	if (reset)
		memset(&p, 0, sizeof(p));
	for (i = 0; i < NSW_BPF_FL_COUNT; i++) {
		uint64_t n = c.held[i] - p.held[i];
		uint64_t f = c.held_failed[i] - p.held_failed[i];

		raw->agg.calls[i] = n;
		/* the two counters are bumped one after the other, and read
		 * while they are */
		raw->agg.failed[i] = f > n ? n : f;
		any |= n != 0;
	}
	raw->agg.dropped = c.dropped - p.dropped;
	any |= raw->agg.dropped != 0;
	if (!any) {
		memset(raw, 0, sizeof(*raw));
		return 0;
	}
	if (!flood_hdr(cur, len, raw) && !(prev && !reset &&
					   flood_hdr(prev, len, raw))) {
		raw->pid = raw->tid = 0;
		raw->auid = NSW_AUID_UNSET;
	}
	raw->type = NSW_RAW_AGGREGATE;
	raw->ktime_ns = c.last_ns;
	raw->agg.interval_ms = interval_ms;
	raw->agg.mnt_ns = mnt_ns;
	return 1;
}
