/* SPDX-License-Identifier: GPL-2.0-or-later */
/* audit-rules: the rule table, its text, and rule data compared without
 * the kernel (the kernel side is tests/integration/audit-rules.sh). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libaudit.h>

#include "audit-probe.h"
#include "audit-rules.h"
#include "compat.h"
#include "strbuf.h"
#include "tap.h"
#include "util.h"

#define ELF_X86_64 0xc000003eu
#define ELF_I386 0x40000003u

static const char *key_of(const struct audit_rule_data *r, char *buf,
			  size_t len)
{
	uint32_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < r->field_count; i++) {
		switch (r->fields[i]) {
		case AUDIT_SUBJ_TYPE:
			off += r->values[i];
			break;
		case AUDIT_FILTERKEY:
			if (r->values[i] < len) {
				memcpy(buf, r->buf + off, r->values[i]);
				buf[r->values[i]] = '\0';
			}
			off += r->values[i];
			break;
		default:
			break;
		}
	}
	return buf;
}

static int field_index(const struct audit_rule_data *r, uint32_t field)
{
	uint32_t i;

	for (i = 0; i < r->field_count; i++)
		if (r->fields[i] == field)
			return (int)i;
	return -1;
}

static bool has_syscall(const struct audit_rule_data *r, int nr)
{
	return r->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr);
}

/* A rule with a raw key buffer (several keys, \001-joined). */
static struct audit_rule_data *rule_with_key(const char *key, size_t klen)
{
	struct audit_rule_data *r = calloc(1, sizeof(*r) + klen);

	if (!r)
		abort();
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	r->fields[0] = AUDIT_FILTERKEY;
	r->fieldflags[0] = AUDIT_EQUAL;
	r->values[0] = (uint32_t)klen;
	r->field_count = 1;
	r->buflen = (uint32_t)klen;
	memcpy(r->buf, key, klen);
	return r;
}

static void test_modes(void)
{
	struct nsw_options o;

	is_int(options_word(NSW_WORDS_EXEC_RULES, "all"), NSW_EXEC_RULES_ALL,
	       "parse all");
	is_int(options_word(NSW_WORDS_EXEC_RULES, "containers"),
	       NSW_EXEC_RULES_CONTAINERS, "parse containers");
	is_int(options_word(NSW_WORDS_EXEC_RULES, "none"),
	       NSW_EXEC_RULES_NONE, "parse none");
	is_int(options_word(NSW_WORDS_EXEC_RULES, "All"), -EINVAL,
	       "mode names are exact");
	is_str(audit_rules_mode_name(NSW_EXEC_RULES_CONTAINERS), "containers",
	       "mode name");
	memset(&o, 0, sizeof(o));
	o.exec_rules = false;
	o.exec_rules_mode = NSW_EXEC_RULES_ALL;
	is_int(audit_rules_mode(&o), NSW_EXEC_RULES_NONE,
	       "exec_rules false means none");
	o.exec_rules = true;
	o.exec_rules_mode = NSW_EXEC_RULES_CONTAINERS;
	is_int(audit_rules_mode(&o), NSW_EXEC_RULES_CONTAINERS,
	       "exec_rules true uses the mode");
}

