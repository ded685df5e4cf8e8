/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Audit event -> raw event.  One libauparse event (SYSCALL + EXECVE + CWD +
 * PATH + PROCTITLE + ... records, in any order) becomes zero, one or two
 * struct nsw_raw:
 *
 *   execve, execveat            NSW_RAW_EXEC (failed ones too, success=false)
 *   setns, unshare, clone3      NSW_RAW_NSCALL
 *   clone with CLONE_NEW*       NSW_RAW_FORK (child) then NSW_RAW_NSCALL
 *   fork, vfork, clone          NSW_RAW_FORK when a process was created
 *   exit_group                  NSW_RAW_EXIT (exit_code = a0 & 0xff)
 *   init_module, finit_module,  NSW_RAW_SYSCALL (bpf: BPF_PROG_LOAD only)
 *   bpf, perf_event_open,
 *   open_by_handle_at
 *
 * What audit cannot tell:
 *  - clone3 passes its flags in a user struct; a0 is a pointer.  clone3
 *    events carry clone_flags 0 (unknown) and a0 0, and produce no FORK
 *    because a thread (CLONE_THREAD) and a process look the same.
 *  - Processes that die from a signal never call exit_group, and with the
 *    usual rules exit_group is not audited at all: the pipeline must
 *    expect missing exits.
 *  - Fork events need rules the default set does not install (cost):
 *      -a never,exit  -F arch=b64 -S clone -F a0&0x10000      (threads)
 *      -a always,exit -F arch=b64 -S fork,vfork,clone -F key=nswatch_fork
 *    (and the b32 pair); only clone with CLONE_NEW* is audited otherwise.
 *
 * Two input forms are understood: the kernel's raw fields (also with an
 * ENRICHED 0x1D suffix, which libauparse keeps out of the field list) and
 * `ausearch -i` interpreted values (arch=x86_64 syscall=setns a1=CLONE_NEWNS
 * auid=unset uid=root exit=EPERM(...)).  Interpreted EXECVE and PROCTITLE
 * records must first go through replay_normalize_line(), which hex-encodes
 * their values so that arguments with spaces survive libauparse's
 * tokenizer.
 *
 * Serial numbers are tracked per node to count records the kernel or a
 * reader lost: audit-seq.c.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "audit-map.h"
#include "audit-seq.h"
#include "audit-syscalls.h"
#include "util.h"

/* record types (linux/audit.h) */
#define REC_SYSCALL	1300
#define REC_PATH	1302
#define REC_CWD		1307
#define REC_EXECVE	1309
#define REC_BPRM_FCAPS	1321
#define REC_PROCTITLE	1327
#define REC_EOE		1320
#define REC_DAEMON_FIRST 1200	/* auditd's own records: its own serials */
#define REC_DAEMON_LAST	1299

#define CLONE_THREAD_FLAG 0x00010000u
#define BPF_PROG_LOAD_CMD 5u	/* enum bpf_cmd */

/* Bounds for one event's decoded strings and argument pieces. */
#define ARENA_MAX	(1u << 20)
#define PIECES_MAX	8192
/* The kernel truncates PROCTITLE at this many bytes. */
#define PROCTITLE_MAX	128

/* A decoded string inside the arena (offsets: the arena may move). */
struct span {
	uint32_t off;
	uint32_t len;
	bool set;
};

/* One EXECVE value: whole argument (chunk -1) or one aN[i] chunk. */
struct piece {
	uint32_t arg;
	int32_t chunk;
	struct span s;
};

struct audit_map {
	uint32_t default_arch;
	struct audit_map_stats st;
	struct audit_seq seq;

	/* per event */
	char *arena;
	size_t arena_len, arena_cap;
	struct piece *pieces;
	size_t n_pieces, pieces_cap;
	struct nsw_raw raw;
};

/* What the SYSCALL record said. */
struct sc_info {
	uint32_t arch;
	enum sc_class cls;
	bool interp;		/* ausearch -i values */
	uint64_t a0, a1, a2;
	bool a0_ok, a1_ok, a2_ok;
	bool exit_ok;
	int64_t exit;
	bool success_ok;
	bool success;
	bool pid_ok;
	uint32_t pid, ppid;
	bool uid_ok, euid_ok, auid_ok;
	uint32_t uid, euid, auid;
	struct span comm, exe;
	char selinux_level[NSW_SELINUX_LEVEL_MAX]; /* subj=, when a container's */
};

/* ---- small parsers ---------------------------------------------------- */

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

/* Hex number, optional 0x, at most 16 digits. */
static bool parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, n++) {
		if (!is_hex_digit(*s) || n >= 16)
			return false;
		v = (v << 4) | (uint64_t)hex_val(*s);
	}
	if (!n)
		return false;
	*out = v;
	return true;
}

/* Signed decimal that fits int64. */
static bool parse_dec(const char *s, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	size_t n = 0;

	if (!s)
		return false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n >= 19)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!n)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	int64_t v;

	if (!parse_dec(s, &v) || v < 0 || v > 0xffffffffLL)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* PATH dev=: "MAJ:MIN" in hex, as the kernel writes it ("00:2f",
 * "103:02"); `ausearch -i` leaves it as it is. */
static bool parse_devno(const char *s, uint32_t *maj, uint32_t *min)
{
	uint64_t v[2] = { 0, 0 };
	int part = 0, digits = 0;

	if (!s)
		return false;
	for (; *s; s++) {
		if (*s == ':' && part == 0 && digits) {
			part = 1;
			digits = 0;
			continue;
		}
		if (!is_hex_digit(*s) || ++digits > 8)
			return false;
		v[part] = v[part] << 4 | (uint64_t)hex_val(*s);
	}
	if (part != 1 || !digits || v[0] > 0xfff || v[1] > 0xfffff)
		return false;
	*maj = (uint32_t)v[0];
	*min = (uint32_t)v[1];
	return true;
}

/* uid/auid: decimal, -1, or the names `ausearch -i` writes for ids we can
 * know without the producing host's user database. */
