/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The encoder's process memo stays bounded: parents with long arguments
 * through every slot, then short ones through the same slots.  Each slot
 * used to keep the largest buffer it ever needed (an eBPF soak's RSS grew
 * by 9 MB in 30 minutes); the lines must be the same with the memo as
 * without it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode-json.h"
#include "strbuf.h"
#include "tap.h"

static char big_args[6000];

static void proc_init(struct nsw_process *p, uint32_t pid, const char *args)
{
	memset(p, 0, sizeof(*p));
	p->pid = p->tid = pid;
	p->ppid = 1;
	p->ktime = 1000000000ull * pid;
	p->parent_ktime = 1;
	p->start_time_ns = 1700000000000000000ull + p->ktime;
	p->binary = (char *)"/bin/sh";
	p->arguments = (char *)args;
	p->cwd = (char *)"/";
	p->flags = NSW_PF_EXECVE;
}

/* One exec line per pid in [from, to): a child of a parent with
 * arguments `args`; with and without the memo.  False when a line
 * differs. */
static bool lines(struct encode_memo *m, uint32_t from, uint32_t to,
		  const char *args)
{
	struct encode_ctx with = { .node_name = "n", .memo = m };
	struct encode_ctx without = { .node_name = "n" };
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct nsw_process child, parent;
	struct nsw_event ev;
	bool same = true;
	uint32_t pid;

	for (pid = from; pid < to && same; pid++) {
		proc_init(&parent, pid, args);
		proc_init(&child, pid + 100000, "-c true");
		child.ppid = pid;
		child.parent_ktime = parent.ktime;
		memset(&ev, 0, sizeof(ev));
		ev.type = NSW_EV_EXEC;
		ev.time_ns = child.start_time_ns;
		ev.proc = &child;
		ev.parent = &parent;
		ev.backend = "bpf";
		strbuf_reset(&a);
		strbuf_reset(&b);
		/* twice: the second is written from the memo */
		if (encode_json_event(&a, &with, &ev) < 0 ||
		    encode_json_event(&a, &with, &ev) < 0 ||
		    encode_json_event(&b, &without, &ev) < 0 ||
		    encode_json_event(&b, &without, &ev) < 0)
			same = false;
		else
			same = a.len == b.len && !memcmp(a.buf, b.buf, a.len);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	return same;
}

int main(void)
{
	struct encode_memo *m = encode_memo_new();
	size_t bytes, big;
	uint64_t full;

	if (!m) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	memset(big_args, 'x', sizeof(big_args) - 1);
	ok(lines(m, 1, 3000, big_args),
	   "parents with 6000-byte arguments: the same lines with the memo");
	encode_memo_usage(m, &bytes, &full);
	big = bytes;
	ok(bytes <= (4u << 20), "the memo holds at most 4 MiB (%zu bytes)",
	   bytes);
	ok(full > 0, "processes past the cap are counted (%llu)",
	   (unsigned long long)full);
	ok(lines(m, 1, 3000, "-c short"),
	   "short arguments through the same slots: the same lines");
	encode_memo_usage(m, &bytes, &full);
	ok(bytes < big / 4,
	   "a slot gives back what it no longer needs (%zu bytes, was %zu)",
	   bytes, big);
	encode_memo_free(m);
	return done_testing();
}
