/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nswatch's audit rules: what they are (one table, printed in augenrules
 * form by `nswatch rules` and shipped as rules/nswatch.rules), and how
 * they are put into and taken out of the kernel through libaudit.
 *
 * Ownership: nswatch removes only rules it added itself.  An add that
 * fails with EEXIST (auditd already loaded the same rule from rules.d)
 * leaves that rule to auditd.  Rules nswatch added are listed in a state
 * file, /run/nswatch/audit-rules.<pid>, so the rules of an nswatch that
 * died (kill -9) are found and removed by the next start, and persistent
 * rules loaded by augenrules are never touched.
 *
 * Nothing here logs; functions return 0 or -errno.  Only libaudit API
 * present in audit 2.8.5 is used.
 */
#ifndef NSWATCH_AUDIT_RULES_H
#define NSWATCH_AUDIT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct audit_rule_data;
struct strbuf;

/* Every rule carries -F key=nswatch. */
#define AUDIT_RULES_KEY "nswatch"
/* Where the ownership state files live (NSWATCH_RUNTIME_DIR overrides). */
#define AUDIT_RULES_STATE_DIR "/run/nswatch"
/* CLONE_NEW{TIME,NS,CGROUP,UTS,IPC,USER,PID,NET}, for -F a0&... on clone
 * and unshare */
#define AUDIT_RULES_CLONE_MASK "0x7E020080"
/* Namespace calls that fail with EBADF or EINVAL change no namespace
 * (the eBPF backend holds them back in the kernel too): setns(-1, 0) in a
 * loop would otherwise flood the audit queue until the kernel drops
 * records, the escape among them.  Other failures (EPERM: a denied
 * attempt) stay audited.  By number: audit 2.8's auditctl knows no errno
 * names. */
#define AUDIT_RULES_NO_EBADF "exit!=-9"
#define AUDIT_RULES_NO_EINVAL "exit!=-22"

/* bpf(2)'s BPF_PROG_LOAD command, for -F a0= on bpf */
#define AUDIT_RULES_BPF_PROG_LOAD "5"

/* Flags for audit_rules_build() and audit_ruleset_new(). */
#define AUDIT_RULES_NO_CLONE3	0x1u	/* leave clone3 out */
#define AUDIT_RULES_NO_B32	0x2u	/* no 32-bit ABI rules */
/* audit_rules_text() for audit 2.8's auditctl, whose syscall table
 * predates clone3: that syscall by number (AUDIT_RULES_CLONE3_NR) */
#define AUDIT_RULES_AUDIT28	0x4u
/* clone3's number on every architecture with the common syscall table
 * (x86_64, i386, arm, aarch64, ppc, s390) */
#define AUDIT_RULES_CLONE3_NR	"435"

enum audit_rule_group {
	AUDIT_GRP_NS,		/* setns, unshare with CLONE_NEW* */
	AUDIT_GRP_CLONE,	/* clone with CLONE_NEW* */
	AUDIT_GRP_CLONE3,	/* clone3 (unfilterable) */
	AUDIT_GRP_ESCAPE,	/* module, BPF, open_by_handle_at */
	AUDIT_GRP_EXEC,		/* execve, execveat */
};

/* Most -F pairs of one rule besides arch and key. */
#define AUDIT_RULE_FIELDS 3

/* One `-a always,exit` rule. */
struct audit_rule_spec {
	enum audit_rule_group group;
	bool b32;		/* -F arch=b32, else b64 */
	const char *syscalls;	/* as after -S: "execve,execveat" */
	/* more -F pairs (ANDed by the kernel), NULL-terminated when fewer */
	const char *fields[AUDIT_RULE_FIELDS];
};

#define AUDIT_RULES_MAX 24

/* "all", "containers", "none" (options_word() parses them) */
const char *audit_rules_mode_name(enum nsw_exec_rules mode);
/* The effective mode of the options (exec_rules false: none). */
enum nsw_exec_rules audit_rules_mode(const struct nsw_options *o);

/* The rules for a mode, in load order.  Fills out[0..max) and returns
 * how many there are (never more than AUDIT_RULES_MAX). */
size_t audit_rules_build(enum nsw_exec_rules mode, unsigned int flags,
			 struct audit_rule_spec *out, size_t max);