static bool parse_id(const char *s, uint32_t *out)
{
	int64_t v;

	if (!s)
		return false;
	if (!strcmp(s, "unset") || !strcmp(s, "-1")) {
		*out = NSW_AUID_UNSET;
		return true;
	}
	if (!strcmp(s, "root")) {
		*out = 0;
		return true;
	}
	if (!strcmp(s, "nobody")) {
		*out = 65534;
		return true;
	}
	if (!strncmp(s, "unknown(", 8)) {
		/* ausearch -i: an id its host had no name for */
		char num[16];
		size_t n = strlen(s + 8);

		if (n < 2 || n > sizeof(num) || s[8 + n - 1] != ')')
			return false;
		memcpy(num, s + 8, n - 1);
		num[n - 1] = '\0';
		s = num;
		if (!parse_dec(s, &v) || v < 0 || v > 0xffffffffLL)
			return false;
		*out = (uint32_t)v;
		return true;
	}
	if (!parse_dec(s, &v) || v < 0 || v > 0xffffffffLL)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Raw hex, or interpreted "CLONE_NEWNS|CLONE_NEWPID" (also "0x0"). */
static bool parse_flags(const char *s, uint64_t *out)
{
	uint64_t v = 0, f;
	const char *p, *e;
	size_t n;

	if (parse_hex(s, out))
		return true;
	if (!s || !*s)
		return false;
	for (p = s; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '|');
		if (!e)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (!audit_sc_flag(p, n, &f))
			return false;
		v |= f;
	}
	*out = v;
	return true;
}

/* exit=: raw signed decimal, or interpreted "EPERM(Operation ...)". */
static bool parse_exit(const char *s, int64_t *out)
{
	const char *paren;
	size_t n;
	int e;

	if (parse_dec(s, out))
		return true;
	if (!s)
		return false;
	paren = strchr(s, '(');
	n = paren ? (size_t)(paren - s) : strlen(s);
	if (!audit_sc_errno(s, n, &e))
		return false;
	*out = -e;
	return true;
}

static bool parse_arch(const char *s, uint32_t *arch, bool *interp)
{
	uint64_t v;

	*interp = false;
	if (parse_hex(s, &v)) {
		if (v > 0xffffffffu)
			return false;
		*arch = (uint32_t)v;
		return true;
	}
	if (!s)
		return false;
	*interp = true;
	if (!strcmp(s, "x86_64")) {
		*arch = ARCH_X86_64;
	} else if (!strcmp(s, "i386") || !strcmp(s, "i486") ||
		   !strcmp(s, "i586") || !strcmp(s, "i686")) {
		*arch = ARCH_I386;
	} else if (!strcmp(s, "aarch64")) {
		*arch = ARCH_AARCH64;
	} else if (!strcmp(s, "armeb") || !strcmp(s, "arm") ||
		   !strcmp(s, "armv7l") || !strcmp(s, "armv6l")) {
		*arch = ARCH_ARM;	/* what ausearch calls 40000028 */
	} else if (!strcmp(s, "ppc64le")) {
		*arch = ARCH_PPC64LE;
	} else if (!strcmp(s, "ppc64")) {
		*arch = ARCH_PPC64;
	} else if (!strcmp(s, "s390x")) {
		*arch = ARCH_S390X;
	} else {
		*arch = 0;	/* a machine we do not map */
	}
	return true;
}

enum nsw_syscall audit_map_syscall(uint32_t arch, long nr)
{
	return audit_sc_nsw_syscall(audit_sc_classify_nr(arch ? arch : audit_sc_host_arch(), nr));
}

/* ---- arena -------------------------------------------------------------- */

static int arena_reserve(struct audit_map *m, size_t n)
{
	size_t cap;
	char *nb;

	if (n > ARENA_MAX || m->arena_len > ARENA_MAX - n)
		return -E2BIG;
	if (m->arena_len + n <= m->arena_cap)
		return 0;
	cap = m->arena_cap ? m->arena_cap : 4096;
	while (cap < m->arena_len + n)
		cap *= 2;
	if (cap > ARENA_MAX)
		cap = ARENA_MAX;
	nb = realloc(m->arena, cap);
	if (!nb)
		return -ENOMEM;
	m->arena = nb;
	m->arena_cap = cap;
	return 0;
}

static int arena_put(struct audit_map *m, const char *p, size_t n,
		     struct span *out)
{
	int r = arena_reserve(m, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(m->arena + m->arena_len, p, n);
	out->off = (uint32_t)m->arena_len;
	out->len = (uint32_t)n;
	out->set = true;
	m->arena_len += n;
	return 0;
}

static bool all_hex_even(const char *s, size_t n)
{
	size_t i;

	if (!n || n % 2)
		return false;
	for (i = 0; i < n; i++)
		if (!is_hex_digit(s[i]))
			return false;
	return true;
}

/* "\ooo" as `ausearch -i` escapes a control byte; 0 if not one. */
static int octal_ctl(const char *p, size_t left)
{
	int v;

	if (left < 4 || p[0] != '\\' || p[1] < '0' || p[1] > '3' ||
	    p[2] < '0' || p[2] > '7' || p[3] < '0' || p[3] > '7')
		return -1;
	v = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
	return v < 0x20 || v == 0x7f ? v : -1;
}

/* A literal (interpreted) value; undoes ausearch's \ooo escapes of
 * control bytes, the only escaping it does. */
static int put_unescaped(struct audit_map *m, const char *v, size_t n,
			 struct span *out)
{
	size_t i, k = 0;
	int c, r = arena_reserve(m, n);

	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		c = octal_ctl(v + i, n - i);
		if (c >= 0) {
			m->arena[m->arena_len + k++] = (char)c;
			i += 3;
		} else {
			m->arena[m->arena_len + k++] = v[i];
		}
	}
	out->off = (uint32_t)m->arena_len;
	out->len = (uint32_t)k;
	out->set = true;
	m->arena_len += k;
	return 0;
}

/*
 * Decode one audit string value into the arena.  "quoted" -> the bytes
 * between the quotes; (null)/(none) -> not set; unquoted -> hex-decoded
 * when hex_unquoted and it is valid hex (the kernel's encoding of unsafe
 * strings), else taken literally (interpreted logs).
 */
static int put_value(struct audit_map *m, const char *v, bool hex_unquoted,
		     struct span *out)
{
	size_t n, i;
	int r;

	memset(out, 0, sizeof(*out));
	if (!v)
		return 0;
	n = strlen(v);
	if (n >= 1 && v[0] == '"') {
		v++;
		n--;
		if (n && v[n - 1] == '"')
			n--;
		return arena_put(m, v, n, out);
	}
	if (!strcmp(v, "(null)") || !strcmp(v, "(none)"))
		return 0;
	if (!hex_unquoted || !all_hex_even(v, n))
		return put_unescaped(m, v, n, out);
	r = arena_reserve(m, n / 2);
	if (r < 0)
		return r;
	for (i = 0; i < n; i += 2)
		m->arena[m->arena_len + i / 2] =
			(char)((hex_val(v[i]) << 4) | hex_val(v[i + 1]));
	out->off = (uint32_t)m->arena_len;
	out->len = (uint32_t)(n / 2);
	out->set = true;
	m->arena_len += n / 2;
	return 0;
}

