/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Audit netlink datagram -> libauparse text line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netlink.h>
#include <libaudit.h>

#include "audit-nl.h"
#include "strbuf.h"

#ifndef AUDIT_REPLACE
#define AUDIT_REPLACE 1329
#endif

int audit_nl_record(const void *buf, size_t n, struct strbuf *line,
		    int *type)
{
	struct nlmsghdr nlh;
	const char *payload, *nul, *name;
	char unknown[24];
	size_t len, i;

	if (n < NLMSG_HDRLEN)
		return -EINVAL;
	memcpy(&nlh, buf, sizeof(nlh));	/* buf may be unaligned */
	if (nlh.nlmsg_type == NLMSG_ERROR || nlh.nlmsg_type == NLMSG_DONE ||
	    nlh.nlmsg_type == NLMSG_NOOP)
		return 0;
	/* kernel and user records; 1000-1099 are commands and replies, and
	 * AUDIT_REPLACE only pings the daemon */
	if (nlh.nlmsg_type < AUDIT_FIRST_USER_MSG ||
	    nlh.nlmsg_type > AUDIT_LAST_USER_MSG2 ||
	    nlh.nlmsg_type == AUDIT_REPLACE)
		return 0;
	/* One record per datagram.  Unicast nlmsg_len leaves the header out
	 * (a quirk the kernel keeps for auditd), multicast's includes it, so
	 * the datagram's own length is what counts. */
	payload = (const char *)buf + NLMSG_HDRLEN;
	len = n - NLMSG_HDRLEN;
	nul = memchr(payload, '\0', len);
	if (nul)
		len = (size_t)(nul - payload);
	while (len && (payload[len - 1] == '\n' || payload[len - 1] == ' '))
		len--;
	if (!len)
		return 0;
	if (len > AUDIT_NL_MAX_PAYLOAD || len < 6 ||
	    memcmp(payload, "audit(", 6))
		return -EINVAL;
	name = audit_msg_type_to_name(nlh.nlmsg_type);
	if (!name) {
		snprintf(unknown, sizeof(unknown), "UNKNOWN[%u]",
			 (unsigned int)nlh.nlmsg_type);
		name = unknown;
	}
	strbuf_reset(line);
	strbuf_adds(line, "type=");
	strbuf_adds(line, name);
	strbuf_adds(line, " msg=");
	i = line->len;
	strbuf_add(line, payload, len);
	if (line->overflow)
		return -ENOMEM;
	/* a record is one line; the kernel escapes untrusted values, but a
	 * stray line break must not split it */
	for (; i < line->len; i++)
		if (line->buf[i] == '\n' || line->buf[i] == '\r')
			line->buf[i] = ' ';
	strbuf_addc(line, '\n');
	if (line->overflow)
		return -ENOMEM;
	*type = nlh.nlmsg_type;
	return 1;
}
