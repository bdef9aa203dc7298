# SPDX-License-Identifier: GPL-2.0
# A misbehaving backend: netbadback (selftests/tools) corrupts the guest's
# TX ring from dom0 (rsp_prod far ahead; a response with a bogus id; a
# NULL-status response where a data request waits).  The guest must
# survive; xenpv_netfront must log one clear line, stop using the rings
# and close the device, and come back on a fresh bind.  Then what a
# backend can read (xenpv_netfront): posted RX buffers are zeroed, and
# with "trusted" 0 (bounce mode) TCP still verifies both ways.
. /xenpv/tests/net/lib.sh

NBB=/xenpv/bin/netbadback

# peek GUEST MODE RING [ARGS]: run netbadback MODE on the guest's RING
# ("tx" or "rx") of vif 0; prints its last line.
peek() {
	local id fe gref
	id=$(guest_domid "$1")
	fe=/local/domain/$id/device/vif/0
	gref=$(xenstore-read "$fe/$3-ring-ref" 2>/dev/null ||
	       xenstore-read "$fe/queue-0/$3-ring-ref")
	$NBB "$id" "$gref" "$2" $4 2>&1 | grep samples= | tail -n1
}

both_connected() {
	[ "$(xenstore-read "/local/domain/$1/device/vif/0/state")" = 4 ] &&
		[ "$(backend_state "$1" vif 0)" = 4 ]
}

for mode in rspprod badid nullrsp; do
	g=h$mode
	if ! guest_create "$g" disk=none; then
		not_ok "guest $g boots"
		continue
	fi
	id=$(guest_domid "$g")
	gip=$(guest_ip "$g")
	fe=/local/domain/$id/device/vif/0
	gref=$(xenstore-read "$fe/tx-ring-ref" 2>/dev/null ||
	       xenstore-read "$fe/queue-0/tx-ring-ref")
	if [ "$mode" = nullrsp ] && [ "$XENPV_NETFRONT" = xenpv ]; then
		# RX buffers once pages were recycled: a transfer first
		tcp_ok "nullrsp guest: TCP dom0 -> guest" 4194304 \
			"$(tcp_from_dom0 "$g" "$gip" 5801 4194304 81)"
		r=$(peek "$g" rxpeek rx)
		diag "rxpeek: $r"
		is "posted RX buffers are zeroed (of $(field samples "$r"))" \
			"$(field dirty "$r")" 0
		# what a trusted backend sees: skb heads share slab pages
		gexec "$g" "ping -c 4 -i 0.5 -W 1 192.0.2.250" >/dev/null &
		r=$(peek "$g" txpeek tx 3)
		wait
		diag "txpeek, trusted backend (not asserted): $r"
	fi
	# The real backend's next push may undo the corruption before the
	# guest read it: netbadback keeps it there (rspprod) or publishes it
	# again (badid, nullrsp) for 6 s while the guest transmits.
	$NBB "$id" "$gref" "$mode" 6 >/run/xenpv/nbb.out 2>&1 &
	nbb=$!
	sleep 0.5
	gexec "$g" "ping -c 8 -i 0.5 -W 1 $DOM0_IP" >/dev/null
	check "$mode: ring corrupted from dom0" wait "$nbb"
	diag "$(tr '\n' ' ' </run/xenpv/nbb.out)"
	check "$mode: guest alive" gexec "$g" true
	check "$mode: guest log has no oops" guest_clean "$g"
	if [ "$XENPV_NETFRONT" != xenpv ]; then
		skip "$mode: one protocol error line logged" "in-tree netfront"
		guest_destroy "$g"
		continue
	fi
	n=$(gexec "$g" "dmesg | grep -c 'backend protocol error'")
	is "$mode: one protocol error line logged" "$n" 1
	diag "$(gexec "$g" "dmesg | grep 'backend protocol error'")"
	check "$mode: frontend closes the device" \
		wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state)\" = 6 ]"
	is "$mode: sysfs xenpv/broken" \
		"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/broken')" 1
	is "$mode: protocol_errors counter" "$(nf_stat "$g" protocol_errors)" 1
	if [ "$mode" != nullrsp ]; then
		guest_destroy "$g"
		continue
	fi

	# unbind and bind afresh: clean, and reconnects; the backend is
	# declared untrusted this time (the device's "trusted" node)
	xenstore-write "$fe/trusted" 0
	check "nullrsp: unbind, rmmod, insmod" gexec "$g" "ip link set eth0 down; echo vif-0 >/sys/bus/xen/drivers/xenpv_netfront/unbind && rmmod xenpv_netfront && insmod /xenpv/modules/xenpv_netfront.ko && sleep 1 && ip link set eth0 up && ip addr add $gip/24 dev eth0"
	check "nullrsp: device reconnects" wait_for 60 both_connected "$id"
	check "nullrsp: dom0 reaches the guest again" wait_for 30 ping -c 1 -W 2 "$gip"
	is "untrusted: sysfs xenpv/bounce" \
		"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/bounce')" 1
	gexec "$g" "ping -c 4 -i 0.5 -W 1 192.0.2.250" >/dev/null &
	r=$(peek "$g" txpeek tx 3)
	wait
	# not asserted yet: in the lab txpeek caught no request (samples=0)
	diag "txpeek, untrusted backend (not asserted): $r"
	tcp_ok "untrusted: TCP guest -> dom0" 4194304 \
		"$(tcp_to_dom0 "$g" 5802 4194304 82)"
	tcp_ok "untrusted: TCP dom0 -> guest" 4194304 \
		"$(tcp_from_dom0 "$g" "$gip" 5803 4194304 83)"
	check "untrusted: guest log clean" guest_clean "$g"
	guest_destroy "$g"
done
