/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `--backend=auto|bpf|audit`: which backend runs, and why. */
#ifndef NSWATCH_BACKEND_CHOOSE_H
#define NSWATCH_BACKEND_CHOOSE_H

#include <stddef.h>

#include "backend.h"
#include "options.h"

/* Choose by o->backend.  Returns 0 with *ops set and a reason in why,
 * or -errno (unknown name, forced backend unusable) with the reason. */
int backend_choose(const struct nsw_options *o, const struct backend_ops **ops,
		   char *why, size_t whylen);

#endif
