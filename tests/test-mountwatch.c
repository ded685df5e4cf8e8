/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Container root file systems by device from mount tables (R17): which
 * mounts name which container, the time window of each, a reused
 * device, a device two containers hold, the bound on the table.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mountwatch.h"
#include "tap.h"

#define CD "/run/containerd/io.containerd.runtime.v2.task"
#define ID_A "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
#define ID_B "bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222"
#define ROOT "25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
#define OVL(id, dev, mnt) id " 25 " dev " / " mnt \
	" rw,relatime shared:9 - overlay overlay rw,lowerdir=/l,upperdir=/u\n"

static int released;

static void count_release(void *user)
{
	released += user != NULL;
}

static const char *id_of(struct mountwatch *mw, unsigned int maj,
			 unsigned int min, uint64_t at, int *rc)
{
	struct mountwatch_entry *e = NULL;

	*rc = mountwatch_lookup(mw, maj, min, at, &e);
	return *rc == 1 ? e->id : "";
}

static int update(struct mountwatch *mw, const char *text, uint64_t now)
{
	return mountwatch_update(mw, text, strlen(text), now);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void containerd(void)
{
	struct mountwatch *mw = mountwatch_new(NULL, "");
	struct mountwatch_entry *e = NULL;
	int rc;

	mountwatch_set_release(mw, count_release);
	is_int(update(mw, ROOT
		      OVL("30", "0:51", CD "/k8s.io/" ID_A "/rootfs")
		      /* not overlay: a directory bound there shares the
		       * device of the host's disk */
		      "31 25 8:1 /snap/1 " CD "/k8s.io/ctr-b/rootfs rw - ext4 /dev/sda1 rw\n"
		      /* overlay, but not a runtime's root file system */
		      OVL("32", "0:53", "/mnt/rootfs")
		      OVL("33", "0:54", CD "/k8s.io/" ID_A "/rootfs/proc")
		      /* an id that is not a name, escaped */
		      OVL("34", "0:55", CD "/k8s.io/a\\040b/rootfs")
		      OVL("35", "0:56", CD "/../x/rootfs")
		      "garbage\n36 25\n", 1000), 1,
	       "one containerd root file system among the mounts");
	is_str(id_of(mw, 0, 51, 1500, &rc), ID_A, "its device names it");
	mountwatch_lookup(mw, 0, 51, 1500, &e);
	is_str(e ? e->runtime : "", "containerd", "runtime containerd");
	is_int(e ? (int)e->since_ms : -1, 0, "mounted before the first read");
	is_int(mountwatch_lookup(mw, 8, 1, 1500, &e), 0,
	       "a bound directory on the host's disk names nothing");
	is_int(mountwatch_lookup(mw, 0, 53, 1500, &e), 0,
	       "an overlay elsewhere names nothing");
	is_int(mountwatch_lookup(mw, 0, 55, 1500, &e), 0,
	       "an unsafe id is not taken");
	is_int(mountwatch_lookup(mw, 0, 56, 1500, &e), 0,
	       "a path with .. is not taken");
	is_int((int)mountwatch_count(mw), 1, "one entry");
	ok(mountwatch_by_id(mw, ID_A) != NULL, "found by id while mounted");

	/* unmounted at the read of 2000, B mounted on the reused device
	 * by the read of 3000 */
	is_int(update(mw, ROOT, 2000), 0, "unmounted: nothing new");
	ok(mountwatch_by_id(mw, ID_A) == NULL, "not by id once unmounted");
	is_str(id_of(mw, 0, 51, 1999, &rc), ID_A,
	       "a record of before the unmount still finds it");
	is_str(id_of(mw, 0, 51, 0, &rc), ID_A, "so does one of no time");
	id_of(mw, 0, 51, 2500, &rc);
	is_int(rc, -ENOENT, "a record of after the unmount does not");
	is_int(update(mw, ROOT OVL("40", "0:51", CD "/default/" ID_B "/rootfs"),
		      3000), 1, "the device reused by another container");
	is_str(id_of(mw, 0, 51, 2500, &rc), ID_B,
	       "a record of after the first read without A is B's");
	is_str(id_of(mw, 0, 51, 1500, &rc), ID_A,
	       "one of while A was mounted is A's");
	id_of(mw, 0, 51, 2000, &rc);
	is_int(rc, -EEXIST, "one of the moment both windows hold is nobody's");
	id_of(mw, 0, 51, 0, &rc);
	is_int(rc, -EEXIST, "nor is one of no time");

	/* the same device at two containers' paths at once (a bind mount
	 * of B's root file system) names neither */
	update(mw, ROOT OVL("40", "0:51", CD "/default/" ID_B "/rootfs")
		   OVL("41", "0:51", CD "/k8s.io/" ID_A "/rootfs"), 4000);
	id_of(mw, 0, 51, 4500, &rc);
	is_int(rc, -EEXIST, "a device at two containers' paths names neither");

	/* the grace period */
	update(mw, ROOT, 5000);
	is_int(released, 0, "nothing released within the grace period");
	update(mw, ROOT, 5000 + MOUNTWATCH_GRACE_MS);
	is_int((int)mountwatch_count(mw), 0, "all expired after it");
	mountwatch_free(mw);
}

static void storage(const char *dir)
{
	char path[4096];
	struct mountwatch *mw = mountwatch_new(NULL, dir);
	struct mountwatch_entry *e = NULL;
	int rc;

	snprintf(path, sizeof(path), "mkdir -p %s/var/lib/containers/storage/"
		 "overlay-containers %s/run/containers/storage/"
		 "overlay-containers", dir, dir);
	if (system(path) != 0)
		diag("mkdir failed");
	snprintf(path, sizeof(path), "%s/var/lib/containers/storage/"
		 "overlay-containers/containers.json", dir);
	write_file(path, "[{\"id\":\"" ID_A "\",\"layer\":\"L1\","
		   "\"metadata\":\"{\\\"image-name\\\":\\\"x\\\"}\"},"
		   "{\"id\":\"" ID_B "\",\"layer\":\"L2\","
		   "\"metadata\":\"{\\\"pod-name\\\":\\\"p\\\"}\"},"
		   "{\"id\":\"../evil\",\"layer\":\"L3\"}]");
	snprintf(path, sizeof(path), "%s/run/containers/storage/"
		 "overlay-containers/volatile-containers.json", dir);
	write_file(path, "[{\"id\":\"c0ffee\",\"layer\":\"L4\"}]");
	is_int(update(mw, ROOT
		      OVL("50", "0:60", "/var/lib/containers/storage/overlay/L1/merged")
		      OVL("51", "0:61", "/var/lib/containers/storage/overlay/L2/merged")
		      OVL("52", "0:62", "/var/lib/containers/storage/overlay/L3/merged")
		      OVL("53", "0:63", "/var/lib/containers/storage/overlay/L4/merged")
		      OVL("54", "0:64", "/var/lib/containers/storage/overlay/L9/merged"),
		      100), 3, "three storage layers of containers");
	is_str(id_of(mw, 0, 60, 0, &rc), ID_A, "podman's layer names it");
	mountwatch_lookup(mw, 0, 60, 0, &e);
	is_str(e ? e->runtime : "", "podman", "runtime podman");
	is_str(id_of(mw, 0, 61, 0, &rc), ID_B, "CRI-O's names its container");
	mountwatch_lookup(mw, 0, 61, 0, &e);
	is_str(e ? e->runtime : "", "cri-o", "runtime cri-o (a pod name)");
	is_int(mountwatch_lookup(mw, 0, 62, 0, &e), 0, "an unsafe id is not taken");
	is_str(id_of(mw, 0, 63, 0, &rc), "c0ffee",
	       "a volatile container (run --rm) is found");
	is_int(mountwatch_lookup(mw, 0, 64, 0, &e), 0,
	       "a layer of no container (an image's) names nothing");
	mountwatch_free(mw);
}

static void bounded(void)
{
	struct mountwatch *mw = mountwatch_new(NULL, "");
	size_t cap = (MOUNTWATCH_MAX + 5) * 200, n = 0;
	char *text = malloc(cap);
	int i;

	for (i = 0; text && i < MOUNTWATCH_MAX + 5; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "%d 25 0:%d / " CD "/k8s.io/c%d/rootfs rw"
				      " - overlay overlay rw\n", 100 + i, 1000 + i, i);
	is_int(text ? mountwatch_update(mw, text, n, 10) : -1, MOUNTWATCH_MAX,
	       "the table holds %d", MOUNTWATCH_MAX);
	is_int((int)mountwatch_dropped(mw), 5, "the rest are counted");
	/* unmounted ones make room for new ones */
	is_int(update(mw, OVL("9", "0:9", CD "/k8s.io/new/rootfs"), 20), 1,
	       "a new one finds room once the others are unmounted");
	free(text);
	mountwatch_free(mw);
}

static void from_file(const char *dir)
{
	char path[4096];
	struct mountwatch *mw;
	int rc;

	snprintf(path, sizeof(path), "%s/mountinfo", dir);
	write_file(path, ROOT OVL("30", "0:51", CD "/k8s.io/" ID_A "/rootfs"));
	mw = mountwatch_new(path, "");
	ok(mw && mountwatch_fd(mw) >= 0, "a mount table file opens");
	is_int(mw ? mountwatch_refresh(mw, 10) : -1, 1, "and is read");
	is_int(mw ? mountwatch_refresh(mw, 20) : -1, 0, "and read again");
	is_str(mw ? id_of(mw, 0, 51, 15, &rc) : "", ID_A, "its mount found");
	mountwatch_free(mw);
	ok(mountwatch_new("/nonexistent/mountinfo", "") == NULL,
	   "a missing table is an error");
	/* the real one parses */
	mw = mountwatch_new("/proc/self/mountinfo", "");
	ok(mw && mountwatch_refresh(mw, 1) >= 0, "/proc/self/mountinfo reads");
	mountwatch_free(mw);
}

int main(void)
{
	char dir[] = "/tmp/nsw-mountwatch.XXXXXX";
	char cmd[128];

	if (!mkdtemp(dir)) {
		skip_all("no temporary directory");
		return 0;
	}
	containerd();
	storage(dir);
	bounded();
	from_file(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	return done_testing();
}
