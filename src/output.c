/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "output.h"
#include "output-rotate.h"
#include "output-syslog.h"

/*
 * Lines are gathered and written together by output_flush(), which the
 * pipeline calls after each batch of kernel records (every poll of a
 * backend), so a line waits at most for the rest of its batch; one
 * write(2) per line cost the eBPF consumer a fifth of its time in an exec
 * storm.
 *
 * Synchronous (replay, ps): lines gather in a 64 KiB buffer written from
 * the caller's thread; a line that does not fit is written on its own.
 * Nothing is ever dropped: a slow reader slows the caller down.
 *
 * With a writer thread (monitor, output_start_writer): the lines go to a
 * ring of `cap' bytes that a thread of ours writes, and output_flush only
 * hands the batch over (earlier within a long batch: PUBLISH_*).  The thread reading the kernel's records never
 * waits for the output: a reader that stops reading (a stopped `| jq', a
 * full disk) would otherwise stop the monitor, fill the eBPF ring buffer
 * or, with the audit backend, the kernel's audit backlog, and then every
 * audited syscall on the host waits for backlog_wait_time.  When the ring
 * is full, new lines are dropped and counted (output_dropped); the last
 * `reserve' bytes take only important lines (alerts, stats), so a stuck
 * output loses routine lines before it loses an alert.
 */
#define OUT_BUF		(64 * 1024)
/* hand a batch over early once this much is waiting: the writer starts
 * on a long batch as the synchronous buffer used to when it filled */
#define PUBLISH_AT	(64 * 1024)
/* ...or once its first line has waited this long (a batch is as long as
 * what the reader found queued, which on a busy host can take
 * milliseconds to encode: the escape line at its start would wait for
 * all of it), and at once for an important line */
#define PUBLISH_AFTER_NS	(200 * 1000)
#define QUEUE_MIN	(256 * 1024)
/*
 * Once the writer has caught up after a burst, the queue's pages beyond
 * the first QUEUE_KEEP bytes are given back (a 10 000-setns burst touches
 * the whole 32 MiB queue, which then stayed in the monitor's RSS for
 * good); a steady trickle reuses the first pages and never gets here.
 */
#define QUEUE_KEEP	(1024 * 1024)
/* at exit, the writer has this long to write what is queued */
#define DRAIN_MS	500
/* interrupts a write(2) blocked on a reader that does not read; a no-op
 * handler without SA_RESTART makes the write return */
#define KICK_SIG	SIGURG

/*
 * Write-behind.  An exec storm makes tens of MB of JSON a second (every
 * line carries the process's ancestors), and left alone the page cache
 * keeps all of it dirty, then cached, until memory pressure: the log
 * crowds out the host's own cache, up to dirty_ratio of memory waits
 * for the flusher, and every page is fresh memory (on a VM whose balloon
 * reports free pages, each one faults on the host first: writing cost
 * the consumer 10x more per byte after the first few hundred MB).  So
 * when the output is a regular file, every `flush_after' bytes the range
 * just written is handed to writeback (sync_file_range, not waiting) and
 * the range handed over the time before that, written by now, is dropped
 * from the cache; its pages are reused for the next lines.  Nothing waits for
 * the writes to finish: a slow disk means more dirty pages, as before.
 * Submitting them does take time in the consumer (2 MiB: ~0.2 ms, at most
 * ~0.4 ms here; 8 MiB: ~0.8 ms, up to 1.5 ms), and a line arriving then
 * waits for it, hence the small default.  With a writer thread that time
 * is the writer's.
 */
#define FLUSH_AFTER_DEFAULT	(2u << 20)
#define FLUSH_AFTER_MAX		(4ull << 30)

struct output {
	/* ---- owned by whoever writes (the writer thread when there is
	 * one, else the caller) */
	int fd;
	char *path;		/* NULL: stdout */
	bool tty;
	bool reg;		/* regular file: a cut line can be taken back */
	size_t partial;		/* bytes of an unfinished line written */
	bool wb;		/* regular file: write-behind on */
	uint64_t flush_after;	/* 0: off */
	uint64_t since;		/* bytes written since the last handover */
	off_t handed;		/* writeback started up to here */
	off_t settled;		/* ...and up to here one handover earlier */
	off_t dropped;		/* dropped from the cache up to here */
	struct syslog_sink *sys;	/* --output syslog: instead of fd */
	uint64_t max_size;	/* rotate before the file passes this; 0 never */
	unsigned int keep;	/* old files kept by rotation */
	uint64_t size;		/* of the file, as far as we wrote it */
	uint64_t rot_retry;	/* a rotation failed: again at this size */

