/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nswatch.conf parser (pure: no file access, no logging).
 *
 * A line is `key = value`, where key is the name of a long option of the
 * command reading the file (without "--") and value what that option
 * takes on the command line.  An option without an argument (a flag)
 * takes yes, no, true or false.  `#` starts a comment at the start of a
 * line or after whitespace; a value may be written in double quotes to
 * keep a leading or trailing blank or a " #" (\" and \\ inside).  The
 * parser checks keys against the option table; values are checked later
 * by the command's own option parser, so one place validates each.
 */
#ifndef NSWATCH_CONFIG_FILE_H
#define NSWATCH_CONFIG_FILE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest line, newline excluded. */
#define CONFIG_LINE_MAX 4096
/* Most settings a file may hold (repeats count). */
#define CONFIG_MAX_ENTRIES 1024
/* Largest file accepted. */
#define CONFIG_FILE_MAX (1u << 20)

struct config_entry {
	const struct option *opt;	/* in the table given to config_parse */
	char *value;			/* unquoted; "yes"/"no" for a flag */
	bool on;			/* flag: yes/true */
	unsigned int line;		/* 1-based */
};

struct config_file {
	struct config_entry *e;
	size_t n;
};

/* Parse len bytes of buf (need not be NUL-terminated) against opts,
 * a getopt_long table ended by an entry whose name is NULL.  Options
 * named "help" and "config" are refused as keys.  0 with *cf filled
 * (free with config_file_free), or -EINVAL with *err_line set to the
 * offending line and the reason in err, or -ENOMEM.  On error *cf is
 * left empty. */
int config_parse(struct config_file *cf, const char *buf, size_t len,
		 const struct option *opts, unsigned int *err_line,
		 char *err, size_t errlen);
void config_file_free(struct config_file *cf);
/* The command-line argument an entry stands for: "--key=value", or
 * "--key" for a flag set to yes, or NULL for a flag set to no (errno 0)
 * or on ENOMEM (errno set).  Caller frees. */
char *config_entry_arg(const struct config_entry *e);
/* The option of opts named exactly name, or NULL. */
const struct option *config_find_option(const struct option *opts,
					const char *name);

#endif
