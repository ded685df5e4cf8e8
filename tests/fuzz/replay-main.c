/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Corpus replay driver shared by every fuzz target, so each crash found
 * by libFuzzer stays a regression test in the plain `make check`.
 *
 * How to use it for a new target NAME:
 *   1. Write tests/fuzz/fuzz-NAME.c defining
 *        int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
 *      (include "fuzz.h" for the prototype; LLVMFuzzerInitialize is
 *      optional and called if defined).
 *   2. Put seed inputs in tests/fuzz/corpus/NAME/ (one input per file;
 *      dot files are ignored).
 *   3. In Makefile.am, inside your block:
 *        check_PROGRAMS += tests/fuzz/fuzz-NAME-replay
 *        tests_fuzz_fuzz_NAME_replay_SOURCES = tests/fuzz/fuzz-NAME.c \
 *                tests/fuzz/replay-main.c tests/fuzz/fuzz.h
 *        tests_fuzz_fuzz_NAME_replay_LDADD = $(TEST_LDADD)
 *        TESTS += tests/fuzz/fuzz-NAME-replay
 *        EXTRA_DIST += tests/fuzz/corpus/NAME
 *   4. Add NAME to FUZZ_NAMES and a libFuzzer program for it to the
 *      fuzzing block of Makefile.am.  For real fuzzing configure a
 *      separate tree with --enable-fuzzing (clang) and run
 *        make fuzz FUZZ_SECONDS=120 FUZZ_TARGETS=NAME
 *      which merges what it finds into the corpus and leaves any crash
 *      input in tests/fuzz/artifacts/ (tests/fuzz/run-fuzz.sh).
 *
 * Which inputs are replayed, first match wins:
 *   - the command-line arguments (files or directories);
 *   - $FUZZ_CORPUS, a ':'-separated list of files or directories;
 *   - $top_srcdir/tests/fuzz/corpus/<NAME>, where NAME is the program's
 *     basename without a leading "lt-" and "fuzz-" and a trailing
 *     "-replay" (fuzz-cgroup-replay -> cgroup).  top_srcdir defaults to
 *     "." and is exported by `make check`.
 *
 * Output is TAP: one test per input file ("ok N - replay FILE").  An
 * input that crashes the target aborts the program, which the TAP driver
 * reports as a failure; a missing or empty corpus is a failure too.
 * Each input is passed in a buffer of exactly its size (no terminating
 * NUL), so AddressSanitizer builds catch over-reads.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* libFuzzer's own default is 4 KiB; corpora here stay far below this. */
#define REPLAY_MAX_INPUT (16u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int n_tests, n_fail;

static void tap(int pass, const char *what, const char *path)
{
	printf("%s %d - %s %s\n", pass ? "ok" : "not ok", ++n_tests, what,
	       path);
	fflush(stdout);
	if (!pass)
		n_fail++;
}

static int read_input(const char *path, unsigned char **data, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > REPLAY_MAX_INPUT) {
		close(fd);
		return -EINVAL;
	}
	/* malloc(0) may return NULL; keep one spare byte, never passed */
	buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + off, (size_t)st.st_size - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	close(fd);
	*data = buf;
	*size = off;
	return 0;
}

static void replay_file(const char *path)
{
	unsigned char *data = NULL, *exact;
	size_t size = 0;
	int rc;

	rc = read_input(path, &data, &size);
	if (rc < 0) {
		tap(0, "read", path);
		return;
	}
	/* copy into an allocation of exactly `size` bytes for ASan */
	exact = malloc(size ? size : 1);
	if (!exact) {
		free(data);
		tap(0, "allocate", path);
		return;
	}
	memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	tap(1, "replay", path);
}

static int skip_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, i, before = n_tests;

	if (stat(path, &st) < 0) {
		tap(0, "missing corpus", path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &names, skip_dot, alphasort);
	if (n < 0) {
		tap(0, "unreadable corpus", path);
		return;
	}
	for (i = 0; i < n; i++) {
		char full[PATH_MAX];

		if ((size_t)snprintf(full, sizeof(full), "%s/%s", path,
				     names[i]->d_name) < sizeof(full))
			replay_file(full);
		else
			tap(0, "path too long in", path);
		free(names[i]);
	}
	free(names);
	if (n_tests == before)
		tap(0, "empty corpus", path);
}

/* tests/fuzz/fuzz-cgroup-replay -> "cgroup" */
static void target_name(const char *argv0, char *out, size_t outlen)
{
	const char *b = strrchr(argv0, '/');
	size_t n;

	b = b ? b + 1 : argv0;
	if (strncmp(b, "lt-", 3) == 0)
		b += 3;
	if (strncmp(b, "fuzz-", 5) == 0)
		b += 5;
	n = strlen(b);
	if (n >= 7 && strcmp(b + n - 7, "-replay") == 0)
		n -= 7;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

int main(int argc, char **argv)
{
	const char *env = getenv("FUZZ_CORPUS");
	int i;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			replay_path(argv[i]);
	} else if (env && *env) {
		char *list = strdup(env), *save = NULL, *p;

		if (!list)
			return 99;
		for (p = strtok_r(list, ":", &save); p;
		     p = strtok_r(NULL, ":", &save))
			replay_path(p);
		free(list);
	} else {
		const char *top = getenv("top_srcdir");
		char name[128], dir[PATH_MAX];

		target_name(argv[0], name, sizeof(name));
		if ((size_t)snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
				     top && *top ? top : ".", name) >=
		    sizeof(dir))
			return 99;
		replay_path(dir);
	}
	printf("1..%d\n", n_tests);
	return n_fail ? 1 : 0;
}
