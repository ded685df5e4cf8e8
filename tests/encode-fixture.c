/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reader for the encoder's golden-test input; see encode-fixture.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encode-fixture.h"
#include "strbuf.h"
#include "util.h"

enum section { SEC_NONE, SEC_CTX, SEC_CTR, SEC_PROC, SEC_EVENT, SEC_STATS };

struct parser {
	struct fixture *fx;
	int line;
	char *err;
	size_t errlen;
	enum section sec;
	void *cur;		/* container, process or item */
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "line %d: ", p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Next token of a value: a "C-escaped string" or a bare word.  The result
 * is malloc'd into *out; *sp advances past it.  Returns 1 for a token, 0
 * at the end, or -EINVAL.
 */
static int next_token(struct parser *p, const char **sp, char **out)
{
	const char *s = skip_ws(*sp);
	struct strbuf b = STRBUF_INIT;

	*out = NULL;
	if (!*s)
		return 0;
	if (*s != '"') {
		const char *e = s;

		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (strbuf_add(&b, s, (size_t)(e - s)) < 0)
			return perr(p, "out of memory");
		*sp = e;
		*out = b.buf;
		return 1;
	}
	s++;
	if (strbuf_add(&b, "", 0) < 0)
		return perr(p, "out of memory");
	while (*s && *s != '"') {
		char c = *s++;

		if (c == '\\') {
			int h1, h2;

			c = *s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case 'e': c = 0x1b; break;
			case '\\': case '"': break;
			case 'x':
				h1 = hexval((unsigned char)s[0]);
				h2 = h1 < 0 ? -1 : hexval((unsigned char)s[1]);
				if (h2 < 0 || (h1 | h2) == 0) {
					strbuf_release(&b);
					return perr(p, "bad \\x escape (\\x00 is not allowed)");
				}
				c = (char)(h1 << 4 | h2);
				s += 2;
				break;
			default:
				strbuf_release(&b);
				return perr(p, "unknown escape \\%c", c ? c : '0');
			}
		}
		if (strbuf_addc(&b, c) < 0) {
			strbuf_release(&b);
			return perr(p, "out of memory");
		}
	}
	if (*s != '"') {
		strbuf_release(&b);
		return perr(p, "unterminated string");
	}
	*sp = s + 1;
	*out = b.buf;
	return 1;
}

/* Exactly one token. */
static int one_token(struct parser *p, const char *v, char **out)
{
	char *extra;
	int r = next_token(p, &v, out);

	if (r < 0)
		return r;
	if (r == 0) {
		*out = strdup("");
		return *out ? 0 : perr(p, "out of memory");
	}
	r = next_token(p, &v, &extra);
	free(extra);
	if (r != 0) {
		free(*out);
		*out = NULL;
		return r < 0 ? r : perr(p, "one value expected (quote spaces)");
	}
	return 0;
}

static int set_str(struct parser *p, const char *v, char *dst, size_t n)
{
	char *t;
	int r = one_token(p, v, &t);

	if (r < 0)
		return r;
	if (!nsw_strlcpy(dst, t, n)) {
		free(t);
		return perr(p, "value too long (max %zu)", n - 1);
	}
	free(t);
	return 0;
}

static int set_dup(struct parser *p, const char *v, char **dst)
{
	free(*dst);
	*dst = NULL;
	return one_token(p, v, dst);
}

static int parse_u64(struct parser *p, const char *v, uint64_t *out)
{
	char *end;

	v = skip_ws(v);
	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno || end == v || *skip_ws(end) || *v == '-')
		return perr(p, "bad number '%s'", v);
	return 0;
}

static int parse_u32(struct parser *p, const char *v, uint32_t *out)
{
	uint64_t x;
	int r = parse_u64(p, v, &x);

	if (r < 0)
		return r;
	if (x > UINT32_MAX)
		return perr(p, "number too large");
	*out = (uint32_t)x;
	return 0;
}

