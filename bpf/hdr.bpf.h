/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The common record header: credentials, comm and cgroup of a task.
 * Part of nswatch.bpf.c, included by it only (one object: maps,
 * knobs and helpers defined before the include are in scope).
 */
#ifndef NSW_HDR_BPF_H
#define NSW_HDR_BPF_H

static __always_inline void read_cgroup_btf(struct task_struct *t,
					    struct nsw_bpf_hdr *h)
{
	struct css_set *cs = t->cgroups;
	struct cgroup *cg = cs->dfl_cgrp;
	struct kernfs_node *kn;
	int id;

	if (cg && cg->level == 0 &&
	    bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)) {
		/* unified root: on a v1/hybrid host the container cgroup
		 * lives in the controller hierarchies */
		id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		if (id >= 0 && id < 16) {
			struct cgroup_subsys_state *css = NULL;

			/* an index known at run time: a helper */
			bpf_core_read(&css, sizeof(css), &cs->subsys[id]);
			if (css && BPF_CORE_READ(css, cgroup, level) > 0) {
				cg = BPF_CORE_READ(css, cgroup);
				h->hflags |= NSW_BPF_HF_CGROUP_V1;
			}
		}
	}
	if (!cg)
		return;
	kn = BPF_CORE_READ(cg, kn);
	if (!kn)
		return;
	h->cgroup_id = BPF_CORE_READ(kn, id);
	bpf_probe_read_kernel_str(h->cgroup_name, sizeof(h->cgroup_name),
				  BPF_CORE_READ(kn, name));
	h->hflags |= NSW_BPF_HF_CGROUP;
}

/* Fill the common header from task t, a task from BTF (zeroed by the
 * caller). */
static __always_inline void fill_hdr_btf(struct nsw_bpf_hdr *h,
					 struct task_struct *t, __u16 type,
					 __u32 size)
{
	const struct cred *cred = t->real_cred;

	h->type = type;
	h->version = NSW_BPF_ABI_VERSION;
	h->size = size;
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->pid = t->tgid;
	h->tid = t->pid;
	h->ppid = t->real_parent->tgid;
	if (cred) {
		h->uid = cred->uid.val;
		h->euid = cred->euid.val;
		h->hflags |= NSW_BPF_HF_CREDS;
	}
	h->auid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid)) {
		h->auid = t->loginuid.val;
		h->hflags |= NSW_BPF_HF_AUID;
	}
	h->cpu = bpf_get_smp_processor_id();
	bpf_probe_read_kernel_str(&h->comm, sizeof(h->comm), t->comm);
	read_cgroup_btf(t, h);
}

static __always_inline void read_cgroup_probe(struct task_struct *t,
					      struct nsw_bpf_hdr *h)
{
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	struct cgroup *cg = BPF_CORE_READ(cs, dfl_cgrp);
	struct kernfs_node *kn;
	int id;

	if (cg && BPF_CORE_READ(cg, level) == 0 &&
	    bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)) {
		/* unified root: on a v1/hybrid host the container cgroup
		 * lives in the controller hierarchies */
		id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		if (id >= 0 && id < 16) {
			struct cgroup_subsys_state *css;

			bpf_core_read(&css, sizeof(css), &cs->subsys[id]);
			if (css && BPF_CORE_READ(css, cgroup, level) > 0) {
				cg = BPF_CORE_READ(css, cgroup);
				h->hflags |= NSW_BPF_HF_CGROUP_V1;
			}
		}
	}
	if (!cg)
		return;
	kn = BPF_CORE_READ(cg, kn);
	if (!kn)
		return;
	h->cgroup_id = BPF_CORE_READ(kn, id);
	bpf_probe_read_kernel_str(h->cgroup_name, sizeof(h->cgroup_name),
				  BPF_CORE_READ(kn, name));
	h->hflags |= NSW_BPF_HF_CGROUP;
}

/* The same for a task that does not come from BTF. */
static __always_inline void fill_hdr_probe(struct nsw_bpf_hdr *h,
					   struct task_struct *t, __u16 type,
					   __u32 size)
{
	const struct cred *cred = BPF_CORE_READ(t, real_cred);

	h->type = type;
	h->version = NSW_BPF_ABI_VERSION;
	h->size = size;
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->pid = BPF_CORE_READ(t, tgid);
	h->tid = BPF_CORE_READ(t, pid);
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	if (cred) {
		h->uid = BPF_CORE_READ(cred, uid.val);
		h->euid = BPF_CORE_READ(cred, euid.val);
		h->hflags |= NSW_BPF_HF_CREDS;
	}
	h->auid = (__u32)-1;
	if (bpf_core_field_exists(t->loginuid)) {
		h->auid = BPF_CORE_READ(t, loginuid.val);
		h->hflags |= NSW_BPF_HF_AUID;
	}
	h->cpu = bpf_get_smp_processor_id();
	BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
	read_cgroup_probe(t, h);
}

/* The common header from t, a task from BTF (a tp_btf argument). */
static __always_inline void fill_hdr(struct nsw_bpf_hdr *h,
				     struct task_struct *t, __u16 type,
				     __u32 size)
{
	if (task_btf())
		fill_hdr_btf(h, t, type, size);
	else
		fill_hdr_probe(h, t, type, size);
}

/* The common header from the current task. */
static __always_inline void cur_fill_hdr(struct nsw_bpf_hdr *h, __u16 type,
					 __u32 size)
{
	if (task_btf())
		fill_hdr_btf(h, bpf_get_current_task_btf(), type, size);
	else
		fill_hdr_probe(h, (struct task_struct *)bpf_get_current_task(),
			       type, size);
}

#endif /* NSW_HDR_BPF_H */
