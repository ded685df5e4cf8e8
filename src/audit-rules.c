/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nswatch's audit rules: the table, augenrules text, kernel add/remove. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libaudit.h>

#include "audit-rules.h"
#include "compat.h"
#include "procfs.h"
#include "strbuf.h"
#include "util.h"

/* ---- the table ------------------------------------------------------ */

#define M_ALL	(1u << NSW_EXEC_RULES_ALL)
#define M_CTR	(1u << NSW_EXEC_RULES_CONTAINERS)
#define M_NONE	(1u << NSW_EXEC_RULES_NONE)
#define M_ANY	(M_ALL | M_CTR | M_NONE)

static const struct {
	enum audit_rule_group group;
	const char *syscalls;
	const char *fields[AUDIT_RULE_FIELDS];
	unsigned int modes;
} rule_table[] = {
	/* failed calls that cannot change a namespace (EBADF, EINVAL) are
	 * left out in the kernel: a pod repeating them floods the queue */
	{ AUDIT_GRP_NS, "setns",
	  { AUDIT_RULES_NO_EBADF, AUDIT_RULES_NO_EINVAL }, M_ANY },
	/* unshare(CLONE_FS) and the like create no namespace (the eBPF
	 * programs skip them too): the kernel filters them out; EINVAL
	 * (bad flag combinations) changes nothing either */
	{ AUDIT_GRP_NS, "unshare",
	  { "a0&" AUDIT_RULES_CLONE_MASK, AUDIT_RULES_NO_EINVAL }, M_ANY },
	{ AUDIT_GRP_CLONE, "clone", { "a0&" AUDIT_RULES_CLONE_MASK }, M_ANY },
	{ AUDIT_GRP_CLONE3, "clone3", { NULL }, M_ANY },
	/* escapes that change no namespace: rare calls, on the host as
	 * much as in pods (the pipeline keeps the containers' only);
	 * bpf(2) only for BPF_PROG_LOAD (map lookups by bpftool or
	 * systemd are many more) */
	{ AUDIT_GRP_ESCAPE, "init_module,finit_module,open_by_handle_at",
	  { NULL }, M_ANY },
	{ AUDIT_GRP_ESCAPE, "bpf", { "a0=" AUDIT_RULES_BPF_PROG_LOAD }, M_ANY },
	{ AUDIT_GRP_ESCAPE, "perf_event_open", { NULL }, M_ANY },
	{ AUDIT_GRP_EXEC, "execve,execveat", { NULL }, M_ALL },
	/* process exits: process_exit events and a process cache that
	 * forgets the dead (one record per exit, like exec's volume) */
	{ AUDIT_GRP_EXEC, "exit_group", { NULL }, M_ALL },
	/* auid -1 is "unset"; spelled -1 because audit 2.8's auditctl may
	 * not know the word */
	{ AUDIT_GRP_EXEC, "execve,execveat", { "auid=-1" }, M_CTR },
	{ AUDIT_GRP_EXEC, "execve,execveat", { "subj_type=container_t" },
	  M_CTR },
	{ AUDIT_GRP_EXEC, "execve,execveat", { "subj_type=spc_t" }, M_CTR },
};

const char *audit_rules_mode_name(enum nsw_exec_rules mode)
{
	return options_word_name(NSW_WORDS_EXEC_RULES, (int)mode);
}

enum nsw_exec_rules audit_rules_mode(const struct nsw_options *o)
{
	if (!o->exec_rules)
		return NSW_EXEC_RULES_NONE;
	return o->exec_rules_mode;
}

size_t audit_rules_build(enum nsw_exec_rules mode, unsigned int flags,
			 struct audit_rule_spec *out, size_t max)
{
	size_t i, n = 0;
	int abi;

	for (i = 0; i < ARRAY_SIZE(rule_table); i++) {
		if (!(rule_table[i].modes & (1u << mode)))
			continue;
		if (rule_table[i].group == AUDIT_GRP_CLONE3 &&
		    (flags & AUDIT_RULES_NO_CLONE3))
			continue;
		for (abi = 0; abi < 2; abi++) {
			if (abi == 1 && (flags & AUDIT_RULES_NO_B32))
				continue;
			if (n >= max || n >= AUDIT_RULES_MAX)
				return n;
			out[n].group = rule_table[i].group;
			out[n].b32 = abi == 1;
			out[n].syscalls = rule_table[i].syscalls;
			memcpy(out[n].fields, rule_table[i].fields,
			       sizeof(out[n].fields));
			n++;
		}
	}
	return n;
}

int audit_rule_format(const struct audit_rule_spec *r, char *buf, size_t len)
{
	size_t used, i;
	int n;

	n = snprintf(buf, len, "-a always,exit -F arch=%s -S %s",
		     r->b32 ? "b32" : "b64", r->syscalls);
	for (i = 0; n >= 0 && (size_t)n < len; i++) {
		used = strlen(buf);
		if (i < AUDIT_RULE_FIELDS && r->fields[i])
			n = snprintf(buf + used, len - used, " -F %s",
				     r->fields[i]);
		else
			n = snprintf(buf + used, len - used, " -F key=%s",
				     AUDIT_RULES_KEY);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		if (i == AUDIT_RULE_FIELDS || !r->fields[i])
			return 0;
	}
	return -ENOSPC;
}