static void test_table(void)
{
	struct audit_rule_spec s[AUDIT_RULES_MAX];
	char line[256];
	size_t n, i;
	int b32 = 0;

	is_int(audit_rules_build(NSW_EXEC_RULES_ALL, 0, s, AUDIT_RULES_MAX), 18,
	       "all: 18 rules");
	is_int(audit_rules_build(NSW_EXEC_RULES_CONTAINERS, 0, s,
				 AUDIT_RULES_MAX), 20, "containers: 20 rules");
	is_int(audit_rules_build(NSW_EXEC_RULES_NONE, 0, s, AUDIT_RULES_MAX), 14,
	       "none: 14 rules");
	is_int(audit_rules_build(NSW_EXEC_RULES_ALL, AUDIT_RULES_NO_CLONE3, s,
				 AUDIT_RULES_MAX), 16, "all without clone3: 16");
	is_int(audit_rules_build(NSW_EXEC_RULES_ALL, AUDIT_RULES_NO_B32, s,
				 AUDIT_RULES_MAX), 9, "all without b32: 9");
	is_int(audit_rules_build(NSW_EXEC_RULES_ALL, 0, s, 3), 3,
	       "build stops at max");

	n = audit_rules_build(NSW_EXEC_RULES_ALL, 0, s, AUDIT_RULES_MAX);
	audit_rule_format(&s[0], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b64 -S setns -F exit!=-9 "
	       "-F exit!=-22 -F key=nswatch",
	       "first rule: setns b64 without EBADF and EINVAL failures");
	audit_rule_format(&s[2], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b64 -S unshare -F a0&0x7E020080 "
	       "-F exit!=-22 -F key=nswatch",
	       "unshare b64 with the CLONE_NEW* mask, without EINVAL");
	is_int(audit_rule_format(&s[0], line, 60), -ENOSPC,
	       "a line cut in its fields is -ENOSPC");
	is_int(audit_rule_format(&s[0], line, 67), -ENOSPC,
	       "a line cut in its key is -ENOSPC");
	audit_rule_format(&s[5], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b32 -S clone -F a0&0x7E020080 "
	       "-F key=nswatch", "clone b32 with the CLONE_NEW* mask");
	for (i = 0; i < n; i++)
		b32 += s[i].b32;
	is_int(b32, 9, "half of them for the 32-bit ABI");
	audit_rule_format(&s[8], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b64 -S init_module,finit_module,"
	       "open_by_handle_at -F key=nswatch",
	       "module loads and open_by_handle_at, unfiltered");
	audit_rule_format(&s[10], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b64 -S bpf -F a0=5 -F key=nswatch",
	       "bpf: BPF_PROG_LOAD only");
	is_int(audit_rule_format(&s[0], line, 10), -ENOSPC,
	       "format reports a short buffer");

	n = audit_rules_build(NSW_EXEC_RULES_CONTAINERS, 0, s, AUDIT_RULES_MAX);
	audit_rule_format(&s[14], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b64 -S execve,execveat -F auid=-1 "
	       "-F key=nswatch", "containers: exec with auid unset");
	audit_rule_format(&s[n - 1], line, sizeof(line));
	is_str(line, "-a always,exit -F arch=b32 -S execve,execveat "
	       "-F subj_type=spc_t -F key=nswatch",
	       "containers: exec in spc_t");
}

static void test_text(void)
{
	struct strbuf sb = STRBUF_INIT;
	const char *srcdir = getenv("top_srcdir");
	char path[4096], *file;

	ok(audit_rules_text(NSW_EXEC_RULES_ALL, 0, &sb) == 0, "rules text");
	snprintf(path, sizeof(path), "%s/rules/nswatch.rules",
		 srcdir ? srcdir : ".");
	file = tap_slurp(path, NULL);
	ok(file && sb.buf && !strcmp(file, sb.buf),
	   "text equals rules/nswatch.rules (regenerate with `nswatch rules`)");
	ok(sb.buf && !strstr(sb.buf, "\n-a always,exit -F auid!="),
	   "no auid!= rule");
	free(file);
	strbuf_reset(&sb);
	audit_rules_text(NSW_EXEC_RULES_NONE, 0, &sb);
	ok(sb.buf && !strstr(sb.buf, "-S execve"), "none: no exec rule");
	strbuf_release(&sb);
}

