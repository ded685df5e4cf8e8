/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: bytes -> replay (line splitting, `ausearch -i`
 * normalisation, libauparse feed) -> audit_map_event -> raw events.  Every
 * byte of every raw event is read so that AddressSanitizer sees a bad
 * pointer or length.  The input is fed in two pieces split at a place
 * chosen by its first byte, to cover lines cut across reads.  The same
 * bytes also go straight to libauparse and audit_map_config (the live
 * backend's CONFIG_CHANGE path), whose strings must come out terminated
 * and printable.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <auparse.h>

#include "audit-map.h"
#include "fuzz.h"
#include "replay.h"

static unsigned int sink;

static void touch(const struct nsw_bytes *b)
{
	size_t i;

	if (!b->p)
		return;
	for (i = 0; i < b->len; i++)
		sink += (unsigned char)b->p[i];
}

static int on_raw(const struct nsw_raw *r, void *arg)
{
	int i;

	(void)arg;
	touch(&r->comm);
	touch(&r->binary);
	touch(&r->cwd);
	if (r->argc < 0 || r->argc > NSW_RAW_MAX_ARGS)
		abort();
	for (i = 0; i < r->argc; i++) {
		if (!r->argv[i].p)
			abort();
		touch(&r->argv[i]);
	}
	return 0;
}

static void on_diag(const char *source, uint64_t line, const char *why,
		    void *arg)
{
	(void)arg;
	sink += (unsigned int)line + (unsigned int)strlen(source) +
		(unsigned int)strlen(why);
}

static void printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap), i;

	if (n == cap)
		abort();	/* not terminated */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			abort();
}

static int on_cfg(const struct audit_cfg_change *c, void *arg)
{
	(void)arg;
	printable(c->op_name, sizeof(c->op_name));
	printable(c->key, sizeof(c->key));
	printable(c->comm, sizeof(c->comm));
	printable(c->exe, sizeof(c->exe));
	printable(c->subj, sizeof(c->subj));
	sink += (unsigned int)c->op + audit_cfg_op_name(c->op)[0];
	return 0;
}

static void on_event(auparse_state_t *au, auparse_cb_event_t t, void *arg)
{
	if (t == AUPARSE_CB_EVENT_READY)
		audit_map_config(au, on_cfg, arg);
}

/*
 * Debian 12's libauparse (audit 3.0.9) loses one 1152-byte allocation made
 * inside auparse_next_event() for some malformed inputs fed in
 * AUSOURCE_FEED mode, even after auparse_flush_feed() and
 * auparse_destroy(): the library leaks it, not nswatch (a program that
 * only feeds such an input, flushes and destroys shows the same leak; one
 * such input is tests/fuzz/corpus/audit/audit-leak-0fa7c011...).  LSan's
 * fast unwinder stops inside the library, so the suppression names the
 * library: allocations made by libauparse are not reported by this target
 * (libFuzzer and the corpus replay).  Our own use of it (every
 * auparse_init() destroyed) is still checked by the replay tests under
 * ASan, which do not link this file.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libauparse.so\n";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay *rp = replay_new(0, on_raw, NULL, on_diag, NULL);
	auparse_state_t *au;
	size_t cut = size ? data[0] % (size + 1) : 0;

	if (!rp)
		return 0;
	replay_begin(rp, "fuzz");
	replay_feed(rp, (const char *)data, cut);
	replay_feed(rp, (const char *)data + cut, size - cut);
	replay_end(rp);
	replay_finish(rp);
	replay_free(rp);

	au = auparse_init(AUSOURCE_FEED, 0);
	if (!au)
		return 0;
	auparse_add_callback(au, on_event, NULL, NULL);
	auparse_feed(au, (const char *)data, cut);
	auparse_feed(au, (const char *)data + cut, size - cut);
	auparse_flush_feed(au);
	auparse_destroy(au);
	return 0;
}
