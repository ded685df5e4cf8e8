/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "event.h"
#include "log.h"
#include "output.h"
#include "output-rotate.h"
#include "output-syslog.h"
#include "policy.h"
#include "strbuf.h"
#include "util.h"

enum {
	OPT_NODE = CLI_COMMON_FIRST, OPT_CLUSTER, OPT_PROCFS, OPT_ROOT,
	OPT_OUTPUT, OPT_FORMAT, OPT_POD, OPT_NAMESPACE, OPT_CONTAINER,
	OPT_TYPES, OPT_ALERTS, OPT_HOST, OPT_CONTS, OPT_VERBOSE, OPT_QUIET,
	OPT_POLICY, OPT_FLUSH_AFTER, OPT_MAX_SIZE, OPT_KEEP, OPT_LOG,
};

static const struct option common[] = {
	{ "node-name", required_argument, NULL, OPT_NODE },
	{ "cluster-name", required_argument, NULL, OPT_CLUSTER },
	{ "procfs", required_argument, NULL, OPT_PROCFS },
	{ "host-root", required_argument, NULL, OPT_ROOT },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "pod", required_argument, NULL, OPT_POD },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "event-types", required_argument, NULL, OPT_TYPES },
	{ "alerts-only", no_argument, NULL, OPT_ALERTS },
	{ "host-only", no_argument, NULL, OPT_HOST },
	{ "containers-only", no_argument, NULL, OPT_CONTS },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "output-flush-after", required_argument, NULL, OPT_FLUSH_AFTER },
	{ "output-max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "output-keep", required_argument, NULL, OPT_KEEP },
	{ "log", required_argument, NULL, OPT_LOG },
};

void cli_build_longopts(struct option *dst, size_t max,
			const struct option *own, size_t n_own)
{
	size_t n = 0, i;

	for (i = 0; i < ARRAY_SIZE(common) && n + 1 < max; i++)
		dst[n++] = common[i];
	for (i = 0; i < n_own && n + 1 < max; i++)
		dst[n++] = own[i];
	memset(&dst[n], 0, sizeof(dst[n]));
}

static int parse_types(struct nsw_options *o, const char *arg,
		       const char *cmd)
{
	char buf[256], *tok, *save = NULL;

	if (!nsw_strlcpy(buf, arg, sizeof(buf)))
		goto bad;
	o->f_event_types = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "exec") || !strcmp(tok, "process_exec"))
			o->f_event_types |= 1u << NSW_EV_EXEC;
		else if (!strcmp(tok, "exit") || !strcmp(tok, "process_exit"))
			o->f_event_types |= 1u << NSW_EV_EXIT;
		else if (!strcmp(tok, "kprobe") ||
			 !strcmp(tok, "process_kprobe") ||
			 !strcmp(tok, "namespace"))
			o->f_event_types |= 1u << NSW_EV_KPROBE;
		else
			goto bad;
	}
	if (o->f_event_types)
		return 0;
bad:
	fprintf(stderr, "nswatch %s: --event-types takes a comma list of "
		"exec, exit, kprobe (got '%s')\n", cmd, arg);
	return -EINVAL;
}

int cli_common_option(struct nsw_options *o, int c, const char *arg,
		      const char *cmd)
{
	switch (c) {
	case OPT_NODE:
		if (!*arg || !nsw_strlcpy(o->node_name, arg,
					  sizeof(o->node_name))) {
			fprintf(stderr, "nswatch %s: bad --node-name\n", cmd);
			return -EINVAL;
		}
		return 0;
	case OPT_CLUSTER: o->cluster_name = arg; return 0;
	case OPT_PROCFS: o->procfs = arg; return 0;
	case OPT_ROOT: o->rootfs = arg; return 0;
	case OPT_OUTPUT: o->output_path = arg; return 0;
	case OPT_FORMAT:
		return options_set_word(o, NSW_WORDS_FORMAT, arg, cmd);
	case OPT_POD: o->f_pod = arg; return 0;
	case OPT_NAMESPACE: o->f_namespace = arg; return 0;
	case OPT_CONTAINER: o->f_container = arg; return 0;
	case OPT_TYPES: return parse_types(o, arg, cmd);
	case OPT_ALERTS: o->f_alerts_only = true; return 0;
	case OPT_HOST:
		if (o->f_containers_only)
			goto both;
		o->f_host_only = true;
		return 0;
	case OPT_CONTS:
		if (o->f_host_only)
			goto both;
		o->f_containers_only = true;
		return 0;
	case OPT_VERBOSE: log_set_level(LOG_LVL_DEBUG); return 0;
	case OPT_QUIET: log_set_level(LOG_LVL_WARN); return 0;
	case OPT_POLICY: o->policy_path = arg; return 0;
	case OPT_FLUSH_AFTER:
		if (options_parse_uint(arg, 4096, &o->output_flush_after) < 0) {
			fprintf(stderr, "nswatch %s: --output-flush-after takes "
				"MiB from 0 (off) to 4096 (got '%s')\n", cmd,
				arg);
			return -EINVAL;
		}
		return 0;
	case OPT_MAX_SIZE:
		if (rotate_parse_size(arg, &o->output_max_size) < 0) {
			fprintf(stderr, "nswatch %s: --output-max-size takes "
				"bytes with an optional k, M or G suffix, at "
				"least 4k (got '%s')\n", cmd, arg);
			return -EINVAL;
		}
		return 0;
	case OPT_KEEP:
		if (options_parse_uint(arg, ROTATE_KEEP_MAX, &o->output_keep) < 0) {
			fprintf(stderr, "nswatch %s: --output-keep takes 0 to "
				"%d old files (got '%s')\n", cmd,
				ROTATE_KEEP_MAX, arg);
			return -EINVAL;
		}
		return 0;
	case OPT_LOG:
		if (log_set_dest_spec(arg) < 0) {
			fprintf(stderr, "nswatch %s: --log takes auto, stderr, "
				"syslog[@SOCKET] or journal[@SOCKET] (got "
				"'%s')\n", cmd, arg);
			return -EINVAL;
		}
		return 0;
	default:
		return -ENOENT;
	}
both:
	fprintf(stderr, "nswatch %s: --host-only and --containers-only "
		"exclude each other\n", cmd);
	return -EINVAL;
}

