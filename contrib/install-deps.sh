#!/bin/sh
# Install everything nswatch needs to build, test and benchmark on a fresh
# Debian 12 (bookworm) machine.  Run as root.  RHEL/Rocky package names
# are in README.md.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	autoconf automake libtool pkg-config make gcc libc6-dev \
	libaudit-dev libauparse-dev libjson-c-dev \
	libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool \
	libclang-rt-14-dev \
	auditd runc crun busybox-static util-linux iproute2 procps \
	jq laurel libbpf-tools ca-certificates git \
	prometheus systemd debhelper lintian rpm debootstrap fakeroot \
	podman python3 python3-yaml \
	containerd catatonit containernetworking-plugins
# tests/integration/syslog.sh starts its own rsyslogd (contrib/rsyslog)
apt-get install -y --no-install-recommends rsyslog logrotate
# kubectl (for `kubectl kustomize` in the manifest tests): Debian's
# kubernetes-client, unless a kubectl is installed already
command -v kubectl >/dev/null ||
	apt-get install -y --no-install-recommends kubernetes-client
