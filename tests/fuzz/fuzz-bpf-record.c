/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: bpf_decode() on arbitrary ring-buffer samples, and
 * bpf_decode_flood() on the same bytes read as one or two `floods` map
 * values (current, previous). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf-decode.h"
#include "fuzz.h"
#include "nswatch-events.h"

static const uint8_t *lo, *hi;
static volatile unsigned sink;

/* Every byte string must lie inside the input; read it all so ASan
 * notices any overrun. */
static void check_bytes(const struct nsw_bytes *b)
{
	size_t i;

	if (!b->p) {
		if (b->len)
			abort();
		return;
	}
	if ((const uint8_t *)b->p < lo || b->len > (size_t)(hi - lo) ||
	    (const uint8_t *)b->p + b->len > hi)
		abort();
	for (i = 0; i < b->len; i++)
		sink += (unsigned char)b->p[i];
}

static void fuzz_flood(const uint8_t *data, size_t size)
{
	static const struct nsw_raw zero;
	const size_t v = sizeof(struct nsw_bpf_flood);
	const uint8_t *prev = size >= 2 * v ? data + v : NULL;
	struct nsw_raw raw;
	int i, r;

	r = bpf_decode_flood(data, size >= v ? v : size, prev, 7, 1000, &raw);
	if (r != 1) {
		if ((r != 0 && r != -EINVAL) || memcmp(&raw, &zero, sizeof(raw)))
			abort();	/* nothing, or an error: nothing left */
		return;
	}
	if (raw.type != NSW_RAW_AGGREGATE || raw.agg.mnt_ns != 7)
		abort();
	for (i = 0; i < NSW_AGG_COUNT; i++)
		if (raw.agg.failed[i] > raw.agg.calls[i])
			abort();
	if (raw.comm.len > 16 || raw.cgroup_name.len > 128)
		abort();
	check_bytes(&raw.comm);
	check_bytes(&raw.cgroup_name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nsw_raw raw;
	int i;

	lo = data;
	hi = data + size;
	fuzz_flood(data, size);
	if (bpf_decode(data, size, &raw) < 0) {
		static const struct nsw_raw zero;

		if (memcmp(&raw, &zero, sizeof(raw)))
			abort();	/* errors leave nothing behind */
		return 0;
	}
	if (raw.argc < 0 || raw.argc > NSW_RAW_MAX_ARGS)
		abort();
	if (raw.comm.len > 16 || raw.cgroup_name.len > 128)
		abort();
	check_bytes(&raw.comm);
	check_bytes(&raw.cgroup_name);
	check_bytes(&raw.binary);
	check_bytes(&raw.cwd);
	for (i = 0; i < raw.argc; i++)
		check_bytes(&raw.argv[i]);
	if (raw.type == NSW_RAW_EXIT &&
	    (raw.exit_code < 0 || raw.exit_code > 255 ||
	     raw.exit_signal < 0 || raw.exit_signal > 127))
		abort();
	if (raw.type == NSW_RAW_NSCALL && raw.syscall != NSW_SC_SETNS &&
	    raw.syscall != NSW_SC_UNSHARE && raw.syscall != NSW_SC_CLONE &&
	    raw.syscall != NSW_SC_CLONE3)
		abort();
	if (raw.type == NSW_RAW_SYSCALL &&
	    (!nsw_syscall_is_escape(raw.syscall) || raw.n_args < 0 ||
	     raw.n_args > 3))
		abort();
	return 0;
}
