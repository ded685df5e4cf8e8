/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Escape syscalls that change no namespace: init_module, finit_module,
 * bpf(BPF_PROG_LOAD), perf_event_open, open_by_handle_at (struct
 * nsw_bpf_escall).  Part of nswatch.bpf.c, included by it only (maps,
 * knobs and the pending-entry helpers are in scope).
 *
 * Cost: the number test in classify() at every syscall (a few compares
 * more), and for these rare calls a namespace read at entry.  A host
 * process's call (ns_contained() false: the host's modprobe, systemd's
 * or bpftool's BPF loading, our own) keeps no entry and makes no record.
 */
#ifndef NSW_ESCAPE_BPF_H
#define NSW_ESCAPE_BPF_H

#define BPF_PROG_LOAD_CMD	5	/* enum bpf_cmd */

#if defined(__TARGET_ARCH_x86)
#define NR_INIT_MODULE		175
#define NR_FINIT_MODULE		313
#define NR_BPF			321
#define NR_PERF_EVENT_OPEN	298
#define NR_OPEN_BY_HANDLE_AT	304
#define NR32_INIT_MODULE	128
#define NR32_FINIT_MODULE	350
#define NR32_BPF		357
#define NR32_PERF_EVENT_OPEN	336
#define NR32_OPEN_BY_HANDLE_AT	342
#elif defined(__TARGET_ARCH_arm64)
#define NR_INIT_MODULE		105
#define NR_FINIT_MODULE		273
#define NR_BPF			280
#define NR_PERF_EVENT_OPEN	241
#define NR_OPEN_BY_HANDLE_AT	265
#endif

/* Our escape syscall for a native number, or NONE. */
static __always_inline __u32 esc_of_nr(long nr)
{
	switch (nr) {
	case NR_INIT_MODULE: return NSW_BPF_SC_INIT_MODULE;
	case NR_FINIT_MODULE: return NSW_BPF_SC_FINIT_MODULE;
	case NR_BPF: return NSW_BPF_SC_BPF;
	case NR_PERF_EVENT_OPEN: return NSW_BPF_SC_PERF_EVENT_OPEN;
	case NR_OPEN_BY_HANDLE_AT: return NSW_BPF_SC_OPEN_BY_HANDLE_AT;
	default: return NSW_BPF_SC_NONE;
	}
}

#if defined(__TARGET_ARCH_x86)
/* ...for an ia32 number. */
static __always_inline __u32 esc_of_nr32(long nr)
{
	switch (nr) {
	case NR32_INIT_MODULE: return NSW_BPF_SC_INIT_MODULE;
	case NR32_FINIT_MODULE: return NSW_BPF_SC_FINIT_MODULE;
	case NR32_BPF: return NSW_BPF_SC_BPF;
	case NR32_PERF_EVENT_OPEN: return NSW_BPF_SC_PERF_EVENT_OPEN;
	case NR32_OPEN_BY_HANDLE_AT: return NSW_BPF_SC_OPEN_BY_HANDLE_AT;
	default: return NSW_BPF_SC_NONE;
	}
}

/* May nr (native or ia32) be one of ours?  The cheap test every syscall
 * exit makes before asking whether the task is compat. */
static __always_inline bool esc_maybe(long nat, long id)
{
	return esc_of_nr(nat) != NSW_BPF_SC_NONE ||
	       esc_of_nr32(id) != NSW_BPF_SC_NONE;
}
#endif

static __always_inline bool esc_is(__u32 sc)
{
	return sc >= NSW_BPF_SC_INIT_MODULE &&
	       sc <= NSW_BPF_SC_OPEN_BY_HANDLE_AT;
}

static __always_inline __u32 esc_enforce_bit(__u32 sc)
{
	switch (sc) {
	case NSW_BPF_SC_INIT_MODULE:
	case NSW_BPF_SC_FINIT_MODULE:
		return NSW_BPF_EE_MODULE;
	case NSW_BPF_SC_BPF:
	case NSW_BPF_SC_PERF_EVENT_OPEN:
		return NSW_BPF_EE_BPF;
	default:
		return NSW_BPF_EE_HANDLE;
	}
}

