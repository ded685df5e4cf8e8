/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "strbuf.h"

#define POLICY_MAX_FILE (1u << 20)

static const enum nsw_severity default_sev[NSW_RULE_COUNT] = {
	[NSW_RULE_NSENTER_IN_CONTAINER] = NSW_SEV_HIGH,
	[NSW_RULE_SETNS_ESCAPE_TO_HOST] = NSW_SEV_CRITICAL,
	[NSW_RULE_SETNS_IN_CONTAINER] = NSW_SEV_MEDIUM,
	[NSW_RULE_UNSHARE_IN_CONTAINER] = NSW_SEV_MEDIUM,
	[NSW_RULE_CONTAINER_IN_HOST_NS] = NSW_SEV_HIGH,
	[NSW_RULE_MONITOR_TAMPER] = NSW_SEV_HIGH,
	[NSW_RULE_KERNEL_MODULE_LOAD] = NSW_SEV_CRITICAL,
	[NSW_RULE_BPF_FROM_CONTAINER] = NSW_SEV_HIGH,
	[NSW_RULE_OPEN_BY_HANDLE] = NSW_SEV_CRITICAL,
};

void policy_init(struct policy *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < NSW_RULE_COUNT; i++) {
		p->rules[i].enabled = true;
		p->rules[i].severity = default_sev[i];
	}
}

unsigned int policy_escape_kill_bits(const struct policy *p)
{
	static const struct { enum nsw_rule rule; unsigned int bit; } k[] = {
		{ NSW_RULE_KERNEL_MODULE_LOAD, POLICY_KILL_MODULE },
		{ NSW_RULE_BPF_FROM_CONTAINER, POLICY_KILL_BPF },
		{ NSW_RULE_OPEN_BY_HANDLE, POLICY_KILL_HANDLE },
	};
	unsigned int bits = 0;
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (p->rules[k[i].rule].enabled &&
		    p->rules[k[i].rule].action == POLICY_ACTION_KILL)
			bits |= k[i].bit;
	return bits;
}

void policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_allow; i++) {
		free(p->allow[i].binary);
		free(p->allow[i].container);
		free(p->allow[i].pod);
		free(p->allow[i].namespace);
		free(p->allow[i].image);
	}
	p->n_allow = 0;
}

