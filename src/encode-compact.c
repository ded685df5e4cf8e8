/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The compact, human format (`--format compact`), modelled on
 * `tetra getevents -o compact` (pkg/encoder in cilium/tetragon):
 *
 *   🚀 process <src> <binary> <arguments>
 *   💥 exit    <src> <binary> <arguments> <signal or status>
 *   🔧 setns   <src> <binary> <nstype>          (Tetragon's PrintNS)
 *   🔧 unshare <src> <binary> <ns,names>        (ours; also clone, clone3)
 *   ❓ syscall <src> <binary> <function_name>   (any other kprobe)
 *   🚨 ALERT   <severity> <rule> <src> <ctr12> <namespaces> <message>
 *
 * <src> is "<pod namespace>/<pod name>" for a process in a named pod,
 * else the node name.  Source, binary and (when it holds non-printable
 * characters) the argument string are wrapped in Go strconv.Quote style,
 * as tetra does since 2026-07, so a hostile argv can neither forge a line
 * nor smuggle terminal escapes.  The capability trailer (`🛑
 * CAP_SYS_ADMIN` at column 120) is written when CAP_SYS_ADMIN is in the
 * effective set; tetra's version tests list indices instead and its
 * coloured trailer pads every line, neither of which we copy.
 *
 * Alert lines (ours): one per alert, after the event line.  <ctr12> is
 * the first 12 characters of the container id or "-"; <namespaces> lists
 * the namespaces that changed as name=host or name=<new inode>, else the
 * requested ns_types ("any" for setns nstype 0), else "-".  The message
 * is last so it may contain spaces.
 *
 * Pure: no I/O, no logging.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "encode-compact.h"
#include "util.h"

#define C_RED "31"
#define C_GREEN "32"
#define C_BLUE "34"
#define C_MAGENTA "35"
#define C_CYAN "36"

#define CAP_SYS_ADMIN_BIT 21
#define CAPS_PAD 120

/*
 * Go's unicode.IsPrint without its tables: ASCII exactly, and for the
 * rest every code point except the classes that matter for display
 * safety: C1 controls, non-ASCII spaces and line/paragraph separators,
 * format characters (bidi overrides, zero-width characters, BOM, tags),
 * private use and non-characters.  Unassigned code points count as
 * printable here; Go would escape them.
 */
static bool rune_is_print(uint32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7f;
	if (r <= 0xa0 || r == 0xad)
		return false;
	if ((r >= 0x600 && r <= 0x605) || r == 0x61c || r == 0x6dd ||
	    r == 0x70f || r == 0x8e2 || r == 0x1680 || r == 0x180e)
		return false;
	if ((r >= 0x2000 && r <= 0x200f) || (r >= 0x2028 && r <= 0x202f) ||
	    (r >= 0x205f && r <= 0x206f) || r == 0x3000)
		return false;
	if ((r >= 0xe000 && r <= 0xf8ff) || (r >= 0xfdd0 && r <= 0xfdef) ||
	    r == 0xfeff || (r >= 0xfff0 && r <= 0xfffb))
		return false;
	if ((r & 0xfffe) == 0xfffe)
		return false;
	if (r == 0x110bd || r == 0x110cd || (r >= 0x13430 && r <= 0x1343f) ||
	    (r >= 0x1bca0 && r <= 0x1bca3) || (r >= 0x1d173 && r <= 0x1d17a))
		return false;
	if (r >= 0xe0000 && r <= 0xe0fff)
		return r >= 0xe0100 && r <= 0xe01ef;
	if (r >= 0xf0000)
		return false;
	return true;
}

/* Whether s needs quoting: invalid UTF-8 or a non-printable rune, and
 * with `space` also an ASCII space. */
static bool needs_quote(const char *s, size_t n, bool space)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t r;
		size_t l = strbuf_utf8_decode(p + i, n - i, &r);

		if (!l || !rune_is_print(r) || (space && r == ' '))
			return true;
		i += l;
	}
	return false;
}

/* Stays apart from strbuf_add_json_str(): Go's quoting escapes other
 * runes, and in other ways (\a, \v, \xNN, \U), than JSON does. */
