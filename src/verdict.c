/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "raw-event.h"
#include "strbuf.h"
#include "verdict.h"
#include "util.h"

int verdict_slot_of_flag(uint32_t flag)
{
	switch (flag) {
	case NSW_CLONE_NEWNS: return NSW_NS_MNT;
	case NSW_CLONE_NEWUTS: return NSW_NS_UTS;
	case NSW_CLONE_NEWIPC: return NSW_NS_IPC;
	case NSW_CLONE_NEWNET: return NSW_NS_NET;
	case NSW_CLONE_NEWCGROUP: return NSW_NS_CGROUP;
	case NSW_CLONE_NEWUSER: return NSW_NS_USER;
	case NSW_CLONE_NEWPID: return NSW_NS_PID_FOR_CHILDREN;
	case NSW_CLONE_NEWTIME: return NSW_NS_TIME_FOR_CHILDREN;
	default: return -1;
	}
}

bool verdict_slot_in_scope(int slot, uint32_t mask)
{
	uint32_t bit;

	/* the task's own pid and time namespaces never change by setns or
	 * unshare; only the *_for_children ones do */
	if (slot == NSW_NS_PID || slot == NSW_NS_TIME)
		return false;
	if (!mask)
		return true;
	for (bit = 1; bit; bit <<= 1)
		if ((mask & bit) && verdict_slot_of_flag(bit) == slot)
			return true;
	return false;
}

static bool is_host(const struct verdict_input *in, int slot, uint32_t inum)
{
	if (!inum)
		return false;
	if (in->host && in->host->inum[slot] == inum)
		return true;
	return in->host_set && inum_set_has(in->host_set, inum);
}

/*
 * A container process whose setns joined a mount namespace rooted at the
 * host's root directory has the host's file system, whatever /proc shows
 * later (it may have gone back, or be gone).  The change is written as
 * one to the host's mount namespace, or to the host process's one that
 * /proc shows.  False when that is not what the
 * call did, or when the process held the host's mount namespace before.
 */
static bool joined_host_root(const struct verdict_input *in,
			     struct nsw_ns_change ch[NSW_NS_COUNT])
{
	uint32_t host, from = 0;

	if (!in->mnt_root_is_host || !in->host || !in->container_process ||
	    !verdict_slot_in_scope(NSW_NS_MNT, in->ns_mask))
		return false;
	host = in->host->inum[NSW_NS_MNT];
	/* audit's "before" is a late read that may show the namespace
	 * joined: the container's own is then what it left */
	if (in->before_known && in->before_exact)
		from = in->before.inum[NSW_NS_MNT];
	else if (in->own && in->own->inum[NSW_NS_MNT])
		from = in->own->inum[NSW_NS_MNT];
	else if (in->before_known && in->before.inum[NSW_NS_MNT] != host)
		from = in->before.inum[NSW_NS_MNT];
	if (!host || from == host)
		return false;
	ch[NSW_NS_MNT].changed = true;
	ch[NSW_NS_MNT].from = from;
	/* which host mount namespace: the one /proc shows now when it is a
	 * host process's (a host service's private one), else the host's */
	ch[NSW_NS_MNT].to = host;
	if (in->after_known && in->after.inum[NSW_NS_MNT] != from &&
	    is_host(in, NSW_NS_MNT, in->after.inum[NSW_NS_MNT]))
		ch[NSW_NS_MNT].to = in->after.inum[NSW_NS_MNT];
	ch[NSW_NS_MNT].to_is_host = true;
	return true;
}

enum nsw_verdict verdict_nscall(const struct verdict_input *in,
				struct nsw_ns_change ch[NSW_NS_COUNT])
{
	bool any = false, to_host = false, from_host_only = true;
	bool to_own_only = true, host_to_host = true;
	int i;

	memset(ch, 0, sizeof(*ch) * NSW_NS_COUNT);
	if (!in->success)
		return NSW_VERDICT_NONE;
	if (in->syscall != NSW_SC_SETNS) {
		/* unshare/clone that succeeded made new namespaces, if it
		 * asked for any (unshare(0) and plain clones make none) */
		if (!in->ns_mask)
			return NSW_VERDICT_NONE;
		if (in->before_known && in->after_known &&
		    in->syscall == NSW_SC_UNSHARE) {
			for (i = 0; i < NSW_NS_COUNT; i++) {
				if (!verdict_slot_in_scope(i, in->ns_mask) ||
				    in->before.inum[i] == in->after.inum[i])
					continue;
				ch[i].changed = true;
				ch[i].from = in->before.inum[i];
				ch[i].to = in->after.inum[i];
			}
		}
		return NSW_VERDICT_NEW_NAMESPACE;
	}
	if (joined_host_root(in, ch))
		return NSW_VERDICT_ESCAPE_TO_HOST;
	if (!in->after_known || !in->before_known)
		return NSW_VERDICT_UNKNOWN;

