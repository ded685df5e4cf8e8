/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: audit_nl_record (netlink datagram -> libauparse line). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "audit-nl.h"
#include "fuzz.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf line = STRBUF_INIT;
	const char *nl;
	int type = -1, r;

	r = audit_nl_record(data, size, &line, &type);
	if (r < -4095 || r > 1)
		abort();
	if (r == 1) {
		/* exactly one line, "type=NAME msg=audit(...", bounded */
		if (!line.buf || line.len < 18 || line.buf[line.len - 1] != '\n')
			abort();
		nl = memchr(line.buf, '\n', line.len);
		if (nl != line.buf + line.len - 1)
			abort();
		if (strncmp(line.buf, "type=", 5) || !strstr(line.buf, " msg=audit("))
			abort();
		if (memchr(line.buf, '\0', line.len))
			abort();
		if (line.len > AUDIT_NL_MAX_PAYLOAD + 64)
			abort();
		if (type < 1100 || type > 2999)
			abort();
	}
	strbuf_release(&line);
	return 0;
}
