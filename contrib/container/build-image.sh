#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build an OCI image of nswatch without a registry, a Dockerfile or a
# container build tool: one layer made from the built binary, the shared
# libraries it links (as ldd resolves them on this machine), busybox-static
# (the readiness probe and the events/rotation container use it) and a few
# files, written as an OCI image archive.  Load it with
#   podman load -i nswatch-image.tar
#   ctr -n k8s.io image import nswatch-image.tar
# (the name is in the index: org.opencontainers.image.ref.name and
# io.containerd.image.name).
#
# usage: build-image.sh [-b NSWATCH_BINARY] [-t NAME:TAG] [-o OUT.tar]
# defaults: ./nswatch, localhost/nswatch:<nswatch --version>, nswatch-image.tar
# Needs: bash, tar, sha256sum, jq, ldd, /bin/busybox (busybox-static).
#
# The layer is reproducible (sorted names, mtime 0, uid/gid 0): the same
# inputs give the same image id.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin=./nswatch
name=
out=nswatch-image.tar
while getopts b:t:o: c; do
	case $c in
	b) bin=$OPTARG ;;
	t) name=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: $0 [-b BINARY] [-t NAME:TAG] [-o OUT.tar]" >&2; exit 2 ;;
	esac
done
[ -x "$bin" ] || { echo "$0: $bin: not an executable" >&2; exit 1; }
busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
	{ echo "$0: $busybox is not static (install busybox-static)" >&2; exit 1; }
if [ -z "$name" ]; then
	ver=$("$bin" --version 2>/dev/null | awk '{ print $NF; exit }')
	name=localhost/nswatch:${ver:-dev}
fi
case $name in
*:*) ;;
*) name=$name:latest ;;
esac
arch=$(uname -m)
case $arch in
x86_64) oarch=amd64 ;;
aarch64) oarch=arm64 ;;
*) oarch=$arch ;;
esac

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
r=$w/rootfs
mkdir -p "$r"/{usr/bin,bin,etc/nswatch,var/log/nswatch,run/nswatch,tmp,proc,sys,dev,host}
chmod 1777 "$r/tmp"
install -m 0755 "$bin" "$r/usr/bin/nswatch"
# the binary's libraries and the dynamic loader, at the paths ldd gives
for lib in $(ldd "$bin" | awk '/=>/ && $3 ~ /^\// { print $3 }
				/^[ \t]*\// { print $1 }'); do
	install -D -m 0755 "$(readlink -f "$lib")" "$r$lib"
done
install -m 0755 "$busybox" "$r/bin/busybox"
for a in sh cat test tail stat mv kill sleep ls; do
	ln -s busybox "$r/bin/$a"
done
install -m 0755 "$here/nswatch-events" "$r/usr/bin/nswatch-events"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"

blobs=$w/oci/blobs/sha256
mkdir -p "$blobs"
tar -C "$r" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	--format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	-cf "$w/layer.tar" .
diff_id=$(sha256sum "$w/layer.tar" | cut -d' ' -f1)
layer_size=$(stat -c %s "$w/layer.tar")
mv "$w/layer.tar" "$blobs/$diff_id"

blob() {	# blob FILE: store it, print "sha256 size"
	local d s
	d=$(sha256sum "$1" | cut -d' ' -f1)
	s=$(stat -c %s "$1")
	mv "$1" "$blobs/$d"
	echo "$d $s"
}
jq -cn --arg arch "$oarch" --arg diff "sha256:$diff_id" '{
	architecture: $arch, os: "linux",
	created: "1970-01-01T00:00:00Z",
	config: {
		Entrypoint: ["/usr/bin/nswatch"],
		Cmd: ["monitor"],
		Env: ["PATH=/usr/bin:/bin"],
		WorkingDir: "/",
		Labels: {"org.opencontainers.image.title": "nswatch"}
	},
	rootfs: {type: "layers", diff_ids: [$diff]},
	history: [{created: "1970-01-01T00:00:00Z",
		   created_by: "contrib/container/build-image.sh"}]
}' >"$w/config.json"
read -r cfg_d cfg_s < <(blob "$w/config.json")
jq -cn --arg cd "sha256:$cfg_d" --argjson cs "$cfg_s" \
	--arg ld "sha256:$diff_id" --argjson ls "$layer_size" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: {mediaType: "application/vnd.oci.image.config.v1+json",
		 digest: $cd, size: $cs},
	layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar",
		  digest: $ld, size: $ls}]
}' >"$w/manifest.json"
read -r man_d man_s < <(blob "$w/manifest.json")
jq -cn --arg md "sha256:$man_d" --argjson ms "$man_s" --arg name "$name" \
	--arg arch "$oarch" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.index.v1+json",
	manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
		     digest: $md, size: $ms,
		     platform: {architecture: $arch, os: "linux"},
		     annotations: {"org.opencontainers.image.ref.name": $name,
				   "io.containerd.image.name": $name}}]
}' >"$w/oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$w/oci/oci-layout"
tar -C "$w/oci" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-cf "$out" oci-layout index.json blobs
echo "$name sha256:$cfg_d $out"
