/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-bpf-smoke: load the eBPF object through its skeleton, run a fixed
 * set of namespace scenarios in child processes, and print every record
 * of this process tree, decoded by bpf_decode(), one line each:
 *
 *   scenario=NAME pid=N status=S        (after the child was reaped)
 *   ev=exec pid=.. ppid=.. comm=.. bin=.. argv=a|b cwd=.. ns.uts=.. ...
 *   ev=nscall pid=.. sc=setns a0=.. a1=.. ret=.. before.uts=.. ...
 *
 * Byte strings are escaped: bytes outside 0x21..0x7e and '|' '\' as \xNN.
 * tests/integration/bpf-load.sh asserts on the output.
 *
 * usage: nsw-bpf-smoke [--hooks=raw|tracepoint] [--enforce] [--btf=PATH]
 *                      [--only=SCENARIO] [--hold=SECONDS] [--verbose]
 *
 * --hold keeps the programs attached (draining the ring buffer) for that
 * long after the scenarios, e.g. to measure their cost on other work.
 * --features prints bpf_probe_features() and exits.
 * --drops shrinks the ring buffer to one page, lets 200 children fork and
 * exit without draining it, and prints what arrived and what the per-CPU
 * drop counters say.
 *
 * --enforce loads with the enforce knob on, after moving this process to
 * a private UTS namespace that stands in for "the host" (host_ns[] has
 * only that slot), so no other process on the machine can be affected.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/sched.h>

#include "bpf-decode.h"
#include "bpf-probe.h"
#include "event.h"
#include "log.h"
#include "nswatch-events.h"
#include "nswatch.skel.h"

#define MAX_TRACKED 256

static struct nswatch_bpf *skel;
static struct ring_buffer *rb;
static pid_t tracked[MAX_TRACKED];
static int n_tracked;
static const char *scenario_only;

static bool is_tracked(uint32_t pid)
{
	int i;

	for (i = 0; i < n_tracked; i++)
		if ((uint32_t)tracked[i] == pid)
			return true;
	return false;
}

static void track(uint32_t pid)
{
	if (!is_tracked(pid) && n_tracked < MAX_TRACKED)
		tracked[n_tracked++] = (pid_t)pid;
}

static void put_bytes(const char *key, const char *p, size_t len)
{
	size_t i;

	printf(" %s=", key);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 0x20 || c >= 0x7f || c == '|' || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void put_ns(const char *prefix, const struct nsw_ns_set *s)
{
	char key[48];
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++) {
		snprintf(key, sizeof(key), "%s.%s", prefix,
			 nsw_ns_name((enum nsw_ns)i));
		printf(" %s=%u", key, s->inum[i]);
	}
}

