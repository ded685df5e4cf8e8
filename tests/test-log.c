/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c: with stderr a pipe nobody reads, logging drops and counts lines
 * instead of blocking the caller (the event-reading thread).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "../src/log.h"
#include "tap.h"

int main(void)
{
	char buf[65536];
	int p[2], saved, fl, i;
	size_t filled = 0;
	ssize_t n;

	if (pipe(p) < 0) {
		ok(0, "pipe: %s", strerror(errno));
		return done_testing();
	}
	/* fill the pipe through a non-blocking description, then hand the
	 * (blocking) write end over as stderr, as a supervisor would */
	fl = fcntl(p[1], F_GETFL);
	fcntl(p[1], F_SETFL, fl | O_NONBLOCK);
	memset(buf, 'x', sizeof(buf));
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		filled += (size_t)n;
	while ((n = write(p[1], buf, 1)) > 0)
		filled += (size_t)n;
	ok(n < 0 && errno == EAGAIN && filled > 0, "pipe full (%zu bytes)",
	   filled);
	fcntl(p[1], F_SETFL, fl);
	saved = dup(2);
	dup2(p[1], 2);

	for (i = 0; i < 100; i++)
		log_warn("warning %d into a full pipe", i);
	dup2(saved, 2);
	is_int((int)log_lost(), 100, "100 lines dropped and counted, none "
	       "blocked");

	/* room again: lines go through and are not counted */
	n = read(p[0], buf, sizeof(buf));
	ok(n > 0, "reader takes %zd bytes", n);
	dup2(p[1], 2);
	log_warn("after the reader came back");
	dup2(saved, 2);
	is_int((int)log_lost(), 100, "a line with room is not counted");
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	filled = 0;
	while ((n = read(p[0], buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (strstr(buf, "nswatch: warning: after the reader came back\n"))
			filled = 1;
	}
	ok(filled == 1, "... and arrives whole");
	close(saved);
	return done_testing();
}
