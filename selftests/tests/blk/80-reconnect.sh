# SPDX-License-Identifier: GPL-2.0
# Reconnect: the backend closes while the toolstack keeps the device
# online (the backend state node is driven to Closing by hand, as a
# backend restart would), then comes back; I/O that was in flight or
# queued meanwhile is re-issued and verifies.  The in-tree blkfront marks
# the disk dead instead, so this is xenpv_blkfront only.
. /xenpv/tests/blk/00-lib.sh
blk_want 80 || return 0

if ! xenpv_front; then
	skip "reconnect after the backend closes" "in-tree blkfront does not reconnect"
	return
fi
id=$(guest_domid blk)
be=/local/domain/0/backend/vbd/$id/$XVDA
r0=$(fe_sys blk $XVDA reconnects)

GEXEC_TIMEOUT=600 gexec blk "$BV random /dev/xvda 81 2 400 32 >/run/rc.log 2>&1" \
	>/dev/null &
gpid=$!
sleep 4
xenstore-write "$be/state" 5
check "backend back to Connected" wait_for 60 sh -c "[ \$(xenstore-read $be/state) = 4 ]"
check "frontend back to Connected" \
	wait_for 60 sh -c "[ \$(xenstore-read /local/domain/$id/device/vbd/$XVDA/state) = 4 ]"
wait "$gpid"
out=$(gexec blk 'cat /run/rc.log')
diag "$(echo "$out" | tr '\n' ' ')"
check "I/O across the reconnect verified" sh -c "echo '$out' | grep -q '^random: all good'"
is "sysfs counts one more reconnect" "$(fe_sys blk $XVDA reconnects)" $((r0 + 1))
is "connection is connected" "$(fe_sys blk $XVDA connection)" connected
check "guest kernel log has no oops or warning" guest_clean blk
