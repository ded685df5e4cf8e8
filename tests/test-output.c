// SPDX-License-Identifier: GPL-2.0-or-later
/* Output: lines queued, written in order by output_flush, every loss
 * counted; the writer thread's queue never blocks the caller; the output
 * path is opened safely; a cut line is taken back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "tap.h"

static size_t count_nl(const char *buf, size_t len)
{
	size_t n = 0, i;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

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


/* A numbered line of exactly 100 bytes. */
static size_t line100(char *buf, unsigned long n)
{
	return (size_t)snprintf(buf, 101, "{\"n\":%08lu,\"pad\":\"%076d\"}\n",
				n, 0);
}

/* Every line in buf is a line100 and they are numbered from 0 on. */
static bool whole_lines_from_0(const char *buf, size_t len)
{
	char want[128];
	size_t off;

	if (len % 100)
		return false;
	for (off = 0; off < len; off += 100) {
		line100(want, off / 100);
		if (memcmp(buf + off, want, 100))
			return false;
	}
	return true;
}

/* The path: symbolic links, modes, owners, hard links. */
static void test_open_safely(const char *dir)
{
	char path[160], sym[160], hard[160], fifo[160];
	struct output *out;
	struct stat st;

	snprintf(path, sizeof(path), "%s/safe.json", dir);
	snprintf(sym, sizeof(sym), "%s/link.json", dir);
	snprintf(hard, sizeof(hard), "%s/hard.json", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);

	umask(0);
	out = output_open(path);
	umask(022);
	ok(out && stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	   "a new output file is created 0600 (even with umask 0)");
	output_close(out);

	/* a symbolic link planted at the path: refused, target untouched */
	if (symlink(path, sym) == 0) {
		errno = 0;
		out = output_open(sym);
		ok(!out && errno == ELOOP,
		   "a symbolic link at the output path is refused (ELOOP)");
		output_close(out);
		is_int(file_size(path), 0, "...and its target is not written");
	} else {
		ok(0, "symlink: %s", strerror(errno));
	}

	chmod(path, 0620);
	errno = 0;
	out = output_open(path);
	ok(!out && errno == EPERM, "a group-writable output file is refused");
	output_close(out);
	chmod(path, 0640);
	out = output_open(path);
	ok(out != NULL, "a file readable by its group is taken");
	output_close(out);

	if (link(path, hard) == 0) {
		errno = 0;
		out = output_open(path);
		ok(!out && errno == EPERM,
		   "a file with a second hard link is refused");
		output_close(out);
		unlink(hard);
	} else {
		ok(0, "link: %s", strerror(errno));
	}

	if (geteuid() == 0) {
		if (chown(path, 65534, 65534) == 0) {
			errno = 0;
			out = output_open(path);
			ok(!out && errno == EPERM,
			   "a file owned by another user is refused");
			output_close(out);
		} else {
			ok(0, "chown: %s", strerror(errno));
		}
		if (mkfifo(fifo, 0600) == 0 && chown(fifo, 65534, 65534) == 0) {
			int rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

			errno = 0;
			out = output_open(fifo);
			ok(!out && errno == EPERM,
			   "a FIFO owned by another user is refused");
			output_close(out);
			if (rfd >= 0)
				close(rfd);
			/* nobody reads it now: refused at once, not waited
			 * on (SIGALRM ends the test if the open blocks) */
			alarm(10);
			errno = 0;
			out = output_open(fifo);
			alarm(0);
			ok(!out && errno == EPERM,
			   "a FIFO of another user that nobody reads is "
			   "refused without blocking");
			output_close(out);
		} else {
			ok(0, "mkfifo: %s", strerror(errno));
		}
	} else {
		skip("not root: cannot make files owned by another user");
		skip("not root: cannot make files owned by another user");
	}
	out = output_open("/dev/null");
	ok(out != NULL, "a character device is taken as it is");
	output_close(out);
	unlink(path);
	unlink(sym);
	unlink(fifo);
}

/*
 * A file size limit cuts a write short, then fails the next (EFBIG): the
 * part of a line that went in is taken back, so the file holds whole lines
 * and the next line starts on its own.  threaded: through the writer.
 */