	/* ---- lines not written yet.  Synchronous: ring[0, pending).
	 * Writer thread: ring[head, head + used) is the writer's (mod cap),
	 * then `pending' bytes the caller has not handed over yet, up to
	 * tail. */
	char *ring;
	size_t cap;
	size_t reserve;		/* bytes only important lines may take */
	size_t tail;		/* caller */
	size_t pending;		/* caller */
	uint64_t pending_since;	/* caller: CLOCK_MONOTONIC ns of the first
				 * of the `pending' bytes */
	size_t head;		/* writer */
	size_t used;		/* atomic: the caller adds, the writer takes */
	size_t touched;		/* caller: bytes of the ring used since the
				 * pages past QUEUE_KEEP were given back */

	/* ---- counters, atomic: the writer adds, the caller reads */
	uint64_t errors;	/* lines lost to write errors */
	uint64_t qdrops;	/* lines dropped: queue full, or left at exit */
	uint64_t qdrops_alert;	/* ...of them important */
	int last_err;		/* errno of the last failed write */
	uint64_t rot_fails;	/* rotations that failed... */
	int rot_err;		/* ...the last one's -errno */

	/* ---- writer thread; fields below under lock */
	bool threaded;
	pthread_t thr;
	pthread_mutex_t lock;
	pthread_cond_t wake;	/* the writer waits for lines */
	pthread_cond_t idle;	/* output_finish waits for the writer */
	bool waiting;		/* writer asleep on wake */
	bool stop;		/* write what is queued, then end */
	bool abort;		/* end now; what is queued counts as lost */
	bool done;		/* the writer has ended */
	bool reopen_req;
	uint64_t reopen_mark;	/* reopen once `written' reaches this */
	uint64_t published;	/* bytes handed to the writer in all */
	uint64_t written;	/* bytes the writer is done with */
	uint64_t reopens;	/* reopens done... */
	int reopen_err;		/* ...and how the last one went */

	/* ---- the caller's view of what it has reported */
	uint64_t seen_errors, seen_qdrops, seen_reopens, seen_rot_fails;
};

