/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * storm: load generators and probes for nswatch's benchmark (bench/run.sh).
 *
 *   storm exec    -n N [-j WORKERS] -m MARKER [-b BINARY]
 *	fork+execve BINARY (default /bin/true) N times in total, spread over
 *	WORKERS processes (default 1).  Every child gets argv
 *	{ "true", MARKER "-c" }, so a consumer's output can be matched to the
 *	storm without matching the storm's own command line.
 *   storm setns   -n N [-m MARKER]
 *	N setns(fd, CLONE_NEWUTS) calls into the process's own UTS namespace.
 *	MARKER is not used; it only makes the command line unique.
 *   storm fork    -n N
 *	N fork()s, one after the other, whose children _exit(0) at once (no
 *	exec): process-table churn for a monitor's process cache.
 *   storm latency -n N -r RATE -o MARKS
 *	N escape-like setns calls at RATE per second: before each one the
 *	process unshares its mount namespace (untimed), and the call
 *	setns(fd, CLONE_NEWNS) takes it back into the mount namespace it
 *	started in (the host's), the kind of line that carries the critical
 *	alert and must reach the output at once (a setns that changes
 *	nothing, like the storm's, is batched by the eBPF backend).  Before
 *	each setns the CLOCK_REALTIME time is taken; MARKS gets one
 *	"seq sec.nsec" line each.
 *   storm stamp   -f FILE -o OUT [-t SECONDS]
 *	Follow FILE from its current end (inotify) and write every complete
 *	line that is appended to it as "sec.nsec<TAB>line" to OUT, the time
 *	being CLOCK_REALTIME right after the read() that returned it.  Stops on
 *	SIGTERM/SIGINT or after SECONDS (default 900).
 *   storm procs   -n N [-x] [-t SECONDS]
 *	Start N children that sleep in pause() (with -x they first execve this
 *	program in "pause" mode, so monitors see an exec each), print "ready",
 *	and hold them until SIGTERM/SIGINT or SECONDS (default
 *	900); then SIGKILL and reap them all.
 *   storm drain   -f FILE [-s OFFSET] [-n COUNT] [-q QUIET_MS] [-t SECONDS]
 *	Read FILE from OFFSET on and wait for a consumer to catch up: with
 *	the environment variable STORM_MATCH set (strings separated by tabs),
 *	until COUNT lines containing all of them are there, or no new such
 *	line came for QUIET_MS (default 2000); without it, until the file
 *	has not grown for QUIET_MS.  SECONDS (at most 120) bounds the wait.
 *	Prints matched= and grew_ms=, the time after the start at which the
 *	last matching line (or growth) was seen (0: all there already).
 *	One process for the whole wait, so a monitor that logs every exec
 *	does not see the waiting as a stream of new events.
 *   storm pause
 *	pause() until killed (used by procs -x).
 *
 * Every mode prints key=value lines on stdout for the script: pid= first,
 * then the figures (wall_ns, rate, failures; cpu_ns, the user+system time
 * of the storm and its children, in which the kernel's per-syscall audit
 * and BPF work is accounted, ...).  Timings are measured,
 * never judged here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARKER_MAX 200

struct opts {
	long n;
	long workers;
	long rate;
	long hold_s;
	long quiet_ms;
	long offset;
	bool exec_children;
	const char *marker;
	const char *binary;
	const char *out;
	const char *follow;
};

static void die(const char *what)
{
	fprintf(stderr, "storm: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* User+system CPU time of this process and its reaped children, in ns. */
static int64_t cpu_used_ns(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return ((int64_t)self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000000LL +
	       ((int64_t)self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1000LL;
}

static void print_rate(long n, int64_t wall_ns)
{
	printf("wall_ns=%lld\n", (long long)wall_ns);
	printf("rate=%.1f\n", wall_ns > 0 ? n * 1e9 / (double)wall_ns : 0.0);
}

/* ---- exec storm -------------------------------------------------------- */

/* Run n fork+execve; returns how many children did not exit 0. */
static long exec_loop(long n, const char *binary, char *const argv[])
{
	char *const envp[] = { NULL };
	long i, failures = 0;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			failures++;
			continue;
		}
		if (pid == 0) {
			execve(binary, argv, envp);
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failures++;
	}
	return failures;
}

static int mode_exec(const struct opts *o)
{
	char marker[MARKER_MAX + 8];
	char *argv[] = { "true", marker, NULL };
	long failures = 0, w;
	int64_t t0, t1, c0;

	if (!o->marker || strlen(o->marker) > MARKER_MAX) {
		fprintf(stderr, "storm exec: -m MARKER (at most %d bytes) "
			"is required\n", MARKER_MAX);
		return 2;
	}
	snprintf(marker, sizeof(marker), "%s-c", o->marker);
	printf("pid=%d\n", getpid());
	fflush(stdout);

	c0 = cpu_used_ns();
	t0 = now_ns(CLOCK_MONOTONIC);
	if (o->workers <= 1) {
		failures = exec_loop(o->n, o->binary, argv);
	} else {
		for (w = 0; w < o->workers; w++) {
			long share = o->n / o->workers +
				     (w < o->n % o->workers ? 1 : 0);
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0) {
				long f = exec_loop(share, o->binary, argv);

				_exit(f > 250 ? 250 : (int)f);
			}
		}
		for (w = 0; w < o->workers; w++) {
			int status;

			if (wait(&status) < 0) {
				if (errno == EINTR) {
					w--;
					continue;
				}
				die("wait");
			}
			if (WIFEXITED(status))
				failures += WEXITSTATUS(status);
			else
				failures++;
		}
	}
	t1 = now_ns(CLOCK_MONOTONIC);

	printf("n=%ld\nworkers=%ld\nfailures=%ld\n", o->n,
	       o->workers < 1 ? 1 : o->workers, failures);
	printf("cpu_ns=%lld\n", (long long)(cpu_used_ns() - c0));
	print_rate(o->n, t1 - t0);
	return 0;
}

/* ---- fork storm ------------------------------------------------------- */

static int mode_fork(const struct opts *o)
{
	long i, failures = 0;
	int64_t t0, t1;

	printf("pid=%d\n", getpid());
	fflush(stdout);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < o->n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			failures++;
			continue;
		}
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("n=%ld\nfailures=%ld\n", o->n, failures);
	print_rate(o->n, t1 - t0);
	return 0;
}

/* ---- setns storm and latency marks ------------------------------------- */

static int open_own_uts(void)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /proc/self/ns/uts");
	return fd;
}

static int mode_setns(const struct opts *o)
{
	long i, failures = 0;
	int64_t t0, t1, c0;
	int fd = open_own_uts();

	printf("pid=%d\n", getpid());
	fflush(stdout);
	c0 = cpu_used_ns();
	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < o->n; i++)
		if (setns(fd, CLONE_NEWUTS) != 0)
			failures++;
	t1 = now_ns(CLOCK_MONOTONIC);
	close(fd);
	printf("n=%ld\nfailures=%ld\n", o->n, failures);
	printf("cpu_ns=%lld\n", (long long)(cpu_used_ns() - c0));
	print_rate(o->n, t1 - t0);
	return 0;
}

static int mode_latency(const struct opts *o)
{
	struct timespec *marks;
	struct timespec next;
	int64_t period_ns, t0, t1;
	long i, failures = 0;
	FILE *f;
	int fd;

	if (!o->out || o->rate <= 0) {
		fprintf(stderr, "storm latency: -o MARKS and -r RATE > 0 "
			"are required\n");
		return 2;
	}
	marks = calloc((size_t)o->n, sizeof(*marks));
	if (!marks)
		die("calloc");
	fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open /proc/self/ns/mnt");
	period_ns = 1000000000LL / o->rate;
	printf("pid=%d\n", getpid());
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &next);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < o->n; i++) {
		next.tv_nsec += period_ns;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		if (unshare(CLONE_NEWNS) != 0)
			die("unshare(CLONE_NEWNS)");
		clock_gettime(CLOCK_REALTIME, &marks[i]);
		if (setns(fd, CLONE_NEWNS) != 0)
			failures++;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	close(fd);

	f = fopen(o->out, "we");
	if (!f)
		die(o->out);
	for (i = 0; i < o->n; i++)
		fprintf(f, "%ld %lld.%09ld\n", i, (long long)marks[i].tv_sec,
			marks[i].tv_nsec);
	if (fclose(f) != 0)
		die(o->out);
	free(marks);
	printf("n=%ld\nfailures=%ld\n", o->n, failures);
	print_rate(o->n, t1 - t0);
	return 0;
}