int cli_other_option(struct nsw_options *o, int c, const char *arg,
		     const char *cmd, void (*usage)(FILE *f))
{
	int r = cli_common_option(o, c, arg, cmd);

	if (r == 0)
		return 0;
	if (r == -ENOENT)
		usage(stderr);
	return NSW_EXIT_USAGE;
}

const char *cli_common_help(void)
{
	return
"  --output FILE              append events to FILE (reopened on SIGHUP)\n"
"  --output syslog[:FACILITY][@SOCKET]\n"
"                             one RFC 5424 message per event to the local\n"
"                             syslog socket (default daemon, /dev/log);\n"
"                             the daemon must take 4 MiB messages (README)\n"
"  --output-max-size SIZE     rotate FILE before it passes SIZE (k, M, G):\n"
"                             FILE.1 ... FILE.N, whole lines (default off)\n"
"  --output-keep N            old files kept by rotation (default 5)\n"
"  --output-flush-after MIB   when output is a file, start writeback every\n"
"                             MIB written and drop what is on disk from the\n"
"                             page cache (default 2, 0 off)\n"
"  --format json|compact      JSON lines (default) or one human line each\n"
"  --node-name NAME           node_name (default $NODE_NAME, else hostname)\n"
"  --cluster-name NAME        cluster_name (default \"default\")\n"
"  --procfs DIR               host procfs (default /proc)\n"
"  --host-root DIR            prefix of the host's runtime state dirs\n"
"  --pod NAME, --namespace NS, --container ID|NAME\n"
"                             only events of that pod/namespace/container\n"
"  --event-types LIST         comma list of exec, exit, kprobe\n"
"  --alerts-only              only events that carry alerts\n"
"  --host-only | --containers-only\n"
"                             only host / only container processes\n"
"  --policy FILE              detection policy (default " POLICY_DEFAULT_PATH "\n"
"                             when it exists; see nswatch-policy(5))\n"
"  --verbose | --quiet        more / fewer diagnostics\n"
"  --log auto|stderr|syslog[@SOCKET]|journal[@SOCKET]\n"
"                             where diagnostics go (default auto: the\n"
"                             journal when stderr is its stream, syslog\n"
"                             when stderr is closed or /dev/null, else\n"
"                             stderr)\n";
}

struct output *cli_open_output(const struct nsw_options *o, const char *cmd)
{
	struct output *out = output_open(o->output_path);

	if (!out) {
		const char *why = strerror(errno);

		if (errno == EINVAL && syslog_is_spec(o->output_path))
			why = "takes syslog[:FACILITY][@/SOCKET/PATH], FACILITY "
			      "one of kern, user, mail, daemon, auth, syslog, "
			      "lpr, news, uucp, cron, authpriv, ftp, "
			      "local0..local7";
		else if (errno == ELOOP)
			why = "it is a symbolic link (refused)";
		else if (errno == EPERM)
			why = "refused: not owned by this user, writable by "
			      "group or others, or a file with another hard "
			      "link";
		log_err("%s: cannot open output %s: %s", cmd,
			o->output_path ? o->output_path : "stdout", why);
		return NULL;
	}
	output_set_flush_after(out, (uint64_t)o->output_flush_after << 20);
	if (o->output_max_size &&
	    output_set_rotate(out, o->output_max_size, o->output_keep) < 0) {
		log_err("%s: --output-max-size needs --output to be a regular "
			"file", cmd);
		output_close(out);
		return NULL;
	}
	return out;
}

int cli_load_policy(const struct nsw_options *o, struct policy *pol,
		    const char *cmd)
{
	const char *path = o->policy_path;
	char err[512];
	size_t i;
	int r;

	policy_init(pol);
	if (!path) {
		if (access(POLICY_DEFAULT_PATH, F_OK) < 0)
			return 0;	/* built-in defaults */
		path = POLICY_DEFAULT_PATH;
	}
	r = policy_load(pol, path, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "nswatch %s: policy %s\n", cmd, err);
		policy_free(pol);
		return r;
	}
	log_info("policy: %s (%zu allow entries)", path, pol->n_allow);
	for (i = 0; i < pol->n_allow; i++)
		if (policy_allow_too_broad(&pol->allow[i], err, sizeof(err)))
			log_warn("policy %s:%u: %s", path, pol->allow[i].line,
				 err);
	return 0;
}
