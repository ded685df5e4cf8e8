/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run-time options shared by the subcommands. */
#ifndef NSWATCH_OPTIONS_H
#define NSWATCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

enum nsw_format { NSW_FMT_JSON, NSW_FMT_COMPACT, NSW_FMT_TABLE };

/* --exec-rules (audit backend): which execve/execveat rules to install.
 * Only consulted when exec_rules is true; exec_rules false means none. */
enum nsw_exec_rules {
	NSW_EXEC_RULES_ALL,		/* every exec (default) */
	NSW_EXEC_RULES_CONTAINERS,	/* auid unset or SELinux container domain */
	NSW_EXEC_RULES_NONE,		/* namespace syscalls only */
};

struct nsw_options {
	const char *procfs;		/* default "/proc" */
	const char *rootfs;		/* prefix for runtime state dirs, default "" */
	char node_name[256];
	const char *cluster_name;	/* default "default" */
	const char *backend;		/* auto, bpf, audit */
	const char *audit_source;	/* auto, plugin, multicast, netlink */
	const char *btf_path;		/* default /sys/kernel/btf/vmlinux */
	const char *bpf_hooks;		/* eBPF syscall hooks: NULL or "auto"
					 * (raw, else tracepoint), "raw",
					 * "tracepoint" */
	const char *ready_file;
	const char *output_path;	/* NULL: stdout */
	unsigned int output_flush_after;	/* MiB of write-behind, 0 off */
	uint64_t output_max_size;	/* rotate the file past this, 0 never */
	unsigned int output_keep;	/* old files kept by rotation */
	unsigned int output_queue;	/* monitor: MiB queued for the writer
					 * thread, 0 writes synchronously */
	unsigned int rt_priority;	/* monitor: SCHED_RR priority, 0 off */
	unsigned int sched_slice;	/* monitor: normal-policy slice in µs,
					 * 0 the kernel's default */
	const char *policy_path;
	enum nsw_format format;
	bool exec_rules;		/* install execve rules (audit) */
	enum nsw_exec_rules exec_rules_mode; /* which ones; default ALL */
	bool enforce;
	bool enforce_nsenter;		/* eBPF: nsenter exec in a container
					 * is denied (BPF LSM) or killed */
	unsigned int enforce_escape;	/* eBPF: NSW_BPF_EE_* bits, escape
					 * syscalls of rules with action=kill */
	unsigned int stats_interval;	/* seconds, 0 = only at exit */
	const char *metrics_address;	/* monitor: HTTP /metrics, NULL off */
	const char *metrics_textfile;	/* monitor: node_exporter file, NULL */
	unsigned int rate_limit;	/* eBPF: namespace call records per
					 * second and mount namespace of
					 * processes in containers; 0 off */
	/* filters */
	const char *f_pod;
	const char *f_namespace;
	const char *f_container;
	uint32_t f_event_types;		/* bit per enum nsw_event_type; 0 all */
	bool f_alerts_only;
	bool f_host_only;
	bool f_containers_only;
};

/* Fill defaults; node name from NODE_NAME or the host name. */
void options_init(struct nsw_options *o);

/* The options that take one of a few words: their words are listed in
 * options.c only, and every command checks them there. */
enum nsw_word_opt {
	NSW_WORDS_BACKEND,	/* auto, bpf, audit */
	NSW_WORDS_AUDIT_SOURCE,	/* auto, plugin, multicast, netlink */
	NSW_WORDS_EXEC_RULES,	/* enum nsw_exec_rules */
	NSW_WORDS_BPF_HOOKS,	/* auto, raw, tracepoint */
	NSW_WORDS_FORMAT,	/* json, compact (enum nsw_format) */
};
/* A whole decimal number from 0 to max (no sign, nothing after it) into
 * *out: 0, else -EINVAL and *out untouched. */
int options_parse_uint(const char *arg, unsigned long max,
		       unsigned int *out);

/* --backend's words, by position */
enum nsw_backend_word { NSW_BACKEND_AUTO, NSW_BACKEND_BPF, NSW_BACKEND_AUDIT };
/* Position of arg among the words of `which` (for --exec-rules and
 * --format the enum value), or -EINVAL. */
int options_word(enum nsw_word_opt which, const char *arg);
/* The word at position i, "?" when there is none. */
const char *options_word_name(enum nsw_word_opt which, int i);
/* Print "nswatch CMD: --OPT must be A, B or C" to stderr; -EINVAL. */
int options_bad_word(enum nsw_word_opt which, const char *cmd);
/* Set the field of o that `which` names from arg; a word it does not
 * take: options_bad_word(). */
int options_set_word(struct nsw_options *o, enum nsw_word_opt which,
		     const char *arg, const char *cmd);

#endif
