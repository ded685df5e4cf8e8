// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nswatch kernel side: process lifecycle and namespace syscalls, filtered
 * in the kernel and sent over one ring buffer (records: nswatch-events.h).
 *
 * Hooks, all present on every BTF kernel with ring buffers (>= 5.8) and
 * none needing kprobes, fentry/fexit or BPF LSM:
 *   tp_btf/sched_process_exec   exec record (typed bprm: filename, argc)
 *   tp_btf/sched_process_fork   fork record; child namespaces of clone*
 *   tp_btf/sched_process_exit   exit record when the thread group is dead
 *   tp_btf/sys_enter, sys_exit  setns/unshare/clone/clone3, filtered by
 *                               syscall number first; covers ia32 too and
 *                               needs no tracefs, but runs on every syscall
 *   tracepoint/syscalls/...     the same four syscalls through the
 *                               per-syscall tracepoints: cheap for other
 *                               syscalls, needs tracefs, blind to ia32
 *   lsm/bprm_check_security     optional (not autoloaded): deny an
 *                               exec of nsenter in a container with EPERM
 *                               where BPF LSM programs can be loaded
 * User space loads exactly one of the two syscall sets (autoload), and the
 * LSM program only when asked to and able; see src/backend-bpf.c.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "nswatch-events.h"

char LICENSE[] SEC("license") = "GPL";

/* Knobs: see nswatch-events.h. */
const volatile __u32 self_tgid = 0;
const volatile __u32 enforce = 0;
const volatile __u32 enforce_nsenter = 0;
const volatile __u32 enforce_escape = 0;	/* NSW_BPF_EE_* */
const volatile __u32 host_ns[NSW_BPF_NS_COUNT] = {};
const volatile __u64 wake_delay_ns = 0;
const volatile __u64 wake_bytes = 0;
const volatile __u32 rate_limit = 0;
const volatile __u32 rate_limit_total = 0;
const volatile __u64 reserve_avail = 0;

/* Wakeup batching state (see wake_flags); races between CPUs only cost
 * an extra or an early wakeup, never a lost record. */
__u64 last_wake_ns = 0;
__u32 wake_owed = 0;

#define SIGKILL			9
#define EPERM			1
#define EBADF			9
#define EINVAL			22
#define NSFS_MAGIC		0x6e736673
#define PID_FS_MAGIC		0x50494446
#define ANON_INODE_FS_MAGIC	0x09041934
#define CLONE_NEWTIME		0x00000080
#define CLONE_NEWNS		0x00020000
#define CLONE_NEWCGROUP		0x02000000
#define CLONE_NEWUTS		0x04000000
#define CLONE_NEWIPC		0x08000000
#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_NEWNET		0x40000000
#define NS_FLAGS		(CLONE_NEWTIME | CLONE_NEWNS | CLONE_NEWCGROUP | \
				 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
				 CLONE_NEWPID | CLONE_NEWNET)
/* clone(2) keeps the exit signal in the low byte: no CLONE_NEWTIME there */
#define CLONE_NS_FLAGS		(NS_FLAGS & ~CLONE_NEWTIME)

/* v & mask, kept in the code: the compiler may otherwise drop a mask it
 * knows is a no-op, and the verifier then loses the bound */
#define MASKED(v, mask)	({ typeof(v) m_ = (v); barrier_var(m_); m_ & (mask); })

#define PATH_STEPS		96	/* dentries + mount crossings walked */
#define NAME_MAX_B		256

/* Syscall numbers for the raw sys_enter/sys_exit hooks. */
#if defined(__TARGET_ARCH_x86)
#define NR_CLONE	56
#define NR_UNSHARE	272
#define NR_SETNS	308
#define NR_CLONE3	435
#define NR32_CLONE	120
#define NR32_UNSHARE	310
#define NR32_SETNS	346
#define NR32_CLONE3	435
#define X32_SYSCALL_BIT	0x40000000
#define TS_COMPAT	0x0002
#elif defined(__TARGET_ARCH_arm64)
/* asm-generic numbers; aarch32 compat tasks are not classified */
#define NR_CLONE	220
#define NR_UNSHARE	97
#define NR_SETNS	268
#define NR_CLONE3	435
#endif

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);	/* user space may resize before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSW_BPF_REC_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* Held-back namespace calls by mount namespace (nswatch-events.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct nsw_bpf_flood_key);
	__type(value, struct nsw_bpf_flood);
} floods SEC(".maps");

/* All zeros, never written: the initial value of a `floods` entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsw_bpf_flood);
} flood_zero SEC(".maps");

/*
 * Entry state of a namespace syscall, per thread, until its exit.  Where
 * the kernel has task-local storage (knob use_task_storage, set by user
 * space after a probe), in pending_ts: a lookup in the task's own small
 * list, freed with the task.  Else in `pending', keyed by pid_tgid: an
 * update and a delete of a hash entry per call (and a delete at every
 * thread exit) made most of the map cost of a setns storm.  LRU: a thread
 * killed inside the syscall never reaches sys_exit.  User space shrinks
 * the one not used to a single entry (pending_ts becoming a plain hash
 * where task storage is refused); the verifier skips the code that uses
 * it, as the knob is a constant.
 */
const volatile __u32 use_task_storage = 0;
/* Plain loads from BTF task pointers (task_btf() below); user space
 * loads again without them should the verifier refuse them. */
const volatile __u32 fast_reads = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct nsw_bpf_nscall);
} pending SEC(".maps");

struct pending_slot {
	struct nsw_bpf_nscall e;
	__u32 valid;		/* an entry is waiting for its exit */
	__u32 pid_ns;		/* the task's own pid namespace once read (fixed
				 * for its life): spares active_pid_ns()'s
				 * helper calls at its next calls */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending_slot);
} pending_ts SEC(".maps");

struct nscall_scratch {
	struct nsw_bpf_nscall rec;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nscall_scratch);
} nscall_heap SEC(".maps");

/*
 * Namespaces of host (non-container) processes beyond the initial ones in
 * host_ns[] (a host service's private mount namespace, `unshare -m` on the
 * host): key the inode number (unique across namespace types), value 1.
 * Only user space adds entries, for namespaces it has seen a host process
 * create or hold (it knows host processes by their cgroup, which the
 * kernel side cannot tell apart from runc's init before it enters the
 * container); the kernel deletes every namespace a syscall creates, so an
 * inode number freed by a host namespace and handed again to a
 * container's new one is never taken for the host's.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSW_BPF_HOST_NS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} host_ns_set SEC(".maps");

/*
 * Exec assembly area.  out[] is sized so that each packed piece can be
 * written at a masked offset: binary at 0 (< 4096), args after it
 * (offset < 4096, < 4096 bytes), cwd after both (offset < 8192).
 */