int encode_go_quote(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int r = strbuf_addc(sb, '"');

	while (!r && i < n) {
		char esc[12];
		uint32_t cp;
		size_t l = strbuf_utf8_decode(p + i, n - i, &cp);

		if (!l) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[p[i] >> 4];
			esc[3] = hex[p[i] & 15];
			r = strbuf_add(sb, esc, 4);
			i++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			r = strbuf_add(sb, esc, 2);
		} else if (rune_is_print(cp)) {
			r = strbuf_add(sb, p + i, l);
		} else {
			switch (cp) {
			case '\a': r = strbuf_add(sb, "\\a", 2); break;
			case '\b': r = strbuf_add(sb, "\\b", 2); break;
			case '\f': r = strbuf_add(sb, "\\f", 2); break;
			case '\n': r = strbuf_add(sb, "\\n", 2); break;
			case '\r': r = strbuf_add(sb, "\\r", 2); break;
			case '\t': r = strbuf_add(sb, "\\t", 2); break;
			case '\v': r = strbuf_add(sb, "\\v", 2); break;
			default:
				if (cp < 0x20 || cp == 0x7f)
					snprintf(esc, sizeof(esc), "\\x%02x", cp);
				else if (cp < 0x10000)
					snprintf(esc, sizeof(esc), "\\u%04x", cp);
				else
					snprintf(esc, sizeof(esc), "\\U%08x", cp);
				r = strbuf_adds(sb, esc);
			}
		}
		i += l;
	}
	if (!r)
		r = strbuf_addc(sb, '"');
	return r;
}

const char *encode_print_ns(int32_t nstype)
{
	switch ((uint32_t)nstype) {
	case 0: return "any";
	case NSW_CLONE_NEWCGROUP: return "cgroup";
	case NSW_CLONE_NEWIPC: return "ipc";
	case NSW_CLONE_NEWNET: return "net";
	case NSW_CLONE_NEWNS: return "mnt";
	case NSW_CLONE_NEWPID: return "pid";
	case NSW_CLONE_NEWTIME: return "time";
	case NSW_CLONE_NEWUSER: return "user";
	case NSW_CLONE_NEWUTS: return "uts";
	default: return "";
	}
}

/* ---- line building ------------------------------------------------------- */

struct cw {
	struct strbuf_w o;	/* the line, its first error */
	bool color;
};

static void cw_on(struct cw *w, const char *c)
{
	if (!w->color || !c)
		return;
	sbw_add(&w->o, "\x1b[", 2);
	sbw_adds(&w->o, c);
	sbw_add(&w->o, "m", 1);
}

static void cw_off(struct cw *w, const char *c)
{
	if (w->color && c)
		sbw_add(&w->o, "\x1b[0m", 4);
}

/* A coloured field; quoted Go-style when it needs it. */
static void cw_field(struct cw *w, const char *c, const char *s, size_t n,
		     bool quote_spaces)
{
	cw_on(w, c);
	if (needs_quote(s, n, quote_spaces)) {
		if (!w->o.err)
			sbw_check(&w->o, encode_go_quote(w->o.sb, s, n));
	} else {
		sbw_add(&w->o, s, n);
	}
	cw_off(w, c);
}

static void cw_fields(struct cw *w, const char *c, const char *s,
		      bool quote_spaces)
{
	s = s ? s : "";
	cw_field(w, c, s, strlen(s), quote_spaces);
}

/* "🚀 process" etc.: emoji, space, name padded to 7 like Go's %-7s. */
static void cw_label(struct cw *w, const char *c, const char *emoji,
		     const char *name)
{
	size_t l = strlen(name);

	cw_on(w, c);
	sbw_adds(&w->o, emoji);
	sbw_add(&w->o, " ", 1);
	sbw_adds(&w->o, name);
	while (l++ < 7)
		sbw_add(&w->o, " ", 1);
	cw_off(w, c);
}

/* <src> text: pod namespace/name, else the node name. */
static void source_text(struct strbuf *src, const struct encode_ctx *ctx,
			const struct nsw_process *p, struct cw *w)
{
	if (p->ctr && p->ctr->pod_name[0]) {
		sbw_check(&w->o, strbuf_adds(src, p->ctr->pod_namespace));
		sbw_check(&w->o, strbuf_addc(src, '/'));
		sbw_check(&w->o, strbuf_adds(src, p->ctr->pod_name));
	} else if (ctx->node_name) {
		sbw_check(&w->o, strbuf_adds(src, ctx->node_name));
	}
}

static void cw_source(struct cw *w, const struct strbuf *src)
{
	cw_field(w, C_GREEN, src->buf ? src->buf : "", src->len, true);
}

/* Namespace names of a CLONE_NEW* mask, comma separated, in the same
 * order as the JSON ns_types. */
