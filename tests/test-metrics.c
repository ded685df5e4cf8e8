/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c: the exposition text, --metrics-address parsing, textfile. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/event.h"
#include "../src/metrics.h"
#include "../src/strbuf.h"
#include "tap.h"

static struct nsw_stats sample(void)
{
	struct nsw_stats st;

	memset(&st, 0, sizeof(st));
	st.events[NSW_EV_EXEC] = 15234;
	st.events[NSW_EV_KPROBE] = 87;
	st.alerts[NSW_RULE_SETNS_ESCAPE_TO_HOST] = 5;
	st.kernel_lost = 3;
	st.ringbuf_drops = UINT64_MAX;
	st.log_lost = 2;
	st.filtered = 400;
	return st;
}

static void test_format(void)
{
	struct nsw_stats st = sample();
	struct metrics_info info = {
		.backend = "bpf", .version = "1.2", .node_name = "n\"o\\d\ne",
		.start_time = 1000, .last_event_time = 1010, .now = 1012.5,
		.rss_bytes = 4096,
	};
	struct strbuf sb = STRBUF_INIT;
	const char *t;

	is_int(metrics_format(&sb, &st, &info), 0, "format");
	t = sb.buf ? sb.buf : "";
	ok(strstr(t, "\nnswatch_events_total{type=\"process_exec\"} 15234\n") != NULL,
	   "events by type");
	ok(strstr(t, "nswatch_events_total{type=\"process_throttle\"} 0\n") != NULL,
	   "every event type, zeros too");
	ok(strstr(t, "nswatch_alerts_total{rule=\"setns-escape-to-host\"} 5\n") != NULL,
	   "alerts by rule");
	ok(strstr(t, "nswatch_lost_total{reason=\"ringbuf\"} 18446744073709551615\n") != NULL,
	   "64-bit counters exact");
	ok(strstr(t, "nswatch_lost_total{reason=\"log\"} 2\n") != NULL &&
	   strstr(t, "nswatch_lost_total{reason=\"held\"} 0\n") != NULL,
	   "every loss counter of the stats line");
	ok(strstr(t, "nswatch_filtered_total 400\n") != NULL, "filtered");
	ok(strstr(t, "nswatch_info{backend=\"bpf\",version=\"1.2\","
		  "node=\"n\\\"o\\\\d\\ne\"} 1\n") != NULL,
	   "info labels escaped");
	ok(strstr(t, "nswatch_last_event_age_seconds 2.500\n") != NULL,
	   "last event age");
	ok(strstr(t, "nswatch_resident_memory_bytes 4096\n") != NULL, "rss");
	ok(strstr(t, "# TYPE nswatch_lost_total counter\n") != NULL &&
	   strstr(t, "# TYPE nswatch_info gauge\n") != NULL, "TYPE lines");
	ok(sb.len && t[sb.len - 1] == '\n', "ends with a newline");
	strbuf_reset(&sb);
	info.last_event_time = 0;
	info.rss_bytes = 0;
	metrics_format(&sb, &st, &info);
	t = sb.buf ? sb.buf : "";
	ok(strstr(t, "nswatch_last_event_age_seconds 12.500\n") != NULL,
	   "no event yet: age since start");
	ok(!strstr(t, "resident_memory"), "unknown rss left out");
	strbuf_release(&sb);
}

static void addr_is(const char *s, int want, int family, const char *host,
		    unsigned int port)
{
	struct sockaddr_storage ss;
	char buf[64] = "";
	unsigned int len = 0, got_port = 0;
	int r = metrics_parse_address(s, &ss, &len);

	if (r == 0 && ss.ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
		got_port = ntohs(a->sin_port);
	} else if (r == 0 && ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
		got_port = ntohs(a->sin6_port);
	}
	if (want)
		ok(r == want, "address '%s' refused", s);
	else
		ok(r == 0 && ss.ss_family == family && !strcmp(buf, host) &&
		   got_port == port, "address '%s' is %s port %u (got %s %u)",
		   s, host, port, buf, got_port);
}

static void test_address(void)
{
	addr_is("9464", 0, AF_INET, "127.0.0.1", 9464);
	addr_is("0.0.0.0:9464", 0, AF_INET, "0.0.0.0", 9464);
	addr_is(":9464", 0, AF_INET, "127.0.0.1", 9464);
	addr_is("[::1]:9464", 0, AF_INET6, "::1", 9464);
	addr_is("::1:9464", -EINVAL, 0, NULL, 0);
	addr_is("127.0.0.1:0", -EINVAL, 0, NULL, 0);
	addr_is("127.0.0.1:65536", -EINVAL, 0, NULL, 0);
	addr_is("127.0.0.1:-1", -EINVAL, 0, NULL, 0);
	addr_is("localhost:9464", -EINVAL, 0, NULL, 0);
	addr_is("1.2.3.4:", -EINVAL, 0, NULL, 0);
	addr_is("[::1:9464", -EINVAL, 0, NULL, 0);
}

