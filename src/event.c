/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "event.h"

const char *nsw_ns_name(enum nsw_ns ns)
{
	static const char *const names[NSW_NS_COUNT] = {
		"uts", "ipc", "mnt", "pid", "pid_for_children", "net",
		"time", "time_for_children", "cgroup", "user",
	};

	return (unsigned)ns < NSW_NS_COUNT ? names[ns] : "?";
}

uint32_t nsw_ns_clone_flag(enum nsw_ns ns)
{
	switch (ns) {
	case NSW_NS_UTS: return NSW_CLONE_NEWUTS;
	case NSW_NS_IPC: return NSW_CLONE_NEWIPC;
	case NSW_NS_MNT: return NSW_CLONE_NEWNS;
	case NSW_NS_PID: return NSW_CLONE_NEWPID;
	case NSW_NS_NET: return NSW_CLONE_NEWNET;
	case NSW_NS_TIME: return NSW_CLONE_NEWTIME;
	case NSW_NS_CGROUP: return NSW_CLONE_NEWCGROUP;
	case NSW_NS_USER: return NSW_CLONE_NEWUSER;
	default: return 0;
	}
}

const char *nsw_syscall_name(enum nsw_syscall sc)
{
	switch (sc) {
	case NSW_SC_SETNS: return "setns";
	case NSW_SC_UNSHARE: return "unshare";
	case NSW_SC_CLONE: return "clone";
	case NSW_SC_CLONE3: return "clone3";
	case NSW_SC_EXECVE: return "execve";
	case NSW_SC_EXECVEAT: return "execveat";
	case NSW_SC_INIT_MODULE: return "init_module";
	case NSW_SC_FINIT_MODULE: return "finit_module";
	case NSW_SC_BPF: return "bpf";
	case NSW_SC_PERF_EVENT_OPEN: return "perf_event_open";
	case NSW_SC_OPEN_BY_HANDLE_AT: return "open_by_handle_at";
	default: return "";
	}
}

const char *nsw_syscall_policy(enum nsw_syscall sc)
{
	switch (sc) {
	case NSW_SC_INIT_MODULE:
	case NSW_SC_FINIT_MODULE:
		return "kernel-module-load";
	case NSW_SC_BPF:
	case NSW_SC_PERF_EVENT_OPEN:
		return "bpf-from-container";
	case NSW_SC_OPEN_BY_HANDLE_AT:
		return "open-by-handle";
	default:
		return "namespace-access";
	}
}

const char *nsw_verdict_name(enum nsw_verdict v)
{
	switch (v) {
	case NSW_VERDICT_ESCAPE_TO_HOST: return "escape_to_host";
	case NSW_VERDICT_ENTER_CONTAINER: return "enter_container";
	case NSW_VERDICT_LATERAL: return "lateral";
	case NSW_VERDICT_NEW_NAMESPACE: return "new_namespace";
	case NSW_VERDICT_NONE: return "none";
	case NSW_VERDICT_UNKNOWN: return "unknown";
	default: return "";
	}
}

const char *nsw_severity_name(enum nsw_severity s)
{
	switch (s) {
	case NSW_SEV_LOW: return "low";
	case NSW_SEV_MEDIUM: return "medium";
	case NSW_SEV_HIGH: return "high";
	case NSW_SEV_CRITICAL: return "critical";
	}
	return "low";
}

const char *nsw_rule_id(enum nsw_rule r)
{
	switch (r) {
	case NSW_RULE_NSENTER_IN_CONTAINER: return "nsenter-in-container";
	case NSW_RULE_SETNS_ESCAPE_TO_HOST: return "setns-escape-to-host";
	case NSW_RULE_SETNS_IN_CONTAINER: return "setns-in-container";
	case NSW_RULE_UNSHARE_IN_CONTAINER: return "unshare-in-container";
	case NSW_RULE_CONTAINER_IN_HOST_NS:
		return "container-in-host-namespaces";
	case NSW_RULE_MONITOR_TAMPER: return "monitor-tamper";
	case NSW_RULE_KERNEL_MODULE_LOAD: return "kernel-module-load";
	case NSW_RULE_BPF_FROM_CONTAINER: return "bpf-from-container";
	case NSW_RULE_OPEN_BY_HANDLE: return "open-by-handle";
	default: return "";
	}
}

const char *nsw_action_name(enum nsw_action a)
{
	return a == NSW_ACTION_SIGKILL ? "KPROBE_ACTION_SIGKILL" :
					 "KPROBE_ACTION_POST";
}
