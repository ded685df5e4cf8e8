/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec_id from the kernel's start time of the task: the same id whether
 * the process was read from /proc, seen exec or fork by the eBPF backend
 * (start_boottime in ns) or exec by the audit backend (no start in the
 * record: /proc's), and after a restart of the monitor.  A fake procfs
 * gives the stat starttime (field 22, clock ticks since boot).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode-json.h"
#include "options.h"
#include "output.h"
#include "pipeline.h"
#include "procfs.h"
#include "raw-event.h"
#include "pipeline-fixture.h"
#include "tap.h"

static char dir[64], procfs[96];

/* /proc/<pid>: stat with `ticks' as starttime, status, a host cgroup */
static void mkpid(unsigned int pid, unsigned long long ticks)
{
	char path[256], text[512];

	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%u/stat", pid);
	snprintf(text, sizeof(text),
		 "%u (sle ep) S 1 %u %u 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 "
		 "1 0 %llu 2000000 100 18446744073709551615 1 1 0 0 0 0 0 "
		 "0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		 pid, pid, pid, ticks);
	pf_put(procfs, path, text);
	snprintf(path, sizeof(path), "%u/status", pid);
	snprintf(text, sizeof(text),
		 "Name:\tsleep\nTgid:\t%u\nPid:\t%u\nPPid:\t1\n"
		 "Uid:\t0\t0\t0\t0\nNSpid:\t%u\nCapPrm:\t0\nCapEff:\t0\n",
		 pid, pid, pid);
	pf_put(procfs, path, text);
	snprintf(path, sizeof(path), "%u/cgroup", pid);
	pf_put(procfs, path, "0::/\n");
	pf_ns_links(procfs, pid, 402653100);
}

static uint64_t clock_ns = 5000000000000ull;	/* event times: 5000 s */

/* An exec as the eBPF backend reports it: everything captured, the
 * task's start_boottime in ns (start_ns). */
static void bpf_exec(struct pipeline *p, uint32_t pid, uint64_t start_ns)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, 1, &clock_ns);
	r.start_ns = start_ns;
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = "/bin/sleep";
	r.binary.len = strlen(r.binary.p);
	r.argv[0].p = "sleep";
	r.argv[0].len = 5;
	r.argc = 1;
	r.cwd.p = "/";
	r.cwd.len = 1;
	r.caps_known = true;
	r.ns_after_known = true;
	r.cgroup_id = 1;
	pipeline_handle(p, &r);
}

/* An exec as audit reports it: image, arguments, cwd and credentials,
 * no start time; `ktime' its record's time. */
static void audit_exec(struct pipeline *p, uint32_t pid, uint64_t ktime)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, 1, &clock_ns);
	r.ktime_ns = ktime;
	r.wall_ns = 0;
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = "/bin/sleep";
	r.binary.len = strlen(r.binary.p);
	r.argv[0].p = "sleep";
	r.argv[0].len = 5;
	r.argc = 1;
	r.cwd.p = "/";
	r.cwd.len = 1;
	pipeline_handle(p, &r);
}

static void bpf_fork(struct pipeline *p, uint32_t pid, uint32_t ppid,
		     uint64_t start_ns)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_FORK, pid, ppid, &clock_ns);
	r.start_ns = start_ns;
	pipeline_handle(p, &r);
}

/* An unshare(CLONE_NEWUTS) by pid, the acting process looked up (read
 * from /proc when not known yet) */
static void unshare_ev(struct pipeline *p, uint32_t pid)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_NSCALL, pid, 0, &clock_ns);
	r.syscall = NSW_SC_UNSHARE;
	r.a0 = 0x04000000;
	r.ret_known = r.success_known = r.success = true;
	pipeline_handle(p, &r);
}

/* The exec_id of the first line whose acting process is pid ("" when
 * none). */
static void id_of(const char *all, unsigned int pid, char *buf, size_t len)
{
	char want[32];
	const char *l = all;
	size_t n = 0;

	buf[0] = '\0';
	snprintf(want, sizeof(want), "\"pid\":%u,", pid);
	while (l && *l) {
		const char *e = strchr(l, '\n');
		const char *id = strstr(l, "{\"exec_id\":\"");
		const char *pp = strstr(l, "\"pid\":");

		/* the acting process is the line's first process object */
		if (id && pp && (!e || pp < e) && !strncmp(pp, want,
							   strlen(want))) {
			id += strlen("{\"exec_id\":\"");
			while (id[n] && id[n] != '"' && n + 1 < len)
				n++;
			memcpy(buf, id, n);
			buf[n] = '\0';
			return;
		}
		l = e ? e + 1 : NULL;
	}
}

