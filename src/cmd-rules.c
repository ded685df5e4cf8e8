/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `nswatch rules`: print, check or clean up nswatch's audit rules. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libaudit.h>

#include "audit-rules.h"
#include "commands.h"
#include "strbuf.h"

static void rules_usage(FILE *f)
{
	fprintf(f,
"usage: nswatch rules [--exec-rules=all|containers|none] [--check|--cleanup]\n"
"                     [--audit-version=3|2.8|auto]\n"
"Prints the audit rules nswatch needs, in augenrules form (the content of\n"
"rules/nswatch.rules for --exec-rules=all).\n"
"\n"
"  --audit-version=V  the auditctl that loads them: 3 (default, audit >= 3.0),\n"
"                     2.8 (RHEL 7: clone3 by number, its table lacks the\n"
"                     name), auto (ask `auditctl -v` on this host)\n"
"  --exec-rules=MODE  all: every execve/execveat (default); containers:\n"
"                     only processes without a login uid (auid unset:\n"
"                     children of container runtimes, services) and SELinux\n"
"                     container domains; none: namespace syscalls only\n"
"  --check            compare with the rules loaded in the kernel; exit 0\n"
"                     when all are there and nothing hides them, 1 when\n"
"                     some miss or when rules of someone else's hide their\n"
"                     records (never rules before ours, exclude rules\n"
"                     dropping SYSCALL, EXECVE, PATH or CONFIG_CHANGE\n"
"                     records), each listed\n"
"  --cleanup          remove rules left behind by an nswatch that died\n"
"  -h, --help         this help\n");
}

static int do_check(enum nsw_exec_rules mode)
{
	struct audit_rule_list l;
	struct audit_ruleset *rs;
	char missing[1024], what[160];
	unsigned int n, hiding = 0;
	long k;
	int fd, r;

	rs = audit_ruleset_new(mode, 0);
	if (!rs) {
		fprintf(stderr, "nswatch rules: %s\n", strerror(errno));
		return NSW_EXIT_FAIL;
	}
	fd = audit_open();
	if (fd < 0) {
		fprintf(stderr, "nswatch rules: cannot open the audit socket: "
			"%s\n", strerror(errno));
		audit_ruleset_free(rs);
		return NSW_EXIT_FAIL;
	}
	r = audit_rules_list(fd, &l);
	audit_close(fd);
	if (r < 0) {
		fprintf(stderr, "nswatch rules: cannot list audit rules: %s\n",
			strerror(-r));
		audit_ruleset_free(rs);
		return NSW_EXIT_FAIL;
	}
	n = audit_ruleset_missing(rs, &l, missing, sizeof(missing));
	if (n) {
		printf("missing %u of %zu rules (--exec-rules=%s): %s\n", n,
		       audit_ruleset_count(rs), audit_rules_mode_name(mode),
		       missing);
	} else {
		printf("all %zu rules loaded (--exec-rules=%s)\n",
		       audit_ruleset_count(rs), audit_rules_mode_name(mode));
	}
	/* loaded but blinded: an attacker's rule (or a careless one) */
	for (k = audit_ruleset_shadowed_from(rs, &l, 0, what, sizeof(what));
	     k >= 0; k = audit_ruleset_shadowed_from(rs, &l, (size_t)k + 1,
						     what, sizeof(what))) {
		printf("hiding rule %ld of the kernel's list: %s\n", k + 1,
		       what);
		hiding++;
	}
	audit_rule_list_free(&l);
	if (audit_ruleset_notes(rs)[0])
		printf("note: %s\n", audit_ruleset_notes(rs));
	audit_ruleset_free(rs);
	return n || hiding ? NSW_EXIT_FAIL : NSW_EXIT_OK;
}

static int do_cleanup(void)
{
	unsigned int removed = 0;
	int fd, r;

	fd = audit_open();
	if (fd < 0) {
		fprintf(stderr, "nswatch rules: cannot open the audit socket: "
			"%s\n", strerror(errno));
		return NSW_EXIT_FAIL;
	}
	r = audit_rules_cleanup_stale(fd, &removed);
	audit_close(fd);
	printf("removed %u stale rule%s\n", removed, removed == 1 ? "" : "s");
	if (r < 0) {
		fprintf(stderr, "nswatch rules: cleanup: %s\n", strerror(-r));
		return NSW_EXIT_FAIL;
	}
	return NSW_EXIT_OK;
}

/* "3", "3.0.7", "2.8", "auto" -> flags for audit_rules_text(), or -errno */
static int audit_version_flags(const char *v)
{
	char *end;
	long major;

	if (!strcmp(v, "auto")) {
		major = audit_rules_auditctl_version(NULL, 0);
		if (major < 0) {
			fprintf(stderr, "nswatch rules: --audit-version=auto: "
				"no version from `auditctl -v` (is auditd's "
				"auditctl installed?)\n");
			return (int)major;
		}
	} else {
		major = strtol(v, &end, 10);
		if (end == v || (*end && *end != '.'))
			return -EINVAL;
	}
	if (major < 2)
		return -EINVAL;
	return major == 2 ? (int)AUDIT_RULES_AUDIT28 : 0;
}

int cmd_rules(int argc, char **argv)
{
	enum { OPT_EXEC = 300, OPT_CHECK, OPT_CLEANUP, OPT_AUVER };
	static const struct option longopts[] = {
		{ "exec-rules", required_argument, NULL, OPT_EXEC },
		{ "audit-version", required_argument, NULL, OPT_AUVER },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "cleanup", no_argument, NULL, OPT_CLEANUP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum nsw_exec_rules mode = NSW_EXEC_RULES_ALL;
	struct strbuf sb = STRBUF_INIT;
	bool check = false, cleanup = false;
	unsigned int flags = 0;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_EXEC:
			c = options_word(NSW_WORDS_EXEC_RULES, optarg);
			if (c < 0) {
				options_bad_word(NSW_WORDS_EXEC_RULES, "rules");
				return NSW_EXIT_USAGE;
			}
			mode = (enum nsw_exec_rules)c;
			break;
		case OPT_AUVER:
			c = audit_version_flags(optarg);
			if (c < 0) {
				if (c == -EINVAL)
					fprintf(stderr, "nswatch rules: "
						"--audit-version must be 3, "
						"2.8 or auto\n");
				return NSW_EXIT_USAGE;
			}
			flags |= (unsigned int)c;
			break;
		case OPT_CHECK: check = true; break;
		case OPT_CLEANUP: cleanup = true; break;
		case 'h': rules_usage(stdout); return NSW_EXIT_OK;
		default: rules_usage(stderr); return NSW_EXIT_USAGE;
		}
	}
	if (optind < argc || (check && cleanup)) {
		rules_usage(stderr);
		return NSW_EXIT_USAGE;
	}
	set_aumessage_mode(MSG_QUIET, DBG_NO);
	if (check)
		return do_check(mode);
	if (cleanup)
		return do_cleanup();

	/* The printed text does not depend on this libaudit, so that it
	 * equals rules/nswatch.rules everywhere; what differs for audit 2.8
	 * is chosen with --audit-version. */
	if (audit_rules_text(mode, flags, &sb) < 0) {
		fprintf(stderr, "nswatch rules: out of memory\n");
		strbuf_release(&sb);
		return NSW_EXIT_FAIL;
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	if (fflush(stdout) != 0)
		return NSW_EXIT_FAIL;
	return NSW_EXIT_OK;
}