	for (i = 0; i < NSW_NS_COUNT; i++) {
		uint32_t from = in->before.inum[i], to = in->after.inum[i];
		bool from_is_host, to_is_host;

		if (!verdict_slot_in_scope(i, in->ns_mask) || !to)
			continue;
		/* audit: the state read after the fact may already be the
		 * new one.  What the process held before is then its
		 * container's namespace (it was in the container) or, for
		 * one joining a container, its parent's. */
		if (from == to && !in->before_exact) {
			if (in->own && in->own->inum[i] && in->own->inum[i] != to)
				from = in->own->inum[i];
			else if (in->parent_ns && in->parent_ns->inum[i])
				from = in->parent_ns->inum[i];
		}
		if (!from || from == to)
			continue;
		from_is_host = is_host(in, i, from);
		to_is_host = is_host(in, i, to);
		ch[i].changed = true;
		ch[i].from = from;
		ch[i].to = to;
		ch[i].to_is_host = to_is_host;
		any = true;
		if (to_is_host && !from_is_host)
			to_host = true;
		if (!from_is_host)
			from_host_only = false;
		if (!from_is_host || !to_is_host)
			host_to_host = false;
		if (!in->own || in->own->inum[i] != to)
			to_own_only = false;
	}
	/* between host namespaces (a host service leaving its private
	 * mount namespace): no container involved */
	if (!any || host_to_host)
		return NSW_VERDICT_NONE;
	if (to_host)
		return in->container_process ? NSW_VERDICT_ESCAPE_TO_HOST :
					       NSW_VERDICT_NONE;
	if (from_host_only)
		return NSW_VERDICT_ENTER_CONTAINER;
	if (!in->container_process)
		return NSW_VERDICT_ENTER_CONTAINER;
	if (to_own_only)
		return NSW_VERDICT_NONE;
	return NSW_VERDICT_LATERAL;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

bool verdict_is_nsenter(const char *binary, const char *argv0)
{
	const char *b = binary ? base_name(binary) : "";
	const char *a = argv0 ? base_name(argv0) : "";

	if (!strcmp(b, "nsenter") || !strcmp(a, "nsenter"))
		return true;
	/* busybox/toybox applets: `busybox nsenter ...` as argv[0]/[1] is
	 * handled by the caller passing argv[1] when argv[0] is the
	 * multi-call binary */
	return false;
}

/* The last path component of b, however long b is, in buf (cut to
 * len - 1 bytes when that alone is longer: then it is no short name). */
static const char *copy_base(char *buf, size_t len, const struct nsw_bytes *b)
{
	const char *s = b->len ? memrchr(b->p, '/', b->len) : NULL;
	const char *base = s ? s + 1 : b->p;
	size_t n = b->len - (size_t)(base - b->p);

	if (n > len - 1)
		n = len - 1;
	if (n)
		memcpy(buf, base, n);
	buf[n] = '\0';
	return buf;
}

const char *verdict_applet_name(const struct nsw_bytes *argv, int argc,
				char *buf, size_t len)
{
	if (argc <= 0 || !len)
		return NULL;
	copy_base(buf, len, &argv[0]);
	if (argc > 1 && (!strcmp(buf, "busybox") || !strcmp(buf, "toybox")))
		return copy_base(buf, len, &argv[1]);
	return buf;
}

bool verdict_is_runtime_helper(const char *binary)
{
	static const char *const helpers[] = {
		"runc", "crun", "conmon", "containerd-shim",
		"containerd-shim-runc-v1", "containerd-shim-runc-v2",
		"containerd", "dockerd", "docker-init", "crio", "kubelet",
		"podman", "catatonit", "youki", "runsc",
		/* CNI plugins */
		"bridge", "loopback", "portmap", "host-local", "calico",
		"calico-ipam", "flannel", "cilium-cni", "weave-net",
		"bandwidth", "firewall", "tuning", "macvlan", "ipvlan",
		"ptp", "vlan", "host-device", "dhcp", "static",
	};
	const char *b;
	size_t i;

	if (!binary)
		return false;
	b = base_name(binary);
	for (i = 0; i < ARRAY_SIZE(helpers); i++)
		if (!strcmp(b, helpers[i]))
			return true;
	return false;
}

void verdict_add_alert(struct nsw_event *ev, enum nsw_rule rule,
		       enum nsw_severity sev, const char *fmt, ...)
{
	struct nsw_alert *a;
	va_list ap;

