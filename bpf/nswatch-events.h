/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ABI between bpf/nswatch.bpf.c and user space (src/bpf-decode.c):
 * every record that crosses the ring buffer, the knobs' meaning and the
 * drop counter layout.  Fixed-width fields, explicit padding, sizes pinned
 * by _Static_assert so a change on one side cannot go unnoticed.
 *
 * A record is one ring-buffer sample: a struct nsw_bpf_hdr first, whose
 * `size` is the length of the whole sample, then the type's fixed part,
 * then (exec only) variable data.
 */
#ifndef NSWATCH_BPF_EVENTS_H
#define NSWATCH_BPF_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define NSW_BPF_ABI_VERSION	3

#define NSW_BPF_COMM_LEN	16
#define NSW_BPF_CGNAME_LEN	128	/* cgroup leaf name, NUL padded */
#define NSW_BPF_PATH_MAX	4096	/* binary and cwd: < this many bytes */
#define NSW_BPF_ARGS_MAX	4096	/* argv bytes: < this many bytes */

/* Record types; also the index of the per-CPU drop counter array. */
enum nsw_bpf_rec {
	NSW_BPF_REC_EXEC = 1,
	NSW_BPF_REC_FORK = 2,
	NSW_BPF_REC_EXIT = 3,
	NSW_BPF_REC_NSCALL = 4,
	NSW_BPF_REC_FLOOD = 5,	/* map `floods` values; never in the ring */
	NSW_BPF_REC_ESCALL = 6,	/* escape syscall (struct nsw_bpf_escall) */
	NSW_BPF_REC_MAX = 7,	/* drop counter array size */
};

/* Namespace slots: the order of enum nsw_ns in src/event.h. */
enum nsw_bpf_ns {
	NSW_BPF_NS_UTS,
	NSW_BPF_NS_IPC,
	NSW_BPF_NS_MNT,
	NSW_BPF_NS_PID,
	NSW_BPF_NS_PID_FOR_CHILDREN,
	NSW_BPF_NS_NET,
	NSW_BPF_NS_TIME,
	NSW_BPF_NS_TIME_FOR_CHILDREN,
	NSW_BPF_NS_CGROUP,
	NSW_BPF_NS_USER,
	NSW_BPF_NS_COUNT
};

/* Syscalls named in records. */
enum nsw_bpf_sc {
	NSW_BPF_SC_NONE,
	NSW_BPF_SC_SETNS,
	NSW_BPF_SC_UNSHARE,
	NSW_BPF_SC_CLONE,
	NSW_BPF_SC_CLONE3,
	NSW_BPF_SC_EXECVE,
	NSW_BPF_SC_EXECVEAT,
	/* escape syscalls that change no namespace: nsw_bpf_escall */
	NSW_BPF_SC_INIT_MODULE,
	NSW_BPF_SC_FINIT_MODULE,
	NSW_BPF_SC_BPF,
	NSW_BPF_SC_PERF_EVENT_OPEN,
	NSW_BPF_SC_OPEN_BY_HANDLE_AT,
};

/* nsw_bpf_hdr.hflags */
#define NSW_BPF_HF_CREDS	(1u << 0)	/* uid/euid valid */
#define NSW_BPF_HF_AUID		(1u << 1)	/* auid valid (CONFIG_AUDIT) */
#define NSW_BPF_HF_CGROUP	(1u << 2)	/* cgroup_id/name valid */
#define NSW_BPF_HF_CGROUP_V1	(1u << 3)	/* ...taken from a v1 hierarchy */

struct nsw_bpf_hdr {
	__u16 type;		/* enum nsw_bpf_rec */
	__u16 version;		/* NSW_BPF_ABI_VERSION */
	__u32 size;		/* bytes in the whole record */
	__u64 ktime_ns;		/* bpf_ktime_get_boot_ns() */
	__u32 pid;		/* tgid, host pid namespace */
	__u32 tid;
	__u32 ppid;		/* real parent's tgid */
	__u32 uid;		/* real uid */
	__u32 euid;
	__u32 auid;		/* loginuid; (u32)-1 unset */
	__u32 cpu;
	__u32 hflags;		/* NSW_BPF_HF_* */
	__u64 cgroup_id;	/* kernfs id of the cgroup (v2 = cgroup fs inode) */
	char comm[NSW_BPF_COMM_LEN];
	char cgroup_name[NSW_BPF_CGNAME_LEN];
	__u64 start_ns;		/* the thread group leader's start_boottime
				 * (what /proc/<pid>/stat starttime counts
				 * in ticks); 0 unknown */
};

