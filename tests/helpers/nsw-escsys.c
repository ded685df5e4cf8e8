/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsw-escsys: test helper that makes the syscalls of the escapes that
 * change no namespace, each in a form that fails or does nothing lasting,
 * so a monitor sees the attempt and the host keeps no trace of it:
 *
 *   nsw-escsys OP [--touch FILE]
 *
 *   finit_module       finit_module() of an empty file: no module (ENOEXEC
 *                      or EINVAL; EPERM without CAP_SYS_MODULE)
 *   init_module        init_module() of 16 zero bytes: no ELF (ENOEXEC)
 *   bpf                bpf(BPF_PROG_LOAD) of a kprobe program without
 *                      instructions: E2BIG (EPERM without CAP_BPF),
 *                      nothing loaded
 *   perf_event_open    perf_event_open() of a software dummy event on
 *                      this process, closed at once
 *   open_by_handle_at  open_by_handle_at() with a made-up handle (the
 *                      shocker's call): ESTALE or EINVAL (EPERM without
 *                      CAP_DAC_READ_SEARCH)
 *
 * After the call (whatever its result) FILE is created if given: an
 * enforcement test checks that a process killed at the call never gets
 * there.  Output: one line, "nsw-escsys: pid=P op=OP ret=R errno=E".
 * Exit status: 0 the call was made, 2 usage error, 3 setup or touch
 * failed.  Built statically so it can be copied into a container rootfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SETUP_FAILED		LONG_MIN
#define BPF_PROG_LOAD_CMD	5
#define BPF_PROG_TYPE_KPROBE_NR	2
#define PERF_TYPE_SOFTWARE_NR	1
#define PERF_COUNT_SW_DUMMY_NR	9

static long do_finit_module(void)
{
	char path[] = "/tmp/nsw-escsys-XXXXXX";
	int fd = mkstemp(path);
	long r;

	if (fd < 0)
		return SETUP_FAILED;
	unlink(path);
	r = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return r;
}

static long do_init_module(void)
{
	static char image[16];

	return syscall(SYS_init_module, image, sizeof(image), "");
}

static long do_bpf(void)
{
	/* union bpf_attr's BPF_PROG_LOAD part up to the license, zeroed
	 * beyond: prog_type, insn_cnt 0, insns NULL */
	uint32_t attr[18];

	memset(attr, 0, sizeof(attr));
	attr[0] = BPF_PROG_TYPE_KPROBE_NR;
	return syscall(SYS_bpf, BPF_PROG_LOAD_CMD, attr, sizeof(attr));
}

static long do_perf_event_open(void)
{
	/* struct perf_event_attr: type, size, config; the rest zero */
	unsigned char attr[128];
	uint32_t type = PERF_TYPE_SOFTWARE_NR, size = sizeof(attr);
	uint64_t config = PERF_COUNT_SW_DUMMY_NR;
	long r;

	memset(attr, 0, sizeof(attr));
	memcpy(attr, &type, 4);
	memcpy(attr + 4, &size, 4);
	memcpy(attr + 8, &config, 8);
	r = syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
	if (r >= 0)
		close((int)r);
	return r;
}

static long do_open_by_handle_at(void)
{
	/* struct file_handle: handle_bytes, handle_type, f_handle[] */
	struct {
		uint32_t bytes;
		int32_t type;
		unsigned char h[8];
	} fh = { 8, 1, { 2, 0, 0, 0, 0, 0, 0, 0 } };
	int mfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long r;

	if (mfd < 0)
		return SETUP_FAILED;
	r = syscall(SYS_open_by_handle_at, mfd, &fh, O_RDONLY);
	if (r >= 0)
		close((int)r);
	close(mfd);
	return r;
}

static const struct {
	const char *name;
	long (*fn)(void);
} ops[] = {
	{ "finit_module", do_finit_module },
	{ "init_module", do_init_module },
	{ "bpf", do_bpf },
	{ "perf_event_open", do_perf_event_open },
	{ "open_by_handle_at", do_open_by_handle_at },
};

int main(int argc, char **argv)
{
	const char *touch = NULL;
	size_t i;
	long r;
	int e, fd;

	if (argc == 4 && !strcmp(argv[2], "--touch"))
		touch = argv[3];
	else if (argc != 2)
		goto usage;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(argv[1], ops[i].name))
			break;
	if (i == sizeof(ops) / sizeof(ops[0]))
		goto usage;
	errno = 0;
	r = ops[i].fn();
	e = r < 0 ? errno : 0;
	if (r == SETUP_FAILED)
		return 3;
	printf("nsw-escsys: pid=%d op=%s ret=%ld errno=%d\n", getpid(),
	       ops[i].name, r, e);
	fflush(stdout);
	if (touch) {
		fd = open(touch, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return 3;
		close(fd);
	}
	return 0;
usage:
	fprintf(stderr, "usage: nsw-escsys finit_module|init_module|bpf|"
		"perf_event_open|open_by_handle_at [--touch FILE]\n");
	return 2;
}