#define OUT_SIZE	(NSW_BPF_PATH_MAX + NSW_BPF_ARGS_MAX + NSW_BPF_PATH_MAX)

#define REC_BUF		16384	/* >= sizeof(exec) + OUT_SIZE, power of 2 */
_Static_assert(REC_BUF >= sizeof(struct nsw_bpf_exec) + OUT_SIZE, "REC_BUF");

struct exec_scratch {
	char rec[REC_BUF];
	char cwd[NSW_BPF_PATH_MAX + NAME_MAX_B];
	char file[NSW_BPF_PATH_MAX + NAME_MAX_B];	/* bprm->file's path */
	char arg[NAME_MAX_B];	/* argv[0], then argv[1] (enforce_nsenter) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} exec_heap SEC(".maps");

/* File name the LSM program checks (bprm->filename). */
struct lsm_scratch {
	char path[NSW_BPF_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lsm_scratch);
} lsm_heap SEC(".maps");

/* Kernels from 6.18 keep the namespace type in ns_common->ns_type,
 * earlier ones in ns_common->ops->type.  Both as flavours, so the program
 * builds against either kind of vmlinux header (x86: 6.18, arm64: 6.1). */
struct ns_common___new {
	unsigned int ns_type;
} __attribute__((preserve_access_index));

struct proc_ns_operations___old {
	int type;
} __attribute__((preserve_access_index));

struct ns_common___old {
	const struct proc_ns_operations___old *ops;
} __attribute__((preserve_access_index));

static __always_inline void count_drop(__u32 type)
{
	__u64 *c = bpf_map_lookup_elem(&drops, &type);

	if (c)
		(*c)++;
}

/*
 * Ring-buffer submit flags for a record made at `now`.  Waking the reader
 * costs the producing task more than the rest of a record (an irq_work,
 * a cross-CPU wakeup: ~12 us per record on our VMs), so with the knob
 * wake_delay_ns set, routine records (exec, fork, exit, namespace calls
 * of host processes) are queued without a wakeup unless the last wakeup
 * is older than wake_delay_ns, or than wake_delay_ns / 8 with wake_bytes
 * waiting; urgent ones (records that can carry an alert: namespace calls
 * of processes in containers, escapes, kills, nsenter) always wake.
 * After records went out without one, a wakeup must be
 * forced: the kernel's own rule (wake when the reader had caught up)
 * would see a reader that is behind and stay silent.  The reader also
 * polls with a timeout of about wake_delay_ns, which picks up the tail
 * of a burst.
 */
static __always_inline __u64 wake_flags(__u64 now, bool urgent)
{
	__u64 since = now - last_wake_ns;

	if (!wake_delay_ns)
		return 0;
	/* wake_bytes waiting: a reader that is behind is woken again, but
	 * not for every record (a setns storm queues 600 000 a second, and
	 * each forced wakeup cost the caller as much as before batching) */
	if (urgent || since >= wake_delay_ns ||
	    (since >= wake_delay_ns / 8 &&
	     bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes)) {
		last_wake_ns = now;
		if (wake_owed) {
			wake_owed = 0;
			return BPF_RB_FORCE_WAKEUP;
		}
		return 0;
	}
	wake_owed = 1;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline bool is_self(__u32 tgid)
{
	return self_tgid && tgid == self_tgid;
}

static __always_inline __u32 ns_slot_of(__u32 flag)
{
	switch (flag) {
	case CLONE_NEWUTS: return NSW_BPF_NS_UTS;
	case CLONE_NEWIPC: return NSW_BPF_NS_IPC;
	case CLONE_NEWNS: return NSW_BPF_NS_MNT;
	case CLONE_NEWPID: return NSW_BPF_NS_PID;
	case CLONE_NEWNET: return NSW_BPF_NS_NET;
	case CLONE_NEWTIME: return NSW_BPF_NS_TIME;
	case CLONE_NEWCGROUP: return NSW_BPF_NS_CGROUP;
	case CLONE_NEWUSER: return NSW_BPF_NS_USER;
	default: return NSW_BPF_NS_COUNT;
	}
}

#include "task.bpf.h"

/* The current thread's pending entry, or NULL. */
static __always_inline struct nsw_bpf_nscall *pend_get(__u64 pid_tgid)
{
	struct pending_slot *ps;

	if (!use_task_storage)
		return bpf_map_lookup_elem(&pending, &pid_tgid);
	ps = bpf_task_storage_get(&pending_ts, cur_task(), NULL, 0);
	return ps && ps->valid ? &ps->e : NULL;
}

/* e, from pend_get(), is done with: no second storage lookup. */
static __always_inline void pend_done(__u64 pid_tgid, struct nsw_bpf_nscall *e)
{
	if (use_task_storage)
		((struct pending_slot *)e)->valid = 0;
	else
		bpf_map_delete_elem(&pending, &pid_tgid);
}

/* Room for a new entry of the current thread, zeroed: its own slot, or
 * this CPU's scratch that pend_put() then copies into the hash. */
static __always_inline struct nsw_bpf_nscall *pend_new(void)
{
	struct nscall_scratch *s;
	struct pending_slot *ps;
	__u32 zero = 0;

	if (use_task_storage) {
		ps = bpf_task_storage_get(&pending_ts, cur_task(), NULL,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!ps)
			return NULL;
		ps->valid = 0;
		__builtin_memset(&ps->e, 0, sizeof(ps->e));
		return &ps->e;
	}
	s = bpf_map_lookup_elem(&nscall_heap, &zero);
	if (!s)
		return NULL;
	__builtin_memset(&s->rec, 0, sizeof(s->rec));
	return &s->rec;
}

/* e, from pend_new(), is complete: it waits for the exit. */
static __always_inline void pend_put(__u64 pid_tgid, struct nsw_bpf_nscall *e)
{
	if (use_task_storage)
		((struct pending_slot *)e)->valid = 1;
	else
		bpf_map_update_elem(&pending, &pid_tgid, e, BPF_ANY);
}

#include "hdr.bpf.h"
#include "flood.bpf.h"
#include "path.bpf.h"
#include "exec-name.bpf.h"

/*
 * The task's start as the exec_id's time: its thread group leader's
 * start_boottime, which /proc/<pid>/stat shows (in clock ticks) and which
 * every monitor reads alike; a clock read here would differ between two
 * monitors and across a restart.  (An exec from another thread takes
 * over the leader's start.)  0 before 5.5 (no start_boottime).
 */
static __always_inline __u64 task_start_ns(struct task_struct *t)
{
	if (!bpf_core_field_exists(t->start_boottime))
		return 0;
	return BPF_CORE_READ(t, group_leader, start_boottime);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(nsw_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u32 zero = 0, tgid = BPF_CORE_READ(task, tgid);
	struct exec_scratch *s;
	struct nsw_bpf_exec *rec;
	char *out;
	const char *fname;
	struct fs_struct *fs;
	struct mm_struct *mm;
	const struct cred *cred;
	__u32 bin_len = 0, args_len = 0, cwd_len = 0, cwd_start = 0, off, size;
	unsigned long arg_start, arg_end;
	long n;
	int cwd;
	bool urgent;

	if (is_self(tgid))
		return 0;
	s = bpf_map_lookup_elem(&exec_heap, &zero);
	if (!s)
		return 0;
	rec = (struct nsw_bpf_exec *)s->rec;
	out = s->rec + sizeof(struct nsw_bpf_exec);
	__builtin_memset(rec, 0, sizeof(*rec));
	fill_hdr(&rec->hdr, task, NSW_BPF_REC_EXEC, 0);
	rec->hdr.start_ns = task_start_ns(task);

	cred = BPF_CORE_READ(task, real_cred);
	if (cred) {
		/* kernel_cap_t is u32[2] before 6.3 and u64 since: the same
		 * 8 little-endian bytes either way */
		bpf_core_read(&rec->cap_permitted, 8, &cred->cap_permitted);
		bpf_core_read(&rec->cap_effective, 8, &cred->cap_effective);
		rec->eflags |= NSW_BPF_EF_CAPS;
	}
	if (read_ns(task, rec->ns))
		rec->eflags |= NSW_BPF_EF_NS;
	fname = BPF_CORE_READ(bprm, filename);
	rec->syscall = exec_syscall(bprm, fname);
	rec->argc = BPF_CORE_READ(bprm, argc);

	/* cwd first: a relative binary name is joined to it */
	fs = BPF_CORE_READ(task, fs);
	cwd = -1;
	if (fs)
		cwd = resolve_path(RP_CWD, &fs->pwd, &fs->root, &cwd_start);
	if (cwd > 0 && cwd < NSW_BPF_PATH_MAX)
		cwd_len = cwd;
	else
		rec->eflags |= NSW_BPF_EF_CWD_ERR;

	/* binary: the name given to exec, made absolute; a name that names
	 * no file (/proc/self/exe, /dev/fd/N of fexecve: runc init, busybox
	 * re-exec) is replaced by the path of the file exec opened, now:
	 * /proc/<pid>/exe read later can already show another mount
	 * namespace's view */
	n = bpf_probe_read_kernel_str(out, NSW_BPF_PATH_MAX, fname);
	if (n > 0 && is_indirect(out) && fs) {
		struct file *file = BPF_CORE_READ(bprm, file);
		__u32 fstart = 0;
		int flen = file ? resolve_path(RP_FILE,
					       (struct path *)&file->f_path,
					       &fs->root, &fstart) : -1;

		if (flen > 0 && flen < NSW_BPF_PATH_MAX - 1) {
			bpf_probe_read_kernel(out,
					      MASKED(flen, NSW_BPF_PATH_MAX - 1),
					      &s->file[MASKED(fstart,
							      PATH_END)]);
			out[MASKED(flen, NSW_BPF_PATH_MAX - 1)] = '\0';
			n = flen + 1;
			rec->eflags |= NSW_BPF_EF_BIN_FILE;
		}
	}
	if (n > 0 && out[0] != '/' && cwd_len) {
		__u32 pos = cwd_len;
		const char *rel = fname;
		char c0 = out[0], c1 = out[1];

		if (c0 == '.' && c1 == '/')
			rel += 2;
		bpf_probe_read_kernel(out, MASKED(cwd_len, NSW_BPF_PATH_MAX - 1),
				      &s->cwd[MASKED(cwd_start, PATH_END)]);
		if (pos > 1) {
			out[pos & (NSW_BPF_PATH_MAX - 1)] = '/';
			pos++;
		}
		pos = MASKED(pos, NSW_BPF_PATH_MAX - 1);
		n = bpf_probe_read_kernel_str(&out[pos],
					      NSW_BPF_PATH_MAX - pos, rel);
		if (n > 0)
			n += pos;
	} else if (n > 0 && out[0] != '/') {
		rec->eflags |= NSW_BPF_EF_BIN_RELATIVE;
	}
	if (n > 0) {
		bin_len = n - 1;
		if (bin_len >= NSW_BPF_PATH_MAX - 1) {
			bin_len = NSW_BPF_PATH_MAX - 1;
			rec->eflags |= NSW_BPF_EF_BIN_TRUNC;
		}
	}

	/* argv, as laid out in the new process's memory */
	mm = BPF_CORE_READ(task, mm);
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	if (arg_end > arg_start) {
		unsigned long want = arg_end - arg_start;

		if (want > NSW_BPF_ARGS_MAX - 1) {
			want = NSW_BPF_ARGS_MAX - 1;
			rec->eflags |= NSW_BPF_EF_ARGS_TRUNC;
		}
		off = MASKED(bin_len, NSW_BPF_PATH_MAX - 1);
		args_len = MASKED(want, NSW_BPF_ARGS_MAX - 1);
		if (bpf_probe_read_user(&out[off], args_len,
					(const void *)arg_start)) {
			args_len = 0;
			rec->eflags |= NSW_BPF_EF_ARGS_ERR;
		}
	} else {
		rec->eflags |= NSW_BPF_EF_ARGS_ERR;
	}

	if (cwd_len) {
		off = MASKED(bin_len + args_len, 2 * NSW_BPF_PATH_MAX - 1);
		bpf_probe_read_kernel(&out[off],
				      MASKED(cwd_len, NSW_BPF_PATH_MAX - 1),
				      &s->cwd[MASKED(cwd_start, PATH_END)]);
	}

	/* nothing of the new image has run yet: a SIGKILL now is delivered
	 * on the way back to user space */
	if ((rec->eflags & NSW_BPF_EF_NS) && ns_contained(rec->ns) &&
	    exec_is_nsenter(s, out, bin_len, arg_start, arg_end)) {
		/* user space sees argv only up to NSW_BPF_ARGS_MAX */
		rec->eflags |= NSW_BPF_EF_NSENTER;
		if (enforce_nsenter && !bpf_send_signal(SIGKILL))
			rec->eflags |= NSW_BPF_EF_KILLED;
	}

	rec->binary_len = bin_len;
	rec->args_len = args_len;
	rec->cwd_len = cwd_len;
	size = sizeof(*rec) + bin_len + args_len + cwd_len;
	rec->hdr.size = size;
	if (size > sizeof(struct nsw_bpf_exec) + OUT_SIZE)
		return 0;
	urgent = (rec->eflags & (NSW_BPF_EF_KILLED | NSW_BPF_EF_NSENTER)) ||
		 BASE_IS(out, bin_len, NSW_BPF_PATH_MAX - 1, "nsenter");
	/* execs keep out of the room left for escapes */
	if ((urgent ? ring_crowded_urgent() : ring_crowded()) ||
	    bpf_ringbuf_output(&events, s->rec, MASKED(size, REC_BUF - 1),
			       wake_flags(rec->hdr.ktime_ns, urgent))) {
		count_drop(NSW_BPF_REC_EXEC);
		if (rec->eflags & NSW_BPF_EF_NS)
			flood_dropped(rec->ns[NSW_BPF_NS_MNT]);
	}
	return 0;
}

/*
 * A child in namespaces of its own although no namespace call of the
 * parent is pending: a clone3 whose flags another thread changed after
 * the entry hook read them (a clone(2)'s are in a register; fork and
 * vfork make none).  Report it as a clone3 of unknown flags, completed at
 * its syscall exit like any other.  Namespaces are compared by inode, not
 * by nsproxy: a parent whose time namespace for children differs gets a
 * new nsproxy on every fork.
 */
static __always_inline void fork_made_ns(struct task_struct *parent,
					 struct task_struct *child,
					 __u64 pid_tgid, __u32 child_tgid)
{
	struct nsw_bpf_nscall *e;
	__u32 c[NSW_BPF_NS_COUNT] = {};
	bool made;

	if (task_btf() ?
	    child->nsproxy == parent->nsproxy &&
	    child->real_cred->user_ns == parent->real_cred->user_ns :
	    BPF_CORE_READ(child, nsproxy) == BPF_CORE_READ(parent, nsproxy) &&
	    BPF_CORE_READ(child, real_cred, user_ns) ==
	    BPF_CORE_READ(parent, real_cred, user_ns))
		return;
	if (is_self(pid_tgid >> 32))
		return;
	e = pend_new();
	if (!e)
		return;
	if (!read_ns(parent, e->ns_before) || !read_ns(child, c))
		return;
	made = c[NSW_BPF_NS_UTS] != e->ns_before[NSW_BPF_NS_UTS] ||
	       c[NSW_BPF_NS_IPC] != e->ns_before[NSW_BPF_NS_IPC] ||
	       c[NSW_BPF_NS_MNT] != e->ns_before[NSW_BPF_NS_MNT] ||
	       c[NSW_BPF_NS_NET] != e->ns_before[NSW_BPF_NS_NET] ||
	       c[NSW_BPF_NS_CGROUP] != e->ns_before[NSW_BPF_NS_CGROUP] ||
	       c[NSW_BPF_NS_USER] != e->ns_before[NSW_BPF_NS_USER] ||
	       c[NSW_BPF_NS_PID] !=
			e->ns_before[NSW_BPF_NS_PID_FOR_CHILDREN] ||
	       c[NSW_BPF_NS_TIME] !=
			e->ns_before[NSW_BPF_NS_TIME_FOR_CHILDREN];
	if (!made)
		return;
	e->syscall = NSW_BPF_SC_CLONE3;
	e->nflags = NSW_BPF_NF_BEFORE | NSW_BPF_NF_FLAGS_ERR;
	e->enter_ktime_ns = bpf_ktime_get_boot_ns();
	e->child_pid = child_tgid;
	pend_put(pid_tgid, e);
}

/* clone/clone3 that made namespaces: the child's new ones are not (yet)
 * host namespaces (see host_ns_set and nscall_exit_check). */
static __always_inline void forget_child_ns(const struct nsw_bpf_nscall *pend,
					    struct task_struct *child)
{
	__u32 ns[NSW_BPF_NS_COUNT] = {};
	__u32 i, inum;

	if (!(pend->nflags & NSW_BPF_NF_BEFORE) || !read_ns(child, ns))
		return;
	for (i = 0; i < NSW_BPF_NS_COUNT; i++) {
		inum = ns[i];
		/* the child's pid/time namespaces are the parent's
		 * *_for_children ones unless this clone made them */
		if (!inum || inum == pend->ns_before[i] ||
		    (i == NSW_BPF_NS_PID &&
		     inum == pend->ns_before[NSW_BPF_NS_PID_FOR_CHILDREN]) ||
		    (i == NSW_BPF_NS_TIME &&
		     inum == pend->ns_before[NSW_BPF_NS_TIME_FOR_CHILDREN]))
			continue;
		bpf_map_delete_elem(&host_ns_set, &inum);
	}
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(nsw_fork, struct task_struct *parent, struct task_struct *child)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nsw_bpf_nscall *pend;
	struct nsw_bpf_fork *rec;
	__u32 child_tgid = BPF_CORE_READ(child, tgid);

	/* clone/clone3 creating namespaces: name the child in its record
	 * (the child's namespaces travel in its fork record) */
	pend = pend_get(pid_tgid);
	if (pend && !pend->child_pid &&
	    (pend->syscall == NSW_BPF_SC_CLONE ||
	     pend->syscall == NSW_BPF_SC_CLONE3)) {
		pend->child_pid = child_tgid;
		forget_child_ns(pend, child);
	} else if (!pend) {
		fork_made_ns(parent, child, pid_tgid, child_tgid);
	}

	if (BPF_CORE_READ(child, pid) != child_tgid)
		return 0;	/* a thread, not a process */
	if (is_self(child_tgid))
		return 0;
	rec = ring_crowded() ? NULL :
	      bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_drop(NSW_BPF_REC_FORK);
		return 0;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	fill_hdr(&rec->hdr, child, NSW_BPF_REC_FORK, sizeof(*rec));
	rec->hdr.start_ns = task_start_ns(child);
	rec->parent_pid = pid_tgid >> 32;
	rec->parent_tid = (__u32)pid_tgid;
	if (read_ns(child, rec->ns))
		rec->fflags |= NSW_BPF_FF_NS;
	bpf_ringbuf_submit(rec, wake_flags(rec->hdr.ktime_ns, false));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(nsw_exit, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nsw_bpf_exit *rec;

	/* task storage goes with the task */
	if (!use_task_storage)
		bpf_map_delete_elem(&pending, &pid_tgid);
	/* do_exit() drops signal->live before this tracepoint: zero means
	 * this is the last thread of the group */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (is_self(pid_tgid >> 32))
		return 0;
	rec = ring_crowded() ? NULL :
	      bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_drop(NSW_BPF_REC_EXIT);
		return 0;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	fill_hdr(&rec->hdr, task, NSW_BPF_REC_EXIT, sizeof(*rec));
	rec->hdr.start_ns = task_start_ns(task);
	rec->exit_code = BPF_CORE_READ(task, exit_code);
	bpf_ringbuf_submit(rec, wake_flags(rec->hdr.ktime_ns, false));
	return 0;
}

/* The task a struct pid names (pid_task(pid, PIDTYPE_PID)), or NULL. */
static __always_inline struct task_struct *pid_task_of(struct pid *pid)
{
	struct hlist_node *first = BPF_CORE_READ(pid, tasks[0].first);

	if (!first)
		return NULL;
	return (void *)first - bpf_core_field_offset(struct task_struct,
						     pid_links);
}

static __always_inline __u32 ns_common_type(struct ns_common *ns)
{
	struct ns_common___new *nn = (void *)ns;

	if (bpf_core_field_exists(nn->ns_type))
		return BPF_CORE_READ(nn, ns_type);
	return BPF_CORE_READ((struct ns_common___old *)ns, ops, type);
}

/* What the setns fd refers to, read from the caller's fd table. */
static __always_inline void resolve_setns_target(struct task_struct *t,
						 long fd, __u32 nstype,
						 struct nsw_bpf_nscall *e)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fdarr;
	struct file *f = NULL;
	struct inode *inode;
	struct pid *pid = NULL;
	struct task_struct *target;
	unsigned long magic;
	__u32 slot;

	e->target_kind = NSW_BPF_TGT_BADFD;
	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	fdarr = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fdarr[fd]) || !f)
		return;
	inode = BPF_CORE_READ(f, f_inode);
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	if (magic == NSFS_MAGIC) {
		e->target_kind = NSW_BPF_TGT_NSFS;
		e->target_ns_inum = BPF_CORE_READ(inode, i_ino);
		e->target_ns_type =
			ns_common_type(BPF_CORE_READ(inode, i_private));
		return;
	}
	if (magic == PID_FS_MAGIC) {
		pid = BPF_CORE_READ(inode, i_private);
	} else if (magic == ANON_INODE_FS_MAGIC) {
		/* pidfds before pidfs (6.9) are anon inodes named [pidfd] */
		char name[8] = {};

		bpf_probe_read_kernel_str(name, sizeof(name),
					  BPF_CORE_READ(f, f_path.dentry,
							d_name.name));
		if (name[0] == '[' && name[1] == 'p' && name[2] == 'i' &&
		    name[3] == 'd' && name[4] == 'f' && name[5] == 'd' &&
		    name[6] == ']')
			pid = BPF_CORE_READ(f, private_data);
	}
	if (!pid) {
		e->target_kind = NSW_BPF_TGT_OTHER;
		return;
	}
	e->target_kind = NSW_BPF_TGT_PIDFD;
	e->target_ns_type = nstype;
	target = pid_task_of(pid);
	if (!target || !read_ns_probe(target, e->target_ns, 0)) {
		e->target_kind = NSW_BPF_TGT_BADFD;
		return;
	}
	e->nflags |= NSW_BPF_NF_TARGET_NS;
	/* exactly one type asked: name its inode like an nsfs target */
	if (nstype && !(nstype & (nstype - 1))) {
		slot = ns_slot_of(nstype);
		if (slot < NSW_BPF_NS_COUNT)
			e->target_ns_inum = e->target_ns[slot];
	}
}

static __always_inline bool is_host_ns(__u32 slot, __u32 inum)
{
	if (slot >= NSW_BPF_NS_COUNT)
		return false;
	return is_host_inum(inum);
}

/* Enforcement at setns entry (knob `enforce`, off by default). */
static __always_inline void maybe_enforce(struct nsw_bpf_nscall *e)
{
	bool hit = false;
	__u32 m = e->target_ns_type;

	if (!enforce || !(e->nflags & NSW_BPF_NF_BEFORE))
		return;
	if (!ns_contained(e->ns_before))
		return;
	if (e->target_kind == NSW_BPF_TGT_NSFS) {
		hit = is_host_ns(ns_slot_of(m), e->target_ns_inum);
	} else if (e->target_kind == NSW_BPF_TGT_PIDFD &&
		   (e->nflags & NSW_BPF_NF_TARGET_NS)) {
#define HOST_IF(flag, slot) \
	if ((m & (flag)) && is_host_ns(slot, e->target_ns[slot])) \
		hit = true
		HOST_IF(CLONE_NEWUTS, NSW_BPF_NS_UTS);
		HOST_IF(CLONE_NEWIPC, NSW_BPF_NS_IPC);
		HOST_IF(CLONE_NEWNS, NSW_BPF_NS_MNT);
		HOST_IF(CLONE_NEWPID, NSW_BPF_NS_PID);
		HOST_IF(CLONE_NEWNET, NSW_BPF_NS_NET);
		HOST_IF(CLONE_NEWTIME, NSW_BPF_NS_TIME);
		HOST_IF(CLONE_NEWCGROUP, NSW_BPF_NS_CGROUP);
		HOST_IF(CLONE_NEWUSER, NSW_BPF_NS_USER);
#undef HOST_IF
	}
	if (hit && !bpf_send_signal(SIGKILL))
		e->nflags |= NSW_BPF_NF_KILLED;
}

/* --- floods: classes and rate limit (see above) -------------------- */

enum nsc_class {
	NSC_ESCAPE,	/* never held, wakes the reader at once */
	NSC_ALERT,	/* can carry an alert: rate limited, wakes at once */
	NSC_ROUTINE,	/* host process: batched wakeup */
};

/* Did a namespace of the caller change into the host's? */
static __always_inline bool moved_to_host(const __u32 *before,
					  const __u32 *after)
{
	int i;

	for (i = 0; i < NSW_BPF_NS_COUNT; i++)
		if (after[i] != before[i] && is_host_ns(i, after[i]))
			return true;
	return false;
}

static __always_inline int nscall_class(const struct nsw_bpf_nscall *e,
					long ret, const __u32 *after,
					bool after_ok)
{
	if (e->nflags & NSW_BPF_NF_KILLED)
		return NSC_ESCAPE;
	/* without the host's namespaces nothing can be judged: hold none */
	if (!host_ns[NSW_BPF_NS_MNT] && !host_ns[NSW_BPF_NS_PID])
		return NSC_ESCAPE;
	if (!(e->nflags & NSW_BPF_NF_BEFORE))
		return NSC_ESCAPE;
	if (ret >= 0 && e->syscall == NSW_BPF_SC_SETNS &&
	    (!after_ok || moved_to_host(e->ns_before, after)))
		return NSC_ESCAPE;
	if (ns_contained(e->ns_before) || (after_ok && ns_contained(after)))
		return NSC_ALERT;
	return NSC_ROUTINE;
}

/*
 * Did the call make or join a namespace (or may it have: clone3 of
 * unknown flags)?  Such calls have their own budget.
 */
static __always_inline bool nscall_changed(const struct nsw_bpf_nscall *e,
					   long ret, const __u32 *after,
					   bool after_ok)
{
	int i;

	if (e->nflags & NSW_BPF_NF_FLAGS_ERR)
		return true;
	if (ret < 0)
		return false;
	if (e->syscall == NSW_BPF_SC_CLONE || e->syscall == NSW_BPF_SC_CLONE3)
		return true;	/* the child's namespaces are new */
	if (!after_ok)
		return true;
	for (i = 0; i < NSW_BPF_NS_COUNT; i++)
		if (after[i] != e->ns_before[i])
			return true;
	return false;
}

/* May one more record of this mount namespace go out now?  chg: the
 * budget of calls that changed namespaces; total: also within the budget
 * of all containers together (not for host processes, whose no-op calls
 * must not use up the containers' budget). */
static __always_inline bool rate_ok(struct nsw_bpf_flood *f, __u64 now,
				    bool chg, bool total)
{
	__u32 *mine = chg ? &f->window_sent_chg : &f->window_sent;
	__u32 *all = &rl_window_sent[chg ? 1 : 0];

	if (now - f->window_start_ns >= RATE_WINDOW_NS) {
		f->window_start_ns = now;
		f->window_sent = 0;
		f->window_sent_chg = 0;
	}
	if (now - rl_window_start >= RATE_WINDOW_NS) {
		rl_window_start = now;
		rl_window_sent[0] = 0;
		rl_window_sent[1] = 0;
	}
	if (*mine >= rate_limit ||
	    (total && rate_limit_total && *all >= rate_limit_total))
		return false;
	__sync_fetch_and_add(mine, 1);
	if (total)
		__sync_fetch_and_add(all, 1);
	return true;
}

/*
 * Count, instead of sending, a namespace call of class cls when it is
 * held back; true when it was.  chg: see nscall_changed().
 *
 * A host process's call that changed nothing (a setns into a namespace
 * it already holds, a failed call) can carry no alert and tells user
 * space nothing it does not know, yet as a record it cost the caller a
 * ring-buffer record and the reader a decoded, attributed and written
 * line: most of the monitor's cost in a setns storm.  Such calls get the
 * same per mount namespace budget as a container's no-op calls (so a few
 * still show up one by one), and the rest are counted.  A call that made
 * or joined a namespace is never held for a host process (only a full
 * ring buffer holds it), and an escape never.
 */
static __always_inline bool nscall_held(const struct nsw_bpf_nscall *e,
					long ret, int cls, bool chg, __u64 now)
{
	struct nsw_bpf_flood *f;
	__u32 slot;
	bool hold;

	if (cls == NSC_ESCAPE)
		return false;
	hold = ring_crowded();
	if (!hold && cls == NSC_ROUTINE && (chg || !rate_limit))
		return false;
	f = flood_entry(e->ns_before[NSW_BPF_NS_MNT]);
	if (!f)
		return false;
	if (!hold && cls == NSC_ROUTINE)
		hold = !rate_ok(f, now, false, false);
	else if (!hold && rate_limit)
		hold = (!chg && (ret == -EBADF || ret == -EINVAL)) ||
		       !rate_ok(f, now, chg, true);
	if (!hold)
		return false;
	slot = e->syscall == NSW_BPF_SC_SETNS ? NSW_BPF_FL_SETNS :
	       e->syscall == NSW_BPF_SC_UNSHARE ? NSW_BPF_FL_UNSHARE :
						  NSW_BPF_FL_CLONE;
	if (slot >= NSW_BPF_FL_COUNT)
		return false;
	__sync_fetch_and_add(&f->held[slot], 1);
	if (ret < 0)
		__sync_fetch_and_add(&f->held_failed[slot], 1);
	f->last_ns = now;
	flood_sample(f, now);
	return true;
}

/*
 * At syscall exit, before the record is made (so that neither depends on
 * ring-buffer space): read where the caller ended up into e->ns_after,
 * and
 *  - setns: the kernel looked the fd up again after our entry hook did,
 *    so a second task sharing the fd table can dup2() a host namespace
 *    onto it in between and pass the entry check.  What counts is the
 *    result: a container process that now holds a host namespace it did
 *    not hold at entry is sent SIGKILL here, which is delivered before the
 *    return to user space (knob `enforce`);
 *  - unshare: every namespace it made is new, hence not (yet) a host
 *    namespace, whatever a dead namespace with the same inode number was
 *    (host_ns_set).
 */
static __always_inline void nscall_exit_check(struct nsw_bpf_nscall *e)
{
	bool hit = false;
	__u32 i, inum;

	if (!(e->nflags & NSW_BPF_NF_BEFORE) ||
	    !cur_read_ns_pid(e->ns_after, e->ns_before[NSW_BPF_NS_PID]))
		return;
	e->nflags |= NSW_BPF_NF_AFTER;
	for (i = 0; i < NSW_BPF_NS_COUNT; i++) {
		inum = e->ns_after[i];
		if (!inum || inum == e->ns_before[i])
			continue;
		if (e->syscall == NSW_BPF_SC_UNSHARE)
			bpf_map_delete_elem(&host_ns_set, &inum);
		else if (e->syscall == NSW_BPF_SC_SETNS && is_host_inum(inum))
			hit = true;
	}
	if (!hit || !enforce || (e->nflags & NSW_BPF_NF_KILLED) ||
	    !ns_contained(e->ns_before))
		return;
	if (!bpf_send_signal(SIGKILL))
		e->nflags |= NSW_BPF_NF_KILLED | NSW_BPF_NF_KILLED_EXIT;
}

/* Syscall entry: keep state for the exit when the call is one we report. */
static __always_inline int on_enter(__u32 sc, __u64 a0, __u64 a1,
				    bool compat)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *t;
	struct nsw_bpf_nscall *e;
	__u64 flags = 0;
	bool flags_err = false;

