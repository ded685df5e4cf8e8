/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one internal event model shared by every backend (bpf, audit, replay,
 * procfs snapshot) and by the JSON encoder.  doc/schema.md is the
 * contract; the names here follow it.
 */
#ifndef NSWATCH_EVENT_H
#define NSWATCH_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Namespace slots, in the order of the schema's `ns` object. */
enum nsw_ns {
	NSW_NS_UTS,
	NSW_NS_IPC,
	NSW_NS_MNT,
	NSW_NS_PID,
	NSW_NS_PID_FOR_CHILDREN,
	NSW_NS_NET,
	NSW_NS_TIME,
	NSW_NS_TIME_FOR_CHILDREN,
	NSW_NS_CGROUP,
	NSW_NS_USER,
	NSW_NS_COUNT
};

/* Inode numbers of a task's namespaces; 0 means unknown. */
struct nsw_ns_set {
	uint32_t inum[NSW_NS_COUNT];
};

/* Process flags, in Tetragon's DecodeCommonFlags order. */
enum nsw_pflag {
	NSW_PF_EXECVE = 1u << 0,
	NSW_PF_PROCFS = 1u << 1,
	NSW_PF_TRUNC_ARGS = 1u << 2,
	NSW_PF_MISS = 1u << 3,
	NSW_PF_NOCWD = 1u << 4,
	NSW_PF_ROOTCWD = 1u << 5,
	NSW_PF_CLONE = 1u << 6,
};

struct exposure_report;

struct nsw_label {
	char *key;
	char *value;
};

/*
 * What is known about a container.  Shared, reference counted, owned by
 * the container cache (container-cache.c); processes point at it.
 * Every string is NUL terminated; empty means unknown.
 */
struct nsw_container {
	unsigned int refcnt;
	char id[129];		/* full id as found (64 hex, or a name) */
	char runtime[16];	/* scheme: containerd, docker, cri-o, podman... */
	char name[128];
	char image[256];
	char image_id[160];
	char pod_name[254];
	char pod_namespace[64];
	char pod_uid[40];
	char workload[254];
	char workload_kind[32];
	uint64_t start_time_ns;	/* wall clock ns; 0 unknown */
	uint32_t init_pid;	/* host pid of the container's init; 0 unknown */
	bool privileged;
	bool has_ns;		/* init_ns valid */
	struct nsw_ns_set init_ns; /* namespaces of the container's init */
	/* device of the init's root directory (an overlay root file system
	 * has its own); root_dev_read: tried once */
	bool root_dev_known, root_dev_read;
	uint32_t root_dev_major;
	uint32_t root_dev_minor;
	/* MCS level of the SELinux label the runtime gives the container's
	 * processes ("s0:c123,c456"), empty when none with categories */
	char selinux_level[64];
	struct nsw_label *labels;  /* pod labels, sorted by key */
	size_t n_labels;
};

/*
 * One process (thread group leader) as the schema describes it.  Owned by
 * the process cache; events hold borrowed pointers that stay valid until
 * the event has been encoded.
 */
struct nsw_process {
	uint32_t pid;
	uint32_t tid;
	uint32_t ppid;
	uint32_t uid;		/* effective uid */
	uint32_t auid;		/* 4294967295 when unset */
	uint64_t ktime;		/* exec_id part: the task's start, boot-time ns
				 * in whole clock ticks (event time if unknown) */
	uint64_t parent_ktime;	/* parent's ktime, for parent_exec_id */
	uint64_t start_time_ns;	/* wall clock ns of the exec */
	char *binary;		/* raw bytes, NUL terminated; escaped on output */
	char *arguments;	/* joined as the schema says */
	char *cwd;
	uint32_t flags;		/* enum nsw_pflag */
	bool caps_known;
	uint64_t cap_permitted;
	uint64_t cap_effective;
	bool ns_known;
	struct nsw_ns_set ns;
	uint32_t container_pid;	/* pid inside the container pid namespace */
	bool in_init_tree;
	struct nsw_container *ctr; /* NULL: host process */
	/* ctr came from the process's own past or its parent's (it was in
	 * the container before this image or event); false when it was
	 * first seen there coming from the host (runc init) or only read
	 * from /proc.  Only such host arrivals get the runtime-helper
	 * exemption. */
	bool ctr_inherited;
	/* no container known, but the file it exec'd is not the host's at
	 * that path: it ran outside the host's mount namespace (audit, a
	 * process gone before /proc could be read).  Judged as a container
	 * process whose container is unknown. */
	bool foreign_exe;
};

