/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend-choose.h"

int backend_choose(const struct nsw_options *o, const struct backend_ops **ops,
		   char *why, size_t whylen)
{
	int which = options_word(NSW_WORDS_BACKEND, o->backend);
	char reason[256] = "";
	int r;

	if (which == NSW_BACKEND_AUDIT) {
		*ops = &backend_audit_ops;
		snprintf(why, whylen, "--backend=audit requested");
		return 0;
	}
	if (which < 0) {
		snprintf(why, whylen, "unknown backend '%s' (auto, bpf, audit)",
			 o->backend);
		return -EINVAL;
	}
	r = backend_bpf_ops.probe(o, reason, sizeof(reason));
	if (r == 0) {
		*ops = &backend_bpf_ops;
		snprintf(why, whylen, "eBPF: %s", reason);
		return 0;
	}
	if (which == NSW_BACKEND_BPF) {
		snprintf(why, whylen, "--backend=bpf unusable: %s", reason);
		return r;
	}
	*ops = &backend_audit_ops;
	snprintf(why, whylen, "audit, because eBPF is unavailable: %s", reason);
	return 0;
}
