/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target for the JSON and compact encoders.  The input is read as
 * an event: the first 96 bytes set the numeric fields and flags (missing
 * bytes are zero), the rest is split at NUL bytes into the strings
 * (binary, arguments, cwd, node name, pod/container metadata, labels,
 * alert messages...).  Invariants checked (abort on violation):
 *  - encoding succeeds or fails with -E2BIG only;
 *  - the JSON line is one line that json-c parses strictly, UTF-8
 *    validated;
 *  - the compact output has one line per event plus one per alert, and
 *    no control byte but '\n' at line ends (and ESC when colour is on).
 *
 * libFuzzer build: ./configure --enable-fuzzing && make fuzz.
 * Its corpus (tests/fuzz/corpus/encode) is replayed by tests/test-encode.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "encode-compact.h"
#include "encode-json.h"
#include "../utf8-valid.h"

#define HDR 96
#define NSTR 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct cursor {
	uint8_t hdr[HDR];
	size_t off;
};

static uint64_t take(struct cursor *c, size_t n)
{
	uint64_t v = 0;

	while (n--) {
		v = v << 8 | (c->off < HDR ? c->hdr[c->off] : 0);
		c->off++;
	}
	return v;
}

static bool json_line_ok(const char *s, size_t n)
{
	struct json_tokener *tok;
	json_object *o;
	bool good;

	if (!n || s[n - 1] != '\n' || memchr(s, '\n', n - 1) ||
	    !nsw_utf8_valid(s, n - 1))
		return false;
	tok = json_tokener_new();
	if (!tok)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    NSW_JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)(n - 1));
	good = o && json_tokener_get_error(tok) == json_tokener_success &&
	       json_tokener_get_parse_end(tok) == n - 1 &&
	       json_object_is_type(o, json_type_object);
	json_object_put(o);
	json_tokener_free(tok);
	return good;
}