static const char *group_comment(enum audit_rule_group g,
				 enum nsw_exec_rules mode, unsigned int flags)
{
	if (g == AUDIT_GRP_CLONE3 && (flags & AUDIT_RULES_AUDIT28))
		return "## clone3 keeps its flags in memory, so the kernel cannot filter it:\n"
		       "## every clone3 is logged (glibc >= 2.34 creates threads with it).\n"
		       "## By number (" AUDIT_RULES_CLONE3_NR " on every architecture): audit 2.8's auditctl\n"
		       "## does not know the name.  Kernels before 5.3 have no clone3; the\n"
		       "## rule then never matches.\n";
	switch (g) {
	case AUDIT_GRP_NS:
		return "## setns: every call but those failing with EBADF (-9) or EINVAL\n"
		       "## (-22), which change no namespace and which a pod could repeat to\n"
		       "## flood the audit queue; denied calls (EPERM) stay.  unshare: calls\n"
		       "## with a CLONE_NEW* flag (unshare(CLONE_FS) creates no namespace),\n"
		       "## not failing with EINVAL.  Low volume (container runtimes, CNI\n"
		       "## plugins, systemd sandboxing).\n";
	case AUDIT_GRP_CLONE:
		return "## clone creating a namespace: any CLONE_NEW* bit in the flags\n"
		       "## (NEWTIME|NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET).\n";
	case AUDIT_GRP_CLONE3:
		return "## clone3 keeps its flags in memory, so the kernel cannot filter it:\n"
		       "## every clone3 is logged (glibc >= 2.34 creates threads with it).\n"
		       "## Needs kernel >= 5.3 and audit >= 3.0: for audit 2.8 (RHEL 7),\n"
		       "## whose auditctl stops at the name, use the file of\n"
		       "## `nswatch rules --audit-version=2.8` (clone3 by number).\n";
	case AUDIT_GRP_ESCAPE:
		return "## escapes that change no namespace, from a container: kernel\n"
		       "## modules (init_module, finit_module), the shocker escape\n"
		       "## (open_by_handle_at), BPF programs (bpf BPF_PROG_LOAD = " AUDIT_RULES_BPF_PROG_LOAD ") and\n"
		       "## perf events.  Rare on a host (modprobe at boot, systemd and\n"
		       "## bpftool loading programs, perf/profilers opening events): the\n"
		       "## host's calls are logged and dropped by nswatch.\n";
	case AUDIT_GRP_EXEC:
		if (mode == NSW_EXEC_RULES_CONTAINERS)
			return "## execve/execveat outside login sessions (auid unset: children of\n"
			       "## container runtimes and services) and in SELinux container\n"
			       "## domains: nsenter detection and ancestry inside containers.\n";
		return "## execve/execveat: nsenter detection and process ancestry.\n"
		       "## The costly part: one event per exec on the whole host.\n";
	}
	return "";
}

int audit_rules_text(enum nsw_exec_rules mode, unsigned int flags,
		     struct strbuf *sb)
{
	struct audit_rule_spec specs[AUDIT_RULES_MAX];
	char line[256];
	size_t i, n;
	int r;

	strbuf_addf(sb,
		"## nswatch audit rules (nswatch rules --exec-rules=%s)\n"
		"## Install as /etc/audit/rules.d/nswatch.rules, then run\n"
		"## `augenrules --load`.  nswatch needs them when it runs as an auditd\n"
		"## plugin; in its multicast and netlink modes it adds the same rules\n"
		"## itself and removes them at exit.  Keep them free of\n"
		"## `-F auid!=unset`: processes started by container runtimes have no\n"
		"## login uid and would be missed.\n",
		audit_rules_mode_name(mode));
	if (flags & AUDIT_RULES_AUDIT28)
		strbuf_adds(sb, "## For audit 2.8 (RHEL 7): nswatch rules --audit-version=2.8\n");
	n = audit_rules_build(mode, flags, specs, AUDIT_RULES_MAX);
	for (i = 0; i < n; i++) {
		if (i == 0 || specs[i].group != specs[i - 1].group)
			strbuf_addf(sb, "\n%s", group_comment(specs[i].group,
							      mode, flags));
		if (specs[i].group == AUDIT_GRP_CLONE3 &&
		    (flags & AUDIT_RULES_AUDIT28))
			specs[i].syscalls = AUDIT_RULES_CLONE3_NR;
		r = audit_rule_format(&specs[i], line, sizeof(line));
		if (r < 0)
			return r;
		strbuf_addf(sb, "%s\n", line);
	}
	if (mode == NSW_EXEC_RULES_NONE)
		strbuf_adds(sb, "\n## No exec rules (--exec-rules=none): no nsenter detection by\n"
			    "## name, ancestry only from /proc and the ppid of each record.\n");
	return sb->overflow ? -ENOMEM : 0;
}

/* ---- kernel data for one rule --------------------------------------- */

/* libaudit's machine for the 32-bit ABI of this machine, or -1. */
static int machine_b32(void)
{
	switch (audit_detect_machine()) {
	case MACH_86_64: return MACH_X86;
	case MACH_AARCH64: return MACH_ARM;
	case MACH_PPC64: return MACH_PPC;
	case MACH_S390X: return MACH_S390;
	default: return -1;
	}
}

static int machine_for(bool b32)
{
	return b32 ? machine_b32() : audit_detect_machine();
}

int audit_rules_parse_auditctl_version(const char *s, char *ver, size_t len)
{
	const char *v = s ? strstr(s, "version ") : NULL;
	char *end;
	size_t n;
	long major;

	if (!v)
		return -EINVAL;
	v += strlen("version ");
	major = strtol(v, &end, 10);
	if (end == v || *end != '.' || major < 1 || major > 99)
		return -EINVAL;
	if (ver && len) {
		n = strspn(v, "0123456789.");
		if (n >= len)
			n = len - 1;
		memcpy(ver, v, n);
		ver[n] = '\0';
	}
	return (int)major;
}

