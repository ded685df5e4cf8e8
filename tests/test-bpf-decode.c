/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf_decode(): ring-buffer records built in memory, every field checked. */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-decode.h"
#include "nswatch-events.h"
#include "tap.h"

static void fill_hdr(struct nsw_bpf_hdr *h, __u16 type, __u32 size)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->version = NSW_BPF_ABI_VERSION;
	h->size = size;
	h->ktime_ns = 123456789012345ull;
	h->pid = 4242;
	h->tid = 4243;
	h->ppid = 4000;
	h->uid = 1000;
	h->euid = 0;
	h->auid = 1001;
	h->cpu = 1;
	h->hflags = NSW_BPF_HF_CREDS | NSW_BPF_HF_AUID | NSW_BPF_HF_CGROUP;
	h->cgroup_id = 0x1122334455667788ull;
	memcpy(h->comm, "nsenter", 7);
	memcpy(h->cgroup_name, "cri-containerd-abc.scope", 24);
}

static void fill_ns(__u32 *ns, __u32 base)
{
	int i;

	for (i = 0; i < NSW_BPF_NS_COUNT; i++)
		ns[i] = base + (__u32)i;
}

static bool ns_is(const struct nsw_ns_set *s, __u32 base)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++)
		if (s->inum[i] != base + (__u32)i)
			return false;
	return true;
}

static bool bytes_is(const struct nsw_bytes *b, const char *want)
{
	size_t n = strlen(want);

	if (!n)
		return b->len == 0;
	return b->p && b->len == n && memcmp(b->p, want, n) == 0;
}

static bool raw_is_zero(const struct nsw_raw *r)
{
	static const struct nsw_raw zero;

	return memcmp(r, &zero, sizeof(zero)) == 0;
}

/* An exec record with the given pieces; returns malloc'd bytes. */
static unsigned char *make_exec(const char *bin, const char *args,
				size_t args_len, const char *cwd,
				__u32 eflags, size_t *lenp)
{
	size_t bl = strlen(bin), cl = strlen(cwd);
	size_t len = sizeof(struct nsw_bpf_exec) + bl + args_len + cl;
	unsigned char *buf = calloc(1, len);
	struct nsw_bpf_exec e;

	fill_hdr(&e.hdr, NSW_BPF_REC_EXEC, (__u32)len);
	e.cap_permitted = 0x1ffffffffffull;
	e.cap_effective = 0x00000000a80425fbull;
	fill_ns(e.ns, 4026531000u);
	e.eflags = eflags;
	e.syscall = NSW_BPF_SC_EXECVE;
	e.argc = 0;
	e.binary_len = (__u16)bl;
	e.args_len = (__u16)args_len;
	e.cwd_len = (__u16)cl;
	e.__pad0 = 0;
	e.__pad1 = 0;
	memcpy(buf, &e, sizeof(e));
	memcpy(buf + sizeof(e), bin, bl);
	memcpy(buf + sizeof(e) + bl, args, args_len);
	memcpy(buf + sizeof(e) + bl + args_len, cwd, cl);
	*lenp = len;
	return buf;
}

static void set_exec_field(unsigned char *buf, size_t off, const void *v,
			   size_t n)
{
	memcpy(buf + off, v, n);
}

