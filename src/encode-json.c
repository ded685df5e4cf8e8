/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON encoder: one nsw_event in, one line of Tetragon export JSON out
 * (doc/schema.md).  It writes what Go protojson with UseProtoNames
 * writes for the same GetEventsResponse: keys in .proto declaration order,
 * zero plain scalars omitted, wrapper types (pid, uid, auid, tid,
 * in_init_tree, container pid) always present, 64-bit integers as strings,
 * enums by name, Timestamps with 0/3/6/9 fractional digits.  The
 * top-level `nswatch` object is ours and documented in the schema.
 *
 * Choices where the schema leaves room (keep doc/schema.md in step):
 *  - exec_id is written for every process; parent_exec_id from
 *    ppid/parent_ktime, "<node>:1:0" for PID 1 and 2 (ppid 0, ktime
 *    known) as Tetragon does, omitted when the parent is unknown.
 *  - tid falls back to pid when 0 (Tetragon: tid == pid for leaders).
 *  - ns: slots with inode 0 (unknown, or no time namespace) are left out;
 *    is_host only when ctx->host_ns is set and its inode is non-zero.
 *  - cap: written when caps_known, as {} when both sets are empty; bits
 *    above 40 as numbers (protojson's unknown enum value).
 *  - pod.container.id is "<runtime>://<id>" when the runtime is known,
 *    else the bare id; security_context is always written (Tetragon
 *    >= 1.5), with privileged:true when known privileged.
 *  - pod_labels keys are sorted bytewise and deduplicated (first wins).
 *  - ancestors skip NULL entries and PID 0.
 *  - nswatch.success is written whenever known, false included; kprobe
 *    events without it fall back to ret >= 0 when the return is known.
 *  - nswatch.container_process is always written (true or false), and
 *    ns_change members always carry to_is_host: the extension is ours
 *    and consumers filter on both values.
 *  - nswatch.ns_types lists names in the schema's order (mnt uts ipc
 *    user pid net cgroup time), ["any"] for a known mask of 0.
 *  - alerts[].mitre: T1611 for every container rule, T1562.001 for
 *    monitor-tamper.
 *  - nswatch_stats counters are 64-bit, so strings, all always written.
 *  - process_throttle (Tetragon: type, cgroup) is written for every
 *    aggregate of namespace calls the eBPF side counted instead of
 *    sending, always as THROTTLE_START (the calls were held during the
 *    interval), with the cgroup's leaf name and nothing else: Tetragon's
 *    ProcessThrottle has no process, and a reader decoding it as protobuf
 *    JSON must find only its fields there.  Ours, in nswatch.aggregate:
 *    the counts and `process`, a recent caller (left out when none is
 *    known).
 *
 * Pure: no I/O, no logging.  Every string that came from the outside
 * (paths, argv, container and pod metadata, node name) goes through
 * strbuf_add_json_str, so any input bytes give valid JSON.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode-json.h"
#include "exposure.h"
#include "util.h"

/* ---- a small streaming JSON writer ------------------------------------ */

#define JW_MAX_DEPTH 16

struct jw {
	struct strbuf_w o;		/* the line, its first error */
	struct encode_memo *memo;	/* NULL: nothing reused */
	int depth;
	bool need_comma[JW_MAX_DEPTH];
	bool after_key;
	/* an event past the line cap is written again with shorter
	 * process strings (bytes; 0: whole) rather than lost */
	size_t cut_acting;	/* the acting process */
	size_t cut_others;	/* parent and ancestors */
	bool no_ancestors;
};

/* ---- reused pieces (struct encode_memo) -------------------------------- */

#define MEMO_SLOTS 8	/* per kind; replaced round robin */

/* A member kept by the value of what it is written from (key). */
struct memo_frag {
	bool used;
	size_t key_len;
	unsigned char key[2 * sizeof(struct nsw_ns_set) + 8];
	struct strbuf frag;	/* "key":value */
};

struct memo_table {
	struct memo_frag slot[MEMO_SLOTS];
	unsigned int next;
};

/*
 * A process written as parent or ancestor (the same bytes in every event
 * of its descendants).  The slot is found by pid and exec ktime and used
 * only when its key and texts, a copy of every fact the object is written
 * from, are equal: no pointer is trusted to mean the same process twice.
 */
#define PROC_SLOTS 1024	/* direct mapped */
/*
 * All slots' buffers together (text and frag capacities).  Each slot
 * used to keep the largest buffer it ever needed, so the memo crept up
 * towards PROC_SLOTS times the largest process object (a long-running
 * eBPF soak grew by 9 MB): a buffer now shrinks to what it holds, and
 * past this budget a process is written without being kept (counted,
 * encode_memo_usage()).  ~1.9 MB held the 1024 slots of a busy host.
 */
#define MEMO_PROC_BYTES (4u << 20)

struct memo_proc_key {
	uint64_t ktime;
	uint64_t parent_ktime;
	uint64_t start_time_ns;
	uint64_t cap_permitted;
	uint64_t cap_effective;
	uint64_t ctr_start_ns;
	const void *node;	/* encode_ctx identity */
	const void *host_ns;
	uint32_t pid;
	uint32_t tid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t auid;
	uint32_t flags;
	uint32_t container_pid;
	struct nsw_ns_set ns;
	struct nsw_ns_set host;	/* is_host is written against it */
	uint8_t caps;		/* caps written */
	uint8_t ns_known;
	uint8_t in_init_tree;
	uint8_t ctr;		/* 0 none, 1 container, 2 privileged */
};

struct memo_proc {
	bool used;
	struct memo_proc_key key;
	struct strbuf text;	/* the strings, each tagged (proc_texts) */
	struct strbuf frag;	/* {...} */
};

struct encode_memo {
	struct memo_proc *procs;	/* PROC_SLOTS, allocated on first use */
	size_t proc_bytes;	/* their buffers' capacity, summed */
	uint64_t proc_full;	/* processes not kept: over MEMO_PROC_BYTES */
	struct memo_table caps;	/* "cap":{...} by permitted, effective */
	struct memo_table ns;	/* "ns":{...} by the set and the host's */
	bool sec_valid;
	int64_t sec;		/* the second whose text is in sec_text */
	char sec_text[20];	/* YYYY-MM-DDTHH:MM:SS */
};

struct encode_memo *encode_memo_new(void)
{
	return calloc(1, sizeof(struct encode_memo));
}

void encode_memo_free(struct encode_memo *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; i < MEMO_SLOTS; i++) {
		strbuf_release(&m->caps.slot[i].frag);
		strbuf_release(&m->ns.slot[i].frag);
	}
	if (m->procs)
		for (i = 0; i < PROC_SLOTS; i++) {
			strbuf_release(&m->procs[i].text);
			strbuf_release(&m->procs[i].frag);
		}
	free(m->procs);
	free(m);
}

