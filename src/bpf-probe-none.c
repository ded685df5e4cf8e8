/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Feature probe of a build made with --disable-bpf: nothing was built. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf-probe.h"

int bpf_probe_features(struct bpf_features *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->built = false;
	for (i = 0; i < BPF_FEAT_COUNT; i++) {
		f->result[i] = -ENOTSUP;
		snprintf(f->note[i], sizeof(f->note[i]),
			 "built with --disable-bpf");
	}
	return -ENOTSUP;
}

void bpf_libbpf_log_init(void)
{
}

void bpf_libbpf_log_reset(void)
{
}

const char *bpf_libbpf_first_warning(void)
{
	return "";
}