static void print_raw(const struct nsw_raw *r)
{
	static const char *const types[] = { "exec", "fork", "exit",
					     "nscall", "aggregate",
					     "syscall" };
	int i;

	printf("ev=%s pid=%u tid=%u ppid=%u ktime=%llu", types[r->type],
	       r->pid, r->tid, r->ppid, (unsigned long long)r->ktime_ns);
	put_bytes("comm", r->comm.p, r->comm.len);
	if (r->creds_known)
		printf(" uid=%u euid=%u", r->uid, r->euid);
	printf(" auid=%u cgid=%llu", r->auid,
	       (unsigned long long)r->cgroup_id);
	put_bytes("cgname", r->cgroup_name.p, r->cgroup_name.len);
	switch (r->type) {
	case NSW_RAW_EXEC:
		printf(" sc=%s", nsw_syscall_name(r->syscall));
		put_bytes("bin", r->binary.p, r->binary.len);
		printf(" argc=%d trunc=%d argv=", r->argc, r->args_truncated);
		for (i = 0; i < r->argc; i++) {
			const struct nsw_bytes *a = &r->argv[i];
			size_t j;

			if (i)
				putchar('|');
			for (j = 0; j < a->len; j++) {
				unsigned char c = (unsigned char)a->p[j];

				if (c <= 0x20 || c >= 0x7f || c == '|' ||
				    c == '\\')
					printf("\\x%02x", c);
				else
					putchar(c);
			}
		}
		put_bytes("cwd", r->cwd.p, r->cwd.len);
		if (r->caps_known)
			printf(" cap_eff=%#llx cap_prm=%#llx",
			       (unsigned long long)r->cap_effective,
			       (unsigned long long)r->cap_permitted);
		if (r->ns_after_known)
			put_ns("ns", &r->ns_after);
		break;
	case NSW_RAW_FORK:
		if (r->ns_after_known)
			put_ns("ns", &r->ns_after);
		break;
	case NSW_RAW_EXIT:
		printf(" code=%d sig=%d", r->exit_code, r->exit_signal);
		break;
	case NSW_RAW_NSCALL:
		printf(" sc=%s a0=%lld a1=%lld clone_flags=%#llx ret=%lld "
		       "killed=%d target_type=%#x target_inum=%u",
		       nsw_syscall_name(r->syscall), (long long)r->a0,
		       (long long)r->a1, (unsigned long long)r->clone_flags,
		       (long long)r->ret, r->killed, r->target_ns_type,
		       r->target_ns_inum);
		if (r->target_ns_known)
			put_ns("target", &r->target_ns);
		if (r->ns_before_known)
			put_ns("before", &r->ns_before);
		if (r->ns_after_known)
			put_ns("after", &r->ns_after);
		if (r->flags_unknown)
			printf(" flags_unknown=1");
		break;
	case NSW_RAW_AGGREGATE:	/* read from the floods map, not the ring */
		break;
	case NSW_RAW_SYSCALL:
		printf(" sc=%s nargs=%d a0=%lld a1=%lld a2=%lld ret=%lld "
		       "killed=%d", nsw_syscall_name(r->syscall), r->n_args,
		       (long long)r->a0, (long long)r->a1, (long long)r->a2,
		       (long long)r->ret, r->killed);
		break;
	}
	putchar('\n');
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct nsw_raw raw;
	int r = bpf_decode(data, size, &raw);

	if (r < 0) {
		printf("decode-error size=%zu err=%d\n", size, r);
		return 0;
	}
	/* a fork record precedes anything its child does */
	if (raw.type == NSW_RAW_FORK && is_tracked(raw.ppid))
		track(raw.pid);
	if (is_tracked(raw.pid))
		print_raw(&raw);
	return 0;
}

static void poll_for(int ms)
{
	struct timespec t0, t;
	long el;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		ring_buffer__poll(rb, 20);
		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) * 1000 +
		     (t.tv_nsec - t0.tv_nsec) / 1000000;
	} while (el < ms);
}

/* Run fn in a child, keep draining events, print how it ended. */
static void scenario(const char *name, int (*fn)(void))
{
	int status = 0;
	pid_t pid;

	if (scenario_only && strcmp(scenario_only, name))
		return;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("scenario=%s error=fork\n", name);
		return;
	}
	if (pid == 0)
		_exit(fn());
	while (waitpid(pid, &status, WNOHANG) == 0)
		ring_buffer__poll(rb, 20);
	poll_for(100);
	printf("scenario=%s pid=%d status=%d exited=%d code=%d signaled=%d "
	       "sig=%d\n", name, (int)pid, status, WIFEXITED(status),
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFSIGNALED(status), WIFSIGNALED(status) ? WTERMSIG(status) :
	       -1);
	fflush(stdout);
}

/* ---- scenarios (run in the child; return the exit code) ------------- */

static int sc_unshare_user(void)
{
	execlp("unshare", "unshare", "-U", "true", (char *)NULL);
	return 127;
}

static int sc_exec_args(void)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* relative exec from a known cwd; an argument with a space and an
	 * empty one */
	if (null < 0 || dup2(null, 1) < 0 || chdir("/usr/bin") < 0)
		return 126;
	execl("./echo", "echo", "a b", "", "c", (char *)NULL);
	return 127;
}

static int sc_exit_code(void)
{
	return 3;
}

static int sc_exit_signal(void)
{
	raise(SIGTERM);
	return 0;
}

