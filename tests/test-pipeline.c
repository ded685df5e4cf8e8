/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pipeline's attribution against an attacker who moves cgroups or
 * names binaries after runtime helpers: raw events as the eBPF backend
 * makes them, a fake procfs (cgroup files, namespace links of the host
 * reference), the JSON lines checked.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "output.h"
#include "pipeline.h"
#include "raw-event.h"
#include "pipeline-fixture.h"
#include "tap.h"

#define HX(c) c c c c c c c c c c c c c c c c
#define A64 HX("a1a1")
#define B64 HX("b2b2")
#define C64 HX("c3c3")
#define D64 HX("d4d4")
#define E64 HX("e5e5")
#define F64 HX("f6f6")
#define G64 HX("a7a7")
#define H64 HX("b8b8")
#define POD2 "/kubepods/besteffort/pod1f3b7c9e-1a2b-4c5d-8e9f-0a1b2c3d4e5f/"
#define E_BUNDLE "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" E64
#define HOST_BASE 402653100
#define POD "/kubepods/besteffort/pod0f3b7c9e-1a2b-4c5d-8e9f-0a1b2c3d4e5f/"

static char dir[64], procfs[96], outpath[96];

static void mkpid(unsigned int pid, const char *cgroup)
{
	char path[256], text[512];

	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%u/cgroup", pid);
	snprintf(text, sizeof(text), "0::%s\n", cgroup);
	pf_put(procfs, path, text);
}

/* host reference namespaces: /proc/1/ns/<name> -> "<name>:[<inum>]" */
static void host_ns(void)
{
	pf_ns_links(procfs, 1, HOST_BASE);
}

/* namespace set with every slot base + slot */
static void ns_set(struct nsw_ns_set *s, uint32_t base)
{
	int i;

	for (i = 0; i < NSW_NS_COUNT; i++)
		s->inum[i] = base + (uint32_t)i;
}

static uint64_t clock_ns = 1000000;

static int exec_ev(struct pipeline *p, uint32_t pid, uint32_t ppid,
		   const char *binary, uint64_t cgid, uint32_t ns_base)
{
	struct nsw_raw r;
	const char *b = strrchr(binary, '/');

	pf_raw_init(&r, NSW_RAW_EXEC, pid, ppid, &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	r.argv[0].p = b ? b + 1 : binary;
	r.argv[0].len = strlen(r.argv[0].p);
	r.argc = 1;
	r.cwd.p = "/";
	r.cwd.len = 1;
	r.caps_known = true;
	r.ns_after_known = true;
	ns_set(&r.ns_after, ns_base);
	r.cgroup_id = cgid;
	return pipeline_handle(p, &r);
}

/* An exec by a process gone before /proc could be read (audit reports
 * after the fact) whose SYSCALL record carried an SELinux level. */
static int exec_selinux_ev(struct pipeline *p, uint32_t pid, uint32_t ppid,
			   const char *binary, const char *level)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, ppid, &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	r.argv[0] = r.binary;
	r.argc = 1;
	snprintf(r.selinux_level, sizeof(r.selinux_level), "%s", level);
	return pipeline_handle(p, &r);
}

/* exec of a host runtime with its command line (ARGS: space-separated) */
static int exec_argv_ev(struct pipeline *p, uint32_t pid, uint32_t ppid,
			const char *binary, const char *args)
{
	static char buf[512];
	struct nsw_raw r;
	char *t, *save = NULL;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, ppid, &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	r.argv[0] = r.binary;
	r.argc = 1;
	snprintf(buf, sizeof(buf), "%s", args);
	for (t = strtok_r(buf, " ", &save); t && r.argc < NSW_RAW_MAX_ARGS;
	     t = strtok_r(NULL, " ", &save)) {
		r.argv[r.argc].p = t;
		r.argv[r.argc++].len = strlen(t);
	}
	return pipeline_handle(p, &r);
}

/* exec of a process gone before /proc could be read, in the cgroup whose
 * leaf the kernel captured as `cgname` */
static int exec_gone_ev(struct pipeline *p, uint32_t pid, uint32_t ppid,
			const char *binary, uint64_t cgid, const char *cgname)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, ppid, &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	r.argv[0].p = binary;
	r.argv[0].len = strlen(binary);
	r.argc = 1;
	r.cwd.p = "/";
	r.cwd.len = 1;
	r.caps_known = true;
	r.ns_after_known = true;
	ns_set(&r.ns_after, 8000);
	r.cgroup_id = cgid;
	r.cgroup_name.p = cgname;
	r.cgroup_name.len = strlen(cgname);
	return pipeline_handle(p, &r);
}

/* An exec of a file on device 0:minor by a process gone before /proc
 * could be read (audit's PATH dev=), whose parent is on the host. */
