#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the library releases older enterprise distributions ship into a
# scratch prefix, for `make check-oldlibs`:
#
#   build-libs.sh TARBALL_DIR PREFIX_ROOT
#
# TARBALL_DIR holds json-c-0.11.tar.gz, json-c-0.13.1.tar.gz and
# audit-2.8.5.tar.gz (upstream release tags, no generated files for
# audit).  Each library goes to PREFIX_ROOT/<name>-<version>; a stamp
# there holds the tarball's checksum, so a second run with the same
# tarball rebuilds nothing.  Never touches the system's libraries.
#
# Only what nswatch links (and the test needs) is built: json-c's
# library, and of audit lib/ (libaudit), auparse/ (libauparse) and
# src/auditctl (to check that audit 2.8's auditctl loads our rules) --
# not auditd, audispd, the tools or the bindings.
set -euo pipefail

src=${1:?usage: build-libs.sh TARBALL_DIR PREFIX_ROOT}
root=${2:?usage: build-libs.sh TARBALL_DIR PREFIX_ROOT}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$root"
root=$(cd "$root" && pwd)
jobs=${NSW_JOBS:-2}

# Flags today's gcc needs for these trees: no -Werror from their own
# configure (-w), and -fcommon for audit 2.8.5's tentative definitions
# shared between files (gcc 10 made -fno-common the default).
old_cflags="-O1 -g0 -w -fcommon"

# stamp NAME TARBALL: true when PREFIX_ROOT/NAME was built from TARBALL
stamp_ok() {
	[ -f "$root/$1/.built" ] &&
	[ "$(cat "$root/$1/.built")" = "$(sha256sum < "$2" | cut -d' ' -f1)" ]
}

unpack() { # TARBALL -> prints the directory it unpacked into
	local work="$root/.src"
	mkdir -p "$work"
	local top
	top=$(tar -tzf "$1" | head -1 | cut -d/ -f1)
	rm -rf "${work:?}/$top"
	tar -xzf "$1" -C "$work"
	echo "$work/$top"
}

build_jsonc() { # VERSION
	local name=json-c-$1 tgz=$src/json-c-$1.tar.gz dir
	stamp_ok "$name" "$tgz" && { echo "oldlibs: $name cached"; return; }
	echo "oldlibs: building $name"
	rm -rf "${root:?}/$name"
	dir=$(unpack "$tgz")
	# the release tags carry a generated configure
	[ -x "$dir/configure" ] || (cd "$dir" && autoreconf -fi >/dev/null 2>&1)
	(cd "$dir" &&
	 ./configure -q --prefix="$root/$name" --disable-static \
		CFLAGS="$old_cflags" >/dev/null &&
	 make -s -j"$jobs" >/dev/null 2>&1 && make -s install >/dev/null)
	sha256sum < "$tgz" | cut -d' ' -f1 > "$root/$name/.built"
	rm -rf "$dir"
}

build_audit() { # VERSION
	local name=audit-$1 tgz=$src/audit-$1.tar.gz dir
	stamp_ok "$name" "$tgz" && { echo "oldlibs: $name cached"; return; }
	echo "oldlibs: building $name"
	rm -rf "${root:?}/$name"
	dir=$(unpack "$tgz")
	(cd "$dir" && autoreconf -fi >/dev/null 2>&1 &&
	 ./configure -q --prefix="$root/$name" --disable-static \
		--without-python --without-python3 --without-golang \
		--disable-zos-remote --disable-listener --without-libcap-ng \
		CFLAGS="$old_cflags" CPPFLAGS="-I$here/shim" >/dev/null &&
	 make -s -j"$jobs" -C lib >/dev/null 2>&1 &&
	 make -s -j"$jobs" -C auparse >/dev/null 2>&1 &&
	 make -s -C src auditctl >/dev/null 2>&1 &&
	 make -s -C lib install >/dev/null &&
	 make -s -C auparse install >/dev/null &&
	 mkdir -p "$root/$name/sbin" &&
	 ./libtool --mode=install install -m 755 src/auditctl \
		"$root/$name/sbin/auditctl" >/dev/null)
	sha256sum < "$tgz" | cut -d' ' -f1 > "$root/$name/.built"
	rm -rf "$dir"
}

build_jsonc 0.11
build_jsonc 0.13.1
build_audit 2.8.5
rm -rf "$root/.src"
