/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: mountwatch's reading of the host's mount table and of a
 * podman/CRI-O containers.json (doc/container-mapping.md R17).  The input
 * is the mount table text, then optionally a NUL byte and the text of
 * <root>/var/lib/containers/storage/overlay-containers/containers.json,
 * the store a mount at /var/lib/containers/storage/overlay/<layer>/merged
 * is looked up in.  The table is read twice (a second read at a later
 * time, which ends the first read's entries) and every device of it is
 * looked up. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "mountwatch.h"

static char root[64];
static char store[256];

static void cleanup(void)
{
	char dir[192];
	char *s;

	unlink(store);
	snprintf(dir, sizeof(dir), "%s/var/lib/containers/storage/"
		 "overlay-containers", root);
	while ((s = strrchr(dir, '/')) && (size_t)(s - dir) >= strlen(root)) {
		rmdir(dir);
		*s = '\0';
	}
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[192];

	(void)argc;
	(void)argv;
	snprintf(root, sizeof(root), "/tmp/nsw-fuzz-mountinfo.%ld",
		 (long)getpid());
	snprintf(dir, sizeof(dir), "%s/var/lib/containers/storage/"
		 "overlay-containers", root);
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		abort();
	for (char *s = dir + strlen(root) + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(dir, 0700);
		*s = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		abort();
	snprintf(store, sizeof(store), "%s/containers.json", dir);
	atexit(cleanup);
	return 0;
}

static void check(struct mountwatch_entry *e, void *arg)
{
	struct mountwatch *mw = arg;
	struct mountwatch_entry *f;

	/* ids and runtimes stay terminated; an id never carries a path
	 * separator into the state lookup */
	if (strnlen(e->id, sizeof(e->id)) == sizeof(e->id) ||
	    strnlen(e->runtime, sizeof(e->runtime)) == sizeof(e->runtime) ||
	    strchr(e->id, '/') || (e->until_ms && e->until_ms < e->since_ms))
		abort();
	if (mountwatch_lookup(mw, e->major, e->minor, e->since_ms + 1, &f) ==
	    1 && !f)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(data, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	struct mountwatch *mw;
	int fd;

	if (!root[0])
		LLVMFuzzerInitialize(NULL, NULL);
	unlink(store);
	if (nul) {
		fd = open(store, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			if (write(fd, nul + 1, size - tlen - 1) < 0)
				abort();
			close(fd);
		}
	}
	mw = mountwatch_new(NULL, root);
	if (!mw)
		return 0;
	mountwatch_update(mw, text, tlen, 1000);
	mountwatch_foreach(mw, check, mw);
	/* half of it gone at the next read */
	mountwatch_update(mw, text, tlen / 2, 2000);
	mountwatch_foreach(mw, check, mw);
	if (mountwatch_count(mw) > MOUNTWATCH_MAX)
		abort();
	mountwatch_free(mw);
	return 0;
}