static struct nsw_bytes span_bytes(const struct audit_map *m,
				   const struct span *s)
{
	struct nsw_bytes b = { NULL, 0 };

	if (s->set) {
		b.p = m->arena + s->off;
		b.len = s->len;
	}
	return b;
}

/* ---- serial numbers ------------------------------------------------------ */

/* The tracker's counters into the stats (after every change). */
static void seq_sync(struct audit_map *m)
{
	m->st.seq_gaps = m->seq.gaps;
	m->st.seq_resets = m->seq.resets;
}

void audit_map_tick(struct audit_map *m)
{
	if (!m)
		return;
	audit_seq_tick(&m->seq);
	seq_sync(m);
}

void audit_map_flush(struct audit_map *m)
{
	if (!m)
		return;
	audit_seq_flush(&m->seq);
	seq_sync(m);
}

/* ---- record access -------------------------------------------------------- */

/* The fields of the record the cursor is on, one per call (*started false
 * for the first): name and value, skipping fields that lack either.
 * false after the last. */
static bool next_field(auparse_state_t *au, bool *started,
		       const char **name, const char **v)
{
	for (;;) {
		if (!*started) {
			*started = true;
			if (auparse_first_field(au) <= 0)
				return false;
		} else if (auparse_next_field(au) <= 0) {
			return false;
		}
		*name = auparse_get_field_name(au);
		*v = auparse_get_field_str(au);
		if (*name && *v)
			return true;
	}
}

/* Parse the SYSCALL record the cursor is on. */
static int parse_syscall(struct audit_map *m, auparse_state_t *au,
			 struct sc_info *si)
{
	const char *arch = NULL, *sc = NULL, *a0 = NULL, *a1 = NULL;
	const char *a2 = NULL;
	const char *exe = NULL, *comm = NULL;
	const char *name, *v;
	bool started = false;
	int64_t dv;
	int r;

	while (next_field(au, &started, &name, &v)) {
		if (!strcmp(name, "arch")) {
			arch = v;
		} else if (!strcmp(name, "syscall")) {
			sc = v;
		} else if (!strcmp(name, "a0")) {
			a0 = v;
		} else if (!strcmp(name, "a1")) {
			a1 = v;
		} else if (!strcmp(name, "a2")) {
			a2 = v;
		} else if (!strcmp(name, "success")) {
			si->success_ok = !strcmp(v, "yes") || !strcmp(v, "no");
			si->success = !strcmp(v, "yes");
		} else if (!strcmp(name, "exit")) {
			si->exit_ok = parse_exit(v, &si->exit);
		} else if (!strcmp(name, "pid")) {
			si->pid_ok = parse_u32(v, &si->pid);
		} else if (!strcmp(name, "ppid")) {
			if (!parse_u32(v, &si->ppid))
				si->ppid = 0;
		} else if (!strcmp(name, "uid")) {
			si->uid_ok = parse_id(v, &si->uid);
		} else if (!strcmp(name, "euid")) {
			si->euid_ok = parse_id(v, &si->euid);
		} else if (!strcmp(name, "auid")) {
			si->auid_ok = parse_id(v, &si->auid);
		} else if (!strcmp(name, "comm")) {
			comm = v;
		} else if (!strcmp(name, "exe")) {
			exe = v;
		} else if (!strcmp(name, "subj")) {
			nsw_selinux_container_level(v, si->selinux_level,
						    sizeof(si->selinux_level));
		}
	}

	if (!sc || !si->pid_ok)
		return -EINVAL;
	if (!arch)
		si->arch = m->default_arch;
	else if (!parse_arch(arch, &si->arch, &si->interp))
		return -EINVAL;
	if (parse_dec(sc, &dv)) {
		si->cls = audit_sc_classify_nr(si->arch, (long)dv);
	} else if (!strncmp(sc, "unknown-syscall(", 16)) {
		/* ausearch -i: a number its table lacks */
		char num[24];
		size_t n = strlen(sc + 16);

		si->interp = true;
		if (n >= 2 && n <= sizeof(num) && sc[16 + n - 1] == ')') {
			memcpy(num, sc + 16, n - 1);
			num[n - 1] = '\0';
			if (parse_dec(num, &dv))
				si->cls = audit_sc_classify_nr(si->arch, (long)dv);
		}
	} else {
		si->cls = audit_sc_classify_name(sc);
		si->interp = true;
	}
	if (si->cls == SC_OTHER)
		return 0;
	if (si->cls >= SC_INIT_MODULE) {
		/* escape syscalls: plain numbers (ausearch -i leaves them in
		 * hex, but names bpf's command) */
		si->a0_ok = a0 && parse_hex(a0, &si->a0);
		if (a0 && !si->a0_ok && !strcmp(a0, "BPF_PROG_LOAD")) {
			si->a0 = BPF_PROG_LOAD_CMD;
			si->a0_ok = true;
		}
		si->a1_ok = a1 && parse_hex(a1, &si->a1);
		si->a2_ok = a2 && parse_hex(a2, &si->a2);
		goto strings;
	}
	if (a0)
		si->a0_ok = si->interp && si->cls != SC_EXIT_GROUP ?
			    parse_flags(a0, &si->a0) : parse_hex(a0, &si->a0);
	if (a0 && si->cls == SC_EXIT_GROUP && !si->a0_ok) {
		/* ausearch -i: EXIT_SUCCESS / EXIT_FAILURE / UNKNOWN */
		si->a0_ok = true;
		si->a0 = !strcmp(a0, "EXIT_FAILURE") ? 1 : 0;
	}
	if (a1)
		si->a1_ok = parse_flags(a1, &si->a1);
	if (si->arch == ARCH_S390X && si->cls == SC_CLONE) {
		/* CLONE_BACKWARDS2: clone(newsp, flags, ...) */
		si->a0 = si->a1;
		si->a0_ok = si->a1_ok;
	}
strings:
	r = put_value(m, comm, !si->interp, &si->comm);
	if (r == 0)
		r = put_value(m, exe, !si->interp, &si->exe);
	return r;
}

/* Signed view of a register for the syscall's ABI width (AUDIT_ARCH_*
 * without __AUDIT_ARCH_64BIT is a 32-bit ABI: i386, arm). */