enum nsw_event_type {
	NSW_EV_EXEC,
	NSW_EV_EXIT,
	NSW_EV_KPROBE,
	NSW_EV_THROTTLE,	/* namespace calls counted, not reported one by one */
	NSW_EV_TYPE_COUNT
};

enum nsw_syscall {
	NSW_SC_NONE,
	NSW_SC_SETNS,
	NSW_SC_UNSHARE,
	NSW_SC_CLONE,
	NSW_SC_CLONE3,
	NSW_SC_EXECVE,
	NSW_SC_EXECVEAT,
	/* escapes that change no namespace (NSW_RAW_SYSCALL) */
	NSW_SC_INIT_MODULE,
	NSW_SC_FINIT_MODULE,
	NSW_SC_BPF,
	NSW_SC_PERF_EVENT_OPEN,
	NSW_SC_OPEN_BY_HANDLE_AT,
};

/* A syscall of the escape rules that change no namespace (module loads,
 * BPF, open_by_handle_at): reported only for container processes. */
static inline bool nsw_syscall_is_escape(enum nsw_syscall sc)
{
	return sc >= NSW_SC_INIT_MODULE && sc <= NSW_SC_OPEN_BY_HANDLE_AT;
}

enum nsw_verdict {
	NSW_VERDICT_NONE_SET,	/* not a namespace event: no verdict key */
	NSW_VERDICT_ESCAPE_TO_HOST,
	NSW_VERDICT_ENTER_CONTAINER,
	NSW_VERDICT_LATERAL,
	NSW_VERDICT_NEW_NAMESPACE,
	NSW_VERDICT_NONE,
	NSW_VERDICT_UNKNOWN,
};

enum nsw_severity {
	NSW_SEV_LOW,
	NSW_SEV_MEDIUM,
	NSW_SEV_HIGH,
	NSW_SEV_CRITICAL,
};

enum nsw_rule {
	NSW_RULE_NSENTER_IN_CONTAINER,
	NSW_RULE_SETNS_ESCAPE_TO_HOST,
	NSW_RULE_SETNS_IN_CONTAINER,
	NSW_RULE_UNSHARE_IN_CONTAINER,
	NSW_RULE_CONTAINER_IN_HOST_NS,
	NSW_RULE_MONITOR_TAMPER,
	NSW_RULE_KERNEL_MODULE_LOAD,
	NSW_RULE_BPF_FROM_CONTAINER,
	NSW_RULE_OPEN_BY_HANDLE,
	NSW_RULE_COUNT
};

#define NSW_MAX_ALERTS 6

struct nsw_alert {
	enum nsw_rule rule;
	enum nsw_severity severity;
	/* setns-in-container for a call that may have been an escape (its
	 * target unconfirmed): the policy gives it the escape's severity */
	bool possible_escape;
	char message[256];
};

/* Per-namespace change after a setns/unshare. */
struct nsw_ns_change {
	bool changed;
	uint32_t from;
	uint32_t to;
	bool to_is_host;
};

/* Kprobe action names as Tetragon writes them. */
enum nsw_action {
	NSW_ACTION_POST,
	NSW_ACTION_SIGKILL,
};

/* CLONE_NEW* bits, for ns_types (values of <linux/sched.h>). */
#define NSW_CLONE_NEWTIME	0x00000080u
#define NSW_CLONE_NEWNS		0x00020000u
#define NSW_CLONE_NEWCGROUP	0x02000000u
#define NSW_CLONE_NEWUTS	0x04000000u
#define NSW_CLONE_NEWIPC	0x08000000u
#define NSW_CLONE_NEWUSER	0x10000000u
#define NSW_CLONE_NEWPID	0x20000000u
#define NSW_CLONE_NEWNET	0x40000000u
#define NSW_CLONE_NS_MASK	(NSW_CLONE_NEWTIME | NSW_CLONE_NEWNS | \
				 NSW_CLONE_NEWCGROUP | NSW_CLONE_NEWUTS | \
				 NSW_CLONE_NEWIPC | NSW_CLONE_NEWUSER | \
				 NSW_CLONE_NEWPID | NSW_CLONE_NEWNET)

