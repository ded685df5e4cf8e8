// SPDX-License-Identifier: GPL-2.0-or-later
/* Output: lines queued, written in order by output_flush, every loss
 * counted. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "tap.h"

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static bool file_is(const char *path, const char *want, size_t wlen)
{
	size_t len = 0;
	char *got = tap_slurp(path, &len);
	bool same = got && len == wlen && !memcmp(got, want, wlen);

	free(got);
	return same;
}

/* Pages of path's [from, to) byte range in the page cache (whole pages
 * only), or -1. */
static long resident_pages(const char *path, off_t from, off_t to)
{
	long psz = sysconf(_SC_PAGESIZE), n = 0;
	off_t first = (from + psz - 1) / psz, last = to / psz, i;
	unsigned char *vec;
	off_t size = file_size(path);
	void *map;
	int fd;

	if (size <= 0 || last <= first)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	map = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	vec = calloc((size_t)(size / psz + 1), 1);
	if (!vec || mincore(map, (size_t)size, vec) < 0) {
		n = -1;
	} else {
		for (i = first; i < last; i++)
			n += vec[i] & 1;
	}
	free(vec);
	munmap(map, (size_t)size);
	return n;
}

/* Write `bytes' of numbered lines and flush; appends them to want. */
static void write_lines(struct output *out, size_t bytes, char *want,
			size_t *wlen)
{
	char line[128];
	size_t done = 0;
	static unsigned long seq;

	while (done < bytes) {
		int n = snprintf(line, sizeof(line), "{\"line\":%lu,\"pad\":"
				 "\"%060d\"}\n", seq++, 0);

		output_write(out, line, (size_t)n);
		memcpy(want + *wlen, line, (size_t)n);
		*wlen += (size_t)n;
		done += (size_t)n;
	}
	output_flush(out);
}

static void sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		fdatasync(fd);
		close(fd);
	}
}

/* Whether the file system under dir keeps written pages in the page cache
 * and drops them on POSIX_FADV_DONTNEED once they are on disk (not tmpfs,
 * ramfs, 9p, ZFS, ...).  NULL when it does, else why not. */
static const char *fs_drops_pages(const char *dir)
{
	static char buf[1 << 20];
	char path[96];
	const char *why = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/probe", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return "cannot create a file in the build tree";
	memset(buf, 'p', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    fdatasync(fd) < 0)
		why = "cannot write a file in the build tree";
	else if (resident_pages(path, 0, sizeof(buf)) <= 0)
		why = "the build tree's file system keeps no written pages in "
		      "the page cache";
	else if (posix_fadvise(fd, 0, sizeof(buf), POSIX_FADV_DONTNEED) ||
		 resident_pages(path, 0, sizeof(buf)) != 0)
		why = "the build tree's file system does not drop pages on "
		      "POSIX_FADV_DONTNEED (tmpfs?)";
	close(fd);
	unlink(path);
	return why;
}

/* Whole 2 MiB blocks below off: a large folio that straddles a range end
 * is dropped with the later range. */
static off_t below_folio(off_t off)
{
	return off & ~(off_t)((2 << 20) - 1);
}

/*
 * Write-behind: every `flush_after' bytes the range just written goes to
 * writeback and the range handed over the time before that, on disk by
 * then, leaves the page cache.  Here the test makes "on disk by then"
 * certain with fdatasync, so the check does not depend on the disk's
 * speed.  Runs in the build tree, whose file system must drop pages.
 */
