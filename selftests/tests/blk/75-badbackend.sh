# SPDX-License-Identifier: GPL-2.0
# A misbehaving backend: blkring (dom0) maps the shared ring of a third
# disk and keeps publishing a response producer far ahead of the
# frontend's requests while the guest does I/O on it.  The frontend must
# log one line, fail the disk's I/O and disconnect it; the guest and its
# other disk carry on, and the broken disk can still be detached.
. /xenpv/tests/blk/00-lib.sh
blk_want 75 || return 0

XVDC=51744
if ! xenpv_front; then
	skip "bad backend is contained" "in-tree blkfront stops the disk without failing its I/O"
	return
fi
bad=/run/xenpv/blk-bad.img
id=$(guest_domid blk)
rm -f "$bad"
dd if=/dev/zero of="$bad" bs=1M count=0 seek=16 2>/dev/null
check "block-attach xvdc" \
	$XL block-attach blk "format=raw, vdev=xvdc, access=rw, target=$bad"
check "xvdc appears in the guest" wait_for 30 gexec blk 'test -b /dev/xvdc'

fe=/local/domain/$id/device/vbd/$XVDC
dir=$fe
[ -n "$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null)" ] && dir=$fe/queue-0
order=$(xenstore-read "$fe/ring-page-order" 2>/dev/null || echo 0)
if [ "$order" = 0 ]; then
	refs=$(xenstore-read "$dir/ring-ref")
else
	refs=$(for i in $(seq 0 $(((1 << order) - 1))); do xenstore-read "$dir/ring-ref$i"; done)
fi
diag "queue 0 of xvdc: ring order $order, refs $(echo $refs)"

gexec blk "$BV random /dev/xvdc 75 2 1000000 8 >/run/bad.log 2>&1 &" >/dev/null
sleep 2
out=$(/xenpv/bin/blkring "$id" 15 $refs 2>&1)
diag "$(echo "$out" | tr '\n' ' ')"
check "the guest still answers" gexec blk true
is "xvdc is marked broken (sysfs connection)" "$(fe_sys blk $XVDC connection)" broken
is "one log line names the violation" \
	"$(gexec blk 'dmesg | grep -c "vbd-51744: queue .*backend protocol violation"')" 1
check "the load generator on xvdc ends with an I/O error" \
	wait_for 60 gexec blk '! pidof blkverify && grep -q "I/O ERROR" /run/bad.log'
gexec30() { GEXEC_TIMEOUT=30 gexec "$@"; }
check "new I/O on xvdc fails at once" \
	gexec30 blk '! dd if=/dev/xvdc of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null'
is "xvda still writes and reads" \
	"$(gexec blk "$BV write /dev/xvda 75 0 256 --fsync >/dev/null && $BV verify /dev/xvda 75 0 256")" \
	"bad 0 of 256"
check "guest kernel log has no oops or warning" guest_clean blk
check "block-detach of the broken xvdc returns" timeout 90 $XL block-detach blk xvdc
check "xvdc is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdc'
