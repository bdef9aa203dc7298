# SPDX-License-Identifier: GPL-2.0
# Reconnect: the backend closes while the toolstack keeps the device
# online (the backend state node is driven to Closing by hand, as a
# backend restart would), then comes back; I/O that was in flight or
# queued meanwhile is re-issued and verifies.  The in-tree blkfront marks
# the disk dead instead, so this is xenpv_blkfront only.
. /xenpv/tests/blk/lib.sh
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

# The backend comes back offering no indirect segments: 1 MiB writes
# queued across the reconnect were merged for 32-segment requests; their
# bios go back to the block layer (resplit) and are split to 11 segments.
# Then the backend offers them again and the limits grow back.
# Until 2026-12-07 the guest's fsync hung here in the full suite: when
# the request resplit was the last of a blk-mq batch, the ring was not
# pushed and the batch's other writes sat unseen on it.  It passes on
# mainline's blkback too (resplit 0 -> 24, 2026-12-07).
ind=$(xenstore-read "$be/feature-max-indirect-segments")
hw0=$(gexec blk 'cat /sys/block/xvda/queue/max_hw_sectors_kb')
s0=$(fe_sys blk $XVDA resplit)
# 48 MiB through the page cache, then fsync: writeback keeps the ring
# full and more bios, already split to the old limits, waiting for a
# request; the backend closes once the first MiB has reached it.  O_DIRECT
# writers (one, then four) left nothing to resplit once the lab ran one
# run at a time: each had its single request answered in the drain and
# the next came after the reconnect ("resplit 0 -> 0", 2026-12-07).
st=/sys/bus/xen-backend/devices/vbd-$id-$XVDA/statistics/wr_sect
want=$(gexec blk 'dd if=/dev/urandom of=/run/rs.pat bs=1M count=48 2>/dev/null &&
	sha256sum </run/rs.pat | cut -d" " -f1')
w0=$(cat "$st")
HANG_DUMP='echo == hang dump; d=/sys/kernel/debug/block/xvda
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	for f in $d/hctx*/state $d/hctx*/dispatch $d/hctx*/busy $d/requeue_list $d/state; do
		echo "-- $f"; cat "$f"; done
	grep . /sys/bus/xen/devices/vbd-'$XVDA'/* /sys/block/xvda/inflight 2>/dev/null
	dmesg -n 7; echo w >/proc/sysrq-trigger; sleep 1; dmesg | tail -n 60'
# If the write is still running after 120 s, the guest writes what its
# block layer holds to its console (the agent runs one command at a time,
# so nothing else can ask it then), and the test shows it below.
GEXEC_TIMEOUT=300 gexec blk "touch /run/w.busy
	(sleep 120; [ -e /run/w.busy ] && { $HANG_DUMP; } >/dev/hvc0 2>&1) &
	dd if=/run/rs.pat of=/dev/xvda bs=1M conv=fsync 2>/run/w.log; rc=\$?
	rm -f /run/w.busy; exit \$rc" >/dev/null &
gpid=$!
wait_for 60 sh -c "[ \$(cat $st) -ge $((w0 + 2048)) ]"
check "writer still running when the backend closes" kill -0 "$gpid"
xenstore-write "$be/feature-max-indirect-segments" 0 "$be/state" 5
check "reconnected to a backend without indirect segments" \
	wait_for 60 sh -c "[ \$(xenstore-read $be/state) = 4 ] &&
		[ \$(xenstore-read /local/domain/$id/device/vbd/$XVDA/state) = 4 ]"
if wait "$gpid"; then
	ok "the write and its fsync succeeded"
else
	not_ok "the write and its fsync succeeded"
	diag "guest console after the hang:"
	grep -A 80 '^== hang dump' "/var/log/xen/console/guest-blk.log" | tail -n 120 | sed 's/^/#   /'
	blk_diag blk
fi
is "48 MiB written across it read back (sha256)" \
	"$(gexec blk 'dd if=/dev/xvda bs=1M count=48 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')" \
	"$want"
gexec blk 'rm -f /run/rs.pat' >/dev/null
s1=$(fe_sys blk $XVDA resplit)
diag "resplit $s0 -> $s1"
check "requests too big for the new limits were split, not failed (resplit)" \
	test "$s1" -gt "$s0"
is "max_hw_sectors_kb follows (11 segments)" \
	"$(gexec blk 'cat /sys/block/xvda/queue/max_hw_sectors_kb')" 44
xenstore-write "$be/feature-max-indirect-segments" "$ind" "$be/state" 5
wait_for 60 sh -c "[ \$(xenstore-read $be/state) = 4 ] &&
	[ \$(xenstore-read /local/domain/$id/device/vbd/$XVDA/state) = 4 ]"
is "indirect segments offered again: max_hw_sectors_kb back to $hw0" \
	"$(gexec blk 'cat /sys/block/xvda/queue/max_hw_sectors_kb')" "$hw0"
check "guest kernel log still clean" guest_clean blk