static void test_textfile(void)
{
	char dir[] = "/tmp/nsw-test-metrics.XXXXXX", path[64], why[128];
	struct nsw_stats st = sample();
	struct metrics *m;
	struct stat sb;
	char *text;

	if (!ok(mkdtemp(dir) != NULL, "temp dir"))
		return;
	snprintf(path, sizeof(path), "%s/nswatch.prom", dir);
	m = metrics_start(NULL, path, "audit", "node1", why, sizeof(why));
	if (!ok(m != NULL, "metrics started with a textfile only (%s)",
		m ? "" : why))
		return;
	metrics_publish(m, &st);
	metrics_stop(m);
	text = tap_slurp(path, NULL);
	ok(text && strstr(text, "nswatch_events_total{type=\"process_exec\"} 15234\n") &&
	   strstr(text, "nswatch_info{backend=\"audit\",version=\""
		  PACKAGE_VERSION "\",node=\"node1\"} 1\n"),
	   "the textfile is written at stop with the last published counters");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644,
	   "textfile mode 0644 (node_exporter reads it)");
	snprintf(why, sizeof(why), "%s.tmp", path);
	ok(access(why, F_OK) < 0, "no temp file left");
	free(text);
	unlink(path);
	rmdir(dir);
	m = metrics_start("127.0.0.1:notaport", NULL, "bpf", "n", why,
			  sizeof(why));
	ok(!m && errno == EINVAL && strstr(why, "--metrics-address"),
	   "a bad address is refused with a reason");
}

static int connect_port(unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Send req, read the answer until the server closes (at most len - 1). */
static size_t http(unsigned int port, const char *req, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = connect_port(port);

	buf[0] = '\0';
	if (fd < 0)
		return 0;
	if (write(fd, req, strlen(req)) < 0) {
		close(fd);
		return 0;
	}
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	return got;
}

static void test_http(void)
{
	struct nsw_stats st = sample();
	struct metrics *m = NULL;
	char addr[32], why[256], *buf;
	unsigned int port = 0;
	int i, silent;

	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	for (i = 0; i < 20 && !m; i++) {
		port = 20000 + (unsigned int)(rand() % 20000);
		snprintf(addr, sizeof(addr), "%u", port);
		m = metrics_start(addr, NULL, "bpf", "node1", why, sizeof(why));
	}
	if (!ok(m != NULL, "HTTP endpoint on 127.0.0.1:%u", port)) {
		diag("%s", why);
		return;
	}
	metrics_publish(m, &st);
	buf = malloc(65536);
	if (!buf)
		return;
	http(port, "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 200 OK\r\n", 17), "GET /metrics: 200");
	ok(strstr(buf, "\r\nContent-Type: text/plain; version=0.0.4") != NULL,
	   "text format 0.0.4");
	ok(strstr(buf, "\r\n\r\n# HELP nswatch_events_total ") &&
	   strstr(buf, "\nnswatch_lost_total{reason=\"log\"} 2\n"),
	   "the body: the published counters");
	http(port, "GET /metrics?x=1 HTTP/1.1\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 200 ", 13), "a query string is fine");
	http(port, "GET /other HTTP/1.0\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 404 ", 13), "another path: 404");
	http(port, "GET /metricsx HTTP/1.0\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 404 ", 13), "/metricsx: 404");
	http(port, "POST /metrics HTTP/1.0\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 405 ", 13), "POST: 405");
	http(port, "HEAD /metrics HTTP/1.0\r\n\r\n", buf, 65536);
	ok(!strncmp(buf, "HTTP/1.0 200 ", 13) && !strstr(buf, "# HELP"),
	   "HEAD: 200 without a body");
	/* a client that connects and says nothing is given up on */
	silent = connect_port(port);
	http(port, "GET /metrics HTTP/1.0\r\n\r\n", buf, 65536);
	ok(silent >= 0 && !strncmp(buf, "HTTP/1.0 200 ", 13),
	   "a silent client does not keep the next one out");
	if (silent >= 0)
		close(silent);
	metrics_stop(m);
	ok(connect_port(port) < 0, "closed after stop");
	free(buf);
}

int main(void)
{
	test_format();
	test_address();
	test_textfile();
	test_http();
	return done_testing();
}