static uint64_t load64(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static void add64(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

/* ---- opening ---------------------------------------------------------- */

/*
 * The output path is usually in a directory others can write to or
 * plant things in (a log directory shared with a shipper, /tmp in a
 * test).  A symbolic link there would make root append to whatever it
 * points at, a hard link likewise, and a file or FIFO someone else owns
 * lets them read or forge the events.  So: no symbolic link as the last
 * component (O_NOFOLLOW), the file must be ours, not writable by group
 * or others, and have no other link; created 0600.  Character devices
 * (/dev/null, a terminal) are taken as they are.  A FIFO nobody reads
 * would block open(2) before any of that is checked (a planted one
 * would hold the monitor there for good): the first open does not wait,
 * and only a FIFO of ours is then waited on for its reader.
 */
static bool owned_safely(const struct stat *st)
{
	return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int open_path(const char *path)
{
	const int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
			  O_NOCTTY | O_NOFOLLOW;
	struct stat st;
	int fd, fl, err = 0;

	fd = open(path, flags | O_NONBLOCK, 0600);
	if (fd < 0 && errno == ENXIO) {
		/* a FIFO without a reader (or a device without its unit) */
		if (lstat(path, &st) < 0)
			return -errno;
		if (!S_ISFIFO(st.st_mode) || !owned_safely(&st))
			return -EPERM;
		fd = open(path, flags, 0600);
	} else if (fd >= 0) {
		/* writes block as they always did (the writer expects it) */
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
			err = errno;
			close(fd);
			return -err;
		}
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (S_ISCHR(st.st_mode))
		return fd;
	else if (!owned_safely(&st) ||
		 (S_ISREG(st.st_mode) && st.st_nlink > 1))
		err = EPERM;
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

/* Write-behind applies to regular files only (not pipes, terminals). */
static void wb_reset(struct output *out)
{
	struct stat st;

	out->reg = fstat(out->fd, &st) == 0 && S_ISREG(st.st_mode);
	out->size = out->reg ? (uint64_t)st.st_size : 0;
	out->rot_retry = 0;
	out->wb = out->flush_after && out->reg;
	out->since = 0;
	out->handed = out->settled = out->dropped = out->wb ? st.st_size : 0;
}

struct output *output_open(const char *path)
{
	struct output *out = calloc(1, sizeof(*out));
	int saved, fd;

	if (!out)
		return NULL;
	out->flush_after = FLUSH_AFTER_DEFAULT;
	out->cap = OUT_BUF;
	out->ring = malloc(out->cap);
	if (!out->ring)
		goto fail;
	if (syslog_is_spec(path)) {
		int conn_err;

		out->sys = syslog_sink_open(path, &conn_err);
		if (!out->sys)
			goto fail;
		out->fd = syslog_sink_fd(out->sys);
		if (conn_err)
			log_warn("output %s: cannot connect yet (%s); lines are "
				 "counted lost until it can", path,
				 strerror(-conn_err));
		return out;
	}
	if (!path || !strcmp(path, "-")) {
		out->fd = STDOUT_FILENO;
		out->tty = isatty(STDOUT_FILENO);
		wb_reset(out);
		return out;
	}
	out->path = strdup(path);
	if (!out->path)
		goto fail;
	fd = open_path(path);
	if (fd < 0) {
		errno = -fd;
		goto fail;
	}
	out->fd = fd;
	wb_reset(out);
	return out;
fail:
	saved = errno;
	free(out->ring);
	free(out->path);
	free(out);
	errno = saved;
	return NULL;
}

/* ---- writing ---------------------------------------------------------- */

static void write_behind(struct output *out)
{
	off_t pos = lseek(out->fd, 0, SEEK_CUR);
	uint64_t since = out->since;

	out->since = 0;
	if (pos < 0) {
		out->wb = false;
		return;
	}
	/* `since' bytes went in after `handed': a file shorter than that
	 * was truncated under us (copytruncate), even if it has grown past
	 * `handed' again */
	if ((uint64_t)pos < (uint64_t)out->handed + since)
		out->handed = out->settled = out->dropped = 0;
	if (sync_file_range(out->fd, out->handed, pos - out->handed,
			    SYNC_FILE_RANGE_WRITE) < 0) {
		int err = errno;

		if (err == EINVAL || err == ESPIPE || err == ENOSYS) {
			out->wb = false;	/* not for this file system */
			return;
		}
		/* EIO & co.: lines already written may not reach the disk;
		 * the next write says so */
	}
	/* Drop what was handed over two handovers ago, written by now.  Not
	 * the last range: pages still under writeback cannot be dropped,
	 * and when some cannot, the kernel drains the page lists of every
	 * CPU (lru_add_drain_all) and tries again.  What is still busy is
	 * left to ordinary reclaim. */
	if (out->settled > out->dropped) {
		/* the kernel keeps a page that the range only partly covers:
		 * the one the last drop ended in is whole now */
		static off_t page;
		off_t from;

		if (!page)
			page = sysconf(_SC_PAGESIZE) > 0 ?
			       sysconf(_SC_PAGESIZE) : 4096;
		from = out->dropped - out->dropped % page;
		posix_fadvise(out->fd, from, out->settled - from,
			      POSIX_FADV_DONTNEED);
	}
	out->dropped = out->settled;
	out->settled = out->handed;
	out->handed = pos;
}

/* n bytes of p were written: where the last line stands, write-behind. */
static void wrote(struct output *out, const char *p, size_t n)
{
	const char *nl = memrchr(p, '\n', n);

	out->partial = nl ? (size_t)(p + n - nl - 1) : out->partial + n;
	if (!out->wb)
		return;
	out->since += n;
	if (out->since >= out->flush_after)
		write_behind(out);
}

/*
 * A write failed with part of a line already in the file (a short write
 * before ENOSPC or EFBIG): cut it off again, or the next line would be
 * glued to it and both be unreadable.  A pipe cannot take bytes back;
 * its reader sees the cut line end where the next one starts.
 */
static void take_back_partial(struct output *out)
{
	struct stat st;

	if (out->partial && out->reg && fstat(out->fd, &st) == 0 &&
	    (uint64_t)st.st_size >= out->partial &&
	    ftruncate(out->fd, st.st_size - (off_t)out->partial) == 0) {
		out->size = (uint64_t)st.st_size - out->partial;
		if (out->since >= out->partial)
			out->since -= out->partial;
	}
	out->partial = 0;
}

static size_t count_lines(const char *buf, size_t len)
{
	size_t n = 0;
	const char *p = buf, *end = buf + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

/* Lines in the ring's [from, from + len), which may wrap. */
static size_t ring_lines(const struct output *out, size_t from, size_t len)
{
	size_t first = len < out->cap - from ? len : out->cap - from;

	return count_lines(out->ring + from, first) +
	       count_lines(out->ring, len - first);
}

static void wait_writable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	poll(&pfd, 1, ms);
}

/* Log what the writer lost or did since the last report (the writer
 * thread itself never logs). */
static void report(struct output *out)
{
	uint64_t e = load64(&out->errors), q = load64(&out->qdrops);

	if (e != out->seen_errors) {
		out->seen_errors = e;
		log_ratelimited(LOG_LVL_ERR, "output",
				"cannot write event output: %s (%llu lines "
				"lost so far)",
				strerror(__atomic_load_n(&out->last_err,
							 __ATOMIC_RELAXED)),
				(unsigned long long)e);
	}
	if (q != out->seen_qdrops) {
		out->seen_qdrops = q;
		log_ratelimited(LOG_LVL_WARN, "output-queue",
				"event output is not keeping up: %llu lines "
				"dropped so far (%llu with alerts)",
				(unsigned long long)q, (unsigned long long)
				load64(&out->qdrops_alert));
	}
	e = load64(&out->rot_fails);
	if (e != out->seen_rot_fails) {
		out->seen_rot_fails = e;
		log_ratelimited(LOG_LVL_ERR, "output-rotate",
				"cannot rotate output %s: %s (still writing "
				"to the old file)", out->path,
				strerror(-__atomic_load_n(&out->rot_err,
							  __ATOMIC_RELAXED)));
	}
	if (out->threaded) {
		uint64_t n;
		int err;

		pthread_mutex_lock(&out->lock);
		n = out->reopens;
		err = out->reopen_err;
		pthread_mutex_unlock(&out->lock);
		if (n != out->seen_reopens) {
			out->seen_reopens = n;
			if (err)
				log_err("cannot reopen output %s: %s",
					out->path, strerror(-err));
			else
				log_info("output reopened");
		}
	}
}

static int reopen_fd(struct output *out);

/* Size rotation (output-rotate.c): move the file away, open a new one
 * the same safe way.  When that fails, writing goes on in the old file
 * and rotation is tried again after another max_size bytes. */
static void rotate_now(struct output *out)
{
	int r = rotate_shift(out->path, out->keep);

	if (r == 0)
		r = reopen_fd(out);
	if (r < 0) {
		out->rot_retry = out->size + out->max_size;
		__atomic_store_n(&out->rot_err, r, __ATOMIC_RELAXED);
		add64(&out->rot_fails, 1);
	}
}

/* write(2) to the output: the syslog sink, or the file, rotated first
 * when the bytes would take it past max_size (whole lines only). */
static ssize_t out_write(struct output *out, const char *p, size_t len)
{
	ssize_t n;

	if (out->sys) {
		uint64_t lost = 0;
		int err = 0;

		n = syslog_sink_write(out->sys, p, len, &lost, &err);
		out->fd = syslog_sink_fd(out->sys);	/* after a reconnect */
		if (lost) {
			__atomic_store_n(&out->last_err, err, __ATOMIC_RELAXED);
			add64(&out->errors, lost);
		}
		return n;
	}
	if (out->max_size && out->reg && out->size >= out->rot_retry) {
		size_t room = rotate_room(out->size, out->max_size,
					  out->partial != 0, p, len);

		if (!room) {
			rotate_now(out);
			room = rotate_room(out->size, out->max_size,
					   out->partial != 0, p, len);
			if (!room)	/* not rotated: on in the old file */
				room = len;
		}
		len = room;
	}
	n = write(out->fd, p, len);
	if (n > 0)
		out->size += (uint64_t)n;
	return n;
}

/* A write failed with err and `lost' lines were not written. */
static void write_failed(struct output *out, int err, size_t lost)
{
	take_back_partial(out);
	__atomic_store_n(&out->last_err, err, __ATOMIC_RELAXED);
	add64(&out->errors, lost);
}

/* Synchronous: write buf whole; retries short writes, EINTR and EAGAIN.
 * On failure the lines not written are counted lost. */
static int write_all(struct output *out, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = out_write(out, buf + off, len - off);

		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			if (err == EINTR)
				continue;
			if (err == EAGAIN) {
				/* a non-blocking reader is slow: wait */
				wait_writable(out->fd, 100);
				continue;
			}
			/* a line cut by the failure counts as lost */
			write_failed(out, err, count_lines(buf + off,
							   len - off));
			report(out);
			return -err;
		}
		wrote(out, buf + off, (size_t)n);
		off += (size_t)n;
	}
	return 0;
}

static int reopen_fd(struct output *out)
{
	int fd = open_path(out->path);

	if (fd < 0)
		return fd;
	if (out->wb)
		write_behind(out);	/* the old file's tail */
	close(out->fd);
	out->fd = fd;
	out->partial = 0;
	wb_reset(out);
	return 0;
}

/* ---- the writer thread ------------------------------------------------ */

static void on_kick(int sig)
{
	(void)sig;
}

/* Called with lock held; returns with it held. */
static void writer_reopen(struct output *out)
{
	int r;

	out->reopen_req = false;
	pthread_mutex_unlock(&out->lock);
	r = reopen_fd(out);
	pthread_mutex_lock(&out->lock);
	out->reopen_err = r;
	out->reopens++;
}

/* Called with lock held, `n' bytes at head; returns with it held. */
static void writer_write(struct output *out, size_t n)
{
	const char *p = out->ring + out->head;
	size_t len = n < out->cap - out->head ? n : out->cap - out->head;
	size_t lines;
	ssize_t w;
	int err;

	pthread_mutex_unlock(&out->lock);
	w = out_write(out, p, len);
	err = w < 0 ? errno : w == 0 ? EIO : 0;
	if (w > 0)
		wrote(out, p, (size_t)w);
	else if (err == EAGAIN)
		wait_writable(out->fd, 200);
	if (err && err != EINTR && err != EAGAIN) {
		/* lost: everything queued (as a synchronous write loses its
		 * batch), the cut line included; the next lines try again */
		lines = ring_lines(out, out->head, n);
		write_failed(out, err, lines);
		w = (ssize_t)n;
	}
	pthread_mutex_lock(&out->lock);
	if (w > 0) {
		out->head = (out->head + (size_t)w) % out->cap;
		out->written += (uint64_t)w;
		__atomic_fetch_sub(&out->used, (size_t)w, __ATOMIC_RELEASE);
	}
}

static void *writer_main(void *arg)
{
	struct output *out = arg;
	size_t used;

	pthread_mutex_lock(&out->lock);
	for (;;) {
		if (out->abort)
			break;
		if (out->reopen_req && out->written >= out->reopen_mark) {
			writer_reopen(out);
			continue;
		}
		used = __atomic_load_n(&out->used, __ATOMIC_ACQUIRE);
		if (!used) {
			if (out->stop)
				break;
			out->waiting = true;
			pthread_cond_wait(&out->wake, &out->lock);
			out->waiting = false;
			continue;
		}
		/* not past a reopen: what follows is for the new file */
		if (out->reopen_req && used > out->reopen_mark - out->written)
			used = (size_t)(out->reopen_mark - out->written);
		writer_write(out, used);
	}
	/* what could not be written in time is lost, and counted */
	used = __atomic_load_n(&out->used, __ATOMIC_ACQUIRE);
	if (used) {
		size_t lines = ring_lines(out, out->head, used);

		add64(&out->qdrops, lines);
		take_back_partial(out);
	}
	out->done = true;
	pthread_cond_broadcast(&out->idle);
	pthread_mutex_unlock(&out->lock);
	return NULL;
}

int output_start_writer(struct output *out, size_t queue_bytes)
{
	struct sigaction sa;
	pthread_condattr_t ca;
	sigset_t all, old;
	char *ring;
	int r;

	if (out->threaded)
		return -EALREADY;
	if (queue_bytes < QUEUE_MIN)
		queue_bytes = QUEUE_MIN;
	/* lines already gathered go first, synchronously */
	r = output_flush(out);
	if (r < 0)
		return r;
	ring = malloc(queue_bytes);
	if (!ring)
		return -ENOMEM;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIG, &sa, NULL);
	pthread_mutex_init(&out->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&out->idle, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&out->wake, NULL);
	free(out->ring);
	out->ring = ring;
	out->cap = queue_bytes;
	/* room for a few hundred alert lines once routine ones fill it */
	out->reserve = queue_bytes / 8;
	out->head = out->tail = out->pending = out->used = 0;
	out->touched = 0;
	out->waiting = out->stop = out->abort = out->done = false;
	out->reopen_req = false;
	/* the writer takes no process signals (SIGTERM, SIGHUP go to the
	 * thread that acts on them), only the kick */
	sigfillset(&all);
	sigdelset(&all, KICK_SIG);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&out->thr, NULL, writer_main, out);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0) {
		pthread_cond_destroy(&out->wake);
		pthread_cond_destroy(&out->idle);
		pthread_mutex_destroy(&out->lock);
		return r;
	}
	out->threaded = true;
	return 0;
}

