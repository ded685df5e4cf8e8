/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: stand in for systemd's notification socket.
 *   nsw-notify-listen PATH TIMEOUT_S [UNTIL]
 * binds a unix datagram socket at PATH, prints "bound", then prints every
 * message received (one per line) until UNTIL (default READY=1) arrives
 * or TIMEOUT_S passes.  Exit 0 when UNTIL was received, 1 otherwise.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	char buf[4096];
	time_t end;
	int fd;
	const char *until = argc > 3 ? argv[3] : "READY=1";

	if (argc < 3 || argc > 4 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: nsw-notify-listen PATH TIMEOUT_S "
			"[UNTIL]\n");
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bind");
		return 2;
	}
	printf("bound\n");
	fflush(stdout);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		if (strstr(buf, until)) {
			unlink(argv[1]);
			return 0;
		}
	}
	unlink(argv[1]);
	return 1;
}
