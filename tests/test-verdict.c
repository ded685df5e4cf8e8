/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Verdicts and alerts: the decision table shared by every backend. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "inum-set.h"
#include "nsinfo.h"
#include "procfs.h"
#include "tap.h"
#include "raw-event.h"
#include "util.h"
#include "verdict.h"

#define HOST_MNT 4026531841u
#define HOST_UTS 4026531838u
#define HOST_PIDC 4026531836u
#define CTR_MNT 4026532500u
#define CTR_UTS 4026532501u
#define CTR_PIDC 4026532502u
#define OTHER_MNT 4026532900u
#define SVC_MNT 4026533100u	/* a host service's private mount ns */

static struct nsw_ns_set host, ctr, other;

static void setup(void)
{
	host.inum[NSW_NS_MNT] = HOST_MNT;
	host.inum[NSW_NS_UTS] = HOST_UTS;
	host.inum[NSW_NS_PID] = host.inum[NSW_NS_PID_FOR_CHILDREN] = HOST_PIDC;
	ctr = host;
	ctr.inum[NSW_NS_MNT] = CTR_MNT;
	ctr.inum[NSW_NS_UTS] = CTR_UTS;
	ctr.inum[NSW_NS_PID] = ctr.inum[NSW_NS_PID_FOR_CHILDREN] = CTR_PIDC;
	other = ctr;
	other.inum[NSW_NS_MNT] = OTHER_MNT;
}

static struct verdict_input setns_in(bool container, uint32_t mask,
				     const struct nsw_ns_set *before,
				     const struct nsw_ns_set *after)
{
	struct verdict_input vi;

	memset(&vi, 0, sizeof(vi));
	vi.syscall = NSW_SC_SETNS;
	vi.success = true;
	vi.container_process = container;
	vi.ns_mask = mask;
	vi.before_known = vi.before_exact = true;
	vi.before = *before;
	vi.after_known = after != NULL;
	if (after)
		vi.after = *after;
	vi.host = &host;
	vi.own = container ? &ctr : NULL;
	return vi;
}

static void test_setns(void)
{
	struct nsw_ns_change ch[NSW_NS_COUNT];
	struct verdict_input vi;
	struct nsw_ns_set mixed;

	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &(struct nsw_ns_set){ 0 });
	mixed = ctr;
	mixed.inum[NSW_NS_MNT] = HOST_MNT;
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &mixed);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "container joins host mnt: escape_to_host");
	ok(ch[NSW_NS_MNT].changed && ch[NSW_NS_MNT].from == CTR_MNT &&
	   ch[NSW_NS_MNT].to == HOST_MNT && ch[NSW_NS_MNT].to_is_host,
	   "ns_change mnt from container to host");
	ok(!ch[NSW_NS_UTS].changed, "uts untouched");

	vi = setns_in(false, NSW_CLONE_NEWNS, &host, &mixed);
	mixed = host;
	mixed.inum[NSW_NS_MNT] = CTR_MNT;
	vi = setns_in(false, NSW_CLONE_NEWNS, &host, &mixed);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ENTER_CONTAINER,
	       "host process joins container mnt: enter_container");
	ok(ch[NSW_NS_MNT].changed && !ch[NSW_NS_MNT].to_is_host,
	   "ns_change to a container namespace");

	/* runc init: attributed to the container by cgroup, comes from the
	 * host namespaces */
	vi = setns_in(true, 0, &host, &ctr);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ENTER_CONTAINER,
	       "cgroup-attributed runtime init from host: enter_container");

	mixed = ctr;
	mixed.inum[NSW_NS_MNT] = OTHER_MNT;
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &mixed);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_LATERAL,
	       "container joins another container: lateral");

	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &ctr);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_NONE,
	       "no change: none");

	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, NULL);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_UNKNOWN,
	       "process gone: unknown, not a guess");

	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &ctr);
	vi.success = false;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_NONE,
	       "failed setns: none");

	/* pid: CLONE_NEWPID changes pid_for_children */
	mixed = ctr;
	mixed.inum[NSW_NS_PID_FOR_CHILDREN] = HOST_PIDC;
	vi = setns_in(true, NSW_CLONE_NEWPID, &ctr, &mixed);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "host pid_for_children: escape_to_host");
	ok(ch[NSW_NS_PID_FOR_CHILDREN].changed && !ch[NSW_NS_PID].changed,
	   "pid change is reported on pid_for_children");

	/* scope: a setns(CLONE_NEWUTS) does not claim a mnt change read
	 * later from /proc */
	mixed = ctr;
	mixed.inum[NSW_NS_MNT] = HOST_MNT;
	mixed.inum[NSW_NS_UTS] = OTHER_MNT;
	vi = setns_in(true, NSW_CLONE_NEWUTS, &ctr, &mixed);
	verdict_nscall(&vi, ch);
	ok(ch[NSW_NS_UTS].changed && !ch[NSW_NS_MNT].changed,
	   "changes limited to the call's nstype");

	/* audit race: the cached state already shows the new namespaces;
	 * the parent's stand in for "before" */
	mixed = ctr;
	mixed.inum[NSW_NS_MNT] = HOST_MNT;
	vi = setns_in(true, NSW_CLONE_NEWNS, &mixed, &mixed);
	vi.before_exact = false;
	vi.parent_ns = &ctr;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "late /proc read repaired from the parent's namespaces");
}