/* nsw_bpf_exec.eflags */
#define NSW_BPF_EF_ARGS_TRUNC	(1u << 0)	/* argv longer than args_len */
#define NSW_BPF_EF_ARGS_ERR	(1u << 1)	/* argv unreadable */
#define NSW_BPF_EF_CWD_ERR	(1u << 2)	/* cwd not resolved: cwd_len 0 */
#define NSW_BPF_EF_BIN_TRUNC	(1u << 3)	/* binary path cut at PATH_MAX */
#define NSW_BPF_EF_BIN_RELATIVE	(1u << 4)	/* relative name, cwd unknown */
#define NSW_BPF_EF_CAPS		(1u << 5)	/* cap_* valid */
#define NSW_BPF_EF_NS		(1u << 6)	/* ns[] valid */
#define NSW_BPF_EF_KILLED	(1u << 7)	/* enforce_nsenter sent SIGKILL */
#define NSW_BPF_EF_BIN_FILE	(1u << 8)	/* binary: path of the file exec
						 * opened (the name given was
						 * /proc/... or /dev/fd/N) */
#define NSW_BPF_EF_NSENTER	(1u << 9)	/* a process whose mnt or pid
						 * namespace is not the host's
						 * exec'd nsenter by the name
						 * (enforce_nsenter's test,
						 * argv[0] read whole) */

/*
 * Successful execve/execveat (sched_process_exec).  data[] holds, packed
 * and without NULs between them: the binary path (binary_len bytes), the
 * argv area as the new process sees it (args_len bytes, NUL separated, a
 * final NUL unless truncated), the cwd (cwd_len bytes).
 */
struct nsw_bpf_exec {
	struct nsw_bpf_hdr hdr;
	__u64 cap_permitted;
	__u64 cap_effective;
	__u32 ns[NSW_BPF_NS_COUNT];
	__u32 eflags;		/* NSW_BPF_EF_* */
	__u32 syscall;		/* NSW_BPF_SC_EXECVE/EXECVEAT; NONE unknown */
	__u32 argc;		/* bprm->argc, counted before truncation */
	__u16 binary_len;
	__u16 args_len;
	__u16 cwd_len;
	__u16 __pad0;
	__u32 __pad1;
	char data[];
};

/* nsw_bpf_fork.fflags */
#define NSW_BPF_FF_NS		(1u << 0)	/* ns[] valid */

/* A new thread group (sched_process_fork, child is a group leader). */
struct nsw_bpf_fork {
	struct nsw_bpf_hdr hdr;	/* the child; hdr.ppid is its real parent */
	__u32 parent_pid;	/* tgid of the forking process */
	__u32 parent_tid;	/* thread that called fork/clone */
	__u32 ns[NSW_BPF_NS_COUNT];
	__u32 fflags;		/* NSW_BPF_FF_* */
	__u32 __pad0;
};

/* The last thread of a thread group exited (sched_process_exit). */
struct nsw_bpf_exit {
	struct nsw_bpf_hdr hdr;
	__u32 exit_code;	/* task->exit_code: status << 8 | signal */
	__u32 __pad0;
};

/* nsw_bpf_nscall.nflags */
#define NSW_BPF_NF_BEFORE	(1u << 0)	/* ns_before valid */
#define NSW_BPF_NF_AFTER	(1u << 1)	/* ns_after valid */
#define NSW_BPF_NF_KILLED	(1u << 2)	/* enforce sent SIGKILL at entry */
#define NSW_BPF_NF_COMPAT	(1u << 3)	/* 32-bit (ia32) syscall */
#define NSW_BPF_NF_FLAGS_ERR	(1u << 4)	/* clone3 flags unreadable */
#define NSW_BPF_NF_TARGET_NS	(1u << 5)	/* target_ns[] valid (pidfd) */
#define NSW_BPF_NF_KILLED_EXIT	(1u << 6)	/* ...SIGKILL sent at exit, not
						 * entry (with NF_KILLED) */

/* Entries of the host_ns_set map (namespaces of host processes). */
#define NSW_BPF_HOST_NS_MAX	16384