static void test_header(void)
{
	struct nsw_bpf_exit x;
	struct nsw_raw raw;
	unsigned char big[sizeof(x) + 8];

	fill_hdr(&x.hdr, NSW_BPF_REC_EXIT, sizeof(x));
	x.exit_code = 0;
	x.__pad0 = 0;

	is_int(bpf_decode(&x, sizeof(x), &raw), 0, "hdr: valid exit record");
	is_int(raw.ktime_ns, 123456789012345ll, "hdr: ktime");
	is_int(raw.pid, 4242, "hdr: pid is the tgid");
	is_int(raw.tid, 4243, "hdr: tid");
	is_int(raw.ppid, 4000, "hdr: ppid");
	ok(raw.creds_known, "hdr: creds known");
	is_int(raw.uid, 1000, "hdr: uid");
	is_int(raw.euid, 0, "hdr: euid");
	is_int(raw.auid, 1001, "hdr: auid");
	ok(bytes_is(&raw.comm, "nsenter"), "hdr: comm");
	ok(raw.comm.p == (const char *)&x + offsetof(struct nsw_bpf_hdr, comm),
	   "hdr: comm points into the record");
	is_int(raw.cgroup_id, 0x1122334455667788ll, "hdr: cgroup id");
	ok(bytes_is(&raw.cgroup_name, "cri-containerd-abc.scope"),
	   "hdr: cgroup name");
	is_int(raw.wall_ns, 0, "hdr: wall time left to the pipeline");

	/* flags off: values not trusted */
	x.hdr.hflags = 0;
	is_int(bpf_decode(&x, sizeof(x), &raw), 0, "hdr: no flags");
	ok(!raw.creds_known && raw.uid == 0 && raw.euid == 0,
	   "hdr: creds unknown without HF_CREDS");
	is_int(raw.auid, 4294967295ll, "hdr: auid unset without HF_AUID");
	ok(raw.cgroup_id == 0 && raw.cgroup_name.len == 0,
	   "hdr: no cgroup without HF_CGROUP");

	/* a comm filling all 16 bytes, no NUL */
	memcpy(x.hdr.comm, "0123456789abcdef", 16);
	memset(x.hdr.cgroup_name, 'x', sizeof(x.hdr.cgroup_name));
	x.hdr.hflags = NSW_BPF_HF_CGROUP;
	is_int(bpf_decode(&x, sizeof(x), &raw), 0, "hdr: unterminated strings");
	is_int(raw.comm.len, 16, "hdr: comm bounded at 16");
	is_int(raw.cgroup_name.len, 128, "hdr: cgroup name bounded at 128");

	fill_hdr(&x.hdr, NSW_BPF_REC_EXIT, sizeof(x));
	is_int(bpf_decode(NULL, 0, &raw), -EINVAL, "hdr: NULL rejected");
	is_int(bpf_decode(&x, 0, &raw), -EINVAL, "hdr: empty rejected");
	is_int(bpf_decode(&x, sizeof(x.hdr) - 1, &raw), -EINVAL,
	       "hdr: shorter than a header");
	ok(raw_is_zero(&raw), "hdr: raw zeroed after an error");
	x.hdr.version = NSW_BPF_ABI_VERSION + 1;
	is_int(bpf_decode(&x, sizeof(x), &raw), -EINVAL, "hdr: other version");
	x.hdr.version = NSW_BPF_ABI_VERSION;
	x.hdr.size = sizeof(x) - 1;
	is_int(bpf_decode(&x, sizeof(x), &raw), -EINVAL,
	       "hdr: size field below the sample length");
	x.hdr.size = sizeof(x) + 8;
	is_int(bpf_decode(&x, sizeof(x), &raw), -EINVAL,
	       "hdr: size field beyond the sample length");
	x.hdr.size = sizeof(x);
	x.hdr.type = 0;
	is_int(bpf_decode(&x, sizeof(x), &raw), -EINVAL, "hdr: type 0");
	x.hdr.type = NSW_BPF_REC_MAX;
	is_int(bpf_decode(&x, sizeof(x), &raw), -EINVAL, "hdr: type MAX");

	/* a fixed-size record with trailing bytes, size field agreeing */
	memset(big, 0, sizeof(big));
	fill_hdr(&x.hdr, NSW_BPF_REC_EXIT, sizeof(big));
	memcpy(big, &x, sizeof(x));
	is_int(bpf_decode(big, sizeof(big), &raw), -EINVAL,
	       "hdr: exit record with trailing bytes");
}