static void test_write_behind(void)
{
	const size_t chunk = 4 << 20;
	char dir[] = "nsw-test-wb.XXXXXX";
	char path[64], path2[64];
	size_t wlen = 0, wlen2 = 0;
	char *want = malloc(8 * chunk), *want2 = malloc(8 * chunk);
	const char *why;
	struct output *out;
	off_t p1, p2;

	if (!want || !want2 || !mkdtemp(dir)) {
		ok(0, "write-behind: temporary directory in the build tree");
		free(want);
		free(want2);
		return;
	}
	snprintf(path, sizeof(path), "%s/wb.json", dir);
	snprintf(path2, sizeof(path2), "%s/keep.json", dir);
	why = fs_drops_pages(dir);
	if (why) {
		skip(why);
		goto out;
	}

	out = output_open(path);
	if (!out) {
		ok(0, "write-behind: open %s: %s", path, strerror(errno));
		goto out;
	}
	output_set_flush_after(out, chunk);
	write_lines(out, chunk, want, &wlen);	/* hands [0, p1) over */
	p1 = file_size(path);
	sync_file(path);			/* ...and it is on disk */
	write_lines(out, chunk, want, &wlen);	/* hands [p1, p2) over */
	p2 = file_size(path);
	ok(resident_pages(path, 0, below_folio(p1)) > 0,
	   "the range handed over last time is not dropped yet (it may "
	   "still be under writeback)");
	sync_file(path);
	write_lines(out, chunk, want, &wlen);	/* drops [0, p1) */
	is_int(resident_pages(path, 0, below_folio(p1)), 0,
	       "once on disk, a range is dropped from the page cache two "
	       "handovers later");
	ok(resident_pages(path, p1 + 4096, p2 - 4096) > 0,
	   "the newer lines stay cached");
	sync_file(path);
	write_lines(out, chunk / 2, want, &wlen);	/* below the threshold */
	ok(resident_pages(path, p1 + 4096, p2 - 4096) > 0,
	   "nothing is dropped before flush_after more bytes are written");

	/* copytruncate: the file shrinks under the writer */
	if (truncate(path, 0) == 0) {
		wlen = 0;
		write_lines(out, 2 * chunk, want, &wlen);
		sync_file(path);
		write_lines(out, 2 * chunk, want, &wlen);
		is_int(resident_pages(path, 0, (off_t)chunk), 0,
		       "after a truncation write-behind drops from the new "
		       "start");
		ok(file_is(path, want, wlen),
		   "...and lines are appended from the start");
	} else {
		ok(0, "truncate: %s", strerror(errno));
	}
	is_int(output_errors(out), 0, "write-behind loses nothing");
	output_close(out);
	ok(file_is(path, want, wlen), "every line is in the file, in order");

	/* the same writes with write-behind off keep everything cached */
	out = output_open(path2);
	if (out) {
		output_set_flush_after(out, 0);
		write_lines(out, chunk, want2, &wlen2);
		p1 = file_size(path2);
		sync_file(path2);
		write_lines(out, chunk, want2, &wlen2);
		sync_file(path2);
		write_lines(out, chunk, want2, &wlen2);
		ok(resident_pages(path2, 0, below_folio(p1)) > 0,
		   "with --output-flush-after 0 written pages stay cached");
		output_close(out);
		ok(file_is(path2, want2, wlen2), "...and the file is whole");
	} else {
		ok(0, "open %s: %s", path2, strerror(errno));
	}

	/* not a regular file: no write-behind, no error */
	out = output_open("/dev/null");
	if (out) {
		output_set_flush_after(out, 4096);
		wlen2 = 0;
		write_lines(out, 3 * 4096, want2, &wlen2);
		is_int(output_errors(out), 0,
		       "a character device takes lines without write-behind");
		output_close(out);
	}
out:
	unlink(path);
	unlink(path2);
	rmdir(dir);
	free(want);
	free(want2);
}

int main(void)
{
	char dir[] = "/tmp/nsw-test-output.XXXXXX";
	char path[128], old[160], line[64];
	struct output *out;
	char *want, *big;
	size_t wlen = 0, i;
	int r;

	if (!mkdtemp(dir)) {
		skip_all("cannot make a temporary directory");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/events.json", dir);
	snprintf(old, sizeof(old), "%s/events.json.1", dir);

	out = output_open(path);
	ok(out != NULL, "output opened");
	if (!out)
		return done_testing();
	output_write(out, "a\n", 2);
	output_write(out, "b\n", 2);
	is_int(file_size(path), 0, "lines are queued, not written one by one");
	is_int(output_flush(out), 0, "flush succeeds");
	ok(file_is(path, "a\nb\n", 4), "flush writes the queued lines in order");
	is_int(output_flush(out), 0, "flush with nothing queued is a no-op");
	ok(file_is(path, "a\nb\n", 4), "...and writes nothing twice");

	/* more than the buffer holds: written as it fills, order kept */
	want = malloc(300000);
	big = malloc(100001);
	if (!want || !big)
		return done_testing();
	memcpy(want, "a\nb\n", 4);
	wlen = 4;
	for (i = 0; i < 10000; i++) {
		int n = snprintf(line, sizeof(line), "line %zu\n", i);

		output_write(out, line, (size_t)n);
		memcpy(want + wlen, line, (size_t)n);
		wlen += (size_t)n;
	}
	ok(file_size(path) > 4, "a full buffer is written before the flush");
	memset(big, 'x', 100000);
	big[100000 - 1] = '\n';
	output_write(out, "before big\n", 11);
	memcpy(want + wlen, "before big\n", 11);
	wlen += 11;
	output_write(out, big, 100000);
	memcpy(want + wlen, big, 100000);
	wlen += 100000;
	output_write(out, "after big\n", 10);
	memcpy(want + wlen, "after big\n", 10);
	wlen += 10;
	output_flush(out);
	ok(file_is(path, want, wlen),
	   "10000 lines and one larger than the buffer, all in order");
	is_int(output_errors(out), 0, "no errors counted");

	/* reopen (logrotate): queued lines go to the file they were for */
	output_write(out, "last of old\n", 12);
	if (rename(path, old) == 0) {
		is_int(output_reopen(out), 0, "reopened after rotation");
		output_write(out, "first of new\n", 13);
		output_close(out);
		ok(file_size(old) == (off_t)wlen + 12,
		   "lines queued before the reopen went to the old file");
		ok(file_is(path, "first of new\n", 13),
		   "close writes what is queued to the new file");
	} else {
		ok(0, "rename for the rotation test: %s", strerror(errno));
		output_close(out);
	}

	/* a write error loses lines: every one is counted */
	out = output_open("/dev/full");
	ok(out != NULL, "/dev/full opened");
	if (out) {
		for (i = 0; i < 5; i++)
			output_write(out, "lost\n", 5);
		r = output_flush(out);
		is_int(r, -ENOSPC, "flush reports the write error");
		is_int(output_errors(out), 5, "the 5 queued lines count as lost");
		output_write(out, big, 100000);
		is_int(output_errors(out), 6,
		       "a line written on its own that fails counts too");
		output_close(out);
	}

	free(want);
	free(big);
	unlink(path);
	unlink(old);
	rmdir(dir);

	test_write_behind();
	return done_testing();
}