static bool compact_ok(const char *s, size_t n, int lines, bool color)
{
	size_t i;
	int nl = 0;

	if (!n || s[n - 1] != '\n')
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			nl++;
		} else if (c == 0x1b && color) {
			/* only our own SGR sequences: ESC [ 0 m, ESC [ 3N m */
			if (i + 3 < n && s[i + 1] == '[' && s[i + 2] == '0' &&
			    s[i + 3] == 'm')
				continue;
			if (i + 4 < n && s[i + 1] == '[' && s[i + 2] == '3' &&
			    s[i + 3] >= '1' && s[i + 3] <= '6' &&
			    s[i + 4] == 'm')
				continue;
			return false;
		} else if (c < 0x20 || c == 0x7f) {
			return false;
		}
		/* C1 controls as UTF-8 (U+0080..U+009F) */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return false;
	}
	return nl == lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor cur = { .off = 0 };
	char *str[NSTR] = { NULL };
	const char *s[NSTR];
	struct nsw_container ctr;
	struct nsw_process proc, parent, anc1;
	const struct nsw_process *anc[2] = { &anc1, &parent };
	struct nsw_label labels[3];
	struct nsw_ns_set host;
	struct nsw_event ev;
	struct nsw_stats st;
	struct encode_ctx ctx;
	struct strbuf sb = STRBUF_INIT;
	size_t i, pos, hdr = size < HDR ? size : HDR;
	int r, k;
	bool color;

	memcpy(cur.hdr, data, hdr);
	pos = hdr;
	for (k = 0; k < NSTR; k++) {
		const uint8_t *e;
		size_t n;

		if (pos >= size) {
			s[k] = "";
			continue;
		}
		e = memchr(data + pos, 0, size - pos);
		n = e ? (size_t)(e - (data + pos)) : size - pos;
		str[k] = malloc(n + 1);
		if (!str[k])
			abort();
		memcpy(str[k], data + pos, n);
		str[k][n] = '\0';
		s[k] = str[k];
		pos += n + 1;
	}

	memset(&ctr, 0, sizeof(ctr));
	nsw_strlcpy(ctr.id, s[5], sizeof(ctr.id));
	nsw_strlcpy(ctr.runtime, s[6], sizeof(ctr.runtime));
	nsw_strlcpy(ctr.name, s[7], sizeof(ctr.name));
	nsw_strlcpy(ctr.image, s[8], sizeof(ctr.image));
	nsw_strlcpy(ctr.image_id, s[9], sizeof(ctr.image_id));
	nsw_strlcpy(ctr.pod_name, s[10], sizeof(ctr.pod_name));
	nsw_strlcpy(ctr.pod_namespace, s[11], sizeof(ctr.pod_namespace));
	nsw_strlcpy(ctr.pod_uid, s[12], sizeof(ctr.pod_uid));
	nsw_strlcpy(ctr.workload, s[13], sizeof(ctr.workload));
	nsw_strlcpy(ctr.workload_kind, s[14], sizeof(ctr.workload_kind));
	for (i = 0; i < 3; i++) {
		labels[i].key = (char *)s[15 + i];
		labels[i].value = (char *)s[18 + i];
	}
	ctr.labels = labels;
	ctr.n_labels = take(&cur, 1) % 4;
	ctr.start_time_ns = take(&cur, 8);
	ctr.privileged = take(&cur, 1) & 1;

	memset(&proc, 0, sizeof(proc));
	proc.pid = (uint32_t)take(&cur, 4);
	proc.tid = (uint32_t)take(&cur, 4);
	proc.ppid = (uint32_t)take(&cur, 4);
	proc.uid = (uint32_t)take(&cur, 4);
	proc.auid = (uint32_t)take(&cur, 4);
	proc.ktime = take(&cur, 8);
	proc.parent_ktime = take(&cur, 8);
	proc.start_time_ns = take(&cur, 8);
	proc.flags = (uint32_t)take(&cur, 1);
	proc.caps_known = take(&cur, 1) & 1;
	proc.cap_permitted = take(&cur, 8);
	proc.cap_effective = proc.cap_permitted ^ take(&cur, 2);
	proc.ns_known = take(&cur, 1) & 1;
	for (k = 0; k < NSW_NS_COUNT; k++)
		proc.ns.inum[k] = (uint32_t)take(&cur, 1);
	proc.container_pid = (uint32_t)take(&cur, 2);
	proc.in_init_tree = take(&cur, 1) & 1;
	proc.binary = (char *)s[0];
	proc.arguments = (char *)s[1];
	proc.cwd = (char *)s[2];
	proc.ctr = take(&cur, 1) & 1 ? &ctr : NULL;
	parent = proc;
	parent.pid = proc.ppid;
	parent.binary = (char *)s[21];
	anc1 = parent;
	anc1.pid = (uint32_t)take(&cur, 1);
	anc1.ctr = NULL;

	memset(&host, 0, sizeof(host));
	for (k = 0; k < NSW_NS_COUNT; k++)
		host.inum[k] = (uint32_t)(take(&cur, 1) & 3);

	memset(&ev, 0, sizeof(ev));
	ev.type = (enum nsw_event_type)(take(&cur, 1) % 3);
	ev.time_ns = take(&cur, 8);
	ev.proc = &proc;
	ev.parent = take(&cur, 1) & 1 ? &parent : NULL;
	ev.ancestors = anc;
	ev.n_ancestors = take(&cur, 1) % 3;
	ev.signal = s[22][0] ? s[22] : NULL;
	ev.status = (uint32_t)take(&cur, 1);
	ev.syscall = (enum nsw_syscall)(take(&cur, 1) % 7);
	ev.nargs = (int)(take(&cur, 1) % 4);
	ev.args[0] = (int32_t)take(&cur, 4);
	ev.args[1] = (int32_t)take(&cur, 4);
	ev.ret_known = take(&cur, 1) & 1;
	ev.ret = (int32_t)take(&cur, 4);
	ev.action = (enum nsw_action)(take(&cur, 1) & 1);
	ev.clone_flags = take(&cur, 8);
	ev.backend = s[23];
	ev.success_known = take(&cur, 1) & 1;
	ev.success = take(&cur, 1) & 1;
	ev.ns_types_known = take(&cur, 1) & 1;
	ev.ns_types = (uint32_t)take(&cur, 4);
	for (k = 0; k < NSW_NS_COUNT; k++) {
		ev.ns_change[k].changed = take(&cur, 1) & 1;
		ev.ns_change[k].to = (uint32_t)k;
		ev.ns_change[k].to_is_host = k & 1;
	}
	ev.verdict = (enum nsw_verdict)(take(&cur, 1) % 7);
	ev.container_process = take(&cur, 1) & 1;
	ev.n_alerts = (int)(take(&cur, 1) % (NSW_MAX_ALERTS + 1));
	for (k = 0; k < ev.n_alerts; k++) {
		ev.alerts[k].rule = (enum nsw_rule)(take(&cur, 1) %
						    NSW_RULE_COUNT);
		ev.alerts[k].severity = (enum nsw_severity)(take(&cur, 1) % 4);
		nsw_strlcpy(ev.alerts[k].message, s[(k % 3) + 2],
			    sizeof(ev.alerts[k].message));
	}
	ev.enforced = s[4][0] ? s[4] : NULL;
	color = take(&cur, 1) & 1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.node_name = s[3];
	ctx.cluster_name = s[4];
	ctx.host_ns = take(&cur, 1) & 1 ? &host : NULL;
	ctx.syscall_prefix = take(&cur, 1) & 1 ? s[6] : NULL;

	r = encode_json_event(&sb, &ctx, &ev);
	if (r == 0 && !json_line_ok(sb.buf, sb.len))
		abort();
	if (r < 0 && r != -E2BIG)
		abort();
	strbuf_reset(&sb);
	r = encode_compact_event(&sb, &ctx, &ev, color);
	if (r == 0 && !compact_ok(sb.buf, sb.len, 1 + ev.n_alerts, color))
		abort();
	if (r < 0 && r != -E2BIG)
		abort();
	strbuf_reset(&sb);

	memset(&st, 0, sizeof(st));
	st.events[0] = proc.ktime;
	st.ringbuf_drops = ev.clone_flags;
	r = encode_json_stats(&sb, &ctx, &st, ev.time_ns);
	if (r != 0 || !json_line_ok(sb.buf, sb.len))
		abort();

	strbuf_release(&sb);
	for (k = 0; k < NSTR; k++)
		free(str[k]);
	return 0;
}
