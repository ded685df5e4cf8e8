// SPDX-License-Identifier: GPL-2.0-or-later
/* Output: lines queued, written in order by output_flush, every loss
 * counted. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	return done_testing();
}
