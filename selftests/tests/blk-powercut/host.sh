#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The host side of blk-powercut, run by lab.sh (selftests/README.md):
#   host.sh prepare DISK          DISK: an ext4 image for dom0's /dev/vda
#                                 holding honest.img and broken.img, every
#                                 block in the PC_OLD pattern
#   host.sh check DISK MARKER     after QEMU was SIGKILLed on dom0's
#                                 XENPV-LAB-POWERCUT MARKER line: replay
#                                 the journal on a copy, take the images
#                                 out and check them block by block (TAP)
set -u
. "$(dirname "$0")/layout.sh"
BV=$XENPV_OUT/tools/blkverify
PATH=$PATH:/sbin:/usr/sbin

# bad IMG SEED START N: how many of the N blocks from START are not
# SEED's pattern
bad() {
	"$BV" verify "$1" "$2" "$3" "$4" 2>/dev/null | sed -n 's/^bad \([0-9]*\) of .*/\1/p'
}

prepare() {
	local disk=$1 t f
	t=$(mktemp -d)
	for f in honest broken; do
		truncate -s $((PC_BLOCKS * 4096)) "$t/$f.img"
		"$BV" write "$t/$f.img" $PC_OLD >/dev/null || return 1
	done
	rm -f "$disk"
	mkfs.ext4 -q -F -b 4096 -L xenpv-powercut -d "$t" "$disk" 48M >/dev/null || return 1
	rm -rf "$t"
}

# sets IMG NAME: the sets' blocks in IMG, one result a flushed set
check_sets() {
	local img=$1 name=$2 n k set seed start
	for set in A1 A2; do
		eval "seed=\$PC_${set}_SEED start=\$PC_${set}_START n=\$PC_${set}_N"
		k=$(bad "$img" "$seed" "$start" "$n")
		if [ "$k" = 0 ]; then
			echo "ok - $name: flushed set $set is whole after the power cut ($n blocks)"
		else
			echo "not ok - $name: flushed set $set is whole after the power cut: ${k:-?} of $n blocks missing"
			echo "# $name set $set: of its $k missing blocks, $(( n - $(bad "$img" $PC_OLD "$start" "$n") )) hold the old pattern"
		fi
	done
}

check() {
	local disk=$1 marker=$2 t rc honest broken k old n=$PC_B_N
	honest=$(echo "$marker" | tr ' ' '\n' | sed -n 's/^honest=//p')
	broken=$(echo "$marker" | tr ' ' '\n' | sed -n 's/^broken=//p')
	t=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$t'" EXIT
	cp --sparse=always "$disk" "$t/disk.img"
	rc=0
	e2fsck -fy "$t/disk.img" >"$t/fsck.log" 2>&1 || rc=$?
	grep -qi 'recovering journal' "$t/fsck.log" && echo "# e2fsck replayed the journal"
	if [ $rc -le 1 ]; then
		echo "ok - e2fsck -fy on a copy of the power-cut disk: consistent (exit $rc)"
	else
		echo "not ok - e2fsck -fy on a copy of the power-cut disk: consistent (exit $rc)"
		sed 's/^/#   /' "$t/fsck.log" | tail -n 20
	fi
	for f in $honest ${broken/none/}; do
		debugfs -R "dump /$f $t/$f" "$t/disk.img" >/dev/null 2>&1
		if [ "$(stat -c %s "$t/$f" 2>/dev/null)" = $((PC_BLOCKS * 4096)) ]; then
			echo "ok - $f taken out of the filesystem (debugfs dump, $PC_BLOCKS blocks)"
		else
			echo "not ok - $f taken out of the filesystem (debugfs dump, $PC_BLOCKS blocks)"
			return 1
		fi
	done
	check_sets "$t/$honest" "$honest"
	k=$(bad "$t/$honest" $PC_OLD $PC_U_START $PC_U_N)
	if [ "$k" = 0 ]; then
		echo "ok - $honest: the blocks never written hold the old pattern ($PC_U_N)"
	else
		echo "not ok - $honest: the blocks never written hold the old pattern: ${k:-?} of $PC_U_N differ"
	fi
	# unflushed data may or may not survive: said, not judged
	k=$(bad "$t/$honest" $PC_B_SEED $PC_B_START $n)
	old=$(bad "$t/$honest" $PC_OLD $PC_B_START $n)
	echo "# $honest: unflushed set B: $((n - k)) of $n blocks survived the power cut, $((n - old)) still old, $((k + old - n)) neither"
	[ -n "$broken" ] && [ "$broken" != none ] || return 0
	k=$(( $(bad "$t/$broken" $PC_A1_SEED $PC_A1_START $PC_A1_N) +
	      $(bad "$t/$broken" $PC_A2_SEED $PC_A2_START $PC_A2_N) ))
	old=$(( $(bad "$t/$broken" $PC_OLD $PC_A1_START $((PC_A1_N + PC_A2_N))) ))
	n=$((PC_A1_N + PC_A2_N))
	echo "# $broken: of the $n blocks whose flushes xenpv_blkback ignored, $k are missing ($((n - old)) still old)"
	if [ "$k" -gt 0 ]; then
		echo "ok - $broken: with flushes ignored the check finds 'flushed' data lost ($k of $n blocks): it can fail"
	else
		echo "not ok - $broken: with flushes ignored the check finds 'flushed' data lost: none was, the check cannot fail"
	fi
}

case ${1:-} in
prepare) prepare "$2" ;;
check) check "$2" "${3:-}" ;;
*) echo "usage: host.sh prepare DISK | check DISK MARKER" >&2; exit 2 ;;
esac