static void test_exec(void)
{
	static const char args[] = "nsenter\0-t\0" "1\0a b\0\0-m";
	struct nsw_raw raw;
	unsigned char *buf;
	size_t len, i, j;
	__u32 v32;
	__u16 v16;
	char many[3 * 200];

	buf = make_exec("/usr/bin/nsenter", args, sizeof(args), "/root",
			NSW_BPF_EF_CAPS | NSW_BPF_EF_NS, &len);
	v32 = 6;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, argc), &v32, 4);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: valid record");
	is_int(raw.type, NSW_RAW_EXEC, "exec: type");
	ok(bytes_is(&raw.binary, "/usr/bin/nsenter"), "exec: binary");
	is_int(raw.argc, 6, "exec: argc");
	ok(bytes_is(&raw.argv[0], "nsenter"), "exec: argv[0]");
	ok(bytes_is(&raw.argv[1], "-t"), "exec: argv[1]");
	ok(bytes_is(&raw.argv[2], "1"), "exec: argv[2]");
	ok(bytes_is(&raw.argv[3], "a b"), "exec: argv[3] keeps its space");
	ok(raw.argv[4].len == 0, "exec: argv[4] empty argument");
	ok(bytes_is(&raw.argv[5], "-m"), "exec: argv[5]");
	ok(!raw.args_truncated, "exec: not truncated");
	ok(bytes_is(&raw.cwd, "/root"), "exec: cwd");
	ok(raw.caps_known, "exec: caps known");
	is_int(raw.cap_permitted, 0x1ffffffffffll, "exec: cap_permitted");
	is_int(raw.cap_effective, 0xa80425fbll, "exec: cap_effective");
	ok(raw.ns_after_known && ns_is(&raw.ns_after, 4026531000u),
	   "exec: namespaces in ns_after, in enum nsw_ns order");
	is_int(raw.syscall, NSW_SC_EXECVE, "exec: execve");
	ok(raw.success_known && raw.success && raw.ret_known && raw.ret == 0,
	   "exec: success");
	ok(!raw.ns_before_known, "exec: no ns_before");
	ok(!raw.killed, "exec: not killed without the flag");

	/* each prefix of a valid record is rejected */
	for (i = 0, j = 0; i < len; i++) {
		struct nsw_bpf_hdr h;
		unsigned char *cut = malloc(len);

		memcpy(cut, buf, len);
		memcpy(&h, cut, sizeof(h) <= len ? sizeof(h) : len);
		if (i >= sizeof(h)) {
			h.size = (__u32)i;	/* size agrees with the cut */
			memcpy(cut, &h, sizeof(h));
		}
		if (bpf_decode(cut, i, &raw) == -EINVAL)
			j++;
		free(cut);
	}
	is_int(j, len, "exec: all %zu truncations rejected", len);

	v16 = NSW_BPF_PATH_MAX;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, binary_len), &v16, 2);
	is_int(bpf_decode(buf, len, &raw), -EINVAL, "exec: binary_len too big");
	v16 = 15;	/* lengths no longer add up */
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, binary_len), &v16, 2);
	is_int(bpf_decode(buf, len, &raw), -EINVAL,
	       "exec: lengths not matching the record");
	v16 = 16;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, binary_len), &v16, 2);
	v16 = NSW_BPF_ARGS_MAX;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, args_len), &v16, 2);
	is_int(bpf_decode(buf, len, &raw), -EINVAL, "exec: args_len too big");
	v16 = sizeof(args);
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, args_len), &v16, 2);
	v16 = NSW_BPF_PATH_MAX + 5;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, cwd_len), &v16, 2);
	is_int(bpf_decode(buf, len, &raw), -EINVAL, "exec: cwd_len too big");
	v16 = 5;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, cwd_len), &v16, 2);
	v32 = NSW_BPF_SC_EXECVEAT;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, syscall), &v32, 4);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: execveat record");
	is_int(raw.syscall, NSW_SC_EXECVEAT, "exec: execveat");
	v32 = NSW_BPF_SC_NONE;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, syscall), &v32, 4);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: syscall unknown");
	is_int(raw.syscall, NSW_SC_NONE, "exec: NONE left to the pipeline");
	v32 = NSW_BPF_SC_SETNS;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, syscall), &v32, 4);
	is_int(bpf_decode(buf, len, &raw), -EINVAL,
	       "exec: a non-exec syscall is garbage");
	free(buf);

	/* enforce_nsenter killed it at exec: still a successful exec */
	buf = make_exec("/bin/nsenter", "nsenter\0--version", 18, "/",
			NSW_BPF_EF_NS | NSW_BPF_EF_KILLED, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: killed record");
	ok(raw.killed, "exec: killed flag");
	ok(raw.success_known && raw.success, "exec: killed exec did succeed");
	ok(bytes_is(&raw.argv[1], "--version"), "exec: killed: argv kept");
	free(buf);

	/* the kernel found nsenter in an argv[0] longer than the record's
	 * argv bytes: said by a flag */
	buf = make_exec("/bin/busybox", "/xxxx", 5, "/",
			NSW_BPF_EF_NS | NSW_BPF_EF_ARGS_TRUNC |
			NSW_BPF_EF_NSENTER, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: nsenter-name record");
	ok(raw.nsenter_name && !raw.killed, "exec: nsenter_name flag");
	free(buf);
	buf = make_exec("/bin/busybox", "sh\0", 3, "/", NSW_BPF_EF_NS, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: plain record");
	ok(!raw.nsenter_name, "exec: no nsenter_name without the flag");
	free(buf);

	/* truncated argv: last argument cut, flag set by the kernel */
	buf = make_exec("/bin/sh", "sh\0-c\0echo hel", 14, "",
			NSW_BPF_EF_ARGS_TRUNC | NSW_BPF_EF_CWD_ERR, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: truncated args");
	is_int(raw.argc, 3, "exec: truncated: 3 pieces");
	ok(bytes_is(&raw.argv[2], "echo hel"), "exec: partial last argument");
	ok(raw.args_truncated, "exec: args_truncated");
	ok(raw.cwd.p == NULL && raw.cwd.len == 0, "exec: no cwd");
	ok(!raw.caps_known && !raw.ns_after_known,
	   "exec: caps/ns unknown without flags");
	free(buf);

	/* argc says more than the bytes hold */
	buf = make_exec("/bin/true", "true\0", 5, "/", 0, &len);
	v32 = 2;
	set_exec_field(buf, offsetof(struct nsw_bpf_exec, argc), &v32, 4);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: argc beyond bytes");
	ok(raw.args_truncated && raw.argc == 1, "exec: counted as truncated");
	free(buf);

	/* more arguments than NSW_RAW_MAX_ARGS */
	for (i = 0; i < 200; i++) {
		many[3 * i] = 'a';
		many[3 * i + 1] = 'b';
		many[3 * i + 2] = '\0';
	}
	buf = make_exec("/bin/x", many, sizeof(many), "/", 0, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: 200 arguments");
	is_int(raw.argc, NSW_RAW_MAX_ARGS, "exec: argc capped");
	ok(raw.args_truncated, "exec: capped counts as truncated");
	free(buf);

	/* nothing known but the header */
	buf = make_exec("", "", 0, "", NSW_BPF_EF_ARGS_ERR, &len);
	is_int(bpf_decode(buf, len, &raw), 0, "exec: empty pieces");
	ok(raw.binary.p == NULL && raw.argc == 0 && raw.cwd.p == NULL,
	   "exec: empty pieces are absent");
	free(buf);
}

static void test_fork_exit(void)
{
	struct nsw_bpf_fork f;
	struct nsw_bpf_exit x;
	struct nsw_raw raw;

	memset(&f, 0, sizeof(f));
	fill_hdr(&f.hdr, NSW_BPF_REC_FORK, sizeof(f));
	f.parent_pid = 4000;
	f.parent_tid = 4001;
	fill_ns(f.ns, 4026532000u);
	f.fflags = NSW_BPF_FF_NS;
	is_int(bpf_decode(&f, sizeof(f), &raw), 0, "fork: valid");
	is_int(raw.type, NSW_RAW_FORK, "fork: type");
	ok(raw.pid == 4242 && raw.ppid == 4000, "fork: child and parent");
	ok(raw.ns_after_known && ns_is(&raw.ns_after, 4026532000u),
	   "fork: child's namespaces");
	f.fflags = 0;
	is_int(bpf_decode(&f, sizeof(f), &raw), 0, "fork: no ns");
	ok(!raw.ns_after_known, "fork: ns unknown without FF_NS");
	is_int(bpf_decode(&f, sizeof(f) - 1, &raw), -EINVAL,
	       "fork: short record");

	memset(&x, 0, sizeof(x));
	fill_hdr(&x.hdr, NSW_BPF_REC_EXIT, sizeof(x));
	x.exit_code = 3 << 8;
	is_int(bpf_decode(&x, sizeof(x), &raw), 0, "exit: valid");
	is_int(raw.type, NSW_RAW_EXIT, "exit: type");
	ok(raw.exit_code == 3 && raw.exit_signal == 0, "exit: status 3");
	x.exit_code = 9;
	bpf_decode(&x, sizeof(x), &raw);
	ok(raw.exit_code == 0 && raw.exit_signal == 9, "exit: SIGKILL");
	x.exit_code = 0x80 | 11;	/* core dumped */
	bpf_decode(&x, sizeof(x), &raw);
	ok(raw.exit_signal == 11, "exit: core bit ignored");
	x.exit_code = 0xffff;
	bpf_decode(&x, sizeof(x), &raw);
	ok(raw.exit_code == 255 && raw.exit_signal == 127,
	   "exit: fields masked");
	is_int(bpf_decode(&x, sizeof(x), &raw), 0, "exit: exact size");
	is_int(bpf_decode(&x, sizeof(x.hdr) + 4, &raw), -EINVAL,
	       "exit: short record");
}

static void nscall_init(struct nsw_bpf_nscall *c, __u32 sc)
{
	memset(c, 0, sizeof(*c));
	fill_hdr(&c->hdr, NSW_BPF_REC_NSCALL, sizeof(*c));
	c->syscall = sc;
	fill_ns(c->ns_before, 4026533000u);
	fill_ns(c->ns_after, 4026534000u);
	c->nflags = NSW_BPF_NF_BEFORE | NSW_BPF_NF_AFTER;
}

static void test_nscall(void)
{
	struct nsw_bpf_nscall c;
	struct nsw_raw raw;

	nscall_init(&c, NSW_BPF_SC_SETNS);
	c.arg0 = 3;
	c.arg1 = 0x40000000;
	c.ret = 0;
	c.target_kind = NSW_BPF_TGT_NSFS;
	c.target_ns_type = 0x40000000;
	c.target_ns_inum = 4026531840u;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "setns: valid");
	is_int(raw.type, NSW_RAW_NSCALL, "setns: type");
	is_int(raw.syscall, NSW_SC_SETNS, "setns: syscall");
	ok(raw.a0 == 3 && raw.a1 == 0x40000000, "setns: fd and nstype");
	ok(raw.ret_known && raw.ret == 0, "setns: return");
	ok(raw.success_known && raw.success, "setns: success");
	ok(raw.target_ns_type == 0x40000000 &&
	   raw.target_ns_inum == 4026531840u, "setns: nsfs target");
	ok(!raw.target_ns_known, "setns: no target set for nsfs");
	ok(raw.ns_before_known && ns_is(&raw.ns_before, 4026533000u),
	   "setns: ns_before");
	ok(raw.ns_after_known && ns_is(&raw.ns_after, 4026534000u),
	   "setns: ns_after");
	ok(!raw.killed, "setns: not killed");

	c.target_kind = NSW_BPF_TGT_PIDFD;
	c.target_ns_type = 0x44000000;
	c.target_ns_inum = 0;
	fill_ns(c.target_ns, 4026535000u);
	c.nflags |= NSW_BPF_NF_TARGET_NS | NSW_BPF_NF_KILLED;
	c.ret = -1;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "setns pidfd: valid");
	ok(raw.target_ns_known && ns_is(&raw.target_ns, 4026535000u),
	   "setns pidfd: the task's namespaces");
	is_int(raw.target_ns_type, 0x44000000, "setns pidfd: nstype mask");
	ok(raw.killed, "setns pidfd: killed flag");
	ok(raw.success_known && !raw.success && raw.ret == -1,
	   "setns pidfd: failure");

	c.nflags = 0;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "setns: no flags");
	ok(!raw.ns_before_known && !raw.ns_after_known &&
	   !raw.target_ns_known && !raw.killed, "setns: nothing claimed");

	c.target_kind = NSW_BPF_TGT_BADFD + 1;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "setns: unknown target kind");
	c.target_kind = NSW_BPF_TGT_NONE;

	nscall_init(&c, NSW_BPF_SC_UNSHARE);
	c.arg0 = 0x10000000;
	c.clone_flags = 0x10000000;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "unshare: valid");
	ok(raw.syscall == NSW_SC_UNSHARE && raw.a0 == 0x10000000 &&
	   raw.clone_flags == 0x10000000, "unshare: flags");

	nscall_init(&c, NSW_BPF_SC_CLONE);
	c.arg0 = 0x04000011;
	c.clone_flags = 0x04000011;
	c.ret = 777;
	c.child_pid = 777;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "clone: valid");
	ok(raw.syscall == NSW_SC_CLONE && raw.a0 == 0x04000011 &&
	   raw.ret == 777 && raw.success, "clone: flags and child");

	nscall_init(&c, NSW_BPF_SC_CLONE3);
	c.arg0 = 0x7ffd0000;
	c.arg1 = 88;
	c.clone_flags = 0x200000000ull | 0x0c000000;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "clone3: valid");
	ok(raw.syscall == NSW_SC_CLONE3 &&
	   raw.clone_flags == (0x200000000ull | 0x0c000000),
	   "clone3: 64-bit flags from clone_args");

	ok(!raw.flags_unknown, "clone3: flags known");

	/* clone_args unreadable at entry: still a namespace call */
	c.clone_flags = 0;
	c.ret = -14;
	c.nflags |= NSW_BPF_NF_FLAGS_ERR;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "clone3 unreadable: valid");
	ok(raw.type == NSW_RAW_NSCALL && raw.syscall == NSW_SC_CLONE3 &&
	   raw.flags_unknown && raw.clone_flags == 0 && raw.ret == -14,
	   "clone3 unreadable: flags unknown, call kept");
	c.syscall = NSW_BPF_SC_SETNS;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "setns with FLAGS_ERR");
	ok(!raw.flags_unknown, "FLAGS_ERR means nothing for setns");
	c.nflags &= ~NSW_BPF_NF_FLAGS_ERR;

	c.syscall = NSW_BPF_SC_EXECVE;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "nscall: exec syscall rejected");
	c.syscall = 77;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "nscall: unknown syscall rejected");
	c.syscall = NSW_BPF_SC_CLONE3;
	is_int(bpf_decode(&c, sizeof(c) - 8, &raw), -EINVAL,
	       "nscall: short record");
}

