/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Options shared by `monitor` and `replay` (output, naming, filters). */
#ifndef NSWATCH_CLI_H
#define NSWATCH_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "options.h"

/* getopt_long ids 200..229 are the common options. */
#define CLI_COMMON_FIRST 200

/* Copy the common options and then `own` (not terminated) into dst,
 * terminated.  max is dst's capacity. */
void cli_build_longopts(struct option *dst, size_t max,
			const struct option *own, size_t n_own);
/* Handle a common option.  0 handled; -ENOENT not a common option (or
 * getopt's '?'); -EINVAL bad value (message printed to stderr). */
int cli_common_option(struct nsw_options *o, int c, const char *arg,
		      const char *cmd);
/* The default: of a command's option loop: a common option, else a
 * usage error, with usage(stderr) for an option it does not know.  0
 * handled, else the exit status (NSW_EXIT_USAGE). */
int cli_other_option(struct nsw_options *o, int c, const char *arg,
		     const char *cmd, void (*usage)(FILE *f));
/* Load --policy FILE, else the default file when it exists, else the
 * built-in defaults.  0, or -errno after printing the reason. */
struct policy;
int cli_load_policy(const struct nsw_options *o, struct policy *pol,
		    const char *cmd);
/* Open --output (stdout by default) with its write-behind; NULL after
 * printing the reason. */
struct output;
struct output *cli_open_output(const struct nsw_options *o, const char *cmd);
/* Help text of the common options. */
const char *cli_common_help(void);

#endif
