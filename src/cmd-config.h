/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nswatch.conf for a command's options: the file's settings become
 * `--key=value` arguments placed before the real ones, so the command's
 * own getopt_long loop validates them and the command line wins; and
 * `nswatch config` (check, show, get), which runs that same loop.
 */
#ifndef NSWATCH_CMD_CONFIG_H
#define NSWATCH_CMD_CONFIG_H

#include <getopt.h>

#define CONFIG_DEFAULT_PATH SYSCONFDIR "/nswatch/nswatch.conf"

/* Find --config FILE (or --config=FILE) in *argv and take it out, read
 * FILE (else CONFIG_DEFAULT_PATH when it exists) and replace *argc and *argv
 * with argv[0], the file's settings as arguments, then the remaining
 * real arguments.  opts is the command's getopt_long table, kept for
 * config_seen.  The new argv lives until exit (options point into it).
 * 0, or -errno after printing the reason with cmd and FILE[:LINE]. */
int config_merge(int *argc, char ***argv, const struct option *opts,
		 const char *cmd);
/* Call first thing for every option getopt_long returns: c, optarg and
 * optind.  Records where each setting came from, for `config show` and
 * for config_blame. */
void config_seen(int c, const char *arg, int optind);
/* Call once the options are parsed and checked.  -1: go on; otherwise
 * `config check|show|get` is done and this is the exit status. */
int config_options_done(void);
/* After a usage error: when the option being parsed came from the file,
 * say which FILE:LINE on stderr (once). */
void config_blame(void);

#endif