	if (is_self(pid_tgid >> 32))
		return 0;
	switch (sc) {
	case NSW_BPF_SC_UNSHARE:
		flags = a0;
		if (!(flags & NS_FLAGS))
			return 0;
		break;
	case NSW_BPF_SC_CLONE:
		flags = a0;
		if (!(flags & CLONE_NS_FLAGS))
			return 0;
		break;
	case NSW_BPF_SC_CLONE3:
		/* struct clone_args starts with the u64 flags */
		if (a1 < sizeof(__u64) ||
		    bpf_probe_read_user(&flags, sizeof(flags), (void *)a0))
			flags_err = true;
		else if (!(flags & NS_FLAGS))
			return 0;
		break;
	default:
		break;
	}

	e = pend_new();
	if (!e)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	e->syscall = sc;
	e->arg0 = a0;
	e->arg1 = a1;
	if (sc == NSW_BPF_SC_SETNS) {
		/* setns(int fd, int nstype): upper register bits are noise */
		e->arg0 = (int)a0;
		e->arg1 = (int)a1;
	} else if (sc != NSW_BPF_SC_CLONE3) {
		e->arg1 = 0;	/* unshare/clone: flags are all we report */
	}
	e->clone_flags = flags;
	e->enter_ktime_ns = bpf_ktime_get_boot_ns();
	if (compat)
		e->nflags |= NSW_BPF_NF_COMPAT;
	if (flags_err)
		e->nflags |= NSW_BPF_NF_FLAGS_ERR;
	if (cur_read_ns_pid(e->ns_before, use_task_storage ?
			    ((struct pending_slot *)e)->pid_ns : 0)) {
		e->nflags |= NSW_BPF_NF_BEFORE;
		if (use_task_storage)
			((struct pending_slot *)e)->pid_ns =
				e->ns_before[NSW_BPF_NS_PID];
	}
	/* The target of a host process's setns is resolved at exit, and
	 * only when the call is sent (target_kind stays TGT_NONE till
	 * then): most of a host setns storm is held (a no-op), and the fd
	 * table walk was a dozen helper calls.  A container process's is
	 * resolved here, before the kernel looks the fd up: what it asked
	 * for is on record even if another thread swaps the fd later. */
	if (sc == NSW_BPF_SC_SETNS &&
	    (!(e->nflags & NSW_BPF_NF_BEFORE) || ns_contained(e->ns_before))) {
		resolve_setns_target(t, (int)a0, (__u32)a1, e);
		maybe_enforce(e);
	}
	pend_put(pid_tgid, e);
	return 0;
}