static int64_t reg_signed(const struct sc_info *si, uint64_t v)
{
	if (!(si->arch & 0x80000000u))
		return (int64_t)(int32_t)(uint32_t)v;
	return (int64_t)v;
}

static int add_piece(struct audit_map *m, uint32_t arg, int32_t chunk,
		     const struct span *s)
{
	struct piece *np;
	size_t cap;

	if (m->n_pieces >= PIECES_MAX)
		return -E2BIG;
	if (m->n_pieces == m->pieces_cap) {
		cap = m->pieces_cap ? m->pieces_cap * 2 : 64;
		np = realloc(m->pieces, cap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		m->pieces = np;
		m->pieces_cap = cap;
	}
	m->pieces[m->n_pieces].arg = arg;
	m->pieces[m->n_pieces].chunk = chunk;
	m->pieces[m->n_pieces].s = *s;
	m->n_pieces++;
	return 0;
}

/* "a12" -> 12, chunk -1; "a12[3]" -> 12, 3; anything else -> false. */
static bool arg_name(const char *name, uint32_t *arg, int32_t *chunk)
{
	uint64_t a = 0, c = 0;
	const char *p = name + 1;

	if (name[0] != 'a' || *p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		a = a * 10 + (uint64_t)(*p - '0');
		if (a > 0x7fffffff)
			return false;
	}
	*arg = (uint32_t)a;
	*chunk = -1;
	if (!*p)
		return true;
	if (*p != '[' || p[1] < '0' || p[1] > '9')
		return false;
	for (p++; *p >= '0' && *p <= '9'; p++) {
		c = c * 10 + (uint64_t)(*p - '0');
		if (c > 0x7fffffff)
			return false;
	}
	if (p[0] != ']' || p[1])
		return false;
	*chunk = (int32_t)c;
	return true;
}

static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	return x->s.off < y->s.off ? -1 : x->s.off > y->s.off;
}

/* Collect the fields of one EXECVE record. */
static void collect_execve(struct audit_map *m, auparse_state_t *au,
			   int64_t *argc, bool *trunc)
{
	const char *name, *v;
	struct span s;
	uint32_t arg;
	int32_t chunk;
	bool started = false;

	while (next_field(au, &started, &name, &v)) {
		if (!strcmp(name, "argc")) {
			if (*argc < 0 && !parse_dec(v, argc))
				*argc = -1;
			continue;
		}
		if (!arg_name(name, &arg, &chunk))
			continue;	/* aN_len, node, type */
		if (arg >= NSW_RAW_MAX_ARGS) {
			*trunc = true;
			continue;
		}
		if (put_value(m, v, true, &s) < 0 ||
		    add_piece(m, arg, chunk, &s) < 0)
			*trunc = true;
	}
}

/* Join the collected pieces into argv spans: a whole value wins over
 * chunks; chunks aN[0], aN[1], ... are concatenated in order. */
static void build_argv(struct audit_map *m, struct span *argv, int64_t argc,
		       bool *trunc)
{
	size_t i = 0, j, k, total;
	uint32_t arg, max_arg = 0;
	int32_t want;

	if (m->n_pieces)
		qsort(m->pieces, m->n_pieces, sizeof(*m->pieces), piece_cmp);
	while (i < m->n_pieces) {
		arg = m->pieces[i].arg;
		for (j = i; j < m->n_pieces && m->pieces[j].arg == arg; j++)
			;
		max_arg = arg + 1;
		if (m->pieces[i].chunk < 0 || j - i == 1) {
			argv[arg] = m->pieces[i].s;
			if (m->pieces[i].chunk > 0)
				*trunc = true;	/* aN[0] missing */
			i = j;
			continue;
		}
		total = 0;
		want = 0;
		for (k = i; k < j; k++) {
			if (m->pieces[k].chunk < want)
				continue;	/* duplicate chunk */
			if (m->pieces[k].chunk > want)
				*trunc = true;	/* chunk missing */
			want = m->pieces[k].chunk + 1;
			total += m->pieces[k].s.len;
		}
		if (arena_reserve(m, total) < 0) {
			*trunc = true;
			argv[arg] = m->pieces[i].s;
			i = j;
			continue;
		}
		argv[arg].off = (uint32_t)m->arena_len;
		argv[arg].len = (uint32_t)total;
		argv[arg].set = true;
		want = 0;
		for (k = i; k < j; k++) {
			if (m->pieces[k].chunk < want)
				continue;
			want = m->pieces[k].chunk + 1;
			memcpy(m->arena + m->arena_len,
			       m->arena + m->pieces[k].s.off,
			       m->pieces[k].s.len);
			m->arena_len += m->pieces[k].s.len;
		}
		i = j;
	}
	if (argc < 0)
		argc = max_arg;
	if (argc > NSW_RAW_MAX_ARGS) {
		*trunc = true;
		argc = NSW_RAW_MAX_ARGS;
	}
	for (k = 0; k < (size_t)argc; k++)
		if (!argv[k].set)
			*trunc = true;		/* lost record or field */
	m->raw.argc = (int)argc;
}

/* PROCTITLE: NUL-separated argv, truncated by the kernel at 128 bytes. */
static void proctitle_argv(struct audit_map *m, const struct span *pt,
			   struct span *argv, bool *trunc)
{
	uint32_t i, start = 0;
	int n = 0;

	if (!pt->set || !pt->len)
		return;
	for (i = 0; i <= pt->len && n < NSW_RAW_MAX_ARGS; i++) {
		if (i < pt->len && m->arena[pt->off + i] != '\0')
			continue;
		if (i == pt->len && start == i && n)
			break;		/* trailing NUL */
		argv[n].off = pt->off + start;
		argv[n].len = i - start;
		argv[n].set = true;
		n++;
		start = i + 1;
	}
	if (pt->len >= PROCTITLE_MAX || n == NSW_RAW_MAX_ARGS)
		*trunc = true;
	m->raw.argc = n;
}

/* Absolute binary path for an exec: see audit_map_event's comment. */
static int exec_binary(struct audit_map *m, const struct sc_info *si,
		       const struct span *name0, const struct span *cwd,
		       struct span *out)
{
	const char *n = name0->set ? m->arena + name0->off : NULL;
	uint32_t nl = name0->set ? name0->len : 0;
	struct span res;
	int r;