static void test_data(void)
{
	struct audit_rule_spec s[AUDIT_RULES_MAX];
	struct audit_rule_data *d, *d2;
	char key[64];
	size_t n;
	int i;

	if (audit_detect_machine() != MACH_86_64) {
		ok(1, "rule data checks are written for x86_64 # SKIP other arch");
		return;
	}
	n = audit_rules_build(NSW_EXEC_RULES_CONTAINERS, 0, s, AUDIT_RULES_MAX);
	is_int(n, 20, "containers set");

	d = audit_rule_spec_data(&s[4]);	/* clone b64 */
	ok(d != NULL, "clone b64 data");
	if (!d)
		return;
	is_int(d->flags, AUDIT_FILTER_EXIT, "exit list");
	is_int(d->action, AUDIT_ALWAYS, "always");
	is_int(d->field_count, 3, "arch, a0, key");
	is_int(d->fields[0], AUDIT_ARCH, "arch first (before the syscalls matter)");
	is_int(d->values[0], ELF_X86_64, "arch b64 = x86_64");
	i = field_index(d, AUDIT_ARG0);
	ok(i == 1 && d->fieldflags[i] == AUDIT_BIT_MASK &&
	   d->values[i] == 0x7E020080u, "a0&0x7E020080 as a bit mask");
	ok(has_syscall(d, 56) && !has_syscall(d, 57), "syscall clone (56) only");
	is_str(key_of(d, key, sizeof(key)), "nswatch", "key nswatch");
	ok(audit_rule_has_key(d, "nswatch"), "has_key");
	ok(!audit_rule_has_key(d, "nswatc"), "has_key is exact");

	d2 = audit_rule_spec_data(&s[4]);
	ok(d2 && audit_rule_same(d, d2), "same spec, same data");
	d2->mask[0] |= 1;
	ok(!audit_rule_same(d, d2), "another syscall, another rule");
	audit_rule_free_data(d2);
	audit_rule_free_data(d);

	d = audit_rule_spec_data(&s[1]);	/* setns b32 */
	ok(d && d->values[0] == ELF_I386 && has_syscall(d, 346) &&
	   !has_syscall(d, 310) && d->field_count == 4,
	   "b32: i386 arch, setns 346 alone, two exit filters, key");
	/* both exit fields are ANDed: neither -EBADF nor -EINVAL */
	ok(d && d->fields[1] == AUDIT_EXIT &&
	   d->fieldflags[1] == AUDIT_NOT_EQUAL &&
	   d->values[1] == (uint32_t)-EBADF && d->fields[2] == AUDIT_EXIT &&
	   d->fieldflags[2] == AUDIT_NOT_EQUAL &&
	   d->values[2] == (uint32_t)-EINVAL,
	   "setns: exit!=-EBADF and exit!=-EINVAL in the kernel data");
	audit_rule_free_data(d);
	d = audit_rule_spec_data(&s[3]);	/* unshare b32 */
	i = d ? field_index(d, AUDIT_ARG0) : -1;
	ok(d && d->values[0] == ELF_I386 && has_syscall(d, 310) &&
	   i >= 0 && d->fieldflags[i] == AUDIT_BIT_MASK &&
	   d->values[i] == 0x7E020080u && d->field_count == 4 &&
	   d->fields[2] == AUDIT_EXIT && d->fieldflags[2] == AUDIT_NOT_EQUAL &&
	   d->values[2] == (uint32_t)-EINVAL,
	   "b32: unshare 310 with a0&0x7E020080 and exit!=-EINVAL");
	audit_rule_free_data(d);

	d = audit_rule_spec_data(&s[10]);	/* bpf BPF_PROG_LOAD b64 */
	i = d ? field_index(d, AUDIT_ARG0) : -1;
	ok(i >= 0 && d->fieldflags[i] == AUDIT_EQUAL && d->values[i] == 5 &&
	   has_syscall(d, 321) && !has_syscall(d, 298),
	   "bpf (321) with a0=5 (BPF_PROG_LOAD) in the kernel data");
	audit_rule_free_data(d);
	d = audit_rule_spec_data(&s[9]);	/* modules, handle b32 */
	ok(d && d->values[0] == ELF_I386 && has_syscall(d, 128) &&
	   has_syscall(d, 350) && has_syscall(d, 342) && d->field_count == 2,
	   "b32: init_module 128, finit_module 350, open_by_handle_at 342");
	audit_rule_free_data(d);

	d = audit_rule_spec_data(&s[14]);	/* exec auid=-1 b64 */
	i = d ? field_index(d, AUDIT_LOGINUID) : -1;
	ok(i >= 0 && d->values[i] == 4294967295u &&
	   d->fieldflags[i] == AUDIT_EQUAL, "auid=-1 is loginuid 4294967295");
	ok(d && has_syscall(d, 59) && has_syscall(d, 322),
	   "execve and execveat");
	audit_rule_free_data(d);

	d = audit_rule_spec_data(&s[18]);	/* exec spc_t b64 */
	i = d ? field_index(d, AUDIT_SUBJ_TYPE) : -1;
	ok(i >= 0 && d->values[i] == 5 && !memcmp(d->buf, "spc_t", 5),
	   "subj_type=spc_t as a string field");
	is_str(d ? key_of(d, key, sizeof(key)) : "", "nswatch",
	       "key after the string field");
	audit_rule_free_data(d);
}

