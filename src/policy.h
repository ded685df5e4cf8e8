/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Detection policy: per-rule enable/severity/action, allowlists, and which
 * events are emitted.  Pure: parsing returns errors with line numbers,
 * never logs.  Format: man/nswatch-policy.5.
 */
#ifndef NSWATCH_POLICY_H
#define NSWATCH_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define POLICY_DEFAULT_PATH SYSCONFDIR "/nswatch/policy.conf"
#define POLICY_MAX_ALLOW 256

enum policy_action { POLICY_ACTION_ALERT, POLICY_ACTION_KILL };

struct policy_rule {
	bool enabled;
	bool severity_set;
	enum nsw_severity severity;
	enum policy_action action;
};

/* One allow line: every field given must match (globs with * and ?). */
struct policy_allow {
	int rule;		/* enum nsw_rule, or -1 for all rules */
	char *binary;
	char *container;	/* id prefix or container name */
	char *pod;
	char *namespace;
	char *image;
	unsigned int line;
};

struct policy {
	struct policy_rule rules[NSW_RULE_COUNT];
	struct policy_allow allow[POLICY_MAX_ALLOW];
	size_t n_allow;
	uint32_t emit_types;	/* bit per enum nsw_event_type; 0 = all */
	bool emit_alerts_only;
};

/* Defaults: every rule on with its built-in severity, action alert. */
void policy_init(struct policy *p);
/* Parse policy text into p (on top of the defaults).  On error returns
 * -EINVAL and writes "LINE: reason" into err. */
int policy_parse(struct policy *p, const char *text, size_t len,
		 char *err, size_t errlen);
/* Read and parse a file; -errno with the reason in err ("path:line:
 * reason" for syntax errors). */
int policy_load(struct policy *p, const char *path, char *err, size_t errlen);
void policy_free(struct policy *p);

/* Apply the policy to the alerts of ev: drop disabled and allowlisted
 * ones, set severities (an alert marked possible_escape answers to
 * setns-escape-to-host: its allow lines, enabled flag, severity and
 * action, whatever rule it is reported under).  Returns true when a kept
 * alert's rule has action kill. */
bool policy_apply(const struct policy *p, struct nsw_event *ev);
/* Whether allow line a is broader than anyone means: every field it
 * gives matches any value that field takes (a bare star; for a binary
 * a slash and a star, as every path is absolute; a question mark and a
 * star for a name: tried on varied sample values), so it silences
 * its rule (or every rule) for every process, or every container process.  When it is, a sentence
 * saying so goes into buf (pure; the caller prefixes file and line). */
bool policy_allow_too_broad(const struct policy_allow *a, char *buf,
			    size_t len);
/* Escape syscall rules whose action is kill (and enabled), as bits
 * POLICY_KILL_* (the eBPF knob enforce_escape's NSW_BPF_EE_* values). */
#define POLICY_KILL_MODULE	(1u << 0)	/* kernel-module-load */
#define POLICY_KILL_BPF		(1u << 1)	/* bpf-from-container */
#define POLICY_KILL_HANDLE	(1u << 2)	/* open-by-handle */
unsigned int policy_escape_kill_bits(const struct policy *p);
/* Write the effective policy as policy text. */
int policy_dump(const struct policy *p, char *buf, size_t len);
/* Shell-style glob match of * and ? (pure). */
bool policy_glob(const char *pattern, const char *s);

#endif