	memset(out, 0, sizeof(*out));
	if (nl && n[0] == '/') {
		if ((nl >= 6 && !memcmp(n, "/proc/", 6)) ||
		    (nl >= 8 && !memcmp(n, "/dev/fd/", 8))) {
			if (si->success)
				*out = si->exe;	/* /proc/self/exe, fexecve */
			return 0;
		}
		*out = *name0;
		return 0;
	}
	if (nl && si->cls == SC_EXECVE && cwd->set && cwd->len &&
	    m->arena[cwd->off] == '/') {
		/* relative to the cwd: join "<cwd>/<name>" */
		uint32_t cl = cwd->len;

		while (nl >= 2 && n[0] == '.' && n[1] == '/') {
			n += 2;
			nl -= 2;
		}
		r = arena_reserve(m, (size_t)cl + 1 + nl);
		if (r < 0)
			return r;
		/* n and cwd point into the arena: reserve may have moved it */
		n = m->arena + name0->off + (name0->len - nl);
		res.off = (uint32_t)m->arena_len;
		memcpy(m->arena + m->arena_len, m->arena + cwd->off, cl);
		m->arena_len += cl;
		if (cl > 1 || m->arena[cwd->off] != '/')
			m->arena[m->arena_len++] = '/';
		memcpy(m->arena + m->arena_len, n, nl);
		m->arena_len += nl;
		res.len = (uint32_t)(m->arena_len - res.off);
		res.set = true;
		*out = res;
		return 0;
	}
	if (si->success)
		*out = si->exe;	/* execveat(fd, "", AT_EMPTY_PATH), no PATH */
	return 0;
}

/* ---- the event ----------------------------------------------------------- */

struct file_id {
	uint32_t major, minor;
	uint64_t ino;
};

/* dev= and inode= of a PATH record into *id; false when either is
 * missing or malformed. */
static bool path_file_id(struct file_id *id, const char *dev, const char *ino)
{
	int64_t v;

	if (!dev || !ino || !parse_dec(ino, &v) || v < 0 ||
	    !parse_devno(dev, &id->major, &id->minor))
		return false;
	id->ino = (uint64_t)v;
	return true;
}

struct audit_map *audit_map_new(uint32_t default_arch)
{
	struct audit_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->default_arch = default_arch ? default_arch : audit_sc_host_arch();
	/* never NULL: empty strings point into it */
	m->arena_cap = 4096;
	m->arena = malloc(m->arena_cap);
	if (!m->arena) {
		free(m);
		return NULL;
	}
	return m;
}

void audit_map_free(struct audit_map *m)
{
	if (!m)
		return;
	free(m->arena);
	free(m->pieces);
	free(m);
}

const struct audit_map_stats *audit_map_stats(const struct audit_map *m)
{
	return &m->st;
}

static void fill_common(struct audit_map *m, const struct sc_info *si,
			uint64_t wall_ns)
{
	struct nsw_raw *r = &m->raw;

	r->wall_ns = wall_ns;
	r->ktime_ns = 0;
	r->pid = si->pid;
	r->tid = si->pid;
	r->ppid = si->ppid;
	r->creds_known = si->uid_ok && si->euid_ok && si->auid_ok;
	if (r->creds_known) {
		r->uid = si->uid;
		r->euid = si->euid;
		r->auid = si->auid;
	}
	r->comm = span_bytes(m, &si->comm);
	memcpy(r->selinux_level, si->selinux_level, sizeof(r->selinux_level));
	r->syscall = audit_sc_nsw_syscall(si->cls);
	if (si->exit_ok) {
		r->ret_known = true;
		r->ret = si->exit;
	}
	if (si->success_ok) {
		r->success_known = true;
		r->success = si->success;
	} else if (si->exit_ok) {
		r->success_known = true;
		r->success = si->exit >= 0;
	}
}

static int do_emit(struct audit_map *m, audit_emit_fn emit, void *arg,
		   int *first_err)
{
	int r = emit ? emit(&m->raw, arg) : 0;

	m->st.mapped++;
	if (r < 0 && !*first_err)
		*first_err = r;
	return 1;
}

/* True when the event is a single EOE record (audit-map.h). */
bool audit_map_lone_eoe(auparse_state_t *au)
{
	return au && auparse_get_num_records(au) == 1 &&
	       auparse_first_record(au) > 0 &&
	       auparse_get_type(au) == REC_EOE;
}

/* What the records beside the SYSCALL record said. */
struct aux {
	struct span argv[NSW_RAW_MAX_ARGS];
	struct span cwd, name0, proctitle;
	bool have_execve, trunc;
	int64_t argc;			/* EXECVE argc=, -1 when none */
	bool caps_pp, caps_pe;
	uint64_t pp, pe;		/* BPRM_FCAPS */
	bool exe_dev;			/* exe is known */
	struct file_id exe;		/* PATH item 0's dev= and inode= */
};

/* Index of the event's SYSCALL record into *rec; false when it has none. */
static bool find_syscall(auparse_state_t *au, unsigned int nrec,
			 unsigned int *rec)
{
	unsigned int i;

	for (i = 0; i < nrec; i++) {
		if (auparse_goto_record_num(au, i) <= 0)
			break;
		if (auparse_get_type(au) == REC_SYSCALL) {
			*rec = i;
			return true;
		}
	}
	return false;
}

/* The other records, in whatever order they came: EXECVE (of an exec),
 * CWD, PATH item 0, PROCTITLE, BPRM_FCAPS. */
static void collect_aux(struct audit_map *m, auparse_state_t *au,
			unsigned int nrec, unsigned int sc_rec,
			const struct sc_info *si, struct aux *x)
{
	unsigned int i;
	int type;

	memset(x, 0, sizeof(*x));
	x->argc = -1;
	for (i = 0; i < nrec; i++) {
		const char *name, *v, *item = NULL, *pname = NULL;
		const char *pdev = NULL, *pino = NULL;
		bool started = false;

		if (i == sc_rec || auparse_goto_record_num(au, i) <= 0)
			continue;
		type = auparse_get_type(au);
		if (type == REC_EXECVE) {
			if (si->cls == SC_EXECVE || si->cls == SC_EXECVEAT) {
				collect_execve(m, au, &x->argc, &x->trunc);
				x->have_execve = true;
			}
			continue;
		}
		if (type != REC_CWD && type != REC_PATH &&
		    type != REC_PROCTITLE && type != REC_BPRM_FCAPS)
			continue;
		while (next_field(au, &started, &name, &v)) {
			if (type == REC_CWD && !strcmp(name, "cwd") &&
			    !x->cwd.set) {
				put_value(m, v, !si->interp, &x->cwd);
			} else if (type == REC_PATH && !strcmp(name, "item")) {
				item = v;
			} else if (type == REC_PATH && !strcmp(name, "name")) {
				pname = v;
			} else if (type == REC_PATH && !strcmp(name, "dev")) {
				pdev = v;
			} else if (type == REC_PATH && !strcmp(name, "inode")) {
				pino = v;
			} else if (type == REC_PROCTITLE &&
				   !strcmp(name, "proctitle") &&
				   !x->proctitle.set) {
				put_value(m, v, true, &x->proctitle);
			} else if (type == REC_BPRM_FCAPS &&
				   !strcmp(name, "pp")) {
				x->caps_pp = parse_hex(v, &x->pp);
			} else if (type == REC_BPRM_FCAPS &&
				   !strcmp(name, "pe")) {
				x->caps_pe = parse_hex(v, &x->pe);
			}
		}
		if (item && pname && !strcmp(item, "0") && !x->name0.set)
			put_value(m, pname, !si->interp, &x->name0);
		if (item && !strcmp(item, "0") && !x->exe_dev)
			x->exe_dev = path_file_id(&x->exe, pdev, pino);
	}
}