bool policy_glob(const char *pat, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			resume = s;
		} else if (*pat == '?' || *pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

static int rule_by_id(const char *id)
{
	int i;

	for (i = 0; i < NSW_RULE_COUNT; i++)
		if (!strcmp(nsw_rule_id(i), id))
			return i;
	return -1;
}

static int severity_by_name(const char *s)
{
	int i;

	for (i = NSW_SEV_LOW; i <= NSW_SEV_CRITICAL; i++)
		if (!strcmp(nsw_severity_name(i), s))
			return i;
	return -1;
}

static int fail(char *err, size_t errlen, unsigned int line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, unsigned int line,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%u: ", line);
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Split "key=value"; returns value or NULL. */
static char *split_kv(char *tok)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

static int parse_rule(struct policy *p, char *save, unsigned int line,
		      char *err, size_t errlen)
{
	char *tok = strtok_r(NULL, " \t", &save), *val;
	struct policy_rule *r;
	int id, v;

	if (!tok)
		return fail(err, errlen, line, "'rule' needs a rule id");
	id = rule_by_id(tok);
	if (id < 0)
		return fail(err, errlen, line, "unknown rule '%s'", tok);
	r = &p->rules[id];
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (!strcmp(tok, "disabled") || !strcmp(tok, "off")) {
			r->enabled = false;
			continue;
		}
		if (!strcmp(tok, "enabled") || !strcmp(tok, "on")) {
			r->enabled = true;
			continue;
		}
		val = split_kv(tok);
		if (!val || !*val)
			return fail(err, errlen, line, "expected key=value, "
				    "enabled or disabled, got '%s'", tok);
		if (!strcmp(tok, "severity")) {
			v = severity_by_name(val);
			if (v < 0)
				return fail(err, errlen, line, "bad severity "
					    "'%s' (low, medium, high, "
					    "critical)", val);
			r->severity = (enum nsw_severity)v;
			r->severity_set = true;
		} else if (!strcmp(tok, "action")) {
			if (!strcmp(val, "alert"))
				r->action = POLICY_ACTION_ALERT;
			else if (!strcmp(val, "kill"))
				r->action = POLICY_ACTION_KILL;
			else
				return fail(err, errlen, line, "bad action "
					    "'%s' (alert, kill)", val);
		} else {
			return fail(err, errlen, line, "unknown key '%s' in "
				    "rule line", tok);
		}
	}
	return 0;
}

static int parse_allow(struct policy *p, char *save, unsigned int line,
		       char *err, size_t errlen)
{
	struct policy_allow a;
	char *tok, *val, **slot;
	bool any = false;

	if (p->n_allow >= POLICY_MAX_ALLOW)
		return fail(err, errlen, line, "more than %d allow lines",
			    POLICY_MAX_ALLOW);
	memset(&a, 0, sizeof(a));
	a.rule = -1;
	a.line = line;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		val = split_kv(tok);
		if (!val || !*val) {
			fail(err, errlen, line, "expected key=value, got '%s'",
			     tok);
			goto bad;
		}
		if (!strcmp(tok, "rule")) {
			if (strcmp(val, "*")) {
				a.rule = rule_by_id(val);
				if (a.rule < 0) {
					fail(err, errlen, line,
					     "unknown rule '%s'", val);
					goto bad;
				}
			}
			continue;
		}
		if (!strcmp(tok, "binary"))
			slot = &a.binary;
		else if (!strcmp(tok, "container"))
			slot = &a.container;
		else if (!strcmp(tok, "pod"))
			slot = &a.pod;
		else if (!strcmp(tok, "namespace"))
			slot = &a.namespace;
		else if (!strcmp(tok, "image"))
			slot = &a.image;
		else {
			fail(err, errlen, line, "unknown key '%s' in allow "
			     "line (rule, binary, container, pod, namespace, "
			     "image)", tok);
			goto bad;
		}
		if (*slot) {
			fail(err, errlen, line, "'%s' given twice", tok);
			goto bad;
		}
		*slot = strdup(val);
		if (!*slot) {
			fail(err, errlen, line, "out of memory");
			goto bad;
		}
		any = true;
	}
	if (!any) {
		fail(err, errlen, line, "allow line matches everything: give "
		     "binary, container, pod, namespace or image");
		goto bad;
	}
	p->allow[p->n_allow++] = a;
	return 0;
bad:
	free(a.binary);
	free(a.container);
	free(a.pod);
	free(a.namespace);
	free(a.image);
	return -EINVAL;
}

static int parse_emit(struct policy *p, char *save, unsigned int line,
		      char *err, size_t errlen)
{
	char *tok, *item, *s2;
	bool any = false;

	p->emit_types = 0;
	p->emit_alerts_only = false;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		for (item = strtok_r(tok, ",", &s2); item;
		     item = strtok_r(NULL, ",", &s2)) {
			if (!strcmp(item, "exec"))
				p->emit_types |= 1u << NSW_EV_EXEC;
			else if (!strcmp(item, "exit"))
				p->emit_types |= 1u << NSW_EV_EXIT;
			else if (!strcmp(item, "kprobe") ||
				 !strcmp(item, "namespace"))
				p->emit_types |= 1u << NSW_EV_KPROBE;
			else if (!strcmp(item, "alerts"))
				p->emit_alerts_only = true;
			else if (!strcmp(item, "all"))
				p->emit_types = 0;
			else
				return fail(err, errlen, line, "unknown event "
					    "type '%s' (exec, exit, kprobe, "
					    "alerts, all)", item);
			any = true;
		}
	}
	if (!any)
		return fail(err, errlen, line, "'emit' needs a list");
	return 0;
}