/* ---- line stamper -------------------------------------------------------- */

static int block_term_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		die("sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die("signalfd");
	return fd;
}

/* Write every complete line of buf[0..*len) with stamp ts; keep the rest. */
static void stamp_lines(FILE *out, char *buf, size_t *len,
			const struct timespec *ts, long *lines)
{
	size_t start = 0, i;

	for (i = 0; i < *len; i++) {
		if (buf[i] != '\n')
			continue;
		fprintf(out, "%lld.%09ld\t", (long long)ts->tv_sec,
			ts->tv_nsec);
		fwrite(buf + start, 1, i + 1 - start, out);
		start = i + 1;
		(*lines)++;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
}

static int mode_stamp(const struct opts *o)
{
	static char buf[1 << 20];
	size_t len = 0;
	long lines = 0;
	int64_t deadline;
	int sfd, ifd, fd;
	FILE *out;

	if (!o->follow || !o->out) {
		fprintf(stderr, "storm stamp: -f FILE and -o OUT are "
			"required\n");
		return 2;
	}
	sfd = block_term_signals();
	fd = open(o->follow, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(o->follow);
	if (lseek(fd, 0, SEEK_END) < 0)
		die("lseek");
	ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		die("inotify_init1");
	if (inotify_add_watch(ifd, o->follow, IN_MODIFY) < 0)
		die("inotify_add_watch");
	out = fopen(o->out, "we");
	if (!out)
		die(o->out);
	printf("pid=%d\n", getpid());
	printf("ready\n");
	fflush(stdout);

	deadline = now_ns(CLOCK_MONOTONIC) + o->hold_s * 1000000000LL;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = ifd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		char ev[4096];
		bool stop;
		int r;

		r = poll(p, 2, 200);
		if (r < 0 && errno != EINTR)
			die("poll");
		stop = (p[1].revents & POLLIN) ||
		       now_ns(CLOCK_MONOTONIC) > deadline;
		while (read(ifd, ev, sizeof(ev)) > 0)
			;
		/* Read on every wake-up, also on the poll timeout, so a
		 * missed notification delays a line by 200 ms at most. */
		for (;;) {
			struct timespec ts;
			ssize_t n;

			if (len == sizeof(buf)) {
				/* A line longer than 1 MiB: cut it. */
				clock_gettime(CLOCK_REALTIME, &ts);
				buf[len - 1] = '\n';
				stamp_lines(out, buf, &len, &ts, &lines);
			}
			n = read(fd, buf + len, sizeof(buf) - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				die("read");
			if (n == 0)
				break;
			clock_gettime(CLOCK_REALTIME, &ts);
			len += (size_t)n;
			stamp_lines(out, buf, &len, &ts, &lines);
		}
		if (stop)
			break;
	}
	if (fclose(out) != 0)
		die(o->out);
	printf("lines=%ld\n", lines);
	return 0;
}

/* ---- many sleeping processes ------------------------------------------- */

static int mode_procs(const struct opts *o, const char *self)
{
	char *const pause_argv[] = { "storm", "pause", NULL };
	char *const envp[] = { NULL };
	pid_t *kids;
	long i, started = 0, reaped = 0;
	int64_t t0, t1, deadline;
	int sfd;

	kids = calloc((size_t)o->n, sizeof(*kids));
	if (!kids)
		die("calloc");
	sfd = block_term_signals();
	printf("pid=%d\n", getpid());
	fflush(stdout);

	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < o->n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			fprintf(stderr, "storm procs: fork #%ld: %s\n", i,
				strerror(errno));
			break;
		}
		if (pid == 0) {
			sigset_t none;
			int devnull;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1)
				_exit(0);
			/* Hold no end of the caller's pipes. */
			devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (devnull >= 0) {
				dup2(devnull, 0);
				dup2(devnull, 1);
			}
			if (o->exec_children) {
				execve(self, pause_argv, envp);
				_exit(127);
			}
			for (;;)
				pause();
		}
		kids[started++] = pid;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("started=%ld\nstart_ns=%lld\nready\n", started,
	       (long long)(t1 - t0));
	fflush(stdout);

	/* Hold until a signal or the deadline. */
	deadline = now_ns(CLOCK_MONOTONIC) + o->hold_s * 1000000000LL;
	for (;;) {
		struct pollfd p = { .fd = sfd, .events = POLLIN };
		int64_t left = (deadline - now_ns(CLOCK_MONOTONIC)) / 1000000;

		if (left <= 0)
			break;
		if (poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) < 0 &&
		    errno != EINTR)
			die("poll");
		if (p.revents & POLLIN)
			break;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < started; i++)
		kill(kids[i], SIGKILL);
	while (reaped < started) {
		if (waitpid(-1, NULL, 0) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		reaped++;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("reaped=%ld\nstop_ns=%lld\n", reaped, (long long)(t1 - t0));
	free(kids);
	return 0;
}

/* ---- wait for a consumer to catch up ---------------------------------- */

#define NEEDLES_MAX 4

/* Split STORM_MATCH (tab-separated strings) into needles; returns count. */
static int drain_needles(char *spec, const char *needle[NEEDLES_MAX])
{
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(spec, "\t", &save); tok && n < NEEDLES_MAX;
	     tok = strtok_r(NULL, "\t", &save))
		needle[n++] = tok;
	return n;
}