int audit_rules_auditctl_version(char *ver, size_t len)
{
	char line[128] = "";
	FILE *f;

	if (ver && len)
		ver[0] = '\0';
	/* a fixed command line; sbin directories for a non-root PATH */
	f = popen("PATH=\"$PATH:/usr/sbin:/sbin\" auditctl -v 2>/dev/null", "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (pclose(f) == -1)
		return -ECHILD;
	return audit_rules_parse_auditctl_version(line, ver, len);
}

bool audit_rules_clone3_known(void)
{
	int m = audit_detect_machine();

	return m >= 0 && audit_name_to_syscall("clone3", m) >= 0;
}

bool audit_rules_b32_known(void)
{
	int m = machine_b32();

	return m >= 0 && audit_name_to_syscall("execve", m) >= 0;
}

static int rule_add_field(struct audit_rule_data *r, uint32_t field,
			  uint32_t op, uint32_t value)
{
	if (r->field_count >= AUDIT_MAX_FIELDS)
		return -E2BIG;
	r->fields[r->field_count] = field;
	r->fieldflags[r->field_count] = op;
	r->values[r->field_count] = value;
	r->field_count++;
	return 0;
}

/* libaudit only accepts a key after its own bookkeeping saw -S, so the
 * key string is appended here the way the kernel expects it. */
static int rule_add_key(struct audit_rule_data **rp, const char *key)
{
	struct audit_rule_data *r = *rp, *n;
	size_t klen = strlen(key);
	int err;

	if (r->field_count >= AUDIT_MAX_FIELDS)
		return -E2BIG;
	n = realloc(r, sizeof(*r) + r->buflen + klen);
	if (!n)
		return -ENOMEM;
	*rp = n;
	memcpy(n->buf + n->buflen, key, klen);
	err = rule_add_field(n, AUDIT_FILTERKEY, AUDIT_EQUAL, (uint32_t)klen);
	if (err)
		return err;
	n->buflen += (uint32_t)klen;
	return 0;
}

struct audit_rule_data *audit_rule_spec_data(const struct audit_rule_spec *s)
{
	struct audit_rule_data *r;
	char names[64], pair[96];
	char *tok, *save;
	unsigned int elf;
	size_t f;
	int machine, nr, err = 0;

	machine = machine_for(s->b32);
	if (machine < 0) {
		errno = ENOENT;
		return NULL;
	}
	elf = audit_machine_to_elf(machine);
	if (!elf) {
		errno = ENOENT;
		return NULL;
	}
	r = audit_rule_create_data();
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->flags = AUDIT_FILTER_EXIT;
	r->action = AUDIT_ALWAYS;
	err = rule_add_field(r, AUDIT_ARCH, AUDIT_EQUAL, elf);
	if (err)
		goto fail;
	if (!nsw_strlcpy(names, s->syscalls, sizeof(names))) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	for (tok = strtok_r(names, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		nr = audit_name_to_syscall(tok, machine);
		if (nr < 0 || AUDIT_WORD(nr) >= AUDIT_BITMASK_SIZE) {
			err = -ENOENT;
			goto fail;
		}
		r->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
	}
	for (f = 0; f < AUDIT_RULE_FIELDS && s->fields[f]; f++) {
		/* audit_rule_fieldpair_data() cuts the string it parses */
		if (!nsw_strlcpy(pair, s->fields[f], sizeof(pair))) {
			err = -ENAMETOOLONG;
			goto fail;
		}
		if (audit_rule_fieldpair_data(&r, pair, AUDIT_FILTER_EXIT)) {
			err = -EINVAL;
			goto fail;
		}
	}
	err = rule_add_key(&r, AUDIT_RULES_KEY);
	if (err)
		goto fail;
	return r;
fail:
	audit_rule_free_data(r);
	errno = -err;
	return NULL;
}

/* ---- control requests ------------------------------------------------ */

/* Throw away whatever is queued on the control socket (late acks of
 * earlier requests), so the next reply read belongs to the next request. */
static void ctl_drain(int fd)
{
	struct audit_reply rep;
	int i;

	for (i = 0; i < 64; i++)
		if (audit_get_reply(fd, &rep, GET_REPLY_NONBLOCKING, 0) <= 0)
			break;
}

/* Next message that is not a plain ack, within timeout_ms.  A negative
 * ack becomes its -errno. */
static int ctl_recv(int fd, struct audit_reply *rep, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int r;

	for (;;) {
		r = poll(&pfd, 1, timeout_ms);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ETIMEDOUT;
		r = audit_get_reply(fd, rep, GET_REPLY_NONBLOCKING, 0);
		if (r == -EAGAIN || r == -EINTR || r == 0)
			continue;
		if (r < 0)
			return r;
		if (rep->type == NLMSG_ERROR) {
			if (rep->len < (int)NLMSG_LENGTH(sizeof(int)) ||
			    rep->error->error == 0)
				continue;
			return rep->error->error < 0 ? rep->error->error :
						       -rep->error->error;
		}
		return r;
	}
}

int audit_status_get(int fd, struct audit_status_v *st)
{
	struct audit_reply rep;
	size_t len;
	int r;

	memset(st, 0, sizeof(*st));
	ctl_drain(fd);
	r = audit_request_status(fd);
	if (r < 0)
		return r;
	for (;;) {
		r = ctl_recv(fd, &rep, 2000);
		if (r < 0)
			return r;
		if (rep.type == AUDIT_GET)
			break;
	}
	len = (size_t)r;
	if (len < NLMSG_HDRLEN || (size_t)rep.len < NLMSG_HDRLEN)
		return -EPROTO;
	len -= NLMSG_HDRLEN;
	if ((size_t)rep.len - NLMSG_HDRLEN < len)
		len = (size_t)rep.len - NLMSG_HDRLEN;
	if (len < 8 * sizeof(uint32_t))
		return -EPROTO;
	if (len > offsetof(struct audit_status_v, len))
		len = offsetof(struct audit_status_v, len);
	memcpy(st, NLMSG_DATA(rep.nlh), len);
	st->len = len;
	return 0;
}

/* audit_status_get()'s request and wait, but for a reply of many parts
 * up to NLMSG_DONE, each kept. */
int audit_rules_list(int fd, struct audit_rule_list *out)
{
	struct audit_reply rep;
	struct audit_rule_data *copy, **grown;
	size_t cap = 0, len, need;
	int r;

	out->rules = NULL;
	out->n = 0;
	ctl_drain(fd);
	r = audit_request_rules_list_data(fd);
	if (r < 0)
		return r;
	for (;;) {
		r = ctl_recv(fd, &rep, 2000);
		if (r < 0)
			goto fail;
		if (rep.type == NLMSG_DONE)
			return 0;
		if (rep.type != AUDIT_LIST_RULES)
			continue;
		len = (size_t)r - NLMSG_HDRLEN;
		if ((size_t)rep.len >= NLMSG_HDRLEN &&
		    (size_t)rep.len - NLMSG_HDRLEN < len)
			len = (size_t)rep.len - NLMSG_HDRLEN;
		if (len < sizeof(struct audit_rule_data)) {
			r = -EPROTO;
			goto fail;
		}
		need = sizeof(struct audit_rule_data) + rep.ruledata->buflen;
		if (need > len || rep.ruledata->field_count > AUDIT_MAX_FIELDS) {
			r = -EPROTO;
			goto fail;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 32;
			grown = realloc(out->rules, cap * sizeof(*grown));
			if (!grown) {
				r = -ENOMEM;
				goto fail;
			}
			out->rules = grown;
		}
		copy = malloc(need);
		if (!copy) {
			r = -ENOMEM;
			goto fail;
		}
		memcpy(copy, rep.ruledata, need);
		out->rules[out->n++] = copy;
	}
fail:
	audit_rule_list_free(out);
	return r;
}

void audit_rule_list_free(struct audit_rule_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->rules[i]);
	free(l->rules);
	l->rules = NULL;
	l->n = 0;
}

/* Is field i a string field (its bytes are in buf)? */
static bool field_is_string(uint32_t field)
{
	switch (field) {
	case AUDIT_SUBJ_USER: case AUDIT_SUBJ_ROLE: case AUDIT_SUBJ_TYPE:
	case AUDIT_SUBJ_SEN: case AUDIT_SUBJ_CLR: case AUDIT_OBJ_USER:
	case AUDIT_OBJ_ROLE: case AUDIT_OBJ_TYPE: case AUDIT_OBJ_LEV_LOW:
	case AUDIT_OBJ_LEV_HIGH: case AUDIT_WATCH: case AUDIT_DIR:
	case AUDIT_FILTERKEY:
#ifdef AUDIT_EXE
	case AUDIT_EXE:
#endif
		return true;
	default:
		return false;
	}
}

bool audit_rule_has_key(const struct audit_rule_data *r, const char *key)
{
	size_t off = 0, klen = strlen(key), vlen;
	const char *v, *p, *end;
	uint32_t i;

	for (i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++) {
		if (!field_is_string(r->fields[i]))
			continue;
		vlen = r->values[i];
		if (off + vlen > r->buflen)
			return false;
		v = r->buf + off;
		off += vlen;
		if (r->fields[i] != AUDIT_FILTERKEY)
			continue;
		/* several keys are joined with AUDIT_KEY_SEPARATOR */
		end = v + vlen;
		while (v < end) {
			p = memchr(v, AUDIT_KEY_SEPARATOR, (size_t)(end - v));
			if (!p)
				p = end;
			if ((size_t)(p - v) == klen && !memcmp(v, key, klen))
				return true;
			v = p + 1;
		}
	}
	return false;
}

bool audit_rule_same(const struct audit_rule_data *a,
		     const struct audit_rule_data *b)
{
	if ((a->flags & ~AUDIT_FILTER_PREPEND) !=
	    (b->flags & ~AUDIT_FILTER_PREPEND) ||
	    a->action != b->action || a->field_count != b->field_count ||
	    a->buflen != b->buflen || a->field_count > AUDIT_MAX_FIELDS)
		return false;
	if (memcmp(a->mask, b->mask, sizeof(a->mask)) ||
	    memcmp(a->fields, b->fields, a->field_count * sizeof(a->fields[0])) ||
	    memcmp(a->values, b->values, a->field_count * sizeof(a->values[0])) ||
	    memcmp(a->fieldflags, b->fieldflags,
		   a->field_count * sizeof(a->fieldflags[0])))
		return false;
	return !memcmp(a->buf, b->buf, a->buflen);
}

void audit_rules_survey(const struct audit_rule_list *l,
			struct audit_rules_survey *out)
{
	const struct audit_rule_data *r;
	uint32_t list, i;
	size_t k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < l->n; k++) {
		r = l->rules[k];
		list = r->flags & ~AUDIT_FILTER_PREPEND;
		out->total++;
		if (audit_rule_has_key(r, AUDIT_RULES_KEY))
			out->ours++;
		if (r->action == AUDIT_NEVER && list == AUDIT_FILTER_EXIT)
			out->never_exit++;
		if (r->action == AUDIT_NEVER && list == AUDIT_FILTER_TASK)
			out->never_task++;
		if (list != AUDIT_FILTER_EXCLUDE)
			continue;
		for (i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++)
			if (r->fields[i] == AUDIT_MSGTYPE &&
			    r->fieldflags[i] == AUDIT_EQUAL &&
			    r->values[i] == AUDIT_EOE)
				out->eoe_excluded = true;
	}
}