/* What the setns fd referred to at syscall entry. */
enum nsw_bpf_target {
	NSW_BPF_TGT_NONE,	/* not setns */
	NSW_BPF_TGT_NSFS,	/* namespace file: target_ns_type/inum */
	NSW_BPF_TGT_PIDFD,	/* pidfd: target_ns[] of its task */
	NSW_BPF_TGT_OTHER,	/* some other file (setns fails) */
	NSW_BPF_TGT_BADFD,	/* no such fd / task gone */
};

/*
 * setns, unshare, and clone/clone3 that carry CLONE_NEW* flags; one record
 * per call at syscall exit, failed calls included.  ns_before/ns_after
 * are the caller's namespaces at entry and at exit.  For clone/clone3 the
 * new namespaces are the child's: child_pid is its host tgid, and its fork
 * record (sent before this one) carries its namespaces.
 */
struct nsw_bpf_nscall {
	struct nsw_bpf_hdr hdr;
	__u32 syscall;		/* enum nsw_bpf_sc */
	__u32 nflags;		/* NSW_BPF_NF_* */
	__s64 arg0;		/* setns fd, unshare/clone flags, clone3 uargs */
	__s64 arg1;		/* setns nstype, clone3 size */
	__u64 clone_flags;	/* clone/unshare flags; clone3 clone_args.flags */
	__s64 ret;
	__u64 enter_ktime_ns;
	__u32 target_kind;	/* enum nsw_bpf_target */
	__u32 target_ns_type;	/* nsfs: CLONE_NEW* of the ns; pidfd: nstype */
	__u32 target_ns_inum;	/* nsfs: inode; pidfd with one type: its inode */
	__u32 child_pid;
	__u32 ns_before[NSW_BPF_NS_COUNT];
	__u32 ns_after[NSW_BPF_NS_COUNT];
	__u32 target_ns[NSW_BPF_NS_COUNT];
};

/*
 * An escape syscall that changes no namespace, by a process outside the
 * host's mnt or pid namespace (ns_contained; every caller while host_ns[]
 * is unknown), one record at syscall exit, failed calls included.  Host
 * processes' calls are dropped at entry and cost no record.  args[] as
 * the event shows them (doc/schema.md), nargs of them:
 *   init_module        len
 *   finit_module       fd, flags
 *   bpf                cmd (BPF_PROG_LOAD only: other commands are not
 *                      sent), attr->prog_type (-1 unreadable)
 *   perf_event_open    pid, cpu, attr->type (-1 unreadable)
 *   open_by_handle_at  mount_fd, flags
 * nflags: NSW_BPF_NF_BEFORE (always), NSW_BPF_NF_KILLED (enforce_escape
 * sent SIGKILL at entry), NSW_BPF_NF_COMPAT.
 */
struct nsw_bpf_escall {
	struct nsw_bpf_hdr hdr;
	__u32 syscall;		/* enum nsw_bpf_sc, INIT_MODULE or later */
	__u32 nflags;		/* NSW_BPF_NF_* */
	__s64 args[3];
	__s64 ret;
	__u32 nargs;
	__u32 __pad0;
};

/* enforce_escape bits: SIGKILL at entry a container process's call of
 * the rule (its action=kill in the policy) */
#define NSW_BPF_EE_MODULE	(1u << 0)	/* kernel-module-load */
#define NSW_BPF_EE_BPF		(1u << 1)	/* bpf-from-container */
#define NSW_BPF_EE_HANDLE	(1u << 2)	/* open-by-handle */

/*
 * Namespace calls held back in the kernel (map `floods`, an LRU hash).
 * A call that cannot change a namespace (failed with EBADF or EINVAL), or
 * any call beyond the rate limit, by a process outside the host's mnt or
 * pid namespace, and a host process's call that changed none of its
 * namespaces (a no-op or a failure) beyond the rate limit, is not sent
 * as a record: it is counted here, by the
 * caller's mount namespace (what a container keeps when it makes
 * sub-cgroups; making a new one is itself a namespace call).  So are
 * records that are not escapes when the ring buffer is fuller than
 * reserve_avail, and records lost to a full ring buffer (`dropped`).
 * Counters only grow; user space reports the difference between two
 * reads.  hdr is a recent caller (type NSW_BPF_REC_FLOOD), written
 * without a lock, for attribution only.
 */
struct nsw_bpf_flood_key {
	__u32 mnt_ns;		/* caller's mount namespace inode; 0 unknown */
	__u32 __pad0;
};

enum nsw_bpf_flood_sc {		/* held[], held_failed[] slots */
	NSW_BPF_FL_SETNS,
	NSW_BPF_FL_UNSHARE,
	NSW_BPF_FL_CLONE,	/* clone and clone3 */
	NSW_BPF_FL_COUNT,
};