static void test_keys_and_survey(void)
{
	struct audit_rule_data *r[4];
	struct audit_rule_list l;
	struct audit_rules_survey sv;

	r[0] = rule_with_key("other\001nswatch", 13);
	ok(audit_rule_has_key(r[0], "nswatch"), "second of two keys");
	ok(audit_rule_has_key(r[0], "other"), "first of two keys");
	r[1] = rule_with_key("nswatchx", 8);
	ok(!audit_rule_has_key(r[1], "nswatch"), "prefix is no match");
	r[1]->action = AUDIT_NEVER;
	r[2] = rule_with_key("t", 1);
	r[2]->flags = AUDIT_FILTER_TASK;
	r[2]->action = AUDIT_NEVER;
	r[3] = rule_with_key("", 0);
	r[3]->flags = AUDIT_FILTER_EXCLUDE;
	r[3]->fields[0] = AUDIT_MSGTYPE;
	r[3]->values[0] = AUDIT_EOE;
	r[3]->buflen = 0;
	l.rules = r;
	l.n = 4;
	audit_rules_survey(&l, &sv);
	is_int(sv.total, 4, "survey: total");
	is_int(sv.ours, 1, "survey: ours");
	is_int(sv.never_exit, 1, "survey: never on exit");
	is_int(sv.never_task, 1, "survey: never on task");
	ok(sv.eoe_excluded, "survey: EOE excluded");
	free(r[0]);
	free(r[1]);
	free(r[2]);
	free(r[3]);
}

