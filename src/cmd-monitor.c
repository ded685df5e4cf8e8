/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch monitor`: live monitoring with the chosen backend. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>

#include "backend-choose.h"
#include "cli.h"
#include "cmd-config.h"
#include "commands.h"
#include "log.h"
#include "monitor-lock.h"
#include "notify.h"
#include "output.h"
#include "pipeline.h"
#include "policy.h"
#include "audit-wait.h"
#include "metrics.h"
#include "privdrop.h"
#include "sched-slice.h"
#include "strbuf.h"
#include "util.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	pipeline_hup = 1;
}

static void monitor_usage(FILE *f)
{
	fprintf(f,
"usage: nswatch monitor [--config FILE] [options]\n"
"Watches every namespace change (setns, unshare, clone) and exec on this\n"
"host and writes one event per line (Tetragon JSON + nswatch extension).\n"
"\n"
"  --config FILE              settings, see nswatch.conf(5) (default\n"
"                             " CONFIG_DEFAULT_PATH "\n"
"                             when it exists); the command line wins,\n"
"                             --no-FLAG turns off a flag the file sets\n"
"  --backend=auto|bpf|audit   event source (default auto: eBPF when BTF is\n"
"                             present and the programs load, else audit)\n"
"  --audit-source=auto|plugin|multicast|netlink\n"
"                             audit input (default auto)\n"
"  --exec-rules=all|containers|none\n"
"                             audit: which execs to audit (default all;\n"
"                             containers: auid unset, i.e. daemon-spawned)\n"
"  --btf FILE                 BTF for CO-RE (default /sys/kernel/btf/vmlinux)\n"
"  --bpf-hooks=auto|raw|tracepoint\n"
"                             eBPF syscall hooks: raw sees 32-bit (int 0x80)\n"
"                             calls but costs every syscall ~100 ns;\n"
"                             tracepoint is nearly free for other syscalls,\n"
"                             blind to 32-bit calls, needs tracefs (default\n"
"                             auto: raw, else tracepoint)\n"
"  --enforce                  eBPF: kill container processes that setns into\n"
"                             host namespaces (refused with audit)\n"
"  --ready-file PATH          create PATH once monitoring is in place\n"
"  --lock-file PATH           hold an exclusive lock on PATH, refuse to start\n"
"                             when another monitor holds it (nswatch.service\n"
"                             and the auditd plugin both use\n"
"                             /run/nswatch/monitor.lock)\n"
"  --stats-interval SEC       nswatch_stats line period (default 60, 0 off)\n"
"  --metrics-address [ADDR:]PORT\n"
"                             serve Prometheus metrics on GET /metrics\n"
"                             (ADDR default 127.0.0.1; [ADDR6]:PORT for IPv6)\n"
"  --metrics-textfile PATH    write the same metrics to PATH (node_exporter\n"
"                             textfile collector) every 15 s and at exit\n"
"  --output-queue MIB         lines waiting for the output, written by a\n"
"                             thread of their own; when the output does not\n"
"                             keep up, lines are dropped and counted in\n"
"                             lost.output_queue, alerts last (default 32;\n"
"                             0: write from the reading thread, which then\n"
"                             waits for a slow output)\n"
"  --rt-priority N            run SCHED_RR at priority N (1-99) so that\n"
"                             lines are written at once also on a host\n"
"                             whose CPUs are saturated (default 0: the\n"
"                             normal policy)\n"
"  --sched-slice US           ask the kernel (6.12 and later) for a time\n"
"                             slice of US µs (100-100000) under the normal\n"
"                             policy, so that the monitor's threads preempt\n"
"                             on wakeup without a larger CPU share\n"
"                             (default 0: the kernel's slice)\n"
"  --rate-limit N             eBPF: namespace calls reported one by one per\n"
"                             second and container (mount namespace), 5 N\n"
"                             for all containers, and N per second of host\n"
"                             calls that change no namespace; the rest, and\n"
"                             a container's failures with EBADF/EINVAL,\n"
"                             are counted in the kernel\n"
"                             and reported once a second per container\n"
"                             (process_throttle); escapes to the host are\n"
"                             never held (default 20, 0 off)\n"
"%s"
"  -h, --help                 this help\n", cli_common_help());
}

/* A SIGKILLed nswatch that was the audit daemon left backlog_wait_time
 * at 0 (audited syscalls never wait, records are dropped past the
 * backlog): put back the value it recorded, whatever the backend now. */
static void repair_audit_wait(void)
{
	uint32_t v = 0;
	int r;

	r = audit_wait_repair(&v);
	if (r > 0)
		log_warn("restored the audit backlog_wait_time to %u: an "
			 "nswatch that was the audit daemon was killed and "
			 "left 0", v);
	else if (r < 0)
		log_warn("cannot repair the audit backlog_wait_time left by "
			 "a killed nswatch: %s", strerror(-r));
}

static void metrics_hook(void *arg, const struct nsw_stats *st)
{
	metrics_publish(arg, st);
}

/* --lock-file: one monitor per host, whoever started it.  The role says
 * which of the two ways of running it this one is, for the message the
 * other one prints. */
static int take_lock(const char *path, const struct nsw_options *o)
{
	const char *role = "monitor";
	char holder[128];
	int fd;

	if (o->audit_source && !strcmp(o->audit_source, "plugin"))
		role = "auditd-plugin";
	else if (getenv("NOTIFY_SOCKET") || getenv("INVOCATION_ID"))
		role = "nswatch.service";
	fd = monitor_lock_take(path, role, holder, sizeof(holder));
	if (fd == -EWOULDBLOCK) {
		log_err("another nswatch monitor runs on this host (%s) and "
			"holds %s: run either nswatch.service or the auditd "
			"plugin (active = yes in plugins.d/nswatch.conf), not "
			"both", *holder ? holder : "pid unknown", path);
	} else if (fd < 0) {
		log_err("cannot lock %s: %s", path, strerror(-fd));
	}
	return fd;
}

/* Start the chosen backend; with auto, fall back from eBPF to audit. */
static int start_backend(struct nsw_options *o, struct output *out,
			 const struct backend_ops **ops, struct backend **b,
			 struct pipeline **pp, const struct policy *pol)
{
	char why[512], err[512] = "";
	int r;

	r = backend_choose(o, ops, why, sizeof(why));
	if (r < 0) {
		log_err("%s", why);
		return r;
	}
	log_info("backend: %s", why);
	for (;;) {
		if ((o->enforce || o->enforce_nsenter || o->enforce_escape) &&
		    !strcmp((*ops)->name, "audit")) {
			log_err("%s needs the eBPF backend: the audit "
				"subsystem reports a %s only after it has "
				"returned, so a kill would always come too "
				"late to be a guarantee",
				o->enforce ? "--enforce" :
				o->enforce_nsenter ?
				"action=kill on nsenter-in-container" :
				"action=kill on an escape syscall rule",
				o->enforce ? "setns" :
				o->enforce_nsenter ? "exec" : "syscall");
			return -ENOTSUP;
		}
		*pp = pipeline_new(o, (*ops)->name, true, out);
		if (!*pp)
			return -errno;
		pipeline_set_policy(*pp, pol);
		r = pipeline_seed_procfs(*pp);
		if (r < 0)
			log_warn("cannot snapshot %s: %s", o->procfs,
				 strerror(-r));
		r = (*ops)->start(b, o, *pp, err, sizeof(err));
		if (r == 0)
			return 0;
		pipeline_free(*pp);
		*pp = NULL;
		if (*ops == &backend_bpf_ops && !strcmp(o->backend, "auto")) {
			log_warn("eBPF backend failed to start (%s); falling "
				 "back to audit", err);
			*ops = &backend_audit_ops;
			continue;
		}
		log_err("%s backend failed to start: %s", (*ops)->name, err);
		return r;
	}
}

/*
 * The calling thread's scheduling: SCHED_RR at o->rt_priority, else the
 * normal policy with a slice of o->sched_slice µs (see sched-slice.h for
 * why).  Threads created afterwards inherit it unless reset_on_fork.
 * Measured on a saturated 2-core host (README, Benchmark): a bare pipe
 * wakeup there was 0.5-5 ms at the 99th percentile under the normal
 * policy, nice -4 or -10 no better, 0.1-0.2 ms with SCHED_RR.  SCHED_RR
 * is not the default: a real-time monitor takes CPU from the host's tasks
 * first in a storm (bounded by the kernel's real-time throttling and,
 * with eBPF, by flood control); a short slice does not.  Called twice:
 * before the writer thread starts, which then inherits it, and after,
 * with reset_on_fork so that anything else started later (threads,
 * children) starts at the defaults; only the first call logs.
 */
static void set_scheduling(const struct nsw_options *o, bool reset_on_fork)
{
	int r;

	if (o->rt_priority) {
		r = nsw_sched_rt(o->rt_priority, reset_on_fork);
		if (r < 0 && !reset_on_fork)
			log_warn("cannot run with real-time priority %u: %s",
				 o->rt_priority, strerror(-r));
		return;
	}
	if (!o->sched_slice)
		return;
	r = nsw_sched_slice(o->sched_slice, reset_on_fork);
	if (reset_on_fork)
		return;
	if (r == 0)
		log_debug("time slice %u us (normal policy)", o->sched_slice);
	else if (r == -EOPNOTSUPP || r == -ENOSYS || r == -EINVAL)
		/* kernels before 6.12 ignore or refuse it: nothing lost
		 * but the latency on a saturated host */
		log_debug("time slice %u us not supported by this kernel "
			  "(slice now %ld us): the default slice is used",
			  o->sched_slice, nsw_sched_slice_get());
	else
		log_warn("cannot set a time slice of %u us: %s",
			 o->sched_slice, strerror(-r));
}

/*
 * The one privilege policy: once the backend has put everything
 * privileged in place (programs, rules, the metrics port), keep only the
 * capabilities it declares in its backend_ops and drop every other one
 * (NSWATCH_KEEP_CAPS=1 keeps all, for debugging).
 */
static void drop_privileges(const struct backend_ops *ops)
{
	const char *env = getenv("NSWATCH_KEEP_CAPS");
	uint64_t kept = 0;
	int r;

	if (env && !strcmp(env, "1"))
		return;
	r = privdrop_keep(ops->keep_caps, ops->n_keep_caps, &kept);
	if (r < 0)
		log_warn("cannot drop capabilities: %s", strerror(-r));
	else
		log_info("capabilities reduced to %#llx for the %s backend",
			 (unsigned long long)kept, ops->name);
}

enum { OPT_BACKEND = 300, OPT_SOURCE, OPT_EXEC, OPT_BTF, OPT_ENFORCE,
       OPT_READY, OPT_STATS, OPT_HOOKS, OPT_QUEUE, OPT_RATE,
       OPT_METRICS_ADDR, OPT_METRICS_FILE, OPT_LOCK, OPT_RT,
       OPT_SLICE };

/* The options of monitor that take one of a few words (options.c). */
static enum nsw_word_opt word_opt_of(int c)
{
	switch (c) {
	case OPT_BACKEND: return NSW_WORDS_BACKEND;
	case OPT_SOURCE: return NSW_WORDS_AUDIT_SOURCE;
	case OPT_EXEC: return NSW_WORDS_EXEC_RULES;
	default: return NSW_WORDS_BPF_HOOKS;
	}
}

int cmd_monitor(int argc, char **argv)
{
	static const struct option own[] = {
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "audit-source", required_argument, NULL, OPT_SOURCE },
		{ "exec-rules", required_argument, NULL, OPT_EXEC },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "bpf-hooks", required_argument, NULL, OPT_HOOKS },
		{ "enforce", no_argument, NULL, OPT_ENFORCE },
		{ "ready-file", required_argument, NULL, OPT_READY },
		{ "stats-interval", required_argument, NULL, OPT_STATS },
		{ "output-queue", required_argument, NULL, OPT_QUEUE },
		{ "rate-limit", required_argument, NULL, OPT_RATE },
		{ "metrics-address", required_argument, NULL, OPT_METRICS_ADDR },
		{ "metrics-textfile", required_argument, NULL, OPT_METRICS_FILE },
		{ "lock-file", required_argument, NULL, OPT_LOCK },
		{ "rt-priority", required_argument, NULL, OPT_RT },
		{ "sched-slice", required_argument, NULL, OPT_SLICE },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option longopts[64];
	const struct backend_ops *ops = NULL;
	struct backend *b = NULL;
	struct pipeline *p = NULL;
	struct nsw_stats bst;
	struct nsw_options o;
	struct policy pol;
	struct sigaction sa;
	struct output *out;
	struct metrics *m = NULL;
	const char *lock_file = NULL;
	int c, r, lock_fd = -1, status = NSW_EXIT_OK;
	char *end;

	options_init(&o);
	cli_build_longopts(longopts, ARRAY_SIZE(longopts), own,
			   ARRAY_SIZE(own));
	/* nswatch.conf's settings go before the real arguments */
	if (config_merge(&argc, &argv, longopts, "monitor") < 0)
		return NSW_EXIT_USAGE;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		config_seen(c, optarg, optind);
		switch (c) {
		case OPT_BACKEND:
		case OPT_SOURCE:
		case OPT_EXEC:
		case OPT_HOOKS:
			if (options_set_word(&o, word_opt_of(c), optarg,
					     "monitor") < 0)
				return NSW_EXIT_USAGE;
			break;
		case OPT_BTF: o.btf_path = optarg; break;
		case OPT_ENFORCE: o.enforce = true; break;
		case OPT_READY: o.ready_file = optarg; break;
		case OPT_LOCK: lock_file = optarg; break;
		case OPT_STATS:
			errno = 0;
			o.stats_interval = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "nswatch monitor: bad "
					"--stats-interval '%s'\n", optarg);
				return NSW_EXIT_USAGE;
			}
			break;
		case OPT_QUEUE:
			if (options_parse_uint(optarg, 1024,
					       &o.output_queue) < 0) {
				fprintf(stderr, "nswatch monitor: --output-queue "
					"takes MiB from 0 to 1024 (got '%s')\n",
					optarg);
				return NSW_EXIT_USAGE;
			}
			break;
		case OPT_RATE:
			errno = 0;
			o.rate_limit = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg ||
			    o.rate_limit > 1000000) {
				fprintf(stderr, "nswatch monitor: bad "
					"--rate-limit '%s'\n", optarg);
				return NSW_EXIT_USAGE;
			}
			break;
		case OPT_METRICS_ADDR: o.metrics_address = optarg; break;
		case OPT_METRICS_FILE: o.metrics_textfile = optarg; break;
		case OPT_RT:
			if (options_parse_uint(optarg, 99, &o.rt_priority) < 0) {
				fprintf(stderr, "nswatch monitor: "
					"--rt-priority takes 0 to 99 (got "
					"'%s')\n", optarg);
				return NSW_EXIT_USAGE;
			}
			break;
		case OPT_SLICE:
			if (options_parse_uint(optarg, NSW_SLICE_MAX_US,
					       &o.sched_slice) < 0 ||
			    (o.sched_slice && o.sched_slice < 100)) {
				fprintf(stderr, "nswatch monitor: "
					"--sched-slice takes 0 or 100 to %u "
					"(got '%s')\n", NSW_SLICE_MAX_US,
					optarg);
				return NSW_EXIT_USAGE;
			}
			break;
		case 'h': monitor_usage(stdout); return NSW_EXIT_OK;
		default:
			r = cli_other_option(&o, c, optarg, "monitor", monitor_usage);
			if (r)
				return r;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nswatch monitor: unexpected argument '%s'\n",
			argv[optind]);
		return NSW_EXIT_USAGE;
	}
	/* `nswatch config check|show|get` end here */
	r = config_options_done();
	if (r >= 0)
		return r;
	if (geteuid() != 0)
		log_warn("not running as root: loading eBPF programs and audit "
			 "rules needs CAP_BPF/CAP_PERFMON or CAP_AUDIT_CONTROL");

	if (cli_load_policy(&o, &pol, "monitor") < 0)
		return NSW_EXIT_USAGE;
	/* action=kill of an enabled rule is enforced in the kernel (eBPF) */
	if (pol.rules[NSW_RULE_SETNS_ESCAPE_TO_HOST].enabled &&
	    pol.rules[NSW_RULE_SETNS_ESCAPE_TO_HOST].action == POLICY_ACTION_KILL)
		o.enforce = true;
	if (pol.rules[NSW_RULE_NSENTER_IN_CONTAINER].enabled &&
	    pol.rules[NSW_RULE_NSENTER_IN_CONTAINER].action == POLICY_ACTION_KILL)
		o.enforce_nsenter = true;
	o.enforce_escape = policy_escape_kill_bits(&pol);
	/* before the output is opened: a refused monitor writes nothing */
	if (lock_file) {
		lock_fd = take_lock(lock_file, &o);
		if (lock_fd < 0) {
			policy_free(&pol);
			return lock_fd == -EWOULDBLOCK ? NSW_EXIT_BUSY :
			       NSW_EXIT_FAIL;
		}
	}
	out = cli_open_output(&o, "monitor");
	if (!out) {
		policy_free(&pol);
		if (lock_fd >= 0)
			close(lock_fd);
		return NSW_EXIT_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	/* a reader gone (EPIPE) or a file size limit (EFBIG) fails the
	 * write, counted, instead of killing the monitor */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	/* before the writer thread starts: it inherits the policy */
	set_scheduling(&o, false);
	if (o.output_queue) {
		r = output_start_writer(out, (size_t)o.output_queue << 20);
		if (r < 0) {
			log_err("cannot start the output writer: %s",
				strerror(-r));
			output_close(out);
			policy_free(&pol);
			return NSW_EXIT_FAIL;
		}
	}
	set_scheduling(&o, true);

	repair_audit_wait();
	/* bound before the backend drops privileges (a low port) */
	if (o.metrics_address || o.metrics_textfile) {
		char why[256];

		m = metrics_start(o.metrics_address, o.metrics_textfile, NULL,
				  o.node_name, why, sizeof(why));
		if (!m) {
			log_err("metrics: %s", why);
			output_close(out);
			policy_free(&pol);
			return NSW_EXIT_FAIL;
		}
	}
	r = start_backend(&o, out, &ops, &b, &p, &pol);
	if (r < 0) {
		metrics_stop(m);
		output_close(out);
		policy_free(&pol);
		return NSW_EXIT_FAIL;
	}
	if (m) {
		metrics_set_backend(m, ops->name);
		pipeline_set_stats_hook(p, metrics_hook, m);
		log_info("metrics:%s%s%s%s", o.metrics_address ? " http://" : "",
			 o.metrics_address ? o.metrics_address : "",
			 o.metrics_textfile ? " textfile " : "",
			 o.metrics_textfile ? o.metrics_textfile : "");
	}
	drop_privileges(ops);
	log_info("ready: backend %s, node %s, %s", ops->name, o.node_name,
		 o.output_path ? o.output_path : "stdout");
	r = notify_ready(o.ready_file);
	if (r < 0)
		log_warn("readiness notification: %s", strerror(-r));

	r = ops->run(b, &stop_requested);
	if (r < 0) {
		log_err("%s backend stopped: %s", ops->name, strerror(-r));
		status = NSW_EXIT_FAIL;
	}
	notify_stopping(o.ready_file);
	memset(&bst, 0, sizeof(bst));
	ops->stats(b, &bst);
	pipeline_add_stats(p, &bst);
	ops->stop(b);
	pipeline_flush(p);
	pipeline_emit_stats(p);
	/* the textfile's last write carries the figures of that line */
	metrics_stop(m);
	/* at most half a second more for a stuck reader; what it did not
	 * take counts in the figures below */
	output_finish(out);
	{
		const struct nsw_stats *st = pipeline_stats(p);

		log_info("stopped: %llu exec, %llu exit, %llu namespace events;"
			 " lost: kernel %llu, ring buffer %llu, audit gaps %llu,"
			 " output errors %llu, output queue %llu (%llu with "
			 "alerts), parse errors %llu",
			 (unsigned long long)st->events[NSW_EV_EXEC],
			 (unsigned long long)st->events[NSW_EV_EXIT],
			 (unsigned long long)st->events[NSW_EV_KPROBE],
			 (unsigned long long)st->kernel_lost,
			 (unsigned long long)st->ringbuf_drops,
			 (unsigned long long)st->seq_gaps,
			 (unsigned long long)st->output_errors,
			 (unsigned long long)st->output_queue,
			 (unsigned long long)output_dropped_important(out),
			 (unsigned long long)st->parse_errors);
	}
	pipeline_free(p);
	output_close(out);
	policy_free(&pol);
	if (lock_fd >= 0)
		close(lock_fd);
	return status;
}
