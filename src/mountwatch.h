/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container root file systems by device, learnt from the host's mount
 * table when they are mounted (doc/container-mapping.md R17).
 *
 * A process gone before /proc could be read still names, in audit's exec
 * record, the device of the file it ran.  Each container runtime mounts
 * a container's root file system (an overlay, whose anonymous device is
 * its own) at a path that names the container:
 *   containerd, k3s   <...>/io.containerd.runtime.v2.task/<ns>/<id>/rootfs
 *   podman, CRI-O     <graphroot>/overlay/<layer>/merged, the layer's
 *                     container in <graphroot>/overlay-containers/
 *                     containers.json (volatile ones, `run --rm`, in
 *                     /run/containers/storage/overlay-containers/
 *                     volatile-containers.json)
 * The table keeps what each mount table read showed, with the window in
 * which the mount existed, for MOUNTWATCH_GRACE_MS after it is gone, so
 * that a record read late still finds the container of a short-lived
 * process.  A device reused by a later mount is told apart by the time
 * of the record; when two windows both hold it, nothing is named.
 *
 * No logging.  Not thread safe.
 */
#ifndef NSWATCH_MOUNTWATCH_H
#define NSWATCH_MOUNTWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"

#define MOUNTWATCH_MAX 2048		/* entries; more are counted */
#define MOUNTWATCH_GRACE_MS 60000	/* kept after the unmount */

struct mountwatch_entry {
	uint32_t major, minor;		/* st_dev of the root file system */
	char id[CONTAINER_ID_MAX];
	char runtime[16];		/* the layout's: containerd, podman,
					 * cri-o */
	uint64_t since_ms;	/* wall ms: mounted after this (0: before
				 * the first read) */
	uint64_t until_ms;	/* wall ms: unmounted before this; 0 while
				 * mounted */
	uint64_t gen;		/* last read that showed it */
	uint32_t mnt_hash;	/* of its mount point */
	void *user;		/* the caller's, released by the hook */
	uint64_t tried_ms;	/* the caller's: last look for its state */
};

struct mountwatch;

/*
 * A table reading the mount table `mountinfo` (a /proc/<pid>/mountinfo
 * of the host's mount namespace; NULL: none, for mountwatch_update()
 * alone), resolving storage layers under `rootdir` ("" or NULL: /).
 * NULL with errno set on failure.
 */
struct mountwatch *mountwatch_new(const char *mountinfo, const char *rootdir);
/* Called with each entry's `user` when the entry is dropped. */
void mountwatch_set_release(struct mountwatch *mw, void (*fn)(void *user));
/* The mount table's fd: poll() it for POLLPRI (a change), then
 * mountwatch_refresh().  -1 without one. */
int mountwatch_fd(const struct mountwatch *mw);
/* Read the mount table again at wall time now_ms.  Number of new
 * entries, or -errno. */
int mountwatch_refresh(struct mountwatch *mw, uint64_t now_ms);
/* The same from the text of a mount table (tests, replay). */
int mountwatch_update(struct mountwatch *mw, const char *text, size_t len,
		      uint64_t now_ms);
/*
 * The container whose root file system had device major:minor at wall
 * time at_ms: 1 with *out set, 0 when no entry has that device, -EEXIST
 * when entries of more than one container held it then (a device names
 * exactly one container, or none), -ENOENT when the device is known but
 * held by no entry at that time.
 */
int mountwatch_lookup(struct mountwatch *mw, uint32_t major, uint32_t minor,
		      uint64_t at_ms, struct mountwatch_entry **out);
/* The mounted entry of container `id`, or NULL. */
struct mountwatch_entry *mountwatch_by_id(struct mountwatch *mw,
					  const char *id);
/* Call fn for each entry (mounted or within its grace period). */
void mountwatch_foreach(struct mountwatch *mw,
			void (*fn)(struct mountwatch_entry *e, void *arg),
			void *arg);
size_t mountwatch_count(const struct mountwatch *mw);
/* Root file systems that did not fit in the table. */
uint64_t mountwatch_dropped(const struct mountwatch *mw);
void mountwatch_free(struct mountwatch *mw);

#endif
