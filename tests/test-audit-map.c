/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audit-map and replay: golden test over tests/fixtures/audit/NAME.log ->
 * NAME.raw (one line per raw event, then the skipped lines and counters),
 * plus unit tests of the syscall tables, line normalisation, serial gap
 * accounting and line splitting.
 *
 *   test-audit-map [DIR]           compare (DIR defaults to the fixtures)
 *   test-audit-map --regen [DIR]   rewrite every NAME.raw
 *
 * Interpreted (`ausearch -i`) fixtures carry local-time stamps; the test
 * runs with TZ=UTC, the zone they were produced in.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit-map.h"
#include "replay.h"
#include "strbuf.h"
#include "tap.h"

/* ---- the dump -------------------------------------------------------- */

static void esc(struct strbuf *sb, const char *p, size_t n)
{
	size_t i;

	if (!p) {
		strbuf_adds(sb, "-");
		return;
	}
	strbuf_addc(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addc(sb, (char)c);
	}
	strbuf_addc(sb, '"');
}

static const char *type_name(enum nsw_raw_type t)
{
	switch (t) {
	case NSW_RAW_EXEC: return "EXEC";
	case NSW_RAW_FORK: return "FORK";
	case NSW_RAW_EXIT: return "EXIT";
	case NSW_RAW_NSCALL: return "NSCALL";
	case NSW_RAW_AGGREGATE: return "AGGREGATE";
	case NSW_RAW_SYSCALL: return "SYSCALL";
	}
	return "?";
}

static const char *sc_name(enum nsw_syscall s)
{
	return s == NSW_SC_NONE ? "none" : nsw_syscall_name(s);
}

static void dump_raw(struct strbuf *sb, const struct nsw_raw *r)
{
	int i;

	strbuf_addf(sb, "%s t=%llu.%09llu pid=%u tid=%u ppid=%u",
		    type_name(r->type),
		    (unsigned long long)(r->wall_ns / 1000000000ull),
		    (unsigned long long)(r->wall_ns % 1000000000ull),
		    r->pid, r->tid, r->ppid);
	if (r->creds_known)
		strbuf_addf(sb, " uid=%u euid=%u auid=%u", r->uid, r->euid,
			    r->auid);
	else
		strbuf_adds(sb, " creds=?");
	if (r->ktime_ns)
		strbuf_addf(sb, " ktime=%llu", (unsigned long long)r->ktime_ns);
	strbuf_adds(sb, " comm=");
	esc(sb, r->comm.p, r->comm.len);
	if (r->selinux_level[0])
		strbuf_addf(sb, " selinux=%s", r->selinux_level);
	strbuf_adds(sb, " bin=");
	esc(sb, r->binary.p, r->binary.len);
	if (r->type == NSW_RAW_EXIT) {
		strbuf_addf(sb, " code=%d sig=%d", r->exit_code,
			    r->exit_signal);
		goto done;
	}
	if (r->type == NSW_RAW_FORK)
		goto done;
	strbuf_addf(sb, " sc=%s ok=%s ret=", sc_name(r->syscall),
		    !r->success_known ? "?" : r->success ? "yes" : "no");
	if (r->ret_known)
		strbuf_addf(sb, "%lld", (long long)r->ret);
	else
		strbuf_adds(sb, "?");
	if (r->type == NSW_RAW_SYSCALL) {
		for (i = 0; i < r->n_args && i < 3; i++)
			strbuf_addf(sb, " arg%d=%lld", i, (long long)
				    (i == 0 ? r->a0 : i == 1 ? r->a1 : r->a2));
		goto done;
	}
	if (r->type == NSW_RAW_NSCALL) {
		/* setns: a0 is an fd; otherwise flags */
		if (r->syscall == NSW_SC_SETNS)
			strbuf_addf(sb, " a0=%lld", (long long)r->a0);
		else
			strbuf_addf(sb, " a0=%#llx", (unsigned long long)r->a0);
		strbuf_addf(sb, " a1=%#llx clone_flags=%#llx",
			    (unsigned long long)r->a1,
			    (unsigned long long)r->clone_flags);
		if (r->mnt_root_known)
			strbuf_addf(sb, " mnt_root=%x:%x:%llu",
				    r->mnt_root_major, r->mnt_root_minor,
				    (unsigned long long)r->mnt_root_ino);
		goto done;
	}
	strbuf_adds(sb, " cwd=");
	esc(sb, r->cwd.p, r->cwd.len);
	if (r->caps_known)
		strbuf_addf(sb, " caps=%llx/%llx",
			    (unsigned long long)r->cap_permitted,
			    (unsigned long long)r->cap_effective);
	if (r->exe_dev_known)
		strbuf_addf(sb, " file=%x:%x:%llu", r->exe_dev_major,
			    r->exe_dev_minor, (unsigned long long)r->exe_ino);
	strbuf_addf(sb, " trunc=%d argc=%d argv=[", r->args_truncated,
		    r->argc);
	for (i = 0; i < r->argc; i++) {
		if (i)
			strbuf_addc(sb, ',');
		if (r->argv[i].len > 200) {
			/* long arguments: length and ends only */
			strbuf_addf(sb, "len:%zu:", r->argv[i].len);
			esc(sb, r->argv[i].p, 16);
			strbuf_adds(sb, "..");
			esc(sb, r->argv[i].p + r->argv[i].len - 16, 16);
		} else {
			esc(sb, r->argv[i].p, r->argv[i].len);
		}
	}
	strbuf_addc(sb, ']');
done:
	strbuf_addc(sb, '\n');
}