/* audit: the root of the mount namespace a setns joined, logged at the
 * call, settles where it went whatever /proc shows later (issue 10) */
static void test_mnt_root(void)
{
	struct nsw_ns_change ch[NSW_NS_COUNT];
	struct verdict_input vi;

	/* left and came back: read late, the process is in its own mnt */
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &ctr);
	vi.before_exact = false;
	vi.mnt_root_is_host = true;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "host root joined, own mnt read late: escape_to_host");
	ok(ch[NSW_NS_MNT].changed && ch[NSW_NS_MNT].from == CTR_MNT &&
	   ch[NSW_NS_MNT].to == HOST_MNT && ch[NSW_NS_MNT].to_is_host,
	   "... from the container's mnt to the host's");

	/* gone before it was read */
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, NULL);
	vi.before_exact = false;
	vi.mnt_root_is_host = true;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "host root joined, process gone: escape_to_host");
	vi.mnt_root_is_host = false;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_UNKNOWN,
	       "another root joined, process gone: unknown");

	/* a setns of another type cannot have joined that root */
	vi = setns_in(true, NSW_CLONE_NEWUTS, &ctr, NULL);
	vi.mnt_root_is_host = true;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_UNKNOWN,
	       "host root with a uts setns: not taken");

	/* a host process, and a container already on the host's root */
	vi = setns_in(false, NSW_CLONE_NEWNS, &host, NULL);
	vi.mnt_root_is_host = true;
	ok(verdict_nscall(&vi, ch) != NSW_VERDICT_ESCAPE_TO_HOST,
	   "host process joining the host root: no escape");
	vi = setns_in(true, NSW_CLONE_NEWNS, &host, NULL);
	vi.own = &host;
	vi.mnt_root_is_host = true;
	ok(verdict_nscall(&vi, ch) != NSW_VERDICT_ESCAPE_TO_HOST,
	   "container process already in the host mnt: no new escape");
}

static void test_unshare(void)
{
	struct nsw_ns_change ch[NSW_NS_COUNT];
	struct verdict_input vi;

	memset(&vi, 0, sizeof(vi));
	vi.syscall = NSW_SC_UNSHARE;
	vi.success = true;
	vi.ns_mask = NSW_CLONE_NEWUSER;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_NEW_NAMESPACE,
	       "unshare: new_namespace");
	vi.success = false;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_NONE,
	       "failed unshare: none");
}

