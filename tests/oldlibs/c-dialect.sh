#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The C that RHEL 7's compiler (gcc 4.8) knows, checked without gcc 4.8
# (not installable on Debian 12):
#
#   c-dialect.sh BUILDDIR CPPFLAGS...
#
# BUILDDIR is a configured and built tree (check-oldlibs' rhel7 shape:
# --disable-bpf, the old libraries); every C file it compiled, under
# src/ and tests/ (not the static helpers put into containers), is
#  1. parsed by clang as -std=gnu99 with C11 and C2x constructs as
#     errors (-Werror=c11-extensions -Werror=c2x-extensions), except
#     _Static_assert, which gcc has in every mode since 4.6.  gcc 4.8
#     knows -std=gnu11 (what configure sets) but not _Generic,
#     _Thread_local, _Atomic or <stdatomic.h> (gcc 4.9); C2x things
#     (labels before declarations, [[attributes]], bool as a keyword)
#     only gcc 11 and later.  This is stricter than gcc 4.8 (it also
#     refuses anonymous structs and _Noreturn, which 4.8 has): none are
#     used, and a new use should come with a compat.h macro.
#  2. scanned for GNU extensions and headers newer than gcc 4.8 that
#     clang accepts silently: __builtin_{add,sub,mul}_overflow,
#     __has_include, __has_attribute (gcc 5), __auto_type (4.9),
#     __has_builtin (10), __VA_OPT__ (8), the attributes fallthrough
#     (7), nonstring (8), access (10), <stdatomic.h>, <threads.h>.  A
#     line that uses one behind a version check says so with the
#     comment "gcc 4.8: fallback".
# The glibc side (no function newer than 2.17 without a fallback) is
# tests/glibc-symbols.sh, run in the same shape.  Prints TAP-style
# ok/not ok lines for run.sh; exit 1 on a finding.
set -uo pipefail

dir=$(cd "${1:?usage: c-dialect.sh BUILDDIR CPPFLAGS...}" && pwd)
shift
status=0
command -v clang >/dev/null || { echo "not ok - c-dialect: clang not installed"; exit 1; }

# the C files this build compiled: each object's source, by name
# (automake names a per-target object TARGET-NAME.o: strip prefixes)
srcs=$(cd "$dir" && find src tests -name '*.o' ! -name '*.bpf.o' ! -path 'tests/helpers/*' \
		! -path 'tests/packaging-*' |
	while read -r o; do
		d=${o%/*} b=${o##*/}
		b=${b%.o}
		while [ ! -f "$d/$b.c" ] && [ "${b#*-}" != "$b" ]; do
			b=${b#*-}
		done
		[ -f "$d/$b.c" ] && echo "$d/$b.c"
	done | sort -u)
n=$(echo "$srcs" | grep -c .)
if [ "$n" -lt 30 ]; then
	echo "not ok - c-dialect: only $n C files found built in $dir"
	exit 1
fi

out=$dir/c-dialect.out
: >"$out"
for c in $srcs; do
	(cd "$dir" && clang -fsyntax-only -std=gnu99 -Werror \
		-Wc11-extensions -Wc2x-extensions \
		'-D_Static_assert(e, m)=extern int nsw_static_assert_' \
		-DHAVE_CONFIG_H -DSYSCONFDIR='"/etc"' -I. -Isrc -Ibpf -Itests \
		"$@" "$c") >>"$out" 2>&1 || status=1
done
if [ "$status" = 0 ]; then
	echo "ok - c-dialect: $n C files parse as gnu99 without C11 (but _Static_assert) or C2x constructs (clang)"
else
	echo "not ok - c-dialect: C11 or C2x constructs gcc 4.8 may lack"
	grep -E 'error' "$out" | head -n 20
fi

newer='__builtin_(add|sub|mul)_overflow|__has_include|__has_attribute|__has_builtin|__auto_type|__VA_OPT__|_Generic|_Thread_local|_Atomic|<stdatomic\.h>|<threads\.h>|__attribute__ *\(\( *(__)?(fallthrough|nonstring|access)'
hits=$(cd "$dir" && for c in $srcs; do echo "$c"; done |
	cat - <(find src -name '*.h' ! -name '*.skel.h') |
	xargs grep -nE "$newer" 2>/dev/null | grep -v 'gcc 4\.8: fallback')
if [ -z "$hits" ]; then
	echo "ok - c-dialect: no builtin, attribute or header newer than gcc 4.8"
else
	echo "not ok - c-dialect: newer than gcc 4.8:"
	echo "$hits" | head -n 20
	status=1
fi
exit "$status"