static int exec_dev_ev(struct pipeline *p, uint32_t pid, uint32_t ppid,
		       const char *binary, uint32_t minor)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, ppid, &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	r.argv[0] = r.binary;
	r.argc = 1;
	r.cwd.p = "/";
	r.cwd.len = 1;
	r.exe_dev_known = true;
	r.exe_dev_major = 0;
	r.exe_dev_minor = minor;
	return pipeline_handle(p, &r);
}

/* the host's mount table: the reference process's */
static void mountinfo(bool with_e)
{
	pf_put(procfs, "1/mountinfo", with_e ?
	    "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "90 25 0:77 / " E_BUNDLE "/rootfs rw - overlay overlay rw\n" :
	    "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
}

/* A process /proc can read in full: ppid, Uid and loginuid 1000, exe,
 * cwd, cmdline, DAC_OVERRIDE, namespaces base ns_base + slot, pid
 * nspid inside its pid namespace. */
static void mklive(unsigned int pid, unsigned int ppid, const char *cgroup,
		   uint32_t ns_base, unsigned int nspid)
{
	char path[256], text[512];

	mkpid(pid, cgroup);
	snprintf(path, sizeof(path), "%u/stat", pid);
	snprintf(text, sizeof(text), "%u (live) S %u 0 0 0 -1 0 0 0 0 0 0 0 "
		 "0 0 20 0 1 0 4242\n", pid, ppid);
	pf_put(procfs, path, text);
	snprintf(path, sizeof(path), "%u/status", pid);
	snprintf(text, sizeof(text), "Tgid:\t%u\nNSpid:\t%u\t%u\n"
		 "Uid:\t1000\t1000\t1000\t1000\n"
		 "CapPrm:\t0000000000000002\nCapEff:\t0000000000000002\n",
		 pid, pid, nspid);
	pf_put(procfs, path, text);
	snprintf(path, sizeof(path), "%u/loginuid", pid);
	pf_put(procfs, path, "1000");
	snprintf(path, sizeof(path), "%s/%u/cmdline", procfs, pid);
	{
		FILE *f = fopen(path, "w");

		if (f) {
			fwrite("live\0--from-proc\0", 1, 17, f);
			fclose(f);
		}
	}
	snprintf(path, sizeof(path), "%s/%u/exe", procfs, pid);
	if (symlink("/usr/bin/live-exe", path) < 0)
		perror("symlink");
	snprintf(path, sizeof(path), "%s/%u/cwd", procfs, pid);
	if (symlink("/live-cwd", path) < 0)
		perror("symlink");
	pf_ns_links(procfs, pid, ns_base);
}

/* what an exec's raw event carries, for the precedence tests */
enum {
	RAW_PPID = 1 << 0,
	RAW_ARGS = 1 << 1,
	RAW_CWD = 1 << 2,
	RAW_CREDS = 1 << 3,
	RAW_CAPS = 1 << 4,
	RAW_NS = 1 << 5,
};

/* An exec without a cgroup id (never complete: /proc is read) with the
 * raw fields in `has`: ppid 60, argv "--raw", cwd /raw-cwd, euid 0,
 * CAP_CHOWN, namespaces base ns_base + slot. */
static uint32_t part_ppid = 60;	/* the ppid of RAW_PPID */

static int exec_part_ev(struct pipeline *p, uint32_t pid, const char *binary,
			unsigned int has, uint32_t ns_base)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXEC, pid, has & RAW_PPID ? part_ppid : 0,
		    &clock_ns);
	r.syscall = NSW_SC_EXECVE;
	r.success = r.success_known = true;
	r.binary.p = binary;
	r.binary.len = strlen(binary);
	if (has & RAW_ARGS) {
		r.argv[0].p = "raw";
		r.argv[0].len = 3;
		r.argv[1].p = "--raw";
		r.argv[1].len = 5;
		r.argc = 2;
	}
	if (has & RAW_CWD) {
		r.cwd.p = "/raw-cwd";
		r.cwd.len = 8;
	}
	r.creds_known = has & RAW_CREDS;
	r.caps_known = has & RAW_CAPS;
	r.cap_permitted = r.cap_effective = 1;
	r.ns_after_known = has & RAW_NS;
	ns_set(&r.ns_after, ns_base);
	return pipeline_handle(p, &r);
}

static int fork_ev(struct pipeline *p, uint32_t pid, uint32_t ppid)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_FORK, pid, ppid, &clock_ns);
	return pipeline_handle(p, &r);
}

static int exit_ev(struct pipeline *p, uint32_t pid)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_EXIT, pid, 0, &clock_ns);
	return pipeline_handle(p, &r);
}

static int ns_ev(struct pipeline *p, uint32_t pid, enum nsw_syscall sc,
		 uint32_t flags, uint32_t before, uint32_t after)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_NSCALL, pid, 0, &clock_ns);
	r.syscall = sc;
	if (sc == NSW_SC_SETNS) {
		r.a0 = 3;
		r.a1 = flags;
	} else {
		r.a0 = flags;
	}
	r.ret_known = r.success_known = r.success = true;
	r.ns_before_known = r.ns_after_known = true;
	ns_set(&r.ns_before, before);
	ns_set(&r.ns_after, before);
	/* only the net or user slot moves */
	if (flags & 0x40000000)
		r.ns_after.inum[NSW_NS_NET] = after + NSW_NS_NET;
	if (flags & 0x10000000)
		r.ns_after.inum[NSW_NS_USER] = after + NSW_NS_USER;
	return pipeline_handle(p, &r);
}