static void ns_names(struct strbuf *out, uint32_t mask, struct cw *w)
{
	size_t i;

	for (i = 0; i < ENCODE_NS_TYPES; i++) {
		if (!(mask & encode_ns_types[i].flag))
			continue;
		if (out->len)
			sbw_check(&w->o, strbuf_addc(out, ','));
		sbw_check(&w->o, strbuf_adds(out, encode_ns_types[i].name));
	}
}

/* Detail of a kprobe line and its label. */
static void kprobe_detail(struct strbuf *d, const char **emoji,
			  const char **label, const struct encode_ctx *ctx,
			  const struct nsw_event *ev, struct cw *w)
{
	uint32_t flags;

	*emoji = "🔧";
	switch (ev->syscall) {
	case NSW_SC_SETNS:
		*label = "setns";
		if (ev->nargs > 1)
			sbw_check(&w->o, strbuf_adds(d, encode_print_ns(ev->args[1])));
		return;
	case NSW_SC_UNSHARE:
	case NSW_SC_CLONE:
	case NSW_SC_CLONE3:
		*label = nsw_syscall_name(ev->syscall);
		flags = ev->nargs > 0 ? (uint32_t)ev->args[0] : 0;
		if (ev->syscall != NSW_SC_UNSHARE && ev->clone_flags)
			flags = (uint32_t)ev->clone_flags;
		ns_names(d, flags, w);
		return;
	default:
		break;
	}
	*emoji = "❓";
	*label = "syscall";
	sbw_check(&w->o, strbuf_adds(d, ctx->syscall_prefix ? ctx->syscall_prefix :
						       encode_syscall_prefix()));
	sbw_check(&w->o, strbuf_adds(d, nsw_syscall_name(ev->syscall)));
}

/* tetra's CapTrailorPrinter: pad the line (byte length, escapes
 * included) to column 120, then the trailer. */
static void cw_cap_trailer(struct cw *w, size_t line_start,
			   const struct nsw_process *p)
{
	static const char caps[] = "🛑 CAP_SYS_ADMIN";
	size_t len, trailer, pad;

	if (!p->caps_known ||
	    !(p->cap_effective & (1ull << CAP_SYS_ADMIN_BIT)))
		return;
	if (w->o.err)
		return;
	len = w->o.sb->len - line_start;
	trailer = sizeof(caps) - 1 + (w->color ? 9 : 0);
	pad = len < CAPS_PAD ? CAPS_PAD - len : 0;
	sbw_add(&w->o, " ", 1);
	while (pad-- > trailer)
		sbw_add(&w->o, " ", 1);
	cw_on(w, C_MAGENTA);
	sbw_add(&w->o, caps, sizeof(caps) - 1);
	cw_off(w, C_MAGENTA);
}

static void alert_namespaces(struct strbuf *out, const struct nsw_event *ev,
			     struct cw *w)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++) {
		const struct nsw_ns_change *c = &ev->ns_change[i];

		if (!c->changed)
			continue;
		if (out->len)
			sbw_check(&w->o, strbuf_addc(out, ','));
		sbw_check(&w->o, strbuf_adds(out, nsw_ns_name((enum nsw_ns)i)));
		if (c->to_is_host)
			sbw_check(&w->o, strbuf_adds(out, "=host"));
		else
			sbw_check(&w->o, strbuf_addf(out, "=%u", c->to));
	}
	if (!out->len && ev->ns_types_known) {
		if (ev->ns_types & NSW_CLONE_NS_MASK)
			ns_names(out, ev->ns_types, w);
		else if (!ev->ns_types)
			sbw_check(&w->o, strbuf_adds(out, "any"));
	}
	if (!out->len)
		sbw_check(&w->o, strbuf_addc(out, '-'));
}

