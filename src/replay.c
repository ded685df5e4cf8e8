/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offline audit logs -> raw events (see replay.h).
 *
 * Three textual forms reach us:
 *  - raw audit.log lines: `[node=N ]type=T msg=audit(SEC.MS:SERIAL): ...`
 *  - ENRICHED lines: the same plus 0x1D and interpreted UPPER=value
 *    fields; libauparse keeps the suffix out of the field list, so these
 *    are fed unchanged.
 *  - `ausearch -i` output: "----" between events, records of an event in
 *    reverse order (PROCTITLE first), a local-time stamp and " : ", and
 *    interpreted values.  libauparse completes an event at PROCTITLE, so
 *    the records of one block are put back into kernel order (SYSCALL
 *    first, PROCTITLE last) before they are fed; stamps become epoch
 *    seconds; EXECVE arguments and PROCTITLE, printed as plain text with
 *    spaces, are hex-encoded like the kernel does.  Other interpreted
 *    values (uid=root, a1=CLONE_NEWNS, exit=EPERM(...)) are understood by
 *    audit-map.  A value with a space outside EXECVE/PROCTITLE (e.g.
 *    exe=/opt/my app/x) cannot be told apart from the next field and is
 *    cut there: ausearch -i output is lossy, raw logs are not.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"

/* An `ausearch -i` block larger than this is fed as it is. */
#define BLOCK_MAX_RECORDS 4096
#define BLOCK_MAX_BYTES (4u << 20)

struct blk_rec {
	char *text;
	size_t len;
	int rank;
};

struct replay {
	auparse_state_t *au;
	struct audit_map *map;
	audit_emit_fn emit;
	void *emit_arg;
	replay_diag_fn diag;
	void *diag_arg;
	struct replay_stats st;
	char source[256];
	uint64_t lineno;
	char *line;		/* REPLAY_MAX_LINE bytes */
	size_t line_len;
	bool skipping;		/* inside a line that is too long */
	struct strbuf norm;
	struct blk_rec *blk;	/* pending `ausearch -i` block */
	size_t n_blk, blk_bytes;
};

/* ---- line normalisation ------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Up to maxd digits at *p (at least one); advances *p. */
static bool take_uint(const char **p, const char *end, int maxd, long *out)
{
	long v = 0;
	int n = 0;

	while (*p < end && is_digit(**p) && n < maxd) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (!n || (*p < end && is_digit(**p)))
		return false;
	*out = v;
	return true;
}

static bool take_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

static bool has_prefix(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/*
 * `ausearch -i` stamp: "MM/DD/YY[YY] HH:MM:SS.mmm:SERIAL" (%x %T in the C
 * and en_US locales; DD/MM when the first number cannot be a month) or
 * "YYYY-MM-DD HH:MM:SS.mmm:SERIAL".  Local time, as ausearch prints it.
 */
static bool parse_interp_stamp(const char **pp, const char *end,
			       long long *sec, const char **ms,
			       size_t *ms_len, const char **ser,
			       size_t *ser_len)
{
	const char *p = *pp;
	long a, b, c, hh, mi, ss, v;
	struct tm tm;
	time_t t;

	if (!take_uint(&p, end, 4, &a))
		return false;
	if (p < end && *p == '-') {
		p++;
		if (!take_uint(&p, end, 2, &b) || !take_char(&p, end, '-') ||
		    !take_uint(&p, end, 2, &c))
			return false;
		v = a;			/* YYYY-MM-DD */
		a = b;
		b = c;
		c = v;
	} else {
		if (!take_char(&p, end, '/') || !take_uint(&p, end, 2, &b) ||
		    !take_char(&p, end, '/') || !take_uint(&p, end, 4, &c))
			return false;
		if (a > 12) {		/* DD/MM/YY */
			v = a;
			a = b;
			b = v;
		}
		if (c < 69)
			c += 2000;
		else if (c < 100)
			c += 1900;
	}
	if (!take_char(&p, end, ' ') || !take_uint(&p, end, 2, &hh) ||
	    !take_char(&p, end, ':') || !take_uint(&p, end, 2, &mi) ||
	    !take_char(&p, end, ':') || !take_uint(&p, end, 2, &ss) ||
	    !take_char(&p, end, '.'))
		return false;
	*ms = p;
	if (!take_uint(&p, end, 3, &v))
		return false;
	*ms_len = (size_t)(p - *ms);
	if (!take_char(&p, end, ':'))
		return false;
	*ser = p;
	if (!take_uint(&p, end, 10, &v))
		return false;
	*ser_len = (size_t)(p - *ser);
	if (a < 1 || a > 12 || b < 1 || b > 31 || c < 1970 || c > 9999 ||
	    hh > 23 || mi > 59 || ss > 60)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)c - 1900;
	tm.tm_mon = (int)a - 1;
	tm.tm_mday = (int)b;
	tm.tm_hour = (int)hh;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)ss;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*sec = (long long)t;
	*pp = p;
	return true;
}

