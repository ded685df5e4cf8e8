#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nswatch runs on glibc 2.17 (RHEL 7): every glibc symbol the binary
# imports must exist there.  A binary built against a newer glibc binds
# some old functions to newer symbol versions (libpthread and libdl were
# merged into libc in 2.34, the stat family re-versioned in 2.33,
# pthread_sigmask in 2.32); those are listed below by name, each one
# present in 2.17.  Anything else versioned after GLIBC_2.17 is a
# function 2.17 lacks: use it only behind a configure check with a
# fallback, and list it under WITH_FALLBACK.  Needs objdump (binutils).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=tests/lib/containers.sh
. "$top_srcdir/tests/lib/containers.sh"

require_cmd objdump
BIN=${NSWATCH:-$top_builddir/nswatch}
[ -x "$BIN" ] || bail_out "no nswatch binary at $BIN"

# in glibc 2.17 already, under an older version
IN_217=" __libc_start_main pthread_create pthread_join pthread_kill
 pthread_detach pthread_once pthread_key_create pthread_getspecific
 pthread_setspecific pthread_condattr_setclock pthread_cond_init
 pthread_mutexattr_init pthread_mutexattr_settype pthread_attr_init
 pthread_attr_setstacksize pthread_attr_destroy pthread_sigmask
 pthread_setname_np pthread_getattr_np pthread_attr_getstack
 stat fstat lstat fstatat stat64 fstat64 lstat64 fstatat64 mknod mknodat
 dlopen dlsym dlclose dlerror dladdr dlvsym sem_init sem_destroy sem_post
 sem_wait sem_timedwait __pthread_key_create "
# newer than 2.17, used only where configure found them (fallback else)
WITH_FALLBACK=" "

ALLOWED=" $(echo $IN_217 $WITH_FALLBACK) "

newer() { # VERSION: true when after 2.17
	[ "$(printf '%s\n2.17\n' "$1" | sort -V | tail -1)" != 2.17 ]
}
flagged() { # SYMBOL VERSION: true when 2.17 lacks it and it has no fallback
	newer "$2" && case $ALLOWED in *" $1 "*) false ;; *) true ;; esac
}

# name<TAB>version of every imported glibc symbol
list=${TMPDIR:-/tmp}/nsw-glibc.$$
trap 'rm -f "$list"' EXIT
objdump -T "$BIN" | awk '$0 ~ /\*UND\*/ && match($0, /GLIBC_[0-9.]+/) {
	v = substr($0, RSTART + 6, RLENGTH - 6); print $NF "\t" v }' |
	sort -u >"$list"

n=$(wc -l <"$list")
[ "$n" -gt 20 ]
ok $? "objdump lists $n versioned glibc imports"

bad=
while IFS=$'\t' read -r sym ver; do
	flagged "$sym" "$ver" && bad="$bad $sym@GLIBC_$ver"
done <"$list"
[ -z "$bad" ]
ok $? "no glibc function newer than 2.17 without a fallback${bad:+:$bad}"

# the check itself
flagged getrandom 2.25 && flagged pidfd_open 2.36 && ! flagged stat 2.33 &&
	! flagged memcpy 2.14 && ! flagged pthread_create 2.34
ok $? "getrandom@2.25 and pidfd_open@2.36 would be caught; stat@2.33, memcpy@2.14, pthread_create@2.34 not"

done_testing
