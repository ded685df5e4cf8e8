/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "policy.h"
#include "tap.h"

static int parse(struct policy *p, const char *text, char *err, size_t n)
{
	policy_free(p);
	policy_init(p);
	err[0] = '\0';
	return policy_parse(p, text, strlen(text), err, n);
}

static void bad(struct policy *p, const char *text, const char *want)
{
	char err[256];

	is_int(parse(p, text, err, sizeof(err)), -EINVAL, "rejected: %s", want);
	is_str(err, want, "error names line and reason");
}

int main(void)
{
	struct nsw_container c;
	struct nsw_process pr;
	struct nsw_event ev;
	struct policy p;
	char err[256], dump[4096];

	policy_init(&p);
	is_int(parse(&p,
		"# comment\n"
		"rule setns-in-container disabled\n"
		"rule unshare-in-container severity=low\n"
		"rule setns-escape-to-host action=kill  # enforce\n"
		"allow binary=/usr/sbin/runc\n"
		"allow rule=nsenter-in-container namespace=kube-system pod=node-debugger-*\n"
		"allow image=registry.example/cni:*\n"
		"emit kprobe,exec\n", err, sizeof(err)), 0, "valid policy parses");
	ok(!p.rules[NSW_RULE_SETNS_IN_CONTAINER].enabled, "rule disabled");
	is_int(p.rules[NSW_RULE_UNSHARE_IN_CONTAINER].severity, NSW_SEV_LOW,
	       "severity override");
	is_int(p.rules[NSW_RULE_SETNS_ESCAPE_TO_HOST].action, POLICY_ACTION_KILL,
	       "action kill");
	is_int(p.n_allow, 3, "three allow entries");
	is_int(p.emit_types, (1u << NSW_EV_KPROBE) | (1u << NSW_EV_EXEC),
	       "emit types");

	memset(&c, 0, sizeof(c));
	memset(&pr, 0, sizeof(pr));
	strcpy(c.id, "abcdef0123");
	strcpy(c.pod_name, "node-debugger-xyz");
	strcpy(c.pod_namespace, "kube-system");
	pr.ctr = &c;
	pr.binary = "/usr/bin/nsenter";
	memset(&ev, 0, sizeof(ev));
	ev.proc = &pr;
	ev.n_alerts = 3;
	ev.alerts[0].rule = NSW_RULE_NSENTER_IN_CONTAINER;
	ev.alerts[1].rule = NSW_RULE_SETNS_IN_CONTAINER;
	ev.alerts[2].rule = NSW_RULE_SETNS_ESCAPE_TO_HOST;
	ev.alerts[2].severity = NSW_SEV_CRITICAL;
	ok(policy_apply(&p, &ev), "kill requested for the escape rule");
	is_int(ev.n_alerts, 1, "allowlisted and disabled alerts dropped");
	is_int(ev.alerts[0].rule, NSW_RULE_SETNS_ESCAPE_TO_HOST,
	       "escape alert kept (allow line is scoped to nsenter)");

	/* the escape syscall rules: kill bits for the eBPF knob, disable,
	 * severity, allow like any rule */
	{
		struct policy q;

		policy_init(&q);
		is_int(policy_escape_kill_bits(&q), 0, "escape rules: no kill "
		       "by default");
		is_int(parse(&q, "rule kernel-module-load action=kill\n"
			     "rule open-by-handle action=kill disabled\n"
			     "rule bpf-from-container severity=medium\n"
			     "allow rule=bpf-from-container image=*/bpftrace:*\n",
			     err, sizeof(err)), 0, "escape rules parse");
		is_int(policy_escape_kill_bits(&q), POLICY_KILL_MODULE,
		       "kill bits: module only (open-by-handle is disabled)");
		ok(q.rules[NSW_RULE_BPF_FROM_CONTAINER].severity ==
		   NSW_SEV_MEDIUM, "bpf-from-container severity override");
		memset(&ev, 0, sizeof(ev));
		ev.proc = &pr;
		ev.n_alerts = 2;
		ev.alerts[0].rule = NSW_RULE_OPEN_BY_HANDLE;
		ev.alerts[1].rule = NSW_RULE_KERNEL_MODULE_LOAD;
		ok(policy_apply(&q, &ev) && ev.n_alerts == 1 &&
		   ev.alerts[0].rule == NSW_RULE_KERNEL_MODULE_LOAD,
		   "disabled open-by-handle dropped, module load kept with kill");
		policy_free(&q);
	}

	strcpy(c.pod_namespace, "default");
	ev.n_alerts = 1;
	ev.alerts[0].rule = NSW_RULE_NSENTER_IN_CONTAINER;
	ok(!policy_apply(&p, &ev) && ev.n_alerts == 1,
	   "other namespace not allowlisted");

	/* a lowered setns-in-container does not lower a possible escape */
	{
		struct policy q;

		policy_init(&q);
		is_int(parse(&q, "rule setns-in-container severity=low\n",
			     err, sizeof(err)), 0, "severity=low parses");
		memset(&ev.alerts, 0, sizeof(ev.alerts));
		ev.n_alerts = 2;
		ev.alerts[0].rule = NSW_RULE_SETNS_IN_CONTAINER;
		ev.alerts[0].severity = NSW_SEV_MEDIUM;
		ev.alerts[1].rule = NSW_RULE_SETNS_IN_CONTAINER;
		ev.alerts[1].severity = NSW_SEV_CRITICAL;
		ev.alerts[1].possible_escape = true;
		policy_apply(&q, &ev);
		ok(ev.n_alerts == 2 && ev.alerts[0].severity == NSW_SEV_LOW &&
		   ev.alerts[1].severity == NSW_SEV_CRITICAL,
		   "possible escape keeps the escape's severity");
		policy_free(&q);
		policy_init(&q);
		parse(&q, "rule setns-escape-to-host severity=high\n", err,
		      sizeof(err));
		ev.n_alerts = 1;
		ev.alerts[0] = ev.alerts[1];
		policy_apply(&q, &ev);
		is_int(ev.alerts[0].severity, NSW_SEV_HIGH,
		       "... which the policy sets on setns-escape-to-host");
		policy_free(&q);

		/* routine setns allowed or disabled for a namespace (a CNI
		 * pod's): an escape from that namespace stays */
		policy_init(&q);
		is_int(parse(&q, "allow rule=setns-in-container "
			     "namespace=default\n", err, sizeof(err)), 0,
		       "allow rule=setns-in-container namespace= parses");
		ev.n_alerts = 2;
		ev.alerts[0] = ev.alerts[1];
		ev.alerts[0].possible_escape = false;
		ev.alerts[0].severity = NSW_SEV_MEDIUM;
		policy_apply(&q, &ev);
		ok(ev.n_alerts == 1 && ev.alerts[0].possible_escape &&
		   ev.alerts[0].severity == NSW_SEV_CRITICAL,
		   "an allow line for setns-in-container drops the routine "
		   "alert, not the possible escape");
		policy_free(&q);
		policy_init(&q);
		parse(&q, "rule setns-in-container disabled\n", err,
		      sizeof(err));
		policy_apply(&q, &ev);
		ok(ev.n_alerts == 1 && ev.alerts[0].possible_escape,
		   "disabling setns-in-container keeps the possible escape");
		policy_free(&q);
		policy_init(&q);
		parse(&q, "allow rule=setns-escape-to-host namespace=default\n",
		      err, sizeof(err));
		policy_apply(&q, &ev);
		is_int(ev.n_alerts, 0,
		       "... which an allow line for the escape rule drops");
		policy_free(&q);
	}

	ok(policy_dump(&p, dump, sizeof(dump)) == 0 &&
	   strstr(dump, "rule setns-in-container disabled") &&
	   strstr(dump, "allow rule=* binary=/usr/sbin/runc"),
	   "effective policy dump");

	bad(&p, "rule no-such-rule\n", "1: unknown rule 'no-such-rule'");
	bad(&p, "\nrule setns-in-container severity=urgent\n",
	    "2: bad severity 'urgent' (low, medium, high, critical)");
	bad(&p, "allow bin=/x\n",
	    "1: unknown key 'bin' in allow line (rule, binary, container, pod, "
	    "namespace, image)");
	bad(&p, "allow rule=*\n", "1: allow line matches everything: give "
	    "binary, container, pod, namespace or image");
	bad(&p, "frobnicate\n", "1: unknown keyword 'frobnicate' (rule, allow, emit)");
	bad(&p, "emit sometimes\n",
	    "1: unknown event type 'sometimes' (exec, exit, kprobe, alerts, all)");
	bad(&p, "rule setns-in-container action=maim\n",
	    "1: bad action 'maim' (alert, kill)");

	/* container= matches the whole id (or name); a prefix must be a
	 * glob */
	policy_free(&p);
	policy_init(&p);
	is_int(parse(&p, "allow container=abcdef\n"
		      "allow container=0123*\n"
		      "allow container=web\n", err, sizeof(err)), 0,
	       "container allow lines parse");
	strcpy(c.id, "abcdef0123");
	c.name[0] = '\0';
	ev.n_alerts = 1;
	ev.alerts[0].rule = NSW_RULE_NSENTER_IN_CONTAINER;
	policy_apply(&p, &ev);
	is_int(ev.n_alerts, 1, "container=<prefix> does not match a longer id");
	strcpy(c.id, "abcdef");
	policy_apply(&p, &ev);
	is_int(ev.n_alerts, 0, "container=<id> matches the whole id");
	strcpy(c.id, "0123456789");
	ev.n_alerts = 1;
	policy_apply(&p, &ev);
	is_int(ev.n_alerts, 0, "container=<prefix>* matches by prefix");
	strcpy(c.id, "9999");
	strcpy(c.name, "web");
	ev.n_alerts = 1;
	policy_apply(&p, &ev);
	is_int(ev.n_alerts, 0, "container=<name> matches the name");

	/* allow lines broader than anyone means */
	policy_free(&p);
	policy_init(&p);
	is_int(parse(&p,
		"allow rule=* binary=*\n"
		"allow rule=nsenter-in-container binary=**\n"
		"allow pod=* namespace=*\n"
		"allow binary=/usr/sbin/runc\n"
		"allow binary=* pod=debug-*\n", err, sizeof(err)), 0,
	       "allow lines with bare stars parse");
	ok(policy_allow_too_broad(&p.allow[0], err, sizeof(err)) &&
	   !strcmp(err, "allow line matches every process: it silences "
		   "every rule for all of them (to turn a rule off, write "
		   "`rule RULE disabled')"),
	   "rule=* binary=*: too broad, every rule for every process");
	ok(policy_allow_too_broad(&p.allow[1], err, sizeof(err)) &&
	   strstr(err, "every process: it silences rule "
		  "nsenter-in-container "),
	   "binary=** for one rule: too broad, that rule");
	ok(policy_allow_too_broad(&p.allow[2], err, sizeof(err)) &&
	   strstr(err, "every container process"),
	   "pod=* namespace=*: too broad, every container process");
	ok(!policy_allow_too_broad(&p.allow[3], err, sizeof(err)),
	   "a binary path is not too broad");
	ok(!policy_allow_too_broad(&p.allow[4], err, sizeof(err)),
	   "binary=* with a pod pattern is not too broad");

	/* nearly everything (issue 10 item 13) */
	policy_free(&p);
	policy_init(&p);
	is_int(parse(&p,
		"allow binary=/*\n"
		"allow rule=* binary=*/*\n"
		"allow rule=nsenter-in-container binary=/**\n"
		"allow container=?* pod=*\n"
		"allow namespace=?*\n"
		"allow image=*\n"
		"allow binary=/usr/*\n"
		"allow binary=/*/runc\n"
		"allow container=3f2a*\n"
		"allow namespace=kube-*\n"
		"allow binary=/* pod=debug-*\n", err, sizeof(err)), 0,
	       "allow lines with near-everything patterns parse");
	ok(policy_allow_too_broad(&p.allow[0], err, sizeof(err)) &&
	   strstr(err, "every process: it silences every rule"),
	   "binary=/*: every path is absolute, too broad");
	ok(policy_allow_too_broad(&p.allow[1], err, sizeof(err)),
	   "rule=* binary=*/*: too broad");
	ok(policy_allow_too_broad(&p.allow[2], err, sizeof(err)) &&
	   strstr(err, "rule nsenter-in-container"),
	   "binary=/** for one rule: too broad, that rule");
	ok(policy_allow_too_broad(&p.allow[3], err, sizeof(err)) &&
	   strstr(err, "every container process"),
	   "container=?* pod=*: every container process");
	ok(policy_allow_too_broad(&p.allow[4], err, sizeof(err)),
	   "namespace=?*: too broad");
	ok(policy_allow_too_broad(&p.allow[5], err, sizeof(err)),
	   "image=*: too broad");
	ok(!policy_allow_too_broad(&p.allow[6], err, sizeof(err)),
	   "binary=/usr/* is a directory, not everything");
	ok(!policy_allow_too_broad(&p.allow[7], err, sizeof(err)),
	   "binary=/*/runc names a binary");
	ok(!policy_allow_too_broad(&p.allow[8], err, sizeof(err)),
	   "container=3f2a* is an id prefix");
	ok(!policy_allow_too_broad(&p.allow[9], err, sizeof(err)),
	   "namespace=kube-* is not everything");
	ok(!policy_allow_too_broad(&p.allow[10], err, sizeof(err)),
	   "binary=/* with a pod pattern is not too broad");
	/* an empty pattern is refused, never read as "anything" */
	policy_free(&p);
	policy_init(&p);
	ok(parse(&p, "allow container=\n", err, sizeof(err)) < 0,
	   "container= (empty) is an error");
	policy_free(&p);
	policy_init(&p);
	ok(parse(&p, "allow binary=/usr/bin/x pod=\n", err, sizeof(err)) < 0,
	   "pod= (empty) is an error");

	ok(policy_glob("node-*-x?z", "node-debug-xyz"), "glob * and ?");
	ok(!policy_glob("a*b", "acd"), "glob mismatch");
	ok(policy_glob("*", ""), "star matches empty");
	policy_free(&p);
	return done_testing();
}