static bool line_matches(char *line, size_t len, const char *needle[],
			 int n)
{
	int i;

	if (n == 0)
		return false;
	line[len] = '\0';
	for (i = 0; i < n; i++)
		if (!strstr(line, needle[i]))
			return false;
	return true;
}

static int mode_drain(const struct opts *o)
{
	static char buf[(1 << 20) + 1];
	struct timespec tick = { .tv_nsec = 20 * 1000000L };
	const char *needle[NEEDLES_MAX];
	int64_t t0, last_match = 0, last_growth, deadline, now;
	long matched = 0;
	bool any_match = false;
	size_t len = 0;
	char *spec;
	int n = 0, fd;

	if (!o->follow) {
		fprintf(stderr, "storm drain: -f FILE is required\n");
		return 2;
	}
	/* The needles come from the environment, not argv, so that this
	 * process's own exec event does not match them. */
	spec = getenv("STORM_MATCH");
	if (spec && *spec)
		n = drain_needles(strdup(spec), needle);
	fd = open(o->follow, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(o->follow);
	if (lseek(fd, o->offset, SEEK_SET) < 0)
		die("lseek");

	t0 = now_ns(CLOCK_MONOTONIC);
	last_growth = t0;
	deadline = t0 + (o->hold_s > 120 ? 120 : o->hold_s) * 1000000000LL;
	for (;;) {
		ssize_t r;
		size_t start = 0, i;

		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno != EINTR)
			die("read");
		now = now_ns(CLOCK_MONOTONIC);
		if (r > 0) {
			len += (size_t)r;
			last_growth = now;
			for (i = 0; i < len; i++) {
				if (buf[i] != '\n')
					continue;
				if (line_matches(buf + start, i - start,
						 needle, n)) {
					matched++;
					last_match = now;
					any_match = true;
				}
				start = i + 1;
			}
			if (start == 0 && len == sizeof(buf) - 1)
				start = len;	/* over-long line: drop it */
			memmove(buf, buf + start, len - start);
			len -= start;
			if (r > 0 && len < sizeof(buf) - 1)
				continue;	/* read until EOF first */
		}
		if (n > 0 && matched >= o->n)
			break;
		/* Quiet: no new matching line (or, without needles, no
		 * growth at all) for QUIET_MS. */
		if (now - (n > 0 ? (any_match ? last_match : t0) :
			   last_growth) >= o->quiet_ms * 1000000LL)
			break;
		if (now > deadline)
			break;
		nanosleep(&tick, NULL);
	}
	printf("matched=%ld\n", matched);
	printf("grew_ms=%lld\n", n > 0 ?
	       (long long)(any_match ? (last_match - t0) / 1000000 : 0) :
	       (long long)((last_growth - t0) / 1000000));
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs("usage: storm exec -n N [-j WORKERS] -m MARKER [-b BINARY]\n"
	      "       storm setns -n N [-m MARKER]\n"
	      "       storm fork -n N\n"
	      "       storm latency -n N -r RATE -o MARKS\n"
	      "       storm stamp -f FILE -o OUT [-t SECONDS]\n"
	      "       storm procs -n N [-x] [-t SECONDS]\n"
	      "       storm drain -f FILE [-s OFFSET] [-n COUNT] "
	      "[-q QUIET_MS] [-t SECONDS]\n"
	      "       storm pause\n", f);
}

