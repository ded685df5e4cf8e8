/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "nsinfo.h"
#include "procfs.h"
#include "strbuf.h"
#include "util.h"

int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *out)
{
	const char *open, *close, *p, *end = text + len;
	unsigned long long v;
	size_t n;
	int field;

	memset(out, 0, sizeof(*out));
	open = memchr(text, '(', len);
	if (!open)
		return -EINVAL;
	/* comm may contain ')' : the last one closes it */
	close = NULL;
	for (p = end; p > open; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!close)
		return -EINVAL;
	out->pid = (uint32_t)strtoul(text, NULL, 10);
	n = (size_t)(close - open - 1);
	if (n >= sizeof(out->comm))
		n = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	p = close + 1;
	/* fields after comm start at 3 (state) */
	for (field = 3; p < end && field <= 22; field++) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		if (field == 3) {
			out->state = *p;
		} else if (field == 4 || field == 22) {
			char *e;

			errno = 0;
			v = strtoull(p, &e, 10);
			if (errno || e == p)
				return -EINVAL;
			if (field == 4)
				out->ppid = (uint32_t)v;
			else
				out->starttime_ticks = v;
		}
		while (p < end && *p != ' ')
			p++;
	}
	return field > 22 ? 0 : -EINVAL;
}

static const char *status_field(const char *text, size_t len, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(end - p) > kl && !memcmp(p, key, kl) && p[kl] == ':')
			return p + kl + 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

int procfs_parse_status(const char *text, size_t len, struct procfs_status *out)
{
	const char *v;
	char *e;

	memset(out, 0, sizeof(*out));
	v = status_field(text, len, "Uid");
	if (!v)
		return -EINVAL;
	out->ruid = (uint32_t)strtoul(v, &e, 10);
	out->euid = (uint32_t)strtoul(e, NULL, 10);
	v = status_field(text, len, "Tgid");
	if (v)
		out->tgid = (uint32_t)strtoul(v, NULL, 10);
	v = status_field(text, len, "NSpid");
	if (v) {
		const char *q = v;

		for (;;) {
			unsigned long x;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q < '0' || *q > '9')
				break;
			x = strtoul(q, &e, 10);
			out->nspid_inner = (uint32_t)x;
			q = e;
		}
	}
	v = status_field(text, len, "CapPrm");
	if (v) {
		out->cap_prm = strtoull(v, NULL, 16);
		v = status_field(text, len, "CapEff");
		if (v) {
			out->cap_eff = strtoull(v, NULL, 16);
			out->caps_known = true;
		}
	}
	return 0;
}

char *procfs_join_args(const struct nsw_bytes *argv, int argc, int first,
		       bool *cut)
{
	struct strbuf sb = STRBUF_INIT;
	bool over = false;
	int i;

	for (i = first; i < argc && !over; i++) {
		bool space = memchr(argv[i].p, ' ', argv[i].len) != NULL;
		size_t n = argv[i].len;

		if (i > first)
			strbuf_addc(&sb, ' ');
		if (space)
			strbuf_addc(&sb, '"');
		if (sb.len + n > PROCFS_ARGS_MAX) {
			n = sb.len < PROCFS_ARGS_MAX ? PROCFS_ARGS_MAX - sb.len : 0;
			over = true;
		}
		strbuf_add(&sb, argv[i].p, n);
		if (space && !over)
			strbuf_addc(&sb, '"');
	}
	if (!over && sb.len > PROCFS_ARGS_MAX)
		over = true;	/* the last separator or quote */
	if (over && sb.len > PROCFS_ARGS_MAX) {
		sb.len = PROCFS_ARGS_MAX;
		sb.buf[sb.len] = '\0';
	}
	if (cut)
		*cut = over;
	if (sb.overflow) {
		strbuf_release(&sb);
		errno = ENOMEM;
		return NULL;
	}
	if (!sb.buf)
		return strdup("");
	return sb.buf;
}

/* Read all of fd (bounded by PROCFS_MAX_FILE) and close it. */
static char *read_fd(int fd, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	char *buf, *nb;
	int saved;

	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (cap >= PROCFS_MAX_FILE)
				break;	/* bounded: keep what we have */
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

char *procfs_read_file(const char *procfs, uint32_t pid, const char *name,
		       size_t *lenp)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%u/%s", procfs, pid, name);
	return read_fd(open(path, O_RDONLY | O_CLOEXEC), lenp);
}

