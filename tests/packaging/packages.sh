#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2016  # jq programs in single quotes
#
#   tests/packaging/packages.sh TARBALL
#
# The packages built from a `make dist` tarball, and the .deb installed on
# a brand-new Debian 12 root:
#  - dpkg-buildpackage -us -uc -b builds nswatch; lintian finds nothing at
#    warning level; the .deb holds every path below; its maintainer
#    scripts enable the unit; the plugin conf says active = no
#  - rpmbuild -bb --nodeps (contrib/nswatch.spec) for RHEL 8/9 (eBPF) and
#    el7 (--define 'rhel 7': no eBPF, /etc/audisp/plugins.d); each
#    package lists the unit, plugin conf, rules and man pages
#  - a root made by debootstrap (minbase, cached as a tarball under the
#    build directory: tests/packaging-cache/) gets the .deb with dpkg -i;
#    every path it lists exists; `nswatch probe` runs there; `nswatch
#    config check` passes on the shipped config (when this build has the
#    command); the unit's ExecStart command line, run by hand in the root
#    (no systemd), sees the escape from a test pod with the audit backend
#    on its netlink source, writes it to /var/log/nswatch/events.json
#    (the shipped config's output), and holds /run/nswatch/monitor.lock;
#    the shipped logrotate file rotates that file and the monitor
#    reopens it; then this host's auditd starts the installed plugin
#    conf (made active, as the operator does; its path a wrapper that
#    chroots into the root to run the installed audisp-nswatch) with the
#    installed rules loaded: it sees the escape too, and the unit's
#    command line refuses to run beside it; postinst enabled the unit,
#    and dpkg --purge leaves no config, rules or events behind.
# Root, network for debootstrap on the first run.  Run by .ci/run after
# `make check` (and by `make check-packaging`); takes the global lock for
# the containers, audit and monitors.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/containers.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/scenarios.sh"
# shellcheck source=/dev/null
. "$top_srcdir/tests/lib/audit.sh"

TARBALL=${1:-}
if [ -z "$TARBALL" ] || [ ! -r "$TARBALL" ]; then
	bail_out "usage: $0 TARBALL (from make dist)"
fi
TARBALL=$(readlink -f "$TARBALL")
require_root
require_cmd dpkg-buildpackage lintian rpmbuild rpm debootstrap dpkg-deb jq \
	auditctl auditd chroot mount umount logrotate
[ -n "${NSWATCH:-}" ] || NSWATCH=$top_builddir/nswatch
PW=$top_builddir/tests/packaging-work
CACHE=$top_builddir/tests/packaging-cache
ROOT=$PW/root
# a run that died may have left the root's mounts (/dev, /sys): undo them
# before anything is removed, and never cross into another file system
findmnt -rn -o TARGET | grep "^$PW/" | sort -r | while read -r m; do
	umount -R -l "$m"
done
rm -rf --one-file-system "$PW"
[ ! -e "$PW" ] || bail_out "cannot remove $PW"
mkdir -p "$PW" "$CACHE"

# every file the packages install (Debian paths; the RPM's are mapped)
DEB_FILES="
/usr/bin/nswatch
/usr/sbin/audisp-nswatch
/lib/systemd/system/nswatch.service
/lib/systemd/system/nswatch.service.d/memory.conf
/etc/audit/plugins.d/nswatch.conf
/etc/audit/rules.d/60-nswatch.rules
/usr/share/man/man8/nswatch.8.gz
/usr/share/man/man8/audisp-nswatch.8.gz
/usr/share/man/man5/nswatch-policy.5.gz
/usr/share/man/man5/nswatch.conf.5.gz
/etc/nswatch/nswatch.conf
/etc/logrotate.d/nswatch
/usr/share/doc/nswatch/copyright
"
RPM_FILES="
/usr/bin/nswatch
/usr/sbin/audisp-nswatch
/usr/lib/systemd/system/nswatch.service
/usr/lib/systemd/system/nswatch.service.d/memory.conf
@PLUGINDIR@/nswatch.conf
/etc/audit/rules.d/60-nswatch.rules
/usr/share/man/man8/nswatch.8
/usr/share/man/man8/audisp-nswatch.8
/usr/share/man/man5/nswatch-policy.5
/usr/share/man/man5/nswatch.conf.5
/etc/nswatch/nswatch.conf
/etc/logrotate.d/nswatch
"
# missing LIST-FILE PATH...: the paths not in LIST-FILE
missing() {
	local list=$1 p m=
	shift
	for p in "$@"; do
		grep -qxF "$p" "$list" || m="$m $p"
	done
	echo "${m# }"
}