/* The u32 at the start of a user struct (bpf_attr.prog_type,
 * perf_event_attr.type), -1 when unreadable. */
static __always_inline __s64 esc_user_u32(__u64 uptr)
{
	__u32 v;

	if (bpf_probe_read_user(&v, sizeof(v), (void *)uptr))
		return -1;
	return v;
}

/*
 * Entry: keep the call's arguments (in the pending entry: arg0, arg1,
 * and clone_flags for the third) when the caller is in a container, and
 * enforce.  Only bpf(BPF_PROG_LOAD) of the bpf commands.
 */
static __always_inline int esc_enter(__u32 sc, __u64 a0, __u64 a1, __u64 a2,
				     bool compat)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 ns[NSW_BPF_NS_COUNT] = {};
	struct nsw_bpf_nscall *e;
	bool known = host_ns[NSW_BPF_NS_MNT] || host_ns[NSW_BPF_NS_PID];

	if (is_self(pid_tgid >> 32))
		return 0;
	if (sc == NSW_BPF_SC_BPF && (int)a0 != BPF_PROG_LOAD_CMD)
		return 0;
	if (!cur_read_ns(ns) || (known && !ns_contained(ns)))
		return 0;
	e = pend_new();
	if (!e)
		return 0;
	e->syscall = sc;
	e->nflags = NSW_BPF_NF_BEFORE | (compat ? NSW_BPF_NF_COMPAT : 0);
	__builtin_memcpy(e->ns_before, ns, sizeof(ns));
	switch (sc) {
	case NSW_BPF_SC_INIT_MODULE:
		e->arg0 = (__s64)a1;			/* len */
		break;
	case NSW_BPF_SC_FINIT_MODULE:
	case NSW_BPF_SC_OPEN_BY_HANDLE_AT:
		e->arg0 = (int)a0;			/* fd */
		e->arg1 = (int)a2;			/* flags */
		break;
	case NSW_BPF_SC_BPF:
		e->arg0 = (int)a0;			/* cmd */
		e->arg1 = esc_user_u32(a1);		/* prog_type */
		break;
	case NSW_BPF_SC_PERF_EVENT_OPEN:
		e->arg0 = (int)a1;			/* pid */
		e->arg1 = (int)a2;			/* cpu */
		e->clone_flags = (__u64)esc_user_u32(a0); /* type */
		break;
	}
	e->enter_ktime_ns = bpf_ktime_get_boot_ns();
	if (known && (enforce_escape & esc_enforce_bit(sc)) &&
	    !bpf_send_signal(SIGKILL))
		e->nflags |= NSW_BPF_NF_KILLED;
	pend_put(pid_tgid, e);
	return 0;
}

/* Exit: the record, unless the ring buffer is full (counted). */
static __always_inline int esc_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct nsw_bpf_nscall *e;
	struct nsw_bpf_escall *rec;

	e = pend_get(pid_tgid);
	if (!e || !esc_is(e->syscall))	/* none, or a stale one */
		return 0;
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count_drop(NSW_BPF_REC_ESCALL);
		pend_done(pid_tgid, e);
		return 0;
	}
	__builtin_memset(rec, 0, sizeof(*rec));
	rec->syscall = e->syscall;
	rec->nflags = e->nflags;
	rec->args[0] = e->arg0;
	rec->args[1] = e->arg1;
	rec->args[2] = (__s64)e->clone_flags;
	pend_done(pid_tgid, e);
	switch (rec->syscall) {
	case NSW_BPF_SC_INIT_MODULE:
		rec->nargs = 1;
		break;
	case NSW_BPF_SC_PERF_EVENT_OPEN:
		rec->nargs = 3;
		break;
	default:
		rec->nargs = 2;
		break;
	}
	cur_fill_hdr(&rec->hdr, NSW_BPF_REC_ESCALL, sizeof(*rec));
	rec->hdr.start_ns =
		task_start_ns((struct task_struct *)bpf_get_current_task());
	rec->ret = ret;
	bpf_ringbuf_submit(rec, wake_flags(rec->hdr.ktime_ns, true));
	return 0;
}

#endif /* NSW_ESCAPE_BPF_H */
