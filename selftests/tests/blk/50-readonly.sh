# SPDX-License-Identifier: GPL-2.0
# A disk attached read-only: the guest sees it read-only and no write
# reaches the backing file.
. /xenpv/tests/blk/lib.sh
blk_want 50 || return 0

ro=/run/xenpv/blk-ro.img
dd if=/dev/zero of="$ro" bs=1M count=8 2>/dev/null
$BV write "$ro" 51 >/dev/null
sum0=$(sha256sum <"$ro" | cut -d' ' -f1)
check "block-attach xvdb read-only" \
	$XL block-attach blk "format=raw, vdev=xvdb, access=ro, target=$ro"
check "xvdb appears in the guest" wait_for 30 gexec blk 'test -b /dev/xvdb'
is "backend reports VDISK_READONLY in info" \
	"$(( $(be_node blk $XVDB info) & 4 ))" 4
is "/sys/block/xvdb/ro is 1" "$(gexec blk 'cat /sys/block/xvdb/ro')" 1
is "reads return the image's pattern" \
	"$(gexec blk "$BV verify /dev/xvdb 51")" "bad 0 of 2048"
check "an O_DIRECT write is refused" \
	gexec blk '! dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct 2>/dev/null'
check "a buffered write + sync is refused" \
	gexec blk '! sh -c "dd if=/dev/zero of=/dev/xvdb bs=4k count=1 conv=fsync 2>/dev/null"'
is "the backing file is unchanged" "$(sha256sum <"$ro" | cut -d' ' -f1)" "$sum0"
check "block-detach xvdb" $XL block-detach blk xvdb
check "xvdb is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdb'
