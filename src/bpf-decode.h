/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ring-buffer records of the eBPF backend (bpf/nswatch-events.h) to
 * struct nsw_raw.  Pure: no I/O, no logging, no allocation.
 */
#ifndef NSWATCH_BPF_DECODE_H
#define NSWATCH_BPF_DECODE_H

#include <stddef.h>

#include "raw-event.h"

/*
 * Decode one record of len bytes at data into *raw (overwritten
 * entirely).  The byte strings in raw (comm, binary, argv, cwd, cgroup
 * name) point into data, which must stay valid while raw is used.
 * Returns 0, or -EINVAL when the record is short, has a size, version,
 * type or length field that does not match, or names an unknown syscall;
 * *raw is then all zero.
 */
int bpf_decode(const void *data, size_t len, struct nsw_raw *raw);

/*
 * Decode one value of the `floods` map (struct nsw_bpf_flood, len bytes
 * at cur) into an NSW_RAW_AGGREGATE: the calls held and the records
 * dropped since prev, the same entry's value at the previous read (NULL:
 * none; a value whose counters are below prev's is a new entry made after
 * an eviction and counts from zero).  mnt_ns is the entry's key,
 * interval_ms the time since the previous read.  The process fields come
 * from cur's header, or from prev's when cur's is being rewritten (both
 * invalid: pid 0).  Strings point into cur or prev.
 * Returns 1 when something was held or dropped since prev, 0 when
 * nothing was (raw all zero), -EINVAL when len is wrong.
 */
int bpf_decode_flood(const void *cur, size_t len, const void *prev,
		     uint32_t mnt_ns, uint32_t interval_ms,
		     struct nsw_raw *raw);

#endif