static int parse_i32(struct parser *p, const char *v, int32_t *out)
{
	char *end;
	long long x;

	v = skip_ws(v);
	errno = 0;
	x = strtoll(v, &end, 0);
	if (errno || end == v || *skip_ws(end))
		return perr(p, "bad number '%s'", v);
	/* allow 0x80000000..0xffffffff as the int32 bit pattern */
	if (x < INT32_MIN || x > (long long)UINT32_MAX)
		return perr(p, "number out of int32 range");
	*out = (int32_t)(uint32_t)x;
	return 0;
}

static int parse_bool(struct parser *p, const char *v, bool *out)
{
	v = skip_ws(v);
	if (!strcmp(v, "1") || !strcmp(v, "true"))
		*out = true;
	else if (!strcmp(v, "0") || !strcmp(v, "false"))
		*out = false;
	else
		return perr(p, "bad boolean '%s'", v);
	return 0;
}

/* Wall time: integer nanoseconds, or YYYY-MM-DDTHH:MM:SS[.frac]Z. */
static int parse_time(struct parser *p, const char *v, uint64_t *out)
{
	struct tm tm;
	const char *s;
	uint64_t ns = 0;
	int digits = 0;
	time_t t;

	v = skip_ws(v);
	if (!strchr(v, 'T'))
		return parse_u64(p, v, out);
	memset(&tm, 0, sizeof(tm));
	s = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!s)
		return perr(p, "bad time '%s'", v);
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++) {
			if (++digits > 9)
				return perr(p, "more than 9 fractional digits");
			ns = ns * 10 + (uint64_t)(*s - '0');
		}
		for (; digits < 9; digits++)
			ns *= 10;
	}
	if (strcmp(s, "Z"))
		return perr(p, "time must end in Z");
	t = timegm(&tm);
	if (t < 0)
		return perr(p, "time before 1970");
	*out = (uint64_t)t * 1000000000ull + ns;
	return 0;
}

static int ns_slot(const char *name)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++)
		if (!strcmp(name, nsw_ns_name((enum nsw_ns)i)))
			return i;
	return -1;
}

/* "uts:4026531838 mnt:4026531841 ..." */
static int parse_ns_set(struct parser *p, const char *v,
			struct nsw_ns_set *set)
{
	char *tok;
	int r;

	memset(set, 0, sizeof(*set));
	while ((r = next_token(p, &v, &tok)) > 0) {
		char *colon = strchr(tok, ':');
		int slot;

		if (!colon) {
			free(tok);
			return perr(p, "ns entries are name:inum");
		}
		*colon = '\0';
		slot = ns_slot(tok);
		if (slot < 0) {
			r = perr(p, "unknown namespace '%s'", tok);
			free(tok);
			return r;
		}
		r = parse_u32(p, colon + 1, &set->inum[slot]);
		free(tok);
		if (r < 0)
			return r;
	}
	return r;
}

/* CLONE_NEW* mask: a number, or names ("mnt uts"), or "any" (0). */
static int parse_ns_mask(struct parser *p, const char *v, uint32_t *mask)
{
	char *tok;
	int r;

	v = skip_ws(v);
	if (isdigit((unsigned char)*v))
		return parse_u32(p, v, mask);
	*mask = 0;
	while ((r = next_token(p, &v, &tok)) > 0) {
		int slot = ns_slot(tok);

		if (strcmp(tok, "any") && slot < 0) {
			r = perr(p, "unknown namespace '%s'", tok);
			free(tok);
			return r;
		}
		if (slot >= 0)
			*mask |= nsw_ns_clone_flag((enum nsw_ns)slot);
		free(tok);
	}
	return r;
}

static int parse_flags(struct parser *p, const char *v, uint32_t *flags)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "execve", NSW_PF_EXECVE }, { "procFS", NSW_PF_PROCFS },
		{ "truncArgs", NSW_PF_TRUNC_ARGS }, { "miss", NSW_PF_MISS },
		{ "nocwd", NSW_PF_NOCWD }, { "rootcwd", NSW_PF_ROOTCWD },
		{ "clone", NSW_PF_CLONE },
	};
	char *tok;
	int r;

	*flags = 0;
	while ((r = next_token(p, &v, &tok)) > 0) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			r = perr(p, "unknown flag '%s'", tok);
			free(tok);
			return r;
		}
		*flags |= names[i].bit;
		free(tok);
	}
	return r;
}

