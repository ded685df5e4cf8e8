/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON and compact encoder tests: unit checks against Tetragon's
 * published values, golden files tests/fixtures/encode/NAME.in ->
 * NAME.json / NAME.compact (diffed exactly, every JSON line parsed by
 * json-c), and random hostile input that must still give valid JSON.
 *
 *   test-encode                 run the tests (fixtures from $top_srcdir)
 *   test-encode --regen DIR     rewrite DIR/NAME.json and NAME.compact
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "encode-compact.h"
#include "encode-fixture.h"
#include "encode-json.h"
#include "tap.h"
#include "utf8-valid.h"

static const char *const envelope_keys[] = {
	"node_name", "time", "cluster_name", "nswatch",
};

/* Parse one line strictly (UTF-8 validated here, and by json-c >= 0.14
 * too); NULL when invalid. */
static json_object *parse_line(const char *s, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	if (!tok || !nsw_utf8_valid(s, n)) {
		if (tok)
			json_tokener_free(tok);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    NSW_JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  json_tokener_get_parse_end(tok) != n)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/*
 * Check one JSON line: valid, an object, one event key first, then the
 * envelope keys in protojson order.  Returns NULL if fine, else why.
 */
static const char *check_line(const char *s, size_t n)
{
	json_object *o;
	const char *why = NULL;
	size_t i = 0;
	int k = 0;

	if (memchr(s, '\n', n))
		return "newline inside the line";
	o = parse_line(s, n);
	if (!o)
		return "not valid JSON";
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return "not an object";
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (k++ == 0) {
			if (strcmp(key, "process_exec") &&
			    strcmp(key, "process_exit") &&
			    strcmp(key, "process_kprobe") &&
			    strcmp(key, "process_throttle") &&
			    strcmp(key, "nswatch_stats"))
				why = "first key is not an event key";
			continue;
		}
		while (i < sizeof(envelope_keys) / sizeof(envelope_keys[0]) &&
		       strcmp(key, envelope_keys[i]))
			i++;
		if (i == sizeof(envelope_keys) / sizeof(envelope_keys[0]) &&
		    !why)
			why = "unexpected or out-of-order envelope key";
	}
	json_object_put(o);
	return why;
}

/* Every line of buf checked; returns the count of bad lines. */
static int check_lines(const char *buf, size_t len, const char *name)
{
	const char *s = buf, *end = buf + len;
	int bad = 0, line = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *why;

		line++;
		if (!nl) {
			diag("%s: line %d has no newline", name, line);
			return bad + 1;
		}
		why = check_line(s, (size_t)(nl - s));
		if (why) {
			diag("%s: line %d: %s", name, line, why);
			bad++;
		}
		s = nl + 1;
	}
	return bad;
}

static int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = len ? write(fd, buf, len) : 0;
	if (close(fd) < 0 || w != (ssize_t)len)
		return -EIO;
	return 0;
}

/* Show where two texts first differ, with some context. */
static void diag_diff(const char *got, const char *want)
{
	size_t i = 0, col, from;
	int line = 1;
	const char *gl = got, *wl = want;

	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			gl = got + i + 1;
			wl = want + i + 1;
		}
		i++;
	}
	col = (size_t)(got + i - gl);
	from = col > 60 ? col - 60 : 0;
	diag("first difference at line %d, column %zu", line, col + 1);
	diag("  got:  ...%.*s", (int)strcspn(gl + from, "\n") > 120 ? 120 :
	     (int)strcspn(gl + from, "\n"), gl + from);
	diag("  want: ...%.*s", (int)strcspn(wl + from, "\n") > 120 ? 120 :
	     (int)strcspn(wl + from, "\n"), wl + from);
}

static void compare_or_write(const char *path, const struct strbuf *got,
			     bool regen, const char *what)
{
	char *want;

	if (regen) {
		ok(write_file(path, got->buf ? got->buf : "", got->len) == 0,
		   "wrote %s", path);
		return;
	}
	want = tap_slurp(path, NULL);
	if (!want) {
		ok(0, "%s: read %s", what, path);
		return;
	}
	if (!ok(!strcmp(got->buf ? got->buf : "", want), "%s matches %s",
		what, path))
		diag_diff(got->buf ? got->buf : "", want);
	free(want);
}