/*
 * An exec.
 *
 * The binary of an exec: PATH item 0 is the name execve() was given
 * (symlink names such as /bin/nsenter -> busybox survive, and for a script
 * it is the script, not the interpreter); SYSCALL exe= is the resolved
 * image.  We take item 0 when it is absolute, join it with CWD when it is
 * relative (execve only: execveat resolves against a dirfd we cannot
 * see), and fall back to exe= when it names /proc/... or /dev/fd/... (a
 * busybox shell runs applets as execve("/proc/self/exe", ["nsenter", ...])
 * and fexecve uses /proc/self/fd/N) or is missing.  For a failed exec,
 * exe= is still the caller's old image, so only item 0 is used.  argv[0]
 * keeps the applet name in every case.
 */
static void map_exec(struct audit_map *m, const struct sc_info *si,
		     struct aux *x)
{
	struct span bin;
	int k;

	m->raw.type = NSW_RAW_EXEC;
	if (si->success_ok && !si->success)
		memset(&x->proctitle, 0, sizeof(x->proctitle)); /* old image */
	if (x->have_execve)
		build_argv(m, x->argv, x->argc, &x->trunc);
	else
		proctitle_argv(m, &x->proctitle, x->argv, &x->trunc);
	if (exec_binary(m, si, &x->name0, &x->cwd, &bin) < 0)
		x->trunc = true;
	m->raw.args_truncated = x->trunc;
	/* spans -> pointers: the arena does not move from here on */
	m->raw.binary = span_bytes(m, &bin);
	m->raw.cwd = span_bytes(m, &x->cwd);
	m->raw.comm = span_bytes(m, &si->comm);
	for (k = 0; k < m->raw.argc; k++) {
		m->raw.argv[k] = span_bytes(m, &x->argv[k]);
		if (!m->raw.argv[k].p)
			m->raw.argv[k].p = "";
	}
	if (x->exe_dev && si->success_ok && si->success) {
		m->raw.exe_dev_known = true;
		m->raw.exe_dev_major = x->exe.major;
		m->raw.exe_dev_minor = x->exe.minor;
		m->raw.exe_ino = x->exe.ino;
	}
	if (x->caps_pp && x->caps_pe) {
		m->raw.caps_known = true;
		m->raw.cap_permitted = x->pp;
		m->raw.cap_effective = x->pe;
	}
}

/*
 * An escape syscall's arguments as the event shows them (doc/schema.md:
 * what audit has of them; the pointed-to structs it cannot read).  false
 * for a bpf command other than BPF_PROG_LOAD (a rule set broader than
 * ours), which is not reported.
 */
/* An int argument: the low 32 bits, signed, on every ABI. */
static int64_t int_reg(uint64_t v)
{
	return (int64_t)(int32_t)(uint32_t)v;
}

static bool map_escape(struct audit_map *m, const struct sc_info *si)
{
	struct nsw_raw *r = &m->raw;

	r->type = NSW_RAW_SYSCALL;
	switch (si->cls) {
	case SC_INIT_MODULE:		/* len */
		r->a0 = reg_signed(si, si->a1);
		r->n_args = si->a1_ok ? 1 : 0;
		break;
	case SC_FINIT_MODULE:		/* fd, flags */
	case SC_OPEN_BY_HANDLE_AT:	/* mount_fd, flags */
		r->a0 = int_reg(si->a0);
		r->a1 = int_reg(si->a2);
		r->n_args = si->a0_ok && si->a2_ok ? 2 : 0;
		break;
	case SC_BPF:			/* cmd */
		if (!si->a0_ok || (uint32_t)si->a0 != BPF_PROG_LOAD_CMD)
			return false;
		r->a0 = BPF_PROG_LOAD_CMD;
		r->n_args = 1;
		break;
	case SC_PERF_EVENT_OPEN:	/* pid, cpu */
		r->a0 = int_reg(si->a1);
		r->a1 = int_reg(si->a2);
		r->n_args = si->a1_ok && si->a2_ok ? 2 : 0;
		break;
	default:
		return false;
	}
	return true;
}

/* Emit the raw events of the syscall's class (m->raw holds the common
 * fields).  Returns how many were emitted; *err the first emit error. */