struct dump_ctx {
	struct strbuf *sb;
	int fail_emit;		/* return -EIO from emit */
	int n;
};

static int on_raw(const struct nsw_raw *r, void *arg)
{
	struct dump_ctx *d = arg;

	d->n++;
	dump_raw(d->sb, r);
	return d->fail_emit ? -EIO : 0;
}

static void on_diag(const char *source, uint64_t line, const char *why,
		    void *arg)
{
	struct dump_ctx *d = arg;

	strbuf_addf(d->sb, "# skipped %s:%llu: %s\n", source,
		    (unsigned long long)line, why);
}

static void dump_stats(struct strbuf *sb, const struct replay *rp)
{
	const struct replay_stats *rs = replay_stats(rp);
	const struct audit_map_stats *ms = replay_map_stats(rp);

	strbuf_addf(sb, "# lines=%llu records=%llu interpreted=%llu "
		    "malformed_lines=%llu too_long=%llu emit_errors=%llu\n",
		    (unsigned long long)rs->lines,
		    (unsigned long long)rs->records,
		    (unsigned long long)rs->interpreted,
		    (unsigned long long)rs->malformed,
		    (unsigned long long)rs->too_long,
		    (unsigned long long)rs->emit_errors);
	strbuf_addf(sb, "# events=%llu mapped=%llu ignored=%llu "
		    "malformed=%llu seq_gaps=%llu seq_resets=%llu\n",
		    (unsigned long long)ms->events,
		    (unsigned long long)ms->mapped,
		    (unsigned long long)ms->ignored,
		    (unsigned long long)ms->malformed,
		    (unsigned long long)ms->seq_gaps,
		    (unsigned long long)ms->seq_resets);
}

/* Replay `data` fed in pieces of `step` bytes (0: at once); dump into sb. */
static struct replay *run(const char *name, const char *data, size_t len,
			  size_t step, struct strbuf *sb, int fail_emit)
{
	static struct dump_ctx d;
	struct replay *rp;
	size_t off = 0, n;

	d.sb = sb;
	d.fail_emit = fail_emit;
	d.n = 0;
	rp = replay_new(0, on_raw, &d, on_diag, &d);
	if (!rp)
		return NULL;
	replay_begin(rp, name);
	while (off < len) {
		n = step && len - off > step ? step : len - off;
		replay_feed(rp, data + off, n);
		off += n;
	}
	replay_end(rp);
	replay_finish(rp);
	dump_stats(sb, rp);
	return rp;
}

/* ---- golden files ----------------------------------------------------- */

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !strcmp(s + a - b, suf);
}

static int write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok_ = f && fwrite(buf, 1, len, f) == len;

	if (f && fclose(f) != 0)
		ok_ = 0;
	return ok_ ? 0 : -1;
}

static void show_first_diff(const char *got, const char *want)
{
	int line = 1;
	const char *g = got, *w = want;

	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	diag("  first difference at line %d", line);
	diag("  got:  %.200s", g);
	diag("  want: %.200s", w);
}

