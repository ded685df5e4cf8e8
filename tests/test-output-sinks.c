// SPDX-License-Identifier: GPL-2.0-or-later
/* The output's other ends: size rotation of the event file (whole lines,
 * FILE.1..FILE.N, safe reopen), the syslog sink (RFC 5424, one datagram
 * per line, never cut, losses counted) and the own log's destinations
 * (auto choice, journal and syslog datagrams). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log-dest.h"
#include "output.h"
#include "output-rotate.h"
#include "output-syslog.h"
#include "tap.h"

static void test_room(void)
{
	const char *b = "aaaa\nbbbb\ncccc\n";

	is_int(rotate_room(0, 100, false, b, 15), 15, "room: all fits");
	is_int(rotate_room(90, 100, false, b, 15), 10,
	       "room: the whole lines that fit");
	is_int(rotate_room(95, 100, false, b, 15), 5, "room: one line fits");
	is_int(rotate_room(96, 100, false, b, 15), 0,
	       "room: no line fits: rotate first");
	is_int(rotate_room(100, 100, false, b, 15), 0, "room: full: rotate");
	is_int(rotate_room(0, 3, false, b, 15), 5,
	       "room: a line larger than the limit fills a new file alone");
	is_int(rotate_room(99, 100, true, b, 15), 5,
	       "room: a line in progress is finished first");
	is_int(rotate_room(99, 100, true, "xyz", 3), 3,
	       "room: ...also when it goes on");
	is_int(rotate_room(0, 100, false, "", 0), 0, "room: nothing");
}

static void test_parse_size(void)
{
	uint64_t v = 0;

	ok(rotate_parse_size("10M", &v) == 0 && v == 10u << 20, "size 10M");
	ok(rotate_parse_size("64k", &v) == 0 && v == 64u << 10, "size 64k");
	ok(rotate_parse_size("2G", &v) == 0 && v == 2ull << 30, "size 2G");
	ok(rotate_parse_size("8192", &v) == 0 && v == 8192, "size bytes");
	ok(rotate_parse_size("1k", &v) < 0, "size below 4k refused");
	ok(rotate_parse_size("-5M", &v) < 0 && rotate_parse_size("5T", &v) < 0
	   && rotate_parse_size("M", &v) < 0 &&
	   rotate_parse_size("99999999999G", &v) < 0, "bad sizes refused");
}

/* Lines of 100 bytes numbered from *seq; returns the bytes written. */
static void write_numbered(struct output *out, unsigned long *seq, int n)
{
	char line[128];
	int i;

	for (i = 0; i < n; i++) {
		int len = snprintf(line, sizeof(line), "%08lu ", (*seq)++);

		memset(line + len, 'x', 99 - (size_t)len);
		line[99] = '\n';
		output_write(out, line, 100);
	}
}

/* Every file holds whole 100-byte lines, at most max bytes; the files
 * from oldest (path.keep) to newest (path) hold consecutive numbers
 * ending at last. */
static bool check_files(const char *path, unsigned int keep, size_t max,
			unsigned long last, unsigned int *nfiles)
{
	char name[256];
	unsigned long expect = (unsigned long)-1;
	int i;

	*nfiles = 0;
	for (i = (int)keep; i >= 0; i--) {
		size_t len = 0, off;
		char *buf;

		if (i)
			snprintf(name, sizeof(name), "%s.%d", path, i);
		else
			snprintf(name, sizeof(name), "%s", path);
		buf = tap_slurp(name, &len);
		if (!buf)
			continue;
		(*nfiles)++;
		if (len > max || len % 100) {
			diag("%s: %zu bytes", name, len);
			free(buf);
			return false;
		}
		for (off = 0; off < len; off += 100) {
			unsigned long n = strtoul(buf + off, NULL, 10);

			if (buf[off + 99] != '\n' ||
			    (expect != (unsigned long)-1 && n != expect)) {
				diag("%s: line at %zu is %lu, want %lu", name,
				     off, n, expect);
				free(buf);
				return false;
			}
			expect = n + 1;
		}
		free(buf);
	}
	return expect == last + 1;
}

static void test_rotate(const char *dir, bool threaded)
{
	char path[128], name[160];
	struct output *out;
	unsigned long seq = 0;
	unsigned int n = 0;
	struct stat st;
	int i;

	snprintf(path, sizeof(path), "%s/rot-%d.json", dir, threaded);
	out = output_open(path);
	ok(out != NULL, "rotate(%d): opened", threaded);
	if (!out)
		return;
	is_int(output_set_rotate(out, 4096, 3), 0, "rotate(%d): set",
	       threaded);
	if (threaded)
		is_int(output_start_writer(out, 0), 0,
		       "rotate(%d): writer started", threaded);
	/* 41 lines per file (4100 > 4096): 300 lines make 8 files, of
	 * which the 4 newest are kept */
	for (i = 0; i < 30; i++) {
		write_numbered(out, &seq, 10);
		output_flush(out);
	}
	output_finish(out);
	ok(check_files(path, 3, 4096, seq - 1, &n),
	   "rotate(%d): whole lines, at most the limit, in order, the newest "
	   "kept", threaded);
	is_int(n, 4, "rotate(%d): FILE and FILE.1..FILE.3", threaded);
	snprintf(name, sizeof(name), "%s.4", path);
	ok(access(name, F_OK) < 0, "rotate(%d): no FILE.4", threaded);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "rotate(%d): the new file is 0600", threaded);
	is_int((long)output_errors(out), 0, "rotate(%d): nothing lost",
	       threaded);
	output_close(out);
}