static void *find_named(char (*names)[FX_NAME], int n, void *base,
			size_t size, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (char *)base + (size_t)i * size;
	return NULL;
}

static struct nsw_process *find_proc(struct parser *p, const char *v)
{
	return find_named(p->fx->proc_name, p->fx->n_proc, p->fx->proc,
			  sizeof(struct nsw_process), v);
}

/* ---- sections ------------------------------------------------------------ */

static int ctx_key(struct parser *p, const char *k, const char *v)
{
	struct fixture *fx = p->fx;

	if (!strcmp(k, "node_name")) {
		fx->ctx.node_name = fx->node_name;
		return set_str(p, v, fx->node_name, sizeof(fx->node_name));
	}
	if (!strcmp(k, "cluster_name")) {
		fx->ctx.cluster_name = fx->cluster_name;
		return set_str(p, v, fx->cluster_name,
			       sizeof(fx->cluster_name));
	}
	if (!strcmp(k, "syscall_prefix")) {
		fx->ctx.syscall_prefix = fx->syscall_prefix;
		return set_str(p, v, fx->syscall_prefix,
			       sizeof(fx->syscall_prefix));
	}
	if (!strcmp(k, "host_ns")) {
		fx->ctx.host_ns = &fx->host_ns;
		return parse_ns_set(p, v, &fx->host_ns);
	}
	if (!strcmp(k, "color"))
		return parse_bool(p, v, &fx->color);
	if (!strcmp(k, "backend"))
		return set_str(p, v, fx->backend, sizeof(fx->backend));
	return perr(p, "unknown ctx key '%s'", k);
}

static int add_label(struct parser *p, struct nsw_container *c,
		     const char *v)
{
	struct nsw_label *nl;
	char *key, *val, *extra;
	int r;

	if ((r = next_token(p, &v, &key)) <= 0)
		return r < 0 ? r : perr(p, "label needs \"key\" \"value\"");
	if ((r = next_token(p, &v, &val)) <= 0) {
		free(key);
		return r < 0 ? r : perr(p, "label needs \"key\" \"value\"");
	}
	if ((r = next_token(p, &v, &extra)) != 0) {
		free(extra);
		free(key);
		free(val);
		return r < 0 ? r : perr(p, "label takes two values");
	}
	nl = realloc(c->labels, (c->n_labels + 1) * sizeof(*nl));
	if (!nl) {
		free(key);
		free(val);
		return perr(p, "out of memory");
	}
	c->labels = nl;
	nl[c->n_labels].key = key;
	nl[c->n_labels].value = val;
	c->n_labels++;
	return 0;
}

static int ctr_key(struct parser *p, const char *k, const char *v)
{
	struct nsw_container *c = p->cur;

#define STR(f) if (!strcmp(k, #f)) return set_str(p, v, c->f, sizeof(c->f))
	STR(id);
	STR(runtime);
	STR(name);
	STR(image);
	STR(image_id);
	STR(pod_name);
	STR(pod_namespace);
	STR(pod_uid);
	STR(workload);
	STR(workload_kind);
#undef STR
	if (!strcmp(k, "start_time"))
		return parse_time(p, v, &c->start_time_ns);
	if (!strcmp(k, "init_pid"))
		return parse_u32(p, v, &c->init_pid);
	if (!strcmp(k, "privileged"))
		return parse_bool(p, v, &c->privileged);
	if (!strcmp(k, "label"))
		return add_label(p, c, v);
	return perr(p, "unknown container key '%s'", k);
}