static void run_fixture(const char *dir, const char *base, bool regen)
{
	char path[4096], err[256];
	struct strbuf json = STRBUF_INIT, compact = STRBUF_INIT;
	struct fixture *fx = calloc(1, sizeof(*fx));
	char *text;
	size_t len;
	int i, r, ej = 0, ec = 0;

	if (!fx) {
		ok(0, "%s: allocate", base);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.in", dir, base);
	text = tap_slurp(path, &len);
	if (!text) {
		ok(0, "%s: read %s", base, path);
		free(fx);
		return;
	}
	r = fixture_parse(text, len, fx, err, sizeof(err));
	free(text);
	if (!ok(r == 0, "%s.in parses", base)) {
		diag("%s", err);
		goto out;
	}
	for (i = 0; i < fx->n_item; i++) {
		struct fx_item *it = &fx->item[i];

		if (it->is_stats) {
			r = encode_json_stats(&json, &fx->ctx, &it->st,
					      it->stats_time);
			if (r < 0)
				ej = r;
			continue;
		}
		r = encode_json_event(&json, &fx->ctx, &it->ev);
		if (r < 0)
			ej = r;
		r = encode_compact_event(&compact, &fx->ctx, &it->ev,
					 fx->color);
		if (r < 0)
			ec = r;
	}
	is_int(ej, 0, "%s: every item encodes as JSON", base);
	is_int(ec, 0, "%s: every event encodes as compact", base);
	{
		/* with the reuse memo: the same bytes, first use and reuse */
		struct encode_ctx mctx = fx->ctx;
		struct strbuf m1 = STRBUF_INIT, m2 = STRBUF_INIT;
		struct strbuf *pass[2] = { &m1, &m2 };
		int k;

		mctx.memo = encode_memo_new();
		for (k = 0; k < 2; k++)
			for (i = 0; i < fx->n_item; i++) {
				struct fx_item *it = &fx->item[i];

				if (it->is_stats)
					encode_json_stats(pass[k], &mctx,
							  &it->st,
							  it->stats_time);
				else
					encode_json_event(pass[k], &mctx,
							  &it->ev);
			}
		ok(mctx.memo && m1.len == json.len && m2.len == json.len &&
		   !memcmp(m1.buf, json.buf, json.len) &&
		   !memcmp(m2.buf, json.buf, json.len),
		   "%s: the memo changes no byte (first use and reuse)", base);
		encode_memo_free(mctx.memo);
		strbuf_release(&m1);
		strbuf_release(&m2);
	}
	is_int(check_lines(json.buf ? json.buf : "", json.len, base), 0,
	       "%s: every JSON line is valid and in envelope order", base);
	snprintf(path, sizeof(path), "%s/%s.json", dir, base);
	compare_or_write(path, &json, regen, "JSON");
	snprintf(path, sizeof(path), "%s/%s.compact", dir, base);
	compare_or_write(path, &compact, regen, "compact");
out:
	fixture_free(fx);
	free(fx);
	strbuf_release(&json);
	strbuf_release(&compact);
}

static int is_in_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 3 && !strcmp(d->d_name + n - 3, ".in");
}

static void run_fixtures(const char *dir, bool regen)
{
	struct dirent **list;
	int i, n = scandir(dir, &list, is_in_file, alphasort);

	if (!ok(n > 0, "fixtures found in %s", dir))
		return;
	for (i = 0; i < n; i++) {
		list[i]->d_name[strlen(list[i]->d_name) - 3] = '\0';
		run_fixture(dir, list[i]->d_name, regen);
		free(list[i]);
	}
	free(list);
}

/* Replay the fuzz corpus through the fuzz target (it aborts on a
 * violated invariant, so reaching the end is the pass). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_regular(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void replay_corpus(const char *dir)
{
	struct dirent **list;
	int i, n = scandir(dir, &list, is_regular, alphasort), done = 0;

	if (!ok(n > 0, "fuzz corpus found in %s", dir))
		return;
	for (i = 0; i < n; i++) {
		char path[4096];
		size_t len;
		char *buf;

		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     list[i]->d_name) >= (int)sizeof(path))
			buf = NULL;
		else
			buf = tap_slurp(path, &len);
		if (buf) {
			LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
			done++;
		}
		free(buf);
		free(list[i]);
	}
	free(list);
	is_int(done, n, "replayed every fuzz corpus file");
}

/* ---- unit tests ------------------------------------------------------------ */

