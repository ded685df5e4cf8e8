/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nswatch.conf parser: syntax, keys against an option table, lines. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config-file.h"
#include "tap.h"

static const struct option opts[] = {
	{ "output", required_argument, NULL, 1 },
	{ "output-queue", required_argument, NULL, 2 },
	{ "cluster-name", required_argument, NULL, 3 },
	{ "enforce", no_argument, NULL, 4 },
	{ "alerts-only", no_argument, NULL, 5 },
	{ "maybe", optional_argument, NULL, 6 },
	{ "config", required_argument, NULL, 7 },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static struct config_file cf;
static unsigned int eline;
static char err[256];

static int parse(const char *s)
{
	config_file_free(&cf);
	return config_parse(&cf, s, strlen(s), opts, &eline, err, sizeof(err));
}

/* The error line and that the reason contains want. */
static void bad(const char *s, unsigned int line, const char *want,
		const char *what)
{
	int r = parse(s);

	is_int(r, -EINVAL, "%s: refused", what);
	is_int(eline, line, "%s: line %u", what, line);
	if (!ok(strstr(err, want) != NULL, "%s: says '%s'", what, want))
		diag("  got '%s'", err);
	is_int(cf.n, 0, "%s: nothing kept", what);
}

static void test_syntax(void)
{
	char *a;

	is_int(parse("# a comment\n\n   \t\n  # indented\n"
		     "output = /var/log/x.json\n"
		     "\toutput-queue\t=\t7   \n"
		     "cluster-name=prod # trailing comment\n"
		     "enforce = yes\r\n"
		     "alerts-only = False"), 0, "a file of every form");
	is_int(cf.n, 5, "five settings");
	is_str(cf.e[0].opt->name, "output", "key");
	is_str(cf.e[0].value, "/var/log/x.json", "value");
	is_int(cf.e[0].line, 5, "line of the first setting");
	is_str(cf.e[1].value, "7", "tabs around = and value");
	is_int(cf.e[1].line, 6, "its line");
	is_str(cf.e[2].value, "prod", "trailing comment cut, blanks too");
	is_str(cf.e[3].value, "yes", "CR before the newline dropped");
	ok(cf.e[3].on, "enforce on");
	is_str(cf.e[4].value, "no", "False spelled no");
	ok(!cf.e[4].on, "alerts-only off");
	is_int(cf.e[4].line, 9, "last line without a newline");

	a = config_entry_arg(&cf.e[0]);
	is_str(a, "--output=/var/log/x.json", "argument of a setting");
	free(a);
	a = config_entry_arg(&cf.e[3]);
	is_str(a, "--enforce", "argument of a flag set to yes");
	free(a);
	errno = EBADF;
	a = config_entry_arg(&cf.e[4]);
	ok(!a && errno == 0, "no argument for a flag set to no");

	is_int(parse("output = /srv/a#b\n"), 0, "# inside a word");
	is_str(cf.e[0].value, "/srv/a#b", "is kept");
	is_int(parse("cluster-name = \" two words # \"  # comment\n"), 0,
	       "quoted value");
	is_str(cf.e[0].value, " two words # ", "keeps blanks and #");
	is_int(parse("cluster-name = \"a\\\"b\\\\c\"\n"), 0, "escapes");
	is_str(cf.e[0].value, "a\"b\\c", "unescaped");
	is_int(parse("cluster-name = x = y\n"), 0, "= inside a value");
	is_str(cf.e[0].value, "x = y", "is kept");
	is_int(parse("maybe =\n"), 0, "optional argument left empty");
	a = config_entry_arg(&cf.e[0]);
	is_str(a, "--maybe", "is the bare option");
	free(a);
	is_int(parse(""), 0, "empty file");
	is_int(cf.n, 0, "no settings");
	is_int(parse("enforce = TRUE\nenforce = No\n"), 0, "repeated flag");
	ok(cf.n == 2 && cf.e[0].on && !cf.e[1].on, "both kept, in order");
}

static void test_errors(void)
{
	char *big;
	size_t i;

	bad("output = a\nbogus = 1\n", 2, "unknown setting 'bogus'",
	    "unknown key");
	bad("\n\ncluster_name = x\n", 3, "use '-'", "underscore key");
	bad("output /x\n", 1, "expected `output = value`", "no =");
	bad("= x\n", 1, "expected `key = value`", "no key");
	bad("enforce = maybe\n", 1, "yes, no, true or false", "bad flag");
	bad("enforce =\n", 1, "yes, no, true or false", "empty flag");
	bad("output =   # nothing\n", 1, "needs a value", "empty value");
	bad("output = \"\"\n", 1, "needs a value", "empty quotes");
	bad("config = /etc/other\n", 1, "cannot be set", "config key");
	bad("help = yes\n", 1, "cannot be set", "help key");
	bad("output = \"/x\n", 1, "closing quote", "open quote");
	bad("output = \"/x\" y\n", 1, "after the closing quote", "text after");
	bad("output = \"\\n\"\n", 1, "may be escaped", "bad escape");
	bad("ok = 1\n", 1, "unknown setting", "first line");
	bad("output = a\x01" "b\n", 1, "control character 0x01", "control");
	bad("# fine\noutput = a\x7f\n", 2, "control character 0x7f", "DEL");
	{
		static const char nul[] = "output = a\n\noutput = b\0c\n";

		config_file_free(&cf);
		is_int(config_parse(&cf, nul, sizeof(nul) - 1, opts, &eline,
				    err, sizeof(err)), -EINVAL, "NUL byte");
		is_int(eline, 3, "NUL byte: line 3");
	}
	/* keys longer than any option are refused, not truncated */
	big = malloc(CONFIG_LINE_MAX * 2 + 64);
	if (!big)
		abort();
	memset(big, 'k', 100);
	memcpy(big + 100, " = 1\n", 6);
	bad(big, 1, "key too long", "long key");

	/* a line of exactly CONFIG_LINE_MAX bytes is fine, one more not */
	memcpy(big, "# ok\noutput = ", 14);
	for (i = 14; i < 5 + CONFIG_LINE_MAX; i++)
		big[i] = 'x';
	big[i++] = '\n';
	big[i] = '\0';
	is_int(parse(big), 0, "line of %u bytes", CONFIG_LINE_MAX);
	is_int(strlen(cf.e[0].value), CONFIG_LINE_MAX - 9, "value kept whole");
	big[i - 1] = 'x';
	big[i++] = '\n';
	big[i] = '\0';
	bad(big, 2, "longer than 4096", "overlong line");
	/* the same without a newline at the end */
	big[i - 1] = '\0';
	bad(big, 2, "longer than 4096", "overlong last line");
	free(big);

	/* at most CONFIG_MAX_ENTRIES settings */
	big = malloc((CONFIG_MAX_ENTRIES + 1) * 16 + 1);
	if (!big)
		abort();
	for (i = 0; i < CONFIG_MAX_ENTRIES; i++)
		memcpy(big + i * 14, "enforce = yes\n", 14);
	big[i * 14] = '\0';
	is_int(parse(big), 0, "%u settings", CONFIG_MAX_ENTRIES);
	memcpy(big + i * 14, "enforce = no\n", 14);
	bad(big, CONFIG_MAX_ENTRIES + 1, "more than", "one setting too many");
	free(big);
}

int main(void)
{
	test_syntax();
	test_errors();
	config_file_free(&cf);
	return done_testing();
}