static int proc_key(struct parser *p, const char *k, const char *v)
{
	struct nsw_process *pr = p->cur;
	char *name;
	int r;

#define U32(f) if (!strcmp(k, #f)) return parse_u32(p, v, &pr->f)
	U32(pid);
	U32(tid);
	U32(ppid);
	U32(uid);
	U32(auid);
	U32(container_pid);
#undef U32
	if (!strcmp(k, "ktime"))
		return parse_u64(p, v, &pr->ktime);
	if (!strcmp(k, "parent_ktime"))
		return parse_u64(p, v, &pr->parent_ktime);
	if (!strcmp(k, "start_time"))
		return parse_time(p, v, &pr->start_time_ns);
	if (!strcmp(k, "binary"))
		return set_dup(p, v, &pr->binary);
	if (!strcmp(k, "arguments"))
		return set_dup(p, v, &pr->arguments);
	if (!strcmp(k, "cwd"))
		return set_dup(p, v, &pr->cwd);
	if (!strcmp(k, "flags"))
		return parse_flags(p, v, &pr->flags);
	if (!strcmp(k, "cap_permitted")) {
		pr->caps_known = true;
		return parse_u64(p, v, &pr->cap_permitted);
	}
	if (!strcmp(k, "cap_effective")) {
		pr->caps_known = true;
		return parse_u64(p, v, &pr->cap_effective);
	}
	if (!strcmp(k, "ns")) {
		pr->ns_known = true;
		return parse_ns_set(p, v, &pr->ns);
	}
	if (!strcmp(k, "in_init_tree"))
		return parse_bool(p, v, &pr->in_init_tree);
	if (!strcmp(k, "ctr")) {
		if ((r = one_token(p, v, &name)) < 0)
			return r;
		pr->ctr = find_named(p->fx->ctr_name, p->fx->n_ctr,
				     p->fx->ctr, sizeof(struct nsw_container),
				     name);
		r = pr->ctr ? 0 : perr(p, "no container '%s'", name);
		free(name);
		return r;
	}
	return perr(p, "unknown process key '%s'", k);
}

static int lookup_enum(const char *v, const char *(*fn)(int), int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, fn(i)))
			return i;
	return -1;
}

static const char *sc_name(int i) { return nsw_syscall_name((enum nsw_syscall)i); }
static const char *verdict_name(int i) { return nsw_verdict_name((enum nsw_verdict)i); }
static const char *sev_name(int i) { return nsw_severity_name((enum nsw_severity)i); }
static const char *rule_name(int i) { return nsw_rule_id((enum nsw_rule)i); }

static int add_alert(struct parser *p, struct nsw_event *ev, const char *v)
{
	char *rule = NULL, *sev = NULL, *msg = NULL;
	struct nsw_alert *a;
	int r, ri, si;

	if (ev->n_alerts >= NSW_MAX_ALERTS)
		return perr(p, "too many alerts");
	if ((r = next_token(p, &v, &rule)) <= 0 ||
	    (r = next_token(p, &v, &sev)) <= 0) {
		r = r < 0 ? r : perr(p, "alert = RULE SEVERITY \"message\"");
		goto out;
	}
	r = next_token(p, &v, &msg);
	if (r < 0)
		goto out;
	ri = lookup_enum(rule, rule_name, NSW_RULE_COUNT);
	si = lookup_enum(sev, sev_name, NSW_SEV_CRITICAL + 1);
	if (ri < 0 || si < 0) {
		r = perr(p, "unknown rule or severity");
		goto out;
	}
	a = &ev->alerts[ev->n_alerts++];
	a->rule = (enum nsw_rule)ri;
	a->severity = (enum nsw_severity)si;
	if (msg && !nsw_strlcpy(a->message, msg, sizeof(a->message))) {
		r = perr(p, "alert message too long");
		goto out;
	}
	r = 0;
out:
	free(rule);
	free(sev);
	free(msg);
	return r;
}

/* ns_change = SLOT FROM TO host|nothost */
static int add_ns_change(struct parser *p, struct nsw_event *ev,
			 const char *v)
{
	char *tok[4] = { NULL, NULL, NULL, NULL }, *extra = NULL;
	struct nsw_ns_change *c;
	int i, r = 0, slot;

	for (i = 0; i < 4; i++) {
		if ((r = next_token(p, &v, &tok[i])) <= 0) {
			r = r < 0 ? r :
			    perr(p, "ns_change = SLOT FROM TO host|nothost");
			goto out;
		}
	}
	if ((r = next_token(p, &v, &extra)) != 0) {
		r = r < 0 ? r : perr(p, "ns_change takes four values");
		goto out;
	}
	slot = ns_slot(tok[0]);
	if (slot < 0) {
		r = perr(p, "unknown namespace '%s'", tok[0]);
		goto out;
	}
	c = &ev->ns_change[slot];
	c->changed = true;
	if ((r = parse_u32(p, tok[1], &c->from)) < 0 ||
	    (r = parse_u32(p, tok[2], &c->to)) < 0)
		goto out;
	if (!strcmp(tok[3], "host"))
		c->to_is_host = true;
	else if (strcmp(tok[3], "nothost"))
		r = perr(p, "expected host or nothost");
out:
	for (i = 0; i < 4; i++)
		free(tok[i]);
	free(extra);
	return r;
}

