/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Path resolution: a struct path to its name, like d_path().
 * Part of nswatch.bpf.c, included by it only (one object: maps,
 * knobs and helpers defined before the include are in scope).
 */
#ifndef NSW_PATH_BPF_H
#define NSW_PATH_BPF_H

/*
 * Resolve path p relative to the task's root into buf (s->cwd or
 * s->file of this CPU's scratch), like d_path() but bounded (PATH_STEPS dentries and mount
 * crossings), building the name backwards so it ends at buf[PATH_END].
 * Returns the length and the start in *start, or -1 when the walk did not
 * reach a root or the name does not fit.
 *
 * Verifier cost: every loop-carried value is either an unknown kernel
 * pointer or the masked offset `pos`, so from the second iteration on the
 * states are equal and the verifier prunes the remaining iterations.
 */
#define PATH_END	(NSW_BPF_PATH_MAX - 1)

enum { RP_CWD, RP_FILE };	/* nsw_resolve_path's buffer */

/*
 * A global function: the verifier checks it once, on its own, however
 * many call sites there are (an inlined copy per call made loading
 * several times slower).  Hence scalar arguments only: the kernel
 * pointers of the path and of the root as numbers, the buffer by name
 * (RP_CWD or RP_FILE of this CPU's exec_scratch).  Returns start << 12 |
 * length, or -1.
 */
__noinline int nsw_resolve_path(__u64 p_addr, __u64 root_addr, int which)
{
	struct path *p = (struct path *)p_addr;
	struct path *root = (struct path *)root_addr;
	struct exec_scratch *s;
	char *buf;
	__u32 zero = 0;
	struct dentry *dentry = BPF_CORE_READ(p, dentry);
	struct vfsmount *vmnt = BPF_CORE_READ(p, mnt);
	struct dentry *root_dentry = BPF_CORE_READ(root, dentry);
	struct vfsmount *root_mnt = BPF_CORE_READ(root, mnt);
	__u64 mnt_off = bpf_core_field_offset(struct mount, mnt);
	struct mount *mnt = (void *)vmnt - mnt_off;
	__u32 pos = PATH_END, len;
	bool detached = false;
	int i;

	s = bpf_map_lookup_elem(&exec_heap, &zero);
	if (!s)
		return -1;
	buf = which == RP_FILE ? s->file : s->cwd;

	for (i = 0; i < PATH_STEPS; i++) {
		struct dentry *parent, *mnt_root;
		const unsigned char *name;
		struct mount *mp;
		bool pseudo = false;

		if (dentry == root_dentry && vmnt == root_mnt)
			goto done;
		mnt_root = BPF_CORE_READ(vmnt, mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (detached) {
			if (dentry == parent)
				goto done;	/* its filesystem's root */
		} else if (dentry == mnt_root) {
			mp = BPF_CORE_READ(mnt, mnt_parent);
			if (mp != mnt) {
				/* cross to the mount point */
				dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
				mnt = mp;
				vmnt = (void *)mp + mnt_off;
				continue;
			}
			/* root of the namespace or of a detached tree: as
			 * far as a path goes, unless a file was mounted
			 * there (runc's cloned binary, a file bind-mounted
			 * on a detached mount): its path in its own
			 * filesystem then */
			if (vmnt == root_mnt || dentry == parent)
				goto done;
			detached = true;
		} else {
			/* its own parent but no mount's root: a pseudo file
			 * (memfd, anon inode), which d_path() names
			 * "/<name>" */
			pseudo = dentry == parent;
		}
		name = BPF_CORE_READ(dentry, d_name.name);
		len = BPF_CORE_READ(dentry, d_name.len);
		if (len >= NAME_MAX_B || len + 1 >= pos)
			return -1;
		pos = MASKED(pos - len, NSW_BPF_PATH_MAX - 1);
		if (bpf_probe_read_kernel(&buf[pos],
					  MASKED(len, NAME_MAX_B - 1), name))
			return -1;
		pos = MASKED(pos - 1, NSW_BPF_PATH_MAX - 1);
		buf[pos] = '/';
		if (pseudo)
			goto done;
		dentry = parent;
	}
	return -1;	/* deeper than PATH_STEPS */
done:
	if (pos == PATH_END) {
		pos = PATH_END - 1;
		buf[pos] = '/';
	}
	return (int)(pos << 12 | (PATH_END - pos));
}

/* nsw_resolve_path into s->cwd or s->file: the length and *start. */
static __always_inline int resolve_path(int which, struct path *p,
					struct path *root, __u32 *start)
{
	int r = nsw_resolve_path((__u64)p, (__u64)root, which);

	if (r < 0)
		return -1;
	*start = ((__u32)r >> 12) & (NSW_BPF_PATH_MAX - 1);
	return r & (NSW_BPF_PATH_MAX - 1);
}

#endif /* NSW_PATH_BPF_H */