/* Raw stamp "SEC.MS:SERIAL". */
static bool check_raw_stamp(const char **pp, const char *end)
{
	const char *p = *pp;
	long v;

	if (!take_uint(&p, end, 12, &v) || !take_char(&p, end, '.') ||
	    !take_uint(&p, end, 9, &v) || !take_char(&p, end, ':') ||
	    !take_uint(&p, end, 10, &v))
		return false;
	*pp = p;
	return true;
}

enum xkey { XK_NONE, XK_ARGC, XK_ARG, XK_LEN, XK_CHUNK };

/* Does p start an EXECVE key?  Returns its kind, index, chunk and the
 * length through '='. */
static enum xkey execve_key(const char *p, const char *end, long *n,
			    long *chunk, size_t *klen)
{
	const char *q = p + 1;

	if (has_prefix(p, end, "argc=")) {
		*klen = 5;
		return XK_ARGC;
	}
	if (p >= end || *p != 'a' || !take_uint(&q, end, 9, n))
		return XK_NONE;
	if (take_char(&q, end, '=')) {
		*klen = (size_t)(q - p);
		return XK_ARG;
	}
	if (has_prefix(q, end, "_len=")) {
		*klen = (size_t)(q + 5 - p);
		return XK_LEN;
	}
	if (take_char(&q, end, '[') && take_uint(&q, end, 9, chunk) &&
	    take_char(&q, end, ']') && take_char(&q, end, '=')) {
		*klen = (size_t)(q - p);
		return XK_CHUNK;
	}
	return XK_NONE;
}

/* Is the key at p one that may follow (kind, n, chunk)?  argc (-1:
 * unknown) bounds the argument numbers. */
static bool execve_next(const char *p, const char *end, enum xkey kind,
			long n, long chunk, long argc)
{
	long n2 = 0, c2 = 0;
	size_t kl;
	enum xkey k = execve_key(p, end, &n2, &c2, &kl);

	if (k == XK_NONE || (argc >= 0 && n2 >= argc))
		return false;

	switch (kind) {
	case XK_ARGC:
		return (k == XK_ARG || k == XK_LEN) && n2 == 0;
	case XK_ARG:
		return (k == XK_ARG || k == XK_LEN) && n2 == n + 1;
	case XK_LEN:
		return k == XK_CHUNK && n2 == n;
	case XK_CHUNK:
		return (k == XK_CHUNK && n2 == n && c2 == chunk + 1) ||
		       ((k == XK_ARG || k == XK_LEN) && n2 == n + 1);
	case XK_NONE:
		break;
	}
	return false;
}

/* "\ooo": how `ausearch -i` escapes a control byte (and only those; a
 * backslash itself is printed as is). -1 if p is not one. */