static void cw_alerts(struct cw *w, const struct nsw_event *ev,
		      const struct strbuf *src)
{
	const struct nsw_container *c = ev->proc->ctr;
	struct strbuf ns = STRBUF_INIT;
	int i, n = ev->n_alerts;

	if (n > NSW_MAX_ALERTS)
		n = NSW_MAX_ALERTS;
	if (n <= 0)
		return;
	alert_namespaces(&ns, ev, w);
	for (i = 0; i < n; i++) {
		const struct nsw_alert *a = &ev->alerts[i];

		cw_label(w, C_RED, "🚨", "ALERT");
		sbw_add(&w->o, " ", 1);
		cw_on(w, C_RED);
		sbw_adds(&w->o, nsw_severity_name(a->severity));
		sbw_add(&w->o, " ", 1);
		sbw_adds(&w->o, nsw_rule_id(a->rule));
		cw_off(w, C_RED);
		sbw_add(&w->o, " ", 1);
		cw_source(w, src);
		sbw_add(&w->o, " ", 1);
		if (c && c->id[0])
			cw_field(w, C_CYAN, c->id, strnlen(c->id, 12), true);
		else
			cw_field(w, C_CYAN, "-", 1, false);
		sbw_add(&w->o, " ", 1);
		cw_field(w, C_CYAN, ns.buf ? ns.buf : "-", ns.len ? ns.len : 1,
			 true);
		sbw_add(&w->o, " ", 1);
		cw_field(w, NULL, a->message,
			 strnlen(a->message, sizeof(a->message)), false);
		sbw_add(&w->o, "\n", 1);
	}
	strbuf_release(&ns);
}

/* "setns=N/F unshare=N/F clone=N/F dropped=D" (calls/failed). */
static void throttle_detail(struct strbuf *out, const struct nsw_aggregate *a,
			    struct cw *w)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "setns=%llu/%llu unshare=%llu/%llu "
		 "clone=%llu/%llu dropped=%llu",
		 (unsigned long long)a->calls[NSW_AGG_SETNS],
		 (unsigned long long)a->failed[NSW_AGG_SETNS],
		 (unsigned long long)a->calls[NSW_AGG_UNSHARE],
		 (unsigned long long)a->failed[NSW_AGG_UNSHARE],
		 (unsigned long long)a->calls[NSW_AGG_CLONE],
		 (unsigned long long)a->failed[NSW_AGG_CLONE],
		 (unsigned long long)a->dropped);
	if (strbuf_adds(out, buf) < 0)
		w->o.err = -ENOMEM;
}

int encode_compact_event(struct strbuf *sb, const struct encode_ctx *ctx,
			 const struct nsw_event *ev, bool color)
{
	struct cw w = { .o.sb = sb, .color = color };
	struct strbuf src = STRBUF_INIT, detail = STRBUF_INIT;
	size_t start = sb->len;
	bool overflow_before = sb->overflow;
	const struct nsw_process *p;
	const char *emoji, *label;
	char status[16];

	if (!ctx || !ev || !ev->proc)
		return -EINVAL;
	if (sb->overflow)
		return -E2BIG;
	p = ev->proc;
	source_text(&src, ctx, p, &w);

	switch (ev->type) {
	case NSW_EV_EXEC:
		cw_label(&w, C_BLUE, "🚀", "process");
		break;
	case NSW_EV_EXIT:
		cw_label(&w, C_BLUE, "💥", "exit");
		break;
	case NSW_EV_KPROBE:
		kprobe_detail(&detail, &emoji, &label, ctx, ev, &w);
		cw_label(&w, C_BLUE, emoji, label);
		break;
	case NSW_EV_THROTTLE:
		if (!ev->agg) {
			w.o.err = -EINVAL;
			goto out;
		}
		throttle_detail(&detail, ev->agg, &w);
		cw_label(&w, C_BLUE, "🚦", "throttle");
		break;
	default:
		w.o.err = -EINVAL;
		goto out;
	}
	sbw_add(&w.o, " ", 1);
	cw_source(&w, &src);
	sbw_add(&w.o, " ", 1);
	cw_fields(&w, C_MAGENTA, p->binary, true);
	sbw_add(&w.o, " ", 1);
	if (ev->type == NSW_EV_KPROBE || ev->type == NSW_EV_THROTTLE) {
		cw_field(&w, C_CYAN, detail.buf ? detail.buf : "", detail.len,
			 false);
	} else {
		cw_fields(&w, C_CYAN, p->arguments, false);
	}
	if (ev->type == NSW_EV_EXIT) {
		sbw_add(&w.o, " ", 1);
		if (ev->signal && ev->signal[0]) {
			cw_fields(&w, C_RED, ev->signal, true);
		} else {
			snprintf(status, sizeof(status), "%u", ev->status);
			cw_fields(&w, C_RED, status, false);
		}
	}
	cw_cap_trailer(&w, start, p);
	sbw_add(&w.o, "\n", 1);
	cw_alerts(&w, ev, &src);
out:
	strbuf_release(&src);
	strbuf_release(&detail);
	if (w.o.err) {
		sb->len = start;
		if (sb->buf)
			sb->buf[start] = '\0';
		sb->overflow = overflow_before;
		return w.o.err;
	}
	return 0;
}