static void test_time(void)
{
	char buf[64];

	encode_time(buf, sizeof(buf), 1755204167459945318ull);
	is_str(buf, "2025-08-14T20:42:47.459945318Z", "9 digits");
	encode_time(buf, sizeof(buf), 1753741304000000000ull);
	is_str(buf, "2025-07-28T22:21:44Z", "whole seconds: no fraction");
	encode_time(buf, sizeof(buf), 1762299175401779000ull);
	is_str(buf, "2025-11-04T23:32:55.401779Z", "micro: 6 digits");
	encode_time(buf, sizeof(buf), 1762299175401000000ull);
	is_str(buf, "2025-11-04T23:32:55.401Z", "milli: 3 digits");
	encode_time(buf, sizeof(buf), 1000ull);
	is_str(buf, "1970-01-01T00:00:00.000001Z", "1 us after the epoch");
	encode_time(buf, sizeof(buf), 1ull);
	is_str(buf, "1970-01-01T00:00:00.000000001Z", "1 ns");
	encode_time(buf, sizeof(buf), 0);
	is_str(buf, "1970-01-01T00:00:00Z", "epoch");
	encode_time(buf, sizeof(buf), UINT64_MAX);
	is_str(buf, "2554-07-21T23:34:33.709551615Z", "largest value");
	is_int(encode_time(buf, 20, 1755204167459945318ull), -ENOSPC,
	       "encode_time: short buffer is -ENOSPC");
}

static void test_exec_id(void)
{
	static const char node[] = "ip-10-0-10-253.us-west-2.compute.internal";
	char buf[256];

	encode_exec_id(buf, sizeof(buf), node, 60000000, 1);
	is_str(buf,
	       "aXAtMTAtMC0xMC0yNTMudXMtd2VzdC0yLmNvbXB1dGUuaW50ZXJuYWw6NjAwMDAwMDA6MQ==",
	       "exec_id of pid 1 (Tetragon sample)");
	encode_exec_id(buf, sizeof(buf), node, 1, 0);
	is_str(buf,
	       "aXAtMTAtMC0xMC0yNTMudXMtd2VzdC0yLmNvbXB1dGUuaW50ZXJuYWw6MTow",
	       "exec_id of the kernel pseudo-process");
	encode_exec_id(buf, sizeof(buf), node, 1462899992460004ull, 3502914);
	is_str(buf,
	       "aXAtMTAtMC0xMC0yNTMudXMtd2VzdC0yLmNvbXB1dGUuaW50ZXJuYWw6MTQ2Mjg5OTk5MjQ2MDAwNDozNTAyOTE0",
	       "exec_id of grpc-health-probe (Tetragon sample)");
	encode_exec_id(buf, sizeof(buf), "tetragon-dev-control-plane",
		       116977905434201ull, 63066);
	is_str(buf, "dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTE2OTc3OTA1NDM0MjAxOjYzMDY2",
	       "exec_id of the nsenter sample");
	encode_exec_id(buf, sizeof(buf), "", 54518517310389ull, 448507);
	is_str(buf, "OjU0NTE4NTE3MzEwMzg5OjQ0ODUwNw==", "empty node name");
	encode_exec_id(buf, sizeof(buf), NULL, 54518517310389ull, 448507);
	is_str(buf, "OjU0NTE4NTE3MzEwMzg5OjQ0ODUwNw==", "NULL node name");
	is_int(encode_exec_id(buf, 8, node, 1, 0), -ENOSPC,
	       "exec_id: short buffer is -ENOSPC");
	{
		char longnode[700], *big = malloc(2048);
		struct nsw_process p = { .pid = 7, .ktime = 9 };
		struct nsw_event ev = { .type = NSW_EV_EXEC, .proc = &p };
		struct encode_ctx ctx = { .node_name = longnode };
		struct strbuf sb = STRBUF_INIT;

		memset(longnode, 'n', sizeof(longnode) - 1);
		longnode[sizeof(longnode) - 1] = '\0';
		ok(big && encode_exec_id(big, 2048, longnode, 9, 7) == 0 &&
		   strlen(big) == (699 + 4 + 2) / 3 * 4,
		   "exec_id of a 699-byte node name");
		ok(encode_json_event(&sb, &ctx, &ev) == 0 && big &&
		   strstr(sb.buf, big), "long node name still encodes");
		strbuf_release(&sb);
		free(big);
	}
}