/* Hand what the caller gathered to the writer. */
static void publish(struct output *out)
{
	if (!out->pending)
		return;
	pthread_mutex_lock(&out->lock);
	__atomic_fetch_add(&out->used, out->pending, __ATOMIC_RELEASE);
	out->published += out->pending;
	out->pending = 0;
	if (out->waiting)
		pthread_cond_signal(&out->wake);
	pthread_mutex_unlock(&out->lock);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Give the queue's pages past QUEUE_KEEP back (they read as zeros when
 * touched again).  Failure costs memory, nothing else. */
static void release_pages(struct output *out)
{
	static size_t page;
	uintptr_t from, to;

	if (!page)
		page = sysconf(_SC_PAGESIZE) > 0 ?
		       (size_t)sysconf(_SC_PAGESIZE) : 4096;
	from = (uintptr_t)out->ring + QUEUE_KEEP;
	from = (from + page - 1) / page * page;
	to = (uintptr_t)out->ring + out->touched;
	to = to / page * page;
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	out->touched = 0;
}

static int queue_lines(struct output *out, const char *buf, size_t len,
		       bool important)
{
	size_t limit = out->cap - (important ? 0 : out->reserve);
	/* the writer only ever frees space: a stale value is safe */
	size_t used = __atomic_load_n(&out->used, __ATOMIC_ACQUIRE);
	size_t first;
	uint64_t now;

	/* the writer has caught up: start again at the ring's start, so
	 * that a steady trickle keeps using the same few pages and only a
	 * burst touches the rest */
	if (!used && !out->pending && out->tail) {
		pthread_mutex_lock(&out->lock);
		if (!__atomic_load_n(&out->used, __ATOMIC_ACQUIRE)) {
			out->head = out->tail = 0;
			/* nothing queued: the writer reads none of it */
			if (out->touched > QUEUE_KEEP)
				release_pages(out);
		}
		pthread_mutex_unlock(&out->lock);
	}

	if (used + out->pending + len > limit) {
		size_t lines = count_lines(buf, len);

		add64(&out->qdrops, lines);
		if (important)
			add64(&out->qdrops_alert, lines);
		return -ENOBUFS;
	}
	first = len < out->cap - out->tail ? len : out->cap - out->tail;
	memcpy(out->ring + out->tail, buf, first);
	memcpy(out->ring, buf + first, len - first);
	if (first < len || out->tail + len > out->touched)
		out->touched = first < len ? out->cap : out->tail + len;
	out->tail = (out->tail + len) % out->cap;
	now = mono_ns();
	if (!out->pending)
		out->pending_since = now;
	out->pending += len;
	if (important || out->pending >= PUBLISH_AT ||
	    now - out->pending_since >= PUBLISH_AFTER_NS)
		publish(out);
	return 0;
}

