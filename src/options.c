/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "output-rotate.h"
#include "sched-slice.h"
#include "strbuf.h"
#include "util.h"

void options_init(struct nsw_options *o)
{
	const char *env;

	memset(o, 0, sizeof(*o));
	o->procfs = "/proc";
	o->rootfs = "";
	o->cluster_name = "default";
	o->backend = "auto";
	o->audit_source = "auto";
	o->btf_path = "/sys/kernel/btf/vmlinux";
	o->format = NSW_FMT_JSON;
	o->exec_rules = true;
	o->stats_interval = 60;
	o->rate_limit = 20;
	o->output_flush_after = 2;
	o->output_keep = ROTATE_KEEP_DEFAULT;
	/* a burst of 10000 setns calls in 0.1 s makes ~25 MB of JSON,
	 * faster than the writer thread, sharing two CPUs with the storm
	 * and the reader, writes it out: 4 MiB lost a third of such a
	 * burst's lines, which a consumer writing for itself (and the
	 * eBPF ring buffer behind it) never did.  The pages are only
	 * touched when a burst needs them. */
	o->output_queue = 32;
	o->sched_slice = NSW_SCHED_SLICE_DEFAULT_US;
	env = getenv("NODE_NAME");
	if (env && *env) {
		nsw_strlcpy(o->node_name, env, sizeof(o->node_name));
	} else if (gethostname(o->node_name, sizeof(o->node_name) - 1) < 0) {
		nsw_strlcpy(o->node_name, "localhost", sizeof(o->node_name));
	}
	o->node_name[sizeof(o->node_name) - 1] = '\0';
}

int options_parse_uint(const char *arg, unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || *arg == '-' || v > max ||
	    v > UINT_MAX)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static const char *const backend_words[] = {
	[NSW_BACKEND_AUTO] = "auto",
	[NSW_BACKEND_BPF] = "bpf",
	[NSW_BACKEND_AUDIT] = "audit",
};
static const char *const source_words[] = {
	"auto", "plugin", "multicast", "netlink",
};
static const char *const exec_words[] = {
	[NSW_EXEC_RULES_ALL] = "all",
	[NSW_EXEC_RULES_CONTAINERS] = "containers",
	[NSW_EXEC_RULES_NONE] = "none",
};
static const char *const hooks_words[] = { "auto", "raw", "tracepoint" };
static const char *const format_words[] = {
	[NSW_FMT_JSON] = "json",
	[NSW_FMT_COMPACT] = "compact",
};

static const struct {
	const char *option;
	const char *const *words;
	size_t n;
} word_opts[] = {
	[NSW_WORDS_BACKEND] = { "backend", backend_words,
				ARRAY_SIZE(backend_words) },
	[NSW_WORDS_AUDIT_SOURCE] = { "audit-source", source_words,
				     ARRAY_SIZE(source_words) },
	[NSW_WORDS_EXEC_RULES] = { "exec-rules", exec_words,
				   ARRAY_SIZE(exec_words) },
	[NSW_WORDS_BPF_HOOKS] = { "bpf-hooks", hooks_words,
				  ARRAY_SIZE(hooks_words) },
	[NSW_WORDS_FORMAT] = { "format", format_words,
			       ARRAY_SIZE(format_words) },
};

int options_word(enum nsw_word_opt which, const char *arg)
{
	size_t i;

	for (i = 0; i < word_opts[which].n; i++)
		if (!strcmp(arg, word_opts[which].words[i]))
			return (int)i;
	return -EINVAL;
}

const char *options_word_name(enum nsw_word_opt which, int i)
{
	if (i < 0 || (size_t)i >= word_opts[which].n)
		return "?";
	return word_opts[which].words[i];
}

int options_bad_word(enum nsw_word_opt which, const char *cmd)
{
	size_t i, n = word_opts[which].n;

	fprintf(stderr, "nswatch %s: --%s must be ", cmd,
		word_opts[which].option);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ",
			word_opts[which].words[i]);
	fputc('\n', stderr);
	return -EINVAL;
}

int options_set_word(struct nsw_options *o, enum nsw_word_opt which,
		     const char *arg, const char *cmd)
{
	int i = options_word(which, arg);

	if (i < 0)
		return options_bad_word(which, cmd);
	switch (which) {
	case NSW_WORDS_BACKEND: o->backend = arg; break;
	case NSW_WORDS_AUDIT_SOURCE: o->audit_source = arg; break;
	case NSW_WORDS_EXEC_RULES:
		o->exec_rules_mode = (enum nsw_exec_rules)i;
		o->exec_rules = o->exec_rules_mode != NSW_EXEC_RULES_NONE;
		break;
	case NSW_WORDS_BPF_HOOKS: o->bpf_hooks = arg; break;
	case NSW_WORDS_FORMAT: o->format = (enum nsw_format)i; break;
	}
	return 0;
}