static void test_names(void)
{
	char buf[128];
	int i;

	is_str(encode_cap_name(0), "CAP_CHOWN", "cap 0");
	is_str(encode_cap_name(1), "DAC_OVERRIDE", "cap 1 keeps Tetragon's spelling");
	is_str(encode_cap_name(21), "CAP_SYS_ADMIN", "cap 21");
	is_str(encode_cap_name(40), "CAP_CHECKPOINT_RESTORE", "cap 40");
	ok(encode_cap_name(41) == NULL, "cap 41 has no name");
	for (i = 0; i <= 40; i++)
		if (!encode_cap_name((unsigned)i))
			break;
	is_int(i, 41, "caps 0..40 all named");
#if defined(__x86_64__)
	is_str(encode_syscall_prefix(), "__x64_sys_", "x86_64 prefix");
#elif defined(__aarch64__)
	is_str(encode_syscall_prefix(), "__arm64_sys_", "arm64 prefix");
#else
	ok(encode_syscall_prefix()[0] != '\0', "some prefix");
#endif
	is_str(encode_rule_mitre(NSW_RULE_SETNS_ESCAPE_TO_HOST)[0], "T1611",
	       "escape rule is T1611");
	is_str(encode_rule_mitre(NSW_RULE_MONITOR_TAMPER)[0], "T1562.001",
	       "tamper rule is T1562.001");
	is_str(encode_print_ns(0), "any", "PrintNS 0");
	is_str(encode_print_ns(0x08000000), "ipc", "PrintNS ipc");
	is_str(encode_print_ns(0x00020000), "mnt", "PrintNS mnt");
	is_str(encode_print_ns(0x08020000), "", "PrintNS combined mask");
	is_str(encode_print_ns(-1), "", "PrintNS garbage");
	(void)buf;
}

static void check_quote(const char *in, size_t n, const char *want,
			const char *name)
{
	struct strbuf sb = STRBUF_INIT;

	encode_go_quote(&sb, in, n);
	is_str(sb.buf ? sb.buf : "", want, "quote: %s", name);
	strbuf_release(&sb);
}