/* The augenrules line of one rule, without newline.  0 or -ENOSPC. */
int audit_rule_format(const struct audit_rule_spec *r, char *buf,
		      size_t len);
/* The whole rules file (comments and rules) for a mode; flags as for
 * audit_rules_build(), plus AUDIT_RULES_AUDIT28.  0 or -ENOMEM. */
int audit_rules_text(enum nsw_exec_rules mode, unsigned int flags,
		     struct strbuf *sb);
/* "auditctl version 2.8.5" (auditctl -v) -> 2, and "2.8.5" into ver
 * (may be NULL); -EINVAL if no version. */
int audit_rules_parse_auditctl_version(const char *s, char *ver, size_t len);
/* Major version of this host's auditctl (`auditctl -v`, PATH then the
 * sbin directories), its full version into ver; -errno if none. */
int audit_rules_auditctl_version(char *ver, size_t len);
/* Does this libaudit know clone3 (audit >= 3.0)? */
bool audit_rules_clone3_known(void);
/* Does this libaudit support the 32-bit ABI of this machine? */
bool audit_rules_b32_known(void);

/* Kernel data for one rule (flags/action not set).  NULL with errno:
 * ENOENT when libaudit does not know a syscall for that ABI.  Free with
 * audit_rule_free_data(). */
struct audit_rule_data *audit_rule_spec_data(const struct audit_rule_spec *r);

/* ---- the kernel's rule list ---------------------------------------- */

struct audit_rule_list {
	struct audit_rule_data **rules;	/* copies, in kernel order */
	size_t n;
};

/* AUDIT_LIST_RULES on an audit_open() fd.  0 or -errno. */
int audit_rules_list(int fd, struct audit_rule_list *out);
void audit_rule_list_free(struct audit_rule_list *l);
/* Does a rule carry key (one of its \001-separated keys)? */
bool audit_rule_has_key(const struct audit_rule_data *r, const char *key);
/* Same rule (list, action, fields, syscalls, strings)? */
bool audit_rule_same(const struct audit_rule_data *a,
		     const struct audit_rule_data *b);

/* Facts about a rule list that decide whether our events can arrive. */
struct audit_rules_survey {
	unsigned int total;
	unsigned int ours;		/* with key nswatch */
	unsigned int never_exit;	/* never rules on the exit list */
	unsigned int never_task;	/* never rules on the task list */
	bool eoe_excluded;		/* -a exclude,always -F msgtype=EOE */
};
void audit_rules_survey(const struct audit_rule_list *l,
			struct audit_rules_survey *out);

/* ---- a rule set nswatch wants in the kernel ------------------------ */

struct audit_ruleset;

/* The rules for mode as kernel data.  Rules libaudit cannot express
 * here (clone3 on audit 2.8, b32 without a 32-bit table) are dropped and
 * reported by audit_ruleset_notes().  NULL with errno. */
struct audit_ruleset *audit_ruleset_new(enum nsw_exec_rules mode,
					unsigned int flags);
/* Why rules were dropped, e.g. "clone3 unknown to libaudit 2.8"; "" if
 * none.  Valid until the set is freed. */
const char *audit_ruleset_notes(const struct audit_ruleset *rs);
size_t audit_ruleset_count(const struct audit_ruleset *rs);
/* Add every rule of the set that is not loaded yet; EEXIST means auditd
 * (or another nswatch) has it, which is fine.  clone3 refused by the
 * kernel with EINVAL is dropped and noted.  Any other failure undoes this
 * call's adds and returns -errno with the failing rule in why.  State is
 * recorded in the state file when it can be (see the file comment).
 * *added: rules this call added. */
int audit_ruleset_install(struct audit_ruleset *rs, int fd,
			  unsigned int *added, char *why, size_t whylen);
/* Remove the rules this set added (and its state file).  0, or the first
 * -errno (the others are still tried). */
int audit_ruleset_remove(struct audit_ruleset *rs, int fd);
/* Rules the set added that are still in the kernel. */
unsigned int audit_ruleset_owned(const struct audit_ruleset *rs);
/* Compare the kernel list with the set: returns how many rules of the
 * set are missing (0: complete) and names them in missing ("b64 setns,
 * unshare; ...").  A rule we added counts only if it is still there
 * unchanged (its ownership is dropped otherwise, so that a later install
 * re-adds it); any other rule also counts when a key=nswatch rule covers
 * its syscalls.  -errno when the list cannot be read. */
