/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Subcommand entry points: each returns the process exit status. */
#ifndef NSWATCH_COMMANDS_H
#define NSWATCH_COMMANDS_H

int cmd_monitor(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_config(int argc, char **argv);

/* Exit statuses. */
#define NSW_EXIT_OK 0
#define NSW_EXIT_FAIL 1		/* runtime failure */
#define NSW_EXIT_USAGE 2	/* bad command line or input */
#define NSW_EXIT_BUSY 3		/* monitor: another one holds --lock-file */

#endif