static int octal_ctl(const char *p, const char *end)
{
	int v;

	if (end - p < 4 || p[0] != '\\' || p[1] < '0' || p[1] > '3' ||
	    p[2] < '0' || p[2] > '7' || p[3] < '0' || p[3] > '7')
		return -1;
	v = (p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0');
	return v < 0x20 || v == 0x7f ? v : -1;
}

/* Hex-encode an interpreted value, undoing ausearch's escapes. */
static int add_hex(struct strbuf *out, const char *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	const char *end = p + n;
	char buf[256];
	size_t k = 0;
	int r = 0, c;

	if (!n)
		return strbuf_adds(out, "\"\"");
	for (; p < end; p++) {
		c = octal_ctl(p, end);
		if (c >= 0)
			p += 3;
		else
			c = (unsigned char)*p;
		buf[k++] = hx[c >> 4];
		buf[k++] = hx[c & 15];
		if (k == sizeof(buf)) {
			r = strbuf_add(out, buf, k);
			k = 0;
			if (r < 0)
				return r;
		}
	}
	return k ? strbuf_add(out, buf, k) : 0;
}

/* Interpreted EXECVE fields -> raw form (hex values). */
static int convert_execve(struct strbuf *out, const char *p, const char *end)
{
	enum xkey kind;
	long n = 0, chunk = 0, argc = -1, v_argc;
	const char *v, *q, *vp;
	size_t kl;
	int r = 0;

	kind = execve_key(p, end, &n, &chunk, &kl);
	if (kind == XK_NONE)
		return strbuf_add(out, p, (size_t)(end - p));
	while (p < end && kind != XK_NONE) {
		strbuf_add(out, p, kl);
		v = p + kl;
		if (kind == XK_ARGC) {
			vp = v;
			if (take_uint(&vp, end, 9, &v_argc) &&
			    (vp == end || *vp == ' '))
				argc = v_argc;
		}
		for (q = v; q < end; q++)
			if (*q == ' ' &&
			    execve_next(q + 1, end, kind, n, chunk, argc))
				break;
		if (kind == XK_ARGC || kind == XK_LEN)
			r = strbuf_add(out, v, (size_t)(q - v));
		else
			r = add_hex(out, v, (size_t)(q - v));
		if (r < 0 || q >= end)
			break;
		p = q + 1;
		strbuf_addc(out, ' ');
		kind = execve_key(p, end, &n, &chunk, &kl);
	}
	return r;
}

static int convert_fields(struct strbuf *out, const char *type, size_t tlen,
			  const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	if (tlen == 6 && !memcmp(type, "EXECVE", 6))
		return convert_execve(out, p, end);
	if (tlen == 9 && !memcmp(type, "PROCTITLE", 9)) {
		if (has_prefix(p, end, "proctitle=")) {
			strbuf_adds(out, "proctitle=");
			return add_hex(out, p + 10, (size_t)(end - p - 10));
		}
	}
	return strbuf_add(out, p, (size_t)(end - p));
}

/* More than one cwd= field start (after a space or the stamp's ':')? */
static bool dup_cwd(const char *p, const char *end)
{
	int n = 0;

	for (; p + 5 <= end; p++)
		if ((*p == ' ' || *p == ':') && !memcmp(p + 1, "cwd=", 4) &&
		    ++n > 1)
			return true;
	return false;
}

enum replay_line replay_normalize_line(const char *in, size_t len,
				       struct strbuf *out, bool *interpreted,
				       const char **why)
{
	const char *p = in, *end = in + len, *start, *type, *stamp;
	const char *ms, *ser;
	size_t tlen, ms_len, ser_len, i;
	long long sec;

	strbuf_reset(out);
	*interpreted = false;
	*why = NULL;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
			   end[-1] == '\r'))
		end--;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || has_prefix(p, end, "<no matches>"))
		return REPLAY_LINE_SKIP;
	if (has_prefix(p, end, "----")) {
		for (i = 0; p + i < end && p[i] == '-'; i++)
			;
		if (p + i == end)
			return REPLAY_LINE_SEPARATOR;
	}
	if (memchr(p, '\0', (size_t)(end - p))) {
		*why = "NUL byte in line";
		return REPLAY_LINE_BAD;
	}

	/* the record starts at node= or type=, perhaps after a prefix */
	start = p;
	if (!has_prefix(p, end, "node=") && !has_prefix(p, end, "type=")) {
		const char *t = NULL;

		for (i = 0; p + i + 6 <= end; i++)
			if (p[i] == ' ' && (!memcmp(p + i + 1, "node=", 5) ||
					    !memcmp(p + i + 1, "type=", 5))) {
				t = p + i + 1;
				break;
			}
		if (!t) {
			*why = "not an audit record (no type= field)";
			return REPLAY_LINE_BAD;
		}
		start = t;
	}
	p = start;
	if (has_prefix(p, end, "node=")) {
		p += 5;
		while (p < end && *p != ' ') {
			/* printable only: libauparse 3.0.9 leaks a whole
			 * event on a 0x1D (ENRICHED separator) here */
			if (*p < 0x21 || *p > 0x7e) {
				*why = "bad node= name";
				return REPLAY_LINE_BAD;
			}
			p++;
		}
		if (p == start + 5 || !take_char(&p, end, ' ')) {
			*why = "empty node= name";
			return REPLAY_LINE_BAD;
		}
	}
	if (!has_prefix(p, end, "type=")) {
		*why = "no type= after node=";
		return REPLAY_LINE_BAD;
	}
	p += 5;
	type = p;
	while (p < end && *p != ' ') {
		char c = *p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      is_digit(c) || c == '_' || c == '[' || c == ']')) {
			*why = "bad record type";
			return REPLAY_LINE_BAD;
		}
		p++;
	}
	tlen = (size_t)(p - type);
	if (!tlen || !take_char(&p, end, ' ') ||
	    !has_prefix(p, end, "msg=audit(")) {
		*why = "no msg=audit( stamp";
		return REPLAY_LINE_BAD;
	}
	p += 10;
	stamp = p;
	if (dup_cwd(p, end)) {
		/* libauparse 3.0.9 leaks the first of two cwd= values (type
		 * names are case-insensitive and numeric there, so check
		 * every record; none legitimately has two) */
		*why = "CWD record with two cwd= fields";
		return REPLAY_LINE_BAD;
	}
	if (check_raw_stamp(&p, end)) {
		if (!take_char(&p, end, ')') || !take_char(&p, end, ':')) {
			*why = "bad msg=audit( stamp";
			return REPLAY_LINE_BAD;
		}
		if (strbuf_add(out, start, (size_t)(end - start)) < 0) {
			*why = "out of memory";
			return REPLAY_LINE_BAD;
		}
		return REPLAY_LINE_RECORD;
	}
	p = stamp;
	if (!parse_interp_stamp(&p, end, &sec, &ms, &ms_len, &ser, &ser_len) ||
	    !take_char(&p, end, ')')) {
		*why = "bad msg=audit( stamp";
		return REPLAY_LINE_BAD;
	}
	if (!take_char(&p, end, ':')) {
		if (!take_char(&p, end, ' ') || !take_char(&p, end, ':')) {
			*why = "bad msg=audit( stamp";
			return REPLAY_LINE_BAD;
		}
	}
	*interpreted = true;
	strbuf_add(out, start, (size_t)(stamp - start));
	strbuf_addf(out, "%lld.%.*s:%.*s): ", sec, (int)ms_len, ms,
		    (int)ser_len, ser);
	convert_fields(out, type, tlen, p, end);
	if (out->overflow) {
		*why = "out of memory";
		return REPLAY_LINE_BAD;
	}
	return REPLAY_LINE_RECORD;
}

