/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prometheus metrics: the exposition format (pure), then the thread that
 * serves GET /metrics and writes the node_exporter textfile.
 *
 * The HTTP side is deliberately small: one client at a time, a request of
 * at most REQ_MAX bytes read within IO_MS, the answer written within IO_MS,
 * then the connection is closed (HTTP/1.0).  A slow or hostile client can
 * delay the next scrape by at most 2 * IO_MS, never the events: they are
 * read by another thread, which only copies its counters here under a
 * mutex once per tick.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "log.h"
#include "metrics.h"
#include "procfs.h"
#include "strbuf.h"
#include "util.h"

#define REQ_MAX 4096
#define IO_MS 2000

/* ---- exposition format ------------------------------------------------ */

static const char *const ev_types[NSW_EV_TYPE_COUNT] = {
	"process_exec", "process_exit", "process_kprobe", "process_throttle",
};

/* Label values: backslash, quote and newline escaped (format 0.0.4). */
static void add_label(struct strbuf *sb, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			strbuf_addc(sb, '\\');
		if (*v == '\n')
			strbuf_adds(sb, "\\n");
		else
			strbuf_addc(sb, *v);
	}
}

static void head(struct strbuf *sb, const char *name, const char *type,
		 const char *help)
{
	strbuf_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		    type);
}

static void counter(struct strbuf *sb, const char *name, const char *help,
		    uint64_t v)
{
	head(sb, name, "counter", help);
	strbuf_addf(sb, "%s %llu\n", name, (unsigned long long)v);
}

int metrics_format(struct strbuf *sb, const struct nsw_stats *st,
		   const struct metrics_info *info)
{
	static const struct {
		const char *reason;
		size_t off;
	} lost[] = {
		{ "kernel", offsetof(struct nsw_stats, kernel_lost) },
		{ "ringbuf", offsetof(struct nsw_stats, ringbuf_drops) },
		{ "held", offsetof(struct nsw_stats, held) },
		{ "seq_gaps", offsetof(struct nsw_stats, seq_gaps) },
		{ "output_errors", offsetof(struct nsw_stats, output_errors) },
		{ "output_queue", offsetof(struct nsw_stats, output_queue) },
		{ "log", offsetof(struct nsw_stats, log_lost) },
	};
	size_t i;

	head(sb, "nswatch_events_total", "counter",
	     "Event lines written, by event type.");
	for (i = 0; i < NSW_EV_TYPE_COUNT; i++)
		strbuf_addf(sb, "nswatch_events_total{type=\"%s\"} %llu\n",
			    ev_types[i], (unsigned long long)st->events[i]);
	head(sb, "nswatch_alerts_total", "counter",
	     "Alerts written, by rule (after policy).");
	for (i = 0; i < NSW_RULE_COUNT; i++)
		strbuf_addf(sb, "nswatch_alerts_total{rule=\"%s\"} %llu\n",
			    nsw_rule_id((enum nsw_rule)i),
			    (unsigned long long)st->alerts[i]);
	head(sb, "nswatch_lost_total", "counter",
	     "Events or lines lost or held, by reason (the lost object of "
	     "the nswatch_stats line).");
	for (i = 0; i < ARRAY_SIZE(lost); i++)
		strbuf_addf(sb, "nswatch_lost_total{reason=\"%s\"} %llu\n",
			    lost[i].reason, (unsigned long long)
			    *(const uint64_t *)((const char *)st +
						lost[i].off));
	counter(sb, "nswatch_raw_events_total",
		"Raw events the backend handed over.", st->raw_events);
	counter(sb, "nswatch_parse_errors_total",
		"Malformed audit events or netlink messages, undecodable "
		"eBPF records.", st->parse_errors);
	counter(sb, "nswatch_filtered_total",
		"Events dropped on purpose (filters, policy).", st->filtered);
	counter(sb, "nswatch_proc_misses_total",
		"Processes gone before they could be looked up.",
		st->proc_misses);

	head(sb, "nswatch_info", "gauge",
	     "Always 1; the backend, version and node as labels.");
	strbuf_adds(sb, "nswatch_info{backend=\"");
	add_label(sb, info->backend ? info->backend : "none");
	strbuf_adds(sb, "\",version=\"");
	add_label(sb, info->version);
	strbuf_adds(sb, "\",node=\"");
	add_label(sb, info->node_name);
	strbuf_adds(sb, "\"} 1\n");
	head(sb, "nswatch_start_time_seconds", "gauge",
	     "Start time of the monitor, Unix seconds.");
	strbuf_addf(sb, "nswatch_start_time_seconds %.3f\n",
		    info->start_time);
	head(sb, "nswatch_last_event_age_seconds", "gauge",
	     "Seconds since the last event line (since start when none).");
	strbuf_addf(sb, "nswatch_last_event_age_seconds %.3f\n",
		    info->now - (info->last_event_time ? info->last_event_time
						       : info->start_time));
	if (info->rss_bytes) {
		head(sb, "nswatch_resident_memory_bytes", "gauge",
		     "Resident set size of the monitor.");
		strbuf_addf(sb, "nswatch_resident_memory_bytes %llu\n",
			    (unsigned long long)info->rss_bytes);
	}
	return sb->overflow ? -ENOMEM : 0;
}