int policy_parse(struct policy *p, const char *text, size_t len,
		 char *err, size_t errlen)
{
	unsigned int line = 0;
	size_t off = 0;
	char buf[1024];
	int r;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - text - off) : len - off;
		char *save = NULL, *kw, *hash;

		line++;
		if (l >= sizeof(buf))
			return fail(err, errlen, line, "line longer than %zu "
				    "bytes", sizeof(buf) - 1);
		memcpy(buf, text + off, l);
		buf[l] = '\0';
		off += l + 1;
		if (memchr(buf, '\0', l))
			return fail(err, errlen, line, "NUL byte");
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		kw = strtok_r(buf, " \t\r", &save);
		if (!kw)
			continue;
		if (!strcmp(kw, "rule"))
			r = parse_rule(p, save, line, err, errlen);
		else if (!strcmp(kw, "allow"))
			r = parse_allow(p, save, line, err, errlen);
		else if (!strcmp(kw, "emit"))
			r = parse_emit(p, save, line, err, errlen);
		else
			r = fail(err, errlen, line, "unknown keyword '%s' "
				 "(rule, allow, emit)", kw);
		if (r < 0)
			return r;
	}
	return 0;
}

int policy_load(struct policy *p, const char *path, char *err, size_t errlen)
{
	char inner[256];
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	buf = malloc(POLICY_MAX_FILE + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while ((n = read(fd, buf + len, POLICY_MAX_FILE + 1 - len)) > 0)
		len += (size_t)n;
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r == 0 && len > POLICY_MAX_FILE)
		r = -EFBIG;
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		free(buf);
		return r;
	}
	r = policy_parse(p, buf, len, inner, sizeof(inner));
	free(buf);
	if (r < 0)
		snprintf(err, errlen, "%s:%s", path, inner);
	return r;
}

/*
 * Values each field takes, as different from one another as real ones
 * are: a pattern that matches all of them matches (nearly) whatever is
 * there.  A bare star does, and so does a slash and a star for a binary
 * (every path is absolute) or a question mark and a star for a name;
 * a star, a dash and a star does not.
 */
static const char *const binary_samples[] = {
	"/usr/bin/runc", "/a", "/tmp/.x/y z", "/proc/self/fd/3", NULL,
};
static const char *const container_samples[] = {
	"3f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4",
	"a", "web-1", NULL,
};
static const char *const name_samples[] = {
	"a", "kube-system", "node-debugger-x7k2p", "Z9", NULL,
};
static const char *const image_samples[] = {
	"docker.io/library/busybox:latest", "a", "reg:5000/x@sha256:0f", NULL,
};

/* NULL (not given) or a pattern matching every sample: whatever is there */
static bool any_value(const char *pat, const char *const *samples)
{
	if (!pat)
		return true;
	for (; *samples; samples++)
		if (!policy_glob(pat, *samples))
			return false;
	return true;
}

bool policy_allow_too_broad(const struct policy_allow *a, char *buf,
			    size_t len)
{
	bool ctr = a->container || a->pod || a->namespace || a->image;

	if (!any_value(a->binary, binary_samples) ||
	    !any_value(a->container, container_samples) ||
	    !any_value(a->pod, name_samples) ||
	    !any_value(a->namespace, name_samples) ||
	    !any_value(a->image, image_samples))
		return false;
	snprintf(buf, len, "allow line matches every %s: it silences %s%s "
		 "for all of them (to turn a rule off, write `rule RULE "
		 "disabled')", ctr ? "container process" : "process",
		 a->rule < 0 ? "every rule" : "rule ",
		 a->rule < 0 ? "" : nsw_rule_id((enum nsw_rule)a->rule));
	return true;
}

static bool field_match(const char *pat, const char *val)
{
	return !pat || (val && policy_glob(pat, val));
}

