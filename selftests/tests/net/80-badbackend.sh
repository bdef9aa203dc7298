# SPDX-License-Identifier: GPL-2.0
# A misbehaving backend: netbadback (selftests/tools) corrupts the guest's
# TX ring from dom0 (rsp_prod far ahead; a response with a bogus id).  The
# guest must survive; xenpv_netfront must log one clear line, stop using
# the rings and close the device.
. /xenpv/tests/net/netlib.sh

for mode in rspprod badid; do
	g=h$mode
	if ! guest_create "$g" disk=none; then
		not_ok "guest $g boots"
		continue
	fi
	id=$(guest_domid "$g")
	fe=/local/domain/$id/device/vif/0
	gref=$(xenstore-read "$fe/tx-ring-ref" 2>/dev/null ||
	       xenstore-read "$fe/queue-0/tx-ring-ref")
	# The real backend's next push may undo the corruption before the
	# guest read it: netbadback keeps it there (rspprod) or publishes it
	# again (badid) for 6 s while the guest transmits.
	/xenpv/bin/netbadback "$id" "$gref" "$mode" 6 >/run/xenpv/nbb.out 2>&1 &
	nbb=$!
	sleep 0.5
	gexec "$g" "ping -c 8 -i 0.5 -W 1 $DOM0_IP" >/dev/null
	check "$mode: ring corrupted from dom0" wait "$nbb"
	diag "$(tr '\n' ' ' </run/xenpv/nbb.out)"
	check "$mode: guest alive" gexec "$g" true
	check "$mode: guest log has no oops" guest_clean "$g"
	if [ "$XENPV_NETFRONT" = xenpv ]; then
		n=$(gexec "$g" "dmesg | grep -c 'backend protocol error'")
		is "$mode: one protocol error line logged" "$n" 1
		diag "$(gexec "$g" "dmesg | grep 'backend protocol error'")"
		check "$mode: frontend closes the device" \
			wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state)\" = 6 ]"
		is "$mode: sysfs xenpv/broken" \
			"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/broken')" 1
	else
		skip "$mode: one protocol error line logged" "in-tree netfront"
	fi
	guest_destroy "$g"
done