void encode_memo_usage(const struct encode_memo *m, size_t *bytes,
		       uint64_t *full)
{
	*bytes = m ? m->proc_bytes : 0;
	*full = m ? m->proc_full : 0;
}

/* Give back a kept buffer's room beyond twice what it holds. */
static void memo_fit(struct strbuf *sb)
{
	char *nbuf;

	if (!sb->buf || sb->cap <= 2 * (sb->len + 1) || sb->cap <= 256)
		return;
	nbuf = realloc(sb->buf, sb->len + 1);
	if (nbuf) {
		sb->buf = nbuf;
		sb->cap = sb->len + 1;
	}
}

/* Keep sb[from, len) in slot frag; a slot that cannot hold it is not
 * used. */
static bool memo_keep(struct strbuf *frag, const struct strbuf *sb,
		      size_t from)
{
	strbuf_reset(frag);
	if (strbuf_add(frag, sb->buf + from, sb->len - from) < 0) {
		strbuf_release(frag);
		return false;
	}
	return true;
}

/* Separator before a value: a comma unless first in its container or
 * right after a key. */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (w->need_comma[w->depth - 1])
			sbw_add(&w->o, ",", 1);
		w->need_comma[w->depth - 1] = true;
	}
}

static void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	sbw_add(&w->o, &c, 1);
	if (w->depth >= JW_MAX_DEPTH) {
		sbw_check(&w->o, -EOVERFLOW);
		return;
	}
	w->need_comma[w->depth++] = false;
}

static void jw_close(struct jw *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	sbw_add(&w->o, &c, 1);
}

static void jw_obj(struct jw *w) { jw_open(w, '{'); }
static void jw_end(struct jw *w) { jw_close(w, '}'); }
static void jw_arr(struct jw *w) { jw_open(w, '['); }
static void jw_arr_end(struct jw *w) { jw_close(w, ']'); }

/* Key from untrusted bytes (pod label keys). */
static void jw_keyn(struct jw *w, const char *k, size_t n)
{
	jw_sep(w);
	if (!w->o.err)
		sbw_check(&w->o, strbuf_add_json_quoted(w->o.sb, k, n));
	sbw_add(&w->o, ":", 1);
	w->after_key = true;
}

/* Key that is one of our own names (a literal or a static table entry):
 * nothing in it needs escaping. */
static void jw_key(struct jw *w, const char *k)
{
	size_t n = strlen(k);
	char *o;

	jw_sep(w);
	w->after_key = true;
	if (w->o.err)
		return;
	if (w->o.sb->overflow || w->o.sb->cap - w->o.sb->len <= n + 3) {
		sbw_check(&w->o, strbuf_reserve(w->o.sb, n + 3));
		if (w->o.err)
			return;
	}
	o = w->o.sb->buf + w->o.sb->len;
	o[0] = '"';
	memcpy(o + 1, k, n);
	o[n + 1] = '"';
	o[n + 2] = ':';
	o[n + 3] = '\0';
	w->o.sb->len += n + 3;
}

/*
 * A member ("key":value) of the current object whose bytes are kept for
 * reuse: jw_member_begin() writes the separator and returns where the
 * member's own bytes start; the member is then written as usual.
 */
static size_t jw_member_begin(struct jw *w)
{
	jw_sep(w);
	w->after_key = true;	/* so the member's key writes none */
	return w->o.sb->len;
}

/* A member kept earlier: its bytes as they were written. */
static void jw_member_raw(struct jw *w, const struct strbuf *frag)
{
	jw_sep(w);
	sbw_add(&w->o, frag->buf, frag->len);
}

static void jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	if (!w->o.err)
		sbw_check(&w->o, strbuf_add_json_quoted(w->o.sb, s, n));
}

static void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s ? s : "", s ? strlen(s) : 0);
}

/* A number (or, quoted, a 64-bit protojson string) from a literal. */
static void jw_num(struct jw *w, const char *num, int n)
{
	jw_sep(w);
	if (n > 0)
		sbw_add(&w->o, num, (size_t)n);
	else
		sbw_check(&w->o, -EOVERFLOW);
}

/* Decimal digits of v into buf (at least 20 bytes); returns the length.
 * printf is the encoder's hottest path otherwise. */