/* A kernel rule that does the job of want even if it is not the same
 * rule: exit list, always, key nswatch, same ABI (or any), and at least
 * want's syscalls.  Rules loaded by hand in another shape count. */
static bool rule_covers(const struct audit_rule_data *k,
			const struct audit_rule_data *want)
{
	uint32_t arch = 0, i;
	bool k_arch_ok = true;

	if ((k->flags & ~AUDIT_FILTER_PREPEND) != AUDIT_FILTER_EXIT ||
	    k->action != AUDIT_ALWAYS || !audit_rule_has_key(k, AUDIT_RULES_KEY))
		return false;
	for (i = 0; i < want->field_count; i++)
		if (want->fields[i] == AUDIT_ARCH)
			arch = want->values[i];
	for (i = 0; i < k->field_count && i < AUDIT_MAX_FIELDS; i++)
		if (k->fields[i] == AUDIT_ARCH)
			k_arch_ok = k->fieldflags[i] == AUDIT_EQUAL &&
				    k->values[i] == arch;
	if (!k_arch_ok)
		return false;
	for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
		if ((k->mask[i] & want->mask[i]) != want->mask[i])
			return false;
	return true;
}

/* ---- rule sets -------------------------------------------------------- */

struct rs_rule {
	struct audit_rule_spec spec;
	struct audit_rule_data *data;
	char line[192];
	bool owned;		/* we added it and have not seen it vanish */
};