static int sc_setns_nsfs(void)
{
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 10;
	return syscall(SYS_setns, fd, CLONE_NEWUTS) == 0 ? 0 : 11;
}

static int sc_setns_nstype0(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 10;
	return syscall(SYS_setns, fd, 0) == 0 ? 0 : 11;
}

static int sc_setns_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getppid(), 0);

	if (fd < 0)
		return 10;
	return syscall(SYS_setns, fd, CLONE_NEWUTS | CLONE_NEWNET) == 0 ?
	       0 : 11;
}

static int sc_setns_bad(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 10;
	/* not a namespace: EINVAL */
	return syscall(SYS_setns, fd, 0) < 0 && errno == EINVAL ? 0 : 11;
}

static int sc_setns_badfd(void)
{
	return syscall(SYS_setns, 987, CLONE_NEWNET) < 0 && errno == EBADF ?
	       0 : 11;
}

static int sc_clone_newuts(void)
{
	int status;
	long pid = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, NULL, NULL,
			   0);

	if (pid < 0)
		return 10;
	if (pid == 0)
		_exit(0);
	printf("info clone_child=%ld\n", pid);
	fflush(stdout);
	return waitpid((pid_t)pid, &status, 0) == pid ? 0 : 11;
}

static int sc_clone3_newuts(void)
{
	struct clone_args ca;
	int status;
	long pid;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWUTS | CLONE_NEWIPC;
	ca.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return 10;
	if (pid == 0)
		_exit(0);
	printf("info clone3_child=%ld\n", pid);
	fflush(stdout);
	return waitpid((pid_t)pid, &status, 0) == pid ? 0 : 11;
}

static int sc_unshare_files(void)
{
	/* no CLONE_NEW* flag: must not produce an nscall record */
	return unshare(CLONE_FILES) == 0 ? 0 : 10;
}

