/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a task: its namespaces (BTF loads or helpers) and whether
 * they are the host's.
 * Part of nswatch.bpf.c, included by it only (one object: maps,
 * knobs and helpers defined before the include are in scope).
 */
#ifndef NSW_TASK_BPF_H
#define NSW_TASK_BPF_H

/*
 * Reads from the kernel.  Tasks that come from the kernel's BTF (the
 * tp_btf arguments, bpf_get_current_task_btf()) are read with plain
 * loads, which the JIT turns into guarded loads (a fault reads 0, like a
 * failed bpf_probe_read_kernel) costing a few ns; a helper call costs
 * ~30-50 ns, and a setns used to make some 80 of them, most of the
 * monitor's cost in a setns storm.  Helpers stay where the verifier
 * cannot follow (an index known only at run time), for pointers that do
 * not come from BTF (*_probe), and for the current task on kernels
 * without bpf_get_current_task_btf (before 5.11): task_btf() is settled
 * when the program is loaded, and the verifier skips the other branch.
 */
#define task_btf() \
	(fast_reads && bpf_core_enum_value_exists(enum bpf_func_id, \
				   BPF_FUNC_get_current_task_btf))

/* Only where task_btf() (use_task_storage implies it). */
static __always_inline struct task_struct *cur_task(void)
{
	return bpf_get_current_task_btf();
}

/* The namespace of the task's pid at its own level (task_active_pid_ns):
 * the level indexes the array, hence helpers. */
static __always_inline __u32 active_pid_ns(struct pid *pid)
{
	struct upid up = {};
	unsigned int level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	if (level >= 64 ||
	    bpf_core_read(&up, sizeof(up), &pid->numbers[level]))
		return 0;
	return BPF_CORE_READ(up.ns, ns.inum);
}

/*
 * Inode numbers of every namespace of t, a task from BTF, in enum
 * nsw_bpf_ns order.  pid_ns: the pid namespace when the caller knows it
 * (non-zero), else read.  A task's own pid namespace (the one its pid
 * lives in) is fixed for its life (setns and unshare change only
 * pid_for_children), so a syscall's exit takes the one read at entry and
 * saves the three helper calls of active_pid_ns().
 */
static __always_inline bool read_ns_btf(struct task_struct *t, __u32 *ns,
					__u32 pid_ns)
{
	struct nsproxy *np = t->nsproxy;
	struct pid *pid = NULL;

	if (!np)
		return false;	/* exiting task */
	ns[NSW_BPF_NS_UTS] = np->uts_ns->ns.inum;
	ns[NSW_BPF_NS_IPC] = np->ipc_ns->ns.inum;
	ns[NSW_BPF_NS_MNT] = np->mnt_ns->ns.inum;
	ns[NSW_BPF_NS_PID_FOR_CHILDREN] = np->pid_ns_for_children->ns.inum;
	ns[NSW_BPF_NS_NET] = np->net_ns->ns.inum;
	if (bpf_core_field_exists(np->time_ns)) {
		ns[NSW_BPF_NS_TIME] = np->time_ns->ns.inum;
		ns[NSW_BPF_NS_TIME_FOR_CHILDREN] =
			np->time_ns_for_children->ns.inum;
	}
	ns[NSW_BPF_NS_CGROUP] = np->cgroup_ns->ns.inum;
	ns[NSW_BPF_NS_USER] = t->real_cred->user_ns->ns.inum;
	if (pid_ns) {
		ns[NSW_BPF_NS_PID] = pid_ns;
		return true;
	}
	/* a plain value, not a BTF pointer: active_pid_ns indexes from it */
	bpf_core_read(&pid, sizeof(pid), &t->thread_pid);
	ns[NSW_BPF_NS_PID] = active_pid_ns(pid);
	return true;
}

/* The same for a task found by address (a pidfd's), with helpers. */
static __always_inline bool read_ns_probe(struct task_struct *t, __u32 *ns,
					  __u32 pid_ns)
{
	struct nsproxy *np = BPF_CORE_READ(t, nsproxy);

	if (!np)
		return false;	/* exiting task */
	ns[NSW_BPF_NS_UTS] = BPF_CORE_READ(np, uts_ns, ns.inum);
	ns[NSW_BPF_NS_IPC] = BPF_CORE_READ(np, ipc_ns, ns.inum);
	ns[NSW_BPF_NS_MNT] = BPF_CORE_READ(np, mnt_ns, ns.inum);
	ns[NSW_BPF_NS_PID_FOR_CHILDREN] =
		BPF_CORE_READ(np, pid_ns_for_children, ns.inum);
	ns[NSW_BPF_NS_NET] = BPF_CORE_READ(np, net_ns, ns.inum);
	if (bpf_core_field_exists(np->time_ns)) {
		ns[NSW_BPF_NS_TIME] = BPF_CORE_READ(np, time_ns, ns.inum);
		ns[NSW_BPF_NS_TIME_FOR_CHILDREN] =
			BPF_CORE_READ(np, time_ns_for_children, ns.inum);
	}
	ns[NSW_BPF_NS_CGROUP] = BPF_CORE_READ(np, cgroup_ns, ns.inum);
	ns[NSW_BPF_NS_USER] = BPF_CORE_READ(t, real_cred, user_ns, ns.inum);
	ns[NSW_BPF_NS_PID] = pid_ns ? pid_ns :
			     active_pid_ns(BPF_CORE_READ(t, thread_pid));
	return true;
}

/* The namespaces of t, a task from BTF (a tp_btf argument). */
static __always_inline bool read_ns(struct task_struct *t, __u32 *ns)
{
	if (task_btf())
		return read_ns_btf(t, ns, 0);
	return read_ns_probe(t, ns, 0);
}

/* The namespaces of the current task; pid_ns as for read_ns_btf(). */
static __always_inline bool cur_read_ns_pid(__u32 *ns, __u32 pid_ns)
{
	if (task_btf())
		return read_ns_btf(bpf_get_current_task_btf(), ns, pid_ns);
	return read_ns_probe((struct task_struct *)bpf_get_current_task(),
			     ns, pid_ns);
}

#define cur_read_ns(ns) cur_read_ns_pid(ns, 0)

/* A host namespace: an initial one, or one of a host process
 * (host_ns_set).  Inode numbers are unique across namespace types. */
static __always_inline bool is_host_inum(__u32 inum)
{
	if (!inum)
		return false;
	if (inum == host_ns[NSW_BPF_NS_MNT] || inum == host_ns[NSW_BPF_NS_PID] ||
	    inum == host_ns[NSW_BPF_NS_NET] || inum == host_ns[NSW_BPF_NS_UTS] ||
	    inum == host_ns[NSW_BPF_NS_IPC] || inum == host_ns[NSW_BPF_NS_USER] ||
	    inum == host_ns[NSW_BPF_NS_CGROUP] ||
	    inum == host_ns[NSW_BPF_NS_TIME])
		return true;
	return bpf_map_lookup_elem(&host_ns_set, &inum) != NULL;
}

/* A process whose mnt or pid namespace is no host process's: in a
 * container.  A host service in a private mount namespace is not. */
static __always_inline bool ns_contained(const __u32 *ns)
{
	return (host_ns[NSW_BPF_NS_MNT] && !is_host_inum(ns[NSW_BPF_NS_MNT])) ||
	       (host_ns[NSW_BPF_NS_PID] && !is_host_inum(ns[NSW_BPF_NS_PID]));
}

#endif /* NSW_TASK_BPF_H */
