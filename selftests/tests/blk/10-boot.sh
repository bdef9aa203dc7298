# SPDX-License-Identifier: GPL-2.0
# A 2-vcpu guest boots with a 128 MiB disk of the chosen frontend.
. /xenpv/tests/blk/lib.sh
blk_want 10 || return 0

rm -f "$BLK_IMG"
dd if=/dev/zero of="$BLK_IMG" bs=1M count=0 seek=$BLK_MB 2>/dev/null
if ! blk_guest blk "$BLK_IMG"; then
	not_ok "guest boots with a ${BLK_MB} MiB xvda"
	blk_diag blk
	return
fi
ok "guest boots with a ${BLK_MB} MiB xvda"
is "xvda has the configured size (/sys/block/xvda/size)" \
	"$(gexec blk 'cat /sys/block/xvda/size')" $((BLK_MB * 2048))
is "logical block size is the backend's sector-size" \
	"$(gexec blk 'cat /sys/block/xvda/queue/logical_block_size')" \
	"$(be_node blk $XVDA sector-size)"
is "xvda is 202:0" "$(gexec blk 'cat /sys/block/xvda/dev')" "202:0"
is "disk is driven by the chosen frontend ($XENPV_BLKFRONT)" \
	"$(gexec blk 'basename $(readlink /sys/block/xvda/device/driver)')" \
	"$(xenpv_front && echo xenpv_blkfront || echo vbd)"
is "frontend and backend are Connected" \
	"$(fe_node blk $XVDA state)/$(be_node blk $XVDA state)" "4/4"
