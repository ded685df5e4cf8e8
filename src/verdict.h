/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direction of a namespace change (verdict) and the alerts of the
 * schema's rule ids.  Pure: the same for every backend and for replay.
 */
#ifndef NSWATCH_VERDICT_H
#define NSWATCH_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "inum-set.h"

struct verdict_input {
	enum nsw_syscall syscall;
	bool success;
	bool container_process;	/* acting process belongs to a container */
	uint32_t ns_mask;	/* CLONE_NEW* the call names; 0 = any */
	bool before_known;
	struct nsw_ns_set before;
	/* before was captured at syscall entry (bpf).  When false (audit,
	 * read after the fact) a slot whose before equals after may already
	 * show the new state; the parent's namespaces stand in for it. */
	bool before_exact;
	const struct nsw_ns_set *parent_ns;	/* NULL: unknown */
	bool after_known;
	struct nsw_ns_set after;
	const struct nsw_ns_set *host;	/* initial namespaces; NULL: unknown */
	/* Namespaces of host (non-container) processes beyond `host` (a
	 * host service's private mount namespace): host namespaces too.
	 * NULL: none known. */
	const struct inum_set *host_set;
	const struct nsw_ns_set *own;	/* container init's; NULL: unknown */
	/* setns: the mount namespace joined, seen at the call (audit logs
	 * the root directory looked up in it): its root is the host's root
	 * directory.  Holds even when the process is gone. */
	bool mnt_root_is_host;
};

/* Namespace slot a CLONE_NEW* bit changes for the caller
 * (CLONE_NEWPID -> pid_for_children).  -1 for other bits. */
int verdict_slot_of_flag(uint32_t flag);

/* Can a call with CLONE_NEW* mask (0 = any) change slot for its caller?
 * Never pid/time themselves, only their *_for_children. */
bool verdict_slot_in_scope(int slot, uint32_t mask);

/* Compute the verdict of a setns/unshare/clone and fill ch[] with the
 * changed slots.  A namespace is the host's when it is in->host's in its
 * slot or in in->host_set. */
enum nsw_verdict verdict_nscall(const struct verdict_input *in,
				struct nsw_ns_change ch[NSW_NS_COUNT]);

/* nsenter by path, by argv[0] basename, or as a busybox/toybox applet
 * (argv[0] "nsenter" while the binary is busybox or /proc/self/exe). */
bool verdict_is_nsenter(const char *binary, const char *argv0);
struct nsw_bytes;
/* The name a multi-call binary dispatches on, as busybox does: argv[0]'s
 * last path component, or argv[1]'s after `busybox`/`toybox`.  Only that
 * component is copied to buf (len bytes, cut when longer), so an argv[0]
 * of many components or longer than any file name keeps its name.  NULL
 * when argc is 0. */
const char *verdict_applet_name(const struct nsw_bytes *argv, int argc,
				char *buf, size_t len);
/* Host-side container runtime helpers whose namespace work is expected
 * (runc, crun, conmon, containerd-shim*, kubelet, CNI plugins), by the
 * binary's base name: anyone can name a binary so, see
 * verdict_alerts_nscall. */
bool verdict_is_runtime_helper(const char *binary);

/* Append an alert to ev (ignored past NSW_MAX_ALERTS). */
void verdict_add_alert(struct nsw_event *ev, enum nsw_rule rule,
		       enum nsw_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Alerts for a namespace syscall event already carrying its verdict,
 * ns_types, container_process and ns_unconfirmed.  `helper`: the acting
 * process is a runtime helper that arrived in its container from the host
 * (runc's init); the caller decides that, never from the name alone.  Such
 * a process gets no alert unless the verdict is escape_to_host or lateral.
 * A successful setns whose result is unconfirmed and not escape_to_host
 * gets setns-in-container at critical (the worst case it may hide). */
void verdict_alerts_nscall(struct nsw_event *ev, bool helper);
/* Alerts for an escape syscall that changes no namespace (module load,
 * BPF, open_by_handle_at) by a container process, from ev's syscall,
 * args, success and container_process.  Failed calls alert too (an
 * attempt, as for setns); `helper` as for verdict_alerts_nscall. */
void verdict_alerts_syscall(struct nsw_event *ev, bool helper);
/* Alerts for an exec (or snapshot) of a process; `helper` as above (no
 * alert at all). */
void verdict_alerts_exec(struct nsw_event *ev, const struct nsw_ns_set *host,
			 const char *argv0, bool helper);

#endif