/* An escape syscall (finit_module of fd 3) as the eBPF backend sends it. */
static int esc_ev(struct pipeline *p, uint32_t pid)
{
	struct nsw_raw r;

	pf_raw_init(&r, NSW_RAW_SYSCALL, pid, 0, &clock_ns);
	r.syscall = NSW_SC_FINIT_MODULE;
	r.a0 = 3;
	r.a1 = 0;
	r.n_args = 2;
	r.ret_known = r.success_known = true;
	r.ret = -8;
	return pipeline_handle(p, &r);
}

/* containerd's bundle of container `id` (pod `pod`, init `initpid`) */
static void bundle(const char *id, const char *pod, unsigned int initpid)
{
	char path[512], text[256];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p '%s/run/containerd/"
		 "io.containerd.runtime.v2.task/k8s.io/%s'", dir, id);
	if (system(path) != 0)
		diag("cannot make the bundle of %s", id);
	snprintf(path, sizeof(path), "%s/run/containerd/"
		 "io.containerd.runtime.v2.task/k8s.io/%s/config.json", dir, id);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "{\"ociVersion\":\"1.1.0\",\"annotations\":{"
			"\"io.kubernetes.cri.sandbox-name\":\"%s\"}}", pod);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/run/containerd/"
		 "io.containerd.runtime.v2.task/k8s.io/%s/init.pid", dir, id);
	snprintf(text, sizeof(text), "%u", initpid);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The line of event `kind` (process_exec, process_kprobe) whose acting
 * process is pid; a copy, or NULL. */
static char *line_of(const char *all, const char *kind, unsigned int pid)
{
	char head[64], want[32];
	const char *l = all;

	snprintf(head, sizeof(head), "{\"%s\":{\"process\":{", kind);
	snprintf(want, sizeof(want), "\"pid\":%u,", pid);
	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		const char *pp = strstr(l, "\"pid\":");

		if (!strncmp(l, head, strlen(head)) && pp && pp < l + n &&
		    !strncmp(pp, want, strlen(want)))
			return strndup(l, n);
		l = e ? e + 1 : NULL;
	}
	return NULL;
}

/* The last line of event `kind` whose acting process is pid. */
static char *last_line_of(const char *all, const char *kind,
			  unsigned int pid)
{
	char *l = line_of(all, kind, pid), *next;
	const char *at;

	while (l && (at = strstr(all, l)) != NULL) {
		next = line_of(at + strlen(l), kind, pid);
		if (!next)
			break;
		all = at + strlen(l);
		free(l);
		l = next;
	}
	return l;
}

/* The acting process's part of a line: cut at its parent (in place). */
static char *own(char *line)
{
	char *cut = line ? strstr(line, ",\"parent\":") : NULL;

	if (cut)
		*cut = '\0';
	return line;
}

static bool has(const char *line, const char *s)
{
	return line && strstr(line, s);
}

/* exec_id of pid's exec line into buf ("" when none) */
static void exec_id_of(const char *all, unsigned int pid, char *buf,
		       size_t len)
{
	char *l = line_of(all, "process_exec", pid);
	const char *s = l ? strstr(l, "\"exec_id\":\"") : NULL;
	size_t n = 0;

	if (s) {
		s += strlen("\"exec_id\":\"");
		while (s[n] && s[n] != '"' && n + 1 < len)
			n++;
		memcpy(buf, s, n);
	}
	buf[n] = '\0';
	free(l);
}

