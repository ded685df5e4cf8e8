/* SPDX-License-Identifier: GPL-2.0-or-later */
/* audit-nl: netlink datagrams -> the text libauparse reads, checked by
 * parsing the result with libauparse itself. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <auparse.h>
#include <libaudit.h>
#include <linux/netlink.h>

#include "audit-map.h"
#include "audit-nl.h"
#include "strbuf.h"
#include "tap.h"

#define SYSCALL_TEXT "audit(1700000000.123:4242): arch=c000003e syscall=308 " \
	"success=yes exit=0 a0=3 a1=4000000 a2=0 a3=0 items=0 ppid=1 pid=77 " \
	"auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 " \
	"fsgid=0 tty=(none) ses=4294967295 comm=\"nsenter\" " \
	"exe=\"/usr/bin/nsenter\" key=\"nswatch\""

static char dgram[32768];

/* A datagram as the kernel sends it.  unicast: nlmsg_len without the
 * header (the quirk kept for auditd); else with it (multicast). */
static size_t make(int type, const char *payload, size_t len, bool unicast)
{
	struct nlmsghdr nlh;

	memset(&nlh, 0, sizeof(nlh));
	nlh.nlmsg_type = (uint16_t)type;
	nlh.nlmsg_len = (uint32_t)(unicast ? len : NLMSG_HDRLEN + len);
	memset(dgram, 0, NLMSG_HDRLEN);
	memcpy(dgram, &nlh, sizeof(nlh));
	memcpy(dgram + NLMSG_HDRLEN, payload, len);
	return NLMSG_HDRLEN + len;
}

static int events;
static char syscall_field[32];

static void on_event(auparse_state_t *au, auparse_cb_event_t t, void *arg)
{
	const char *v;

	(void)arg;
	/* a lone EOE: libauparse 2.8 ends the event at its PROCTITLE */
	if (t != AUPARSE_CB_EVENT_READY || audit_map_lone_eoe(au))
		return;
	events++;
	auparse_first_record(au);
	if (auparse_get_type(au) == AUDIT_SYSCALL &&
	    auparse_find_field(au, "syscall")) {
		v = auparse_get_field_str(au);
		nsw_strlcpy(syscall_field, v ? v : "", sizeof(syscall_field));
	}
}

int main(void)
{
	struct strbuf line = STRBUF_INIT;
	auparse_state_t *au;
	char big[AUDIT_NL_MAX_PAYLOAD + 64];
	size_t n;
	int type = 0;

	n = make(AUDIT_SYSCALL, SYSCALL_TEXT, strlen(SYSCALL_TEXT), true);
	is_int(audit_nl_record(dgram, n, &line, &type), 1, "unicast SYSCALL");
	is_int(type, AUDIT_SYSCALL, "... type");
	is_str(line.buf, "type=SYSCALL msg=" SYSCALL_TEXT "\n", "... line");

	n = make(AUDIT_SYSCALL, SYSCALL_TEXT, strlen(SYSCALL_TEXT), false);
	is_int(audit_nl_record(dgram, n, &line, &type), 1, "multicast SYSCALL");
	is_str(line.buf, "type=SYSCALL msg=" SYSCALL_TEXT "\n",
	       "... same line whatever nlmsg_len says");

	n = make(AUDIT_SYSCALL, SYSCALL_TEXT "\n\0\0\0",
		 strlen(SYSCALL_TEXT) + 4, true);
	audit_nl_record(dgram, n, &line, &type);
	is_str(line.buf, "type=SYSCALL msg=" SYSCALL_TEXT "\n",
	       "trailing newline and NULs dropped");

	n = make(AUDIT_PROCTITLE, "audit(1.2:3): a=\"x\ny\"", 21, true);
	is_int(audit_nl_record(dgram, n, &line, &type), 1, "PROCTITLE");
	is_str(line.buf, "type=PROCTITLE msg=audit(1.2:3): a=\"x y\"\n",
	       "a line break inside becomes a space");

	n = make(AUDIT_EOE, "audit(1700000000.123:4242): ", 28, true);
	is_int(audit_nl_record(dgram, n, &line, &type), 1, "EOE");
	is_str(line.buf, "type=EOE msg=audit(1700000000.123:4242):\n", "EOE line");

	n = make(1399, "audit(1.2:3): x=1", 17, false);
	is_int(audit_nl_record(dgram, n, &line, &type), 1, "unnamed type");
	ok(line.buf && !strncmp(line.buf, "type=UNKNOWN[1399] msg=", 23),
	   "... as UNKNOWN[1399], the way auditd writes it");

	n = make(NLMSG_ERROR, "\0\0\0\0", 4, false);
	is_int(audit_nl_record(dgram, n, &line, &type), 0, "ack: not a record");
	n = make(NLMSG_DONE, "", 0, false);
	is_int(audit_nl_record(dgram, n, &line, &type), 0, "done: not a record");
	n = make(AUDIT_GET, "0123456789abcdef", 16, false);
	is_int(audit_nl_record(dgram, n, &line, &type), 0,
	       "command reply: not a record");
	n = make(1329, "audit(1.2:3): ping", 18, true);
	is_int(audit_nl_record(dgram, n, &line, &type), 0,
	       "AUDIT_REPLACE: not a record");
	n = make(AUDIT_SYSCALL, "\0\0", 2, true);
	is_int(audit_nl_record(dgram, n, &line, &type), 0, "empty payload");
	is_int(audit_nl_record(dgram, NLMSG_HDRLEN - 1, &line, &type), -EINVAL,
	       "shorter than a header");
	n = make(AUDIT_SYSCALL, "hello world", 11, true);
	is_int(audit_nl_record(dgram, n, &line, &type), -EINVAL,
	       "payload that is no audit record");
	memcpy(big, "audit(1.2:3): ", 14);
	memset(big + 14, 'a', sizeof(big) - 14);
	n = make(AUDIT_SYSCALL, big, sizeof(big), true);
	is_int(audit_nl_record(dgram, n, &line, &type), -EINVAL,
	       "payload over the limit");

	/* libauparse takes what we make: one event, fields intact */
	au = auparse_init(AUSOURCE_FEED, 0);
	ok(au != NULL, "auparse feed");
	if (au) {
		auparse_add_callback(au, on_event, NULL, NULL);
		n = make(AUDIT_SYSCALL, SYSCALL_TEXT, strlen(SYSCALL_TEXT),
			 true);
		audit_nl_record(dgram, n, &line, &type);
		auparse_feed(au, line.buf, line.len);
		n = make(AUDIT_PROCTITLE, "audit(1700000000.123:4242): "
			 "proctitle=6E73656E746572", 51, true);
		audit_nl_record(dgram, n, &line, &type);
		auparse_feed(au, line.buf, line.len);
		is_int(events, 0, "no event before EOE");
		n = make(AUDIT_EOE, "audit(1700000000.123:4242): ", 28, true);
		audit_nl_record(dgram, n, &line, &type);
		auparse_feed(au, line.buf, line.len);
		auparse_flush_feed(au);
		is_int(events, 1, "one event after EOE");
		is_str(syscall_field, "308", "syscall field read back");
		auparse_destroy(au);
	}
	strbuf_release(&line);
	return done_testing();
}
