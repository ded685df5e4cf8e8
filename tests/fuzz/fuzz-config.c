/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: config_parse (nswatch.conf). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-file.h"
#include "fuzz.h"

static const struct option opts[] = {
	{ "output", required_argument, NULL, 1 },
	{ "output-queue", required_argument, NULL, 2 },
	{ "enforce", no_argument, NULL, 3 },
	{ "maybe", optional_argument, NULL, 4 },
	{ "config", required_argument, NULL, 5 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* What the monitor relies on, whatever the input. */
static void check(const struct config_file *cf)
{
	unsigned int prev = 0;
	size_t i;
	char *a;

	if (cf->n > CONFIG_MAX_ENTRIES)
		abort();
	for (i = 0; i < cf->n; i++) {
		const struct config_entry *e = &cf->e[i];
		const unsigned char *v;

		if (e->opt < opts || e->opt >= opts + 6 || !e->value)
			abort();
		if (!strcmp(e->opt->name, "config") ||
		    !strcmp(e->opt->name, "help"))
			abort();
		if (e->line <= prev)
			abort();
		prev = e->line;
		if (strlen(e->value) > CONFIG_LINE_MAX)
			abort();
		for (v = (const unsigned char *)e->value; *v; v++)
			if ((*v < 0x20 && *v != '\t') || *v == 0x7f)
				abort();
		if (e->opt->has_arg == no_argument &&
		    strcmp(e->value, e->on ? "yes" : "no"))
			abort();
		if (e->opt->has_arg == required_argument && !*e->value)
			abort();
		/* the argument is one word: --name[=value] */
		errno = 0;
		a = config_entry_arg(e);
		if (!a) {
			if (errno || e->on || e->opt->has_arg != no_argument)
				abort();
			continue;
		}
		if (strncmp(a, "--", 2) ||
		    strncmp(a + 2, e->opt->name, strlen(e->opt->name)))
			abort();
		free(a);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_file cf;
	unsigned int line;
	char err[256];
	int r;

	r = config_parse(&cf, (const char *)data, size, opts, &line, err,
			 sizeof(err));
	if (r == 0) {
		check(&cf);
		config_file_free(&cf);
	} else if (r == -EINVAL) {
		if (cf.n || cf.e || line == 0 || !err[0] ||
		    !memchr(err, '\0', sizeof(err)))
			abort();
	} else if (r != -ENOMEM) {
		abort();
	}
	return 0;
}
