#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kernel-check.sh SERIES: the W=1 build and sparse against another
# kernel series than Debian 12's own (6.12: its newest kernel in
# bookworm-backports, selftests/lab/bpo.sh), as TAP lines for make check.
# Built in a copy of the sources: the tree's own modules stay as they are.
# Logs: out/build-w1-KVER.log, out/sparse-KVER.log (.warn: what failed).
series=${1:?usage: kernel-check.sh SERIES}
export XENPV_KERNEL=$series
. "$(dirname "$0")/lab/common.sh"

mkdir -p "$XENPV_OUT"
t0=$(date +%s)
if ! kdir=$(xenpv_kdir 2>"$XENPV_OUT/headers-$XENPV_KVER.log"); then
	tapline FAIL "build $series: headers of $XENPV_KVER unpacked" \
		"$XENPV_OUT/headers-$XENPV_KVER.log"
	exit 0
fi
tapline OK "build $series: headers of $XENPV_KVER unpacked"
echo "# headers: $(($(date +%s) - t0)) s"

src=$XENPV_OUT/src-$XENPV_KVER
xenpv_copy_tree "$src"
args=$(xenpv_kbuild_args)
modules="frontend/blkfront/xenpv_blkfront frontend/netfront/xenpv_netfront
blkback/xenpv_blkback netback/xenpv_netback netloop/xenpv_netloop
balloon/xenpv_balloon"

t0=$(date +%s)
w1=$XENPV_OUT/build-w1-$XENPV_KVER.log
if make -C "$kdir" M="$src" W=1 $args modules >"$w1" 2>&1; then
	tapline OK "build $series: make W=1 succeeds"
else
	tapline FAIL "build $series: make W=1 succeeds" "$w1"
fi
missing=
for m in $modules; do
	[ -f "$src/$m.ko" ] || missing="$missing ${m##*/}"
done
[ -z "$missing" ] && tapline OK "build $series: every module built" ||
	tapline FAIL "build $series: every module built (missing:$missing)"
grep -E 'warning:|error:' "$w1" >"${w1%.log}.warn"
if [ -s "${w1%.log}.warn" ]; then
	tapline FAIL "build $series: W=1 gives zero warnings" "${w1%.log}.warn"
else
	tapline OK "build $series: W=1 gives zero warnings"
fi
echo "# W=1 build: $(($(date +%s) - t0)) s"

# C=2 checks every source again without recompiling
t0=$(date +%s)
sp=$XENPV_OUT/sparse-$XENPV_KVER.log
make -C "$kdir" M="$src" C=2 CF=-D__CHECK_ENDIAN__ $args modules >"$sp" 2>&1
grep -E 'warning:|error:' "$sp" >"${sp%.log}.warn"
if [ -s "${sp%.log}.warn" ] || ! grep -q ' CHECK ' "$sp"; then
	tapline FAIL "build $series: sparse gives zero warnings" "$sp"
else
	tapline OK "build $series: sparse gives zero warnings"
fi
echo "# sparse: $(($(date +%s) - t0)) s"