static void test_missing(void)
{
	struct audit_rule_spec s[AUDIT_RULES_MAX];
	struct audit_rule_data *d[AUDIT_RULES_MAX], *all;
	struct audit_ruleset *rs;
	struct audit_rule_list l;
	char missing[256];
	unsigned int flags;
	size_t n, i;

	rs = audit_ruleset_new(NSW_EXEC_RULES_ALL, 0);
	ok(rs != NULL, "ruleset");
	if (!rs)
		return;
	/* what this libaudit can express: audit 2.8 has no clone3 */
	flags = (audit_rules_clone3_known() ? 0 : AUDIT_RULES_NO_CLONE3) |
		(audit_rules_b32_known() ? 0 : AUDIT_RULES_NO_B32);
	n = audit_rules_build(NSW_EXEC_RULES_ALL, flags, s, AUDIT_RULES_MAX);
	is_int((int)audit_ruleset_count(rs), (int)n,
	       "ruleset: every rule this libaudit knows");
	ok(!(flags & AUDIT_RULES_NO_CLONE3) ||
	   strstr(audit_ruleset_notes(rs), "clone3"),
	   "a left-out clone3 is noted: \"%s\"", audit_ruleset_notes(rs));
	if (audit_ruleset_count(rs) != n) {
		audit_ruleset_free(rs);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = audit_rule_spec_data(&s[i]);
	l.rules = d;
	l.n = n;
	is_int(audit_ruleset_missing(rs, &l, missing, sizeof(missing)), 0,
	       "the same rules: nothing missing");
	l.n = n - 1;
	is_int(audit_ruleset_missing(rs, &l, missing, sizeof(missing)), 1,
	       "one rule fewer: one missing");
	is_str(missing, "b32 exit_group", "... named");
	is_int(audit_ruleset_owned(rs), 0, "nothing owned without install");

	/* one hand-written rule with key nswatch and every syscall, no arch:
	 * it does the job of all of ours */
	all = rule_with_key("nswatch", 7);
	memset(all->mask, 0xff, sizeof(all->mask));
	l.rules = &all;
	l.n = 1;
	is_int(audit_ruleset_missing(rs, &l, NULL, 0), 0,
	       "a covering rule counts");
	all->action = AUDIT_NEVER;
	is_int(audit_ruleset_missing(rs, &l, NULL, 0), (int)n,
	       "a never rule does not");
	free(all);
	for (i = 0; i < n; i++)
		audit_rule_free_data(d[i]);
	audit_ruleset_free(rs);
}

/* A never rule of someone else's: list, arch (0: none), syscall nr (-1:
 * all). */
static struct audit_rule_data *never_rule(uint32_t list, uint32_t arch,
					  int nr)
{
	struct audit_rule_data *r = calloc(1, sizeof(*r));

	if (!r)
		abort();
	r->flags = list;
	r->action = AUDIT_NEVER;
	if (arch) {
		r->fields[0] = AUDIT_ARCH;
		r->fieldflags[0] = AUDIT_EQUAL;
		r->values[0] = arch;
		r->field_count = 1;
	}
	if (nr < 0)
		memset(r->mask, 0xff, sizeof(r->mask));
	else
		r->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
	return r;
}

/* `auditctl -A exit,never -S setns` and its kind, before or after ours */
static void test_shadowed(void)
{
	struct audit_rule_spec s[AUDIT_RULES_MAX];
	struct audit_rule_data *d[AUDIT_RULES_MAX + 1], *nv;
	struct audit_ruleset *rs;
	struct audit_rule_list l;
	char what[64];
	size_t n, i;

	rs = audit_ruleset_new(NSW_EXEC_RULES_ALL, 0);
	n = audit_rules_build(NSW_EXEC_RULES_ALL, 0, s, AUDIT_RULES_MAX);
	if (rs && audit_ruleset_count(rs) != n) {
		/* audit 2.8 lacks clone3: the rules without it */
		audit_ruleset_free(rs);
		rs = audit_ruleset_new(NSW_EXEC_RULES_ALL, AUDIT_RULES_NO_CLONE3);
		n = audit_rules_build(NSW_EXEC_RULES_ALL, AUDIT_RULES_NO_CLONE3,
				      s, AUDIT_RULES_MAX);
	}
	if (!rs || audit_ruleset_count(rs) != n) {
		skip("this libaudit cannot express every rule");
		audit_ruleset_free(rs);
		return;
	}
	for (i = 0; i < n; i++)
		d[i + 1] = audit_rule_spec_data(&s[i]);
	l.rules = d;

	/* our rules alone */
	l.rules = d + 1;
	l.n = n;
	is_int((int)audit_ruleset_shadowed(rs, &l, what, sizeof(what)), -1,
	       "our rules alone: nothing hides them");

	/* -A: before ours */
	l.rules = d;
	l.n = n + 1;
	d[0] = never_rule(AUDIT_FILTER_EXIT, ELF_X86_64, 308);
	is_int((int)audit_ruleset_shadowed(rs, &l, what, sizeof(what)), 0,
	       "exit,never -F arch=b64 -S setns before ours hides them");
	is_str(what, "exit,never before b64 setns", "... named");
	/* -a: after ours, the first match (ours) wins */
	nv = d[0];
	memmove(d, d + 1, n * sizeof(d[0]));
	d[n] = nv;
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), -1,
	       "the same never rule after ours hides nothing");
	memmove(d + 1, d, n * sizeof(d[0]));
	d[0] = nv;
	nv->values[0] = ELF_I386;	/* i386 308 is none of ours */
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), -1,
	       "a never rule for another arch's syscall 308 hides nothing");
	nv->fieldflags[0] = AUDIT_NOT_EQUAL;
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), 0,
	       "arch!=b32: b64 setns is hidden");
	free(nv);
	d[0] = never_rule(AUDIT_FILTER_EXIT, ELF_X86_64, 165);	/* mount */
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), -1,
	       "a never rule for another syscall hides nothing");
	free(d[0]);
	/* no arch, every syscall, and a field that may narrow it: counted
	 * (conservative) */
	d[0] = never_rule(AUDIT_FILTER_EXIT, 0, -1);
	d[0]->fields[0] = AUDIT_UID;
	d[0]->fieldflags[0] = AUDIT_EQUAL;
	d[0]->field_count = 1;
	is_int((int)audit_ruleset_shadowed(rs, &l, what, sizeof(what)), 0,
	       "exit,never -S all -F uid=0 before ours counts");
	free(d[0]);
	d[0] = rule_with_key("nswatch", 7);
	d[0]->action = AUDIT_NEVER;
	memset(d[0]->mask, 0xff, sizeof(d[0]->mask));
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), -1,
	       "a never rule with our key is not someone else's");
	d[0]->action = AUDIT_ALWAYS;
	d[0]->fields[0] = AUDIT_UID;	/* key gone: another always rule */
	is_int((int)audit_ruleset_shadowed(rs, &l, NULL, 0), -1,
	       "an always rule before ours hides nothing");
	free(d[0]);
	d[0] = never_rule(AUDIT_FILTER_TASK, 0, -1);
	nv = d[0];
	d[0] = d[n];
	d[n] = nv;	/* the task list: wherever it is listed */
	is_int((int)audit_ruleset_shadowed(rs, &l, what, sizeof(what)), (int)n,
	       "task,never hides every process it matches");
	is_str(what, "task,never", "... named");
	d[n] = d[0];
	d[0] = nv;
	for (i = 0; i < n + 1; i++)
		free(d[i]);
	audit_ruleset_free(rs);
}