static void test_alerts(void)
{
	struct nsw_container c;
	struct nsw_process pr;
	struct nsw_event ev;

	memset(&c, 0, sizeof(c));
	memset(&pr, 0, sizeof(pr));
	pr.ctr = &c;
	pr.binary = "/usr/bin/nsenter";
	pr.ns_known = true;
	pr.ns = ctr;
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	verdict_alerts_exec(&ev, &host, "nsenter", false);
	is_int(ev.n_alerts, 1, "nsenter in container: one alert");
	is_str(nsw_rule_id(ev.alerts[0].rule), "nsenter-in-container",
	       "rule nsenter-in-container");

	pr.binary = "/bin/busybox";
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	verdict_alerts_exec(&ev, &host, "nsenter", false);
	is_int(ev.n_alerts, 1, "busybox applet nsenter recognised");

	pr.binary = "/bin/sh";
	pr.ns.inum[NSW_NS_MNT] = HOST_MNT;
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	verdict_alerts_exec(&ev, &host, "sh", false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_CONTAINER_IN_HOST_NS &&
	   ev.alerts[0].severity == NSW_SEV_HIGH,
	   "container process in host mnt ns: container-in-host-namespaces");

	pr.ctr = NULL;
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	verdict_alerts_exec(&ev, &host, "nsenter", false);
	is_int(ev.n_alerts, 0, "host nsenter: no alert");

	pr.ctr = &c;
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.verdict = NSW_VERDICT_ESCAPE_TO_HOST;
	ev.ns_change[NSW_NS_MNT].changed = ev.ns_change[NSW_NS_MNT].to_is_host = true;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_SETNS_ESCAPE_TO_HOST &&
	   ev.alerts[0].severity == NSW_SEV_CRITICAL,
	   "escape verdict: setns-escape-to-host, critical");
	is_str(ev.alerts[0].message,
	       "container process joined host namespaces: mnt",
	       "alert message names the namespaces");

	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.verdict = NSW_VERDICT_NONE;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_SETNS_IN_CONTAINER,
	   "failed setns in container: setns-in-container");

	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_UNSHARE;
	ev.success = true;
	ev.ns_types = NSW_CLONE_NEWUSER | NSW_CLONE_NEWNS;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_UNSHARE_IN_CONTAINER &&
	   ev.alerts[0].severity == NSW_SEV_HIGH,
	   "unshare -U in container: unshare-in-container, high");

	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.verdict = NSW_VERDICT_ENTER_CONTAINER;
	verdict_alerts_nscall(&ev, true);
	is_int(ev.n_alerts, 0, "runtime helper: no alert");
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.verdict = NSW_VERDICT_ESCAPE_TO_HOST;
	verdict_alerts_nscall(&ev, true);
	is_int(ev.n_alerts, 1, "a binary named like a runtime still alerts "
	       "on escape");
	/* a setns into another container by a process named `bridge` that
	 * arrived from the host is no runtime work either */
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.ns_types = NSW_CLONE_NEWNET;
	ev.verdict = NSW_VERDICT_LATERAL;
	verdict_alerts_nscall(&ev, true);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_SETNS_IN_CONTAINER,
	   "runtime arrival moving laterally: setns-in-container");
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_UNSHARE;
	ev.success = true;
	ev.ns_types = NSW_CLONE_NEWUSER;
	ev.verdict = NSW_VERDICT_NEW_NAMESPACE;
	verdict_alerts_nscall(&ev, true);
	is_int(ev.n_alerts, 0, "runtime arrival creating the container's "
	       "namespaces: no alert");
	/* the exemption is the caller's decision (a process that arrived
	 * from the host); a name alone gives none */
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_UNSHARE_IN_CONTAINER,
	   "unshare by a container process named like a helper: alert");

	/* audit: the result was read late or not at all (issue 10, 5/6) */
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.ns_types = NSW_CLONE_NEWNS;
	ev.ns_unconfirmed = true;
	ev.verdict = NSW_VERDICT_UNKNOWN;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_SETNS_IN_CONTAINER &&
	   ev.alerts[0].severity == NSW_SEV_CRITICAL,
	   "process gone before it was read: setns-in-container, critical");
	ok(strstr(ev.alerts[0].message, "setns(mnt)") &&
	   strstr(ev.alerts[0].message, "could not be confirmed"),
	   "... and the message says the target was not confirmed");

	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.ns_types = NSW_CLONE_NEWNS;
	ev.ns_unconfirmed = true;
	ev.verdict = NSW_VERDICT_NONE;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].severity == NSW_SEV_CRITICAL &&
	   strstr(ev.alerts[0].message, "none: no change"),
	   "late read shows no change (left and came back): critical");

	ev.n_alerts = 0;
	ev.verdict = NSW_VERDICT_LATERAL;
	ev.ns_change[NSW_NS_MNT].changed = true;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].severity == NSW_SEV_CRITICAL &&
	   strstr(ev.alerts[0].message, "lateral: mnt"),
	   "late read shows another container: critical, says what was seen");

	ev.n_alerts = 0;
	ev.ns_unconfirmed = false;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].severity == NSW_SEV_MEDIUM,
	   "captured in the kernel: lateral stays medium");

	ev.n_alerts = 0;
	ev.ns_unconfirmed = true;
	ev.success = false;
	ev.verdict = NSW_VERDICT_NONE;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].severity == NSW_SEV_MEDIUM,
	   "failed setns, read late: medium (the failure is confirmed)");

	ev.n_alerts = 0;
	ev.success = true;
	ev.verdict = NSW_VERDICT_ESCAPE_TO_HOST;
	ev.ns_change[NSW_NS_MNT].to_is_host = true;
	verdict_alerts_nscall(&ev, false);
	ok(ev.n_alerts == 1 &&
	   ev.alerts[0].rule == NSW_RULE_SETNS_ESCAPE_TO_HOST,
	   "escape seen in a late read: setns-escape-to-host");

	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.container_process = true;
	ev.syscall = NSW_SC_SETNS;
	ev.success = true;
	ev.ns_unconfirmed = true;
	ev.verdict = NSW_VERDICT_UNKNOWN;
	verdict_alerts_nscall(&ev, true);
	is_int(ev.n_alerts, 0, "runtime helper gone before it was read: "
	       "no alert");

	ok(verdict_is_runtime_helper("/usr/sbin/runc") &&
	   verdict_is_runtime_helper("/usr/bin/containerd-shim-runc-v2") &&
	   !verdict_is_runtime_helper("/usr/bin/nsenter"),
	   "runtime helper list");
}

