#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check-oldlibs`: build nswatch against the library releases of
# older enterprise distributions and run the unit tests, the fuzz corpora
# and the replay test against them.
#
#   run.sh SRCDIR WORKDIR
#
# Shapes (what a RHEL machine has; the kernel stays this machine's):
#   rhel7  audit 2.8.5 + json-c 0.11,  --disable-bpf, -Wpedantic, no
#          linux/bpf.h
#          (+ tests/oldlibs/auditctl28.sh: 2.8.5's auditctl loads
#          `nswatch rules --audit-version=2.8`; tests/glibc-symbols.sh:
#          nothing newer than glibc 2.17; tests/oldlibs/c-dialect.sh:
#          nothing newer than gcc 4.8 knows; make install DESTDIR=:
#          /etc/audisp/plugins.d and the audit 2.8 rules)
#   rhel8  this host's audit 3 + json-c 0.13.1, eBPF backend built
#          (make install DESTDIR=: /etc/audit/plugins.d, audit 3 rules)
# Both are configured as the packages are: --prefix=/usr --sysconfdir=/etc.
# Each shape builds a copy of the source tree (tracked and new files of
# the work tree, plus the generated configure) in WORKDIR/<shape>, linked
# with an rpath to WORKDIR/prefix (not LD_LIBRARY_PATH, which would hand
# the old libraries to this host's auditctl too), and
# tests/oldlibs/libs.sh checks with ldd that the old libraries are the
# ones loaded.
#
# The library sources: OLDLIBS_TARBALLS, a directory with
# json-c-0.11.tar.gz, json-c-0.13.1.tar.gz and audit-2.8.5.tar.gz
# (release archives of the upstream tags).  Built once into
# WORKDIR/prefix (see build-libs.sh); later runs reuse them.
set -uo pipefail

src=$(cd "${1:?usage: run.sh SRCDIR WORKDIR}" && pwd)
mkdir -p "${2:?usage: run.sh SRCDIR WORKDIR}"
work=$(cd "$2" && pwd)
prefix=$work/prefix
jobs=${NSW_JOBS:-2}

tarballs=${OLDLIBS_TARBALLS:-}
if [ -z "$tarballs" ]; then
	# beside the checkout, as the workplace lays it out, or at its fixed place
	for d in "$src/../shared/oldlibs" "$src/../../shared/oldlibs" \
		/work/shared/oldlibs; do
		[ -f "$d/audit-2.8.5.tar.gz" ] && { tarballs=$d; break; }
	done
fi
if [ -z "$tarballs" ] || [ ! -f "$tarballs/audit-2.8.5.tar.gz" ]; then
	echo "check-oldlibs: no library sources: set OLDLIBS_TARBALLS to the" \
		"directory with json-c-0.11.tar.gz, json-c-0.13.1.tar.gz and" \
		"audit-2.8.5.tar.gz" >&2
	exit 1
fi

t0=$SECONDS
"$src/tests/oldlibs/build-libs.sh" "$tarballs" "$prefix" || {
	echo "not ok - check-oldlibs: building the old libraries failed" >&2
	exit 1
}
echo "check-oldlibs: libraries ready ($(( SECONDS - t0 ))s)"

# unit tests and fuzz corpora, as Makefile.am lists them
unit_tests=$(sed -n 's/^TESTS += //p' "$src/Makefile.am" | tr ' ' '\n' |
	grep -E '^tests/(test-|fuzz/)' | tr '\n' ' ')

status=0
shape() { # NAME CONFIGURE_ARGS... -- runs one shape; sets status
	local name=$1 dir=$work/$1 t=$SECONDS pcp ldp cppf ldf extra_tests
	shift
	case $name in
	rhel7)
		pcp=$prefix/audit-2.8.5/lib/pkgconfig:$prefix/json-c-0.11/lib/pkgconfig
		ldp=$prefix/audit-2.8.5/lib:$prefix/json-c-0.11/lib
		cppf="-isystem $prefix/audit-2.8.5/include -isystem $prefix/json-c-0.11/include/json-c"
		extra_tests="tests/glibc-symbols.sh tests/oldlibs/auditctl28.sh" ;;
	rhel8)
		pcp=$prefix/json-c-0.13.1/lib/pkgconfig
		ldp=$prefix/json-c-0.13.1/lib
		cppf="-isystem $prefix/json-c-0.13.1/include/json-c"
		extra_tests= ;;
	esac
	ldf=$(echo "$ldp" | tr ':' '\n' | sed 's/^/-Wl,-rpath,/' | tr '\n' ' ')
	mkdir -p "$dir"
	# the work tree's sources with their times, so a rerun rebuilds
	# only what changed; the generated configure comes along
	(cd "$src" && { git ls-files -z --cached --others --exclude-standard
		printf '%s\0' configure Makefile.in config.h.in aclocal.m4 \
			build-aux m4; } |
		xargs -0 tar -c --ignore-failed-read 2>/dev/null) |
		tar -x -C "$dir" || { status=1; return; }
	if ! (cd "$dir" && PKG_CONFIG_PATH=$pcp ./configure -q --enable-werror \
		CPPFLAGS="$cppf" LDFLAGS="$ldf" "$@" >configure.out 2>&1 &&
		make -s -j"$jobs" >make.out 2>&1); then
		echo "not ok - $name: build"
		tail -n 30 "$dir/configure.out" "$dir/make.out" 2>/dev/null
		status=1
		return
	fi
	rm -f "$dir"/test-suite.log
	# no LD_LIBRARY_PATH: this host's tools (auditctl, jq) would load
	# the old libraries too; our binaries find them by their rpath
	(cd "$dir" && OLDLIBS_LIBDIRS=$ldp OLDLIBS_SHAPE=$name \
		OLDLIBS_AUDITCTL=$prefix/audit-2.8.5/sbin/auditctl \
		make -s -j"$jobs" check TESTS="tests/oldlibs/libs.sh $unit_tests tests/integration/replay.sh $extra_tests" \
		>check.out 2>&1)
	local rc=$?
	if [ "$rc" = 0 ] && ! grep -qE '^# SKIP: +[1-9]' "$dir/test-suite.log"; then
		echo "ok - $name: $(awk '/^# PASS:/{print $3}' "$dir/test-suite.log") passed ($(( SECONDS - t ))s)"
	else
		echo "not ok - $name: tests (exit $rc)"
		for log in $(find "$dir/tests" -name '*.log' 2>/dev/null); do
			grep -qE '^(not ok|Bail out|# SKIP|1\.\.0)' "$log" &&
				{ echo "===== $log"; cat "$log"; }
		done
		grep -E '^# [A-Z]+:' "$dir/test-suite.log" 2>/dev/null
		status=1
	fi
}