static void golden(const char *dir, int regen)
{
	struct dirent **names;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		ok(0, "fixtures directory %s readable", dir);
		return;
	}
	for (i = 0; i < n; i++) {
		char in[PATH_MAX], out[PATH_MAX];
		struct strbuf sb = STRBUF_INIT;
		struct replay *rp;
		char *data, *want;
		size_t len;

		if (!has_suffix(names[i]->d_name, ".log"))
			goto next;
		if ((size_t)snprintf(in, sizeof(in), "%s/%s", dir,
				     names[i]->d_name) >= sizeof(in) ||
		    (size_t)snprintf(out, sizeof(out), "%.*s.raw",
				     (int)(strlen(in) - 4), in) >= sizeof(out)) {
			ok(0, "path too long: %s", names[i]->d_name);
			goto next;
		}
		data = tap_slurp(in, &len);
		if (!data) {
			ok(0, "read %s", in);
			goto next;
		}
		rp = run(names[i]->d_name, data, len, 0, &sb, 0);
		replay_free(rp);
		if (regen) {
			ok(write_file(out, sb.buf ? sb.buf : "", sb.len) == 0,
			   "regen %s", out);
		} else {
			want = tap_slurp(out, NULL);
			if (!ok(want && sb.buf && !strcmp(sb.buf, want),
				"golden %s", names[i]->d_name)) {
				if (want && sb.buf)
					show_first_diff(sb.buf, want);
				else
					diag("  missing %s (make regen-audit-golden)",
					     out);
			}
			free(want);
		}
		free(data);
		strbuf_release(&sb);
next:
		free(names[i]);
	}
	free(names);
}

/* ---- unit tests ------------------------------------------------------- */

static void test_tables(void)
{
	is_int(audit_map_syscall(0xc000003e, 308), NSW_SC_SETNS,
	       "x86_64 308 is setns");
	is_int(audit_map_syscall(0xc00000b7, 308), NSW_SC_NONE,
	       "aarch64 308 is not setns");
	is_int(audit_map_syscall(0xc00000b7, 268), NSW_SC_SETNS,
	       "aarch64 268 is setns");
	is_int(audit_map_syscall(0x40000003, 346), NSW_SC_SETNS,
	       "i386 346 is setns");
	is_int(audit_map_syscall(0x40000003, 310), NSW_SC_UNSHARE,
	       "i386 310 is unshare");
	is_int(audit_map_syscall(0x40000003, 308), NSW_SC_NONE,
	       "i386 308 is not setns");
	is_int(audit_map_syscall(0xc000003e, 272), NSW_SC_UNSHARE,
	       "x86_64 272 is unshare");
	is_int(audit_map_syscall(0xc00000b7, 97), NSW_SC_UNSHARE,
	       "aarch64 97 is unshare");
	is_int(audit_map_syscall(0xc000003e, 56), NSW_SC_CLONE,
	       "x86_64 56 is clone");
	is_int(audit_map_syscall(0xc00000b7, 220), NSW_SC_CLONE,
	       "aarch64 220 is clone");
	is_int(audit_map_syscall(0x40000003, 120), NSW_SC_CLONE,
	       "i386 120 is clone");
	is_int(audit_map_syscall(0xc00000b7, 435), NSW_SC_CLONE3,
	       "435 is clone3 on aarch64");
	is_int(audit_map_syscall(0xc000003e, 59), NSW_SC_EXECVE,
	       "x86_64 59 is execve");
	is_int(audit_map_syscall(0xc000003e, 322), NSW_SC_EXECVEAT,
	       "x86_64 322 is execveat");
	is_int(audit_map_syscall(0x40000003, 11), NSW_SC_EXECVE,
	       "i386 11 is execve");
	is_int(audit_map_syscall(0xc00000b7, 221), NSW_SC_EXECVE,
	       "aarch64 221 is execve");
	is_int(audit_map_syscall(0xc00000b7, 59), NSW_SC_NONE,
	       "aarch64 59 is not execve");
	is_int(audit_map_syscall(0x40000028, 308), NSW_SC_NONE,
	       "unmapped arch (arm) gives nothing");
#if defined(__x86_64__)
	is_int(audit_map_syscall(0, 308), NSW_SC_SETNS,
	       "arch 0 means the build host's (x86_64)");
#endif
}

static void norm_is(const char *in, enum replay_line want_kind,
		    const char *want, int want_interp, const char *what)
{
	struct strbuf sb = STRBUF_INIT;
	enum replay_line k;
	const char *why;
	bool interp;

	k = replay_normalize_line(in, strlen(in), &sb, &interp, &why);
	is_int(k, want_kind, "normalize kind: %s", what);
	if (want)
		is_str(sb.buf ? sb.buf : "", want, "normalize text: %s", what);
	if (want_interp >= 0)
		is_int(interp, want_interp, "normalize interpreted: %s", what);
	if (k == REPLAY_LINE_BAD)
		ok(why && *why, "bad line has a reason: %s", what);
	strbuf_release(&sb);
}