struct audit_ruleset {
	struct rs_rule r[AUDIT_RULES_MAX];
	size_t n;
	char notes[256];
	char state_path[PATH_MAX];
};

static void note(struct audit_ruleset *rs, const char *what)
{
	size_t len = strlen(rs->notes);

	if (strstr(rs->notes, what))
		return;
	snprintf(rs->notes + len, sizeof(rs->notes) - len, "%s%s",
		 len ? "; " : "", what);
}

struct audit_ruleset *audit_ruleset_new(enum nsw_exec_rules mode,
					unsigned int flags)
{
	struct audit_rule_spec specs[AUDIT_RULES_MAX];
	struct audit_ruleset *rs;
	size_t i, n;

	if (!audit_rules_clone3_known())
		flags |= AUDIT_RULES_NO_CLONE3;
	if (!audit_rules_b32_known())
		flags |= AUDIT_RULES_NO_B32;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	if (flags & AUDIT_RULES_NO_CLONE3)
		note(rs, "clone3 left out (unknown to this libaudit, audit < 3.0)");
	if (flags & AUDIT_RULES_NO_B32)
		note(rs, "32-bit ABI rules left out (no 32-bit syscall table)");
	n = audit_rules_build(mode, flags, specs, AUDIT_RULES_MAX);
	for (i = 0; i < n; i++) {
		struct rs_rule *x = &rs->r[rs->n];

		x->spec = specs[i];
		if (audit_rule_format(&specs[i], x->line, sizeof(x->line)) < 0)
			continue;
		x->data = audit_rule_spec_data(&specs[i]);
		if (!x->data) {
			if (errno == ENOMEM) {
				audit_ruleset_free(rs);
				errno = ENOMEM;
				return NULL;
			}
			note(rs, specs[i].group == AUDIT_GRP_CLONE3 ?
			     "clone3 left out (unknown to this libaudit)" :
			     "a rule libaudit cannot express was left out");
			continue;
		}
		rs->n++;
	}
	return rs;
}

const char *audit_ruleset_notes(const struct audit_ruleset *rs)
{
	return rs->notes;
}

size_t audit_ruleset_count(const struct audit_ruleset *rs)
{
	return rs->n;
}

unsigned int audit_ruleset_owned(const struct audit_ruleset *rs)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < rs->n; i++)
		n += rs->r[i].owned;
	return n;
}

static void drop_rule(struct audit_ruleset *rs, size_t i)
{
	audit_rule_free_data(rs->r[i].data);
	memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof(rs->r[0]));
	rs->n--;
}

/* ---- state files ------------------------------------------------------ */

static const char *state_dir(void)
{
	const char *d = getenv("NSWATCH_RUNTIME_DIR");

	return d && *d == '/' ? d : AUDIT_RULES_STATE_DIR;
}

/* Field 22 of /proc/PID/stat (start time in clock ticks), 0 unknown. */
static unsigned long long proc_starttime(long pid)
{
	struct procfs_stat st;
	size_t len;
	char *text;
	int r;

	if (pid <= 0 || pid > INT_MAX)
		return 0;
	text = procfs_read_file("/proc", (uint32_t)pid, "stat", &len);
	if (!text)
		return 0;
	r = procfs_parse_stat(text, len, &st);
	free(text);
	return r < 0 ? 0 : st.starttime_ticks;
}

static bool owner_alive(long pid, unsigned long long start)
{
	if (pid <= 0)
		return false;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return false;
	return proc_starttime(pid) == start;
}

const char *audit_rules_state_dir(void)
{
	return state_dir();
}

bool audit_rules_owner_alive(long pid, unsigned long long start)
{
	return owner_alive(pid, start);
}

unsigned long long audit_rules_proc_starttime(long pid)
{
	return proc_starttime(pid);
}

int audit_rules_write_state(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX + 8];
	size_t off;
	ssize_t w;
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0)
		return -errno;
	for (off = 0; off < len; off += (size_t)w) {
		w = write(fd, text + off, len - off);
		if (w < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			r = -errno;
			break;
		}
	}
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