static int map_class(struct audit_map *m, const struct sc_info *si,
		     struct aux *x, uint64_t wall_ns, audit_emit_fn emit,
		     void *arg, int *err)
{
	int n = 0;

	switch (si->cls) {
	case SC_EXECVE:
	case SC_EXECVEAT:
		map_exec(m, si, x);
		n += do_emit(m, emit, arg, err);
		break;
	case SC_SETNS:
		m->raw.type = NSW_RAW_NSCALL;
		m->raw.a0 = reg_signed(si, si->a0);
		m->raw.a1 = reg_signed(si, si->a1);
		/* joining a mount namespace looks up its root (mntns_install):
		 * the only PATH a setns record carries */
		if (x->exe_dev && si->success_ok && si->success &&
		    x->name0.set && x->name0.len == 1 &&
		    m->arena[x->name0.off] == '/') {
			m->raw.mnt_root_known = true;
			m->raw.mnt_root_major = x->exe.major;
			m->raw.mnt_root_minor = x->exe.minor;
			m->raw.mnt_root_ino = x->exe.ino;
		}
		n += do_emit(m, emit, arg, err);
		break;
	case SC_UNSHARE:
		/* unshare(CLONE_FS), unshare(CLONE_FILES), unshare(0) create
		 * no namespace: ignored, as the eBPF programs skip them at
		 * entry (a rule set older than ours, or auditd's own, may
		 * still record them) */
		if (si->a0_ok && !(si->a0 & NSW_CLONE_NS_MASK)) {
			m->st.ignored++;
			break;
		}
		m->raw.type = NSW_RAW_NSCALL;
		m->raw.a0 = (int64_t)si->a0;
		n += do_emit(m, emit, arg, err);
		break;
	case SC_CLONE:
	case SC_FORK:
	case SC_VFORK:
		if (si->success && si->exit_ok && si->exit > 0 &&
		    si->exit <= 0x7fffffff &&
		    !(si->cls == SC_CLONE && (si->a0 & CLONE_THREAD_FLAG))) {
			struct nsw_raw *rw = &m->raw;

			rw->type = NSW_RAW_FORK;
			rw->pid = (uint32_t)si->exit;
			rw->tid = rw->pid;
			rw->ppid = si->pid;
			n += do_emit(m, emit, arg, err);
			fill_common(m, si, wall_ns);
		}
		if (si->cls == SC_CLONE && (si->a0 & NSW_CLONE_NS_MASK)) {
			m->raw.type = NSW_RAW_NSCALL;
			m->raw.a0 = (int64_t)si->a0;
			m->raw.clone_flags = si->a0;
			n += do_emit(m, emit, arg, err);
		}
		if (!n)
			m->st.ignored++;	/* thread, or a failed fork */
		break;
	case SC_CLONE3:
		/* flags live in struct clone_args: unknown (see the top) */
		m->raw.type = NSW_RAW_NSCALL;
		m->raw.a0 = 0;
		m->raw.clone_flags = 0;
		n += do_emit(m, emit, arg, err);
		break;
	case SC_EXIT_GROUP:
		m->raw.type = NSW_RAW_EXIT;
		m->raw.exit_code = si->a0_ok ? (int)(si->a0 & 0xff) : 0;
		m->raw.ret_known = false;
		m->raw.success_known = false;
		n += do_emit(m, emit, arg, err);
		break;
	case SC_INIT_MODULE:
	case SC_FINIT_MODULE:
	case SC_BPF:
	case SC_PERF_EVENT_OPEN:
	case SC_OPEN_BY_HANDLE_AT:
		if (!map_escape(m, si)) {
			m->st.ignored++;
			break;
		}
		n += do_emit(m, emit, arg, err);
		break;
	case SC_OTHER:
		break;
	}
	return n;
}

/*
 * Map the event auparse is positioned on: find its SYSCALL record, collect
 * the records beside it, map by the syscall's class.
 */
int audit_map_event(struct audit_map *m, auparse_state_t *au,
		    audit_emit_fn emit, void *arg)
{
	const au_event_t *e;
	struct sc_info si;
	struct aux x;
	unsigned int nrec, sc_rec = 0;
	uint64_t wall_ns = 0;
	int first_type, n, err = 0;

	if (!m || !au)
		return -EINVAL;
	if (audit_map_lone_eoe(au))
		return 0;
	m->st.events++;
	m->arena_len = 0;
	m->n_pieces = 0;
	memset(&m->raw, 0, sizeof(m->raw));
	memset(&si, 0, sizeof(si));

	e = auparse_get_timestamp(au);
	nrec = auparse_get_num_records(au);
	if (!e || !nrec || auparse_first_record(au) <= 0) {
		m->st.malformed++;
		return -EINVAL;
	}
	first_type = auparse_get_type(au);
	if (first_type < REC_DAEMON_FIRST || first_type > REC_DAEMON_LAST)
		audit_seq_account(&m->seq, e->host, (uint32_t)e->serial);
	seq_sync(m);
	if (e->sec >= 0 && (uint64_t)e->sec < 9000000000ull && e->milli < 1000)
		wall_ns = (uint64_t)e->sec * 1000000000ull +
			  (uint64_t)e->milli * 1000000ull;

	if (!find_syscall(au, nrec, &sc_rec)) {
		m->st.ignored++;
		return 0;
	}
	if (auparse_goto_record_num(au, sc_rec) <= 0 ||
	    parse_syscall(m, au, &si) < 0) {
		m->st.malformed++;
		return -EINVAL;
	}
	if (si.cls == SC_OTHER) {
		m->st.ignored++;
		return 0;
	}
	collect_aux(m, au, nrec, sc_rec, &si, &x);

	fill_common(m, &si, wall_ns);
	/* The binary: the image's exe= for everything but exec (a hint for
	 * processes the pipeline never saw exec). */
	m->raw.binary = span_bytes(m, &si.exe);
	n = map_class(m, &si, &x, wall_ns, emit, arg, &err);
	return err < 0 ? err : n;
}

/* ---- CONFIG_CHANGE ------------------------------------------------------- */

#define REC_CONFIG_CHANGE 1305

/* Copy an audit value: quotes stripped, an unquoted even-length hex
 * string decoded (the kernel hex-encodes values with spaces or quotes),
 * anything unprintable as '?'. */
