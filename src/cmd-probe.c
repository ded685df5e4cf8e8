/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch probe`: what this kernel offers and which backend auto picks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libaudit.h>
#ifdef HAVE_LINUX_BPF_H
#include <linux/bpf.h>
#endif
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "audit-probe.h"
#include "compat.h"
#include "audit-rules.h"
#include "backend-choose.h"
#include "bpf-probe.h"
#include "commands.h"
#include "nsinfo.h"
#include "strbuf.h"

struct probe_report {
	char kernel[128];
	char machine[32];
	bool btf;
	char btf_path[256];
	bool bpf_loads;
	char bpf_error[64];
	bool lsm_bpf_listed;
	char lsm[256];
	struct bpf_features feat;
	bool audit_status_ok;
	char audit_error[64];
	int audit_enabled;	/* 0 off, 1 on, 2 locked */
	int audit_pid;		/* holder of the audit socket, 0 none */
	bool audit_pid_alive;
	unsigned int audit_lost;
	unsigned int audit_backlog_limit;
	bool multicast;		/* kernel >= 3.16 */
	const char *cgroup;	/* v1, v2, hybrid */
	struct host_ns host;
	bool host_ok;
	bool chose;
	char backend[16];
	char why[512];
	struct audit_compat compat;	/* old kernel / audit userspace */
	char auditctl_version[32];
};

static bool kernel_at_least(const char *release, int maj, int min)
{
	int a = 0, b = 0;

	if (sscanf(release, "%d.%d", &a, &b) < 1)
		return false;
	return a > maj || (a == maj && b >= min);
}

/* Load "r0 = 0; exit" as a socket filter: the least a kernel with bpf(2)
 * accepts.  0 or -errno; -ENOSYS when built with kernel headers that
 * predate bpf(2) (RHEL 7's 3.10 before 7.6). */
#if !defined(HAVE_LINUX_BPF_H) || !defined(__NR_bpf)
static int probe_bpf_load(void)
{
	return -ENOSYS;
}
#else
static int probe_bpf_load(void)
{
	struct bpf_insn insns[2];
	union bpf_attr attr;
	int fd;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;	/* r0 = 0 */
	insns[0].dst_reg = BPF_REG_0;
	insns[1].code = BPF_JMP | BPF_EXIT;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	fd = (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}
#endif

static int probe_audit(struct probe_report *r)
{
	struct audit_reply rep;
	int fd, rc, i;

	fd = audit_open();
	if (fd < 0)
		return -errno;
	rc = audit_request_status(fd);
	if (rc < 0) {
		rc = -errno;
		audit_close(fd);
		return rc;
	}
	for (i = 0; i < 10; i++) {
		rc = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0);
		if (rc <= 0)
			break;
		if (rep.type == AUDIT_GET && rep.status) {
			r->audit_enabled = (int)rep.status->enabled;
			r->audit_pid = (int)rep.status->pid;
			r->audit_lost = rep.status->lost;
			r->audit_backlog_limit = rep.status->backlog_limit;
			audit_close(fd);
			return 0;
		}
	}
	audit_close(fd);
	return -EPROTO;
}

static const char *cgroup_version(void)
{
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		return "unknown";
	if (sf.f_type == CGROUP2_SUPER_MAGIC)
		return "v2";
	if (statfs("/sys/fs/cgroup/unified", &sf) == 0 &&
	    sf.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	return "v1";
}

static void probe_all(const struct nsw_options *o, struct probe_report *r)
{
	const struct backend_ops *ops;
	struct utsname u;
	char path[64];
	int fd, rc;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (uname(&u) == 0) {
		nsw_strlcpy(r->kernel, u.release, sizeof(r->kernel));
		nsw_strlcpy(r->machine, u.machine, sizeof(r->machine));
	}
	nsw_strlcpy(r->btf_path, o->btf_path, sizeof(r->btf_path));
	r->btf = access(o->btf_path, R_OK) == 0;
	rc = probe_bpf_load();
	r->bpf_loads = rc == 0;
	if (rc < 0)
		nsw_strlcpy(r->bpf_error, strerror(-rc), sizeof(r->bpf_error));
	fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, r->lsm, sizeof(r->lsm) - 1);
		r->lsm[n > 0 ? n : 0] = '\0';
		close(fd);
		r->lsm_bpf_listed = strstr(r->lsm, "bpf") != NULL;
	}
	bpf_probe_features(&r->feat);
	rc = probe_audit(r);
	r->audit_status_ok = rc == 0;
	if (rc < 0)
		nsw_strlcpy(r->audit_error, strerror(-rc), sizeof(r->audit_error));
	if (r->audit_pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d", r->audit_pid);
		r->audit_pid_alive = access(path, F_OK) == 0;
	}
	r->multicast = kernel_at_least(r->kernel, 3, 16);
	r->cgroup = cgroup_version();
	r->host_ok = nsinfo_host(o->procfs, &r->host) == 0;
	audit_probe_kernel(&r->compat.kernel_major, &r->compat.kernel_minor);
	r->compat.libaudit_clone3 = audit_rules_clone3_known();
	r->compat.auditctl_major = audit_rules_auditctl_version(
		r->auditctl_version, sizeof(r->auditctl_version));
	r->compat.auditctl_version = r->auditctl_version;
	r->compat.plugin_dir = audit_probe_plugin_dir();
	rc = backend_choose(o, &ops, r->why, sizeof(r->why));
	r->chose = rc == 0;
	if (rc == 0)
		nsw_strlcpy(r->backend, ops->name, sizeof(r->backend));
}

static void print_text(const struct probe_report *r)
{
	struct strbuf sb_compat = STRBUF_INIT;

	printf("kernel:            %s (%s)\n", r->kernel, r->machine);
	printf("BTF:               %s (%s)\n", r->btf ? "present" : "absent",
	       r->btf_path);
	printf("BPF program load:  %s%s%s\n", r->bpf_loads ? "yes" : "no",
	       r->bpf_loads ? "" : ": ", r->bpf_error);
	printf("BPF LSM:           %s (lsm=%s)\n",
	       r->lsm_bpf_listed ? "listed" : "not listed",
	       r->lsm[0] ? r->lsm : "unknown: securityfs not mounted");
	if (!r->feat.built) {
		printf("eBPF features:     not built (--disable-bpf)\n");
	} else {
		int i;

		for (i = 0; i < BPF_FEAT_COUNT; i++)
			printf("  %-16s %s%s%s\n", bpf_feature_name(i),
			       r->feat.result[i] ? "no" : "yes",
			       r->feat.result[i] && r->feat.note[i][0] ? ": " : "",
			       r->feat.result[i] ? r->feat.note[i] : "");
		printf("enforcement:       %s\n",
		       !r->feat.result[BPF_FEAT_LSM] ?
		       "BPF LSM: nsenter in a container can be denied" :
		       !r->feat.result[BPF_FEAT_SEND_SIGNAL] ?
		       "SIGKILL from the setns/exec hooks (BPF LSM cannot be "
		       "loaded here)" : "unavailable");
	}
	if (r->audit_status_ok) {
		printf("audit:             %s, backlog limit %u, lost %u\n",
		       r->audit_enabled == 2 ? "enabled, locked (-e 2)" :
		       r->audit_enabled ? "enabled" : "disabled",
		       r->audit_backlog_limit, r->audit_lost);
		if (r->audit_pid)
			printf("audit daemon:      pid %d%s\n", r->audit_pid,
			       r->audit_pid_alive ? "" : " (stale: gone)");
		else
			printf("audit daemon:      none\n");
	} else {
		printf("audit:             status unavailable: %s\n",
		       r->audit_error);
	}
	printf("audit multicast:   %s\n", r->multicast ?
	       "supported (kernel >= 3.16)" : "not supported (kernel < 3.16)");
	audit_compat_text(&r->compat, &sb_compat);
	printf("built with:        libaudit %s, json-c %s\n"
	       "old kernel and audit features:\n%s", NSW_BUILT_AUDIT,
	       NSW_BUILT_JSONC, sb_compat.buf ? sb_compat.buf : "");
	strbuf_release(&sb_compat);
	printf("cgroup:            %s\n", r->cgroup);
	printf("host namespaces:   %s\n", r->host.reason);
	if (r->chose)
		printf("backend (auto):    %s: %s\n", r->backend, r->why);
	else
		printf("backend:           none usable: %s\n", r->why);
}

static void json_str(struct strbuf *sb, const char *key, const char *val,
		     bool comma)
{
	strbuf_addf(sb, "%s\"%s\":", comma ? "," : "", key);
	strbuf_add_json_quoted(sb, val, strlen(val));
}

static void print_json(const struct probe_report *r)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addc(&sb, '{');
	json_str(&sb, "kernel", r->kernel, false);
	json_str(&sb, "machine", r->machine, true);
	strbuf_addf(&sb, ",\"btf\":%s", r->btf ? "true" : "false");
	json_str(&sb, "btf_path", r->btf_path, true);
	strbuf_addf(&sb, ",\"bpf_prog_load\":%s", r->bpf_loads ? "true" : "false");
	if (!r->bpf_loads)
		json_str(&sb, "bpf_error", r->bpf_error, true);
	strbuf_addf(&sb, ",\"bpf_lsm_listed\":%s",
		    r->lsm_bpf_listed ? "true" : "false");
	json_str(&sb, "lsm", r->lsm, true);
	strbuf_addf(&sb, ",\"bpf_built\":%s", r->feat.built ? "true" : "false");
	if (r->feat.built) {
		int i;

		strbuf_adds(&sb, ",\"bpf_features\":{");
		for (i = 0; i < BPF_FEAT_COUNT; i++)
			strbuf_addf(&sb, "%s\"%s\":%s", i ? "," : "",
				    bpf_feature_name(i),
				    r->feat.result[i] ? "false" : "true");
		strbuf_addc(&sb, '}');
	}
	if (r->audit_status_ok) {
		strbuf_addf(&sb, ",\"audit_enabled\":%s,\"audit_locked\":%s,"
			    "\"audit_pid\":%d,\"audit_pid_alive\":%s,"
			    "\"audit_lost\":%u,\"audit_backlog_limit\":%u",
			    r->audit_enabled ? "true" : "false",
			    r->audit_enabled == 2 ? "true" : "false",
			    r->audit_pid, r->audit_pid_alive ? "true" : "false",
			    r->audit_lost, r->audit_backlog_limit);
	} else {
		json_str(&sb, "audit_error", r->audit_error, true);
	}
	strbuf_addf(&sb, ",\"audit_multicast\":%s", r->multicast ? "true" : "false");
	json_str(&sb, "libaudit_built", NSW_BUILT_AUDIT, true);
	json_str(&sb, "jsonc_built", NSW_BUILT_JSONC, true);
	strbuf_addf(&sb, ",\"libaudit_clone3\":%s",
		    r->compat.libaudit_clone3 ? "true" : "false");
	json_str(&sb, "auditctl_version", r->auditctl_version, true);
	json_str(&sb, "audit_plugin_dir",
		 r->compat.plugin_dir ? r->compat.plugin_dir : "", true);
	json_str(&sb, "cgroup", r->cgroup, true);
	strbuf_addf(&sb, ",\"host_ns_ref_pid\":%u", r->host.ref_pid);
	json_str(&sb, "host_ns_reference", r->host.reason, true);
	json_str(&sb, "backend", r->chose ? r->backend : "", true);
	json_str(&sb, "backend_reason", r->why, true);
	strbuf_adds(&sb, "}\n");
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

int cmd_probe(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_BTF, OPT_PROCFS, OPT_BACKEND };
	/* getopt tables look alike in every command; the options differ */
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "procfs", required_argument, NULL, OPT_PROCFS },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_report r;
	struct nsw_options o;
	bool json = false;
	int c;

	options_init(&o);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case OPT_BTF: o.btf_path = optarg; break;
		case OPT_PROCFS: o.procfs = optarg; break;
		case OPT_BACKEND: o.backend = optarg; break;
		case 'h':
			printf("usage: nswatch probe [--json] [--btf FILE] "
			       "[--procfs DIR] [--backend auto|bpf|audit]\n"
			       "Reports kernel features and the backend that "
			       "`monitor --backend=...` would use, and why.\n");
			return NSW_EXIT_OK;
		default:
			fprintf(stderr, "usage: nswatch probe [--json] [--btf "
				"FILE] [--procfs DIR] [--backend NAME]\n");
			return NSW_EXIT_USAGE;
		}
	}
	probe_all(&o, &r);
	if (json)
		print_json(&r);
	else
		print_text(&r);
	return r.chose ? NSW_EXIT_OK : NSW_EXIT_FAIL;
}