/* Write (or, with nothing owned, remove) our state file. */
static int state_write(struct audit_ruleset *rs)
{
	struct strbuf sb = STRBUF_INIT;
	const char *dir = state_dir();
	unsigned int owned = audit_ruleset_owned(rs);
	size_t i;
	int r;

	if (!rs->state_path[0])
		snprintf(rs->state_path, sizeof(rs->state_path),
			 "%s/audit-rules.%ld", dir, (long)getpid());
	if (!owned) {
		if (unlink(rs->state_path) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	strbuf_addf(&sb, "# audit rules added by nswatch; removed by it at exit,\n"
		    "# or by the next nswatch start if this owner is gone\n"
		    "owner %ld %llu\n", (long)getpid(),
		    proc_starttime((long)getpid()));
	for (i = 0; i < rs->n; i++)
		if (rs->r[i].owned)
			strbuf_addf(&sb, "%s\n", rs->r[i].line);
	if (sb.overflow) {
		strbuf_release(&sb);
		return -ENOMEM;
	}
	r = audit_rules_write_state(rs->state_path, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

/* ---- install / remove / check ------------------------------------------ */

static bool list_has_same(const struct audit_rule_list *l,
			  const struct audit_rule_data *d)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		if (audit_rule_same(l->rules[k], d))
			return true;
	return false;
}

int audit_ruleset_install(struct audit_ruleset *rs, int fd,
			  unsigned int *added, char *why, size_t whylen)
{
	bool now[AUDIT_RULES_MAX] = { false };
	size_t i;
	int r;

	*added = 0;
	if (why && whylen)
		why[0] = '\0';
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].owned)
			continue;
		ctl_drain(fd);
		r = audit_add_rule_data(fd, rs->r[i].data, AUDIT_FILTER_EXIT,
					AUDIT_ALWAYS);
		if (r >= 0) {
			rs->r[i].owned = true;
			now[i] = true;
			(*added)++;
			continue;
		}
		if (r == -EEXIST)
			continue;
		if (r == -EINVAL && rs->r[i].spec.group == AUDIT_GRP_CLONE3) {
			note(rs, "clone3 refused by this kernel (< 5.3)");
			drop_rule(rs, i);
			memmove(&now[i], &now[i + 1],
				(AUDIT_RULES_MAX - i - 1) * sizeof(now[0]));
			i--;
			continue;
		}
		if (why)
			snprintf(why, whylen, "cannot add audit rule '%s': %s",
				 rs->r[i].line, strerror(-r));
		/* undo what this call added */
		while (i-- > 0) {
			if (!now[i])
				continue;
			ctl_drain(fd);
			audit_delete_rule_data(fd, rs->r[i].data,
					       AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
			rs->r[i].owned = false;
		}
		*added = 0;
		state_write(rs);
		return r;
	}
	r = state_write(rs);
	if (r < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "state file in %s not written (%s):"
			 " rules left by a crash are not cleaned up",
			 state_dir(), strerror(-r));
		note(rs, msg);
	}
	return 0;
}

int audit_ruleset_remove(struct audit_ruleset *rs, int fd)
{
	size_t i;
	int r, first = 0;

	for (i = 0; i < rs->n; i++) {
		if (!rs->r[i].owned)
			continue;
		ctl_drain(fd);
		r = audit_delete_rule_data(fd, rs->r[i].data, AUDIT_FILTER_EXIT,
					   AUDIT_ALWAYS);
		if (r < 0 && r != -ENOENT && !first)
			first = r;
		if (r >= 0 || r == -ENOENT)
			rs->r[i].owned = false;
	}
	r = state_write(rs);
	return first ? first : r;
}

static void describe(char *buf, size_t len, const struct rs_rule *x)
{
	size_t used = strlen(buf), i;

	if (used >= len)
		return;
	snprintf(buf + used, len - used, "%s%s %s", used ? "; " : "",
		 x->spec.b32 ? "b32" : "b64", x->spec.syscalls);
	for (i = 0; i < AUDIT_RULE_FIELDS && x->spec.fields[i]; i++) {
		used = strlen(buf);
		if (used >= len)
			return;
		snprintf(buf + used, len - used, " %s", x->spec.fields[i]);
	}
}

unsigned int audit_ruleset_missing(const struct audit_ruleset *rs,
				   const struct audit_rule_list *l,
				   char *missing, size_t len)
{
	unsigned int n = 0;
	size_t i, k;
	bool found;

	if (missing && len)
		missing[0] = '\0';
	for (i = 0; i < rs->n; i++) {
		found = false;
		for (k = 0; k < l->n && !found; k++)
			found = audit_rule_same(l->rules[k], rs->r[i].data) ||
				rule_covers(l->rules[k], rs->r[i].data);
		if (found)
			continue;
		n++;
		if (missing)
			describe(missing, len, &rs->r[i]);
	}
	return n;
}

int audit_ruleset_check(struct audit_ruleset *rs, int fd, char *missing,
			size_t len)
{
	struct audit_rule_list l;
	unsigned int n = 0;
	bool changed = false, present;
	size_t i, k;
	int r;

	r = audit_rules_list(fd, &l);
	if (r < 0)
		return r;
	if (missing && len)
		missing[0] = '\0';
	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].owned) {
			/* our own rule must still be there as it was */
			present = list_has_same(&l, rs->r[i].data);
			if (!present) {
				rs->r[i].owned = false;
				changed = true;
			}
		} else {
			present = false;
			for (k = 0; k < l.n && !present; k++)
				present = audit_rule_same(l.rules[k],
							  rs->r[i].data) ||
					  rule_covers(l.rules[k],
						      rs->r[i].data);
		}
		if (present)
			continue;
		n++;
		if (missing)
			describe(missing, len, &rs->r[i]);
	}
	audit_rule_list_free(&l);
	if (changed)
		state_write(rs);
	return (int)n;
}

/* Could rule k match calls of arch?  Only an arch field with = or !=
 * rules it out; any other test of arch is assumed to let it through. */
static bool arch_may_match(const struct audit_rule_data *k, uint32_t arch)
{
	uint32_t i;

	for (i = 0; i < k->field_count && i < AUDIT_MAX_FIELDS; i++) {
		if (k->fields[i] != AUDIT_ARCH)
			continue;
		if (k->fieldflags[i] == AUDIT_EQUAL && k->values[i] != arch)
			return false;
		if (k->fieldflags[i] == AUDIT_NOT_EQUAL && k->values[i] == arch)
			return false;
	}
	return true;
}

