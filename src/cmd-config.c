/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nswatch.conf: reading the file and `nswatch config check|show|get`. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd-config.h"
#include "commands.h"
#include "config-file.h"
#include "policy.h"
#include "util.h"

enum config_mode { MODE_RUN, MODE_CHECK, MODE_SHOW, MODE_GET };

/* Where one option's effective value came from. */
struct origin {
	const char *value;	/* NULL: default */
	unsigned int line;	/* from the file when > 0 */
};

static struct {
	enum config_mode mode;
	const char *get_key;
	const char *cmd;
	const char *path;	/* the file read, NULL when none */
	bool explicit;		/* --config given */
	const struct option *opts;
	size_t n_opts;
	struct config_file cf;
	int synth_end;		/* argv index after the file's arguments */
	unsigned int *arg_line;	/* file line of each argv index < synth_end */
	struct origin *origin;	/* one per option of opts */
	bool *negated;		/* --no-FLAG on the command line */
	char **argv;		/* the merged argv, kept (and reachable) */
	int last_line;		/* line of the option being parsed, 0: none */
	const char *last_name;
	bool active, parsed;
} cfg;

/* Display of each option's default for `config show`.  Only for
 * display: the values themselves are set by options_init and the
 * command.  An option missing here shows "(built-in)". */
static const struct {
	const char *name, *value;
} defaults[] = {
	{ "backend", "auto" },
	{ "audit-source", "auto" },
	{ "exec-rules", "all" },
	{ "btf", "/sys/kernel/btf/vmlinux" },
	{ "bpf-hooks", "auto" },
	{ "ready-file", "(none)" },
	{ "stats-interval", "60" },
	{ "output-queue", "32" },
	{ "rate-limit", "20" },
	{ "node-name", "($NODE_NAME, else the hostname)" },
	{ "cluster-name", "default" },
	{ "procfs", "/proc" },
	{ "host-root", "(none)" },
	{ "output", "(stdout)" },
	{ "output-flush-after", "2" },
	{ "format", "json" },
	{ "pod", "(any)" },
	{ "namespace", "(any)" },
	{ "container", "(any)" },
	{ "event-types", "exec,exit,kprobe" },
	{ "policy", POLICY_DEFAULT_PATH " (when present)" },
	{ "output-max-size", "(off)" },
	{ "output-keep", "5" },
	{ "log", "auto" },
	{ "metrics-address", "(none)" },
	{ "metrics-textfile", "(none)" },
	{ "lock-file", "(none)" },
	{ "rt-priority", "0" },
	{ "sched-slice", "0" },
};

static const char *default_of(const struct option *o)
{
	size_t i;

	if (o->has_arg == no_argument)
		return "no";
	for (i = 0; i < ARRAY_SIZE(defaults); i++)
		if (!strcmp(defaults[i].name, o->name))
			return defaults[i].value;
	return "(built-in)";
}

/* Read path into a NUL-terminated buffer.  As root, the file must be
 * root's and writable by nobody else.  -errno with the reason in why. */