static void test_escape_syscalls(void)
{
	static const struct {
		enum nsw_syscall sc;
		enum nsw_rule rule;
		enum nsw_severity sev;
	} want[] = {
		{ NSW_SC_INIT_MODULE, NSW_RULE_KERNEL_MODULE_LOAD,
		  NSW_SEV_CRITICAL },
		{ NSW_SC_FINIT_MODULE, NSW_RULE_KERNEL_MODULE_LOAD,
		  NSW_SEV_CRITICAL },
		{ NSW_SC_BPF, NSW_RULE_BPF_FROM_CONTAINER, NSW_SEV_HIGH },
		{ NSW_SC_OPEN_BY_HANDLE_AT, NSW_RULE_OPEN_BY_HANDLE,
		  NSW_SEV_CRITICAL },
	};
	struct nsw_event ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.syscall = want[i].sc;
		ev.container_process = true;
		ok(nsw_syscall_is_escape(want[i].sc), "%s is an escape syscall",
		   nsw_syscall_name(want[i].sc));
		verdict_alerts_syscall(&ev, false);
		ok(ev.n_alerts == 1 && ev.alerts[0].rule == want[i].rule &&
		   ev.alerts[0].severity == want[i].sev,
		   "%s by a container process, failed: %s, %s",
		   nsw_syscall_name(want[i].sc), nsw_rule_id(want[i].rule),
		   nsw_severity_name(want[i].sev));
		is_str(nsw_syscall_policy(want[i].sc), nsw_rule_id(want[i].rule),
		       "%s: policy_name is the rule id",
		       nsw_syscall_name(want[i].sc));
		memset(&ev, 0, sizeof(ev));
		ev.syscall = want[i].sc;
		verdict_alerts_syscall(&ev, false);
		is_int(ev.n_alerts, 0, "%s by a host process: no alert",
		       nsw_syscall_name(want[i].sc));
	}
	ok(!nsw_syscall_is_escape(NSW_SC_SETNS) &&
	   !nsw_syscall_is_escape(NSW_SC_EXECVEAT), "setns, execveat are not");
	is_str(nsw_syscall_policy(NSW_SC_SETNS), "namespace-access",
	       "setns: policy_name namespace-access");

	/* perf_event_open: high for a tracepoint (what BPF attaches to),
	 * medium for another type, medium when the type is unknown (audit) */
	memset(&ev, 0, sizeof(ev));
	ev.syscall = NSW_SC_PERF_EVENT_OPEN;
	ev.container_process = true;
	ev.nargs = 3;
	ev.args[0] = -1;
	ev.args[2] = 2;
	verdict_alerts_syscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].rule == NSW_RULE_BPF_FROM_CONTAINER &&
	   ev.alerts[0].severity == NSW_SEV_HIGH,
	   "perf_event_open of a tracepoint: bpf-from-container, high");
	memset(&ev, 0, sizeof(ev));
	ev.syscall = NSW_SC_PERF_EVENT_OPEN;
	ev.container_process = true;
	ev.nargs = 2;
	verdict_alerts_syscall(&ev, false);
	ok(ev.n_alerts == 1 && ev.alerts[0].severity == NSW_SEV_MEDIUM,
	   "perf_event_open of unknown type: medium");

	memset(&ev, 0, sizeof(ev));
	ev.syscall = NSW_SC_FINIT_MODULE;
	ev.container_process = true;
	verdict_alerts_syscall(&ev, true);
	is_int(ev.n_alerts, 0, "runtime helper arriving from the host: no alert");
}