/* Slots of struct nsw_aggregate's counters. */
enum nsw_agg_sc {
	NSW_AGG_SETNS,
	NSW_AGG_UNSHARE,
	NSW_AGG_CLONE,		/* clone and clone3 */
	NSW_AGG_COUNT
};

/*
 * Namespace calls of one mount namespace that the kernel counted instead
 * of reporting them one by one (flood control, eBPF backend), over one
 * interval.
 */
struct nsw_aggregate {
	uint64_t calls[NSW_AGG_COUNT];
	uint64_t failed[NSW_AGG_COUNT];	/* ...of which failed */
	uint64_t dropped;	/* records lost to a full ring buffer */
	uint32_t interval_ms;	/* since the previous report */
	uint32_t mnt_ns;	/* the callers' mount namespace; 0 unknown */
};

/*
 * One event ready for output.  Pointers are borrowed from the process
 * cache for the duration of the encode call.
 */
struct nsw_event {
	enum nsw_event_type type;
	uint64_t time_ns;	/* wall clock ns */
	const struct nsw_process *proc;
	const struct nsw_process *parent;	/* may be NULL */
	const struct nsw_process *const *ancestors; /* nearest first */
	size_t n_ancestors;

	/* process_exit */
	const char *signal;	/* "SIGKILL" or NULL */
	uint32_t status;	/* exit code */

	/* process_kprobe */
	enum nsw_syscall syscall;
	int32_t args[3];	/* as Tetragon int_arg */
	int nargs;
	bool ret_known;
	int32_t ret;
	enum nsw_action action;
	enum nsw_action return_action;
	uint64_t clone_flags;	/* full 64-bit flags for clone/clone3 */

	/* nswatch extension */
	const char *backend;	/* "bpf", "audit", "replay", "procfs" */
	bool success_known;
	bool success;
	bool ns_types_known;
	uint32_t ns_types;	/* CLONE_NEW* mask; 0 with known = "any" */
	bool flags_unknown;	/* clone3 flags unreadable: ["unknown"] */
	struct nsw_ns_change ns_change[NSW_NS_COUNT];
	enum nsw_verdict verdict;
	/* setns: the namespaces after the call were not captured in the
	 * kernel (audit reads /proc late, or the process was gone), so what
	 * it joined is not confirmed (see verdict_alerts_nscall) */
	bool ns_unconfirmed;
	bool container_process;
	struct nsw_alert alerts[NSW_MAX_ALERTS];
	int n_alerts;
	const char *enforced;	/* "sigkill" or NULL */
	/* nswatch ps: the container's static exposure (exposure.h), NULL
	 * for host processes and other events */
	const struct exposure_report *exposure;

	/* process_throttle (NSW_EV_THROTTLE) */
	const struct nsw_aggregate *agg;
	const char *cgroup;	/* the sample caller's cgroup name, or NULL */
};

/* Names for the schema. Return static strings. */
const char *nsw_ns_name(enum nsw_ns ns);
const char *nsw_syscall_name(enum nsw_syscall sc);
/* The policy_name of a kprobe event of syscall sc: "namespace-access"
 * for namespace calls, the rule id for the escape syscalls. */
const char *nsw_syscall_policy(enum nsw_syscall sc);
const char *nsw_verdict_name(enum nsw_verdict v);
const char *nsw_severity_name(enum nsw_severity s);
const char *nsw_rule_id(enum nsw_rule r);
const char *nsw_action_name(enum nsw_action a);

/* CLONE_NEW* bit of a namespace slot, 0 for the *_for_children slots. */
uint32_t nsw_ns_clone_flag(enum nsw_ns ns);

#endif /* NSWATCH_EVENT_H */
