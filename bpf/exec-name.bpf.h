/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exec names: execve or execveat, nsenter by binary or argv, indirect
 * names.
 * Part of nswatch.bpf.c, included by it only (one object: maps,
 * knobs and helpers defined before the include are in scope).
 */
#ifndef NSW_EXEC_NAME_BPF_H
#define NSW_EXEC_NAME_BPF_H

/*
 * Is the last path component of s[0, len) the name w (wlen bytes, a
 * constant)?  s is a map-value buffer of mask + 1 bytes, mask + 1 a power
 * of two.
 */
static __always_inline bool base_is(const char *s, __u32 len, __u32 mask,
				    const char *w, __u32 wlen)
{
	__u32 i, off;

	if (len < wlen || len > mask)
		return false;
	off = len - wlen;
	if (off && s[MASKED(off - 1, mask)] != '/')
		return false;
	for (i = 0; i < wlen; i++)
		if (s[MASKED(off + i, mask)] != w[i])
			return false;
	return true;
}

#define BASE_IS(s, len, mask, lit) base_is(s, len, mask, lit, sizeof(lit) - 1)

/*
 * execve or execveat?  The saved registers cannot tell any more at this
 * tracepoint (the new program's start state is already in place), but an
 * execveat with a directory fd leaves its mark: bprm->fdpath (5.9+), or
 * before that a filename the kernel made up as "/dev/fd/N[/name]".
 * execveat(AT_FDCWD, ...) is the same operation as execve and is reported
 * as execve.
 */
static __always_inline __u32 exec_syscall(struct linux_binprm *bprm,
					  const char *fname)
{
	char pfx[8] = {};

	if (bpf_core_field_exists(bprm->fdpath))
		return BPF_CORE_READ(bprm, fdpath) ? NSW_BPF_SC_EXECVEAT :
						     NSW_BPF_SC_EXECVE;
	bpf_probe_read_kernel(pfx, sizeof(pfx), fname);
	if (pfx[0] == '/' && pfx[1] == 'd' && pfx[2] == 'e' && pfx[3] == 'v' &&
	    pfx[4] == '/' && pfx[5] == 'f' && pfx[6] == 'd' && pfx[7] == '/')
		return NSW_BPF_SC_EXECVEAT;
	return NSW_BPF_SC_EXECVE;
}

/*
 * Is this exec nsenter?  The binary's name (out[0, bin_len)), argv[0], or
 * argv[1] after a busybox/toybox argv[0]: applets dispatch on the name's
 * last component, as the verdict code does, whatever the string's length
 * (a path of many components, or a component longer than any file name).
 */
/* MAX_ARG_STRLEN (32 pages) in windows of NAME_MAX_B - 1 bytes. */
#define ARG_WINDOWS	(131072 / (NAME_MAX_B - 1) + 1)

/*
 * The argument string at user address start (< end): its length without
 * the NUL, its last min(length, NAME_MAX_B - 1) bytes in s->arg
 * (NUL-terminated), or 0 when absent, empty or unreadable.  Found by
 * reading windows up to its NUL.  A global function, verified once for
 * both call sites (scalar arguments only, see nsw_resolve_path).
 */
__noinline int nsw_arg_tail(__u64 start, __u64 end)
{
	struct exec_scratch *s;
	__u32 zero = 0;
	__u64 pos = start;
	long n = 0;
	int i;

	s = bpf_map_lookup_elem(&exec_heap, &zero);
	if (!s || end <= start)
		return 0;
	for (i = 0; i < ARG_WINDOWS; i++) {
		n = bpf_probe_read_user_str(s->arg, sizeof(s->arg),
					    (const void *)pos);
		if (n <= 0)
			return 0;
		if (n < (long)sizeof(s->arg))
			break;
		pos += sizeof(s->arg) - 1;
		if (pos >= end)
			return 0;
	}
	if (i == ARG_WINDOWS || pos + n - 1 <= start)
		return 0;
	if (pos != start) {
		/* longer than one window: its last bytes */
		if (bpf_probe_read_user(s->arg, NAME_MAX_B - 1,
					(const void *)(pos + n - NAME_MAX_B)))
			return 0;
		s->arg[NAME_MAX_B - 1] = '\0';
	}
	return (int)(pos + n - 1 - start);
}

static __always_inline __u32 tail_len(int n)
{
	return n < NAME_MAX_B - 1 ? (__u32)n : NAME_MAX_B - 1;
}

static __always_inline bool exec_is_nsenter(struct exec_scratch *s,
					    const char *out, __u32 bin_len,
					    unsigned long arg_start,
					    unsigned long arg_end)
{
	__u32 l;
	int n;

	if (BASE_IS(out, bin_len, NSW_BPF_PATH_MAX - 1, "nsenter"))
		return true;
	n = nsw_arg_tail(arg_start, arg_end);
	if (n <= 0)
		return false;
	l = tail_len(n);
	if (BASE_IS(s->arg, l, NAME_MAX_B - 1, "nsenter"))
		return true;
	if (!BASE_IS(s->arg, l, NAME_MAX_B - 1, "busybox") &&
	    !BASE_IS(s->arg, l, NAME_MAX_B - 1, "toybox"))
		return false;
	n = nsw_arg_tail(arg_start + n + 1, arg_end);
	return n > 0 && BASE_IS(s->arg, tail_len(n), NAME_MAX_B - 1, "nsenter");
}

/* "/proc/..." or "/dev/fd/...": exec by a name that is no file's path. */
static __always_inline bool is_indirect(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == 'p' && s[2] == 'r' && s[3] == 'o' && s[4] == 'c' &&
	    s[5] == '/')
		return true;
	return s[1] == 'd' && s[2] == 'e' && s[3] == 'v' && s[4] == '/' &&
	       s[5] == 'f' && s[6] == 'd' && s[7] == '/';
}

#endif /* NSW_EXEC_NAME_BPF_H */
