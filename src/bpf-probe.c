/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf-probe.h"
#include "log.h"
#include "util.h"

/* ---- libbpf messages ------------------------------------------------- */

static char first_warning[256];

/* One call may carry a whole verifier log: log it line by line. */
static __attribute__((format(printf, 2, 0)))
int libbpf_print(enum libbpf_print_level level, const char *fmt,
		 va_list ap)
{
	char *msg = NULL, *line, *save = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	for (line = strtok_r(msg, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if (level == LIBBPF_WARN && !first_warning[0])
			snprintf(first_warning, sizeof(first_warning), "%s",
				 line);
		log_debug("libbpf: %s", line);
	}
	free(msg);
	return 0;
}

void bpf_libbpf_log_init(void)
{
	libbpf_set_print(libbpf_print);
}

void bpf_libbpf_log_reset(void)
{
	first_warning[0] = '\0';
}

const char *bpf_libbpf_first_warning(void)
{
	return first_warning;
}

/* ---- feature probes -------------------------------------------------- */

/* r0 = 0; exit */
static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
	{ .code = BPF_JMP | BPF_EXIT },
};
#define RET0_CNT ARRAY_SIZE(ret0)

static void note(struct bpf_features *f, enum bpf_feat which, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));
static void note(struct bpf_features *f, enum bpf_feat which, const char *fmt,
		 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->note[which], sizeof(f->note[which]), fmt, ap);
	va_end(ap);
}

static int probe_btf(struct bpf_features *f)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int r;

	if (!btf) {
		r = errno ? -errno : -ENOENT;
		note(f, BPF_FEAT_BTF, "no kernel BTF (/sys/kernel/btf/vmlinux): %s",
		     strerror(-r));
		return r;
	}
	btf__free(btf);
	return 0;
}

/* Load the do-nothing program as `type` (lo: its load options, or NULL):
 * its fd, or -errno noted against `which`. */
static int load_ret0(struct bpf_features *f, enum bpf_feat which,
		     enum bpf_prog_type type, struct bpf_prog_load_opts *lo)
{
	int fd = bpf_prog_load(type, NULL, "GPL", ret0, RET0_CNT, lo);

	if (fd < 0)
		note(f, which, "program load: %s", strerror(-fd));
	return fd;
}

static int probe_prog(struct bpf_features *f, enum bpf_feat which,
		      enum bpf_prog_type type)
{
	int fd = load_ret0(f, which, type, NULL);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int probe_ringbuf(struct bpf_features *f)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0,
				page > 0 ? (__u32)page : 4096, NULL);

	if (fd < 0) {
		note(f, BPF_FEAT_RINGBUF, "map create: %s", strerror(-fd));
		return fd;
	}
	close(fd);
	return 0;
}

/* Load a do-nothing BTF-attached program and attach it for a moment. */
static int probe_attach_btf(struct bpf_features *f, enum bpf_feat which,
			    enum bpf_prog_type type,
			    enum bpf_attach_type attach, const char *target)
{
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = attach);
	int id, fd, link;

	id = libbpf_find_vmlinux_btf_id(target, attach);
	if (id < 0) {
		note(f, which, "BTF id of %s: %s", target, strerror(-id));
		return id;
	}
	lo.attach_btf_id = id;
	fd = load_ret0(f, which, type, &lo);
	if (fd < 0)
		return fd;
	link = bpf_raw_tracepoint_open(NULL, fd);
	close(fd);
	if (link < 0) {
		note(f, which, "attach: %s", strerror(-link));
		return link;
	}
	close(link);
	return 0;
}

static int probe_lsm(struct bpf_features *f)
{
	char lsms[256] = "";
	ssize_t n;
	int fd, r;

	r = probe_attach_btf(f, BPF_FEAT_LSM, BPF_PROG_TYPE_LSM, BPF_LSM_MAC,
			     "file_open");
	if (r == 0)
		return 0;
	/* the usual reason: "bpf" missing from the lsm= boot list */
	fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, lsms, sizeof(lsms) - 1);
		close(fd);
		lsms[n > 0 ? n : 0] = '\0';
		if (n > 0 && !strstr(lsms, "bpf")) {
			size_t len = strlen(f->note[BPF_FEAT_LSM]);

			snprintf(f->note[BPF_FEAT_LSM] + len,
				 sizeof(f->note[BPF_FEAT_LSM]) - len,
				 " (\"bpf\" not in active LSMs: %.60s)", lsms);
		}
	}
	return r;
}

static int probe_tracefs(struct bpf_features *f)
{
	static const char *const ids[] = {
		"/sys/kernel/tracing/events/syscalls/sys_enter_setns/id",
		"/sys/kernel/debug/tracing/events/syscalls/sys_enter_setns/id",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (access(ids[i], R_OK) == 0)
			return 0;
	note(f, BPF_FEAT_TRACEFS, "tracefs not mounted or no syscall events "
	     "(only the raw syscall hooks can attach)");
	return -ENOENT;
}

static int probe_send_signal(struct bpf_features *f)
{
	int r = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT,
					BPF_FUNC_send_signal, NULL);

	if (r == 1)
		return 0;
	if (r == 0) {
		note(f, BPF_FEAT_SEND_SIGNAL, "helper not available");
		return -EOPNOTSUPP;
	}
	note(f, BPF_FEAT_SEND_SIGNAL, "probe: %s", strerror(-r));
	return r;
}

int bpf_probe_features(struct bpf_features *f)
{
	memset(f, 0, sizeof(*f));
	f->built = true;
	f->result[BPF_FEAT_BTF] = probe_btf(f);
	f->result[BPF_FEAT_PROG_TRACEPOINT] =
		probe_prog(f, BPF_FEAT_PROG_TRACEPOINT,
			   BPF_PROG_TYPE_TRACEPOINT);
	f->result[BPF_FEAT_PROG_SOCKET_FILTER] =
		probe_prog(f, BPF_FEAT_PROG_SOCKET_FILTER,
			   BPF_PROG_TYPE_SOCKET_FILTER);
	f->result[BPF_FEAT_RINGBUF] = probe_ringbuf(f);
	if (f->result[BPF_FEAT_BTF] == 0) {
		f->result[BPF_FEAT_TP_BTF] =
			probe_attach_btf(f, BPF_FEAT_TP_BTF,
					 BPF_PROG_TYPE_TRACING,
					 BPF_TRACE_RAW_TP,
					 "sched_process_exec");
		f->result[BPF_FEAT_LSM] = probe_lsm(f);
	} else {
		f->result[BPF_FEAT_TP_BTF] = f->result[BPF_FEAT_LSM] = -ENOENT;
		note(f, BPF_FEAT_TP_BTF, "needs kernel BTF");
		note(f, BPF_FEAT_LSM, "needs kernel BTF");
	}
	f->result[BPF_FEAT_TRACEFS] = probe_tracefs(f);
	f->result[BPF_FEAT_SEND_SIGNAL] = probe_send_signal(f);
	return 0;
}