static void test_rotate_refused(const char *dir)
{
	char path[128], link1[160];
	struct output *out;
	unsigned long seq = 0;
	size_t len = 0;
	char *buf;

	out = output_open(NULL);
	is_int(output_set_rotate(out, 4096, 1), -EINVAL,
	       "rotate: refused for stdout");
	output_close(out);

	/* FILE.1 planted as a symbolic link: replaced, never written
	 * through; a new FILE planted as a link is refused on reopen */
	snprintf(path, sizeof(path), "%s/plant.json", dir);
	snprintf(link1, sizeof(link1), "%s/plant.json.1", dir);
	if (symlink("/etc/passwd", link1) < 0) {
		skip("cannot make a symbolic link");
		return;
	}
	out = output_open(path);
	output_set_rotate(out, 4096, 1);
	write_numbered(out, &seq, 50);
	output_flush(out);
	output_close(out);
	buf = tap_slurp(link1, &len);
	ok(buf && len == 4000 && !strncmp(buf, "00000000 ", 9),
	   "rotate: a link planted at FILE.1 is replaced, not followed");
	free(buf);
}

/* ---- syslog ------------------------------------------------------------ */

static void test_syslog_spec(void)
{
	char path[108];
	int fac = -1;

	ok(syslog_is_spec("syslog") && syslog_is_spec("syslog:local0") &&
	   syslog_is_spec("syslog@/x") && !syslog_is_spec("syslog.json") &&
	   !syslog_is_spec("./syslog") && !syslog_is_spec(NULL),
	   "syslog: spec recognised");
	ok(syslog_parse_spec("syslog", &fac, path, sizeof(path)) == 0 &&
	   fac == 3 && !strcmp(path, "/dev/log"), "syslog: defaults");
	ok(syslog_parse_spec("syslog:local3@/run/x.sock", &fac, path,
			     sizeof(path)) == 0 && fac == 19 &&
	   !strcmp(path, "/run/x.sock"), "syslog: facility and socket");
	ok(syslog_parse_spec("syslog@/s", &fac, path, sizeof(path)) == 0 &&
	   fac == 3 && !strcmp(path, "/s"), "syslog: socket only");
	ok(syslog_parse_spec("syslog:local8", &fac, path, sizeof(path)) < 0 &&
	   syslog_parse_spec("syslog:", &fac, path, sizeof(path)) < 0 &&
	   syslog_parse_spec("syslog@rel", &fac, path, sizeof(path)) < 0,
	   "syslog: bad facility or relative socket refused");
}

static void test_syslog_header(void)
{
	struct timespec ts = { .tv_sec = 1796300000, .tv_nsec = 123456789 };
	char buf[256];
	size_t n;

	n = syslog_header(buf, sizeof(buf), 134, &ts, "node1", "nswatch", 42);
	is_str(buf, "<134>1 2026-12-03T12:13:20.123456Z node1 nswatch 42 - - ",
	       "syslog: RFC 5424 header");
	is_int(n, strlen(buf), "syslog: header length");
	is_int(syslog_header(buf, 10, 134, &ts, "node1", "nswatch", 42), 0,
	       "syslog: header too long for the buffer");
}

static int bind_dgram(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), v = 8 << 20;

	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
	return fd;
}

/* The next datagram's MSG (after the header's 7 fields), or NULL. */
static char *recv_msg(int fd, char *buf, size_t size, int *pri)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	char *p;
	int sp;

	if (poll(&pfd, 1, 2000) <= 0)
		return NULL;
	n = recv(fd, buf, size - 1, 0);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	*pri = atoi(buf + 1);
	for (p = buf, sp = 0; *p && sp < 7; p++)
		sp += *p == ' ';
	return sp == 7 ? p : NULL;
}