static bool allow_match(const struct policy_allow *a, const struct nsw_event *ev,
			int rule)
{
	const struct nsw_process *pr = ev->proc;
	const struct nsw_container *c = pr->ctr;

	if (a->rule >= 0 && a->rule != rule)
		return false;
	if (!field_match(a->binary, pr->binary))
		return false;
	/* the whole id, or a glob written as one (`3f2a*`): a bare prefix
	 * would also match any id a container process gives a cgroup of
	 * its own, and ids of other containers */
	if (a->container && (!c || (!policy_glob(a->container, c->id) &&
				    !policy_glob(a->container, c->name))))
		return false;
	if (!field_match(a->pod, c ? c->pod_name : NULL))
		return false;
	if (!field_match(a->namespace, c ? c->pod_namespace : NULL))
		return false;
	if (!field_match(a->image, c ? c->image : NULL))
		return false;
	return true;
}

bool policy_apply(const struct policy *p, struct nsw_event *ev)
{
	bool kill = false;
	int i, n = 0;
	size_t j;

	for (i = 0; i < ev->n_alerts; i++) {
		struct nsw_alert *a = &ev->alerts[i];
		/* a setns-in-container that may hide an escape (audit read
		 * the namespaces too late to rule it out) answers to the
		 * escape's rule: allow lines, disabling or lowering meant
		 * for routine setns calls (a CNI pod's) must not silence
		 * an escape from the same pod */
		int rule = a->possible_escape ? NSW_RULE_SETNS_ESCAPE_TO_HOST :
						(int)a->rule;
		const struct policy_rule *r = &p->rules[rule];
		bool allowed = false;

		if (!r->enabled)
			continue;
		for (j = 0; j < p->n_allow && !allowed; j++)
			allowed = allow_match(&p->allow[j], ev, rule);
		if (allowed)
			continue;
		if (a->possible_escape)
			a->severity = r->severity;
		else if (r->severity_set)
			a->severity = r->severity;
		if (r->action == POLICY_ACTION_KILL)
			kill = true;
		if (n != i)
			ev->alerts[n] = *a;
		n++;
	}
	ev->n_alerts = n;
	return kill;
}

int policy_dump(const struct policy *p, char *buf, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t j;
	int i;

	for (i = 0; i < NSW_RULE_COUNT; i++)
		strbuf_addf(&sb, "rule %s %s severity=%s action=%s\n",
			    nsw_rule_id(i),
			    p->rules[i].enabled ? "enabled" : "disabled",
			    nsw_severity_name(p->rules[i].severity),
			    p->rules[i].action == POLICY_ACTION_KILL ? "kill" :
								       "alert");
	for (j = 0; j < p->n_allow; j++) {
		const struct policy_allow *a = &p->allow[j];

		strbuf_addf(&sb, "allow rule=%s",
			    a->rule < 0 ? "*" : nsw_rule_id(a->rule));
		if (a->binary)
			strbuf_addf(&sb, " binary=%s", a->binary);
		if (a->container)
			strbuf_addf(&sb, " container=%s", a->container);
		if (a->pod)
			strbuf_addf(&sb, " pod=%s", a->pod);
		if (a->namespace)
			strbuf_addf(&sb, " namespace=%s", a->namespace);
		if (a->image)
			strbuf_addf(&sb, " image=%s", a->image);
		strbuf_addc(&sb, '\n');
	}
	if (p->emit_alerts_only || p->emit_types) {
		strbuf_adds(&sb, "emit");
		if (p->emit_types & (1u << NSW_EV_EXEC))
			strbuf_adds(&sb, " exec");
		if (p->emit_types & (1u << NSW_EV_EXIT))
			strbuf_adds(&sb, " exit");
		if (p->emit_types & (1u << NSW_EV_KPROBE))
			strbuf_adds(&sb, " kprobe");
		if (p->emit_alerts_only)
			strbuf_adds(&sb, " alerts");
		strbuf_addc(&sb, '\n');
	}
	if (sb.overflow || !sb.buf || sb.len >= len) {
		strbuf_release(&sb);
		return -ENOSPC;
	}
	memcpy(buf, sb.buf, sb.len + 1);
	strbuf_release(&sb);
	return 0;
}