/* Syscall exit: complete the pending state into a record. */
static __always_inline int on_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nsw_bpf_nscall *e, *rec;
	__u32 after[NSW_BPF_NS_COUNT] = {};
	bool after_ok;
	int cls;

	e = pend_get(pid_tgid);
	/* none, or a stale escape syscall's (escape.bpf.h) */
	if (!e || e->syscall >= NSW_BPF_SC_INIT_MODULE)
		return 0;
	/* enforcement first: a held or dropped record must not spare it */
	nscall_exit_check(e);
	if (e->nflags & NSW_BPF_NF_AFTER) {
		__builtin_memcpy(after, e->ns_after, sizeof(after));
		after_ok = true;
	} else {
		after_ok = cur_read_ns(after);
	}
	cls = nscall_class(e, ret, after, after_ok);
	if (nscall_held(e, ret, cls,
			nscall_changed(e, ret, after, after_ok),
			bpf_ktime_get_boot_ns())) {
		pend_done(pid_tgid, e);
		return 0;
	}
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_drop(NSW_BPF_REC_NSCALL);
		flood_dropped(e->ns_before[NSW_BPF_NS_MNT]);
		pend_done(pid_tgid, e);
		return 0;
	}
	__builtin_memcpy(rec, e, sizeof(*rec));
	pend_done(pid_tgid, e);
	__builtin_memset(&rec->hdr, 0, sizeof(rec->hdr));
	cur_fill_hdr(&rec->hdr, NSW_BPF_REC_NSCALL, sizeof(*rec));
	if (rec->syscall == NSW_BPF_SC_SETNS &&
	    rec->target_kind == NSW_BPF_TGT_NONE)
		resolve_setns_target((struct task_struct *)bpf_get_current_task(),
				     (int)rec->arg0, (__u32)rec->arg1, rec);
	rec->hdr.start_ns =
		task_start_ns((struct task_struct *)bpf_get_current_task());
	rec->ret = ret;
	if (after_ok) {
		__builtin_memcpy(rec->ns_after, after, sizeof(after));
		rec->nflags |= NSW_BPF_NF_AFTER;
	}
	bpf_ringbuf_submit(rec, wake_flags(rec->hdr.ktime_ns,
					   cls != NSC_ROUTINE));
	return 0;
}