static void test_syslog_sink(const char *dir)
{
	char sock[128], spec[160], *buf, *big, *m;
	struct output *out;
	size_t bufsz = 64 * 1024;
	int fd, pri = 0;

	snprintf(sock, sizeof(sock), "%s/log.sock", dir);
	snprintf(spec, sizeof(spec), "syslog:local0@%s", sock);
	fd = bind_dgram(sock);
	ok(fd >= 0, "syslog: test socket bound");
	if (fd < 0)
		return;
	buf = malloc(bufsz);
	big = malloc(30001);
	memset(big, 'b', 30000);
	big[0] = '{';
	big[29999] = '\n';
	out = output_open(spec);
	ok(out != NULL, "syslog: output opened");
	output_write(out, "{\"one\":1}\n{\"two\":2,\"alerts\":[{}]}\n", 34);
	/* a line cut between two writes of the writer: one message */
	output_write(out, big, 20000);
	output_flush(out);
	output_write(out, big + 20000, 10000);
	output_flush(out);
	m = recv_msg(fd, buf, bufsz, &pri);
	ok(m && !strcmp(m, "{\"one\":1}") && pri == 16 * 8 + 6,
	   "syslog: a line is a message, local0.info");
	m = recv_msg(fd, buf, bufsz, &pri);
	ok(m && !strcmp(m, "{\"two\":2,\"alerts\":[{}]}") &&
	   pri == 16 * 8 + 4, "syslog: a line with alerts is a warning");
	m = recv_msg(fd, buf, bufsz, &pri);
	ok(m && strlen(m) == 29999 && !memcmp(m, big, 29999),
	   "syslog: a 30 KB line cut across writes arrives whole");
	is_int((long)output_errors(out), 0, "syslog: nothing lost");

	/* the daemon goes away: lines are counted lost; it comes back
	 * with a new socket: reconnected */
	close(fd);
	unlink(sock);
	output_write(out, "{\"gone\":1}\n", 11);
	output_flush(out);
	is_int((long)output_errors(out), 1, "syslog: a line with no daemon "
	       "counts as lost");
	fd = bind_dgram(sock);
	output_write(out, "{\"back\":1}\n", 11);
	output_flush(out);
	m = recv_msg(fd, buf, bufsz, &pri);
	ok(m && !strcmp(m, "{\"back\":1}"),
	   "syslog: reconnected to the restarted daemon");
	output_close(out);
	close(fd);
	free(buf);
	free(big);
}

/* ---- the own log's destinations ---------------------------------------- */

static void test_log_dest(void)
{
	struct stat st = { 0 };
	enum log_dest d;
	char path[108], buf[256];

	st.st_dev = 21;
	st.st_ino = 4242;
	st.st_mode = S_IFSOCK | 0777;
	is_int(log_dest_auto(&st, false, "21:4242"), LOG_DEST_JOURNAL,
	       "log auto: stderr is the journal stream");
	is_int(log_dest_auto(&st, false, "21:4243"), LOG_DEST_STDERR,
	       "log auto: a stream inherited from elsewhere is not");
	st.st_mode = S_IFCHR | 0666;
	is_int(log_dest_auto(&st, false, NULL), LOG_DEST_SYSLOG,
	       "log auto: /dev/null (plugin of auditd): syslog");
	is_int(log_dest_auto(&st, true, NULL), LOG_DEST_STDERR,
	       "log auto: a terminal: stderr");
	is_int(log_dest_auto(NULL, false, NULL), LOG_DEST_SYSLOG,
	       "log auto: stderr closed: syslog");
	st.st_mode = S_IFIFO | 0600;
	is_int(log_dest_auto(&st, false, NULL), LOG_DEST_STDERR,
	       "log auto: a pipe (supervisor, container runtime): stderr");
	st.st_mode = S_IFREG | 0600;
	is_int(log_dest_auto(&st, false, ""), LOG_DEST_STDERR,
	       "log auto: a file: stderr");

	ok(log_dest_parse("journal", &d, path, sizeof(path)) == 0 &&
	   d == LOG_DEST_JOURNAL &&
	   !strcmp(path, "/run/systemd/journal/socket"), "log: journal");
	ok(log_dest_parse("syslog@/tmp/s", &d, path, sizeof(path)) == 0 &&
	   d == LOG_DEST_SYSLOG && !strcmp(path, "/tmp/s"),
	   "log: syslog@SOCKET");
	ok(log_dest_parse("stderr", &d, path, sizeof(path)) == 0 &&
	   d == LOG_DEST_STDERR, "log: stderr");
	ok(log_dest_parse("syslogx", &d, path, sizeof(path)) < 0 &&
	   log_dest_parse("journal@x", &d, path, sizeof(path)) < 0 &&
	   log_dest_parse("auto", &d, path, sizeof(path)) < 0,
	   "log: bad values refused");

	log_format_journal(buf, sizeof(buf), 3, "nswatch", "it broke");
	is_str(buf, "PRIORITY=3\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=nswatch\n"
	       "MESSAGE=it broke\n", "log: journal fields");
	setenv("TZ", "UTC", 1);
	log_format_syslog(buf, sizeof(buf), 4, 1796300000, "nswatch", 7,
			  "careful");
	is_str(buf, "<28>Dec  3 12:13:20 nswatch[7]: careful",
	       "log: syslog(3) line, daemon.warning");
	is_int(log_format_journal(buf, 20, 3, "nswatch", "x"), 0,
	       "log: too long for the buffer");
}

int main(void)
{
	char dir[] = "/tmp/nsw-test-sinks.XXXXXX";

	if (!mkdtemp(dir)) {
		skip_all("cannot make a temporary directory");
		return 0;
	}
	test_room();
	test_parse_size();
	test_rotate(dir, false);
	test_rotate(dir, true);
	test_rotate_refused(dir);
	test_syslog_spec();
	test_syslog_header();
	test_syslog_sink(dir);
	test_log_dest();
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			diag("cannot remove %s", dir);
	}
	return done_testing();
}