# install_check NAME PLUGINDIR RULES: `make install DESTDIR=` of a shape
# configured as the packages are (--prefix=/usr --sysconfdir=/etc) puts
# the plugin conf in PLUGINDIR (inactive, path in /usr/sbin) and the
# rules in the form `nswatch rules --audit-version=RULES` prints
install_check() {
	local name=$1 pd=$2 v=$3 dir=$work/$1 d=$work/$1/destdir m='' f
	rm -rf "$d"
	if ! make -C "$dir" -s install DESTDIR="$d" >"$dir/install.out" 2>&1; then
		echo "not ok - $name: make install DESTDIR=..."
		tail -n 20 "$dir/install.out"
		status=1
		return
	fi
	for f in /usr/bin/nswatch /usr/sbin/audisp-nswatch "$pd/nswatch.conf" \
		/etc/audit/rules.d/60-nswatch.rules /etc/nswatch/nswatch.conf \
		/etc/logrotate.d/nswatch /usr/lib/systemd/system/nswatch.service; do
		[ -f "$d$f" ] || m="$m $f"
	done
	for f in /etc/audit/plugins.d /etc/audisp/plugins.d; do
		[ "$f" = "$pd" ] || [ ! -e "$d$f" ] || m="$m (and $f)"
	done
	if [ -z "$m" ] && grep -qx 'active = no' "$d$pd/nswatch.conf" &&
	   grep -qx 'path = /usr/sbin/audisp-nswatch' "$d$pd/nswatch.conf" &&
	   "$dir/nswatch" rules --audit-version="$v" |
		cmp -s - "$d/etc/audit/rules.d/60-nswatch.rules"; then
		echo "ok - $name: make install puts the plugin conf in $pd, the audit $v rules in /etc/audit/rules.d/60-nswatch.rules"
	else
		echo "not ok - $name: make install: plugin conf in $pd, audit $v rules${m:+; missing:$m}"
		status=1
	fi
}

# RHEL 7 before 7.6 has kernel headers without linux/bpf.h: pretend so
# (configure's cache variable), so the fallback compiles too
shape rhel7 --disable-bpf --prefix=/usr --sysconfdir=/etc \
	CFLAGS="-O2 -g -Wpedantic" ac_cv_header_linux_bpf_h=no
if [ -x "$work/rhel7/nswatch" ]; then
	install_check rhel7 /etc/audisp/plugins.d 2.8
	# gcc 4.8's C (clang: no C11 but _Static_assert, no C2x, no newer
	# builtins), for the files this shape compiled
	"$src/tests/oldlibs/c-dialect.sh" "$work/rhel7" \
		-isystem "$prefix/audit-2.8.5/include" \
		-isystem "$prefix/json-c-0.11/include/json-c" || status=1
fi
shape rhel8 --prefix=/usr --sysconfdir=/etc
[ -x "$work/rhel8/nswatch" ] && install_check rhel8 /etc/audit/plugins.d 3

# configure refuses a too old json-c and names the package to upgrade
cfg=$work/configure-old
rm -rf "$cfg" "$work/pc-old" && mkdir -p "$cfg" "$work/pc-old"
printf '%s\n' "prefix=/nonexistent" "Name: json-c" "Description: old" \
	"Version: 0.10" "Libs: -ljson-c" "Cflags:" >"$work/pc-old/json-c.pc"
(cd "$src" && { git ls-files -z --cached --others --exclude-standard
	printf '%s\0' configure Makefile.in config.h.in aclocal.m4 build-aux m4; } |
	xargs -0 tar -c --ignore-failed-read 2>/dev/null) | tar -x -C "$cfg"
if (cd "$cfg" && PKG_CONFIG_PATH=$work/pc-old ./configure -q --disable-bpf \
	>configure.out 2>&1); then
	echo "not ok - configure accepts json-c 0.10"
	status=1
elif grep -q 'json-c >= 0.11 not found' "$cfg/configure.out" &&
     grep -q 'json-c-devel (RHEL, Fedora) or libjson-c-dev' "$cfg/configure.out"; then
	echo "ok - configure stops at json-c 0.10 and names json-c-devel / libjson-c-dev"
else
	echo "not ok - configure's message for json-c 0.10"
	tail -n 5 "$cfg/configure.out"
	status=1
fi
rm -rf "$cfg" "$work/pc-old"
echo "check-oldlibs: $(( SECONDS - t0 ))s"
exit "$status"
