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

#endif
