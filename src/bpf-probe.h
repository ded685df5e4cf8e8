/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What this kernel allows for eBPF, for `nswatch probe` and for the
 * backend's diagnostics.  bpf-probe.c asks the kernel; bpf-probe-none.c
 * (--disable-bpf) reports everything as not built.
 */
#ifndef NSWATCH_BPF_PROBE_H
#define NSWATCH_BPF_PROBE_H

#include <stdbool.h>

enum bpf_feat {
	BPF_FEAT_BTF,		/* kernel BTF readable (CO-RE) */
	BPF_FEAT_PROG_TRACEPOINT, /* trivial BPF_PROG_TYPE_TRACEPOINT loads */
	BPF_FEAT_PROG_SOCKET_FILTER, /* trivial SOCKET_FILTER loads */
	BPF_FEAT_RINGBUF,	/* BPF_MAP_TYPE_RINGBUF can be created */
	BPF_FEAT_TP_BTF,	/* tp_btf program loads and attaches */
	BPF_FEAT_TRACEFS,	/* syscalls:* tracepoint ids readable */
	BPF_FEAT_LSM,		/* BPF LSM program loads and attaches */
	BPF_FEAT_SEND_SIGNAL,	/* bpf_send_signal() helper available */
	BPF_FEAT_COUNT
};

#define BPF_FEAT_NOTE_LEN 128

struct bpf_features {
	bool built;			/* false: built with --disable-bpf */
	int result[BPF_FEAT_COUNT];	/* 0 available, else -errno */
	char note[BPF_FEAT_COUNT][BPF_FEAT_NOTE_LEN]; /* why, when failed */
};

/* Stable short name of a feature ("btf", "ringbuf", ...). */
static inline const char *bpf_feature_name(enum bpf_feat f)
{
	static const char *const names[BPF_FEAT_COUNT] = {
		"btf", "prog_tracepoint", "prog_socket_filter", "ringbuf",
		"tp_btf", "tracefs", "lsm", "send_signal",
	};

	return (unsigned)f < BPF_FEAT_COUNT ? names[f] : "?";
}

/*
 * Probe every feature; each probe loads (and for tp_btf and LSM briefly
 * attaches) a program that does nothing.  Needs root (CAP_BPF).  Returns
 * 0 with the results in *f, or -ENOTSUP when built without eBPF (f->built
 * false, every result -ENOTSUP).
 */
int bpf_probe_features(struct bpf_features *f);

/*
 * libbpf message routing, used by backend-bpf.c (eBPF builds only):
 * messages go to log.h at debug level; the first warning since the last
 * reset is kept so a failure can be explained in one line.
 */
void bpf_libbpf_log_init(void);
void bpf_libbpf_log_reset(void);
const char *bpf_libbpf_first_warning(void);	/* "" when none */

#endif