static int read_conf(const char *path, char **buf, size_t *len, char *why,
		     size_t whylen)
{
	struct stat st;
	size_t off = 0;
	ssize_t n;
	char *b;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(why, whylen, "%s", strerror(errno));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		r = -EINVAL;
		goto close_fd;
	}
	/* the file decides what a root daemon watches, where it writes and
	 * which processes it kills: whoever may write it is root */
	if (geteuid() == 0 && st.st_uid != 0) {
		snprintf(why, whylen, "refused: owned by uid %u, not root (its "
			 "settings decide what nswatch, running as root, "
			 "watches, writes and kills)", (unsigned)st.st_uid);
		r = -EPERM;
		goto close_fd;
	}
	if (geteuid() == 0 && (st.st_mode & 022)) {
		snprintf(why, whylen, "refused: writable by %s (mode %04o; its "
			 "settings decide what nswatch, running as root, "
			 "watches, writes and kills; chmod go-w)",
			 (st.st_mode & 002) ? "others" : "its group",
			 (unsigned)(st.st_mode & 07777));
		r = -EPERM;
		goto close_fd;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		snprintf(why, whylen, "larger than %u bytes", CONFIG_FILE_MAX);
		r = -EFBIG;
		goto close_fd;
	}
	b = malloc(CONFIG_FILE_MAX + 1);
	if (!b) {
		r = -ENOMEM;
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		goto close_fd;
	}
	/* read to EOF, not st_size: the file may change under us (a loop
	 * like container-meta.c's, but with the reason as text in why) */
	while (off <= CONFIG_FILE_MAX) {
		n = read(fd, b + off, CONFIG_FILE_MAX + 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			snprintf(why, whylen, "%s", strerror(errno));
			free(b);
			goto close_fd;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	if (off > CONFIG_FILE_MAX) {
		snprintf(why, whylen, "larger than %u bytes", CONFIG_FILE_MAX);
		free(b);
		r = -EFBIG;
		goto close_fd;
	}
	b[off] = '\0';
	*buf = b;
	*len = off;
	r = 0;
close_fd:
	close(fd);
	return r;
}

/* The option `--name` (exact, or getopt's unique abbreviation) names,
 * or NULL. */
static const struct option *match_long(const char *name, size_t n)
{
	const struct option *found = NULL;
	size_t i;

	for (i = 0; i < cfg.n_opts; i++) {
		if (strncmp(cfg.opts[i].name, name, n))
			continue;
		if (strlen(cfg.opts[i].name) == n)
			return &cfg.opts[i];
		if (found)
			return NULL;	/* ambiguous: getopt says so */
		found = &cfg.opts[i];
	}
	return found;
}

/* Take --config FILE / --config=FILE and --no-FLAG out of argv
 * (compacting it in place); -EINVAL after a message when --config lacks
 * its FILE or is given twice.  *help: -h or --help is among the
 * options. */
static int take_config_arg(int *argc, char **argv, const char **path,
			   bool *help)
{
	int i, o = 1;

	*path = NULL;
	*help = false;
	for (i = 1; i < *argc; i++) {
		const char *a = argv[i], *file = NULL;
		const struct option *opt;
		size_t n;

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[o++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--config")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "nswatch %s: --config needs a "
					"FILE\n", cfg.cmd);
				return -EINVAL;
			}
			file = argv[++i];
		} else if (!strncmp(a, "--config=", 9)) {
			file = a + 9;
		}
		if (file) {
			if (*path) {
				fprintf(stderr, "nswatch %s: --config given "
					"twice\n", cfg.cmd);
				return -EINVAL;
			}
			*path = file;
			continue;
		}
		/* --no-FLAG: the command line switches off a flag the file
		 * sets (getopt has no negative flags) */
		if (!strncmp(a, "--no-", 5) &&
		    !match_long(a + 2, strlen(a + 2))) {
			opt = config_find_option(cfg.opts, a + 5);
			if (opt && opt->has_arg == no_argument &&
			    strcmp(opt->name, "help")) {
				cfg.negated[opt - cfg.opts] = true;
				continue;
			}
		}
		argv[o++] = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			*help = true;
		if (strncmp(a, "--", 2) || strchr(a, '='))
			continue;
		/* `--key value`: the value is not an option */
		n = strlen(a + 2);
		opt = match_long(a + 2, n);
		if (opt && opt->has_arg == required_argument &&
		    i + 1 < *argc)
			argv[o++] = argv[++i];
	}
	*argc = o;
	argv[o] = NULL;
	return 0;
}