static void test_parsers(void)
{
	const char stat[] = "1234 (a) b) c) S 77 1234 1234 0 -1 4194560 100 0 "
			    "0 0 1 2 0 0 20 0 1 0 987654 1000 100";
	const char status[] = "Name:\tsh\nTgid:\t1234\nNSpid:\t1234\t7\n"
			      "Uid:\t1000\t0\t0\t0\nCapPrm:\t00000000a80425fb\n"
			      "CapEff:\t0000000000000002\n";
	struct procfs_stat s;
	struct procfs_status st;
	struct nsw_bytes av[3] = {
		{ "nsenter", 7 }, { "-t", 2 }, { "a b", 3 } };
	uint32_t inum = 0;
	char *joined, *big;
	bool cut;

	is_int(procfs_parse_stat(stat, sizeof(stat) - 1, &s), 0, "stat parses");
	is_str(s.comm, "a) b) c", "comm with ')' kept whole");
	is_int(s.ppid, 77, "ppid");
	is_int(s.starttime_ticks, 987654, "starttime");
	is_int(procfs_parse_stat("12 (x", 5, &s), -EINVAL, "truncated stat rejected");
	is_int(procfs_parse_status(status, sizeof(status) - 1, &st), 0,
	       "status parses");
	ok(st.ruid == 1000 && st.euid == 0, "real and effective uid");
	is_int(st.nspid_inner, 7, "pid inside the container");
	ok(st.caps_known && st.cap_eff == 2, "capabilities");
	joined = procfs_join_args(av, 3, 1, &cut);
	is_str(joined, "-t \"a b\"", "arguments: spaces quoted");
	ok(!cut, "short arguments are whole");
	free(joined);
	/* megabytes of arguments (an ancestor can have them) are cut to
	 * what the eBPF backend keeps, and say so */
	big = malloc(3 << 20);
	if (big) {
		struct nsw_bytes bv[4] = { { "sh", 2 }, { "-c", 2 },
					   { big, 1 << 20 }, { big, 2 << 20 } };

		memset(big, 'a', 3 << 20);
		joined = procfs_join_args(bv, 4, 1, &cut);
		ok(joined && strlen(joined) == PROCFS_ARGS_MAX && cut,
		   "huge arguments cut to PROCFS_ARGS_MAX, flagged");
		free(joined);
		memset(big, ' ', 10);
		bv[2].len = PROCFS_ARGS_MAX - 4;
		joined = procfs_join_args(bv, 3, 1, &cut);
		ok(joined && strlen(joined) == PROCFS_ARGS_MAX && cut,
		   "a closing quote past the cap counts as cut");
		free(joined);
		free(big);
	}
	is_int(nsinfo_parse_link("mnt:[4026531841]", &inum), 0, "ns link");
	is_int(inum, 4026531841u, "ns inode");
	is_int(nsinfo_parse_link("mnt:[]", &inum), -EINVAL, "bad link rejected");
}