static int event_key(struct parser *p, const char *k, const char *v)
{
	struct fixture *fx = p->fx;
	struct fx_item *it = p->cur;
	int idx = (int)(it - fx->item);
	struct nsw_event *ev = &it->ev;
	char *tok;
	int r, e;

	if (!strcmp(k, "type")) {
		v = skip_ws(v);
		if (!strcmp(v, "exec"))
			ev->type = NSW_EV_EXEC;
		else if (!strcmp(v, "exit"))
			ev->type = NSW_EV_EXIT;
		else if (!strcmp(v, "kprobe"))
			ev->type = NSW_EV_KPROBE;
		else if (!strcmp(v, "throttle"))
			ev->type = NSW_EV_THROTTLE;
		else
			return perr(p, "type is exec, exit, kprobe or "
				    "throttle");
		return 0;
	}
	if (!strcmp(k, "agg.calls") || !strcmp(k, "agg.failed")) {
		uint64_t *dst = k[4] == 'c' ? it->agg.calls : it->agg.failed;

		ev->agg = &it->agg;
		for (e = 0; e < NSW_AGG_COUNT; e++) {
			if ((r = next_token(p, &v, &tok)) <= 0)
				return r < 0 ? r : perr(p, "three counts");
			r = parse_u64(p, tok, &dst[e]);
			free(tok);
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (!strcmp(k, "agg.dropped")) {
		ev->agg = &it->agg;
		return parse_u64(p, v, &it->agg.dropped);
	}
	if (!strcmp(k, "agg.interval_ms")) {
		ev->agg = &it->agg;
		return parse_u32(p, v, &it->agg.interval_ms);
	}
	if (!strcmp(k, "agg.mnt_ns")) {
		ev->agg = &it->agg;
		return parse_u32(p, v, &it->agg.mnt_ns);
	}
	if (!strcmp(k, "cgroup")) {
		ev->cgroup = it->cgroup;
		return set_str(p, v, it->cgroup, sizeof(it->cgroup));
	}
	if (!strcmp(k, "flags_unknown"))
		return parse_bool(p, v, &ev->flags_unknown);
	if (!strcmp(k, "time"))
		return parse_time(p, v, &ev->time_ns);
	if (!strcmp(k, "proc") || !strcmp(k, "parent")) {
		struct nsw_process *pr;

		if ((r = one_token(p, v, &tok)) < 0)
			return r;
		pr = find_proc(p, tok);
		r = pr ? 0 : perr(p, "no process '%s'", tok);
		free(tok);
		if (k[1] == 'r' && k[2] == 'o')
			ev->proc = pr;
		else
			ev->parent = pr;
		return r;
	}
	if (!strcmp(k, "ancestors")) {
		ev->n_ancestors = 0;
		ev->ancestors = it->anc;
		while ((r = next_token(p, &v, &tok)) > 0) {
			struct nsw_process *pr = find_proc(p, tok);

			if (!pr || ev->n_ancestors >= FX_MAX_ANC) {
				r = perr(p, "bad ancestor '%s'", tok);
				free(tok);
				return r;
			}
			it->anc[ev->n_ancestors++] = pr;
			free(tok);
		}
		return r;
	}
	if (!strcmp(k, "signal")) {
		ev->signal = fx->signal[idx];
		return set_str(p, v, fx->signal[idx], sizeof(fx->signal[idx]));
	}
	if (!strcmp(k, "status"))
		return parse_u32(p, v, &ev->status);
	if (!strcmp(k, "syscall")) {
		e = lookup_enum(skip_ws(v), sc_name, NSW_SC_OPEN_BY_HANDLE_AT + 1);
		if (e <= 0)
			return perr(p, "unknown syscall '%s'", v);
		ev->syscall = (enum nsw_syscall)e;
		return 0;
	}
	if (!strcmp(k, "args")) {
		ev->nargs = 0;
		while ((r = next_token(p, &v, &tok)) > 0) {
			if (ev->nargs >= (int)ARRAY_SIZE(ev->args)) {
				free(tok);
				return perr(p, "too many args");
			}
			r = parse_i32(p, tok, &ev->args[ev->nargs++]);
			free(tok);
			if (r < 0)
				return r;
		}
		return r;
	}
	if (!strcmp(k, "ret")) {
		ev->ret_known = true;
		return parse_i32(p, v, &ev->ret);
	}
	if (!strcmp(k, "action") || !strcmp(k, "return_action")) {
		enum nsw_action *a = k[0] == 'a' ? &ev->action :
						   &ev->return_action;

		v = skip_ws(v);
		if (!strcmp(v, "POST"))
			*a = NSW_ACTION_POST;
		else if (!strcmp(v, "SIGKILL"))
			*a = NSW_ACTION_SIGKILL;
		else
			return perr(p, "action is POST or SIGKILL");
		return 0;
	}
	if (!strcmp(k, "clone_flags"))
		return parse_u64(p, v, &ev->clone_flags);
	if (!strcmp(k, "backend")) {
		ev->backend = fx->ev_backend[idx];
		return set_str(p, v, fx->ev_backend[idx],
			       sizeof(fx->ev_backend[idx]));
	}
	if (!strcmp(k, "success")) {
		ev->success_known = true;
		return parse_bool(p, v, &ev->success);
	}
	if (!strcmp(k, "ns_types")) {
		ev->ns_types_known = true;
		return parse_ns_mask(p, v, &ev->ns_types);
	}
	if (!strcmp(k, "ns_change"))
		return add_ns_change(p, ev, v);
	if (!strcmp(k, "verdict")) {
		e = lookup_enum(skip_ws(v), verdict_name,
				NSW_VERDICT_UNKNOWN + 1);
		if (e <= 0)
			return perr(p, "unknown verdict '%s'", v);
		ev->verdict = (enum nsw_verdict)e;
		return 0;
	}
	if (!strcmp(k, "container_process"))
		return parse_bool(p, v, &ev->container_process);
	if (!strcmp(k, "alert"))
		return add_alert(p, ev, v);
	if (!strcmp(k, "enforced")) {
		ev->enforced = fx->enforced[idx];
		return set_str(p, v, fx->enforced[idx],
			       sizeof(fx->enforced[idx]));
	}
	return perr(p, "unknown event key '%s'", k);
}

static int stats_key(struct parser *p, const char *k, const char *v)
{
	struct fx_item *it = p->cur;
	struct nsw_stats *st = &it->st;
	int i;

	if (!strcmp(k, "time"))
		return parse_time(p, v, &it->stats_time);
	if (!strncmp(k, "events.", 7)) {
		static const char *const names[NSW_EV_TYPE_COUNT] = {
			"exec", "exit", "kprobe", "throttle",
		};

		for (i = 0; i < NSW_EV_TYPE_COUNT; i++)
			if (!strcmp(k + 7, names[i]))
				return parse_u64(p, v, &st->events[i]);
		return perr(p, "events.exec|exit|kprobe|throttle");
	}
	if (!strncmp(k, "alerts.", 7)) {
		i = lookup_enum(k + 7, rule_name, NSW_RULE_COUNT);
		if (i < 0)
			return perr(p, "unknown rule '%s'", k + 7);
		return parse_u64(p, v, &st->alerts[i]);
	}
#define U64(f) if (!strcmp(k, #f)) return parse_u64(p, v, &st->f)
	U64(kernel_lost);
	U64(ringbuf_drops);
	U64(held);
	U64(seq_gaps);
	U64(parse_errors);
	U64(output_errors);
	U64(output_queue);
	U64(filtered);
	U64(raw_events);
	U64(proc_misses);
	U64(log_lost);
	U64(tab_processes);
	U64(tab_pending);
	U64(tab_memo_bytes);
	U64(tab_memo_full);
#undef U64
	return perr(p, "unknown stats key '%s'", k);
}

static int section(struct parser *p, char *hdr)
{
	struct fixture *fx = p->fx;
	char *name = strchr(hdr, ' ');
	char *close = strchr(hdr, ']');

	if (!close || close[1])
		return perr(p, "bad section header");
	*close = '\0';
	if (name) {
		*name++ = '\0';
		name = (char *)skip_ws(name);
	}
	if (!strcmp(hdr, "ctx")) {
		p->sec = SEC_CTX;
	} else if (!strcmp(hdr, "container") || !strcmp(hdr, "process")) {
		bool ctr = hdr[0] == 'c';
		int *n = ctr ? &fx->n_ctr : &fx->n_proc;
		char(*names)[FX_NAME] = ctr ? fx->ctr_name : fx->proc_name;

		if (!name || !*name)
			return perr(p, "[%s NAME] needs a name", hdr);
		if (*n >= (ctr ? FX_MAX_CTR : FX_MAX_PROC))
			return perr(p, "too many %s sections", hdr);
		if (!nsw_strlcpy(names[*n], name, FX_NAME))
			return perr(p, "name too long");
		if (ctr) {
			p->cur = &fx->ctr[*n];
			p->sec = SEC_CTR;
		} else {
			p->cur = &fx->proc[*n];
			fx->proc[*n].auid = 4294967295u;
			p->sec = SEC_PROC;
		}
		(*n)++;
	} else if (!strcmp(hdr, "event") || !strcmp(hdr, "stats")) {
		struct fx_item *it;

		if (fx->n_item >= FX_MAX_ITEMS)
			return perr(p, "too many items");
		it = &fx->item[fx->n_item++];
		it->is_stats = hdr[0] == 's';
		it->ev.backend = fx->backend[0] ? fx->backend : NULL;
		p->cur = it;
		p->sec = it->is_stats ? SEC_STATS : SEC_EVENT;
	} else {
		return perr(p, "unknown section [%s]", hdr);
	}
	return 0;
}

int fixture_parse(const char *text, size_t len, struct fixture *fx,
		  char *err, size_t errlen)
{
	struct parser p = { .fx = fx, .err = err, .errlen = errlen };
	const char *s = text, *end = text + len;
	char line[4096];
	int r, i;

	memset(fx, 0, sizeof(*fx));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *k, *v, *eq;

		p.line++;
		if (n >= sizeof(line))
			return perr(&p, "line too long");
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + 1;
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
			     line[n - 1] == '\r'))
			line[--n] = '\0';
		k = (char *)skip_ws(line);
		if (!*k || *k == '#')
			continue;
		if (*k == '[') {
			if ((r = section(&p, k + 1)) < 0)
				return r;
			continue;
		}
		eq = strchr(k, '=');
		if (!eq)
			return perr(&p, "expected key = value");
		v = eq + 1;
		while (eq > k && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		switch (p.sec) {
		case SEC_CTX: r = ctx_key(&p, k, v); break;
		case SEC_CTR: r = ctr_key(&p, k, v); break;
		case SEC_PROC: r = proc_key(&p, k, v); break;
		case SEC_EVENT: r = event_key(&p, k, v); break;
		case SEC_STATS: r = stats_key(&p, k, v); break;
		default: r = perr(&p, "key outside a section");
		}
		if (r < 0)
			return r;
	}
	for (i = 0; i < fx->n_item; i++)
		if (!fx->item[i].is_stats && !fx->item[i].ev.proc) {
			p.line = 0;
			return perr(&p, "event %d has no proc", i + 1);
		}
	return 0;
}

void fixture_free(struct fixture *fx)
{
	int i;
	size_t j;

	for (i = 0; i < fx->n_proc; i++) {
		free(fx->proc[i].binary);
		free(fx->proc[i].arguments);
		free(fx->proc[i].cwd);
	}
	for (i = 0; i < fx->n_ctr; i++) {
		for (j = 0; j < fx->ctr[i].n_labels; j++) {
			free(fx->ctr[i].labels[j].key);
			free(fx->ctr[i].labels[j].value);
		}
		free(fx->ctr[i].labels);
	}
	memset(fx, 0, sizeof(*fx));
}