/* A rule of someone else's from auditctl-style field pairs (cut by
 * libaudit, hence copied) on list, for every syscall unless exclude. */
static struct audit_rule_data *pairs_rule(uint32_t list, uint32_t action,
					  const char *const *pairs)
{
	struct audit_rule_data *r = audit_rule_create_data();
	char pair[96];

	if (!r)
		abort();
	r->flags = list;
	r->action = action;
	if (list != AUDIT_FILTER_EXCLUDE)
		memset(r->mask, 0xff, sizeof(r->mask));
	for (; *pairs; pairs++) {
		snprintf(pair, sizeof(pair), "%s", *pairs);
		if (audit_rule_fieldpair_data(&r, pair, (int)list))
			return NULL;
	}
	return r;
}

/* audit_ruleset_shadowed() on our rules (mode) with rule x before them
 * (after them: after), what into what. */
static long hidden_by(enum nsw_exec_rules mode, struct audit_rule_data *x,
		      bool after, char *what, size_t len)
{
	struct audit_rule_spec s[AUDIT_RULES_MAX];
	struct audit_rule_data *d[AUDIT_RULES_MAX + 1];
	struct audit_ruleset *rs;
	struct audit_rule_list l;
	size_t n, i;
	long k;

	rs = audit_ruleset_new(mode, AUDIT_RULES_NO_CLONE3);
	n = audit_rules_build(mode, AUDIT_RULES_NO_CLONE3, s, AUDIT_RULES_MAX);
	if (!rs || audit_ruleset_count(rs) != n)
		abort();
	for (i = 0; i < n; i++)
		d[i + (after ? 0 : 1)] = audit_rule_spec_data(&s[i]);
	d[after ? n : 0] = x;
	l.rules = d;
	l.n = n + 1;
	k = audit_ruleset_shadowed(rs, &l, what, len);
	for (i = 0; i < n + 1; i++)
		if (d[i] != x)
			audit_rule_free_data(d[i]);
	audit_ruleset_free(rs);
	return k;
}

/* Item 9 of issue 10's leftovers: exclude rules, and never rules that
 * hide only some processes */