static void test_normalize(void)
{
	norm_is("", REPLAY_LINE_SKIP, NULL, -1, "empty");
	norm_is("   \r", REPLAY_LINE_SKIP, NULL, -1, "blank with CR");
	norm_is("----", REPLAY_LINE_SEPARATOR, NULL, -1, "ausearch separator");
	norm_is("<no matches>", REPLAY_LINE_SKIP, NULL, -1, "no matches");
	norm_is("type=SYSCALL msg=audit(1700000000.100:10): arch=c000003e\r",
		REPLAY_LINE_RECORD,
		"type=SYSCALL msg=audit(1700000000.100:10): arch=c000003e", 0,
		"raw line, CR stripped");
	norm_is("node=web-1 type=PROCTITLE msg=audit(1.001:2): proctitle=6162",
		REPLAY_LINE_RECORD,
		"node=web-1 type=PROCTITLE msg=audit(1.001:2): proctitle=6162",
		0, "node prefix kept");
	norm_is("Nov 23 12:00:00 host audisp-syslog: node=a type=EOE "
		"msg=audit(1.001:2): ", REPLAY_LINE_RECORD,
		"node=a type=EOE msg=audit(1.001:2):", 0,
		"syslog prefix stripped");
	norm_is("type=SYSCALL msg=audit(11/14/23 22:13:20.100:10) : "
		"arch=x86_64 syscall=setns a1=CLONE_NEWNS ", REPLAY_LINE_RECORD,
		"type=SYSCALL msg=audit(1700000000.100:10): arch=x86_64 "
		"syscall=setns a1=CLONE_NEWNS", 1, "ausearch -i stamp (C locale)");
	norm_is("type=CWD msg=audit(11/14/2023 22:13:20.100:10) : cwd=/",
		REPLAY_LINE_RECORD,
		"type=CWD msg=audit(1700000000.100:10): cwd=/", 1,
		"ausearch -i stamp (en_US, 4-digit year)");
	norm_is("type=CWD msg=audit(2023-11-14 22:13:20.100:10) : cwd=/",
		REPLAY_LINE_RECORD,
		"type=CWD msg=audit(1700000000.100:10): cwd=/", 1,
		"ISO stamp");
	norm_is("type=CWD msg=audit(14/11/23 22:13:20.100:10) : cwd=/",
		REPLAY_LINE_RECORD,
		"type=CWD msg=audit(1700000000.100:10): cwd=/", 1,
		"DD/MM stamp when the day is > 12");
	norm_is("type=EXECVE msg=audit(11/14/23 22:13:20.100:10) : argc=3 "
		"a0=sh a1=-c a2=nsenter -t 1 a3=x -m ", REPLAY_LINE_RECORD,
		"type=EXECVE msg=audit(1700000000.100:10): argc=3 a0=7368 "
		"a1=2D63 a2=6E73656E746572202D7420312061333D78202D6D", 1,
		"EXECVE args with spaces hex-encoded");
	norm_is("type=EXECVE msg=audit(11/14/23 22:13:20.100:10) :  "
		"a1[1]=bb a1[2]=c c a2=d", REPLAY_LINE_RECORD,
		"type=EXECVE msg=audit(1700000000.100:10): a1[1]=6262 "
		"a1[2]=632063 a2=64", 1, "EXECVE chunks");
	norm_is("type=EXECVE msg=audit(11/14/23 22:13:20.100:10) : argc=2 "
		"a0=x a1= ", REPLAY_LINE_RECORD,
		"type=EXECVE msg=audit(1700000000.100:10): argc=2 a0=78 a1=\"\"",
		1, "EXECVE empty argument");
	norm_is("type=PROCTITLE msg=audit(11/14/23 22:13:20.100:10) : "
		"proctitle=nsenter -t 1 ", REPLAY_LINE_RECORD,
		"type=PROCTITLE msg=audit(1700000000.100:10): "
		"proctitle=6E73656E746572202D742031", 1, "PROCTITLE");
	norm_is("garbage", REPLAY_LINE_BAD, NULL, -1, "garbage");
	norm_is("type=SYSCALL garbage", REPLAY_LINE_BAD, NULL, -1,
		"no stamp");
	norm_is("type=SYSCALL msg=audit(1700000000.100): a=b",
		REPLAY_LINE_BAD, NULL, -1, "stamp without serial");
	norm_is("type=SYS\"CALL msg=audit(1.1:1): a=b", REPLAY_LINE_BAD, NULL,
		-1, "bad type");
	norm_is("node= type=SYSCALL msg=audit(1.1:1): a=b", REPLAY_LINE_BAD,
		NULL, -1, "empty node");
	norm_is("type=CWD msg=audit(13/13/23 22:13:20.100:10) : cwd=/",
		REPLAY_LINE_BAD, NULL, -1, "impossible date");
	{
		static const char nul[] = "type=CWD msg=audit(1.1:1): a\0b";
		struct strbuf sb = STRBUF_INIT;
		const char *why;
		bool interp;

		is_int(replay_normalize_line(nul, sizeof(nul) - 1, &sb,
					     &interp, &why),
		       REPLAY_LINE_BAD, "NUL byte in a line is refused");
		strbuf_release(&sb);
	}
}