static long parse_long(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "storm: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.n = 20000, .workers = 1, .rate = 200, .hold_s = 900,
		.quiet_ms = 2000,
		.binary = "/bin/true",
	};
	char self[PATH_MAX];
	const char *mode;
	ssize_t sl;
	int c;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	if (!strcmp(mode, "pause")) {
		for (;;)
			pause();
	}
	if (!strcmp(mode, "-h") || !strcmp(mode, "--help")) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	while ((c = getopt(argc, argv, "n:j:m:b:r:o:f:t:q:s:xh")) != -1) {
		switch (c) {
		case 'n': o.n = parse_long(optarg, "count"); break;
		case 'j': o.workers = parse_long(optarg, "workers"); break;
		case 'm': o.marker = optarg; break;
		case 'b': o.binary = optarg; break;
		case 'r': o.rate = parse_long(optarg, "rate"); break;
		case 'o': o.out = optarg; break;
		case 'f': o.follow = optarg; break;
		case 't': o.hold_s = parse_long(optarg, "seconds"); break;
		case 'q': o.quiet_ms = parse_long(optarg, "quiet ms"); break;
		case 's': o.offset = parse_long(optarg, "offset"); break;
		case 'x': o.exec_children = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (o.n < 1) {
		fprintf(stderr, "storm: -n must be at least 1\n");
		return 2;
	}
	/* Line-buffered key=value output even into a pipe or file. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!strcmp(mode, "exec"))
		return mode_exec(&o);
	if (!strcmp(mode, "setns"))
		return mode_setns(&o);
	if (!strcmp(mode, "fork"))
		return mode_fork(&o);
	if (!strcmp(mode, "latency"))
		return mode_latency(&o);
	if (!strcmp(mode, "stamp"))
		return mode_stamp(&o);
	if (!strcmp(mode, "drain"))
		return mode_drain(&o);
	if (!strcmp(mode, "procs")) {
		sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (sl < 0)
			die("readlink /proc/self/exe");
		self[sl] = '\0';
		return mode_procs(&o, self);
	}
	usage(stderr);
	return 2;
}