/* ---- feeding ------------------------------------------------------------ */

static int emit_wrap(const struct nsw_raw *raw, void *arg)
{
	struct replay *r = arg;
	int ret = r->emit ? r->emit(raw, r->emit_arg) : 0;

	if (ret < 0)
		r->st.emit_errors++;
	return 0;
}

static void on_event(auparse_state_t *au, auparse_cb_event_t t, void *arg)
{
	struct replay *r = arg;

	if (t != AUPARSE_CB_EVENT_READY)
		return;
	/* malformed events are counted in the map's stats */
	audit_map_event(r->map, au, emit_wrap, r);
}

static void feed_record(struct replay *r, const char *text, size_t len)
{
	r->st.records++;
	auparse_feed(r->au, text, len);
	auparse_feed(r->au, "\n", 1);
}

static int rec_rank(const char *text, size_t len)
{
	const char *t = memmem(text, len, "type=", 5);
	size_t rest;

	if (!t)
		return 1;
	t += 5;
	rest = len - (size_t)(t - text);
	if (rest >= 8 && !memcmp(t, "SYSCALL ", 8))
		return 0;
	if (rest >= 10 && !memcmp(t, "PROCTITLE ", 10))
		return 2;
	if (rest >= 4 && !memcmp(t, "EOE ", 4))
		return 3;
	return 1;
}

/* Feed a pending `ausearch -i` block in kernel order. */
static void block_flush(struct replay *r)
{
	size_t i, j, k;
	struct blk_rec tmp;

	/* ausearch prints an event's records last to first */
	for (i = 0, j = r->n_blk; i + 1 < j; i++, j--) {
		tmp = r->blk[i];
		r->blk[i] = r->blk[j - 1];
		r->blk[j - 1] = tmp;
	}
	for (i = 1; i < r->n_blk; i++) {	/* stable insertion sort */
		tmp = r->blk[i];
		for (k = i; k > 0 && r->blk[k - 1].rank > tmp.rank; k--)
			r->blk[k] = r->blk[k - 1];
		r->blk[k] = tmp;
	}
	for (i = 0; i < r->n_blk; i++) {
		feed_record(r, r->blk[i].text, r->blk[i].len);
		free(r->blk[i].text);
	}
	r->n_blk = 0;
	r->blk_bytes = 0;
}

static void block_add(struct replay *r, const char *text, size_t len)
{
	char *copy;

	if (r->n_blk >= BLOCK_MAX_RECORDS || r->blk_bytes + len >
	    BLOCK_MAX_BYTES)
		block_flush(r);
	copy = malloc(len ? len : 1);
	if (!copy) {
		feed_record(r, text, len);	/* unordered beats lost */
		return;
	}
	memcpy(copy, text, len);
	r->blk[r->n_blk].text = copy;
	r->blk[r->n_blk].len = len;
	r->blk[r->n_blk].rank = rec_rank(text, len);
	r->n_blk++;
	r->blk_bytes += len;
}