struct nsw_bpf_flood {
	struct nsw_bpf_hdr hdr;
	__u64 window_start_ns;	/* rate window of this key */
	__u32 window_sent;	/* records sent in it: calls that changed
				 * nothing (failed, or a no-op) */
	__u32 window_sent_chg;	/* ...calls that made or joined namespaces,
				 * and clone3 of unknown flags */
	__u64 sampled_ns;	/* window of the last hdr update */
	__u64 last_ns;		/* last held call (boot ns) */
	__u64 held[NSW_BPF_FL_COUNT];
	__u64 held_failed[NSW_BPF_FL_COUNT];
	__u64 dropped;		/* records lost: ring buffer full */
};

/*
 * Knobs (const volatile in .rodata, set by user space before load):
 *   self_tgid   records of this tgid are not sent (nswatch itself)
 *   enforce     non-zero: SIGKILL a container process (its mnt or pid
 *               namespace is no host namespace) whose setns names a host
 *               namespace (nsfs inode, or any requested type of a pidfd
 *               task) at entry, and, at exit, one whose setns left it in
 *               a host namespace it did not hold before (the fd can be
 *               swapped between the two lookups).  A host namespace is
 *               one of host_ns[] or an inode in the host_ns_set map
 *               (namespaces of host processes, filled by user space;
 *               the kernel removes every namespace a syscall creates)
 *   enforce_nsenter
 *               non-zero: at exec (sched_process_exec, the new image in
 *               place, none of it run yet), SIGKILL a container process
 *               (as for enforce) when the binary's last path
 *               component or argv[0]'s is "nsenter", or argv[0]'s is
 *               "busybox"/"toybox" and argv[1]'s is "nsenter"; the exec
 *               record then carries NSW_BPF_EF_KILLED.  The optional BPF
 *               LSM program (lsm/bprm_check_security, not autoloaded)
 *               denies such an exec with EPERM by the file name alone when
 *               user space can load it.
 *   enforce_escape
 *               NSW_BPF_EE_* bits: SIGKILL a container process (as for
 *               enforce) at the entry of an escape syscall of that rule;
 *               the call still runs, the process never returns to its
 *               code (as for enforce's setns)
 *   host_ns[]   host namespace inodes by enum nsw_bpf_ns; 0 unknown
 *   rate_limit  non-zero: namespace call records per second and mount
 *               namespace sent from processes outside the host's mnt or
 *               pid namespace; the rest are held (struct nsw_bpf_flood).
 *               Two budgets of this size: calls that changed nothing, and
 *               calls that did, so a flood of the first kind cannot hide
 *               one of the second.  Failures with EBADF or EINVAL are
 *               always held.  A host process's calls that changed none
 *               of its namespaces have the first budget per mount
 *               namespace too (not counted against rate_limit_total);
 *               its calls that did are never rate limited.
 *   rate_limit_total
 *               the same bounds summed over all such namespaces
 *   reserve_avail
 *               non-zero: with more bytes than this waiting in the ring
 *               buffer, only escapes (a setns that moved the caller into a
 *               host namespace, or one enforce killed) and, up to half of
 *               the rest, urgent execs (nsenter, killed) are queued; other
 *               records are held (namespace calls) or dropped and counted
 *               (exec, fork, exit), so escapes find room
 * Nothing is held while host_ns[] is unknown (all zero).
 */

_Static_assert(sizeof(struct nsw_bpf_hdr) == 208, "nsw_bpf_hdr ABI");
_Static_assert(sizeof(struct nsw_bpf_exec) == 288, "nsw_bpf_exec ABI");
_Static_assert(sizeof(struct nsw_bpf_fork) == 264, "nsw_bpf_fork ABI");
_Static_assert(sizeof(struct nsw_bpf_exit) == 216, "nsw_bpf_exit ABI");
_Static_assert(sizeof(struct nsw_bpf_nscall) == 392, "nsw_bpf_nscall ABI");
_Static_assert(sizeof(struct nsw_bpf_flood) == 296, "nsw_bpf_flood ABI");
_Static_assert(sizeof(struct nsw_bpf_escall) == 256, "nsw_bpf_escall ABI");
_Static_assert(NSW_BPF_NS_COUNT == 10, "namespace slots");

#endif /* NSWATCH_BPF_EVENTS_H */