int metrics_parse_address(const char *s, struct sockaddr_storage *ss,
			  unsigned int *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *port;
	unsigned long p;
	size_t hl;
	char *end;

	memset(ss, 0, sizeof(*ss));
	port = strrchr(s, ':');
	if (!port) {
		port = s;
		hl = 0;
	} else if (s[0] == '[') {
		if (port == s || port[-1] != ']')
			return -EINVAL;
		s++;
		hl = (size_t)(port - 1 - s);
		port++;
	} else {
		hl = (size_t)(port - s);
		port++;
		if (memchr(s, ':', hl))
			return -EINVAL;	/* IPv6 wants brackets */
	}
	if (hl >= sizeof(host))
		return -EINVAL;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || end == port || *port == '-' || p == 0 ||
	    p > 65535)
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (!hl)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)p);
		*len = sizeof(*in4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*in6);
		return 0;
	}
	return -EINVAL;
}

/* ---- the thread --------------------------------------------------------- */

struct metrics {
	pthread_t thread;
	bool running;
	int listen_fd;		/* -1: no HTTP */
	int stop_pipe[2];
	const char *textfile;	/* NULL: none */
	const char *node_name;
	double start_time;

	pthread_mutex_t lock;	/* the fields below */
	const char *backend;
	struct nsw_stats st;
	uint64_t events_seen;
	double last_event_time;
};

static double wall_now(void)
{
	return (double)nsw_clock_ns(CLOCK_REALTIME) / 1e9;
}

static uint64_t rss_bytes(void)
{
	unsigned long long size, res;
	char *text = procfs_read_file("/proc", (uint32_t)getpid(), "statm",
				      NULL);
	int n = text ? sscanf(text, "%llu %llu", &size, &res) : 0;

	free(text);
	if (n != 2)
		return 0;
	return res * (uint64_t)sysconf(_SC_PAGESIZE);
}

void metrics_publish(struct metrics *m, const struct nsw_stats *st)
{
	uint64_t ev = 0;
	int i;

	if (!m)
		return;
	for (i = 0; i < NSW_EV_TYPE_COUNT; i++)
		ev += st->events[i];
	pthread_mutex_lock(&m->lock);
	m->st = *st;
	if (ev != m->events_seen) {
		m->events_seen = ev;
		m->last_event_time = wall_now();
	}
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_backend(struct metrics *m, const char *backend)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->backend = backend;
	pthread_mutex_unlock(&m->lock);
}

static int render(struct metrics *m, struct strbuf *sb)
{
	struct metrics_info info = {
		.version = PACKAGE_VERSION,
		.node_name = m->node_name,
		.start_time = m->start_time,
	};
	struct nsw_stats st;

	pthread_mutex_lock(&m->lock);
	st = m->st;
	info.backend = m->backend;
	info.last_event_time = m->last_event_time;
	pthread_mutex_unlock(&m->lock);
	info.now = wall_now();
	info.rss_bytes = rss_bytes();
	strbuf_reset(sb);
	return metrics_format(sb, &st, &info);
}