/* One setns SYSCALL record per serial, to exercise gap accounting. */
static void seq_case(const unsigned long *serials, size_t n,
		     unsigned long long want_gaps,
		     unsigned long long want_resets, const char *what)
{
	struct strbuf in = STRBUF_INIT, sb = STRBUF_INIT;
	const struct audit_map_stats *ms;
	struct replay *rp;
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(&in, "type=SYSCALL msg=audit(1700000000.%03zu:%lu): "
			    "arch=c000003e syscall=308 success=yes exit=0 a0=3 "
			    "a1=0 items=0 ppid=1 pid=10 auid=0 uid=0 euid=0 "
			    "comm=\"x\" exe=\"/x\"\n", i % 1000, serials[i]);
	rp = run("seq", in.buf, in.len, 0, &sb, 0);
	ms = replay_map_stats(rp);
	is_int(ms->mapped, n, "%s: every event mapped", what);
	is_int(ms->seq_gaps, want_gaps, "%s: seq_gaps", what);
	is_int(ms->seq_resets, want_resets, "%s: seq_resets", what);
	replay_free(rp);
	strbuf_release(&in);
	strbuf_release(&sb);
}

static void test_seq(void)
{
	static const unsigned long contiguous[] = { 7, 8, 9, 10 };
	static const unsigned long one_gap[] = { 7, 8, 10 };
	static const unsigned long reordered[] = { 7, 9, 8, 11, 10 };
	static const unsigned long wrap[] = { 4294967294ul, 4294967295ul, 1,
					       2 };
	static const unsigned long wrap_gap[] = { 4294967294ul, 2 };
	static const unsigned long restart[] = { 500000, 500001, 3, 4 };
	static const unsigned long jump[] = { 10, 11, 5000000, 5000001 };
	static const unsigned long slide[] = { 1, 2000, 2001 };
	static const unsigned long late[] = { 100, 2000, 101 };
	static const unsigned long dup[] = { 5, 5, 6 };

	seq_case(contiguous, 4, 0, 0, "contiguous serials");
	seq_case(one_gap, 3, 1, 0, "one missing serial");
	seq_case(reordered, 5, 0, 0, "out of order within the window");
	seq_case(wrap, 4, 0, 0, "u32 wrap skips serial 0");
	seq_case(wrap_gap, 2, 2, 0, "gap across the wrap (0 not counted)");
	seq_case(restart, 4, 0, 1, "restart: serials go back, no gaps");
	seq_case(jump, 4, 0, 1, "huge jump is a restart, not millions of gaps");
	seq_case(slide, 3, 1998, 0, "jump larger than the window");
	seq_case(late, 3, 1899, 1, "too late: counted, then a restart");
	seq_case(dup, 3, 0, 0, "duplicate serial");
}

/* audit_map_tick: two ticks before a missing serial counts. */
static void tick_cb(auparse_state_t *au, auparse_cb_event_t t, void *arg)
{
	if (t == AUPARSE_CB_EVENT_READY)
		audit_map_event(arg, au, NULL, NULL);
}

static void feed_serial(auparse_state_t *au, unsigned long serial)
{
	char line[256];
	int n = snprintf(line, sizeof(line),
			 "type=SYSCALL msg=audit(1700000000.000:%lu): "
			 "arch=c000003e syscall=308 success=yes exit=0 a0=3 "
			 "a1=0 pid=10 comm=\"x\"\n", serial);

	auparse_feed(au, line, (size_t)n);
}