static void test_cut_line(const char *dir, bool threaded)
{
	const char *how = threaded ? "writer thread" : "synchronous";
	char path[160], line[128];
	struct rlimit old, lim;
	struct output *out;
	size_t len = 0, i;
	char *got;

	snprintf(path, sizeof(path), "%s/cut-%d.json", dir, threaded);
	out = output_open(path);
	if (!out || getrlimit(RLIMIT_FSIZE, &old) < 0) {
		ok(0, "%s: open %s", how, path);
		output_close(out);
		return;
	}
	if (threaded)
		output_start_writer(out, 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1050;	/* ten lines and half of the next */
	setrlimit(RLIMIT_FSIZE, &lim);
	for (i = 0; i < 20; i++)
		output_write(out, line, line100(line, i));
	output_flush(out);
	if (threaded)
		output_finish(out);
	setrlimit(RLIMIT_FSIZE, &old);
	got = tap_slurp(path, &len);
	ok(got && len == 1000 && whole_lines_from_0(got, len),
	   "%s: EFBIG after a short write: the cut line is taken back "
	   "(%zu bytes, whole lines)", how, len);
	free(got);
	is_int(output_errors(out), 10, "%s: the 10 lines not written, the cut "
	       "one included, count as lost", how);
	if (threaded)
		output_start_writer(out, 0);
	output_write(out, line, line100(line, 10));
	output_close(out);
	got = tap_slurp(path, &len);
	ok(got && len == 1100 && whole_lines_from_0(got, len),
	   "%s: the next line starts on a line of its own", how);
	free(got);
	unlink(path);
}

/* Lines written to a FIFO, 100 bytes each, flushed every 10; returns how
 * many of them output_write took. */
static size_t fill(struct output *out, unsigned long *seq, size_t n,
		   bool important, size_t *refused)
{
	char line[128];
	size_t i, taken = 0;

	for (i = 0; i < n; i++) {
		if (important)
			snprintf(line, sizeof(line), "{\"n\":%08lu,\"alert\":"
				 "\"%074d\"}\n", (*seq)++, 0);
		else
			line100(line, (*seq)++);
		if ((important ? output_write_important(out, line, 100)
			       : output_write(out, line, 100)) == 0)
			taken++;
		else
			(*refused)++;
		if (i % 10 == 9)
			output_flush(out);
	}
	output_flush(out);
	return taken;
}

/*
 * The reader of a FIFO stops reading: the caller is never held up, lines
 * are dropped and counted, alerts only once their reserve is full, and
 * output_finish returns anyway, counting what was still queued.  Every
 * line is either read, or counted.
 */
static void test_stuck_reader(const char *dir)
{
	char fifo[160], *buf;
	unsigned long seq = 0;
	size_t refused = 0, arefused = 0, total, nl = 0;
	struct output *out;
	ssize_t n;
	int rfd;

	snprintf(fifo, sizeof(fifo), "%s/stuck", dir);
	if (mkfifo(fifo, 0600) < 0 ||
	    (rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		ok(0, "FIFO: %s", strerror(errno));
		return;
	}
	out = output_open(fifo);
	if (!out || output_start_writer(out, 256 << 10) < 0) {
		ok(0, "writer on a FIFO: %s", strerror(errno));
		close(rfd);
		return;
	}
	alarm(60);	/* a writer that never lets go fails, not hangs */
	fill(out, &seq, 10000, false, &refused);
	ok(refused > 0 && output_dropped(out) == refused,
	   "a reader that does not read: %zu of 10000 lines dropped, all "
	   "counted", refused);
	is_int(output_dropped_important(out), 0, "...none of them important");
	is_int(fill(out, &seq, 100, true, &arefused), 100,
	   "alert lines still go into the reserve kept for them");
	fill(out, &seq, 1000, true, &arefused);
	ok(arefused > 0 && output_dropped_important(out) == arefused,
	   "once the reserve is full too, alerts are dropped and counted "
	   "(%zu)", arefused);
	total = seq;
	output_finish(out);
	alarm(0);
	ok(1, "output_finish returns while the reader still does not read");
	buf = malloc(1 << 20);
	while (buf && (n = read(rfd, buf, 1 << 20)) > 0) {
		nl += count_nl(buf, (size_t)n);
	}
	free(buf);
	ok(nl > 0 && nl + output_dropped(out) == total &&
	   output_errors(out) == 0,
	   "every line is read (%zu) or counted dropped (%llu), %zu in all",
	   nl, (unsigned long long)output_dropped(out), total);
	close(rfd);

	/* the reader goes away: EPIPE, every line counted lost */
	rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	output_close(out);
	out = output_open(fifo);
	if (rfd >= 0)
		close(rfd);
	if (out && output_start_writer(out, 0) == 0) {
		signal(SIGPIPE, SIG_IGN);
		seq = refused = 0;
		fill(out, &seq, 50, false, &refused);
		output_finish(out);
		is_int(output_errors(out), 50,
		       "the reader gone (EPIPE): the 50 lines count as lost");
	} else {
		ok(0, "reopen the FIFO: %s", strerror(errno));
	}
	output_close(out);
	unlink(fifo);
}

/* With the writer thread: everything in order, big lines, rotation. */
static void test_writer(const char *dir)
{
	char path[160], old[160], line[128];
	size_t wlen = 0, i;
	struct output *out;
	char *want = malloc(2 << 20), *big = malloc(100000);
	int r;

	snprintf(path, sizeof(path), "%s/thr.json", dir);
	snprintf(old, sizeof(old), "%s/thr.json.1", dir);
	out = output_open(path);
	if (!out || !want || !big || output_start_writer(out, 4 << 20) < 0) {
		ok(0, "writer thread on a file");
		goto out;
	}
	for (i = 0; i < 10000; i++) {
		size_t n = line100(line, i);

		output_write(out, line, n);
		memcpy(want + wlen, line, n);
		wlen += n;
		if (i % 300 == 0)
			output_flush(out);
	}
	memset(big, 'x', 100000);
	big[100000 - 1] = '\n';
	output_write(out, big, 100000);
	memcpy(want + wlen, big, 100000);
	wlen += 100000;
	output_write(out, "last of old\n", 12);
	memcpy(want + wlen, "last of old\n", 12);
	wlen += 12;
	output_flush(out);
	r = rename(path, old);
	is_int(output_reopen(out), 1, "the writer thread reopens the file");
	output_write(out, "first of new\n", 13);
	output_close(out);
	ok(r == 0 && file_is(old, want, wlen),
	   "10000 lines, one of 100000 bytes, all written in order before "
	   "the reopen");
	ok(file_is(path, "first of new\n", 13),
	   "...and the line after it in the new file");
out:
	free(want);
	free(big);
	unlink(path);
	unlink(old);
}

static long rss_kb(void)
{
	char l[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(l, sizeof(l), f))
		if (sscanf(l, "VmRSS: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* Read what the FIFO has until `want' newlines came; false at a 30 s
 * bound. */
static bool drain_lines(int rfd, char *buf, size_t want)
{
	size_t got = 0;
	ssize_t n;
	int i;

	for (i = 0; i < 30000 && got < want; ) {
		n = read(rfd, buf, 1 << 20);
		if (n > 0) {
			got += count_nl(buf, (size_t)n);
			continue;
		}
		usleep(1000);
		i++;
	}
	return got >= want;
}

/* After a burst, once the writer has caught up, the queue's pages past
 * the first MiB are given back: RSS falls again. */
static void test_queue_release(const char *dir)
{
	char fifo[160], line[128], *buf = malloc(1 << 20);
	long before, burst, after = -1;
	size_t i, lines = 0;
	struct output *out;
	int rfd;

	snprintf(fifo, sizeof(fifo), "%s/release", dir);
	if (!buf || mkfifo(fifo, 0600) < 0 ||
	    (rfd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		ok(0, "FIFO for the release test: %s", strerror(errno));
		free(buf);
		return;
	}
	out = output_open(fifo);
	if (!out || output_start_writer(out, 16 << 20) < 0) {
		ok(0, "writer thread for the release test");
		close(rfd);
		free(buf);
		return;
	}
	alarm(60);
	before = rss_kb();
	/* 8 MB while nobody reads: the writer is stuck on the full pipe */
	for (i = 0; i < 80000; i++) {
		output_write(out, line, line100(line, i));
		lines++;
	}
	output_flush(out);
	burst = rss_kb();
	ok(burst - before >= 6000,
	   "an 8 MB burst takes the queue's pages (%ld -> %ld kB)", before,
	   burst);
	ok(drain_lines(rfd, buf, lines), "the burst is written once read");
	/* the first line after the writer caught up gives the pages back
	 * (the writer takes the bytes off the queue just after its write) */
	for (i = 0; i < 1000; i++) {
		output_write(out, "x\n", 2);
		output_flush(out);
		drain_lines(rfd, buf, 1);
		usleep(1000);
		after = rss_kb();
		if (after < burst - 4096)
			break;
	}
	ok(after >= 0 && after < burst - 4096,
	   "...and given back once written (%ld kB after)", after);
	output_close(out);
	alarm(0);
	close(rfd);
	unlink(fifo);
	free(buf);
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

	test_open_safely(dir);
	test_cut_line(dir, false);
	test_cut_line(dir, true);
	test_stuck_reader(dir);
	test_writer(dir);
	test_queue_release(dir);
	rmdir(dir);

	test_write_behind();
	return done_testing();
}