static int fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* v as exactly `width` digits, zero padded. */
static void fmt_fixed(char *buf, uint32_t v, int width)
{
	while (width-- > 0) {
		buf[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

static void jw_u32(struct jw *w, uint32_t v)
{
	char num[24];

	jw_num(w, num, fmt_u64(num, v));
}

static void jw_i32(struct jw *w, int32_t v)
{
	char num[24];

	if (v < 0) {
		num[0] = '-';
		jw_num(w, num, 1 + fmt_u64(num + 1, (uint64_t)-(int64_t)v));
	} else {
		jw_num(w, num, fmt_u64(num, (uint64_t)v));
	}
}

/* 64-bit integers are strings in protojson. */
static void jw_u64(struct jw *w, uint64_t v)
{
	char num[32];
	int n;

	num[0] = '"';
	n = 1 + fmt_u64(num + 1, v);
	num[n++] = '"';
	jw_num(w, num, n);
}

static void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	sbw_adds(&w->o, v ? "true" : "false");
}

/* "key":"value" only when value is non-empty (protojson omits ""). */
static void jw_kv_str(struct jw *w, const char *k, const char *v)
{
	if (v && *v) {
		jw_key(w, k);
		jw_str(w, v);
	}
}

/* A string member cut to `cut` bytes (0: whole); true when it was cut. */
static bool jw_kv_str_cut(struct jw *w, const char *k, const char *v,
			  size_t cut)
{
	size_t n;

	if (!v || !*v)
		return false;
	n = strlen(v);
	jw_key(w, k);
	if (cut && n > cut) {
		jw_strn(w, v, cut);
		return true;
	}
	jw_strn(w, v, n);
	return false;
}

static int encode_time_memo(struct encode_memo *m, char *buf, size_t len,
			    uint64_t wall_ns);

static void jw_kv_time(struct jw *w, const char *k, uint64_t ns)
{
	char t[48];

	if (!ns)
		return;
	if (encode_time_memo(w->memo, t, sizeof(t), ns) < 0) {
		sbw_check(&w->o, -EOVERFLOW);
		return;
	}
	jw_key(w, k);
	jw_str(w, t);
}

/* ---- small public helpers ---------------------------------------------- */

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard, padded base64 of the concatenation a+b into dst (NUL
 * terminated), so the exec_id needs no bounded scratch copy. */
static int base64_std2(char *dst, size_t dstlen, const char *a, size_t na,
		       const char *b, size_t nb)
{
	size_t i, o = 0, n = na + nb, need = (n + 2) / 3 * 4 + 1;
	unsigned char in[3];

	if (n > SIZE_MAX / 2 || dstlen < need)
		return -ENOSPC;
	for (i = 0; i < n; i += 3) {
		size_t j, k = n - i < 3 ? n - i : 3;
		uint32_t v;

		for (j = 0; j < 3; j++)
			in[j] = j >= k ? 0 :
				(unsigned char)(i + j < na ? a[i + j] :
							     b[i + j - na]);
		v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
		dst[o++] = b64[v >> 18];
		dst[o++] = b64[(v >> 12) & 63];
		dst[o++] = k > 1 ? b64[(v >> 6) & 63] : '=';
		dst[o++] = k > 2 ? b64[v & 63] : '=';
	}
	dst[o] = '\0';
	return 0;
}

/* Buffer size encode_exec_id needs for a node name of node_len bytes. */
static size_t exec_id_len(size_t node_len)
{
	return (node_len + 32 + 2) / 3 * 4 + 1;
}

int encode_exec_id(char *buf, size_t len, const char *node, uint64_t ktime,
		   uint32_t pid)
{
	char tail[48];
	int n;

	node = node ? node : "";
	tail[0] = ':';
	n = 1 + fmt_u64(tail + 1, ktime);
	tail[n++] = ':';
	n += fmt_u64(tail + n, pid);
	return base64_std2(buf, len, node, strlen(node), tail, (size_t)n);
}

/* YYYY-MM-DDTHH:MM:SS of a second into out (19 bytes). */
static int fmt_second(char *out, time_t sec)
{
	struct tm tm;

	if (!gmtime_r(&sec, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return -EOVERFLOW;
	fmt_fixed(out, (uint32_t)(tm.tm_year + 1900), 4);
	out[4] = '-';
	fmt_fixed(out + 5, (uint32_t)tm.tm_mon + 1, 2);
	out[7] = '-';
	fmt_fixed(out + 8, (uint32_t)tm.tm_mday, 2);
	out[10] = 'T';
	fmt_fixed(out + 11, (uint32_t)tm.tm_hour, 2);
	out[13] = ':';
	fmt_fixed(out + 14, (uint32_t)tm.tm_min, 2);
	out[16] = ':';
	fmt_fixed(out + 17, (uint32_t)tm.tm_sec, 2);
	return 0;
}

static int encode_time_memo(struct encode_memo *m, char *buf, size_t len,
			    uint64_t wall_ns)
{
	time_t sec = (time_t)(wall_ns / 1000000000ull);
	uint32_t ns = (uint32_t)(wall_ns % 1000000000ull);
	char out[40];
	int n, digits;

	if (m && m->sec_valid && m->sec == (int64_t)sec) {
		memcpy(out, m->sec_text, 19);
	} else {
		if (fmt_second(out, sec) < 0)
			return -EOVERFLOW;
		if (m) {
			memcpy(m->sec_text, out, 19);
			m->sec = (int64_t)sec;
			m->sec_valid = true;
		}
	}
	n = 19;
	/* protojson: drop groups of three trailing zeros, keep 0/3/6/9. */
	digits = ns == 0 ? 0 : ns % 1000000 == 0 ? 3 : ns % 1000 == 0 ? 6 : 9;
	if (digits) {
		out[n++] = '.';
		fmt_fixed(out + n, digits == 3 ? ns / 1000000 :
			  digits == 6 ? ns / 1000 : ns, digits);
		n += digits;
	}
	out[n++] = 'Z';
	if ((size_t)n >= len)
		return -ENOSPC;
	memcpy(buf, out, (size_t)n);
	buf[n] = '\0';
	return 0;
}

int encode_time(char *buf, size_t len, uint64_t wall_ns)
{
	return encode_time_memo(NULL, buf, len, wall_ns);
}

/* api/v1/tetragon/capabilities.proto CapabilitiesType, including the
 * historical spelling of value 1. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

const char *encode_cap_name(unsigned int bit)
{
	if (bit >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[bit];
}

/*
 * The kprobe symbol Tetragon reports for a syscall depends on the kernel's
 * syscall wrapper prefix; the events describe the machine nswatch runs on,
 * which is the architecture it was built for.
 */
const char *encode_syscall_prefix(void)
{
#if defined(__x86_64__)
	return "__x64_sys_";
#elif defined(__aarch64__)
	return "__arm64_sys_";
#elif defined(__s390x__)
	return "__s390x_sys_";
#elif defined(__riscv)
	return "__riscv_sys_";
#elif defined(__i386__)
	return "__ia32_sys_";
#else
	return "sys_";
#endif
}

/*
 * MITRE ATT&CK: every container rule is a form of T1611 (Escape to Host:
 * nsenter/setns into host namespaces, creating namespaces to break out,
 * a container workload sharing the host's namespaces).  Tampering with
 * the monitor is T1562.001 (Impair Defenses: Disable or Modify Tools).
 */
const char *const *encode_rule_mitre(enum nsw_rule r)
{
	static const char *const escape[] = { "T1611", NULL };
	static const char *const tamper[] = { "T1562.001", NULL };
	/* a module loaded from a container runs in the host kernel: the
	 * escape, and persistence by kernel module (T1547.006) */
	static const char *const module[] = { "T1611", "T1547.006", NULL };
	/* a BPF program from a pod runs in the host kernel: the in-kernel
	 * rootkits of T1014 */
	static const char *const bpf[] = { "T1611", "T1014", NULL };

	switch (r) {
	case NSW_RULE_MONITOR_TAMPER: return tamper;
	case NSW_RULE_KERNEL_MODULE_LOAD: return module;
	case NSW_RULE_BPF_FROM_CONTAINER: return bpf;
	default: return escape;
	}
}

/* ---- process ------------------------------------------------------------ */

static void jw_exec_id(struct jw *w, const char *key, const char *node,
		       uint64_t ktime, uint32_t pid)
{
	char stack[512], *id = stack;
	size_t need = exec_id_len(strlen(node));

	if (need > sizeof(stack)) {
		id = malloc(need);
		if (!id) {
			sbw_check(&w->o, -ENOMEM);
			return;
		}
	}
	if (encode_exec_id(id, need, node, ktime, pid) < 0) {
		sbw_check(&w->o, -ENOSPC);
	} else {
		jw_key(w, key);
		jw_str(w, id);
	}
	if (id != stack)
		free(id);
}

/* Tetragon's DecodeCommonFlags spelling, in its order. */
static void jw_flags(struct jw *w, uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ NSW_PF_EXECVE, "execve" },
		{ NSW_PF_PROCFS, "procFS" },
		{ NSW_PF_TRUNC_ARGS, "truncArgs" },
		{ NSW_PF_MISS, "miss" },
		{ NSW_PF_NOCWD, "nocwd" },
		{ NSW_PF_ROOTCWD, "rootcwd" },
		{ NSW_PF_CLONE, "clone" },
	};
	char out[128];
	size_t i, o = 0;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		size_t l = strlen(names[i].name);

		if (!(flags & names[i].bit))
			continue;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, names[i].name, l);
		o += l;
	}
	if (!o)
		return;
	jw_key(w, "flags");
	jw_strn(w, out, o);
}

