/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nswatch: container-escape monitor.  Subcommand dispatch. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd-config.h"
#include "commands.h"
#include "log.h"
#include "util.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "monitor", cmd_monitor, "watch namespace changes on this host" },
	{ "replay", cmd_replay, "turn audit.log files into events" },
	{ "ps", cmd_ps, "snapshot processes with container and pod" },
	{ "probe", cmd_probe, "report kernel features and backend choice" },
	{ "rules", cmd_rules, "print or check nswatch's audit rules" },
	{ "policy", cmd_policy, "check or show the detection policy" },
	{ "config", cmd_config, "check or show nswatch.conf settings" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: nswatch <command> [options]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name,
			subcommands[i].help);
	fprintf(f, "\n'nswatch <command> --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;
	int r;

	/* `nswatch replay | head': a reader that quits ends us quietly
	 * (status 141 in the shell), as it ends any filter, even when our
	 * parent left SIGPIPE ignored; the monitor ignores it on its own
	 * and counts the lines lost */
	signal(SIGPIPE, SIG_DFL);
	/* stderr, syslog or the journal, until --log says otherwise */
	log_set_dest_spec("auto");
	if (argc < 2) {
		usage(stderr);
		return NSW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return NSW_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("nswatch %s\n", PACKAGE_VERSION);
		return NSW_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name)) {
			r = subcommands[i].fn(argc - 1, argv + 1);
			/* a bad value from nswatch.conf: name its line */
			if (r == NSW_EXIT_USAGE)
				config_blame();
			return r;
		}
	fprintf(stderr, "nswatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NSW_EXIT_USAGE;
}
