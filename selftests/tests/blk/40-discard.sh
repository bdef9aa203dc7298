# SPDX-License-Identifier: GPL-2.0
# Discard: blkdiscard of a range zeroes it and frees its blocks in the
# backing file (the loop device punches holes), and leaves its
# neighbours alone.
. /xenpv/tests/blk/lib.sh
blk_want 40 || return 0

if [ "$(be_node blk $XVDA feature-discard)" != 1 ]; then
	skip "blkdiscard zeroes the range" "backend offers no discard"
	return
fi
# 18 MiB of pattern at 31 MiB; discard the middle 16 MiB (32..48 MiB)
gexec blk "$BV write /dev/xvda 41 $((31 * 256)) $((18 * 256)) --fsync" >/dev/null
check "pattern around 32 MiB is in the backing file" \
	$BV verify "$BLK_IMG" 41 $((31 * 256)) $((18 * 256))
used0=$(du -k "$BLK_IMG" | cut -f1)
check "blkdiscard of 16 MiB at 32 MiB succeeds in the guest" \
	gexec blk 'blkdiscard -o 33554432 -l 16777216 /dev/xvda'
is "the range reads back as zeroes in the guest" \
	"$(GEXEC_TIMEOUT=240 gexec blk "$BV zero /dev/xvda $((32 * 256)) $((16 * 256))")" "nonzero 0 of 4096"
is "the range is zeroes in the backing file" \
	"$($BV zero "$BLK_IMG" $((32 * 256)) $((16 * 256)))" "nonzero 0 of 4096"
used1=$(du -k "$BLK_IMG" | cut -f1)
diag "backing file uses ${used0} KiB before, ${used1} KiB after"
check "the backing file gave back at least 15 MiB" test $((used0 - used1)) -ge $((15 * 1024))
check "the MiB before the range is intact" $BV verify "$BLK_IMG" 41 $((31 * 256)) 256
check "the MiB after the range is intact" $BV verify "$BLK_IMG" 41 $((48 * 256)) 256
if xenpv_front; then
	ds=$(fe_sys blk $XVDA statistics/ds_req)
	check "discard requests reached the ring (ds_req=$ds)" test "$ds" -gt 0
fi