static void jw_cap_list(struct jw *w, const char *key, uint64_t set)
{
	unsigned int bit;

	if (!set)
		return;		/* empty repeated fields are omitted */
	jw_key(w, key);
	jw_arr(w);
	for (bit = 0; bit < 64; bit++) {
		const char *name;

		if (!(set & (1ull << bit)))
			continue;
		name = encode_cap_name(bit);
		if (name)
			jw_str(w, name);
		else
			jw_u32(w, bit);	/* protojson: unknown enum value */
	}
	jw_arr_end(w);
}

/*
 * Write a member from table t when its key is there; else return the
 * slot to fill (NULL without a memo) and the offset the member starts at:
 * the caller writes it, then memo_member_end() keeps it.
 */
static struct memo_frag *memo_member_begin(struct jw *w, struct memo_table *t,
					   const void *key, size_t key_len,
					   size_t *from, bool *done)
{
	struct memo_frag *f = NULL;
	unsigned int i;

	*done = false;
	if (t && key_len <= sizeof(f->key)) {
		for (i = 0; i < MEMO_SLOTS; i++) {
			f = &t->slot[i];
			if (f->used && f->key_len == key_len &&
			    !memcmp(f->key, key, key_len)) {
				jw_member_raw(w, &f->frag);
				*done = true;
				return NULL;
			}
		}
		f = &t->slot[t->next++ % MEMO_SLOTS];
		f->used = false;
	}
	*from = jw_member_begin(w);
	return f;
}

static void memo_member_end(struct jw *w, struct memo_frag *f,
			    const void *key, size_t key_len, size_t from)
{
	if (!f || w->o.err || !memo_keep(&f->frag, w->o.sb, from))
		return;
	memcpy(f->key, key, key_len);
	f->key_len = key_len;
	f->used = true;
}

static void jw_caps(struct jw *w, uint64_t permitted, uint64_t effective)
{
	uint64_t key[2] = { permitted, effective };
	struct memo_frag *f;
	size_t from = 0;
	bool done;

	f = memo_member_begin(w, w->memo ? &w->memo->caps : NULL, key,
			      sizeof(key), &from, &done);
	if (done)
		return;
	jw_key(w, "cap");
	jw_obj(w);
	jw_cap_list(w, "permitted", permitted);
	jw_cap_list(w, "effective", effective);
	jw_end(w);
	memo_member_end(w, f, key, sizeof(key), from);
}

static void jw_ns_members(struct jw *w, const struct encode_ctx *ctx,
			  const struct nsw_ns_set *ns);

/* "ns":{...}, kept by value of the set and of the host's set. */
static void jw_ns(struct jw *w, const struct encode_ctx *ctx,
		  const struct nsw_ns_set *ns)
{
	unsigned char key[2 * sizeof(struct nsw_ns_set) + 1];
	size_t key_len = sizeof(*ns) + 1;
	struct memo_frag *f;
	size_t from = 0;
	bool done;

	memcpy(key, ns, sizeof(*ns));
	key[sizeof(*ns)] = ctx->host_ns != NULL;
	if (ctx->host_ns) {
		memcpy(key + key_len, ctx->host_ns, sizeof(*ctx->host_ns));
		key_len += sizeof(*ctx->host_ns);
	}
	f = memo_member_begin(w, w->memo ? &w->memo->ns : NULL, key, key_len,
			      &from, &done);
	if (done)
		return;
	jw_ns_members(w, ctx, ns);
	memo_member_end(w, f, key, key_len, from);
}

static void jw_ns_members(struct jw *w, const struct encode_ctx *ctx,
			  const struct nsw_ns_set *ns)
{
	int i;

	jw_key(w, "ns");
	jw_obj(w);
	for (i = 0; i < NSW_NS_COUNT; i++) {
		uint32_t inum = ns->inum[i];

		/* Unknown slots (no time namespace before 5.6, unreadable
		 * links) are left out rather than written as {}. */
		if (!inum)
			continue;
		jw_key(w, nsw_ns_name((enum nsw_ns)i));
		jw_obj(w);
		jw_key(w, "inum");
		jw_u32(w, inum);
		if (ctx->host_ns && ctx->host_ns->inum[i] == inum) {
			jw_key(w, "is_host");
			jw_bool(w, true);
		}
		jw_end(w);
	}
	jw_end(w);
}

/* Pod labels as a map: keys in byte order (protojson sorts map keys),
 * each distinct key once, without needing the input sorted. */
static void jw_labels(struct jw *w, const struct nsw_label *l, size_t n)
{
	const char *last = NULL;

	if (!l || !n)
		return;
	jw_key(w, "pod_labels");
	jw_obj(w);
	for (;;) {
		const struct nsw_label *best = NULL;
		size_t i;

		for (i = 0; i < n; i++) {
			const char *k = l[i].key ? l[i].key : "";

			if (last && strcmp(k, last) <= 0)
				continue;
			if (!best || strcmp(k, best->key ? best->key : "") < 0)
				best = &l[i];
		}
		if (!best)
			break;
		last = best->key ? best->key : "";
		jw_keyn(w, last, strlen(last));
		jw_str(w, best->value);
	}
	jw_end(w);
}