#include "escape.bpf.h"

/* --- raw syscall hooks (default) ----------------------------------- */

#if defined(__TARGET_ARCH_x86)
static __always_inline bool task_compat(void)
{
	struct task_struct *t;

	/* a plain load where it can be (every namespace syscall asks) */
	if (task_btf())
		return bpf_get_current_task_btf()->thread_info.status &
		       TS_COMPAT;
	t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT;
}

/* Our syscall for a number, or NONE; *compat set for ia32 calls. */
static __always_inline __u32 classify(long id, bool *compat)
{
	long nat = id & ~(long)X32_SYSCALL_BIT;

	*compat = false;
	if (nat != NR_SETNS && nat != NR_UNSHARE && nat != NR_CLONE &&
	    nat != NR_CLONE3 && id != NR32_SETNS && id != NR32_UNSHARE &&
	    id != NR32_CLONE && !esc_maybe(nat, id))
		return NSW_BPF_SC_NONE;
	if (task_compat()) {
		*compat = true;
		switch (id) {
		case NR32_SETNS: return NSW_BPF_SC_SETNS;
		case NR32_UNSHARE: return NSW_BPF_SC_UNSHARE;
		case NR32_CLONE: return NSW_BPF_SC_CLONE;
		case NR32_CLONE3: return NSW_BPF_SC_CLONE3;
		default: return esc_of_nr32(id);
		}
	}
	switch (nat) {
	case NR_SETNS: return NSW_BPF_SC_SETNS;
	case NR_UNSHARE: return NSW_BPF_SC_UNSHARE;
	case NR_CLONE: return NSW_BPF_SC_CLONE;
	case NR_CLONE3: return NSW_BPF_SC_CLONE3;
	default: return esc_of_nr(nat);
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(nsw_sys_enter, struct pt_regs *regs, long id)
{
	bool compat;
	__u32 sc = classify(id, &compat);

	__u64 a0, a1, a2;

	if (sc == NSW_BPF_SC_NONE)
		return 0;
	if (compat) {	/* ia32 ABI: ebx, ecx, edx, 32-bit values */
		a0 = (__u32)BPF_CORE_READ(regs, bx);
		a1 = (__u32)BPF_CORE_READ(regs, cx);
	} else {
		a0 = BPF_CORE_READ(regs, di);
		a1 = BPF_CORE_READ(regs, si);
	}
	if (esc_is(sc)) {
		a2 = compat ? (__u32)BPF_CORE_READ(regs, dx) :
			      BPF_CORE_READ(regs, dx);
		return esc_enter(sc, a0, a1, a2, compat);
	}
	return on_enter(sc, a0, a1, compat);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(nsw_sys_exit, struct pt_regs *regs, long ret)
{
	bool compat;
	__u32 sc;

	/* runs for every syscall: a direct (BTF pointer) load, no helper */
	sc = classify(regs->orig_ax, &compat);
	if (sc == NSW_BPF_SC_NONE)
		return 0;
	if (compat)	/* the 32-bit return value, sign extended */
		ret = (int)ret;
	if (esc_is(sc))
		return esc_exit(ret);
	return on_exit(ret);
}
#elif defined(__TARGET_ARCH_arm64)
static __always_inline __u32 classify(long id)
{
	switch (id) {
	case NR_SETNS: return NSW_BPF_SC_SETNS;
	case NR_UNSHARE: return NSW_BPF_SC_UNSHARE;
	case NR_CLONE: return NSW_BPF_SC_CLONE;
	case NR_CLONE3: return NSW_BPF_SC_CLONE3;
	default: return esc_of_nr(id);
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(nsw_sys_enter, struct pt_regs *regs, long id)
{
	__u32 sc = classify(id);

	if (sc == NSW_BPF_SC_NONE)
		return 0;
	if (esc_is(sc))
		return esc_enter(sc, BPF_CORE_READ(regs, regs[0]),
				 BPF_CORE_READ(regs, regs[1]),
				 BPF_CORE_READ(regs, regs[2]), false);
	return on_enter(sc, BPF_CORE_READ(regs, regs[0]),
			BPF_CORE_READ(regs, regs[1]), false);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(nsw_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 sc = classify(regs->syscallno);

	if (sc == NSW_BPF_SC_NONE)
		return 0;
	if (esc_is(sc))
		return esc_exit(ret);
	return on_exit(ret);
}
#endif

/* --- per-syscall tracepoints (fallback; need tracefs) --------------- */

/*
 * A tracepoint program may only read the fields its event has: reading
 * args[1] of sys_enter_unshare (one argument) makes the attach fail with
 * EACCES.  ARG1 is the second argument's expression for each syscall.
 */
#define TP_PAIR(name, sc, ARG1)						\
SEC("tracepoint/syscalls/sys_enter_" #name)				\
int nsw_tp_enter_##name(struct trace_event_raw_sys_enter *ctx)		\
{									\
	return on_enter(sc, ctx->args[0], ARG1, false);			\
}									\
SEC("tracepoint/syscalls/sys_exit_" #name)				\
int nsw_tp_exit_##name(struct trace_event_raw_sys_exit *ctx)		\
{									\
	return on_exit(ctx->ret);					\
}

TP_PAIR(setns, NSW_BPF_SC_SETNS, ctx->args[1])
TP_PAIR(unshare, NSW_BPF_SC_UNSHARE, 0)
TP_PAIR(clone, NSW_BPF_SC_CLONE, 0)
TP_PAIR(clone3, NSW_BPF_SC_CLONE3, ctx->args[1])

/* Escape syscalls: each has at least three arguments.  Not autoloaded
 * ("?"): a kernel may lack some of these tracepoints (no CONFIG_MODULES),
 * so user space turns on each pair it finds. */
#define TP_ESC(name, sc)						\
SEC("?tracepoint/syscalls/sys_enter_" #name)				\
int nsw_tp_enter_##name(struct trace_event_raw_sys_enter *ctx)		\
{									\
	return esc_enter(sc, ctx->args[0], ctx->args[1], ctx->args[2],	\
			 false);					\
}									\
SEC("?tracepoint/syscalls/sys_exit_" #name)				\
int nsw_tp_exit_##name(struct trace_event_raw_sys_exit *ctx)		\
{									\
	return esc_exit(ctx->ret);					\
}

TP_ESC(init_module, NSW_BPF_SC_INIT_MODULE)
TP_ESC(finit_module, NSW_BPF_SC_FINIT_MODULE)
TP_ESC(bpf, NSW_BPF_SC_BPF)
TP_ESC(perf_event_open, NSW_BPF_SC_PERF_EVENT_OPEN)
TP_ESC(open_by_handle_at, NSW_BPF_SC_OPEN_BY_HANDLE_AT)

/* --- BPF LSM (optional; knob enforce_nsenter) ----------------------- */

/*
 * Deny an exec of nsenter by a process in a container before it happens.
 * Only the file name is known here (the new argv lives in the new mm), so
 * `busybox nsenter` passes and is killed by nsw_exec instead.  Not
 * autoloaded ("?"): user space turns it on when enforce_nsenter is set
 * and falls back to nsw_exec's SIGKILL when the kernel refuses it.
 */
SEC("?lsm/bprm_check_security")
int BPF_PROG(nsw_lsm_bprm, struct linux_binprm *bprm, int ret)
{
	__u32 ns[NSW_BPF_NS_COUNT] = {};
	struct lsm_scratch *s;
	__u32 zero = 0;
	long n;

	if (ret || !enforce_nsenter)
		return ret;
	if (!cur_read_ns(ns) || !ns_contained(ns))
		return 0;
	s = bpf_map_lookup_elem(&lsm_heap, &zero);
	if (!s)
		return 0;
	n = bpf_probe_read_kernel_str(s->path, sizeof(s->path),
				      BPF_CORE_READ(bprm, filename));
	if (n <= 1)
		return 0;
	if (BASE_IS(s->path, n - 1, NSW_BPF_PATH_MAX - 1, "nsenter"))
		return -EPERM;
	return 0;
}