static void test_tick(void)
{
	struct audit_map *m = audit_map_new(0);
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);

	if (!ok(m && au, "audit_map and auparse for the tick test"))
		return;
	auparse_add_callback(au, tick_cb, m, NULL);
	feed_serial(au, 1);
	feed_serial(au, 2);
	feed_serial(au, 4);
	feed_serial(au, 6);
	auparse_flush_feed(au);
	audit_map_tick(m);
	is_int(audit_map_stats(m)->seq_gaps, 0, "first tick only suspects");
	feed_serial(au, 3);		/* late, before the second tick */
	auparse_flush_feed(au);
	audit_map_tick(m);
	is_int(audit_map_stats(m)->seq_gaps, 1,
	       "second tick counts 5, not the late 3");
	audit_map_tick(m);
	audit_map_flush(m);
	is_int(audit_map_stats(m)->seq_gaps, 1, "no double counting");
	feed_serial(au, 5);		/* late after all: not lost */
	auparse_flush_feed(au);
	audit_map_flush(m);
	is_int(audit_map_stats(m)->seq_gaps, 0,
	       "a serial counted lost that arrives later is taken back");
	is_int(audit_map_stats(m)->mapped, 6, "every event mapped");
	auparse_destroy(au);
	audit_map_free(m);
}

/*
 * An event that is a lone EOE record (what libauparse 2.8 makes of the
 * EOE after a PROCTITLE) is skipped: not counted, no sequence gap, and
 * a whole SYSCALL..PROCTITLE..EOE event counts once whichever way this
 * libauparse splits it.
 */
static void test_lone_eoe(void)
{
	static const char sc[] =
		"type=SYSCALL msg=audit(1700000000.000:7): arch=c000003e "
		"syscall=308 success=yes exit=0 a0=3 a1=0 pid=10 comm=\"x\"\n"
		"type=PROCTITLE msg=audit(1700000000.000:7): proctitle=78\n"
		"type=EOE msg=audit(1700000000.000:7): \n";
	static const char eoe[] = "type=EOE msg=audit(1700000000.000:8): \n";
	struct audit_map *m = audit_map_new(0);
	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);

	if (!ok(m && au, "audit_map and auparse for the lone EOE test"))
		return;
	auparse_add_callback(au, tick_cb, m, NULL);
	auparse_feed(au, sc, sizeof(sc) - 1);
	auparse_flush_feed(au);
	is_int(audit_map_stats(m)->events, 1,
	       "SYSCALL, PROCTITLE, EOE: one event");
	is_int(audit_map_stats(m)->mapped, 1, "and it is mapped");
	auparse_feed(au, eoe, sizeof(eoe) - 1);
	auparse_flush_feed(au);
	is_int(audit_map_stats(m)->events, 1, "a lone EOE is not an event");
	is_int(audit_map_stats(m)->malformed, 0, "nor malformed");
	audit_map_flush(m);
	is_int(audit_map_stats(m)->seq_gaps, 0, "nor a sequence gap");
	ok(!audit_map_lone_eoe(NULL), "NULL is no lone EOE");
	auparse_destroy(au);
	audit_map_free(m);
}

static void test_chunks_and_limits(const char *dir)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, big = STRBUF_INIT;
	const struct replay_stats *rs;
	struct replay *rp;
	char path[PATH_MAX];
	size_t len, i;
	char *data;

	if ((size_t)snprintf(path, sizeof(path), "%s/interleaved.log", dir) >=
	    sizeof(path))
		path[0] = '\0';
	data = tap_slurp(path, &len);
	if (!ok(data != NULL, "read %s", path))
		return;
	replay_free(run("interleaved.log", data, len, 0, &a, 0));
	replay_free(run("interleaved.log", data, len, 1, &b, 0));
	ok(a.buf && b.buf && !strcmp(a.buf, b.buf),
	   "1-byte feeding gives the same events");
	strbuf_reset(&b);
	replay_free(run("interleaved.log", data, len, 7, &b, 0));
	ok(a.buf && b.buf && !strcmp(a.buf, b.buf),
	   "7-byte feeding gives the same events");
	strbuf_reset(&b);
	rp = run("interleaved.log", data, len, 0, &b, 1);
	ok(replay_stats(rp)->emit_errors == replay_map_stats(rp)->mapped &&
	   replay_stats(rp)->emit_errors > 0,
	   "consumer errors are counted, the replay goes on");
	replay_free(rp);
	free(data);

	/* a 70000-byte line between two good records */
	strbuf_adds(&big, "type=SYSCALL msg=audit(1700000000.100:10): "
		    "arch=c000003e syscall=272 success=yes exit=0 a0=20000 "
		    "pid=5 ppid=1 uid=0 euid=0 auid=0 comm=\"u\" exe=\"/u\"\n"
		    "type=PATH msg=audit(1700000000.100:11): name=");
	for (i = 0; i < 70000; i++)
		strbuf_addc(&big, 'x');
	strbuf_adds(&big, "\ntype=SYSCALL msg=audit(1700000000.100:12): "
		    "arch=c000003e syscall=272 success=yes exit=0 a0=20000 "
		    "pid=6 ppid=1 uid=0 euid=0 auid=0 comm=\"u\" exe=\"/u\"");
	strbuf_reset(&b);
	rp = run("big", big.buf, big.len, 4096, &b, 0);
	rs = replay_stats(rp);
	is_int(rs->too_long, 1, "too-long line counted");
	is_int(rs->malformed, 1, "too-long line is malformed");
	is_int(rs->lines, 3, "three lines, last one without newline");
	is_int(replay_map_stats(rp)->mapped, 2, "both good records mapped");
	ok(b.buf && strstr(b.buf, "# skipped big:2: line longer than"),
	   "too-long line reported with its line number");
	replay_free(rp);

	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&big);
}