/* busybox dispatches on argv[0]'s last component whatever its length */
static void test_applet_name(void)
{
	static char longc[400], deep[700], huge[8000];
	struct nsw_bytes av[3];
	char buf[256];
	size_t i, o;

	memset(longc, 'x', sizeof(longc));
	memcpy(longc, "/", 1);
	memcpy(longc + sizeof(longc) - 9, "/nsenter", 8);
	longc[sizeof(longc) - 1] = '\0';
	av[0].p = longc;
	av[0].len = strlen(longc);
	ok(verdict_is_nsenter("/bin/busybox",
			      verdict_applet_name(av, 1, buf, sizeof(buf))),
	   "argv[0] with a 390-byte component ending in /nsenter");

	for (i = 0, o = 0; i < 300; i++) {
		deep[o++] = '/';
		deep[o++] = 'd';
	}
	memcpy(deep + o, "/nsenter", 9);
	av[0].p = deep;
	av[0].len = strlen(deep);
	ok(verdict_is_nsenter("/bin/busybox",
			      verdict_applet_name(av, 1, buf, sizeof(buf))),
	   "argv[0] of 300 components ending in /nsenter");

	memset(huge, 'y', sizeof(huge));
	memcpy(huge + sizeof(huge) - 8, "nsenter", 8);
	av[0].p = huge;
	av[0].len = strlen(huge);
	ok(!verdict_is_nsenter("/bin/busybox",
			       verdict_applet_name(av, 1, buf, sizeof(buf))),
	   "a long name merely ending in nsenter is not nsenter");

	av[0].p = "/bin/busybox";
	av[0].len = 12;
	av[1].p = deep;
	av[1].len = strlen(deep);
	ok(verdict_is_nsenter("/bin/busybox",
			      verdict_applet_name(av, 2, buf, sizeof(buf))),
	   "busybox <deep path>/nsenter: argv[1]'s last component");
	av[1].p = "sh";
	av[1].len = 2;
	is_str(verdict_applet_name(av, 2, buf, sizeof(buf)), "sh",
	       "busybox sh: sh");
	ok(verdict_applet_name(av, 0, buf, sizeof(buf)) == NULL,
	   "no argv: no name");
}

/* A namespace of a host process (host_set) is a host namespace. */
static void test_host_set(void)
{
	struct nsw_ns_change ch[NSW_NS_COUNT];
	struct inum_set set = { 0 };
	struct verdict_input vi;
	struct nsw_ns_set svc, to_svc;

	is_int(inum_set_add(&set, SVC_MNT), 1, "inum set: added");
	is_int(inum_set_add(&set, SVC_MNT), 0, "inum set: once");
	is_int(inum_set_add(&set, 0), 0, "inum set: 0 is no namespace");
	is_int(inum_set_add(&set, 17), 1, "inum set: a smaller one");
	ok(inum_set_has(&set, SVC_MNT) && inum_set_has(&set, 17) &&
	   !inum_set_has(&set, 18) && !inum_set_has(&set, 0), "inum set: has");

	to_svc = ctr;
	to_svc.inum[NSW_NS_MNT] = SVC_MNT;
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &to_svc);
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_LATERAL,
	       "unknown mnt ns without a host set: lateral");
	vi.host_set = &set;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "container joins a host service's mnt ns: escape_to_host");
	ok(ch[NSW_NS_MNT].changed && ch[NSW_NS_MNT].to == SVC_MNT &&
	   ch[NSW_NS_MNT].to_is_host, "... and to_is_host says so");
	vi = setns_in(true, 0, &ctr, &to_svc);
	vi.host_set = &set;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ESCAPE_TO_HOST,
	       "setns(fd, 0) into it: escape_to_host");

	/* the host service itself (in its private mount ns) enters a
	 * container: it comes from a host namespace */
	svc = host;
	svc.inum[NSW_NS_MNT] = SVC_MNT;
	vi = setns_in(false, NSW_CLONE_NEWNS, &svc, &ctr);
	vi.host_set = &set;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_ENTER_CONTAINER,
	       "host service enters a container: enter_container");
	vi = setns_in(false, NSW_CLONE_NEWNS, &svc, &host);
	vi.host_set = &set;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_NONE,
	       "host service back to the initial mnt ns: none");

	/* a namespace that left the set (a container made a new one with
	 * the inode number of a dead host namespace) is no longer host */
	ok(inum_set_del(&set, SVC_MNT) && !inum_set_del(&set, SVC_MNT),
	   "inum set: removed once");
	vi = setns_in(true, NSW_CLONE_NEWNS, &ctr, &to_svc);
	vi.host_set = &set;
	is_int(verdict_nscall(&vi, ch), NSW_VERDICT_LATERAL,
	       "removed from the host set: lateral again");
	inum_set_clear(&set);
	ok(!inum_set_has(&set, 17), "inum set: cleared");
}

int main(void)
{
	setup();
	test_applet_name();
	test_setns();
	test_mnt_root();
	test_host_set();
	test_unshare();
	test_alerts();
	test_escape_syscalls();
	test_parsers();
	return done_testing();
}