/* Write the textfile atomically: node_exporter must never read half. */
static int write_textfile(struct metrics *m, struct strbuf *sb)
{
	char tmp[PATH_MAX];
	size_t off;
	ssize_t w;
	int fd, r = 0;

	r = render(m, sb);
	if (r < 0)
		return r;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", m->textfile) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	/* a file of our own: not one somebody put there before us */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0644);
	if (fd < 0)
		return -errno;
	/* readable by a node_exporter that is not root, whatever the umask */
	if (fchmod(fd, 0644) < 0)
		r = -errno;
	for (off = 0; !r && off < sb->len; off += (size_t)w) {
		w = write(fd, sb->buf + off, sb->len - off);
		if (w < 0) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			r = -errno;
		}
	}
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, m->textfile) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

/* Wait for fd to be ready for ev until deadline (monotonic ms); 1 ready,
 * 0 timed out or stopping, -errno. */
static int wait_fd(struct metrics *m, int fd, short ev, uint64_t deadline)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = ev },
		{ .fd = m->stop_pipe[0], .events = POLLIN },
	};
	uint64_t now;
	int r;

	for (;;) {
		now = nsw_clock_ms(CLOCK_MONOTONIC);
		if (now >= deadline)
			return 0;
		r = poll(pfd, 2, (int)(deadline - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (pfd[1].revents)
			return 0;
		if (pfd[0].revents)
			return 1;
	}
}

static void send_all(struct metrics *m, int fd, const char *p, size_t len,
		     uint64_t deadline)
{
	ssize_t w;

	while (len) {
		w = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (wait_fd(m, fd, POLLOUT, deadline) <= 0)
				return;
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		len -= (size_t)w;
	}
}

static void respond(struct metrics *m, int fd, int code, const char *reason,
		    const struct strbuf *body, bool head_only,
		    uint64_t deadline)
{
	char hdr[256];
	size_t blen = body ? body->len : strlen(reason) + 1;
	int n;

	n = snprintf(hdr, sizeof(hdr), "HTTP/1.0 %d %s\r\n"
		     "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     code, reason, blen);
	if (n < 0 || (size_t)n >= sizeof(hdr))
		return;
	send_all(m, fd, hdr, (size_t)n, deadline);
	if (head_only)
		return;
	if (body) {
		send_all(m, fd, body->buf, body->len, deadline);
	} else {
		send_all(m, fd, reason, strlen(reason), deadline);
		send_all(m, fd, "\n", 1, deadline);
	}
}

/* One connection: read the request head, answer, close. */
static void serve(struct metrics *m, int fd, struct strbuf *sb)
{
	uint64_t deadline = nsw_clock_ms(CLOCK_MONOTONIC) + IO_MS;
	char req[REQ_MAX + 1];
	size_t len = 0;
	bool get, head_only;
	const char *path;
	ssize_t n;

	while (len < REQ_MAX) {
		n = recv(fd, req + len, REQ_MAX - len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (wait_fd(m, fd, POLLIN, deadline) <= 0)
				return;		/* too slow: dropped */
			continue;
		}
		if (n <= 0)
			return;
		len += (size_t)n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[len] = '\0';
	deadline = nsw_clock_ms(CLOCK_MONOTONIC) + IO_MS;
	get = !strncmp(req, "GET ", 4);
	head_only = !strncmp(req, "HEAD ", 5);
	if (!get && !head_only) {
		respond(m, fd, 405, "Method Not Allowed", NULL, false,
			deadline);
		return;
	}
	path = req + (get ? 4 : 5);
	if (strncmp(path, "/metrics", 8) ||
	    (path[8] != ' ' && path[8] != '?')) {
		respond(m, fd, 404, "Not Found", NULL, head_only, deadline);
		return;
	}
	if (render(m, sb) < 0) {
		respond(m, fd, 500, "Internal Server Error", NULL, head_only,
			deadline);
		return;
	}
	respond(m, fd, 200, "OK", sb, head_only, deadline);
}

static void *metrics_thread(void *arg)
{
	struct metrics *m = arg;
	struct strbuf sb = STRBUF_INIT;
	uint64_t next_file = nsw_clock_ms(CLOCK_MONOTONIC) + METRICS_TEXTFILE_S * 1000ull;
	struct pollfd pfd[2];
	uint64_t now;
	int r, fd, timeout;

	pfd[0].fd = m->stop_pipe[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = m->listen_fd;
	pfd[1].events = POLLIN;
	for (;;) {
		now = nsw_clock_ms(CLOCK_MONOTONIC);
		if (m->textfile && now >= next_file) {
			r = write_textfile(m, &sb);
			if (r < 0)
				log_ratelimited(LOG_LVL_WARN, "metrics-file",
						"cannot write the metrics "
						"textfile %s: %s", m->textfile,
						strerror(-r));
			next_file = now + METRICS_TEXTFILE_S * 1000ull;
		}
		timeout = m->textfile ? (int)(next_file - now) : -1;
		r = poll(pfd, m->listen_fd >= 0 ? 2 : 1, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (pfd[0].revents)
			break;
		if (pfd[1].revents) {
			fd = accept4(m->listen_fd, NULL, NULL,
				     SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0) {
				serve(m, fd, &sb);
				close(fd);
			}
		}
	}
	strbuf_release(&sb);
	return NULL;
}

static int open_listener(const char *address, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	unsigned int len;
	int fd, one = 1, e;

	if (metrics_parse_address(address, &ss, &len) < 0) {
		snprintf(why, whylen, "bad --metrics-address '%s': want PORT, "
			 "ADDR:PORT or [ADDR6]:PORT", address);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		e = errno;
		snprintf(why, whylen, "metrics socket: %s", strerror(e));
		return -e;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		e = errno;
		snprintf(why, whylen, "cannot listen on %s: %s", address,
			 strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

struct metrics *metrics_start(const char *address, const char *textfile,
			      const char *backend, const char *node_name,
			      char *why, size_t whylen)
{
	sigset_t all, old;
	struct metrics *m;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	m->listen_fd = -1;
	m->stop_pipe[0] = m->stop_pipe[1] = -1;
	m->textfile = textfile;
	m->backend = backend;
	m->node_name = node_name;
	m->start_time = wall_now();
	pthread_mutex_init(&m->lock, NULL);
	if (address) {
		r = open_listener(address, why, whylen);
		if (r < 0)
			goto fail;
		m->listen_fd = r;
	}
	if (pipe2(m->stop_pipe, O_CLOEXEC) < 0) {
		r = -errno;
		snprintf(why, whylen, "pipe: %s", strerror(-r));
		goto fail;
	}
	/* signals are for the reading thread (its poll must wake up) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&m->thread, NULL, metrics_thread, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		snprintf(why, whylen, "metrics thread: %s", strerror(-r));
		goto fail;
	}
	m->running = true;
	return m;
fail:
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	if (m->stop_pipe[0] >= 0) {
		close(m->stop_pipe[0]);
		close(m->stop_pipe[1]);
	}
	pthread_mutex_destroy(&m->lock);
	free(m);
	errno = -r;
	return NULL;
}

void metrics_stop(struct metrics *m)
{
	struct strbuf sb = STRBUF_INIT;
	ssize_t w;
	int r;

	if (!m)
		return;
	if (m->running) {
		do
			w = write(m->stop_pipe[1], "x", 1);
		while (w < 0 && errno == EINTR);
		pthread_join(m->thread, NULL);
	}
	if (m->textfile) {
		r = write_textfile(m, &sb);
		if (r < 0)
			log_warn("cannot write the metrics textfile %s: %s",
				 m->textfile, strerror(-r));
	}
	strbuf_release(&sb);
	if (m->listen_fd >= 0)
		close(m->listen_fd);
	close(m->stop_pipe[0]);
	close(m->stop_pipe[1]);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