/*
 * unshare() without a CLONE_NEW* flag creates no namespace; the eBPF
 * programs skip it at entry, so the audit mapping must ignore it too.
 * clone3 (flags unknown to audit) still reaches the pipeline.
 */
static void test_unshare_no_ns(void)
{
	static const char log[] =
		/* unshare(CLONE_FS) */
		"type=SYSCALL msg=audit(1700000000.100:20): arch=c000003e "
		"syscall=272 success=yes exit=0 a0=200 a1=0 a2=0 a3=0 "
		"items=0 ppid=1 pid=7 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:20): \n"
		/* unshare(CLONE_FILES|CLONE_SYSVSEM), i386 */
		"type=SYSCALL msg=audit(1700000000.100:21): arch=40000003 "
		"syscall=310 success=yes exit=0 a0=40400 a1=0 a2=0 a3=0 "
		"items=0 ppid=1 pid=8 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:21): \n"
		/* ausearch -i form of unshare(CLONE_FS) */
		"type=SYSCALL msg=audit(11/23/24 10:00:20.300:22) : "
		"arch=x86_64 syscall=unshare success=yes exit=0 a0=CLONE_FS "
		"a1=0x0 a2=0x0 a3=0x0 items=0 ppid=1 pid=9 auid=unset "
		"uid=root euid=root comm=u exe=/u key=nswatch \n"
		/* unshare(0), failed unshare(CLONE_FS) */
		"type=SYSCALL msg=audit(1700000000.100:23): arch=c000003e "
		"syscall=272 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 "
		"items=0 ppid=1 pid=10 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:23): \n"
		"type=SYSCALL msg=audit(1700000000.100:24): arch=c000003e "
		"syscall=272 success=no exit=-22 a0=200 a1=0 a2=0 a3=0 "
		"items=0 ppid=1 pid=11 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:24): \n"
		/* unshare(CLONE_FS|CLONE_NEWNS): reported */
		"type=SYSCALL msg=audit(1700000000.100:25): arch=c000003e "
		"syscall=272 success=yes exit=0 a0=20200 a1=0 a2=0 a3=0 "
		"items=0 ppid=1 pid=12 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:25): \n"
		/* clone3: flags unknown, still passed on */
		"type=SYSCALL msg=audit(1700000000.100:26): arch=c000003e "
		"syscall=435 success=yes exit=13 a0=7ffc0000 a1=58 a2=0 a3=0 "
		"items=0 ppid=1 pid=13 auid=0 uid=0 euid=0 comm=\"u\" "
		"exe=\"/u\" key=\"nswatch\"\n"
		"type=EOE msg=audit(1700000000.100:26): \n";
	struct strbuf sb = STRBUF_INIT;
	const struct audit_map_stats *ms;
	struct replay *rp;

	rp = run("unshare-no-ns", log, sizeof(log) - 1, 0, &sb, 0);
	if (!ok(rp != NULL, "replay of unshare without CLONE_NEW*"))
		return;
	ms = replay_map_stats(rp);
	is_int((int)ms->events, 7, "seven events read");
	is_int((int)ms->ignored, 5,
	       "unshare without CLONE_NEW* (raw, i386, ausearch -i, "
	       "unshare(0), failed) ignored");
	is_int((int)ms->mapped, 2, "unshare with CLONE_NEWNS and clone3 "
	       "mapped");
	ok(sb.buf && strstr(sb.buf, "pid=12 ") && !strstr(sb.buf, "pid=7 ") &&
	   !strstr(sb.buf, "pid=8 ") && !strstr(sb.buf, "pid=10 ") &&
	   !strstr(sb.buf, "pid=9 ") && !strstr(sb.buf, "pid=11 "),
	   "only the namespace-creating unshare is emitted");
	ok(sb.buf && strstr(sb.buf, "pid=13 "), "clone3 still emitted");
	replay_free(rp);
	strbuf_release(&sb);
}