/* fexecve of a sealed copy in a memfd, as runc clones its binary */
static int sc_execveat_memfd(void)
{
	char *const argv[] = { "true-memfd", NULL };
	char *const envp[] = { NULL };
	char buf[65536];
	ssize_t n;
	int src = open("/usr/bin/true", O_RDONLY | O_CLOEXEC);
	int fd = (int)syscall(SYS_memfd_create, "nsw-smoke-memfd", 0);

	if (src < 0 || fd < 0)
		return 10;
	while ((n = read(src, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 10;
	close(src);
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return 11;
}

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define NSW_OPEN_TREE_CLONE	1

/* fexecve of a file bind-mounted on a detached mount (open_tree), the
 * other way runc hides its binary: the mount's root is the file */
static int sc_execveat_detached(void)
{
	char *const argv[] = { "true-detached", NULL };
	char *const envp[] = { NULL };
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/usr/bin/true",
			      NSW_OPEN_TREE_CLONE | O_CLOEXEC);

	if (fd < 0)
		return 20;	/* no open_tree (< 5.2): skipped */
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return 11;
}

static int sc_execveat(void)
{
	int fd = open("/usr/bin/true", O_PATH | O_CLOEXEC);
	char *const argv[] = { "true-at", NULL };
	char *const envp[] = { NULL };

	if (fd < 0)
		return 10;
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return 11;
}

static int sc_unshare_ia32(void)
{
#if defined(__x86_64__)
	long ret;

	/* int 0x80 from a 64-bit process is an ia32 syscall: 310 unshare */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(310L), "b"((long)CLONE_NEWUTS)
			 : "memory");
	printf("info ia32_ret=%ld\n", ret);
	fflush(stdout);
	return ret == 0 ? 0 : ret == -ENOSYS ? 20 : 11;
#else
	return 20;
#endif
}

/* ---- enforcement scenarios (--enforce) ------------------------------ */

static int host_uts_fd = -1;

static int sc_enforce_contained(void)
{
	/* leave the stand-in host mnt namespace, then try to join its uts */
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
		return 10;
	syscall(SYS_setns, host_uts_fd, CLONE_NEWUTS);
	return 0;	/* only reached when not killed */
}

static int sc_enforce_pidfd(void)
{
	int fd = (int)syscall(SYS_pidfd_open, getppid(), 0);

	if (fd < 0 || unshare(CLONE_NEWNS | CLONE_NEWUTS) < 0)
		return 10;
	syscall(SYS_setns, fd, CLONE_NEWUTS);
	return 0;
}

static int sc_enforce_host_caller(void)
{
	/* still in the host mnt namespace: not a container, not killed */
	if (unshare(CLONE_NEWUTS) < 0)
		return 10;
	return syscall(SYS_setns, host_uts_fd, CLONE_NEWUTS) == 0 ? 0 : 11;
}

static uint32_t ns_inum(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

static int print_features(void)
{
	struct bpf_features f;
	int i, r;

	bpf_libbpf_log_init();
	r = bpf_probe_features(&f);
	printf("features built=%d r=%d\n", f.built, r);
	for (i = 0; i < BPF_FEAT_COUNT; i++) {
		printf("feature %s=%d", bpf_feature_name((enum bpf_feat)i),
		       f.result[i]);
		if (f.note[i][0])
			put_bytes("note", f.note[i], strlen(f.note[i]));
		putchar('\n');
	}
	return r < 0 ? 1 : 0;
}

static unsigned long long n_samples;

static int count_sample(void *ctx, void *data, size_t size)
{
	n_samples++;
	return 0;
}

/* Overflow a one-page ring buffer and compare with the drop counters. */
static int drop_storm(void)
{
	unsigned long long dropped = 0;
	int ncpu = libbpf_num_possible_cpus(), i, cpu, status;
	__u64 *vals;
	__u32 key;

	if (ncpu <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	ring_buffer__free(rb);
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), count_sample,
			      NULL, NULL);
	if (!rb) {
		free(vals);
		return -errno;
	}
	for (i = 0; i < 200; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	poll_for(200);
	for (key = 0; key < NSW_BPF_REC_MAX; key++) {
		if (bpf_map__lookup_elem(skel->maps.drops, &key, sizeof(key),
					 vals, sizeof(*vals) * (size_t)ncpu,
					 0) < 0)
			continue;
		for (cpu = 0; cpu < ncpu; cpu++) {
			dropped += vals[cpu];
			if (vals[cpu])
				printf("info drops type=%u cpu=%d n=%llu\n",
				       key, cpu,
				       (unsigned long long)vals[cpu]);
		}
	}
	printf("drops received=%llu dropped=%llu\n", n_samples, dropped);
	free(vals);
	return 0;
}

static void select_hooks(bool raw)
{
	struct bpf_program *tp[] = {
		skel->progs.nsw_tp_enter_setns, skel->progs.nsw_tp_exit_setns,
		skel->progs.nsw_tp_enter_unshare,
		skel->progs.nsw_tp_exit_unshare,
		skel->progs.nsw_tp_enter_clone, skel->progs.nsw_tp_exit_clone,
		skel->progs.nsw_tp_enter_clone3,
		skel->progs.nsw_tp_exit_clone3,
	};
	size_t i;

	bpf_program__set_autoload(skel->progs.nsw_sys_enter, raw);
	bpf_program__set_autoload(skel->progs.nsw_sys_exit, raw);
	for (i = 0; i < sizeof(tp) / sizeof(tp[0]); i++)
		bpf_program__set_autoload(tp[i], !raw);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hooks", required_argument, NULL, 'H' },
		{ "enforce", no_argument, NULL, 'e' },
		{ "btf", required_argument, NULL, 'b' },
		{ "only", required_argument, NULL, 'o' },
		{ "hold", required_argument, NULL, 'h' },
		{ "features", no_argument, NULL, 'f' },
		{ "drops", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	bool raw = true, enforce = false, drops = false;
	int c, r, hold = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (!strcmp(optarg, "raw"))
				raw = true;
			else if (!strcmp(optarg, "tracepoint"))
				raw = false;
			else
				return 2;
			break;
		case 'e':
			enforce = true;
			break;
		case 'b':
			oo.btf_custom_path = optarg;
			break;
		case 'o':
			scenario_only = optarg;
			break;
		case 'h':
			hold = atoi(optarg);
			break;
		case 'f':
			return print_features();
		case 'd':
			drops = true;
			break;
		case 'v':
			log_set_level(LOG_LVL_DEBUG);
			break;
		default:
			fprintf(stderr, "usage: nsw-bpf-smoke [--hooks=raw|"
				"tracepoint] [--enforce] [--btf=PATH] "
				"[--only=SCENARIO] [--hold=SECONDS] "
				"[--features] [--drops] [--verbose]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bpf_libbpf_log_init();
	if (enforce) {
		/* the stand-in host: a uts namespace only our tree can reach */
		if (unshare(CLONE_NEWUTS) < 0) {
			perror("unshare(CLONE_NEWUTS)");
			return 1;
		}
		host_uts_fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
		if (host_uts_fd < 0) {
			perror("open uts");
			return 1;
		}
	}

	skel = nswatch_bpf__open_opts(&oo);
	if (!skel) {
		fprintf(stderr, "open: %s\n", strerror(errno));
		return 1;
	}
	select_hooks(raw);
	if (drops &&
	    bpf_map__set_max_entries(skel->maps.events,
				     (__u32)sysconf(_SC_PAGESIZE)) < 0) {
		fprintf(stderr, "cannot shrink the ring buffer\n");
		r = -EINVAL;
		goto out;
	}
	skel->rodata->self_tgid = 0;	/* we want our own tree */
	if (enforce) {
		skel->rodata->enforce = 1;
		skel->rodata->host_ns[NSW_BPF_NS_UTS] = ns_inum("uts");
		skel->rodata->host_ns[NSW_BPF_NS_MNT] = ns_inum("mnt");
		printf("info host_uts=%u host_mnt=%u\n", ns_inum("uts"),
		       ns_inum("mnt"));
	}
	r = nswatch_bpf__load(skel);
	if (r) {
		fprintf(stderr, "load: %s (%s)\n", strerror(-r),
			bpf_libbpf_first_warning());
		goto out;
	}
	r = nswatch_bpf__attach(skel);
	if (r) {
		fprintf(stderr, "attach: %s (%s)\n", strerror(-r),
			bpf_libbpf_first_warning());
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_sample, NULL,
			      NULL);
	if (!rb) {
		r = -errno;
		fprintf(stderr, "ring buffer: %s\n", strerror(errno));
		goto out;
	}
	track((uint32_t)getpid());
	printf("info self=%d hooks=%s\n", (int)getpid(),
	       raw ? "raw" : "tracepoint");

	if (drops) {
		r = drop_storm();
		goto out;
	}
	if (enforce) {
		scenario("enforce_contained", sc_enforce_contained);
		scenario("enforce_pidfd", sc_enforce_pidfd);
		scenario("enforce_host_caller", sc_enforce_host_caller);
	} else {
		scenario("unshare_user", sc_unshare_user);
		scenario("exec_args", sc_exec_args);
		scenario("exit_code", sc_exit_code);
		scenario("exit_signal", sc_exit_signal);
		scenario("setns_nsfs", sc_setns_nsfs);
		scenario("setns_nstype0", sc_setns_nstype0);
		scenario("setns_pidfd", sc_setns_pidfd);
		scenario("setns_bad", sc_setns_bad);
		scenario("setns_badfd", sc_setns_badfd);
		scenario("clone_newuts", sc_clone_newuts);
		scenario("clone3_newuts", sc_clone3_newuts);
		scenario("unshare_files", sc_unshare_files);
		scenario("unshare_ia32", sc_unshare_ia32);
		scenario("execveat", sc_execveat);
		scenario("execveat_memfd", sc_execveat_memfd);
		scenario("execveat_detached", sc_execveat_detached);
	}
	poll_for(300);
	if (hold > 0) {
		printf("info holding=%d\n", hold);
		poll_for(hold * 1000);
	}
	printf("done\n");
	r = 0;
out:
	ring_buffer__free(rb);
	nswatch_bpf__destroy(skel);
	return r ? 1 : 0;
}