static void test_flood(void)
{
	struct nsw_bpf_flood cur, prev;
	struct nsw_raw raw;

	memset(&cur, 0, sizeof(cur));
	fill_hdr(&cur.hdr, NSW_BPF_REC_FLOOD, sizeof(cur));
	cur.held[NSW_BPF_FL_SETNS] = 300000;
	cur.held_failed[NSW_BPF_FL_SETNS] = 299990;
	cur.held[NSW_BPF_FL_CLONE] = 4;
	cur.dropped = 2;
	cur.last_ns = 5000000000ull;

	/* first read of an entry: everything since it was made */
	is_int(bpf_decode_flood(&cur, sizeof(cur), NULL, 4026532299u, 1000,
				&raw), 1, "flood: new entry reported");
	is_int(raw.type, NSW_RAW_AGGREGATE, "flood: type");
	ok(raw.agg.calls[NSW_AGG_SETNS] == 300000 &&
	   raw.agg.failed[NSW_AGG_SETNS] == 299990 &&
	   raw.agg.calls[NSW_AGG_UNSHARE] == 0 &&
	   raw.agg.calls[NSW_AGG_CLONE] == 4 &&
	   raw.agg.failed[NSW_AGG_CLONE] == 0, "flood: counts by syscall");
	ok(raw.agg.dropped == 2, "flood: dropped");
	ok(raw.agg.mnt_ns == 4026532299u && raw.agg.interval_ms == 1000,
	   "flood: key and interval");
	ok(raw.pid == 4242 && raw.tid == 4243 && raw.cgroup_id ==
	   0x1122334455667788ull && bytes_is(&raw.comm, "nsenter") &&
	   bytes_is(&raw.cgroup_name, "cri-containerd-abc.scope"),
	   "flood: the caller from the header");
	ok(raw.ktime_ns == 5000000000ull, "flood: time of the last call");

	/* a later read: only the difference */
	prev = cur;
	cur.held[NSW_BPF_FL_SETNS] += 10;
	cur.held_failed[NSW_BPF_FL_SETNS] += 10;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1004, &raw), 1,
	       "flood: change reported");
	ok(raw.agg.calls[NSW_AGG_SETNS] == 10 &&
	   raw.agg.failed[NSW_AGG_SETNS] == 10 &&
	   raw.agg.calls[NSW_AGG_CLONE] == 0 && raw.agg.dropped == 0,
	   "flood: delta since the previous read");

	/* nothing new: nothing to say */
	prev = cur;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 0,
	       "flood: unchanged entry");
	ok(raw_is_zero(&raw), "flood: unchanged leaves raw zero");

	/* failed read ahead of calls (two counters, read in between) */
	cur.held_failed[NSW_BPF_FL_UNSHARE] = prev.held_failed[NSW_BPF_FL_UNSHARE] + 1;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 0,
	       "flood: failed without a call yet: nothing");
	cur.held[NSW_BPF_FL_UNSHARE] = prev.held[NSW_BPF_FL_UNSHARE] + 1;
	cur.held_failed[NSW_BPF_FL_UNSHARE] += 1;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 1,
	       "flood: failed counted ahead");
	ok(raw.agg.calls[NSW_AGG_UNSHARE] == 1 &&
	   raw.agg.failed[NSW_AGG_UNSHARE] == 1, "flood: failed <= calls");

	/* the entry was evicted and made again: counts start at zero */
	prev = cur;
	memset(cur.held, 0, sizeof(cur.held));
	memset(cur.held_failed, 0, sizeof(cur.held_failed));
	cur.dropped = 0;
	cur.held[NSW_BPF_FL_SETNS] = 5;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 1,
	       "flood: recreated entry");
	ok(raw.agg.calls[NSW_AGG_SETNS] == 5 && raw.agg.dropped == 0,
	   "flood: recreated entry counts from zero");

	/* header being rewritten: the previous read names the caller */
	prev = cur;
	prev.hdr.pid = 999;
	cur.hdr.version = 0;
	cur.held[NSW_BPF_FL_SETNS] += 1;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 1,
	       "flood: torn header");
	is_int(raw.pid, 999, "flood: caller from the previous read");
	prev.hdr.version = 0;
	is_int(bpf_decode_flood(&cur, sizeof(cur), &prev, 1, 1000, &raw), 1,
	       "flood: no header at all");
	ok(raw.pid == 0 && raw.comm.p == NULL && raw.agg.calls[NSW_AGG_SETNS]
	   == 1, "flood: counts without a caller");
	cur.hdr.version = NSW_BPF_ABI_VERSION;
	cur.hdr.type = NSW_BPF_REC_NSCALL;
	is_int(bpf_decode_flood(&cur, sizeof(cur), NULL, 1, 1000, &raw), 1,
	       "flood: header of another type");
	is_int(raw.pid, 0, "flood: header of another type ignored");

	is_int(bpf_decode_flood(&cur, sizeof(cur) - 1, NULL, 1, 1000, &raw),
	       -EINVAL, "flood: wrong size");
	is_int(bpf_decode_flood(NULL, sizeof(cur), NULL, 1, 1000, &raw),
	       -EINVAL, "flood: no value");

	/* a flood value is never a ring-buffer record */
	cur.hdr.type = NSW_BPF_REC_FLOOD;
	is_int(bpf_decode(&cur, sizeof(cur), &raw), -EINVAL,
	       "flood value on the ring buffer rejected");
}