static void test_go_quote(void)
{
	check_quote("a b", 3, "\"a b\"", "space kept");
	check_quote("\"\\", 2, "\"\\\"\\\\\"", "quote and backslash");
	check_quote("\a\b\f\n\r\t\v", 7, "\"\\a\\b\\f\\n\\r\\t\\v\"",
		    "C escapes");
	check_quote("\x01\x1b\x7f", 3, "\"\\x01\\x1b\\x7f\"", "controls as \\x");
	check_quote("\xff", 1, "\"\\xff\"", "invalid byte as \\x");
	check_quote("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"", "printable UTF-8 kept");
	check_quote("\xc2\x85", 2, "\"\\u0085\"", "C1 control as \\u");
	check_quote("\xe2\x80\xae", 3, "\"\\u202e\"", "bidi override escaped");
	check_quote("\xf3\xa0\x80\x81", 4, "\"\\U000e0001\"", "tag as \\U");
	check_quote("\xef\xbf\xbd", 3, "\"\xef\xbf\xbd\"", "U+FFFD is printable");
}

/* Events with random hostile strings must still give valid JSON. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static void rnd_bytes(char *buf, size_t cap)
{
	size_t i, n = rnd() % cap;

	for (i = 0; i < n; i++) {
		buf[i] = (char)(rnd() & 0xff);
		if (!buf[i])
			buf[i] = (char)0xc3;
	}
	buf[n] = '\0';
}

static void test_random(void)
{
	struct nsw_container c;
	struct nsw_process p, par;
	struct nsw_label lab[3];
	char s[12][64];
	const struct nsw_process *anc[1] = { &par };
	struct nsw_ns_set host;
	struct strbuf sb = STRBUF_INIT, cb = STRBUF_INIT, mb = STRBUF_INIT;
	struct nsw_event ev;
	struct encode_ctx ctx = { .host_ns = &host }, mctx;
	struct encode_memo *memo = encode_memo_new();
	int i, j, bad = 0, bad_compact = 0, memo_diff = 0;

	memset(&host, 0, sizeof(host));
	for (i = 0; i < 3000; i++) {
		memset(&c, 0, sizeof(c));
		memset(&p, 0, sizeof(p));
		memset(&par, 0, sizeof(par));
		memset(&ev, 0, sizeof(ev));
		for (j = 0; j < 12; j++)
			rnd_bytes(s[j], sizeof(s[j]));
		rnd_bytes(c.id, sizeof(c.id));
		rnd_bytes(c.runtime, sizeof(c.runtime));
		rnd_bytes(c.name, sizeof(c.name));
		rnd_bytes(c.image, 64);
		rnd_bytes(c.pod_name, 64);
		rnd_bytes(c.pod_namespace, sizeof(c.pod_namespace));
		for (j = 0; j < 3; j++) {
			lab[j].key = s[6 + j];
			lab[j].value = s[9 + j];
		}
		c.labels = lab;
		c.n_labels = rnd() % 4;
		p.binary = s[0];
		p.arguments = s[1];
		p.cwd = s[2];
		p.pid = rnd();
		p.ppid = rnd() % 3;
		p.ktime = rnd();
		p.parent_ktime = rnd() % 2;
		p.start_time_ns = (uint64_t)rnd() << 28;
		p.flags = rnd();
		p.caps_known = rnd() & 1;
		p.cap_effective = (uint64_t)rnd() << 32 | rnd();
		p.ns_known = rnd() & 1;
		for (j = 0; j < NSW_NS_COUNT; j++)
			p.ns.inum[j] = rnd() % 3;
		host.inum[rnd() % NSW_NS_COUNT] = rnd() % 3;
		p.ctr = rnd() & 1 ? &c : NULL;
		par.binary = s[3];
		par.pid = 1;
		ctx.node_name = s[4];
		ctx.cluster_name = s[5];
		ev.type = (enum nsw_event_type)(rnd() % 3);
		ev.proc = &p;
		ev.parent = rnd() & 1 ? &par : NULL;
		ev.ancestors = anc;
		ev.n_ancestors = rnd() % 2;
		ev.signal = rnd() & 1 ? s[6] : NULL;
		ev.syscall = (enum nsw_syscall)(rnd() % 7);
		ev.nargs = (int)(rnd() % 4);
		ev.args[0] = (int32_t)rnd();
		ev.args[1] = (int32_t)rnd();
		ev.ret_known = rnd() & 1;
		ev.backend = s[7];
		ev.ns_types_known = rnd() & 1;
		ev.ns_types = rnd();
		ev.verdict = (enum nsw_verdict)(rnd() % 7);
		ev.n_alerts = (int)(rnd() % 3);
		for (j = 0; j < ev.n_alerts; j++) {
			ev.alerts[j].rule = (enum nsw_rule)(rnd() % NSW_RULE_COUNT);
			rnd_bytes(ev.alerts[j].message, 64);
		}
		ev.ns_change[rnd() % NSW_NS_COUNT].changed = rnd() & 1;
		strbuf_reset(&sb);
		strbuf_reset(&cb);
		if (encode_json_event(&sb, &ctx, &ev) < 0 ||
		    check_lines(sb.buf, sb.len, "random")) {
			bad++;
			if (bad < 3)
				diag("bad line: %s", sb.buf ? sb.buf : "");
		}
		/* the same structs (same addresses) with new contents every
		 * round: the memo must notice each change */
		mctx = ctx;
		mctx.memo = memo;
		par.uid = rnd() % 2;
		strbuf_reset(&sb);
		strbuf_reset(&mb);
		encode_json_event(&sb, &ctx, &ev);
		encode_json_event(&mb, &mctx, &ev);
		if (sb.len != mb.len || memcmp(sb.buf, mb.buf, sb.len)) {
			memo_diff++;
			if (memo_diff < 3)
				diag_diff(mb.buf, sb.buf);
		}
		if (encode_compact_event(&cb, &ctx, &ev, rnd() & 1) < 0) {
			bad_compact++;
		} else {
			/* one line for the event, one per alert */
			size_t k, nl = 0;

			for (k = 0; k < cb.len; k++)
				nl += cb.buf[k] == '\n';
			if (nl != (size_t)(1 + ev.n_alerts) ||
			    cb.buf[cb.len - 1] != '\n')
				bad_compact++;
		}
	}
	is_int(bad, 0, "3000 random hostile events give valid JSON lines");
	is_int(memo_diff, 0, "random events: the memo changes no byte");
	is_int(bad_compact, 0,
	       "random compact output has exactly one line per event/alert");
	strbuf_release(&sb);
	strbuf_release(&cb);
	strbuf_release(&mb);
	encode_memo_free(memo);
}