static void jw_pod(struct jw *w, const struct nsw_process *p)
{
	const struct nsw_container *c = p->ctr;

	jw_key(w, "pod");
	jw_obj(w);
	jw_kv_str(w, "namespace", c->pod_namespace);
	jw_kv_str(w, "name", c->pod_name);
	jw_kv_str(w, "uid", c->pod_uid);

	jw_key(w, "container");
	jw_obj(w);
	if (c->id[0]) {
		jw_key(w, "id");
		if (c->runtime[0]) {
			/* "<runtime>://<id>" as kubelet reports containerID;
			 * without a known runtime the bare id. */
			struct strbuf tmp = STRBUF_INIT;

			sbw_check(&w->o, strbuf_adds(&tmp, c->runtime));
			sbw_check(&w->o, strbuf_add(&tmp, "://", 3));
			sbw_check(&w->o, strbuf_adds(&tmp, c->id));
			if (!w->o.err)
				jw_strn(w, tmp.buf, tmp.len);
			strbuf_release(&tmp);
		} else {
			jw_str(w, c->id);
		}
	}
	jw_kv_str(w, "name", c->name);
	if (c->image_id[0] || c->image[0]) {
		jw_key(w, "image");
		jw_obj(w);
		jw_kv_str(w, "id", c->image_id);
		jw_kv_str(w, "name", c->image);
		jw_end(w);
	}
	jw_kv_time(w, "start_time", c->start_time_ns);
	if (p->container_pid) {
		jw_key(w, "pid");
		jw_u32(w, p->container_pid);
	}
	/* Tetragon >= 1.5 always sets security_context. */
	jw_key(w, "security_context");
	jw_obj(w);
	if (c->privileged) {
		jw_key(w, "privileged");
		jw_bool(w, true);
	}
	jw_end(w);
	jw_end(w);		/* container */

	jw_labels(w, c->labels, c->n_labels);
	jw_kv_str(w, "workload", c->workload);
	jw_kv_str(w, "workload_kind", c->workload_kind);
	jw_end(w);		/* pod */
}

static void jw_process(struct jw *w, const struct encode_ctx *ctx,
		       const struct nsw_process *p, bool acting)
{
	const char *node = ctx->node_name ? ctx->node_name : "";
	size_t cut = acting ? w->cut_acting : w->cut_others;
	uint32_t flags = p->flags;

	jw_obj(w);
	jw_exec_id(w, "exec_id", node, p->ktime, p->pid);
	jw_key(w, "pid");
	jw_u32(w, p->pid);
	jw_key(w, "uid");
	jw_u32(w, p->uid);
	jw_kv_str_cut(w, "cwd", p->cwd, cut);
	jw_kv_str_cut(w, "binary", p->binary, cut);
	if (jw_kv_str_cut(w, "arguments", p->arguments, cut))
		flags |= NSW_PF_TRUNC_ARGS;
	jw_flags(w, flags);
	jw_kv_time(w, "start_time", p->start_time_ns);
	jw_key(w, "auid");
	jw_u32(w, p->auid);
	if (p->ctr) {
		jw_pod(w, p);
		if (p->ctr->id[0]) {
			size_t n = strnlen(p->ctr->id, 31);

			jw_key(w, "docker");
			jw_strn(w, p->ctr->id, n);
		}
	}
	if (p->ppid && p->parent_ktime)
		jw_exec_id(w, "parent_exec_id", node, p->parent_ktime,
			   p->ppid);
	else if (!p->ppid && (p->pid == 1 || p->pid == 2) && p->ktime)
		/* init and kthreadd: Tetragon's kernel pseudo-process */
		jw_exec_id(w, "parent_exec_id", node, 1, 0);
	/* capabilities describe the acting process; repeating them for
	 * every ancestor only multiplies the line size (Tetragon writes
	 * them only with --enable-process-cred) */
	if (p->caps_known && (acting || ctx->ancestor_caps))
		jw_caps(w, p->cap_permitted, p->cap_effective);
	if (p->ns_known)
		jw_ns(w, ctx, &p->ns);
	jw_key(w, "tid");
	jw_u32(w, p->tid ? p->tid : p->pid);
	jw_key(w, "in_init_tree");
	jw_bool(w, p->in_init_tree);
	jw_end(w);
}

/*
 * The strings a process object is written from, kept in a slot as a
 * sequence of 'N' (NULL) or 'S' + 32-bit length + bytes, and compared
 * against that copy in one pass over each string (strncmp, then its
 * terminator): cheaper than any hash of them.
 */
struct text_walk {
	struct strbuf *sb;
	size_t pos;
	bool build;		/* append to sb, else compare with it */
	bool same;
};

static void text_visit(struct text_walk *tw, const char *s)
{
	uint32_t n;

	if (tw->build) {
		size_t l = s ? strlen(s) : 0;

		n = (uint32_t)l;
		if (l > UINT32_MAX ||
		    strbuf_add(tw->sb, s ? "S" : "N", 1) < 0 ||
		    (s && (strbuf_add(tw->sb, &n, sizeof(n)) < 0 ||
			   strbuf_add(tw->sb, s, l) < 0)))
			tw->same = false;
		return;
	}
	if (!tw->same)
		return;
	if (tw->pos >= tw->sb->len ||
	    tw->sb->buf[tw->pos] != (s ? 'S' : 'N')) {
		tw->same = false;
		return;
	}
	tw->pos++;
	if (!s)
		return;
	if (tw->sb->len - tw->pos < sizeof(n)) {
		tw->same = false;
		return;
	}
	memcpy(&n, tw->sb->buf + tw->pos, sizeof(n));
	tw->pos += sizeof(n);
	/* equal for n bytes means s has n bytes before its terminator */
	if (tw->sb->len - tw->pos < n ||
	    strncmp(s, tw->sb->buf + tw->pos, n) || s[n]) {
		tw->same = false;
		return;
	}
	tw->pos += n;
}

static void proc_texts(struct text_walk *tw, const struct encode_ctx *ctx,
		       const struct nsw_process *p)
{
	const struct nsw_container *c = p->ctr;
	size_t i;

	text_visit(tw, ctx->node_name);
	text_visit(tw, p->binary);
	text_visit(tw, p->arguments);
	text_visit(tw, p->cwd);
	if (!c)
		return;
	text_visit(tw, c->id);
	text_visit(tw, c->runtime);
	text_visit(tw, c->name);
	text_visit(tw, c->image);
	text_visit(tw, c->image_id);
	text_visit(tw, c->pod_name);
	text_visit(tw, c->pod_namespace);
	text_visit(tw, c->pod_uid);
	text_visit(tw, c->workload);
	text_visit(tw, c->workload_kind);
	for (i = 0; c->labels && i < c->n_labels; i++) {
		text_visit(tw, c->labels[i].key);
		text_visit(tw, c->labels[i].value);
	}
}

/* Do the slot's texts equal p's? */
static bool texts_same(struct strbuf *text, const struct encode_ctx *ctx,
		       const struct nsw_process *p)
{
	struct text_walk tw = { .sb = text, .same = true };

	proc_texts(&tw, ctx, p);
	return tw.same && tw.pos == text->len;
}

