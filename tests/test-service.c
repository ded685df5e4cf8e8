/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The service side of the monitor without a monitor: monitor_lock_take()
 * (one monitor per host, the holder's record, the lock gone with its
 * holder) and notify_watchdog() (WATCHDOG=1 only when $WATCHDOG_USEC is
 * set for this pid, at most twice a period).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor-lock.h"
#include "notify.h"
#include "tap.h"

/* In a child: try the lock, exit 0 taken, 3 refused (holder record to
 * the pipe), 1 other error. */
static int child_try(const char *path, char *holder, size_t len)
{
	int pfd[2], st = -1;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char h[128];
		int fd;

		close(pfd[0]);
		fd = monitor_lock_take(path, "child", h, sizeof(h));
		if (fd == -EWOULDBLOCK) {
			if (write(pfd[1], h, strlen(h)) < 0)
				_exit(1);
			_exit(3);
		}
		_exit(fd >= 0 ? 0 : 1);
	}
	close(pfd[1]);
	n = read(pfd[0], holder, len - 1);
	holder[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int recv_count(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[64];
	int n = 0;

	while (poll(&p, 1, 100) > 0) {
		ssize_t r = recv(fd, buf, sizeof(buf) - 1, 0);

		if (r <= 0)
			break;
		buf[r] = '\0';
		if (!strcmp(buf, "WATCHDOG=1"))
			n++;
	}
	return n;
}

int main(void)
{
	char dir[] = "/tmp/nsw-test-service.XXXXXX";
	char path[256], sock[256], holder[128], want[64], rec[128];
	struct sockaddr_un sa;
	int fd, r, s;
	ssize_t n;

	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	/* a directory that does not exist yet: made, as /run/nswatch is */
	snprintf(path, sizeof(path), "%s/run/monitor.lock", dir);
	fd = monitor_lock_take(path, "nswatch.service", holder, sizeof(holder));
	ok(fd >= 0, "lock taken, its directory made (%d)", fd);
	snprintf(want, sizeof(want), "pid %ld nswatch.service\n",
		 (long)getpid());
	n = fd >= 0 ? pread(fd, rec, sizeof(rec) - 1, 0) : -1;
	rec[n > 0 ? n : 0] = '\0';
	is_str(rec, want, "the lock file records pid and role");

	r = child_try(path, holder, sizeof(holder));
	is_int(r, 3, "another process is refused while it is held");
	want[strlen(want) - 1] = '\0';
	is_str(holder, want, "... and learns who holds it");

	r = child_try(path, holder, sizeof(holder));
	is_int(r, 3, "still refused: a refusal changes nothing");

	close(fd);
	r = child_try(path, holder, sizeof(holder));
	is_int(r, 0, "taken once the holder has gone (no stale lock)");

	/* a stale record of a dead holder is replaced, not appended to */
	fd = monitor_lock_take(path, "auditd-plugin", holder, sizeof(holder));
	n = fd >= 0 ? pread(fd, rec, sizeof(rec) - 1, 0) : -1;
	rec[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "pid %ld auditd-plugin\n", (long)getpid());
	is_str(rec, want, "a new holder's record replaces the old one");
	if (fd >= 0)
		close(fd);

	snprintf(sock, sizeof(sock), "%s/link", dir);
	if (symlink(path, sock) == 0) {
		fd = monitor_lock_take(sock, "x", holder, sizeof(holder));
		is_int(fd, -ELOOP, "a symbolic link as the lock file is refused");
		if (fd >= 0)
			close(fd);
		unlink(sock);
	}

	/* the watchdog */
	snprintf(sock, sizeof(sock), "%s/notify", dir);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("Bail out! notify socket: %s\n", strerror(errno));
		return 1;
	}
	setenv("NOTIFY_SOCKET", sock, 1);
	/* meant for another process: nothing (read once, at the first call) */
	if (fork() == 0) {
		setenv("WATCHDOG_USEC", "1000000", 1);
		setenv("WATCHDOG_PID", "1", 1);
		notify_watchdog();
		_exit(0);
	}
	wait(NULL);
	is_int(recv_count(s), 0, "WATCHDOG_PID of another process: no keepalive");
	if (fork() == 0) {
		notify_watchdog();
		_exit(0);
	}
	wait(NULL);
	is_int(recv_count(s), 0, "no WATCHDOG_USEC: no keepalive");

	snprintf(want, sizeof(want), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", want, 1);
	setenv("WATCHDOG_USEC", "2000000", 1);
	notify_watchdog();
	notify_watchdog();
	notify_watchdog();
	is_int(recv_count(s), 1, "one WATCHDOG=1 however often the loop turns");
	usleep(1100000);	/* past half the period */
	notify_watchdog();
	is_int(recv_count(s), 1, "the next one half a period later");

	close(s);
	unlink(sock);
	snprintf(sock, sizeof(sock), "%s/run", dir);
	unlink(path);
	rmdir(sock);
	rmdir(dir);
	return done_testing();
}
