/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One datagram from an audit netlink socket (the unicast socket of the
 * audit daemon, or the AUDIT_NLGRP_READLOG multicast group) as the text
 * line libauparse reads: "type=NAME msg=audit(SEC.MS:SERIAL): fields\n",
 * the same form auditd hands its plugins.  Pure: no I/O, no logging.
 */
#ifndef NSWATCH_AUDIT_NL_H
#define NSWATCH_AUDIT_NL_H

#include <stddef.h>

struct strbuf;

/* Longest payload accepted (the kernel's MAX_AUDIT_MESSAGE_LENGTH is
 * 8970; a little slack for other kernels). */
#define AUDIT_NL_MAX_PAYLOAD 16384

/*
 * buf/n: the datagram as received (netlink header first).  On a record,
 * resets line, writes the text line (one '\n', at the end) and *type (the
 * record type), and returns 1.  Returns 0 for messages that are not
 * records (acks, NLMSG_DONE, command replies, AUDIT_REPLACE pings, empty
 * payloads), -EINVAL for a datagram that is not a well-formed audit
 * record (too short, payload not "audit(...", too long), -ENOMEM when the
 * line cannot be built.
 */
int audit_nl_record(const void *buf, size_t n, struct strbuf *line,
		    int *type);

#endif