static void test_errors(void)
{
	struct nsw_process p = { .pid = 1, .auid = 4294967295u }, par;
	struct nsw_event ev = { .type = NSW_EV_EXEC, .proc = &p };
	struct encode_ctx ctx = { .node_name = "n" };
	struct strbuf sb = STRBUF_INIT;
	char *big = malloc(STRBUF_MAX);

	is_int(encode_json_event(&sb, &ctx, &(struct nsw_event){ 0 }),
	       -EINVAL, "event without process is -EINVAL");
	ev.type = (enum nsw_event_type)7;
	is_int(encode_json_event(&sb, &ctx, &ev), -EINVAL,
	       "unknown event type is -EINVAL");
	is_int(encode_compact_event(&sb, &ctx, &ev, false), -EINVAL,
	       "compact: unknown event type is -EINVAL");
	ev.type = NSW_EV_EXEC;
	if (!big) {
		ok(0, "allocate");
		return;
	}
	memset(big, 'a', STRBUF_MAX - 1);
	big[STRBUF_MAX - 1] = '\0';
	strbuf_adds(&sb, "previous\n");
	p.arguments = big;
	is_int(encode_compact_event(&sb, &ctx, &ev, false), -E2BIG,
	       "compact: too long is -E2BIG");
	ok(sb.len == 9 && !sb.overflow, "compact rolled back");

	/* past the line cap an event is cut, never lost: the acting
	 * process's own arguments last */
	is_int(encode_json_event(&sb, &ctx, &ev), 0,
	       "acting process over STRBUF_MAX: still written");
	ok(sb.len < 4096 && strstr(sb.buf, "\"truncArgs\"") &&
	   !strncmp(sb.buf, "previous\n", 9),
	   "its arguments cut and flagged truncArgs");
	strbuf_reset(&sb);
	{
		const struct nsw_process *anc[4] = { &par, &par, &par, &par };
		struct nsw_process par2;

		/* ancestors with 1 MiB of control bytes each (6 once
		 * escaped): ancestors are cut, the acting process is not */
		memset(big, 1, 1 << 20);
		big[1 << 20] = '\0';
		par = p;
		par.pid = 2;
		par.arguments = big;
		par2 = par;
		par2.pid = 3;
		anc[0] = &par2;
		p.arguments = "-t 1 -m";
		ev.parent = &par;
		ev.ancestors = anc;
		ev.n_ancestors = 4;
		is_int(encode_json_event(&sb, &ctx, &ev), 0,
		       "ancestors over STRBUF_MAX: still written");
		ok(sb.len < 65536 && strstr(sb.buf, "\"-t 1 -m\""),
		   "acting arguments whole");
		ok(strstr(sb.buf, "\"ancestors\"") &&
		   strstr(sb.buf, "\"flags\":\"truncArgs\""),
		   "ancestors kept, their arguments cut and flagged");
		ev.parent = NULL;
		ev.ancestors = NULL;
		ev.n_ancestors = 0;
	}

	/* a line that cannot fit at all still rolls back */
	strbuf_reset(&sb);
	memset(big, 'a', STRBUF_MAX - 40);
	big[STRBUF_MAX - 40] = '\0';
	strbuf_adds(&sb, big);
	p.arguments = NULL;
	is_int(encode_json_event(&sb, &ctx, &ev), -E2BIG,
	       "line over STRBUF_MAX even cut is -E2BIG");
	ok(sb.len == STRBUF_MAX - 40 && !sb.overflow,
	   "the failed line left the buffer as it was");
	strbuf_reset(&sb);
	is_int(encode_json_event(&sb, &ctx, &ev), 0,
	       "buffer still usable after a failed line");
	free(big);
	strbuf_release(&sb);
}

/* One fact of a kept parent changed in place: the line must change as
 * it does without the memo. */
