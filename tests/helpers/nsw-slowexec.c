// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsw-slowexec: execs that take seconds, for the audit backend's event
 * assembly.
 *
 *   nsw-slowexec N STALL_MS GAP_MS MARKER [FILLER_KB]
 *	Starts N children that each execve("/bin/true", { "true",
 *	"MARKER-i", FILLER }) under ptrace (FILLER: FILLER_KB KiB of 'x',
 *	default 64, so that the kernel writes its EXECVE records in pieces
 *	of 7.5 KB and the exec's records take a while to write): every child is held at its exec stop,
 *	inside execve(2) after the new image is in place and before the
 *	syscall returns, so its audit records (stamped with the syscall's
 *	entry time) are written only when it is let go.  After STALL_MS the
 *	children are let go one by one, GAP_MS apart, while another child
 *	calls setns(2) into its own UTS namespace every 100 us or so: records
 *	stamped STALL_MS later than the held execs' go into the stream
 *	between theirs.  An exec that is slow on a busy host looks the same
 *	to the audit stream.  Prints "nsw-slowexec: pid=P marker=M" per
 *	child and exits 0 when every child exited 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CHILDREN 32

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static pid_t start_child(const char *marker, const char *filler, int i)
{
	char arg[256];
	pid_t pid;
	int st;

	snprintf(arg, sizeof(arg), "%s-%d", marker, i);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(126);
		raise(SIGSTOP);
		execl("/bin/true", "true", arg, filler, (char *)NULL);
		_exit(127);
	}
	/* the SIGSTOP, then the exec stop */
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0 ||
	    waitpid(pid, &st, 0) != pid ||
	    st >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		fprintf(stderr, "nsw-slowexec: child %d did not stop at its "
			"exec (status 0x%x)\n", (int)pid, st);
		kill(pid, SIGKILL);
		return -1;
	}
	printf("nsw-slowexec: pid=%d marker=%s\n", (int)pid, arg);
	return pid;
}

/* setns into our own UTS namespace every ~100 us until killed */
static pid_t start_ticker(void)
{
	struct timespec ts = { 0, 100000 };
	pid_t pid = fork();
	int fd;

	if (pid != 0)
		return pid;
	fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(1);
	for (;;) {
		if (setns(fd, CLONE_NEWUTS) < 0)
			_exit(1);
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	pid_t kids[MAX_CHILDREN], tick;
	int n, i, st, bad = 0;
	long stall, gap, kb = 64;
	char *filler;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: nsw-slowexec N STALL_MS GAP_MS MARKER "
			"[FILLER_KB]\n");
		return 2;
	}
	if (argc == 6)
		kb = atol(argv[5]);
	if (kb < 1 || kb > 120) {
		fprintf(stderr, "nsw-slowexec: FILLER_KB is 1 to 120\n");
		return 2;
	}
	filler = malloc((size_t)kb * 1024 + 1);
	if (!filler)
		return 1;
	memset(filler, 'x', (size_t)kb * 1024);
	filler[kb * 1024] = '\0';
	n = atoi(argv[1]);
	stall = atol(argv[2]);
	gap = atol(argv[3]);
	if (n < 1 || n > MAX_CHILDREN || stall < 0 || gap < 0) {
		fprintf(stderr, "nsw-slowexec: bad arguments\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		kids[i] = start_child(argv[4], filler, i);
		if (kids[i] < 0)
			return 1;
	}
	fflush(stdout);
	sleep_ms(stall);
	tick = start_ticker();
	if (tick < 0)
		return 1;
	sleep_ms(gap);
	for (i = 0; i < n; i++) {
		if (ptrace(PTRACE_DETACH, kids[i], NULL, NULL) < 0)
			bad++;
		sleep_ms(gap);
	}
	kill(tick, SIGKILL);
	waitpid(tick, NULL, 0);
	for (i = 0; i < n; i++)
		if (waitpid(kids[i], &st, 0) != kids[i] || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			bad++;
	return bad ? 1 : 0;
}
