#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `nswatch rules --audit-version=2.8` against audit 2.8.5's own auditctl
# (built by `make check-oldlibs`, OLDLIBS_AUDITCTL): it loads the file
# into this kernel, every rule arrives (clone3 by number included), and
# the default (audit 3) file is what that auditctl refuses, so the
# option is needed.  Root; takes the global lock; removes the rules with
# key nswatch again (al_lock refuses to start when some were loaded).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=tests/lib/audit.sh
. "$top_srcdir/tests/lib/audit.sh"

AC28=${OLDLIBS_AUDITCTL:-}
[ -x "$AC28" ] || skip_all "OLDLIBS_AUDITCTL (audit 2.8.5's auditctl) not set: run make check-oldlibs"
al_require
al_lock

"$AC28" -v 2>&1 | grep -q 'version 2\.8\.' ||
	bail_out "$AC28 is not audit 2.8's auditctl: $("$AC28" -v 2>&1)"

"$NSWATCH" rules --audit-version=2.8 >"$AL_DIR/28.rules"
"$NSWATCH" rules >"$AL_DIR/3.rules"
n=$(grep -c '^-a ' "$AL_DIR/28.rules")

# the audit 3 file: 2.8's auditctl stops at clone3
"$AC28" -R "$AL_DIR/3.rules" >"$AL_DIR/3.out" 2>&1
rc=$?
ok $(( rc == 0 )) "audit 2.8's auditctl refuses the audit 3 file (exit $rc)"
grep -q clone3 "$AL_DIR/3.out"
ok $? "... at clone3" || diag "$(cat "$AL_DIR/3.out")"
auditctl -D -k nswatch >/dev/null 2>&1

"$AC28" -R "$AL_DIR/28.rules" >"$AL_DIR/28.out" 2>&1
ok $? "audit 2.8's auditctl loads the --audit-version=2.8 file" ||
	diag "$(cat "$AL_DIR/28.out")"
is "$(al_rules_ours)" "$n" "all $n rules are in the kernel"
# today's auditctl names syscall 435: the number is clone3's
is "$(auditctl -l | grep -c -- '-S clone3 -F key=nswatch$')" 2 \
	"-S 435 is clone3 for b64 and b32"
# several -F on one rule, negative exit values (today's auditctl may
# print them as errno names)
is "$(auditctl -l | grep -Ec -- '-S setns -F exit!=-(9|EBADF) -F exit!=-(22|EINVAL) -F key=nswatch$')" 2 \
	"setns without EBADF and EINVAL failures for b64 and b32"
auditctl -D -k nswatch >/dev/null 2>&1
is "$(al_rules_ours)" 0 "our rules removed again"

# the auto choice follows the auditctl found first in PATH
mkdir -p "$AL_DIR/bin28"
ln -sf "$AC28" "$AL_DIR/bin28/auditctl"
PATH=$AL_DIR/bin28:$PATH "$NSWATCH" rules --audit-version=auto |
	cmp -s - "$AL_DIR/28.rules"
ok $? "--audit-version=auto with auditctl 2.8.5 in PATH writes the 2.8 file"
"$NSWATCH" rules --audit-version=auto | cmp -s - "$AL_DIR/3.rules"
ok $? "--audit-version=auto with this host's auditctl $(auditctl -v | awk '{print $3}') writes the audit 3 file"

done_testing
