#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms add / build / install for the lab's Debian kernel, modinfo finds
# every module where DKMS put it, dkms remove --all leaves nothing behind.
# TAP on stdout.  Needs root (dkms writes /usr/src, /var/lib/dkms).
. "$(dirname "$0")/../lab/common.sh"

n=0
fails=0
t() { # t DESC CMD...
	n=$((n + 1))
	if "${@:2}" >"$tmp/out" 2>&1; then
		echo "ok $n - dkms: $1"
	else
		echo "not ok $n - dkms: $1"
		tail -n 15 "$tmp/out" | sed 's/^/#   /'
		fails=$((fails + 1))
	fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$XENPV_TOP/dkms.conf")
kver=$XENPV_KVER
src=/usr/src/xenpv-$ver
mods="xenpv_blkfront xenpv_netfront xenpv_blkback xenpv_netback xenpv_netloop xenpv_balloon"

if [ "$(id -u)" != 0 ]; then
	echo "ok 1 - dkms # SKIP needs root"
	exit 0
fi
# A clean copy of the tracked sources, as a release tarball would be.
dkms remove "xenpv/$ver" --all >/dev/null 2>&1
rm -rf "$src"
mkdir -p "$src"
(cd "$XENPV_TOP" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src")

t "add xenpv/$ver" dkms add "xenpv/$ver"
t "build for $kver" dkms build "xenpv/$ver" -k "$kver"
t "install for $kver" dkms install "xenpv/$ver" -k "$kver" --force
for m in $mods; do
	t "modinfo finds $m under updates/dkms" sh -c \
		"modinfo -k $kver -n $m | grep -q '^/lib/modules/$kver/updates/dkms/$m\.ko'"
done
t "status says installed" sh -c "dkms status xenpv/$ver -k $kver | grep -q installed"
t "remove --all" dkms remove "xenpv/$ver" --all
t "nothing left in /lib/modules/$kver" sh -c \
	"! ls /lib/modules/$kver/updates/dkms/xenpv_* 2>/dev/null | grep -q ."
t "nothing left in /var/lib/dkms" test ! -e /var/lib/dkms/xenpv
t "modinfo no longer finds xenpv_blkback" sh -c "! modinfo -k $kver xenpv_blkback"
rm -rf "$src"
exit $((fails > 0))