static void cfg_copy(char *dst, size_t cap, const char *v)
{
	size_t n, i, o = 0;
	bool hex;

	if (!cap)
		return;
	dst[0] = '\0';
	if (!v)
		return;
	n = strlen(v);
	hex = n >= 2 && all_hex_even(v, n);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
		hex = false;
	}
	for (i = 0; i < n && o + 1 < cap; i += hex ? 2 : 1) {
		unsigned char c = hex ? (unsigned char)(hex_val(v[i]) << 4 |
							hex_val(v[i + 1])) :
					(unsigned char)v[i];

		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

static uint32_t cfg_id(const char *v)
{
	uint32_t id;

	return v && parse_id(v, &id) ? id : AUDIT_CFG_NO_ID;
}

static const struct {
	const char *field;
	enum audit_cfg_op op;
} cfg_set_fields[] = {
	{ "audit_enabled", AUDIT_CFG_ENABLED },
	{ "audit_pid", AUDIT_CFG_PID },
	{ "audit_failure", AUDIT_CFG_FAILURE },
	{ "audit_backlog_limit", AUDIT_CFG_BACKLOG },
	{ "audit_backlog_wait_time", AUDIT_CFG_BACKLOG_WAIT },
};

const char *audit_cfg_op_name(enum audit_cfg_op op)
{
	switch (op) {
	case AUDIT_CFG_RULE_REMOVE: return "remove_rule";
	case AUDIT_CFG_RULE_ADD: return "add_rule";
	case AUDIT_CFG_ENABLED: return "set audit_enabled";
	case AUDIT_CFG_PID: return "set audit_pid";
	case AUDIT_CFG_FAILURE: return "set audit_failure";
	case AUDIT_CFG_BACKLOG: return "set audit_backlog_limit";
	case AUDIT_CFG_BACKLOG_WAIT: return "set audit_backlog_wait_time";
	case AUDIT_CFG_OTHER: break;
	}
	return "config change";
}

/* The fields of one CONFIG_CHANGE record into c.  0, or -EINVAL when it
 * names no operation. */
static int cfg_record(auparse_state_t *au, struct audit_cfg_change *c)
{
	const char *name, *v, *op = NULL;
	bool set_field = false, started = false;
	int64_t dv;
	size_t i;

	while (next_field(au, &started, &name, &v)) {
		if (!strcmp(name, "op")) {
			op = v;
		} else if (!strcmp(name, "key")) {
			cfg_copy(c->key, sizeof(c->key), v);
			if (!strcmp(c->key, "(null)"))
				c->key[0] = '\0';
		} else if (!strcmp(name, "old")) {
			if (parse_dec(v, &dv))
				c->old = dv;
		} else if (!strcmp(name, "res")) {
			c->res_known = true;
			c->res = !strcmp(v, "1") || !strcmp(v, "success") ||
				 !strcmp(v, "yes");
		} else if (!strcmp(name, "auid")) {
			c->auid = cfg_id(v);
		} else if (!strcmp(name, "ses")) {
			c->ses = cfg_id(v);
		} else if (!strcmp(name, "subj")) {
			cfg_copy(c->subj, sizeof(c->subj), v);
		} else {
			for (i = 0; i < ARRAY_SIZE(cfg_set_fields); i++) {
				if (strcmp(name, cfg_set_fields[i].field))
					continue;
				c->op = cfg_set_fields[i].op;
				set_field = true;
				if (parse_dec(v, &dv))
					c->value = dv;
			}
		}
	}

	if (op)
		cfg_copy(c->op_name, sizeof(c->op_name), op);
	if (set_field)
		return 0;	/* "op=set audit_X=" or, before 3.x, no op */
	if (!op)
		return -EINVAL;
	/* "remove_rule" since 4.x; op="remove rule" on 3.10, which
	 * libauparse splits at the space: '"remove' */
	if (c->op_name[0] == '"')
		memmove(c->op_name, c->op_name + 1, strlen(c->op_name));
	if (!strcmp(c->op_name, "remove_rule") ||
	    !strcmp(c->op_name, "remove"))
		c->op = AUDIT_CFG_RULE_REMOVE;
	else if (!strcmp(c->op_name, "add_rule") ||
		 !strcmp(c->op_name, "add"))
		c->op = AUDIT_CFG_RULE_ADD;
	else
		c->op = AUDIT_CFG_OTHER;
	return 0;
}

/* Who made the change: the event's SYSCALL record. */
static void cfg_who(auparse_state_t *au, struct audit_cfg_change *c)
{
	const char *name, *v;
	bool pid_ok = false, started = false;

	while (next_field(au, &started, &name, &v)) {
		if (!strcmp(name, "pid"))
			pid_ok = parse_u32(v, &c->pid);
		else if (!strcmp(name, "ppid"))
			parse_u32(v, &c->ppid);
		else if (!strcmp(name, "uid"))
			c->uid = cfg_id(v);
		else if (!strcmp(name, "auid") && c->auid == AUDIT_CFG_NO_ID)
			c->auid = cfg_id(v);
		else if (!strcmp(name, "ses") && c->ses == AUDIT_CFG_NO_ID)
			c->ses = cfg_id(v);
		else if (!strcmp(name, "comm"))
			cfg_copy(c->comm, sizeof(c->comm), v);
		else if (!strcmp(name, "exe"))
			cfg_copy(c->exe, sizeof(c->exe), v);
		else if (!strcmp(name, "subj") && !c->subj[0])
			cfg_copy(c->subj, sizeof(c->subj), v);
	}
	c->who_known = pid_ok;
}

int audit_map_config(auparse_state_t *au, audit_cfg_fn fn, void *arg)
{
	struct audit_cfg_change who, c;
	const au_event_t *e;
	unsigned int nrec, i;
	bool any = false;
	int n = 0, r;

	if (!au)
		return -EINVAL;
	nrec = auparse_get_num_records(au);
	e = auparse_get_timestamp(au);
	memset(&who, 0, sizeof(who));
	who.auid = who.ses = who.uid = AUDIT_CFG_NO_ID;
	/* the SYSCALL record first: it may follow the change records */
	for (i = 0; i < nrec; i++) {
		if (auparse_goto_record_num(au, i) <= 0)
			break;
		if (auparse_get_type(au) == REC_CONFIG_CHANGE)
			any = true;
		else if (auparse_get_type(au) == REC_SYSCALL && !who.who_known)
			cfg_who(au, &who);
	}
	if (!any)
		return 0;
	for (i = 0; i < nrec; i++) {
		if (auparse_goto_record_num(au, i) <= 0 ||
		    auparse_get_type(au) != REC_CONFIG_CHANGE)
			continue;
		memset(&c, 0, sizeof(c));
		c.auid = c.ses = AUDIT_CFG_NO_ID;
		r = cfg_record(au, &c);
		if (r < 0)
			return r;
		if (e) {
			c.serial = e->serial;
			if (e->sec >= 0 && (uint64_t)e->sec < 9000000000ull &&
			    e->milli < 1000)
				c.wall_ns = (uint64_t)e->sec * 1000000000ull +
					    (uint64_t)e->milli * 1000000ull;
		}
		/* the change record's own auid/ses/subj win: they are the
		 * kernel's view at the time of the change */
		if (c.auid == AUDIT_CFG_NO_ID)
			c.auid = who.auid;
		if (c.ses == AUDIT_CFG_NO_ID)
			c.ses = who.ses;
		if (!c.subj[0])
			memcpy(c.subj, who.subj, sizeof(c.subj));
		c.who_known = who.who_known;
		c.pid = who.pid;
		c.ppid = who.ppid;
		c.uid = who.uid;
		memcpy(c.comm, who.comm, sizeof(c.comm));
		memcpy(c.exe, who.exe, sizeof(c.exe));
		if (!c.who_known)
			c.uid = AUDIT_CFG_NO_ID;
		n++;
		r = fn ? fn(&c, arg) : 0;
		if (r < 0)
			return r;
	}
	return n;
}
