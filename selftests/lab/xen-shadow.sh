#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The hypervisor of `lab.sh run --xen shadow`: Debian's Xen 4.17 built
# from Debian's own source package with CONFIG_SHADOW_PAGING=y, the one
# option Debian's binary leaves out.  Live migration of a PV guest tracks
# the pages it dirties through shadow mode, so without it `xl migrate`
# fails ("Failed to enable logdirty: 95").  Only the hypervisor is built;
# dom0's tools stay Debian's binaries (same 4.17 branch, whose toolstack
# interfaces do not change within the branch).
#
#   xen-shadow.sh        build (cached) and print the path of its xen.elf
#
# The source comes through a separate apt configuration (deb-src of
# bookworm main) kept under $XENPV_CACHE/xen-src; the build is cached by
# source version and config, and takes a few minutes on 2 cores.
set -e
. "$(dirname "$0")/common.sh"

src=$XENPV_CACHE/xen-src
apt_opts=(-o "Dir::Etc::sourcelist=$src/etc/sources.list"
	-o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$src/lists"
	-o APT::Get::List-Cleanup=0)
# Debian's own configuration of the hypervisor the lab boots otherwise
stock_config=$XENPV_CACHE/root-$XENPV_KVER/boot/xen-$XEN_VER-amd64.config
[ -f "$stock_config" ] || die "no $stock_config: run lab.sh fetch first"

mkdir -p "$src/etc" "$src/lists/partial" "$src/dl"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$src/etc/sources.list"
if [ ! -f "$src/lists/.xenpv-updated" ] ||
   [ -z "$(find "$src/lists/.xenpv-updated" -mmin -1440)" ]; then
	apt-get "${apt_opts[@]}" -qq update >"$src/update.log" 2>&1 ||
		die "apt-get update of bookworm's sources failed (see $src/update.log)"
	touch "$src/lists/.xenpv-updated"
fi
ver=$(apt-cache "${apt_opts[@]}" showsrc xen 2>/dev/null |
	sed -n 's/^Version: //p' | sort -V | tail -n1)
[ -n "$ver" ] || die "no xen source package in bookworm main"
upstream=${ver%-*}

key=$( (echo "$ver"; sed 's/^# CONFIG_SHADOW_PAGING is not set$/CONFIG_SHADOW_PAGING=y/' \
	"$stock_config") | sha256sum | cut -c1-16)
out=$XENPV_CACHE/xen-shadow-$key
if [ -f "$out/xen.elf" ]; then
	echo "$out/xen.elf"
	exit 0
fi

if [ ! -f "$src/dl/xen_$upstream.orig.tar.xz" ]; then
	chown _apt "$src/dl" 2>/dev/null || true
	(cd "$src/dl" && apt-get "${apt_opts[@]}" source --download-only "xen=$ver") \
		>"$src/download.log" 2>&1 ||
		die "apt-get source xen=$ver failed (see $src/download.log)"
fi
log "building Xen $ver with shadow paging (a few minutes)"
tree=$src/build
rm -rf "$tree" "$out.tmp"
mkdir -p "$tree" "$out.tmp"
tar -xf "$src/dl/xen_$upstream.orig.tar.xz" -C "$tree" --strip-components=1
sed 's/^# CONFIG_SHADOW_PAGING is not set$/CONFIG_SHADOW_PAGING=y/' \
	"$stock_config" >"$tree/xen/.config"
if ! { make -C "$tree/xen" olddefconfig &&
       make -C "$tree/xen" -j"$(nproc)"; } >"$out.tmp/build.log" 2>&1; then
	die "building the hypervisor failed (see $out.tmp/build.log)"
fi
grep -qx 'CONFIG_SHADOW_PAGING=y' "$tree/xen/.config" ||
	die "the build's config has no CONFIG_SHADOW_PAGING=y"
# xen/xen is the multiboot ELF, as the package's xen.gz unpacked is
cp "$tree/xen/xen" "$out.tmp/xen.elf"
cp "$tree/xen/.config" "$out.tmp/config"
echo "$ver" >"$out.tmp/version"
rm -rf "$tree" "$out"
mv "$out.tmp" "$out"
echo "$out/xen.elf"