int audit_ruleset_check(struct audit_ruleset *rs, int fd, char *missing,
			size_t len);
/* Coverage check of every rule against a list already read (no
 * ownership update); for plugin mode and `nswatch rules --check`. */
unsigned int audit_ruleset_missing(const struct audit_ruleset *rs,
				   const struct audit_rule_list *l,
				   char *missing, size_t len);
/*
 * A rule of someone else's (without key nswatch) that hides records our
 * rules ask for:
 *  - action never on the exit list, before the first kernel rule that
 *    serves one of our rules (the first exit rule that matches a call
 *    decides), for one of its syscalls and an arch it may match;
 *  - action never on the task list, which decides before any syscall
 *    rule whether a new process is audited at all;
 *  - any rule on the exclude list (`-a exclude,always`) that may drop
 *    SYSCALL, CONFIG_CHANGE or (with exec rules) EXECVE or PATH records:
 *    that list drops a record on its first match whatever the action or
 *    position.
 * Conservative: of a never rule only the list, syscall mask and arch are
 * read, of an exclude rule only its msgtype tests, so one with more
 * fields (-F auid=1000, -F exe=/tmp/x: it hides some processes only)
 * still counts.  Returns the index in l of the first such rule, -1 if
 * none; what names it ("exit,never -F auid=1000 before b64 setns",
 * "task,never", "exclude -F msgtype=SYSCALL drops SYSCALL records").
 */
long audit_ruleset_shadowed(const struct audit_ruleset *rs,
			    const struct audit_rule_list *l, char *what,
			    size_t len);
/* The same, looking from index from on: the next hiding rule. */
long audit_ruleset_shadowed_from(const struct audit_ruleset *rs,
				 const struct audit_rule_list *l, size_t from,
				 char *what, size_t len);
void audit_ruleset_free(struct audit_ruleset *rs);

/* Kernel data for a rule line of a state file, today's shape or an older
 * one of ours (always,exit, arch, -S, fields, key=nswatch last); NULL for
 * any other line.  Free with audit_rule_free_data(). */
struct audit_rule_data *audit_rule_line_data(const char *line);
/* Remove rules recorded by nswatch processes that no longer run (their
 * state files, in any format nswatch has written), then the files.
 * *removed counts deleted rules. */
int audit_rules_cleanup_stale(int fd, unsigned int *removed);

/* ---- audit status (AUDIT_GET) --------------------------------------- */

/* struct audit_status as the newest kernels send it; older kernels send
 * a prefix, the rest stays 0.  Field order is the kernel ABI. */
struct audit_status_v {
	uint32_t mask;
	uint32_t enabled;	/* 0 off, 1 on, 2 locked */
	uint32_t failure;	/* 0 silent, 1 printk, 2 panic */
	uint32_t pid;		/* audit daemon, 0 none */
	uint32_t rate_limit;
	uint32_t backlog_limit;
	uint32_t lost;
	uint32_t backlog;
	uint32_t feature_bitmap;
	uint32_t backlog_wait_time;
	uint32_t backlog_wait_time_actual;
	size_t len;		/* bytes the kernel sent */
};

/* The directory of nswatch's state files (NSWATCH_RUNTIME_DIR, else
 * AUDIT_RULES_STATE_DIR). */
const char *audit_rules_state_dir(void);
/* Whether process PID still runs and started at START (field 22 of
 * /proc/PID/stat), i.e. is the owner a state file names. */
bool audit_rules_owner_alive(long pid, unsigned long long start);
/* Replace the state file PATH with TEXT: written to PATH.tmp (0600,
 * O_NOFOLLOW), then renamed over PATH, so a reader sees the old file or
 * the whole new one.  0 or -errno. */
int audit_rules_write_state(const char *path, const char *text, size_t len);
/* Field 22 of /proc/PID/stat, 0 when unknown. */
unsigned long long audit_rules_proc_starttime(long pid);

/* AUDIT_GET on an audit_open() fd.  0 or -errno. */
int audit_status_get(int fd, struct audit_status_v *st);

#endif
