#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernels other than Debian 12's default, built for Debian 12 (so their
# kbuild host tools run here with the host's gcc-12): bookworm-backports
# and bookworm-security (which carries the 6.12 series too, and was ahead
# of backports when this was written: 6.12.117 against 6.12.95).
# Nothing is installed: a separate apt configuration keeps its package
# lists under $XENPV_CACHE/bpo (the host's apt lists are never touched),
# and packages are only downloaded and unpacked into the cache.
#
#   bpo.sh kver SERIES       the newest ABI of SERIES in those indexes
#                            (6.12 -> 6.12.117+deb12-amd64)
#   bpo.sh headers KVER      unpack KVER's headers and kbuild; print the
#                            kernel build folder (KDIR)
#   bpo.sh download DIR PKG...   apt-get download PKG... into DIR
set -e
cache=${XENPV_CACHE:-/var/cache/xenpv}/bpo
die() { printf 'bpo.sh: %s\n' "$*" >&2; exit 1; }

apt_opts=(-o "Dir::Etc::sourcelist=$cache/etc/sources.list"
	-o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$cache/lists"
	-o APT::Get::List-Cleanup=0)

# The index, refreshed when older than a day (or when asked to: a
# download of a superseded version fails).
index() {
	local stamp=$cache/lists/.xenpv-updated
	if [ "$1" != force ] && [ -f "$stamp" ] &&
	   [ -n "$(find "$stamp" -mmin -1440)" ]; then
		return 0
	fi
	mkdir -p "$cache/etc" "$cache/lists/partial"
	cat >"$cache/etc/sources.list" <<-EOF
	deb http://deb.debian.org/debian bookworm-backports main
	deb http://deb.debian.org/debian-security bookworm-security main
	EOF
	apt-get "${apt_opts[@]}" -qq update >"$cache/update.log" 2>&1 ||
		die "apt-get update of bookworm-backports/-security failed (see $cache/update.log)"
	touch "$stamp"
}

kver() {
	local series=$1 v re
	[ -n "$series" ] || die "usage: bpo.sh kver SERIES"
	index
	re="^linux-image-${series//./\\.}\\.[0-9]+\\+deb12-amd64\$"
	v=$(apt-cache "${apt_opts[@]}" search --names-only "$re" 2>/dev/null |
		sed -n 's/^linux-image-\([^ ]*\) .*/\1/p' | sort -V | tail -n1)
	[ -n "$v" ] || die "no linux-image-$series.N+deb12-amd64 in bookworm-backports/-security"
	echo "$v"
}

download() {
	local dir=$1
	shift
	index
	mkdir -p "$dir"
	# apt-get download drops privileges to _apt; let it write there.
	chown _apt "$dir" 2>/dev/null || true
	if ! (cd "$dir" && apt-get "${apt_opts[@]}" download "$@") \
			>"$dir/download.log" 2>&1; then
		index force
		(cd "$dir" && apt-get "${apt_opts[@]}" download "$@") \
			>"$dir/download.log" 2>&1 ||
			die "apt-get download $* failed (see $dir/download.log)"
	fi
}

# Debian's headers name their -common half by absolute path; the copy in
# the cache points at its own.
headers() {
	local k=$1 up=${1%-amd64} dir f pkg
	[ -n "$k" ] || die "usage: bpo.sh headers KVER"
	dir=$cache/headers-$k
	if [ ! -f "$dir/.xenpv-unpacked" ]; then
		download "$cache/debs" "linux-headers-$k" "linux-headers-$up-common" \
			"linux-kbuild-$up" >&2
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		for pkg in "linux-headers-$k" "linux-headers-$up-common" "linux-kbuild-$up"; do
			f=$(ls -t "$cache/debs/${pkg}"_*.deb 2>/dev/null | head -n1)
			[ -n "$f" ] || die "package $pkg was not downloaded"
			dpkg-deb -x "$f" "$dir.tmp"
		done
		# (written for the final path, $dir)
		sed -i "s|^include /usr/src/|include $dir/usr/src/|" \
			"$dir.tmp/usr/src/linux-headers-$k/Makefile"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
		touch "$dir/.xenpv-unpacked"
	fi
	echo "$dir/usr/src/linux-headers-$k"
}

cmd=$1
shift || true
case $cmd in
kver) kver "$@" ;;
headers) headers "$@" ;;
download) download "$@" ;;
*) die "usage: bpo.sh kver SERIES | headers KVER | download DIR PKG..." ;;
esac
