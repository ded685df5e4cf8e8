/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch replay`: turn recorded audit logs into events, offline. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "policy.h"
#include "replay.h"
#include "util.h"

/* Malformed lines reported one by one before going quiet. */
#define DIAG_SHOWN 10

struct diag_ctx {
	uint64_t n;
};

static void replay_usage(FILE *f)
{
	fprintf(f,
"usage: nswatch replay [options] [FILE...]\n"
"Reads Linux audit logs and writes the events `nswatch monitor` would\n"
"have written for them (nswatch.backend \"replay\").  FILE \"-\" or no FILE\n"
"reads standard input.  Several files are read in the order given, as one\n"
"stream (give rotated logs oldest first: audit.log.2 audit.log.1 audit.log).\n"
"\n"
"Accepted input, also mixed:\n"
"  raw audit.log (log_format = RAW), ENRICHED (0x1D-separated suffix),\n"
"  `ausearch --raw` output, `ausearch -i` output (\"----\" separators,\n"
"  local-time stamps read with the current TZ; lossy for values with\n"
"  spaces), node= prefixes, and lines with a syslog prefix before type=.\n"
"Lines that are not audit records, or longer than 65536 bytes, are\n"
"skipped and reported as FILE:LINE (the first %d), then counted in the\n"
"summary.  Process ancestry is only as good as the log: without execve and\n"
"fork rules the parents of a process are unknown.  Nothing is read from\n"
"this host (--procfs and --host-root are accepted but unused), so audit\n"
"records, which name no container, give no container attribution.\n"
"\n"
"  --stats                    write an nswatch_stats line at the end\n"
"%s"
"  -h, --help                 this help\n"
"\n"
"Exit status: 0 when the input was read (even with skipped lines), 1 on\n"
"a runtime failure (output), 2 for bad options or unreadable files.  A\n"
"reader that quits early (| head) ends replay by SIGPIPE, quietly, like\n"
"any filter: the shell reports 141 (0 if it had taken everything).\n",
		DIAG_SHOWN, cli_common_help());
}

static void on_diag(const char *source, uint64_t line, const char *why,
		    void *arg)
{
	struct diag_ctx *d = arg;

	d->n++;
	if (d->n <= DIAG_SHOWN)
		log_warn("%s:%llu: %s", source, (unsigned long long)line, why);
	if (d->n == DIAG_SHOWN)
		log_warn("further skipped lines are only counted");
}

static int on_raw(const struct nsw_raw *raw, void *arg)
{
	return pipeline_handle(arg, raw);
}

/* Open every input before writing anything: a typo in the last file name
 * must not leave a partial replay behind. */
static int open_inputs(int n, char **names, int *fds)
{
	struct stat st;
	int i, j;

	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], "-")) {
			fds[i] = STDIN_FILENO;
			continue;
		}
		fds[i] = open(names[i], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fds[i] < 0 || fstat(fds[i], &st) < 0 ||
		    S_ISDIR(st.st_mode)) {
			int e = fds[i] < 0 ? errno :
				S_ISDIR(st.st_mode) ? EISDIR : errno;

			fprintf(stderr, "nswatch replay: cannot read %s: %s\n",
				names[i], strerror(e));
			if (fds[i] >= 0)
				close(fds[i]);
			for (j = 0; j < i; j++)
				if (fds[j] != STDIN_FILENO)
					close(fds[j]);
			return -e;
		}
	}
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	enum { OPT_STATS = 300 };
	static const struct option own[] = {
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "help", no_argument, NULL, 'h' },
	};
	static char *stdin_name[] = { (char *)"-" };
	struct option longopts[64];
	const struct audit_map_stats *ms;
	const struct replay_stats *rs;
	struct diag_ctx dctx = { 0 };
	struct nsw_stats delta;
	struct nsw_options o;
	struct policy pol;
	struct pipeline *p = NULL;
	struct replay *rp = NULL;
	struct output *out = NULL;
	bool want_stats = false;
	int c, r, i, n_in, *fds = NULL, status = NSW_EXIT_OK;
	char **names;

	options_init(&o);
	cli_build_longopts(longopts, ARRAY_SIZE(longopts), own,
			   ARRAY_SIZE(own));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STATS: want_stats = true; break;
		case 'h': replay_usage(stdout); return NSW_EXIT_OK;
		default:
			r = cli_other_option(&o, c, optarg, "replay", replay_usage);
			if (r)
				return r;
			break;
		}
	}
	n_in = argc - optind;
	names = argv + optind;
	if (n_in == 0) {
		n_in = 1;
		names = stdin_name;
	}
	fds = calloc((size_t)n_in, sizeof(*fds));
	if (!fds) {
		log_err("out of memory");
		return NSW_EXIT_FAIL;
	}
	if (open_inputs(n_in, names, fds) < 0) {
		free(fds);
		return NSW_EXIT_USAGE;
	}
	if (cli_load_policy(&o, &pol, "replay") < 0) {
		status = NSW_EXIT_USAGE;
		goto close_inputs;
	}
	out = cli_open_output(&o, "replay");
	if (!out) {
		status = NSW_EXIT_FAIL;
		goto free_policy;
	}
	p = pipeline_new(&o, "replay", false, out);
	if (!p) {
		log_err("cannot start: %s", strerror(errno));
		status = NSW_EXIT_FAIL;
		goto close_output;
	}
	pipeline_set_policy(p, &pol);
	rp = replay_new(0, on_raw, p, on_diag, &dctx);
	if (!rp) {
		log_err("cannot start the audit parser: %s", strerror(errno));
		status = NSW_EXIT_FAIL;
		goto free_pipeline;
	}

	for (i = 0; i < n_in; i++) {
		const char *name = strcmp(names[i], "-") ? names[i] : "stdin";

		r = replay_fd(rp, fds[i], name);
		if (r < 0) {
			fprintf(stderr, "nswatch replay: cannot read %s: %s\n",
				name, strerror(-r));
			status = NSW_EXIT_USAGE;
		}
	}
	replay_finish(rp);

	rs = replay_stats(rp);
	ms = replay_map_stats(rp);
	memset(&delta, 0, sizeof(delta));
	delta.parse_errors = rs->malformed + ms->malformed;
	delta.seq_gaps = ms->seq_gaps;
	pipeline_add_stats(p, &delta);
	if (want_stats)
		pipeline_emit_stats(p);
	if (output_flush(out) < 0 || output_errors(out)) {
		log_err("could not write every event to %s",
			o.output_path ? o.output_path : "stdout");
		if (status == NSW_EXIT_OK)
			status = NSW_EXIT_FAIL;
	}
	log_msg(rs->malformed || ms->malformed ? LOG_LVL_WARN : LOG_LVL_INFO,
		"replay: %llu lines, %llu records (%llu from ausearch -i), "
		"%llu audit events: %llu raw events, %llu not ours, "
		"%llu malformed; %llu lines skipped (%llu too long); "
		"%llu serial gaps, %llu serial restarts",
		(unsigned long long)rs->lines,
		(unsigned long long)rs->records,
		(unsigned long long)rs->interpreted,
		(unsigned long long)ms->events,
		(unsigned long long)ms->mapped,
		(unsigned long long)ms->ignored,
		(unsigned long long)ms->malformed,
		(unsigned long long)rs->malformed,
		(unsigned long long)rs->too_long,
		(unsigned long long)ms->seq_gaps,
		(unsigned long long)ms->seq_resets);

	replay_free(rp);
free_pipeline:
	pipeline_free(p);
close_output:
	output_close(out);
free_policy:
	policy_free(&pol);
close_inputs:
	for (i = 0; i < n_in; i++)
		if (fds[i] != STDIN_FILENO)
			close(fds[i]);
	free(fds);
	return status;
}