static uint32_t rule_arch(const struct audit_rule_data *r)
{
	uint32_t i;

	for (i = 0; i < r->field_count && i < AUDIT_MAX_FIELDS; i++)
		if (r->fields[i] == AUDIT_ARCH)
			return r->values[i];
	return 0;
}

static bool masks_meet(const struct audit_rule_data *a,
		       const struct audit_rule_data *b)
{
	size_t i;

	for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
		if (a->mask[i] & b->mask[i])
			return true;
	return false;
}

/* Does "value OP operand" hold, as the kernel's comparator decides it?
 * An operator we do not know is assumed to hold (conservative). */
static bool op_holds(uint32_t op, uint32_t value, uint32_t operand)
{
	switch (op) {
	case AUDIT_EQUAL: return value == operand;
	case AUDIT_NOT_EQUAL: return value != operand;
	case AUDIT_LESS_THAN: return value < operand;
	case AUDIT_LESS_THAN_OR_EQUAL: return value <= operand;
	case AUDIT_GREATER_THAN: return value > operand;
	case AUDIT_GREATER_THAN_OR_EQUAL: return value >= operand;
	case AUDIT_BIT_MASK: return (value & operand) != 0;
	case AUDIT_BIT_TEST: return (value & operand) == operand;
	default: return true;
	}
}

/*
 * The record types an exclude rule must not drop: SYSCALL carries every
 * event, EXECVE and PATH the arguments and executable of an exec (only
 * with exec rules), CONFIG_CHANGE the tampering itself (dropping it
 * leaves rule changes to the periodic check).  EOE, CWD and PROCTITLE
 * are commonly excluded to save space and cost nswatch nothing but a
 * timeout (EOE) or nothing at all.
 */
static const struct {
	uint32_t type;
	const char *name;
	bool exec_only;
} needed_types[] = {
	{ AUDIT_SYSCALL, "SYSCALL", false },
	{ AUDIT_EXECVE, "EXECVE", true },
	{ AUDIT_PATH, "PATH", true },
	{ AUDIT_CONFIG_CHANGE, "CONFIG_CHANGE", false },
};

/* Could exclude rule k drop records of type t?  Its msgtype tests are
 * decided here; every other field (pid, uid, auid, exe, subj_*) might
 * match some process, so a rule with only such fields drops records of
 * every type for those processes: narrower, but still hiding. */
static bool exclude_may_drop(const struct audit_rule_data *k, uint32_t t)
{
	uint32_t i;

	for (i = 0; i < k->field_count && i < AUDIT_MAX_FIELDS; i++)
		if (k->fields[i] == AUDIT_MSGTYPE &&
		    !op_holds(k->fieldflags[i], t, k->values[i]))
			return false;
	return true;
}

/* Append " -F name<op>value" for each field of k but arch and key, in
 * auditctl's spelling where libaudit knows the names. */
static void describe_fields(const struct audit_rule_data *k, char *buf,
			    size_t len)
{
	const char *name, *op, *tn;
	size_t off = 0, used;
	uint32_t i, f, v;

	for (i = 0; i < k->field_count && i < AUDIT_MAX_FIELDS; i++) {
		f = k->fields[i];
		v = k->values[i];
		used = strlen(buf);
		if (used + 1 >= len)
			return;
		if (field_is_string(f)) {
			if (off + v > k->buflen)
				return;
			if (f != AUDIT_FILTERKEY) {
				name = audit_field_to_name((int)f);
				op = audit_operator_to_symbol((int)k->fieldflags[i]);
				snprintf(buf + used, len - used, " -F %s%s%.*s",
					 name ? name : "?", op ? op : "?",
					 (int)(v > 64 ? 64 : v), k->buf + off);
			}
			off += v;
			continue;
		}
		if (f == AUDIT_ARCH)
			continue;
		name = audit_field_to_name((int)f);
		op = audit_operator_to_symbol((int)k->fieldflags[i]);
		tn = f == AUDIT_MSGTYPE ? audit_msg_type_to_name((int)v) : NULL;
		if (tn)
			snprintf(buf + used, len - used, " -F %s%s%s",
				 name ? name : "?", op ? op : "?", tn);
		else if (f == AUDIT_LOGINUID && v == (uint32_t)NSW_AUID_UNSET)
			snprintf(buf + used, len - used, " -F %s%sunset",
				 name ? name : "?", op ? op : "?");
		else
			snprintf(buf + used, len - used, " -F %s%s%u",
				 name ? name : "?", op ? op : "?", v);
	}
}

static bool ruleset_has_exec(const struct audit_ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->r[i].spec.group == AUDIT_GRP_EXEC)
			return true;
	return false;
}

/* Does exclude rule k drop a record type we need?  Names it in what. */
static bool exclude_hides(const struct audit_ruleset *rs,
			  const struct audit_rule_data *k, char *what,
			  size_t len)
{
	bool exec = ruleset_has_exec(rs);
	size_t t, used;

	for (t = 0; t < ARRAY_SIZE(needed_types); t++) {
		if (needed_types[t].exec_only && !exec)
			continue;
		if (!exclude_may_drop(k, needed_types[t].type))
			continue;
		if (what && len) {
			snprintf(what, len, "exclude");
			describe_fields(k, what, len);
			used = strlen(what);
			if (used < len)
				snprintf(what + used, len - used,
					 " drops %s records",
					 needed_types[t].name);
		}
		return true;
	}
	return false;
}