# ---- Debian package --------------------------------------------------------
mkdir -p "$PW/deb"
tar -xzf "$TARBALL" -C "$PW/deb"
src=$(echo "$PW"/deb/nswatch-*/)
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$PW/deb/build.log" 2>&1
ok $? "dpkg-buildpackage -us -uc -b from the tarball" ||
	diag "$(tail -n 30 "$PW/deb/build.log")"
DEB=$(find "$PW/deb" -maxdepth 1 -name 'nswatch_*.deb' | head -n 1)
[ -n "$DEB" ] || bail_out "no .deb built"
lintian --fail-on warning "$PW"/deb/nswatch_*.changes >"$PW/deb/lintian.log" 2>&1
ok $? "lintian: nothing at warning level" || diag "$(cat "$PW/deb/lintian.log")"
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$PW/deb/files"
# shellcheck disable=SC2086
m=$(missing "$PW/deb/files" $DEB_FILES)
ok $((${#m} != 0)) "the .deb holds every file" || diag "missing: $m"
dpkg-deb -e "$DEB" "$PW/deb/control"
grep -q 'deb-systemd-helper.*enable.*nswatch.service\|deb-systemd-helper enable' \
	"$PW/deb/control/postinst" 2>/dev/null
ok $? "postinst enables nswatch.service" || diag "$(cat "$PW/deb/control/postinst")"
! grep -q 'plugins.d\|augenrules\|auditctl' "$PW/deb/control/postinst"
ok $? "postinst leaves the audit plugin and the audit rules alone"
grep -qx /etc/audit/rules.d/60-nswatch.rules "$PW/deb/control/conffiles" &&
	grep -qx /etc/audit/plugins.d/nswatch.conf "$PW/deb/control/conffiles"
ok $? "rules and plugin conf are conffiles (purge removes them)"

# ---- RPM: RHEL 8/9 with eBPF, el7 without ---------------------------------
for v in 9 7; do
	top=$PW/rpm$v
	mkdir -p "$top/SOURCES"
	# the spec's Source0: nswatch-VERSION.tar.gz, whatever this one's name
	cp "$TARBALL" "$top/SOURCES/$(basename "$src").tar.gz"
	rpmbuild -bb --nodeps --define "_topdir $top" \
		--define 'debug_package %{nil}' --define "rhel $v" \
		"$top_srcdir/contrib/nswatch.spec" >"$top/build.log" 2>&1
	ok $? "rpmbuild -bb --nodeps contrib/nswatch.spec (rhel $v)" ||
		diag "$(tail -n 30 "$top/build.log")"
	rpm=$(find "$top/RPMS" -name 'nswatch-[0-9]*.rpm' | head -n 1)
	rpm -qlp "$rpm" >"$top/files" 2>/dev/null
	case $v in
	7) pd=/etc/audisp/plugins.d bpf=no ;;
	*) pd=/etc/audit/plugins.d bpf=yes ;;
	esac
	# shellcheck disable=SC2086
	m=$(missing "$top/files" ${RPM_FILES//@PLUGINDIR@/$pd})
	ok $((${#m} != 0)) "rhel $v rpm lists the unit, plugin conf ($pd), rules, man pages" ||
		diag "missing: $m"
	grep -q "eBPF backend: *$bpf" "$top/build.log"
	ok $? "rhel $v rpm: eBPF backend $bpf"
	# the rules in the form that release's auditctl loads (by digest)
	case $v in
	7) rf=nswatch-audit2.8.rules ;;
	*) rf=nswatch.rules ;;
	esac
	rpm -qp --qf '[%{FILEDIGESTS} %{FILENAMES}\n]' "$rpm" 2>/dev/null |
		grep -qx "$(sha256sum <"$top_srcdir/rules/$rf" | cut -d' ' -f1) /etc/audit/rules.d/60-nswatch.rules"
	ok $? "rhel $v rpm: 60-nswatch.rules is rules/$rf"
done

# ---- a brand-new Debian 12 root --------------------------------------------
if [ ! -s "$CACHE/bookworm-minbase.tar" ]; then
	rm -rf "$CACHE/root.tmp"
	debootstrap --variant=minbase \
		--include=libaudit1,libauparse0,libjson-c5,libbpf1,libelf1,zlib1g \
		bookworm "$CACHE/root.tmp" http://deb.debian.org/debian \
		>"$CACHE/debootstrap.log" 2>&1 ||
		bail_out "debootstrap failed: $(tail -n 5 "$CACHE/debootstrap.log")"
	tar -C "$CACHE/root.tmp" -cf "$CACHE/bookworm-minbase.tar.tmp" . &&
		mv "$CACHE/bookworm-minbase.tar.tmp" "$CACHE/bookworm-minbase.tar"
	rm -rf "$CACHE/root.tmp"
fi
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$CACHE/bookworm-minbase.tar"
ok $? "a fresh Debian 12 root (debootstrap, cached in $CACHE)"
cp "$DEB" "$ROOT/tmp/nswatch.deb"
chroot "$ROOT" dpkg -i /tmp/nswatch.deb >"$PW/dpkg-i.log" 2>&1
ok $? "dpkg -i nswatch.deb in the root" || diag "$(cat "$PW/dpkg-i.log")"
chroot "$ROOT" dpkg -L nswatch >"$PW/root-files"
gone=
while read -r p; do
	[ -e "$ROOT$p" ] || gone="$gone $p"
done <"$PW/root-files"
# shellcheck disable=SC2086
m=$(missing "$PW/root-files" $DEB_FILES)
[ -z "$gone" ] && [ -z "$m" ]
ok $? "every path dpkg -L lists is installed ($(wc -l <"$PW/root-files") paths)" ||
	diag "listed but absent:$gone; not listed: $m"
[ -x "$ROOT/usr/sbin/audisp-nswatch" ] && [ -x "$ROOT/usr/bin/nswatch" ]
ok $? "nswatch and audisp-nswatch are executable"
conf=$ROOT/etc/audit/plugins.d/nswatch.conf
grep -qx 'active = no' "$conf" && grep -qx 'path = /usr/sbin/audisp-nswatch' "$conf"
ok $? "the plugin conf: active = no, path = /usr/sbin/audisp-nswatch" || diag "$(cat "$conf")"

# the root sees this kernel: /proc, /sys (BTF, tracefs), /dev, and the
# runtime state of the test pods
MOUNTS=()
rootmount() {
	mkdir -p "$ROOT$2"
	# shellcheck disable=SC2086
	mount $1 "$ROOT$2" && MOUNTS=("$ROOT$2" "${MOUNTS[@]}")
}
unmount_root() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount -R -l "$m" 2>/dev/null
	done
	MOUNTS=()
}
trap 'unmount_root' EXIT
rootmount "-t proc proc" /proc
rootmount "--rbind /sys" /sys
mount --make-rslave "$ROOT/sys"
rootmount "--rbind /dev" /dev
mount --make-rslave "$ROOT/dev"
mkdir -p "$NSW_CT_STATE" "$NSW_CT_RUNC_ROOT"
rootmount "--rbind /run/containerd" /run/containerd

chroot "$ROOT" nswatch probe >"$PW/probe.log" 2>&1
ok $? "nswatch probe in the root" || diag "$(cat "$PW/probe.log")"
diag "$(grep -i 'backend (auto)' "$PW/probe.log")"
# `nswatch config check` of the shipped config
chroot "$ROOT" nswatch config check /etc/nswatch/nswatch.conf >"$PW/config.log" 2>&1
ok $? "nswatch config check /etc/nswatch/nswatch.conf in the root" ||
	diag "$(cat "$PW/config.log")"

# the unit's ExecStart, as systemd would run it, plus where the events go
exec_start=$(sed -n 's/^ExecStart=//p' "$ROOT/lib/systemd/system/nswatch.service")
read -r -a CMD <<<"$exec_start"
diag "ExecStart: ${CMD[*]}"

# ---- live: containers, audit, monitors (global lock) -----------------------
al_lock
# shellcheck disable=SC2154
trap 'al_rc=$?; al_cleanup; unmount_root; (exit $al_rc); ct_cleanup_all' EXIT
ct_rootfs_build || bail_out "cannot build the test rootfs"
scn_setup_pods >/dev/null || bail_out "cannot start the test pods"
ESCAPE='.process_kprobe != null and .nswatch.verdict == "escape_to_host" and ([.nswatch.alerts[]?.rule] | index("setns-escape-to-host"))'
# escape_seen FILE: the escape of the last scenario is in FILE
escape_seen() {
	local i
	for (( i = 0; i < 100; i++ )); do
		[ -s "$1" ] && jq -e -c --argjson p "$SCN_PID" \
			"select(.process_kprobe.process.pid == \$p and ($ESCAPE))" \
			"$1" 2>/dev/null | grep -q . && return 0
		ct_sleep 0.1
	done
	return 1
}

# 1. the unit's command line as installed, audit backend, netlink
# source: events go where the shipped config says (no --output here)
out=/var/log/nswatch/events.json
grep -qx "output = $out" "$ROOT/etc/nswatch/nswatch.conf"
ok $? "the shipped config sends events to $out"
mkdir -p "$ROOT/var/log/nswatch" "$ROOT/run/nswatch"
chmod 0750 "$ROOT/var/log/nswatch"	# as LogsDirectoryMode= makes it
env -u NSWATCH_RUNTIME_DIR chroot "$ROOT" "${CMD[@]}" --backend=audit --audit-source=netlink \
	--ready-file=/run/nswatch/ready --stats-interval=0 \
	2>"$PW/netlink.err" 9>&- &
MPID=$!
AL_PIDS+=("$MPID")
for (( i = 0; i < 100; i++ )); do
	[ -s "$ROOT/run/nswatch/ready" ] && break
	kill -0 "$MPID" 2>/dev/null || break
	ct_sleep 0.1
done
[ -s "$ROOT/run/nswatch/ready" ]
ok $? "the unit's ExecStart runs in the root (audit, netlink source)" ||
	diag "$(cat "$PW/netlink.err")"
grep -q "auditd-plugin\|nswatch.service\|monitor" "$ROOT/run/nswatch/monitor.lock"
ok $? "it holds /run/nswatch/monitor.lock: $(cat "$ROOT/run/nswatch/monitor.lock" 2>/dev/null)"
scn_priv_host_nsenter "$SCN_PRIV_ID" >/dev/null
escape_seen "$ROOT$out"
ok $? "netlink: the escape from the privileged pod (nsenter pid $SCN_PID) is in $out" ||
	diag "$(tail -n 5 "$ROOT$out" 2>/dev/null; cat "$PW/netlink.err")"

# the shipped logrotate file, run by this host's logrotate with the
# root's paths: it moves the file away and signals the monitor named
# by the lock file, which reopens it; the next escape is in a new file
sed -e "s|/var/log/nswatch|$ROOT/var/log/nswatch|g" \
	-e "s|/run/nswatch|$ROOT/run/nswatch|g" \
	"$ROOT/etc/logrotate.d/nswatch" >"$PW/logrotate.conf"
logrotate -f -s "$PW/logrotate.state" "$PW/logrotate.conf" \
	>"$PW/logrotate.log" 2>&1
ok $? "logrotate -f with the shipped /etc/logrotate.d/nswatch" ||
	diag "$(cat "$PW/logrotate.log")"
first=$SCN_PID
scn_priv_host_nsenter "$SCN_PRIV_ID" >/dev/null
escape_seen "$ROOT$out" && [ -s "$ROOT$out.1" ] &&
	! jq -e --argjson p "$first" 'select(.process_kprobe.process.pid == $p)' \
		"$ROOT$out" 2>/dev/null | grep -q .
ok $? "after the rotation the next escape is in a new $out (the old one is $out.1)" ||
	diag "$(ls -l "$ROOT/var/log/nswatch"; tail -n 3 "$PW/netlink.err")"
kill -TERM "$MPID"
wait "$MPID"
is "$?" 0 "netlink: the monitor stops cleanly"
AL_PIDS=("${AL_PIDS[@]/$MPID}")

# 2. a real auditd (this host's) starts the installed plugin conf, made
# active as the operator does, its path a wrapper that runs the
# installed audisp-nswatch in the root, with the installed rules
# loaded.  auditd starts plugins with an empty environment: a bare
# `chroot` there is looked up in glibc's default /bin:/usr/bin and not
# found (it is /usr/sbin/chroot), so the wrapper names it in full.
al_short_dir
printf '%s\n' '#!/bin/sh' \
	"exec /usr/sbin/chroot $ROOT /usr/sbin/audisp-nswatch \"\$@\"" \
	>"$AL_SHORT_DIR/in-root"
chmod 0755 "$AL_SHORT_DIR/in-root"
auditctl -R "$ROOT/etc/audit/rules.d/60-nswatch.rules" >"$PW/rules.log" 2>&1
ok $? "the installed rules load (auditctl -R, as augenrules would)" ||
	diag "$(cat "$PW/rules.log")"
plug_conf=$(sed -e 's/^active = no$/active = yes/' \
	-e "s|^path = .*|path = $AL_SHORT_DIR/in-root|" "$conf")
rm -f "$ROOT$out" "$ROOT$out".* "$ROOT/var/log/nswatch/nswatch.log"
al_auditd plugin "$plug_conf"
ok $? "auditd starts with the installed plugin conf (active = yes)"
plog=$ROOT/var/log/nswatch/nswatch.log
for (( i = 0; i < 100; i++ )); do
	grep -q 'ready' "$plog" 2>/dev/null && break
	ct_sleep 0.1
done
grep -q 'ready: backend audit' "$plog" 2>/dev/null
ok $? "auditd's plugin runs the packaged nswatch in the root (log: /var/log/nswatch/nswatch.log)" ||
	diag "$(cat "$plog" "$AL_DIR/plugin/stderr" 2>/dev/null)"
grep -q 'auditd-plugin' "$ROOT/run/nswatch/monitor.lock"
ok $? "the plugin holds /run/nswatch/monitor.lock: $(cat "$ROOT/run/nswatch/monitor.lock" 2>/dev/null)"
# the unit's command line now refuses to start
env -u NSWATCH_RUNTIME_DIR chroot "$ROOT" "${CMD[@]}" --backend=audit \
	--output=/var/log/nswatch/refused.json 2>"$PW/refused.err" 9>&-
is "$?" 3 "the unit's ExecStart refuses to run beside the plugin (exit 3)"
grep -q 'auditd-plugin' "$PW/refused.err"
ok $? "and names the plugin's monitor" || diag "$(cat "$PW/refused.err")"
scn_priv_host_nsenter "$SCN_PRIV_ID" >/dev/null
escape_seen "$ROOT$out"
ok $? "plugin: the escape from the privileged pod (nsenter pid $SCN_PID) is in $out" ||
	diag "$(tail -n 5 "$ROOT$out" 2>/dev/null; cat "$plog")"
al_auditd_stop
auditctl -D -k nswatch >/dev/null 2>&1

# the maintainer scripts in the root (no systemd there): postinst
# enabled the unit (deb-systemd-helper's symlink); purge removes the
# config, the rules, the plugin conf and the event directory
[ -L "$ROOT/etc/systemd/system/multi-user.target.wants/nswatch.service" ]
ok $? "dpkg -i enabled nswatch.service (multi-user.target.wants)"
chroot "$ROOT" dpkg --purge nswatch >"$PW/purge.log" 2>&1
ok $? "dpkg --purge nswatch in the root" || diag "$(cat "$PW/purge.log")"
left=
for p in /etc/nswatch /etc/audit/rules.d/60-nswatch.rules \
	/etc/audit/plugins.d/nswatch.conf /etc/logrotate.d/nswatch \
	/var/log/nswatch /usr/bin/nswatch \
	/etc/systemd/system/multi-user.target.wants/nswatch.service; do
	[ -e "$ROOT$p" ] || [ -L "$ROOT$p" ] && left="$left $p"
done
is "${left# }" "" "purge leaves no config, rules, plugin conf or events behind"
done_testing
