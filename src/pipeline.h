/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turns raw backend observations into schema events: keeps the process
 * cache, resolves containers, computes verdicts and alerts, filters, and
 * writes lines to the output.  Identical for every backend and replay.
 */
#ifndef NSWATCH_PIPELINE_H
#define NSWATCH_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "raw-event.h"
#include "stats.h"

struct pipeline;
struct output;

/* backend_name: "bpf", "audit", "replay".  live: /proc reflects the
 * events (false for replay).  Returns NULL with errno set. */
struct pipeline *pipeline_new(const struct nsw_options *o,
			      const char *backend_name, bool live,
			      struct output *out);
/* Seed the process cache from /proc (live backends). */
int pipeline_seed_procfs(struct pipeline *p);
/* Handle one raw event; 0 or -errno (the event is counted either way). */
int pipeline_handle(struct pipeline *p, const struct nsw_raw *raw);
/* Account losses reported by the backend (kernel lost, gaps, drops). */
void pipeline_add_stats(struct pipeline *p, const struct nsw_stats *delta);
struct nsw_stats *pipeline_stats(struct pipeline *p);
/* Emit a process_exec event (flags procFS) for every process in the
 * cache, in pid order: the `nswatch ps` snapshot. */
int pipeline_emit_snapshot(struct pipeline *p);
/* The host namespace reference, or NULL when unknown. */
struct host_ns;
const struct host_ns *pipeline_host(const struct pipeline *p);
/*
 * Host namespaces beyond the initial ones: every namespace of a host
 * (non-container) process at start (less the namespaces of containers'
 * init processes: a host process may have joined those), and those a host
 * process creates later.  A namespace a container process creates leaves
 * the set (its inode number may be a dead host namespace's).  Verdicts
 * treat them as the host's.
 */
struct inum_set;
const struct inum_set *pipeline_host_set(const struct pipeline *p);
/* fn(arg, inum, added) is called for every change of that set after this
 * call (the eBPF backend mirrors it into the kernel). */
void pipeline_set_host_set_hook(struct pipeline *p,
				void (*fn)(void *arg, uint32_t inum, bool added),
				void *arg);
/* fn(arg, st) gets the counters about once a second and with every
 * nswatch_stats line (the same figures as the line); st is borrowed. */
void pipeline_set_stats_hook(struct pipeline *p,
			     void (*fn)(void *arg, const struct nsw_stats *st),
			     void *arg);
/* `nswatch ps`: fn(arg, pr) gives the static exposure (exposure.h) of
 * container process pr's container, written into its snapshot event
 * (NULL: unknown; borrowed until the next call).  A non-zero `only`
 * keeps the snapshot to container processes with one of those flags. */
struct exposure_report;
struct nsw_process;
void pipeline_set_exposure(struct pipeline *p,
			   const struct exposure_report *(*fn)(void *arg,
						const struct nsw_process *pr),
			   void *arg, uint32_t only);
/* Use `pol` (borrowed, outlives p) for rule settings and allowlists. */
struct policy;
void pipeline_set_policy(struct pipeline *p, const struct policy *pol);
/* Write an `nswatch_stats` line now. */
int pipeline_emit_stats(struct pipeline *p);
/* Emit a monitor-tamper alert (audit disabled, rules removed, ...). */
int pipeline_tamper(struct pipeline *p, const char *message);
/* After a blind window (described by why, e.g. "audit rules were
 * missing from T1 to T2"): scan /proc for container processes in the
 * host mount namespace and report each as an escape.  Processes the
 * cache holds in the host mount namespace were reported when they got
 * there, and are skipped, unless all (the window was before this
 * nswatch started: its cache was filled from /proc, not from events).
 * Returns how many, or -errno. */
int pipeline_scan_escapes(struct pipeline *p, const char *why, bool all);
/* Emit events still waiting for namespace evidence (verdict unknown).
 * Call before the final stats; pipeline_free does it too. */
void pipeline_flush(struct pipeline *p);
void pipeline_free(struct pipeline *p);

/* Set from a SIGHUP handler: the output is reopened at the next tick. */
#include <signal.h>
extern volatile sig_atomic_t pipeline_hup;
/* Periodic work, called after each batch of records: output reopen after
 * SIGHUP, the periodic stats line, writing the batch's queued lines,
 * cache sweeps.  Backends call it at least once a second from their
 * event loop (cheap when nothing is due). */
void pipeline_tick(struct pipeline *p);
/*
 * The host's mount table, for a backend that cannot read the container
 * of a process gone before /proc is read (audit): poll() it for POLLPRI
 * and call pipeline_mount_changed() on each change, so that each
 * container's root file system device is learnt when it is mounted
 * (R17).  -1 when not live or the table cannot be opened.
 */
int pipeline_mount_fd(struct pipeline *p);
void pipeline_mount_changed(struct pipeline *p);

#endif