static bool id_is(const char *all, unsigned int pid, uint64_t ktime)
{
	char got[128], want[128];

	id_of(all, pid, got, sizeof(got));
	if (encode_exec_id(want, sizeof(want), "n", ktime, pid) < 0)
		return false;
	if (strcmp(got, want))
		diag("pid %u: exec_id %s, want %s (ktime %llu)", pid, got,
		     want, (unsigned long long)ktime);
	return !strcmp(got, want);
}

/* One monitor's run over `events'; its output, malloc'd. */
static char *run(const char *name, void (*events)(struct pipeline *p))
{
	struct nsw_options o;
	struct output *out;
	struct pipeline *p;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	options_init(&o);
	o.procfs = procfs;
	o.rootfs = dir;
	snprintf(o.node_name, sizeof(o.node_name), "n");
	out = output_open(path);
	p = out ? pipeline_new(&o, "bpf", true, out) : NULL;
	if (!p)
		return NULL;
	events(p);
	pipeline_free(p);
	output_close(out);
	return pf_slurp(path);
}

#define TICK_NS (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK))

/* the first monitor: sees 701 exec and 705 fork (eBPF), 702 and 703
 * exec (audit), 700 first through /proc */
static void first(struct pipeline *p)
{
	unshare_ev(p, 700);
	/* start_boottime in ns: a fraction of a tick more than /proc says */
	bpf_exec(p, 701, 12346 * TICK_NS + TICK_NS / 3);
	audit_exec(p, 702, 4000000000000ull);
	/* 703's pid was taken again after its exec: /proc has a later
	 * start than the record's time */
	audit_exec(p, 703, 1000 * TICK_NS);
	bpf_fork(p, 705, 701, 12400 * TICK_NS + 7);
	unshare_ev(p, 705);
}

/* a second monitor (or the first restarted): reads them from /proc */
static void second(struct pipeline *p)
{
	unshare_ev(p, 701);
	unshare_ev(p, 702);
	unshare_ev(p, 705);
}

int main(void)
{
	char *a, *b, ida[128], idb[128];

	snprintf(dir, sizeof(dir), "/tmp/nsw-exec-id.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(procfs, sizeof(procfs), "%s/proc", dir);
	mkdir(procfs, 0755);
	mkpid(700, 12345);
	mkpid(701, 12346);
	mkpid(702, 12347);
	mkpid(703, 200000);
	mkpid(705, 12400);

	ok(procfs_start_id_ns(12346 * TICK_NS + TICK_NS - 1) ==
	   12346 * TICK_NS, "a start in ns is cut to whole clock ticks, as "
	   "/proc/<pid>/stat shows it");
	a = run("first", first);
	b = run("second", second);
	if (!a || !b) {
		printf("Bail out! pipeline: %s\n", strerror(errno));
		return 1;
	}
	ok(id_is(a, 700, 12345 * TICK_NS),
	   "read from /proc: stat starttime ticks in ns");
	ok(id_is(a, 701, 12346 * TICK_NS),
	   "eBPF exec: the task's start_boottime, cut to ticks");
	ok(id_is(a, 702, 12347 * TICK_NS),
	   "audit exec: /proc's start, not the record's time");
	ok(id_is(a, 703, 1000 * TICK_NS),
	   "audit exec whose pid /proc shows started later: the record's "
	   "time");
	ok(id_is(a, 705, 12400 * TICK_NS), "eBPF fork: the child's start");
	id_of(a, 701, ida, sizeof(ida));
	id_of(b, 701, idb, sizeof(idb));
	ok(ida[0] && !strcmp(ida, idb),
	   "seen exec by eBPF, then read from /proc by another monitor: "
	   "one exec_id (%s)", ida);
	id_of(a, 702, ida, sizeof(ida));
	id_of(b, 702, idb, sizeof(idb));
	ok(ida[0] && !strcmp(ida, idb),
	   "seen exec by audit, then read from /proc: one exec_id");
	id_of(a, 705, ida, sizeof(ida));
	id_of(b, 705, idb, sizeof(idb));
	ok(ida[0] && !strcmp(ida, idb),
	   "seen fork by eBPF, then read from /proc: one exec_id");
	free(a);
	free(b);
	return done_testing();
}