int config_merge(int *argc, char ***argv, const struct option *opts,
		 const char *cmd)
{
	char why[512], err[256], *buf = NULL, **nv;
	const char *path;
	unsigned int line;
	size_t i, len = 0;
	bool help;
	int r, n, k;

	cfg.cmd = cmd;
	cfg.opts = opts;
	for (cfg.n_opts = 0; opts[cfg.n_opts].name; cfg.n_opts++)
		;
	cfg.origin = calloc(cfg.n_opts + 1, sizeof(*cfg.origin));
	cfg.negated = calloc(cfg.n_opts + 1, sizeof(*cfg.negated));
	if (!cfg.origin || !cfg.negated)
		return -ENOMEM;
	r = take_config_arg(argc, *argv, &path, &help);
	if (r < 0)
		return r;
	for (i = 0; i < cfg.n_opts; i++)
		if (cfg.negated[i])
			cfg.origin[i].value = "no";	/* command line */
	cfg.active = true;
	cfg.explicit = path != NULL;
	if (help && cfg.mode == MODE_RUN)
		return 0;	/* --help works whatever the file holds */
	if (!path)
		path = CONFIG_DEFAULT_PATH;
	r = read_conf(path, &buf, &len, why, sizeof(why));
	if (r == -ENOENT && !cfg.explicit)
		return 0;	/* no file: the defaults */
	if (r < 0) {
		fprintf(stderr, "nswatch %s: configuration %s: %s\n", cmd,
			path, why);
		return r;
	}
	cfg.path = path;
	r = config_parse(&cfg.cf, buf, len, opts, &line, err, sizeof(err));
	free(buf);
	if (r == -ENOMEM) {
		fprintf(stderr, "nswatch %s: %s\n", cmd, strerror(ENOMEM));
		return r;
	}
	if (r < 0) {
		fprintf(stderr, "nswatch %s: %s:%u: %s\n", cmd, path, line,
			err);
		return r;
	}
	/* argv[0], the file's arguments, the real ones, NULL */
	nv = calloc(cfg.cf.n + (size_t)*argc + 1, sizeof(*nv));
	cfg.arg_line = calloc(cfg.cf.n + 1, sizeof(*cfg.arg_line));
	if (!nv || !cfg.arg_line) {
		free(nv);
		fprintf(stderr, "nswatch %s: %s\n", cmd, strerror(ENOMEM));
		return -ENOMEM;
	}
	n = 0;
	nv[n++] = (*argv)[0];
	for (i = 0; i < cfg.cf.n; i++) {
		const struct config_entry *e = &cfg.cf.e[i];

		/* repeats: the last line is the one in effect, as on the
		 * command line */
		if (cfg.negated[e->opt - opts])
			continue;
		cfg.origin[e->opt - opts].value = e->value;
		cfg.origin[e->opt - opts].line = e->line;
		errno = 0;
		nv[n] = config_entry_arg(e);
		if (!nv[n] && errno) {
			fprintf(stderr, "nswatch %s: %s\n", cmd,
				strerror(errno));
			return -ENOMEM;
		}
		if (nv[n])
			cfg.arg_line[n++] = e->line;
	}
	cfg.synth_end = n;
	for (k = 1; k < *argc; k++)
		nv[n++] = (*argv)[k];
	nv[n] = NULL;
	*argc = n;
	*argv = cfg.argv = nv;
	return 0;
}

void config_seen(int c, const char *arg, int optind)
{
	int idx = optind - 1;
	size_t i;

	if (!cfg.active)
		return;
	for (i = 0; i < cfg.n_opts; i++)
		if (!cfg.opts[i].flag && cfg.opts[i].val == c)
			break;
	if (i == cfg.n_opts)
		return;
	cfg.last_name = cfg.opts[i].name;
	/* a file's argument is always one `--key[=value]` word, so the
	 * word before optind is it */
	if (idx >= 1 && idx < cfg.synth_end) {
		cfg.last_line = (int)cfg.arg_line[idx];
		return;
	}
	cfg.last_line = 0;
	cfg.origin[i].value = arg ? arg : "yes";
	cfg.origin[i].line = 0;
}

void config_blame(void)
{
	if (!cfg.active || cfg.parsed || !cfg.last_line)
		return;
	fprintf(stderr, "nswatch %s: %s:%d: bad value for '%s'\n", cfg.cmd,
		cfg.path, cfg.last_line, cfg.last_name);
	cfg.last_line = 0;
}

static void source_of(const struct origin *og, char *buf, size_t n)
{
	if (!og->value)
		snprintf(buf, n, "default");
	else if (og->line)
		snprintf(buf, n, "%s:%u", cfg.path, og->line);
	else
		snprintf(buf, n, "command line");
}

