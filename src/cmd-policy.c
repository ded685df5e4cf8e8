/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch policy check FILE` / `nswatch policy show [FILE]`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "policy.h"

int cmd_policy(int argc, char **argv)
{
	char err[512], text[64 << 10];
	struct policy pol;
	const char *path;
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: nswatch policy check FILE   validate a policy file\n"
			"       nswatch policy show [FILE]  print the effective policy\n"
			"                                   (default %s)\n",
			POLICY_DEFAULT_PATH);
		return argc < 2 ? NSW_EXIT_USAGE : NSW_EXIT_OK;
	}
	if (strcmp(argv[1], "check") && strcmp(argv[1], "show")) {
		fprintf(stderr, "nswatch policy: unknown action '%s' (check, "
			"show)\n", argv[1]);
		return NSW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "check") && argc != 3) {
		fprintf(stderr, "nswatch policy check: give one FILE\n");
		return NSW_EXIT_USAGE;
	}
	if (argc > 3) {
		fprintf(stderr, "nswatch policy: too many arguments\n");
		return NSW_EXIT_USAGE;
	}
	path = argc == 3 ? argv[2] : NULL;
	policy_init(&pol);
	if (path) {
		r = policy_load(&pol, path, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "nswatch policy: %s\n", err);
			policy_free(&pol);
			return NSW_EXIT_USAGE;
		}
	}
	if (!strcmp(argv[1], "check")) {
		size_t i, warned = 0;

		for (i = 0; i < pol.n_allow; i++) {
			if (!policy_allow_too_broad(&pol.allow[i], err,
						    sizeof(err)))
				continue;
			fprintf(stderr, "nswatch policy: %s:%u: warning: %s\n",
				path, pol.allow[i].line, err);
			warned++;
		}
		printf("%s: OK (%zu allow entries, %zu warnings)\n", path,
		       pol.n_allow, warned);
	} else if (policy_dump(&pol, text, sizeof(text)) == 0) {
		fputs(text, stdout);
	}
	policy_free(&pol);
	return NSW_EXIT_OK;
}