/* ---- the interface ---------------------------------------------------- */

static int write_lines(struct output *out, const char *buf, size_t len,
		       bool important)
{
	int r = 0;

	if (out->threaded)
		return queue_lines(out, buf, len, important);
	if (out->pending + len > out->cap)
		r = output_flush(out);
	if (len >= out->cap) {
		int w = write_all(out, buf, len);

		return r < 0 ? r : w;
	}
	memcpy(out->ring + out->pending, buf, len);
	out->pending += len;
	return r;
}

int output_write(struct output *out, const char *buf, size_t len)
{
	return write_lines(out, buf, len, false);
}

int output_write_important(struct output *out, const char *buf, size_t len)
{
	return write_lines(out, buf, len, true);
}

int output_reopen(struct output *out)
{
	if (!out->path)
		return 0;
	if (out->threaded) {
		/* after the lines queued so far, in the writer: opening a
		 * FIFO waits for its reader */
		publish(out);
		pthread_mutex_lock(&out->lock);
		out->reopen_req = true;
		out->reopen_mark = out->published;
		if (out->waiting)
			pthread_cond_signal(&out->wake);
		pthread_mutex_unlock(&out->lock);
		return 1;
	}
	output_flush(out);	/* what came before goes to the old file */
	return reopen_fd(out);
}