/* ---- CONFIG_CHANGE: tests/fixtures/audit-config/NAME.log -> NAME.cfg --- */

static int cfg_dump(const struct audit_cfg_change *c, void *arg)
{
	struct strbuf *sb = arg;

	strbuf_addf(sb, "%lu %s op_name=\"%s\" t=%llu key=\"%s\" value=%lld "
		    "old=%lld res=%s auid=%u ses=%u subj=\"%s\"", c->serial,
		    audit_cfg_op_name(c->op), c->op_name,
		    (unsigned long long)c->wall_ns, c->key,
		    (long long)c->value, (long long)c->old,
		    !c->res_known ? "?" : c->res ? "1" : "0", c->auid, c->ses,
		    c->subj);
	if (c->who_known)
		strbuf_addf(sb, " pid=%u ppid=%u uid=%u comm=\"%s\" exe=\"%s\"",
			    c->pid, c->ppid, c->uid, c->comm, c->exe);
	return strbuf_addc(sb, '\n');
}

static void cfg_cb(auparse_state_t *au, auparse_cb_event_t t, void *arg)
{
	struct strbuf *sb = arg;
	const au_event_t *e = auparse_get_timestamp(au);
	int r;

	if (t != AUPARSE_CB_EVENT_READY || audit_map_lone_eoe(au))
		return;
	r = audit_map_config(au, cfg_dump, sb);
	if (r < 0)
		strbuf_addf(sb, "%lu error %d\n", e ? e->serial : 0ul, r);
	else if (r == 0)
		strbuf_addf(sb, "%lu no change\n", e ? e->serial : 0ul);
}

static void golden_config(const char *dir, int regen)
{
	static const char *const names[] = { "tamper" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		char in[PATH_MAX], out[PATH_MAX];
		auparse_state_t *au;
		char *data, *want;
		size_t len = 0;

		if ((size_t)snprintf(in, sizeof(in), "%s/%s.log", dir,
				     names[i]) >= sizeof(in) ||
		    (size_t)snprintf(out, sizeof(out), "%s/%s.cfg", dir,
				     names[i]) >= sizeof(out)) {
			ok(0, "path too long: %s", dir);
			continue;
		}
		data = tap_slurp(in, &len);
		au = auparse_init(AUSOURCE_FEED, 0);
		if (!ok(data && au, "read %s", in)) {
			free(data);
			if (au)
				auparse_destroy(au);
			continue;
		}
		auparse_add_callback(au, cfg_cb, &sb, NULL);
		auparse_feed(au, data, len);
		auparse_flush_feed(au);
		auparse_destroy(au);
		if (regen) {
			ok(write_file(out, sb.buf ? sb.buf : "", sb.len) == 0,
			   "regen %s", out);
		} else {
			want = tap_slurp(out, NULL);
			if (!ok(want && sb.buf && !strcmp(sb.buf, want),
				"config changes %s", names[i]) && want &&
			    sb.buf)
				show_first_diff(sb.buf, want);
			free(want);
		}
		free(data);
		strbuf_release(&sb);
	}
	is_str(audit_cfg_op_name(AUDIT_CFG_ENABLED), "set audit_enabled",
	       "op names");
	is_int(audit_map_config(NULL, NULL, NULL), -EINVAL, "NULL state");
}

int main(int argc, char **argv)
{
	char dir[PATH_MAX], cfgdir[PATH_MAX];
	const char *top = getenv("top_srcdir");
	int regen = 0, i;

	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/audit",
		 top && *top ? top : ".");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--regen"))
			regen = 1;
		else
			snprintf(dir, sizeof(dir), "%s", argv[i]);
	}
	snprintf(cfgdir, sizeof(cfgdir), "%s/tests/fixtures/audit-config",
		 top && *top ? top : ".");
	golden(dir, regen);
	golden_config(cfgdir, regen);
	if (regen)
		return done_testing();
	test_tables();
	test_normalize();
	test_seq();
	test_tick();
	test_lone_eoe();
	test_chunks_and_limits(dir);
	test_unshare_no_ns();
	return done_testing();
}