long audit_ruleset_shadowed_from(const struct audit_ruleset *rs,
				 const struct audit_rule_list *l, size_t from,
				 char *what, size_t len)
{
	const struct audit_rule_data *k, *want;
	size_t i, j, pos, used;
	uint32_t list;

	if (what && len)
		what[0] = '\0';
	for (j = from; j < l->n; j++) {
		k = l->rules[j];
		list = k->flags & ~AUDIT_FILTER_PREPEND;
		if (audit_rule_has_key(k, AUDIT_RULES_KEY))
			continue;
		/* the exclude list drops a record on any matching rule,
		 * whatever its action and position */
		if (list == AUDIT_FILTER_EXCLUDE) {
			if (exclude_hides(rs, k, what, len))
				return (long)j;
			continue;
		}
		if (k->action != AUDIT_NEVER)
			continue;
		if (list == AUDIT_FILTER_TASK) {
			if (what && len) {
				snprintf(what, len, "task,never");
				describe_fields(k, what, len);
			}
			return (long)j;
		}
		if (list != AUDIT_FILTER_EXIT)
			continue;
		for (i = 0; i < rs->n; i++) {
			want = rs->r[i].data;
			/* where the kernel's rule serving ours is; a missing
			 * one (put back at the end) comes after anything */
			for (pos = 0; pos < l->n; pos++)
				if (audit_rule_same(l->rules[pos], want) ||
				    rule_covers(l->rules[pos], want))
					break;
			if (j > pos || !masks_meet(k, want) ||
			    !arch_may_match(k, rule_arch(want)))
				continue;
			if (what && len) {
				snprintf(what, len, "exit,never");
				describe_fields(k, what, len);
				used = strlen(what);
				if (used < len)
					snprintf(what + used, len - used,
						 " before %s %s",
						 rs->r[i].spec.b32 ? "b32" :
						 "b64", rs->r[i].spec.syscalls);
			}
			return (long)j;
		}
	}
	return -1;
}

long audit_ruleset_shadowed(const struct audit_ruleset *rs,
			    const struct audit_rule_list *l, char *what,
			    size_t len)
{
	return audit_ruleset_shadowed_from(rs, l, 0, what, len);
}

void audit_ruleset_free(struct audit_ruleset *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		audit_rule_free_data(rs->r[i].data);
	free(rs);
}

/* ---- stale rules -------------------------------------------------------- */

/*
 * Kernel data for a line of a state file: a rule nswatch wrote, in
 * today's shape or an older one (setns without the exit filters, setns
 * and unshare in one rule, unshare without its a0 filter, ...).  The line
 * is parsed rather than looked up in today's table, so that an nswatch
 * upgraded after a crash still removes what the old one left.  Only our
 * own shape is accepted: `-a always,exit -F arch=b64|b32 -S names`, at
 * most AUDIT_RULE_FIELDS more -F pairs, and `-F key=nswatch` last; the
 * data is built as audit_rule_spec_data() built it when it was added, so
 * the kernel finds the same rule.
 */
struct audit_rule_data *audit_rule_line_data(const char *line)
{
	struct audit_rule_spec spec = { .group = AUDIT_GRP_NS };
	char buf[256], *tok, *save, *words[4 + 2 * (AUDIT_RULE_FIELDS + 1)];
	size_t n = 0, i, f = 0;

	if (!nsw_strlcpy(buf, line, sizeof(buf)))
		return NULL;
	for (tok = strtok_r(buf, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (n == ARRAY_SIZE(words))
			return NULL;
		words[n++] = tok;
	}
	/* -a always,exit -F arch=bNN -S names ... -F key=nswatch */
	if (n < 8 || n % 2 || strcmp(words[0], "-a") ||
	    strcmp(words[1], "always,exit") || strcmp(words[2], "-F") ||
	    strcmp(words[4], "-S") || strcmp(words[n - 2], "-F") ||
	    strcmp(words[n - 1], "key=" AUDIT_RULES_KEY))
		return NULL;
	if (!strcmp(words[3], "arch=b64"))
		spec.b32 = false;
	else if (!strcmp(words[3], "arch=b32"))
		spec.b32 = true;
	else
		return NULL;
	spec.syscalls = words[5];
	for (i = 6; i < n - 2; i += 2) {
		if (strcmp(words[i], "-F") || f == AUDIT_RULE_FIELDS ||
		    !strncmp(words[i + 1], "key=", 4) ||
		    !strncmp(words[i + 1], "arch=", 5))
			return NULL;
		spec.fields[f++] = words[i + 1];
	}
	return audit_rule_spec_data(&spec);
}

/* Remove the rules listed in one state file; 0 or -errno. */
static int cleanup_file(int fd, const char *path, unsigned int *removed)
{
	struct audit_rule_data *d;
	char line[256];
	unsigned long long start = 0;
	long pid = 0;
	size_t len;
	FILE *f;
	int r;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!strncmp(line, "owner ", 6)) {
			if (sscanf(line + 6, "%ld %llu", &pid, &start) != 2)
				pid = 0;
			if (owner_alive(pid, start)) {
				fclose(f);
				return 0;	/* a running nswatch owns them */
			}
			continue;
		}
		if (line[0] != '-')
			continue;
		d = audit_rule_line_data(line);
		if (!d)
			continue;
		ctl_drain(fd);
		r = audit_delete_rule_data(fd, d, AUDIT_FILTER_EXIT,
					   AUDIT_ALWAYS);
		audit_rule_free_data(d);
		if (r >= 0)
			(*removed)++;
		else if (r != -ENOENT) {
			fclose(f);
			return r;
		}
	}
	fclose(f);
	if (!pid)
		return 0;	/* no owner line: not a file we understand */
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int audit_rules_cleanup_stale(int fd, unsigned int *removed)
{
	const char *dir = state_dir();
	char path[PATH_MAX];
	struct dirent *de;
	char *end;
	DIR *d;
	int r, first = 0;

	*removed = 0;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "audit-rules.", 12))
			continue;
		if (strtol(de->d_name + 12, &end, 10) <= 0 || *end)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     de->d_name) >= sizeof(path))
			continue;
		r = cleanup_file(fd, path, removed);
		if (r < 0 && !first)
			first = r;
	}
	closedir(d);
	return first;
}