static void test_hiding(void)
{
	static const char *const syscall_x[] = { "msgtype=SYSCALL", NULL };
	static const char *const execve_x[] = { "msgtype=EXECVE", NULL };
	static const char *const path_x[] = { "msgtype=PATH", NULL };
	static const char *const cfg_x[] = { "msgtype=CONFIG_CHANGE", NULL };
	static const char *const eoe_x[] = { "msgtype=EOE", NULL };
	static const char *const cwd_x[] = { "msgtype=CWD", NULL };
	static const char *const range_x[] = { "msgtype>=1300",
					       "msgtype<=1310", NULL };
	static const char *const high_x[] = { "msgtype>1310", NULL };
	static const char *const none[] = { NULL };
	static const char *const auid_never[] = { "auid=1000", NULL };
	static const char *const exe_never[] = { "exe=/tmp/x", NULL };
	static const char *const dir_never[] = { "dir=/tmp", NULL };
	struct audit_rule_data *x;
	char what[160];

	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, syscall_x);
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, true, what, sizeof(what)) > 0,
	   "exclude,always -F msgtype=SYSCALL after ours hides: the "
	   "exclude list is its own");
	is_str(what, "exclude -F msgtype=SYSCALL drops SYSCALL records",
	       "... named");
	x->action = AUDIT_NEVER;
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, false, NULL, 0) == 0,
	   "exclude,never drops it too (the kernel ignores the action)");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, execve_x);
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, what, sizeof(what)) == 0,
	   "exclude -F msgtype=EXECVE hides with exec rules");
	is_str(what, "exclude -F msgtype=EXECVE drops EXECVE records",
	       "... named");
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, false, NULL, 0) == -1,
	   "... not without (no exec rules: no EXECVE records asked for)");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, path_x);
	ok(hidden_by(NSW_EXEC_RULES_CONTAINERS, x, false, NULL, 0) == 0,
	   "exclude -F msgtype=PATH hides with exec rules");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, cfg_x);
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, false, NULL, 0) == 0,
	   "exclude -F msgtype=CONFIG_CHANGE hides the tampering itself");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, eoe_x);
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, NULL, 0) == -1,
	   "exclude -F msgtype=EOE (common, costs a timeout) is not hiding");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, cwd_x);
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, NULL, 0) == -1,
	   "exclude -F msgtype=CWD is not hiding");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, range_x);
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, false, what, sizeof(what)) == 0,
	   "exclude -F msgtype>=1300 -F msgtype<=1310 hides (a range)");
	is_str(what, "exclude -F msgtype>=SYSCALL -F msgtype<=1310 drops "
	       "SYSCALL records", "... named");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, high_x);
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, NULL, 0) == -1,
	   "exclude -F msgtype>1310 drops none of ours");
	free(x);
	/* by hand: libaudit 2.8 asks the kernel whether the exclude list
	 * takes fields other than msgtype */
	x = pairs_rule(AUDIT_FILTER_EXCLUDE, AUDIT_ALWAYS, none);
	x->fields[0] = AUDIT_LOGINUID;
	x->fieldflags[0] = AUDIT_EQUAL;
	x->values[0] = 1000;
	x->field_count = 1;
	ok(hidden_by(NSW_EXEC_RULES_NONE, x, false, what, sizeof(what)) == 0,
	   "exclude -F auid=1000 (no msgtype) hides that user's records");
	is_str(what, "exclude -F auid=1000 drops SYSCALL records", "... named");
	free(x);

	x = pairs_rule(AUDIT_FILTER_EXIT, AUDIT_NEVER, auid_never);
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, what, sizeof(what)) == 0,
	   "exit,never -F auid=1000 before ours: shadowing (narrower)");
	is_str(what, "exit,never -F auid=1000 before b64 setns", "... named");
	ok(hidden_by(NSW_EXEC_RULES_ALL, x, true, NULL, 0) == -1,
	   "... after ours: nothing");
	free(x);
	x = pairs_rule(AUDIT_FILTER_EXIT, AUDIT_NEVER, exe_never);
	if (!x) {
		skip("this libaudit knows no exe field");
	} else {
		ok(hidden_by(NSW_EXEC_RULES_ALL, x, false, what,
			     sizeof(what)) == 0,
		   "exit,never -F exe=/tmp/x before ours: shadowing");
		is_str(what, "exit,never -F exe=/tmp/x before b64 setns",
		       "... named with its path");
		free(x);
	}
	x = pairs_rule(AUDIT_FILTER_EXIT, AUDIT_NEVER, dir_never);
	ok(x && hidden_by(NSW_EXEC_RULES_ALL, x, false, what,
			  sizeof(what)) == 0,
	   "exit,never -F dir=/tmp before ours: shadowing");
	is_str(what, "exit,never -F dir=/tmp before b64 setns", "... named");
	free(x);
}

/* State file lines of today's and older nswatch versions (their rules
 * must be removed after a crash, whatever version added them) */
static void test_line_data(void)
{
	static const struct {
		const char *line;
		struct audit_rule_spec spec;
	} old[] = {
		/* before the EBADF/EINVAL filters (issue 10 item 10) */
		{ "-a always,exit -F arch=b64 -S setns -F key=nswatch",
		  { AUDIT_GRP_NS, false, "setns", { NULL } } },
		/* the first version: setns and unshare in one rule */
		{ "-a always,exit -F arch=b32 -S setns,unshare -F key=nswatch",
		  { AUDIT_GRP_NS, true, "setns,unshare", { NULL } } },
		{ "-a always,exit -F arch=b64 -S unshare -F a0&0x7E020080 -F key=nswatch",
		  { AUDIT_GRP_NS, false, "unshare", { "a0&0x7E020080" } } },
		/* today's */
		{ "-a always,exit -F arch=b64 -S setns -F exit!=-9 -F exit!=-22 -F key=nswatch",
		  { AUDIT_GRP_NS, false, "setns", { "exit!=-9", "exit!=-22" } } },
		{ "-a always,exit -F arch=b64 -S execve,execveat -F auid=-1 -F key=nswatch",
		  { AUDIT_GRP_EXEC, false, "execve,execveat", { "auid=-1" } } },
	};
	static const char *const not_ours[] = {
		"-a always,exit -F arch=b64 -S setns -F key=other",
		"-a never,exit -F arch=b64 -S setns -F key=nswatch",
		"-a always,exit -F arch=b64 -S setns",
		"-a always,exit -S setns -F key=nswatch",
		"-a always,exit -F arch=b64 -S setns -F key=nswatch -F uid=0",
		"-a always,exit -F arch=b64 -S setns -F a=1 -F b=2 -F c=3 -F d=4 -F key=nswatch",
		"-w /etc/passwd -p wa -k nswatch",
		"owner 1 2",
		"",
	};
	struct audit_rule_data *a, *b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(old); i++) {
		a = audit_rule_line_data(old[i].line);
		b = audit_rule_spec_data(&old[i].spec);
		ok(a && b && audit_rule_same(a, b),
		   "state line '%s': the rule nswatch added", old[i].line);
		audit_rule_free_data(a);
		audit_rule_free_data(b);
	}
	for (i = 0; i < ARRAY_SIZE(not_ours); i++) {
		a = audit_rule_line_data(not_ours[i]);
		ok(!a, "not ours: '%s'", not_ours[i]);
		audit_rule_free_data(a);
	}
}