int procfs_host_file_is(const char *procfs, uint32_t ref_pid,
			const char *path, uint32_t maj, uint32_t min,
			uint64_t ino)
{
	char full[PATH_MAX];
	struct stat st;
	int n;

	if (!path || path[0] != '/')
		return -EINVAL;
	/* no host root to look in tells nothing */
	snprintf(full, sizeof(full), "%s/%u/root/", procfs, ref_pid);
	if (stat(full, &st) < 0)
		return -errno;
	n = snprintf(full, sizeof(full), "%s/%u/root%s", procfs, ref_pid,
		     path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -ENAMETOOLONG;
	if (stat(full, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	return S_ISREG(st.st_mode) && major(st.st_dev) == maj &&
	       minor(st.st_dev) == min && (uint64_t)st.st_ino == ino;
}

int procfs_open_pid(const char *procfs, uint32_t pid)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%u", procfs, pid);
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

char *procfs_read_file_at(int pid_dir, const char *name, size_t *lenp)
{
	return read_fd(openat(pid_dir, name, O_RDONLY | O_CLOEXEC), lenp);
}

uint64_t procfs_ticks_to_ns(uint64_t ticks)
{
	static long hz;

	if (!hz) {
		hz = sysconf(_SC_CLK_TCK);
		if (hz <= 0)
			hz = 100;
	}
	return ticks * (1000000000ull / (uint64_t)hz);
}

uint64_t procfs_start_id_ns(uint64_t start_ns)
{
	uint64_t tick = procfs_ticks_to_ns(1);

	return start_ns / tick * tick;
}

uint64_t procfs_boot_wall_ns(void)
{
	static uint64_t boot;
	struct timespec rt, bt;

	if (!boot) {
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_BOOTTIME, &bt);
		boot = ((uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec) -
		       ((uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec);
	}
	return boot;
}

static char *read_link_dup(int pid_dir, const char *name)
{
	char buf[PATH_MAX];
	ssize_t n;

	n = readlinkat(pid_dir, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* The task behind an open /proc/<pid> directory has not been reaped:
 * its entries can still be looked up. */
static bool pid_dir_alive(int dir)
{
	struct stat st;

	return fstatat(dir, "stat", &st, 0) == 0;
}

static int read_state_at(int dir, uint32_t pid, struct nsw_process *p,
			 struct cgroup_attr *cg)
{
	struct procfs_status st;
	size_t len;
	char *text;
	int err;

	memset(p, 0, sizeof(*p));
	text = procfs_read_file_at(dir, "status", &len);
	if (!text)
		return -errno;
	err = procfs_parse_status(text, len, &st);
	free(text);
	if (err < 0)
		return err;
	p->pid = p->tid = pid;
	p->uid = st.euid;
	p->auid = NSW_AUID_UNSET;
	p->caps_known = st.caps_known;
	p->cap_permitted = st.cap_prm;
	p->cap_effective = st.cap_eff;
	p->container_pid = st.nspid_inner;
	err = nsinfo_read_at(dir, &p->ns);
	/* an exiting task (a zombie too) has dropped its namespaces, and
	 * leaving its cgroup its cgroup file reads as the root's; a reaped
	 * one cannot be read at all: nothing here says any more where it
	 * ran, and a host cgroup must not be guessed (-ESRCH: gone) */
	if (err == -ENOENT || (err < 0 && !pid_dir_alive(dir)))
		return -ESRCH;
	p->ns_known = err == 0;
	text = procfs_read_file_at(dir, "cgroup", &len);
	if (!text && !pid_dir_alive(dir))
		return -ESRCH;
	if (!text || container_parse_cgroup(text, len, cg) < 0) {
		memset(cg, 0, sizeof(*cg));
		cg->kind = CGROUP_HOST;
	}
	free(text);
	return 0;
}

/* Open /proc/<pid> once and read every file of the process through it. */
static int read_via_dir(const char *procfs, uint32_t pid,
			struct nsw_process *p, struct cgroup_attr *cg,
			int (*fn)(int dir, uint32_t pid, struct nsw_process *p,
				  struct cgroup_attr *cg))
{
	int dir = procfs_open_pid(procfs, pid), err;

	memset(p, 0, sizeof(*p));
	if (dir < 0)
		return dir;
	err = fn(dir, pid, p, cg);
	close(dir);
	return err;
}

int procfs_read_process(const char *procfs, uint32_t pid,
			struct nsw_process *p, struct cgroup_attr *cg)
{
	return read_via_dir(procfs, pid, p, cg, procfs_read_process_at);
}

int procfs_read_process_at(int dir, uint32_t pid, struct nsw_process *p,
			   struct cgroup_attr *cg)
{
	struct procfs_stat s;
	struct cgroup_attr cg_unused;
	struct nsw_bytes argv[NSW_RAW_MAX_ARGS] = { { NULL, 0 } };
	char *text;
	size_t len;
	int argc = 0, err;
	bool cut;

	memset(p, 0, sizeof(*p));
	text = procfs_read_file_at(dir, "stat", &len);
	if (!text)
		return -errno;
	err = procfs_parse_stat(text, len, &s);
	free(text);
	if (err < 0)
		return err;
	/* credentials, capabilities, container pid, namespaces, cgroup */
	err = read_state_at(dir, pid, p, cg ? cg : &cg_unused);
	if (err < 0)
		return err;
	p->ppid = s.ppid;
	text = procfs_read_file_at(dir, "loginuid", NULL);
	if (text) {
		p->auid = (uint32_t)strtoul(text, NULL, 10);
		free(text);
	}
	p->ktime = procfs_ticks_to_ns(s.starttime_ticks);
	p->start_time_ns = procfs_boot_wall_ns() + p->ktime;
	p->flags = NSW_PF_PROCFS;

	p->binary = read_link_dup(dir, "exe");
	if (p->binary) {
		/* a replaced binary reads "path (deleted)": keep the path */
		size_t bl = strlen(p->binary);

		if (bl > 10 && !strcmp(p->binary + bl - 10, " (deleted)"))
			p->binary[bl - 10] = '\0';
	}
	p->cwd = read_link_dup(dir, "cwd");
	if (!p->cwd)
		p->flags |= NSW_PF_NOCWD;
	else if (!strcmp(p->cwd, "/"))
		p->flags |= NSW_PF_ROOTCWD;

	text = procfs_read_file_at(dir, "cmdline", &len);
	if (text) {
		size_t off = 0;

		while (off < len && argc < NSW_RAW_MAX_ARGS) {
			size_t l = strnlen(text + off, len - off);

			argv[argc].p = text + off;
			argv[argc].len = l;
			argc++;
			off += l + 1;
		}
		if (off < len)
			p->flags |= NSW_PF_TRUNC_ARGS;
		p->arguments = procfs_join_args(argv, argc, 1, &cut);
		if (cut)
			p->flags |= NSW_PF_TRUNC_ARGS;
		if (!p->binary && argc > 0)
			p->binary = strndup(argv[0].p, argv[0].len);
		free(text);
	}
	if (!p->binary) {
		/* kernel threads: Tetragon shows the comm */
		p->binary = strdup(s.comm);
	}
	return 0;
}

void procfs_process_clear(struct nsw_process *p)
{
	free(p->binary);
	free(p->arguments);
	free(p->cwd);
	p->binary = p->arguments = p->cwd = NULL;
}

/* read_state_at and the start time, which names the process in its
 * exec_id: the kernel's own value, the same for every monitor */
static int read_state_start_at(int dir, uint32_t pid, struct nsw_process *p,
			       struct cgroup_attr *cg)
{
	struct procfs_stat ps;
	uint64_t ktime = 0;
	size_t len;
	char *text;
	int err;

	text = procfs_read_file_at(dir, "stat", &len);
	if (text) {
		if (procfs_parse_stat(text, len, &ps) == 0)
			ktime = procfs_ticks_to_ns(ps.starttime_ticks);
		free(text);
	}
	err = read_state_at(dir, pid, p, cg);
	if (err == 0)
		p->ktime = ktime;
	return err;
}

int procfs_read_state(const char *procfs, uint32_t pid, struct nsw_process *p,
		      struct cgroup_attr *cg)
{
	return read_via_dir(procfs, pid, p, cg, read_state_start_at);
}