static void show(void)
{
	char src[4200];
	size_t i;

	if (cfg.path)
		printf("# settings of `nswatch %s` from %s and the command "
		       "line\n", cfg.cmd, cfg.path);
	else
		printf("# no %s: built-in defaults and the command line\n",
		       CONFIG_DEFAULT_PATH);
	printf("%-22s %-32s %s\n", "# option", "value", "source");
	for (i = 0; i < cfg.n_opts; i++) {
		const struct origin *og = &cfg.origin[i];

		if (!strcmp(cfg.opts[i].name, "help"))
			continue;
		source_of(og, src, sizeof(src));
		printf("%-22s %-32s %s\n", cfg.opts[i].name,
		       og->value ? og->value : default_of(&cfg.opts[i]), src);
	}
}

int config_options_done(void)
{
	const struct option *o;

	cfg.parsed = true;
	switch (cfg.mode) {
	case MODE_RUN:
		return -1;
	case MODE_CHECK:
		if (cfg.path)
			printf("%s: ok (%zu settings)\n", cfg.path, cfg.cf.n);
		else
			printf("%s: not present, the built-in defaults "
			       "apply\n", CONFIG_DEFAULT_PATH);
		return NSW_EXIT_OK;
	case MODE_SHOW:
		show();
		return NSW_EXIT_OK;
	case MODE_GET:
		o = config_find_option(cfg.opts, cfg.get_key);
		if (!o || !strcmp(o->name, "help")) {
			fprintf(stderr, "nswatch config: no option '%s' in "
				"`nswatch %s`\n", cfg.get_key, cfg.cmd);
			return NSW_EXIT_USAGE;
		}
		if (!cfg.origin[o - cfg.opts].value)
			return NSW_EXIT_FAIL;	/* left at its default */
		printf("%s\n", cfg.origin[o - cfg.opts].value);
		return NSW_EXIT_OK;
	}
	return -1;
}

static void config_usage(FILE *f)
{
	fprintf(f,
"usage: nswatch config check [FILE]\n"
"       nswatch config show [--config FILE] [monitor options]\n"
"       nswatch config get KEY [--config FILE] [monitor options]\n"
"The settings of `nswatch monitor`, one `key = value` a line, in\n"
CONFIG_DEFAULT_PATH " (or --config FILE); the command line wins over\n"
"the file, the file over the defaults.  See nswatch.conf(5).\n"
"\n"
"  check  validate FILE (default " CONFIG_DEFAULT_PATH "): errors name\n"
"         FILE:LINE, exit status 2\n"
"  show   every option of `nswatch monitor` with its effective value and\n"
"         where it came from (default, FILE:LINE or command line)\n"
"  get    the value of one option set in the file or on the command line\n"
"         (exit status 1 when it is left at its default)\n");
}

int cmd_config(int argc, char **argv)
{
	char *margv[4], **av;
	int r, ac;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? NSW_EXIT_USAGE : NSW_EXIT_OK;
	}
	margv[0] = (char *)"monitor";
	if (!strcmp(argv[1], "check")) {
		if (argc > 3) {
			config_usage(stderr);
			return NSW_EXIT_USAGE;
		}
		cfg.mode = MODE_CHECK;
		ac = 1;
		if (argc == 3) {
			margv[ac++] = (char *)"--config";
			margv[ac++] = argv[2];
		}
		margv[ac] = NULL;
		av = margv;
	} else if (!strcmp(argv[1], "show")) {
		cfg.mode = MODE_SHOW;
		ac = argc - 1;
		av = argv + 1;
	} else if (!strcmp(argv[1], "get") && argc >= 3) {
		cfg.mode = MODE_GET;
		cfg.get_key = argv[2];
		/* argv[2] becomes the command name slot */
		ac = argc - 2;
		av = argv + 2;
	} else {
		config_usage(stderr);
		return NSW_EXIT_USAGE;
	}
	av[0] = (char *)"monitor";
	r = cmd_monitor(ac, av);
	if (r == NSW_EXIT_USAGE)
		config_blame();
	return r;
}