/* RHEL 7 (kernel 3.10, audit 2.8) and today: what probe says. */
static void test_compat(void)
{
	struct audit_compat el7 = { 3, 10, false, 2, "2.8.5",
				    "/etc/audisp/plugins.d" };
	struct audit_compat now = { 6, 1, true, 3, "3.0.9",
				    "/etc/audit/plugins.d" };
	struct strbuf sb = STRBUF_INIT;
	char ver[16];

	is_int(audit_rules_parse_auditctl_version("auditctl version 2.8.5\n",
						  ver, sizeof(ver)), 2,
	       "auditctl version 2.8.5: major 2");
	is_str(ver, "2.8.5", "... full version");
	is_int(audit_rules_parse_auditctl_version("auditctl version 3.0.9",
						  NULL, 0), 3, "3.0.9: 3");
	is_int(audit_rules_parse_auditctl_version("auditctl: not found",
						  ver, sizeof(ver)), -EINVAL,
	       "no version: -EINVAL");

	audit_compat_text(&el7, &sb);
	ok(sb.buf && strstr(sb.buf, "multicast        no (kernel < 3.16): "
			    "with auditd running, nswatch runs as its plugin"),
	   "3.10: no multicast, plugin or own daemon");
	ok(sb.buf && strstr(sb.buf, "clone3           no (kernel < 5.3)"),
	   "3.10: no clone3");
	ok(sb.buf && strstr(sb.buf, "execveat         no (kernel < 3.19)"),
	   "3.10: no execveat");
	ok(sb.buf && strstr(sb.buf, "libaudit clone3  unknown (audit < 3.0)"),
	   "audit 2.8: libaudit lacks clone3");
	ok(sb.buf && strstr(sb.buf, "2.8.5: knows no clone3; load `nswatch "
			    "rules --audit-version=2.8`"),
	   "auditctl 2.8.5: the 2.8 rules file");
	ok(sb.buf && strstr(sb.buf, "/etc/audisp/plugins.d (audispd, audit 2.8)"),
	   "audispd plugin directory");
	strbuf_reset(&sb);
	audit_compat_text(&now, &sb);
	ok(sb.buf && !strstr(sb.buf, ": no ") && !strstr(sb.buf, "unknown") &&
	   strstr(sb.buf, "3.0.9: loads rules/nswatch.rules"),
	   "6.1 + audit 3: nothing missing");
	strbuf_reset(&sb);
	ok(audit_rules_text(NSW_EXEC_RULES_ALL, AUDIT_RULES_AUDIT28, &sb) == 0,
	   "rules text for audit 2.8");
	ok(sb.buf && strstr(sb.buf, "-F arch=b64 -S 435 -F key=nswatch\n") &&
	   strstr(sb.buf, "-F arch=b32 -S 435 -F key=nswatch\n") &&
	   !strstr(sb.buf, "-S clone3"),
	   "audit 2.8: clone3 by number, never by name");
	strbuf_release(&sb);
}

int main(void)
{
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	test_modes();
	test_table();
	test_text();
	test_data();
	test_keys_and_survey();
	test_missing();
	test_shadowed();
	test_hiding();
	test_line_data();
	test_compat();
	return done_testing();
}
