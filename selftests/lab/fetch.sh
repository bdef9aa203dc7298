#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download the Debian packages the lab boots (never installed on the host)
# and unpack them into $XENPV_CACHE/root-$KVER.  Cached: a second run with
# the same package versions does nothing.
set -e
. "$(dirname "$0")/common.sh"

# A backports kernel (XENPV_KERNEL) comes through selftests/lab/bpo.sh.
IMAGE=linux-image-$XENPV_KVER
PKGS="$IMAGE xen-hypervisor-$XEN_VER-amd64 xen-utils-$XEN_VER
xen-utils-common xenstore-utils busybox-static libxenmisc$XEN_VER libxencall1
libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenstore4 libxentoollog1
libxendevicemodel1 libxenhypfs1 libxentoolcore1 libyajl2"

debs=$XENPV_CACHE/debs
root=$XENPV_CACHE/root-$XENPV_KVER
mkdir -p "$debs"
stamp="$root/.xenpv-pkgs"
want=$(echo $PKGS)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi
log "fetching Debian packages into $debs"
host_pkgs=$PKGS
if [ -n "$XENPV_KERNEL" ]; then
	"$XENPV_TOP/selftests/lab/bpo.sh" download "$XENPV_CACHE/bpo/debs" "$IMAGE"
	host_pkgs=$(echo " $PKGS " | sed "s| $IMAGE | |")
fi
cd "$debs"
# apt-get download drops privileges to _apt; let it write here.
chown _apt "$debs" 2>/dev/null || true
if ! apt-get download $host_pkgs >download.log 2>&1; then
	apt-get update -qq >/dev/null 2>&1 || true
	apt-get download $host_pkgs >download.log 2>&1 ||
		die "apt-get download failed (see $debs/download.log): $(tail -n 3 download.log)"
fi
rm -rf "$root.tmp"
mkdir -p "$root.tmp"
for p in $PKGS; do
	f=$(ls -t "$p"_*.deb "$XENPV_CACHE/bpo/debs/$p"_*.deb 2>/dev/null | head -n1)
	[ -n "$f" ] || die "package $p was not downloaded"
	dpkg-deb -x "$f" "$root.tmp"
done
# The stock image ships no modules.dep.
depmod -b "$root.tmp" "$XENPV_KVER"
rm -rf "$root"
mv "$root.tmp" "$root"
echo "$want" >"$stamp"
log "unpacked into $root"