/* Keep p's texts in the slot; false when they do not fit in memory. */
static bool texts_keep(struct strbuf *text, const struct encode_ctx *ctx,
		       const struct nsw_process *p)
{
	struct text_walk tw = { .sb = text, .build = true, .same = true };

	strbuf_reset(text);
	proc_texts(&tw, ctx, p);
	if (!tw.same)
		strbuf_release(text);
	return tw.same;
}

static void memo_proc_key(struct memo_proc_key *k,
			  const struct encode_ctx *ctx,
			  const struct nsw_process *p, bool caps)
{
	const struct nsw_container *c = p->ctr;

	memset(k, 0, sizeof(*k));	/* padding too: compared by memcmp */
	k->ktime = p->ktime;
	k->parent_ktime = p->parent_ktime;
	k->start_time_ns = p->start_time_ns;
	if (caps) {
		k->caps = 1;
		k->cap_permitted = p->cap_permitted;
		k->cap_effective = p->cap_effective;
	}
	k->node = ctx->node_name;
	k->host_ns = ctx->host_ns;
	if (ctx->host_ns)
		k->host = *ctx->host_ns;
	k->pid = p->pid;
	k->tid = p->tid;
	k->ppid = p->ppid;
	k->uid = p->uid;
	k->auid = p->auid;
	k->flags = p->flags;
	k->container_pid = p->container_pid;
	k->ns_known = p->ns_known;
	if (p->ns_known)
		k->ns = p->ns;
	k->in_init_tree = p->in_init_tree;
	if (c) {
		k->ctr = c->privileged ? 2 : 1;
		k->ctr_start_ns = c->start_time_ns;
	}
}

/* A parent or ancestor: written once, then copied while nothing it is
 * written from has changed. */
static void jw_process_kept(struct jw *w, const struct encode_ctx *ctx,
			    const struct nsw_process *p)
{
	struct encode_memo *m = w->memo;
	struct memo_proc_key key;
	struct memo_proc *slot;
	size_t from;

	if (m && !m->procs)
		m->procs = calloc(PROC_SLOTS, sizeof(*m->procs));
	if (!m || !m->procs) {
		jw_process(w, ctx, p, false);
		return;
	}
	memo_proc_key(&key, ctx, p, p->caps_known && ctx->ancestor_caps);
	slot = &m->procs[(p->pid ^ (p->ktime >> 10) ^ p->ktime) %
			 PROC_SLOTS];
	if (slot->used && !memcmp(&slot->key, &key, sizeof(key)) &&
	    texts_same(&slot->text, ctx, p)) {
		jw_member_raw(w, &slot->frag);
		return;
	}
	slot->used = false;
	m->proc_bytes -= slot->text.cap + slot->frag.cap;
	from = jw_member_begin(w);
	jw_process(w, ctx, p, false);
	if (!w->o.err && memo_keep(&slot->frag, w->o.sb, from) &&
	    texts_keep(&slot->text, ctx, p)) {
		memo_fit(&slot->frag);
		memo_fit(&slot->text);
		if (m->proc_bytes + slot->text.cap + slot->frag.cap <=
		    MEMO_PROC_BYTES) {
			slot->key = key;
			slot->used = true;
		} else {
			m->proc_full++;
		}
	}
	if (!slot->used) {
		strbuf_release(&slot->frag);
		strbuf_release(&slot->text);
	}
	m->proc_bytes += slot->text.cap + slot->frag.cap;
}

static void jw_parent_ancestors(struct jw *w, const struct encode_ctx *ctx,
				const struct nsw_event *ev, bool ancestors)
{
	size_t i;
	bool any = false;

	if (!ancestors) {
		if (ev->parent) {
			jw_key(w, "parent");
			jw_process_kept(w, ctx, ev->parent);
		}
		return;
	}
	if (!ev->ancestors || w->no_ancestors)
		return;
	for (i = 0; i < ev->n_ancestors; i++) {
		const struct nsw_process *a = ev->ancestors[i];

		/* never the kernel pseudo-process */
		if (!a || !a->pid)
			continue;
		if (!any) {
			jw_key(w, "ancestors");
			jw_arr(w);
			any = true;
		}
		jw_process_kept(w, ctx, a);
	}
	if (any)
		jw_arr_end(w);
}

/* ---- event bodies --------------------------------------------------------- */

static void jw_int_arg(struct jw *w, int32_t v)
{
	jw_obj(w);
	jw_key(w, "int_arg");
	jw_i32(w, v);	/* oneof member: written even when 0 */
	jw_end(w);
}

static void jw_kprobe_body(struct jw *w, const struct encode_ctx *ctx,
			   const struct nsw_event *ev)
{
	const char *sc = nsw_syscall_name(ev->syscall);
	const char *prefix = ctx->syscall_prefix ? ctx->syscall_prefix :
						   encode_syscall_prefix();
	int i, nargs = ev->nargs;

	if (sc[0]) {
		struct strbuf fn = STRBUF_INIT;

		sbw_check(&w->o, strbuf_adds(&fn, prefix));
		sbw_check(&w->o, strbuf_adds(&fn, sc));
		if (!w->o.err) {
			jw_key(w, "function_name");
			jw_strn(w, fn.buf, fn.len);
		}
		strbuf_release(&fn);
	}
	if (nargs > (int)(sizeof(ev->args) / sizeof(ev->args[0])))
		nargs = (int)(sizeof(ev->args) / sizeof(ev->args[0]));
	if (nargs > 0) {
		jw_key(w, "args");
		jw_arr(w);
		for (i = 0; i < nargs; i++)
			jw_int_arg(w, ev->args[i]);
		jw_arr_end(w);
	}
	if (ev->ret_known) {
		jw_key(w, "return");
		jw_int_arg(w, ev->ret);
	}
	jw_key(w, "action");
	jw_str(w, nsw_action_name(ev->action));
	jw_key(w, "policy_name");
	jw_str(w, nsw_syscall_policy(ev->syscall));
	jw_key(w, "return_action");
	jw_str(w, nsw_action_name(ev->return_action));
}

/* ---- the nswatch extension ------------------------------------------------ */

const struct encode_ns_type encode_ns_types[ENCODE_NS_TYPES] = {
	{ NSW_CLONE_NEWNS, "mnt" },
	{ NSW_CLONE_NEWUTS, "uts" },
	{ NSW_CLONE_NEWIPC, "ipc" },
	{ NSW_CLONE_NEWUSER, "user" },
	{ NSW_CLONE_NEWPID, "pid" },
	{ NSW_CLONE_NEWNET, "net" },
	{ NSW_CLONE_NEWCGROUP, "cgroup" },
	{ NSW_CLONE_NEWTIME, "time" },
};