static int memo_same(struct encode_ctx *ctx, struct encode_memo *memo,
		     const struct nsw_event *ev, const char *what)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct encode_ctx mctx = *ctx;
	int same;

	mctx.memo = memo;
	encode_json_event(&a, ctx, ev);
	encode_json_event(&b, &mctx, ev);
	same = a.len == b.len && a.len && !memcmp(a.buf, b.buf, a.len);
	if (!ok(same, "memo follows a change of the parent's %s", what))
		diag_diff(b.buf, a.buf);
	strbuf_release(&a);
	strbuf_release(&b);
	return same;
}

static void test_memo_changes(void)
{
	char bin[] = "/usr/bin/aa", node[] = "node-a", lval[] = "web";
	char lkey[] = "app";
	struct nsw_label lab = { lkey, lval };
	struct nsw_container c;
	struct nsw_process p, par;
	const struct nsw_process *anc[1] = { &par };
	struct nsw_ns_set host;
	struct nsw_event ev;
	struct encode_ctx ctx = { .node_name = node, .host_ns = &host };
	struct encode_memo *memo = encode_memo_new();

	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	memset(&par, 0, sizeof(par));
	memset(&ev, 0, sizeof(ev));
	memset(&host, 0, sizeof(host));
	host.inum[NSW_NS_MNT] = 4026531840u;
	snprintf(c.id, sizeof(c.id), "%s", "0123456789abcdef0123456789abcdef"
		 "0123456789abcdef0123456789abcdef");
	snprintf(c.runtime, sizeof(c.runtime), "containerd");
	c.labels = &lab;
	c.n_labels = 1;
	p.pid = 300;
	p.ppid = 200;
	p.ktime = 3000;
	p.parent_ktime = 2000;
	p.binary = "/bin/true";
	par.pid = 200;
	par.ppid = 1;
	par.ktime = 2000;
	par.parent_ktime = 1000;
	par.binary = bin;
	par.ns_known = true;
	par.ns.inum[NSW_NS_MNT] = 4026531840u;
	par.caps_known = true;
	par.cap_effective = 1;
	ev.type = NSW_EV_EXEC;
	ev.proc = &p;
	ev.parent = &par;
	ev.ancestors = anc;
	ev.n_ancestors = 1;
	ev.backend = "bpf";

	memo_same(&ctx, memo, &ev, "first encoding");
	par.uid = 1000;
	memo_same(&ctx, memo, &ev, "uid");
	bin[sizeof(bin) - 2] = 'b';	/* same pointer, same length */
	memo_same(&ctx, memo, &ev, "binary bytes");
	par.ns.inum[NSW_NS_MNT] = 4026532000u;
	memo_same(&ctx, memo, &ev, "mnt namespace");
	par.ctr = &c;
	memo_same(&ctx, memo, &ev, "container");
	par.in_init_tree = true;
	memo_same(&ctx, memo, &ev, "in_init_tree");
	lval[0] = 'd';
	memo_same(&ctx, memo, &ev, "pod label value");
	c.privileged = true;
	memo_same(&ctx, memo, &ev, "privileged flag");
	par.parent_ktime = 1001;
	memo_same(&ctx, memo, &ev, "parent_exec_id");
	node[5] = 'b';
	memo_same(&ctx, memo, &ev, "node name bytes");
	ctx.ancestor_caps = true;
	memo_same(&ctx, memo, &ev, "ancestor caps setting");
	par.cap_effective = 3;
	memo_same(&ctx, memo, &ev, "capabilities");
	host.inum[NSW_NS_MNT] = 4026532000u;
	memo_same(&ctx, memo, &ev, "host namespaces");
	encode_memo_free(memo);
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("top_srcdir");
	char dir[4096];

	if (argc == 3 && !strcmp(argv[1], "--regen")) {
		run_fixtures(argv[2], true);
		return done_testing();
	}
	test_time();
	test_exec_id();
	test_names();
	test_go_quote();
	test_errors();
	test_random();
	test_memo_changes();
	snprintf(dir, sizeof(dir), "%s/tests/fixtures/encode",
		 srcdir ? srcdir : ".");
	run_fixtures(dir, false);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/encode",
		 srcdir ? srcdir : ".");
	replay_corpus(dir);
	return done_testing();
}