int output_set_rotate(struct output *out, uint64_t max_size,
		      unsigned int keep)
{
	if (!out->path || !out->reg)
		return -EINVAL;
	if (out->threaded)
		return -EBUSY;
	out->max_size = max_size;
	out->keep = keep;
	return 0;
}

void output_set_flush_after(struct output *out, uint64_t bytes)
{
	if (out->threaded)
		return;		/* the writer's now */
	out->flush_after = bytes < FLUSH_AFTER_MAX ? bytes : FLUSH_AFTER_MAX;
	wb_reset(out);
}

int output_flush(struct output *out)
{
	int r;

	if (out->threaded) {
		publish(out);
		report(out);
		return 0;
	}
	if (!out->pending)
		return 0;
	r = write_all(out, out->ring, out->pending);
	out->pending = 0;
	report(out);	/* lines the syslog sink could not send */
	return r;
}

static void deadline_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void output_finish(struct output *out)
{
	struct timespec dl;

	if (!out->threaded) {
		output_flush(out);
		return;
	}
	publish(out);
	pthread_mutex_lock(&out->lock);
	out->stop = true;
	if (out->waiting)
		pthread_cond_signal(&out->wake);
	deadline_in(&dl, DRAIN_MS);
	while (!out->done &&
	       pthread_cond_timedwait(&out->idle, &out->lock, &dl) != ETIMEDOUT)
		;
	/* the reader is not reading: interrupt the write it waits in, and
	 * again should the kick come between two writes */
	out->abort = true;
	while (!out->done) {
		pthread_kill(out->thr, KICK_SIG);
		deadline_in(&dl, 20);
		pthread_cond_timedwait(&out->idle, &out->lock, &dl);
	}
	pthread_mutex_unlock(&out->lock);
	pthread_join(out->thr, NULL);
	report(out);		/* a last reopen too */
	pthread_cond_destroy(&out->wake);
	pthread_cond_destroy(&out->idle);
	pthread_mutex_destroy(&out->lock);
	out->threaded = false;
	out->head = out->tail = out->pending = out->used = 0;
	out->touched = 0;
}

uint64_t output_errors(const struct output *out)
{
	return load64(&out->errors);
}

uint64_t output_dropped(const struct output *out)
{
	return load64(&out->qdrops);
}

uint64_t output_dropped_important(const struct output *out)
{
	return load64(&out->qdrops_alert);
}

bool output_is_tty(const struct output *out)
{
	return out->tty;
}

void output_close(struct output *out)
{
	if (!out)
		return;
	output_finish(out);
	if (out->path)
		close(out->fd);
	syslog_sink_close(out->sys);
	free(out->path);
	free(out->ring);
	free(out);
}