static void jw_ns_types(struct jw *w, uint32_t mask)
{
	size_t i;

	jw_key(w, "ns_types");
	jw_arr(w);
	if (!mask)
		jw_str(w, "any");
	for (i = 0; i < ENCODE_NS_TYPES; i++)
		if (mask & encode_ns_types[i].flag)
			jw_str(w, encode_ns_types[i].name);
	jw_arr_end(w);
}

/* nswatch.aggregate: counts by enum nsw_agg_sc. */
static void jw_agg_counts(struct jw *w, const char *key, const uint64_t *v)
{
	static const char *const names[NSW_AGG_COUNT] = {
		"setns", "unshare", "clone",
	};
	int i;

	jw_key(w, key);
	jw_obj(w);
	for (i = 0; i < NSW_AGG_COUNT; i++) {
		jw_key(w, names[i]);
		jw_u64(w, v[i]);
	}
	jw_end(w);
}

static void jw_exposure_list(struct jw *w, const char *key, uint32_t f)
{
	int i;

	jw_key(w, key);
	jw_arr(w);
	for (i = 0; i < NSW_EXP_COUNT; i++)
		if (f & NSW_EXP_BIT(i))
			jw_str(w, exposure_name((enum nsw_exposure)i));
	jw_arr_end(w);
}

/* nswatch ps: `exposure` (both sources), `exposure_evidence` (each
 * source read: kernel, config) and the host paths behind the flags; no
 * key at all when neither source could be read. */
static void jw_exposure(struct jw *w, const struct exposure_report *x)
{
	int i;

	if (!x->kernel_read && !x->config_read)
		return;
	jw_exposure_list(w, "exposure", exposure_flags(x));
	jw_key(w, "exposure_evidence");
	jw_obj(w);
	if (x->kernel_read)
		jw_exposure_list(w, "kernel", x->kernel);
	if (x->config_read)
		jw_exposure_list(w, "config", x->config);
	jw_end(w);
	if (x->n_paths) {
		jw_key(w, "exposure_paths");
		jw_arr(w);
		for (i = 0; i < x->n_paths; i++)
			jw_strn(w, x->paths[i],
				strnlen(x->paths[i], sizeof(x->paths[i])));
		jw_arr_end(w);
	}
}

static void jw_aggregate(struct jw *w, const struct encode_ctx *ctx,
			 const struct nsw_event *ev)
{
	const struct nsw_aggregate *a = ev->agg;

	jw_key(w, "aggregate");
	jw_obj(w);
	jw_key(w, "interval_ms");
	jw_u32(w, a->interval_ms);
	if (a->mnt_ns) {
		jw_key(w, "mnt_ns");
		jw_u32(w, a->mnt_ns);
	}
	jw_agg_counts(w, "calls", a->calls);
	jw_agg_counts(w, "failed", a->failed);
	jw_key(w, "dropped");
	jw_u64(w, a->dropped);
	if (ev->proc->pid) {
		jw_key(w, "process");
		jw_process(w, ctx, ev->proc, true);
	}
	jw_end(w);
}

static void jw_extension(struct jw *w, const struct encode_ctx *ctx,
			 const struct nsw_event *ev)
{
	int i, n_alerts = ev->n_alerts;
	bool any = false;

	jw_key(w, "nswatch");
	jw_obj(w);
	jw_kv_str(w, "backend", ev->backend);
	jw_kv_str(w, "syscall", nsw_syscall_name(ev->syscall));
	/* Written whenever known, false included: a failed setns is an
	 * attempt the reader must see as such.  A kprobe event whose backend
	 * did not say falls back to its return value. */
	if (ev->success_known) {
		jw_key(w, "success");
		jw_bool(w, ev->success);
	} else if (ev->type == NSW_EV_KPROBE && ev->ret_known) {
		jw_key(w, "success");
		jw_bool(w, ev->ret >= 0);
	}
	if (ev->flags_unknown) {
		jw_key(w, "ns_types");
		jw_arr(w);
		jw_str(w, "unknown");
		jw_arr_end(w);
	} else if (ev->ns_types_known) {
		jw_ns_types(w, ev->ns_types);
	}
	for (i = 0; i < NSW_NS_COUNT; i++) {
		const struct nsw_ns_change *c = &ev->ns_change[i];

		if (!c->changed)
			continue;
		if (!any) {
			jw_key(w, "ns_change");
			jw_obj(w);
			any = true;
		}
		jw_key(w, nsw_ns_name((enum nsw_ns)i));
		jw_obj(w);
		jw_key(w, "from");
		jw_u32(w, c->from);
		jw_key(w, "to");
		jw_u32(w, c->to);
		jw_key(w, "to_is_host");
		jw_bool(w, c->to_is_host);
		jw_end(w);
	}
	if (any)
		jw_end(w);
	if (ev->verdict != NSW_VERDICT_NONE_SET)
		jw_kv_str(w, "verdict", nsw_verdict_name(ev->verdict));
	if (ev->type == NSW_EV_THROTTLE && ev->agg)
		jw_aggregate(w, ctx, ev);
	/* Always written: consumers filter on it both ways. */
	jw_key(w, "container_process");
	jw_bool(w, ev->container_process);
	if (ev->exposure)
		jw_exposure(w, ev->exposure);
	if (n_alerts > NSW_MAX_ALERTS)
		n_alerts = NSW_MAX_ALERTS;
	if (n_alerts > 0) {
		jw_key(w, "alerts");
		jw_arr(w);
		for (i = 0; i < n_alerts; i++) {
			const struct nsw_alert *a = &ev->alerts[i];
			const char *const *m;

			jw_obj(w);
			jw_key(w, "rule");
			jw_str(w, nsw_rule_id(a->rule));
			jw_key(w, "severity");
			jw_str(w, nsw_severity_name(a->severity));
			jw_key(w, "mitre");
			jw_arr(w);
			for (m = encode_rule_mitre(a->rule); *m; m++)
				jw_str(w, *m);
			jw_arr_end(w);
			jw_key(w, "message");
			jw_strn(w, a->message,
				strnlen(a->message, sizeof(a->message)));
			jw_end(w);
		}
		jw_arr_end(w);
	}
	jw_kv_str(w, "enforced", ev->enforced);
	jw_end(w);
}

/* ---- lines ---------------------------------------------------------------- */

static const char *cluster_or_default(const struct encode_ctx *ctx)
{
	return ctx->cluster_name && *ctx->cluster_name ? ctx->cluster_name :
							 "default";
}

/* Finish a line: newline, or roll the buffer back on any error so the
 * caller never sees half a line. */
