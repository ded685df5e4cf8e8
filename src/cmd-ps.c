/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch ps`: a snapshot of every process with container, pod,
 * namespaces and its container's exposure (exposure.h); with --json,
 * process_exec events flagged procFS. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "exposure-scan.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "strbuf.h"

static void ps_usage(FILE *f)
{
	fprintf(f,
"usage: nswatch ps [options]\n"
"  --json               one process_exec JSON line per process (Tetragon\n"
"                       format, flags procFS, nswatch.backend \"procfs\")\n"
"  --containers-only    only processes attributed to a container\n"
"  --exposed[=FLAGS]    only processes of containers with an exposure flag\n"
"                       (any, or one of the comma-separated FLAGS:\n"
"                       privileged, host-pid, host-network, host-ipc,\n"
"                       host-uts, host-path-root, host-path-sensitive,\n"
"                       runtime-socket, cap-sys-admin, cap-sys-module,\n"
"                       cap-sys-ptrace, cap-dac-read-search, cap-bpf,\n"
"                       cap-sys-rawio, no-seccomp, apparmor-unconfined)\n"
"  --procfs DIR         host procfs (default /proc; /host/proc in a pod)\n"
"  --host-root DIR      prefix of the host's runtime state (/run, /var/lib)\n"
"  --node-name NAME     node_name (default $NODE_NAME, else the host name)\n"
"  --cluster-name NAME  cluster_name (default \"default\")\n"
"  -h, --help           this help\n");
}

static const struct exposure_report *ps_exposure(void *arg,
						const struct nsw_process *pr)
{
	return exposure_scan_container(arg, pr->ctr, pr->pid);
}

int cmd_ps(int argc, char **argv)
{
	enum { OPT_PROCFS = 256, OPT_ROOT, OPT_NODE, OPT_CLUSTER, OPT_JSON,
	       OPT_CONT, OPT_EXPOSED };
	/* its own table, not cli.c's: ps takes four of the common options */
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "containers-only", no_argument, NULL, OPT_CONT },
		{ "exposed", optional_argument, NULL, OPT_EXPOSED },
		{ "procfs", required_argument, NULL, OPT_PROCFS },
		{ "host-root", required_argument, NULL, OPT_ROOT },
		{ "node-name", required_argument, NULL, OPT_NODE },
		{ "cluster-name", required_argument, NULL, OPT_CLUSTER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct exposure_scan *xs;
	uint32_t only = 0;
	const char *bad;
	struct nsw_options o;
	struct pipeline *p;
	struct output *out;
	int c, r;

	options_init(&o);
	o.format = NSW_FMT_TABLE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: o.format = NSW_FMT_JSON; break;
		case OPT_CONT: o.f_containers_only = true; break;
		case OPT_EXPOSED:
			only = NSW_EXP_ALL;
			if (optarg &&
			    exposure_parse_names(optarg, &only, &bad) < 0) {
				fprintf(stderr, "nswatch ps: unknown exposure "
					"flag in --exposed: '%s'\n", bad);
				return NSW_EXIT_USAGE;
			}
			break;
		case OPT_PROCFS: o.procfs = optarg; break;
		case OPT_ROOT: o.rootfs = optarg; break;
		case OPT_NODE:
			nsw_strlcpy(o.node_name, optarg, sizeof(o.node_name));
			break;
		case OPT_CLUSTER: o.cluster_name = optarg; break;
		case 'h': ps_usage(stdout); return NSW_EXIT_OK;
		default: ps_usage(stderr); return NSW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nswatch ps: unexpected argument '%s'\n",
			argv[optind]);
		return NSW_EXIT_USAGE;
	}
	out = output_open(NULL);
	if (!out) {
		log_err("cannot open output: %s", strerror(errno));
		return NSW_EXIT_FAIL;
	}
	p = pipeline_new(&o, "procfs", true, out);
	if (!p) {
		log_err("cannot start: %s", strerror(errno));
		output_close(out);
		return NSW_EXIT_FAIL;
	}
	if (!pipeline_host(p))
		log_warn("host namespaces unknown under %s: is_host and "
			 "host-namespace alerts are unavailable", o.procfs);
	xs = exposure_scan_new(o.procfs, o.rootfs, pipeline_host(p));
	if (!xs) {
		log_err("cannot start: %s", strerror(errno));
		pipeline_free(p);
		output_close(out);
		return NSW_EXIT_FAIL;
	}
	pipeline_set_exposure(p, ps_exposure, xs, only);
	r = pipeline_seed_procfs(p);
	if (r < 0) {
		log_err("cannot read %s: %s", o.procfs, strerror(-r));
		pipeline_free(p);
		exposure_scan_free(xs);
		output_close(out);
		return NSW_EXIT_FAIL;
	}
	if (o.format == NSW_FMT_TABLE)
		printf("%7s %7s %-12s %-30s %-*s %s\n", "PID", "PPID",
		       "CONTAINER", "POD", (int)NSW_EXP_COUNT, "EXPOSURE",
		       "COMMAND");
	fflush(stdout);
	r = pipeline_emit_snapshot(p);
	pipeline_free(p);
	exposure_scan_free(xs);
	output_close(out);
	return r < 0 ? NSW_EXIT_FAIL : NSW_EXIT_OK;
}