static void test_escall(void)
{
	struct nsw_bpf_escall c;
	struct nsw_raw raw;

	memset(&c, 0, sizeof(c));
	fill_hdr(&c.hdr, NSW_BPF_REC_ESCALL, sizeof(c));
	c.syscall = NSW_BPF_SC_PERF_EVENT_OPEN;
	c.nflags = NSW_BPF_NF_BEFORE;
	c.args[0] = -1;
	c.args[1] = 0;
	c.args[2] = 2;
	c.nargs = 3;
	c.ret = 5;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "escall: valid");
	is_int(raw.type, NSW_RAW_SYSCALL, "escall: type");
	is_int(raw.syscall, NSW_SC_PERF_EVENT_OPEN, "escall: syscall");
	ok(raw.n_args == 3 && raw.a0 == -1 && raw.a1 == 0 && raw.a2 == 2,
	   "escall: three args as sent");
	ok(raw.ret_known && raw.ret == 5 && raw.success_known && raw.success,
	   "escall: return and success");
	ok(!raw.killed, "escall: not killed");

	c.syscall = NSW_BPF_SC_FINIT_MODULE;
	c.nargs = 2;
	c.ret = -1;
	c.nflags |= NSW_BPF_NF_KILLED;
	is_int(bpf_decode(&c, sizeof(c), &raw), 0, "escall: finit_module");
	ok(raw.syscall == NSW_SC_FINIT_MODULE && raw.n_args == 2 &&
	   !raw.success && raw.killed, "escall: failed, killed at entry");

	c.nargs = 4;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "escall: more args than the record holds rejected");
	c.nargs = 2;
	c.syscall = NSW_BPF_SC_SETNS;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "escall: a namespace syscall in an escall record rejected");
	c.syscall = NSW_BPF_SC_OPEN_BY_HANDLE_AT + 1;
	is_int(bpf_decode(&c, sizeof(c), &raw), -EINVAL,
	       "escall: unknown syscall rejected");
	c.syscall = NSW_BPF_SC_BPF;
	is_int(bpf_decode(&c, sizeof(c) - 8, &raw), -EINVAL,
	       "escall: short record rejected");
}

int main(void)
{
	test_header();
	test_exec();
	test_fork_exit();
	test_nscall();
	test_escall();
	test_flood();
	return done_testing();
}
