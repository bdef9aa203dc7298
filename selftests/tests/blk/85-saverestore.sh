# SPDX-License-Identifier: GPL-2.0
# Save and restore: the frontend's resume path builds new rings against
# a new backend and the disk keeps working with its data; I/O queued
# across the suspend is re-issued.
. /xenpv/tests/blk/00-lib.sh
blk_want 85 || return 0
# Known open: `xl save` of this guest does not complete in the lab yet
# (the guest does not finish suspending); run it on request only, with
# --arg blktests=...:85.
if ! tr ' ' '\n' </proc/cmdline | grep -q '^xenpv\.blktests=.*85'; then
	skip "xl save / restore" "known open, runs only with --arg blktests=...:85"
	return 0
fi

save=/run/xenpv/blk.save
gexec blk "$BV write /dev/xvda 85 $((8 * 256)) 2048 --fsync" >/dev/null
r0=$(xenpv_front && fe_sys blk $XVDA reconnects)
rm -f "$save"
if ! timeout 300 $XL save blk "$save" >/run/xenpv/save.log 2>&1; then
	not_ok "xl save"
	sed 's/^/#   /' /run/xenpv/save.log | tail -n 10
	return
fi
ok "xl save"
if ! timeout 300 $XL restore "$save" >/run/xenpv/restore.log 2>&1; then
	not_ok "xl restore"
	sed 's/^/#   /' /run/xenpv/restore.log | tail -n 10
	return
fi
ok "xl restore"
rm -f "$save"
check "guest answers after restore" wait_for 120 gexec blk true
is "frontend and backend are Connected again" \
	"$(fe_node blk $XVDA state)/$(be_node blk $XVDA state)" "4/4"
is "data written before the save reads back" \
	"$(gexec blk "$BV verify /dev/xvda 85 $((8 * 256)) 2048")" "bad 0 of 2048"
out=$(GEXEC_TIMEOUT=300 gexec blk "$BV random /dev/xvda 86 2 100 32")
check "random I/O after restore verified" sh -c "echo '$out' | grep -q '^random: all good'"
if xenpv_front; then
	is "sysfs counts the resume as a reconnect" \
		"$(fe_sys blk $XVDA reconnects)" $((r0 + 1))
fi
check "guest kernel log has no oops or warning" guest_clean blk
