#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Part of `make check-oldlibs` (tests/oldlibs/run.sh sets OLDLIBS_SHAPE
# and OLDLIBS_LIBDIRS): the binaries under test really load the old
# libraries from the scratch prefix, not the system's, and configure
# took the compatibility paths of src/compat.h for them.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"

[ -n "${OLDLIBS_SHAPE:-}" ] && [ -n "${OLDLIBS_LIBDIRS:-}" ] ||
	skip_all "OLDLIBS_SHAPE/OLDLIBS_LIBDIRS not set: run make check-oldlibs"
require_cmd ldd

# lib_from BINARY SONAME_PREFIX: the directory ldd resolves it to
lib_from() {
	ldd "$1" | awk -v l="$2" 'index($1, l) == 1 { print $3 }' |
		xargs -r dirname
}

# expect BINARY SONAME_PREFIX DIR_SUBSTRING
expect() {
	local d
	d=$(lib_from "$1" "$2")
	case $d in
	*"$3"*) ok 0 "$(basename "$1"): $2 from $d" ;;
	*) ok 1 "$(basename "$1"): $2 from ${d:-nowhere}, want .../$3/..." ;;
	esac
}

# the rpath alone must do it
unset LD_LIBRARY_PATH
has() { grep -q "^#define $1 1" "$top_builddir/config.h"; }
# nswatch links all three; the test programs only what they use (the
# linker drops the rest: --as-needed)
b=$top_builddir
case $OLDLIBS_SHAPE in
rhel7)
	for bin in "$b/nswatch" "$b/tests/test-audit-map"; do
		expect "$bin" libaudit.so audit-2.8.5
		expect "$bin" libauparse.so audit-2.8.5
	done
	for bin in "$b/nswatch" "$b/tests/test-encode"; do
		expect "$bin" libjson-c.so json-c-0.11
	done ;;
rhel8)
	for bin in "$b/nswatch" "$b/tests/test-encode"; do
		expect "$bin" libjson-c.so json-c-0.13.1
	done
	d=$(lib_from "$b/nswatch" libauparse.so)
	case $d in
	/*_oldlibs*|"") ok 1 "nswatch: libauparse from the system, got ${d:-nothing}" ;;
	*) ok 0 "nswatch: libauparse from the system ($d)" ;;
	esac ;;
*) bail_out "unknown shape $OLDLIBS_SHAPE" ;;
esac

# the compatibility paths are the ones built
! has HAVE_JSON_TOKENER_GET_PARSE_END
ok $? "json-c < 0.14: json_tokener_get_parse_end replaced"
case $OLDLIBS_SHAPE in
rhel7)
	! has HAVE_AUDIT_RULE_CREATE_DATA
	ok $? "audit 2.8: audit_rule_create_data replaced"
	! has HAVE_AUPARSE_SET_EOE_TIMEOUT
	ok $? "audit 2.8: no auparse_set_eoe_timeout"
	! has HAVE_BPF
	ok $? "--disable-bpf: no eBPF backend"
	! has HAVE_LINUX_BPF_H
	ok $? "built as without linux/bpf.h (kernel headers before 3.18)"
	"$top_builddir/nswatch" probe >probe.out 2>&1
	grep -q 'backend (auto): *audit' probe.out
	ok $? "nswatch probe: auto means audit"
	grep -q 'BPF program load: *no: Function not implemented' probe.out
	ok $? "nswatch probe: no bpf(2) without its headers"
	grep -q 'built with: *libaudit 2\.8\.5, json-c 0\.11$' probe.out
	ok $? "nswatch probe: built with libaudit 2.8.5 and json-c 0.11"
	grep -q 'libaudit clone3  unknown (audit < 3.0)' probe.out
	ok $? "nswatch probe: libaudit 2.8 knows no clone3" ||
		diag "$(cat probe.out)"
	rm -f probe.out ;;
rhel8)
	has HAVE_AUDIT_RULE_CREATE_DATA
	ok $? "audit 3: audit_rule_create_data from libaudit"
	has HAVE_BPF
	ok $? "eBPF backend built" ;;
esac

done_testing