static void bad_line(struct replay *r, const char *why)
{
	r->st.malformed++;
	if (r->diag)
		r->diag(r->source, r->lineno, why, r->diag_arg);
}

static void handle_line(struct replay *r, const char *p, size_t n)
{
	enum replay_line k;
	const char *why;
	bool interp;

	r->st.lines++;
	k = replay_normalize_line(p, n, &r->norm, &interp, &why);
	switch (k) {
	case REPLAY_LINE_SKIP:
		return;
	case REPLAY_LINE_SEPARATOR:
		block_flush(r);
		return;
	case REPLAY_LINE_BAD:
		bad_line(r, why);
		return;
	case REPLAY_LINE_RECORD:
		break;
	}
	if (interp) {
		r->st.interpreted++;
		block_add(r, r->norm.buf, r->norm.len);
		return;
	}
	block_flush(r);
	feed_record(r, r->norm.buf, r->norm.len);
}

struct replay *replay_new(uint32_t default_arch, audit_emit_fn emit,
			  void *emit_arg, replay_diag_fn diag, void *diag_arg)
{
	struct replay *r = calloc(1, sizeof(*r));
	int saved;

	if (!r)
		return NULL;
	r->emit = emit;
	r->emit_arg = emit_arg;
	r->diag = diag;
	r->diag_arg = diag_arg;
	r->line = malloc(REPLAY_MAX_LINE);
	r->blk = calloc(BLOCK_MAX_RECORDS, sizeof(*r->blk));
	r->map = audit_map_new(default_arch);
	if (!r->line || !r->blk || !r->map)
		goto fail;
	r->au = auparse_init(AUSOURCE_FEED, NULL);
	if (!r->au)
		goto fail;
	auparse_add_callback(r->au, on_event, r, NULL);
	nsw_strlcpy(r->source, "-", sizeof(r->source));
	return r;
fail:
	saved = errno ? errno : ENOMEM;
	replay_free(r);
	errno = saved;
	return NULL;
}

void replay_begin(struct replay *r, const char *source)
{
	nsw_strlcpy(r->source, source ? source : "-", sizeof(r->source));
	r->lineno = 0;
	r->line_len = 0;
	r->skipping = false;
}

void replay_feed(struct replay *r, const char *buf, size_t len)
{
	const char *nl;
	size_t chunk;

	while (len) {
		nl = memchr(buf, '\n', len);
		chunk = nl ? (size_t)(nl - buf) : len;
		if (!r->skipping) {
			if (r->line_len + chunk > REPLAY_MAX_LINE) {
				r->skipping = true;
				r->line_len = 0;
			} else {
				memcpy(r->line + r->line_len, buf, chunk);
				r->line_len += chunk;
			}
		}
		if (!nl)
			return;
		r->lineno++;
		if (r->skipping) {
			r->st.lines++;
			r->st.too_long++;
			bad_line(r, "line longer than 65536 bytes, skipped");
			r->skipping = false;
		} else {
			handle_line(r, r->line, r->line_len);
		}
		r->line_len = 0;
		buf = nl + 1;
		len -= chunk + 1;
	}
}

void replay_end(struct replay *r)
{
	if (r->skipping || r->line_len)
		replay_feed(r, "\n", 1);
	block_flush(r);
}

void replay_finish(struct replay *r)
{
	block_flush(r);
	auparse_flush_feed(r->au);
	audit_map_flush(r->map);
}

int replay_fd(struct replay *r, int fd, const char *source)
{
	char buf[65536];
	ssize_t n;

	replay_begin(r, source);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			replay_end(r);
			return -e;
		}
		if (n == 0)
			break;
		replay_feed(r, buf, (size_t)n);
	}
	replay_end(r);
	return 0;
}

const struct replay_stats *replay_stats(const struct replay *r)
{
	return &r->st;
}

const struct audit_map_stats *replay_map_stats(const struct replay *r)
{
	return audit_map_stats(r->map);
}

void replay_free(struct replay *r)
{
	size_t i;

	if (!r)
		return;
	if (r->au)
		auparse_destroy(r->au);
	for (i = 0; i < r->n_blk; i++)
		free(r->blk[i].text);
	free(r->blk);
	audit_map_free(r->map);
	strbuf_release(&r->norm);
	free(r->line);
	free(r);
}