static int jw_finish(struct jw *w, size_t start, bool overflow_before)
{
	sbw_add(&w->o, "\n", 1);
	if (!w->o.err && w->depth)
		w->o.err = -EINVAL;
	if (w->o.err) {
		w->o.sb->len = start;
		if (w->o.sb->buf)
			w->o.sb->buf[start] = '\0';
		w->o.sb->overflow = overflow_before;
		return w->o.err == -EOVERFLOW ? -E2BIG : w->o.err;
	}
	return 0;
}

/*
 * Past the line cap, an event is written again rather than lost (it may
 * carry the only alert of an escape, and ancestors' arguments are
 * chosen by whoever runs them): first with the parent's and ancestors'
 * cwd, binary and arguments cut to ENCODE_CUT bytes, then also the
 * acting process's, without ancestors.  Cut arguments are flagged
 * truncArgs.  The memo is not used for these (its pieces are whole).
 */
#define ENCODE_CUT 256

static int encode_event_once(struct strbuf *sb, const struct encode_ctx *ctx,
			     const struct nsw_event *ev, int level);

int encode_json_event(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_event *ev)
{
	int level, r = -E2BIG;

	for (level = 0; level < 3 && r == -E2BIG; level++)
		r = encode_event_once(sb, ctx, ev, level);
	return r;
}

static int encode_event_once(struct strbuf *sb, const struct encode_ctx *ctx,
			     const struct nsw_event *ev, int level)
{
	struct jw w = { .o.sb = sb, .memo = ctx && !level ? ctx->memo : NULL,
			.cut_others = level ? ENCODE_CUT : 0,
			.cut_acting = level > 1 ? ENCODE_CUT : 0,
			.no_ancestors = level > 1 };
	size_t start = sb->len;
	bool overflow_before = sb->overflow;
	const char *key;

	if (!ctx || !ev || !ev->proc)
		return -EINVAL;
	if (sb->overflow)
		return -E2BIG;
	switch (ev->type) {
	case NSW_EV_EXEC: key = "process_exec"; break;
	case NSW_EV_EXIT: key = "process_exit"; break;
	case NSW_EV_KPROBE: key = "process_kprobe"; break;
	case NSW_EV_THROTTLE: key = "process_throttle"; break;
	default: return -EINVAL;
	}

	jw_obj(&w);
	jw_key(&w, key);
	jw_obj(&w);
	if (ev->type == NSW_EV_THROTTLE) {
		jw_kv_str(&w, "type", "THROTTLE_START");
		jw_kv_str(&w, "cgroup", ev->cgroup);
		jw_end(&w);
		goto tail;
	}
	jw_key(&w, "process");
	jw_process(&w, ctx, ev->proc, true);
	jw_parent_ancestors(&w, ctx, ev, false);
	switch (ev->type) {
	case NSW_EV_EXEC:
		break;
	case NSW_EV_EXIT:
		jw_kv_str(&w, "signal", ev->signal);
		if (ev->status) {
			jw_key(&w, "status");
			jw_u32(&w, ev->status);
		}
		jw_kv_time(&w, "time", ev->time_ns);
		break;
	case NSW_EV_KPROBE:
		jw_kprobe_body(&w, ctx, ev);
		break;
	default:	/* written above */
		break;
	}
	jw_parent_ancestors(&w, ctx, ev, true);
	jw_end(&w);
tail:
	jw_kv_str(&w, "node_name", ctx->node_name);
	jw_kv_time(&w, "time", ev->time_ns);
	jw_key(&w, "cluster_name");
	jw_str(&w, cluster_or_default(ctx));
	jw_extension(&w, ctx, ev);
	jw_end(&w);
	return jw_finish(&w, start, overflow_before);
}

int encode_json_stats(struct strbuf *sb, const struct encode_ctx *ctx,
		      const struct nsw_stats *st, uint64_t time_ns)
{
	static const char *const ev_names[NSW_EV_TYPE_COUNT] = {
		"process_exec", "process_exit", "process_kprobe",
		"process_throttle",
	};
	struct jw w = { .o.sb = sb };
	size_t start = sb->len;
	bool overflow_before = sb->overflow;
	int i;

	if (!ctx || !st)
		return -EINVAL;
	if (sb->overflow)
		return -E2BIG;
	jw_obj(&w);
	jw_key(&w, "nswatch_stats");
	jw_obj(&w);
	jw_key(&w, "events");
	jw_obj(&w);
	for (i = 0; i < NSW_EV_TYPE_COUNT; i++) {
		jw_key(&w, ev_names[i]);
		jw_u64(&w, st->events[i]);
	}
	jw_end(&w);
	jw_key(&w, "alerts");
	jw_obj(&w);
	for (i = 0; i < NSW_RULE_COUNT; i++) {
		jw_key(&w, nsw_rule_id((enum nsw_rule)i));
		jw_u64(&w, st->alerts[i]);
	}
	jw_end(&w);
	jw_key(&w, "lost");
	jw_obj(&w);
	jw_key(&w, "kernel");
	jw_u64(&w, st->kernel_lost);
	jw_key(&w, "ringbuf");
	jw_u64(&w, st->ringbuf_drops);
	jw_key(&w, "held");
	jw_u64(&w, st->held);
	jw_key(&w, "seq_gaps");
	jw_u64(&w, st->seq_gaps);
	jw_key(&w, "output_errors");
	jw_u64(&w, st->output_errors);
	jw_key(&w, "output_queue");
	jw_u64(&w, st->output_queue);
	jw_key(&w, "log");
	jw_u64(&w, st->log_lost);
	jw_end(&w);
	jw_key(&w, "raw_events");
	jw_u64(&w, st->raw_events);
	jw_key(&w, "parse_errors");
	jw_u64(&w, st->parse_errors);
	jw_key(&w, "filtered");
	jw_u64(&w, st->filtered);
	jw_key(&w, "proc_misses");
	jw_u64(&w, st->proc_misses);
	jw_key(&w, "tables");
	jw_obj(&w);
	jw_key(&w, "processes");
	jw_u64(&w, st->tab_processes);
	jw_key(&w, "pending");
	jw_u64(&w, st->tab_pending);
	jw_key(&w, "memo_bytes");
	jw_u64(&w, st->tab_memo_bytes);
	jw_key(&w, "memo_full");
	jw_u64(&w, st->tab_memo_full);
	jw_end(&w);
	jw_end(&w);
	jw_kv_str(&w, "node_name", ctx->node_name);
	jw_kv_time(&w, "time", time_ns);
	jw_end(&w);
	return jw_finish(&w, start, overflow_before);
}