int main(void)
{
	struct nsw_options o;
	struct output *out;
	struct pipeline *p;
	char *all, *l;

	snprintf(dir, sizeof(dir), "/tmp/nsw-pipeline.XXXXXX");
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	snprintf(procfs, sizeof(procfs), "%s/proc", dir);
	snprintf(outpath, sizeof(outpath), "%s/out.json", dir);
	mkdir(procfs, 0755);
	host_ns();
	/* A: a pod container; its process moves into a sub-cgroup named
	 * like container B; C: another pod's container */
	mkpid(100, POD A64);
	mkpid(101, POD A64 "/" B64);
	mkpid(102, "/");
	mkpid(103, POD A64 "/crio-conmon-" B64 ".scope");
	mkpid(200, "/");
	mkpid(201, POD C64);
	mkpid(202, POD C64);
	/* C's runtime state: containerd's bundle, with the SELinux label its
	 * processes get (RHEL) */
	{
		char path[512];
		const char *sub[] = { "/run", "/run/containerd",
			"/run/containerd/io.containerd.runtime.v2.task",
			"/run/containerd/io.containerd.runtime.v2.task/k8s.io",
			"/run/containerd/io.containerd.runtime.v2.task/k8s.io/"
			C64 };
		FILE *f;
		size_t i;

		for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
			snprintf(path, sizeof(path), "%s%s", dir, sub[i]);
			mkdir(path, 0755);
		}
		snprintf(path, sizeof(path), "%s%s/config.json", dir,
			 sub[4]);
		f = fopen(path, "w");
		if (f) {
			fputs("{\"ociVersion\":\"1.1.0\",\"process\":{"
			      "\"selinuxLabel\":\"system_u:system_r:"
			      "container_t:s0:c5,c6\"},\"annotations\":{"
			      "\"io.kubernetes.cri.sandbox-name\":\"web\"}}",
			      f);
			fclose(f);
		}
	}

	/* runc's state of a ctr container named by its name, not an id */
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path),
			 "mkdir -p '%s/run/containerd/runc/k8s.io/nsw-true-1'",
			 dir);
		if (system(path) != 0)
			diag("cannot make the runc state directory");
		snprintf(path, sizeof(path),
			 "%s/run/containerd/runc/k8s.io/nsw-true-1/state.json",
			 dir);
		f = fopen(path, "w");
		if (f) {
			fputs("{\"id\":\"nsw-true-1\",\"init_process_pid\":0,"
			      "\"config\":{\"labels\":[\"io.kubernetes.cri."
			      "container-name=t\"]}}", f);
			fclose(f);
		}
	}
	mkpid(300, "/");
	/* E: a container whose only process is gone before anything of it
	 * is read; containerd mounted its root file system on 0:77 */
	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "mkdir -p '%s" E_BUNDLE "'", dir);
		if (system(path) != 0)
			diag("cannot make E's bundle");
		snprintf(path, sizeof(path), "%s" E_BUNDLE "/config.json", dir);
		f = fopen(path, "w");
		if (f) {
			fputs("{\"ociVersion\":\"1.1.0\",\"annotations\":{"
			      "\"io.kubernetes.cri.sandbox-name\":\"short\"}}",
			      f);
			fclose(f);
		}
	}
	mountinfo(true);

	options_init(&o);
	o.procfs = procfs;
	o.rootfs = dir;
	snprintf(o.node_name, sizeof(o.node_name), "n");
	out = output_open(outpath);
	p = out ? pipeline_new(&o, "bpf", true, out) : NULL;
	if (!p) {
		printf("1..0 # SKIP pipeline: %s\n", strerror(errno));
		return 0;
	}

	/* a container shell, then its children on the move */
	exec_ev(p, 100, 50, "/bin/sh", 11, 5000);
	fork_ev(p, 101, 100);
	exec_ev(p, 101, 100, "/usr/bin/nsenter", 12, 5000);
	exec_ev(p, 102, 100, "/bin/true", 13, 5000);	/* no fork seen */
	fork_ev(p, 103, 100);
	exec_ev(p, 103, 100, "/tmp/static", 14, 5000);
	ns_ev(p, 103, NSW_SC_UNSHARE, 0x10000000, 5000, 7000);
	fork_ev(p, 104, 100);
	exec_ev(p, 104, 100, "/tmp/bridge", 11, 5000);
	ns_ev(p, 104, NSW_SC_SETNS, 0x40000000, 5000, 6000);
	/* a module load from the container's shell, one from runc on the
	 * host (the host's own modprobe: dropped) */
	esc_ev(p, 100);
	/* runc on the host, its init exec'd into container C (still in the
	 * host namespaces), joining C's net namespace */
	exec_ev(p, 200, 50, "/usr/sbin/runc", 20, HOST_BASE);
	esc_ev(p, 200);
	fork_ev(p, 201, 200);
	exec_ev(p, 201, 200, "/usr/sbin/runc", 21, HOST_BASE);
	ns_ev(p, 201, NSW_SC_SETNS, 0x40000000, HOST_BASE, 6000);
	/* another runc init, handled late (audit): already in C's cgroup
	 * when read, it re-executes its sealed copy in the host namespaces
	 * before it joins C's */
	exec_ev(p, 202, 200, "/usr/sbin/runc", 22, HOST_BASE);
	exec_ev(p, 202, 200, "/usr/sbin/runc", 22, HOST_BASE);
	/* a static program run into C by the runtime (runc on the host is
	 * its parent) and gone before /proc could be read: its SELinux level
	 * is C's; another with a level no container has */
	exec_selinux_ev(p, 500, 200, "/escape", "s0:c5,c6");
	ns_ev(p, 500, NSW_SC_SETNS, 0x40000000, 6000, HOST_BASE);
	exec_selinux_ev(p, 501, 200, "/escape", "s0:c7,c8");
	/* R19: `runc exec ID cmd args` on the host; its child is gone before
	 * /proc could be read and nothing else names its container: the
	 * runtime's id does, never the ids the exec's caller put after it */
	mkpid(320, "/");
	exec_argv_ev(p, 320, 50, "/usr/sbin/runc", "--root /run/containerd/"
		     "runc/k8s.io exec -d --pid-file /run/x.pid -u 1000 "
		     "nsw-true-1 /data/bridge " C64);
	exec_selinux_ev(p, 520, 320, "/data/bridge", "");
	ns_ev(p, 520, NSW_SC_SETNS, 0x40000000, 6000, HOST_BASE);
	mkpid(321, "/");
	exec_argv_ev(p, 321, 50, "/usr/sbin/runc", "--root /run/containerd/"
		     "runc/k8s.io exec gone-ctr " C64);
	exec_selinux_ev(p, 521, 321, "/data/bridge", "");
	/* `runc run -d`: the container's init is runc's child until runc
	 * exits, right after letting it exec; audit hands nswatch both
	 * records late, the exit first, and /proc has neither any more */
	exec_ev(p, 400, 50, "/usr/sbin/runc", 30, HOST_BASE);
	exit_ev(p, 400);
	exec_ev(p, 401, 400, "/pause", 31, 9000);
	/* `ctr run --rm ... true`: runc's init, forked in the shim's cgroup,
	 * exec's `true`, which is gone before /proc/<pid>/cgroup is read;
	 * only the cgroup's leaf the kernel captured names the container */
	fork_ev(p, 301, 300);
	exec_gone_ev(p, 301, 300, "/bin/true", 31, D64);
	fork_ev(p, 302, 300);
	exec_gone_ev(p, 302, 300, "/bin/true", 32, "nsw-true-1");
	fork_ev(p, 303, 300);
	exec_gone_ev(p, 303, 300, "/bin/true", 33, "nsw-true-2");
	/* the process moved since the event: its cgroup file is not the
	 * captured cgroup's, the name decides */
	mkpid(304, "/system.slice/other.service");
	fork_ev(p, 304, 300);
	exec_gone_ev(p, 304, 300, "/bin/true", 34, "libpod-" C64 ".scope");
	/* E's escape: its root file system was seen mounted (and its
	 * state read) before it was deleted and unmounted; the records of
	 * its only process come after that */
	ok(pipeline_mount_fd(p) >= 0, "the host's mount table is watched");
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s" E_BUNDLE "'", dir);
		if (system(cmd) != 0)
			diag("cannot remove E's bundle");
	}
	mountinfo(false);
	pipeline_mount_changed(p);
	exec_dev_ev(p, 700, 300, "/escape", 77);
	ns_ev(p, 700, NSW_SC_SETNS, 0x40000000, 6000, HOST_BASE);
	fork_ev(p, 702, 700);
	exec_dev_ev(p, 702, 700, "/bin/sh", 1);
	exec_dev_ev(p, 701, 300, "/escape", 78);
	/* runc's init re-executing its sealed copy: audit names it "/" */
	mkpid(310, "/");
	exec_ev(p, 310, 300, "/usr/sbin/runc", 20, HOST_BASE);
	exec_ev(p, 310, 300, "/", 20, HOST_BASE);
	/* precedence of each field of an exec (see exec_facts() in
	 * pipeline.c): raw event, /proc read now, the cached process */
	mklive(61, 1, "/", 9100, 61);
	mklive(600, 61, "/", 9100, 600);
	exec_part_ev(p, 600, "/proc/self/exe", RAW_ARGS, 0);
	mklive(601, 61, "/", 9100, 601);
	exec_part_ev(p, 601, "/bin/601", RAW_PPID | RAW_ARGS | RAW_CWD |
		     RAW_CREDS | RAW_CAPS, 0);
	mklive(602, 61, "/", 9100, 602);
	exec_part_ev(p, 602, "/bin/602", 0, 0);
	mklive(603, 61, "/", 9100, 603);
	exec_part_ev(p, 603, "/bin/603", RAW_NS, 5100);
	exec_part_ev(p, 603, "/bin/603b", 0, 0);
	mklive(604, 61, POD A64, 9100, 7);
	exec_part_ev(p, 604, "/bin/604", 0, 0);
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/604'", procfs);
		if (system(cmd) != 0)
			diag("cannot remove %s/604", procfs);
	}
	exec_part_ev(p, 604, "/bin/604b", 0, 0);
	/* issue 12: a container whose first process is seen before its
	 * runtime wrote its state (runc's init is in the cgroup before
	 * state.json); its state appears, and the next exec in it, a hit of
	 * the cgroup-id cache, must carry the pod */
	mkpid(740, POD H64);
	mkpid(741, POD H64);
	exec_ev(p, 740, 50, "/bin/sh", 40, 5000);
	{
		char path[512];
		const char *b = "/run/containerd/io.containerd.runtime.v2.task"
				"/k8s.io/" H64;
		FILE *f;

		snprintf(path, sizeof(path), "mkdir -p '%s%s'", dir, b);
		if (system(path) != 0)
			diag("cannot make H's bundle");
		snprintf(path, sizeof(path), "%s%s/config.json", dir, b);
		f = fopen(path, "w");
		if (f) {
			fputs("{\"ociVersion\":\"1.1.0\",\"annotations\":{"
			      "\"io.kubernetes.cri.sandbox-name\":\"fresh\","
			      "\"io.kubernetes.cri.sandbox-namespace\":"
			      "\"fresh-ns\"}}", f);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s%s/init.pid", dir, b);
		f = fopen(path, "w");
		if (f) {
			fputs("740", f);
			fclose(f);
		}
	}
	/* more than the cache's first wait before a re-read (10 ms) */
	usleep(300 * 1000);
	exec_ev(p, 741, 50, "/usr/bin/nsenter", 40, 5000);
	/* issue 10 item 1 on audit: exec records handled late, the cgroup
	 * read from /proc after the process moved.  F: the privileged pod
	 * (init 800, mount namespace 9300+), G: another pod (init 810,
	 * 9400+).  A shell runc exec'd into F moves into a sub-cgroup of
	 * F's named after G (the deepest id wins) before its exec is read:
	 * 820 still in F's mount namespace, 821 already in the host's (it
	 * has nsenter'd); 822 is G's own process; 823 runc's init in G's
	 * cgroup before it joins G (host mount namespace); 824 moved into
	 * G's own cgroup (host cgroupfs) from F's mount namespace */
	bundle(F64, "priv", 800);
	bundle(G64, "app", 810);
	mklive(800, 1, POD F64, 9300, 1);
	mklive(810, 1, POD2 G64, 9400, 1);
	mklive(820, 1, POD F64 "/cri-containerd-" G64 ".scope", 9300, 820);
	exec_part_ev(p, 820, "/bin/sh", RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	mklive(821, 1, POD F64 "/cri-containerd-" G64 ".scope", HOST_BASE,
	       821);
	exec_part_ev(p, 821, "/bin/sh", RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	mklive(822, 1, POD2 G64, 9400, 822);
	exec_part_ev(p, 822, "/bin/sh", RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	mklive(823, 1, POD2 G64, HOST_BASE, 823);
	exec_part_ev(p, 823, "/usr/sbin/runc", RAW_ARGS | RAW_CWD | RAW_CREDS,
		     0);
	mklive(824, 1, POD2 G64, 9300, 824);
	exec_part_ev(p, 824, "/bin/sh", RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	/* 825: G's own process that joined F's mount namespace alone
	 * (nsenter -m) before its exec was read: the mount namespace is
	 * F's, the pid namespace (which cannot be joined) still G's */
	mklive(825, 1, POD2 G64, 9400, 825);
	{
		char lnk[256], tgt[64];

		snprintf(lnk, sizeof(lnk), "%s/825/ns/mnt", procfs);
		snprintf(tgt, sizeof(tgt), "mnt:[%u]", 9300 + NSW_NS_MNT);
		if (unlink(lnk) < 0 || symlink(tgt, lnk) < 0)
			perror("ns/mnt");
	}
	exec_part_ev(p, 825, "/bin/sh", RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	/* 826: `runc exec -d F sh` on the host (330); its child, read late,
	 * has joined every namespace of G's it can (nsenter -a; the pid
	 * namespace too, as between two hostPID pods): the runtime named F */
	mkpid(330, "/");
	exec_argv_ev(p, 330, 50, "/usr/sbin/runc", "--root /run/containerd/"
		     "runc/k8s.io exec -d --pid-file /run/y.pid " F64
		     " /bin/sh " G64);
	mklive(826, 330, POD F64, 9400, 826);
	part_ppid = 330;
	exec_part_ev(p, 826, "/bin/sh",
		     RAW_PPID | RAW_ARGS | RAW_CWD | RAW_CREDS, 0);
	part_ppid = 60;
	pipeline_free(p);
	output_close(out);

	all = pf_slurp(outpath);
	ok(all != NULL, "output written");
	if (!all)
		return done_testing();

	l = line_of(all, "process_exec", 100);
	ok(has(l, A64) && has(l, "\"container_process\":true"),
	   "the shell is in container A");
	free(l);
	l = line_of(all, "process_exec", 101);
	ok(has(l, "\"container_process\":true") && has(l, A64) &&
	   !has(l, B64) && has(l, "nsenter-in-container"),
	   "moved into a sub-cgroup named after B: still A's, alerted");
	free(l);
	l = line_of(all, "process_exec", 102);
	ok(has(l, "\"container_process\":true") && has(l, A64),
	   "a child in the root cgroup: still A's");
	free(l);
	l = line_of(all, "process_exec", 103);
	ok(has(l, "\"container_process\":true") && has(l, A64),
	   "in a crio-conmon-<id>.scope sub-cgroup: still A's");
	free(l);
	l = line_of(all, "process_kprobe", 103);
	ok(has(l, "unshare-in-container"),
	   "unshare by a container process named `static`: alerted");
	free(l);
	l = line_of(all, "process_kprobe", 104);
	ok(has(l, "\"verdict\":\"lateral\"") && has(l, "setns-in-container"),
	   "setns into another container by `bridge`: alerted");
	free(l);
	l = line_of(all, "process_kprobe", 100);
	ok(has(l, "\"function_name\":\"__x64_sys_finit_module\"") &&
	   has(l, "\"policy_name\":\"kernel-module-load\"") && has(l, A64) &&
	   has(l, "\"rule\":\"kernel-module-load\"") &&
	   !has(l, "\"verdict\""),
	   "finit_module in container A: kprobe event, A's, alerted, no verdict");
	free(l);
	l = line_of(all, "process_kprobe", 200);
	ok(!l, "finit_module by a host process: no event");
	free(l);
	l = line_of(all, "process_exec", 201);
	ok(has(l, C64) && !has(l, "\"alerts\""),
	   "runc's init exec'd into C from the host: C's, no alert");
	free(l);
	{
		const char *q = all;
		int n = 0, alerted = 0;

		/* both exec lines of 202 */
		while ((q = strstr(q, "{\"process_exec\":{\"process\":{"))) {
			const char *e = strchr(q, '\n');
			char *x = strndup(q, e ? (size_t)(e - q) : strlen(q));

			if (has(x, "\"pid\":202,") && has(x, C64)) {
				n++;
				alerted += has(x, "\"alerts\"");
			}
			free(x);
			q = e ? e + 1 : q + strlen(q);
		}
		ok(n == 2 && !alerted,
		   "runc's init re-executing itself in the host namespaces: "
		   "C's, no alert (%d lines, %d alerted)", n, alerted);
	}
	l = line_of(all, "process_kprobe", 201);
	ok(has(l, "\"verdict\":\"enter_container\"") && !has(l, "\"alerts\""),
	   "runc's init joining C: enter_container, no alert");
	free(l);
	l = line_of(all, "process_exec", 500);
	ok(has(l, C64) && has(l, "\"container_process\":true") &&
	   has(l, "\"name\":\"web\""),
	   "gone at once: placed in C by its SELinux level");
	free(l);
	l = line_of(all, "process_kprobe", 500);
	ok(has(l, C64) && has(l, "\"alerts\""),
	   "its setns is C's, alerted");
	free(l);
	l = line_of(all, "process_exec", 700);
	ok(has(l, E64) && has(l, "\"container_process\":true") &&
	   has(l, "\"name\":\"short\""),
	   "gone, state removed, unmounted: placed in E by the device of "
	   "its root file system, named as read when it was mounted");
	free(l);
	l = line_of(all, "process_kprobe", 700);
	ok(has(l, E64) && has(l, "\"name\":\"short\"") && has(l, "\"alerts\""),
	   "its setns is E's, alerted");
	free(l);
	l = line_of(all, "process_exec", 702);
	ok(has(l, E64), "a child it forked is E's");
	free(l);
	l = line_of(all, "process_exec", 701);
	ok(l && !has(l, E64) && !has(l, "\"container_process\":true"),
	   "a device no root file system had names none");
	free(l);
	l = line_of(all, "process_exec", 501);
	ok(l && !has(l, C64) && !has(l, "\"container_process\":true"),
	   "a level no container has names none");
	free(l);
	l = line_of(all, "process_exec", 520);
	ok(has(l, "nsw-true-1") && has(l, "\"container_process\":true"),
	   "gone at once, started by `runc exec ID`: placed in ID (R19)");
	free(l);
	l = line_of(all, "process_kprobe", 520);
	ok(has(l, "nsw-true-1") && has(l, "\"alerts\""),
	   "its setns is ID's, alerted");
	free(l);
	l = line_of(all, "process_exec", 521);
	ok(l && !has(l, "\"container_process\":true"),
	   "an id without runtime state names nothing; the caller's "
	   "arguments after it are never looked at");
	free(l);
	{
		char id[128], want[160];

		exec_id_of(all, 400, id, sizeof(id));
		snprintf(want, sizeof(want), "\"parent_exec_id\":\"%s\"", id);
		l = line_of(all, "process_exec", 401);
		ok(*id && has(l, want),
		   "a parent that exited before its child's exec was handled "
		   "is still linked (parent_exec_id)");
		snprintf(want, sizeof(want),
			 "\"parent\":{\"exec_id\":\"%s\"", id);
		ok(*id && has(l, want) && has(l, "\"binary\":\"/usr/sbin/runc\""),
		   "... and given as the parent");
		free(l);
	}
	l = line_of(all, "process_exec", 301);
	ok(has(l, D64) && has(l, "\"container_process\":true"),
	   "short-lived, gone: the captured leaf <64hex> names the container");
	free(l);
	l = line_of(all, "process_exec", 302);
	ok(has(l, "nsw-true-1") && has(l, "\"container_process\":true"),
	   "short-lived ctr container: its name with runtime state on disk");
	free(l);
	l = line_of(all, "process_exec", 303);
	ok(l && !has(l, "nsw-true-2"),
	   "a leaf name without runtime state makes no container");
	free(l);
	l = line_of(all, "process_exec", 304);
	ok(has(l, C64) && has(l, "\"container_process\":true"),
	   "moved since the event: the captured leaf decides, not /proc");
	free(l);
	ok(has(all, "\"binary\":\"/usr/sbin/runc\"") &&
	   !has(all, "\"binary\":\"/\""),
	   "an exec whose image reads \"/\" keeps the image it was");
	l = line_of(all, "process_exec", 600);
	ok(has(l, "\"binary\":\"/usr/bin/live-exe\""),
	   "binary: a /proc/self/exe path gives way to /proc's exe");
	ok(has(l, "\"arguments\":\"--raw\""),
	   "arguments: the raw event's over /proc's cmdline");
	ok(has(l, "\"cwd\":\"/live-cwd\""),
	   "cwd: /proc's when the raw event has none");
	free(l);
	l = own(line_of(all, "process_exec", 601));
	ok(has(l, "\"uid\":0,") && has(l, "\"auid\":4294967295"),
	   "uid, auid: the raw event's credentials over /proc's");
	ok(has(l, "CAP_CHOWN") && !has(l, "DAC_OVERRIDE"),
	   "capabilities: the raw event's over /proc's");
	free(l);
	l = line_of(all, "process_exec", 602);
	ok(has(l, "\"uid\":1000,") && has(l, "\"auid\":1000") &&
	   has(l, "DAC_OVERRIDE") && has(l, "\"arguments\":\"--from-proc\""),
	   "uid, auid, capabilities, arguments: /proc's without raw ones");
	ok(has(l, "\"parent\":{") && has(l, "\"pid\":61,"),
	   "ppid: /proc's without a raw one");
	free(l);
	l = line_of(all, "process_exec", 601);
	ok(l && !has(l, "\"pid\":61,"),
	   "ppid: the raw event's over /proc's");
	free(l);
	l = own(last_line_of(all, "process_exec", 603));
	{
		char prev_ns[32], live_ns[32];

		snprintf(prev_ns, sizeof(prev_ns), "\"inum\":%u",
			 5100 + NSW_NS_MNT);
		snprintf(live_ns, sizeof(live_ns), "\"inum\":%u",
			 9100 + NSW_NS_MNT);
		ok(has(l, "/bin/603b") && has(l, prev_ns) && !has(l, live_ns),
		   "namespaces: the cached process's over /proc's (exec "
		   "keeps them)");
		free(l);
		l = own(line_of(all, "process_exec", 602));
		ok(has(l, live_ns), "namespaces: /proc's when nothing else "
		   "knows them");
	}
	free(l);
	l = line_of(all, "process_exec", 604);
	ok(has(l, A64) && has(l, "\"pid\":7,\"security_context\""),
	   "container pid: /proc's NSpid");
	free(l);
	l = last_line_of(all, "process_exec", 604);
	ok(has(l, "/bin/604b") && has(l, "\"pid\":7,\"security_context\""),
	   "container pid: the cached process's when /proc is gone");
	free(l);
	l = line_of(all, "process_exec", 741);
	ok(has(l, H64) && has(l, "\"name\":\"fresh\"") &&
	   has(l, "\"namespace\":\"fresh-ns\""),
	   "a container first seen before its state was written: the next "
	   "exec in it (cgroup-id cache hit) carries its pod");
	free(l);
	l = line_of(all, "process_exec", 820);
	ok(has(l, F64) && !has(l, G64) && has(l, "\"name\":\"priv\""),
	   "read late in a sub-cgroup named after another pod's container, "
	   "in its own pod's mount namespace: its own pod's");
	free(l);
	l = line_of(all, "process_exec", 821);
	ok(has(l, F64) && !has(l, G64),
	   "... already in the host's mount namespace: the enclosing "
	   "container's, not the name below it");
	free(l);
	l = line_of(all, "process_exec", 822);
	ok(has(l, G64) && has(l, "\"name\":\"app\""),
	   "a process of G in G's mount namespace: G's");
	free(l);
	l = line_of(all, "process_exec", 823);
	ok(has(l, G64), "runc's init in G's cgroup, still in the host's "
	   "mount namespace: G's");
	free(l);
	l = line_of(all, "process_exec", 824);
	ok(has(l, F64) && !has(l, G64),
	   "moved into G's own cgroup from F's mount namespace: F's");
	free(l);
	l = line_of(all, "process_exec", 825);
	ok(has(l, G64) && !has(l, F64),
	   "G's process that joined F's mount namespace: still G's (its "
	   "pid namespace is G's, not F's)");
	free(l);
	l = line_of(all, "process_exec", 826);
	ok(has(l, "\"pod\":{\"name\":\"priv\",\"container\":{\"id\":"
	       "\"containerd://" F64),
	   "started by `runc exec F`, read late in every namespace of G's: "
	   "F's (R20 before R19)");
	free(l);
	free(all);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			diag("cannot remove %s", dir);
	}
	return done_testing();
}