	if (ev->n_alerts >= NSW_MAX_ALERTS)
		return;
	a = &ev->alerts[ev->n_alerts++];
	a->rule = rule;
	a->severity = sev;
	a->possible_escape = false;
	va_start(ap, fmt);
	vsnprintf(a->message, sizeof(a->message), fmt, ap);
	va_end(ap);
}

static void ns_list(const struct nsw_event *ev, bool host_only, char *buf,
		    size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < NSW_NS_COUNT; i++) {
		const char *name;
		int n;

		if (!ev->ns_change[i].changed ||
		    (host_only && !ev->ns_change[i].to_is_host))
			continue;
		name = i == NSW_NS_PID_FOR_CHILDREN ? "pid" :
		       i == NSW_NS_TIME_FOR_CHILDREN ? "time" : nsw_ns_name(i);
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

static void flag_names(uint32_t mask, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } f[] = {
		{ NSW_CLONE_NEWNS, "mnt" }, { NSW_CLONE_NEWUTS, "uts" },
		{ NSW_CLONE_NEWIPC, "ipc" }, { NSW_CLONE_NEWUSER, "user" },
		{ NSW_CLONE_NEWPID, "pid" }, { NSW_CLONE_NEWNET, "net" },
		{ NSW_CLONE_NEWCGROUP, "cgroup" }, { NSW_CLONE_NEWTIME, "time" },
	};
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		int n;

		if (!(mask & f[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     f[i].name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (!off)
		snprintf(buf, len, "any");
}

/*
 * A successful setns by a container process whose resulting namespaces
 * were not captured when the call returned (audit).  A read of
 * /proc/<pid>/ns made later shows where the process is then, not where
 * this call took it: `setns(host mnt); open("/"); setns(own mnt)` reads
 * as two no-ops, and a process that exited at once cannot be read at
 * all.  Nothing rules out the escape, so the call is reported at the
 * escape's severity, under setns-in-container (the schema keeps
 * setns-escape-to-host for a confirmed escape_to_host verdict).
 */
static void setns_unconfirmed_alert(struct nsw_event *ev)
{
	char names[96], seen[96];
	int n = ev->n_alerts;

	flag_names(ev->ns_types, names, sizeof(names));
	ns_list(ev, false, seen, sizeof(seen));
	if (ev->verdict == NSW_VERDICT_UNKNOWN)
		verdict_add_alert(ev, NSW_RULE_SETNS_IN_CONTAINER,
				  NSW_SEV_CRITICAL,
				  "setns(%s) by a container process succeeded; "
				  "the process was gone before its namespaces "
				  "could be read, so the target could not be "
				  "confirmed: possible escape to host", names);
	else
		verdict_add_alert(ev, NSW_RULE_SETNS_IN_CONTAINER,
				  NSW_SEV_CRITICAL,
				  "setns(%s) by a container process succeeded; "
				  "its namespaces were read after the call (%s: "
				  "%s), so the target could not be confirmed: "
				  "possible escape to host and return", names,
				  nsw_verdict_name(ev->verdict),
				  seen[0] ? seen : "no change");
	if (ev->n_alerts > n)
		ev->alerts[n].possible_escape = true;
}

void verdict_alerts_nscall(struct nsw_event *ev, bool helper)
{
	char names[96];

	/* the exemption covers a runtime arriving from the host (creating
	 * or joining the container's namespaces), never an escape or a
	 * move into another container's namespaces */
	if (!ev->container_process ||
	    (helper && ev->verdict != NSW_VERDICT_ESCAPE_TO_HOST &&
	     ev->verdict != NSW_VERDICT_LATERAL))
		return;
	if (ev->syscall == NSW_SC_SETNS) {
		if (ev->verdict == NSW_VERDICT_ESCAPE_TO_HOST) {
			ns_list(ev, true, names, sizeof(names));
			verdict_add_alert(ev, NSW_RULE_SETNS_ESCAPE_TO_HOST,
					  NSW_SEV_CRITICAL,
					  "container process joined host "
					  "namespaces: %s", names);
		} else if (ev->success && ev->ns_unconfirmed) {
			setns_unconfirmed_alert(ev);
		} else {
			flag_names(ev->ns_types, names, sizeof(names));
			verdict_add_alert(ev, NSW_RULE_SETNS_IN_CONTAINER,
					  NSW_SEV_MEDIUM,
					  "setns(%s) by a container process %s",
					  names, ev->success ? "succeeded" :
					  "failed");
		}
		return;
	}
	if (ev->syscall == NSW_SC_UNSHARE || ev->syscall == NSW_SC_CLONE ||
	    ev->syscall == NSW_SC_CLONE3) {
		bool user = ev->ns_types & NSW_CLONE_NEWUSER;

		flag_names(ev->ns_types, names, sizeof(names));
		if (ev->flags_unknown)
			snprintf(names, sizeof(names), "unknown flags");
		verdict_add_alert(ev, NSW_RULE_UNSHARE_IN_CONTAINER,
				  user ? NSW_SEV_HIGH : NSW_SEV_MEDIUM,
				  "%s(%s) by a container process %s%s",
				  nsw_syscall_name(ev->syscall), names,
				  ev->success ? "succeeded" : "failed",
				  user ? " (new user namespace)" : "");
	}
}

/* perf_event_open(2)'s attr.type of tracepoint events, what a BPF
 * program attaches to */
#define PERF_TYPE_TRACEPOINT_NR 2

void verdict_alerts_syscall(struct nsw_event *ev, bool helper)
{
	const char *sc = nsw_syscall_name(ev->syscall);
	const char *res = ev->success ? "succeeded" : "failed";
	char type[40] = "";

	if (!ev->container_process || helper)
		return;
	switch (ev->syscall) {
	case NSW_SC_INIT_MODULE:
	case NSW_SC_FINIT_MODULE:
		verdict_add_alert(ev, NSW_RULE_KERNEL_MODULE_LOAD,
				  NSW_SEV_CRITICAL,
				  "%s by a container process %s: code for the "
				  "host kernel", sc, res);
		break;
	case NSW_SC_BPF:
		/* args: cmd (only BPF_PROG_LOAD is reported), prog_type
		 * (eBPF backend) */
		if (ev->nargs > 1)
			snprintf(type, sizeof(type), ", prog_type %d",
				 ev->args[1]);
		verdict_add_alert(ev, NSW_RULE_BPF_FROM_CONTAINER,
				  NSW_SEV_HIGH,
				  "bpf(BPF_PROG_LOAD%s) by a container process "
				  "%s", type, res);
		break;
	case NSW_SC_PERF_EVENT_OPEN:
		/* args: pid, cpu, attr.type (eBPF backend) */
		if (ev->nargs > 2)
			snprintf(type, sizeof(type), ", type %d", ev->args[2]);
		verdict_add_alert(ev, NSW_RULE_BPF_FROM_CONTAINER,
				  ev->nargs > 2 &&
				  ev->args[2] == PERF_TYPE_TRACEPOINT_NR ?
				  NSW_SEV_HIGH : NSW_SEV_MEDIUM,
				  "perf_event_open(pid %d%s) by a container "
				  "process %s", ev->nargs > 0 ? ev->args[0] : 0,
				  type, res);
		break;
	case NSW_SC_OPEN_BY_HANDLE_AT:
		verdict_add_alert(ev, NSW_RULE_OPEN_BY_HANDLE,
				  NSW_SEV_CRITICAL,
				  "open_by_handle_at by a container process %s: "
				  "a file handle names files outside the "
				  "container's root (shocker)", res);
		break;
	default:
		break;
	}
}

void verdict_alerts_exec(struct nsw_event *ev, const struct nsw_ns_set *host,
			 const char *argv0, bool helper)
{
	const struct nsw_process *p = ev->proc;
	bool mnt, pid;

	if (!p->ctr || helper)
		return;
	if (verdict_is_nsenter(p->binary, argv0))
		verdict_add_alert(ev, NSW_RULE_NSENTER_IN_CONTAINER,
				  NSW_SEV_HIGH,
				  "nsenter executed in a container");
	if (!p->ns_known || !host)
		return;
	mnt = host->inum[NSW_NS_MNT] &&
	      p->ns.inum[NSW_NS_MNT] == host->inum[NSW_NS_MNT];
	pid = host->inum[NSW_NS_PID] &&
	      p->ns.inum[NSW_NS_PID] == host->inum[NSW_NS_PID];
	if (mnt)
		verdict_add_alert(ev, NSW_RULE_CONTAINER_IN_HOST_NS,
				  NSW_SEV_HIGH,
				  "container process runs in the host mount "
				  "namespace%s", pid ? " and pid namespace" : "");
	else if (pid)
		verdict_add_alert(ev, NSW_RULE_CONTAINER_IN_HOST_NS,
				  NSW_SEV_MEDIUM,
				  "container process runs in the host pid "
				  "namespace (hostPID)");
}
