# SPDX-License-Identifier: GPL-2.0
# A misbehaving backend: netbadback (selftests/tools) corrupts the guest's
# TX ring from dom0 (rsp_prod far ahead; a response with a bogus id; a
# NULL-status response where a data request waits).  The guest must
# survive; xenpv_netfront must log one clear line, stop using the rings
# and close the device, and come back on a fresh bind.  Then what a
# backend can read (xenpv_netfront): posted RX buffers are zeroed, and
# with "trusted" 0 (bounce mode) TCP still verifies both ways.  Last, the
# RX ring (xenpv_netfront): six corruptions that must each disconnect,
# and a failure status that must only drop the frame (see below).
. /xenpv/tests/net/lib.sh

NBB=/xenpv/bin/netbadback

# What is tested is the frontend's, with netbadback beside whichever
# backend serves the vif.  make check runs it on the xenpv pair only: on
# mainline's netfront it tests mainline, and beside mainline's netback it
# repeated the xenpv pair's TX cases (both passed in make check until
# 2026-12-07, 42 s and 59 s a run).  --arg netbad=1 runs it anyway.
if { [ "$XENPV_NETFRONT" != xenpv ] || [ "$XENPV_NETBACK" != xenpv ]; } &&
   [ "$(lab_arg netbad)" != 1 ]; then
	skip "bad backend is contained" "run on the xenpv pair (--arg netbad=1 runs it here)"
	return
fi

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

# --arg net80=rx: only the RX ring cases (chasing them)
tx_modes="rspprod badid nullrsp"
[ "$(lab_arg net80)" = rx ] && tx_modes=
for mode in $tx_modes; do
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
	# One-slot frames one at a time (pings to dom0) while dom0 reads each
	# new request's granted page: with bounce, nothing but the frame is in
	# it.  A read that ends after the answer is dropped (late=): the grant
	# may hold a later frame by then (that was the leaky=3 of samples=4
	# before 2026-12-07).  Most reads are late (29 of 30 pings 0.1 s
	# apart), hence 80 pings, and a skip, not a pass, when none was in time.
	gexec "$g" "ping -c 80 -i 0.05 -W 1 $DOM0_IP" >/dev/null &
	r=$(peek "$g" txpeek tx 5)
	wait
	diag "txpeek, untrusted backend: $r"
	if [ "$(field samples "$r")" -ge 1 ] 2>/dev/null; then
		is "untrusted: granted TX pages hold only the frame" "$(field leaky "$r")" 0
	else
		skip "untrusted: granted TX pages hold only the frame" "txpeek read no request before its answer ($r)"
	fi
	tcp_ok "untrusted: TCP guest -> dom0" 4194304 \
		"$(tcp_to_dom0 "$g" 5802 4194304 82)"
	tcp_ok "untrusted: TCP dom0 -> guest" 4194304 \
		"$(tcp_from_dom0 "$g" "$gip" 5803 4194304 83)"
	check "untrusted: guest log clean" guest_clean "$g"
	guest_destroy "$g"
done

# A corrupted RX ring (xenpv_netfront): the guest's link goes down (open
# is the one RX poll not started by an event, so the guest reads nothing
# meanwhile), netbadback writes bad responses after the backend's last
# (again after the backend's, should it deliver a frame meanwhile), the
# link comes up.  Each must count one protocol error, log one line that
# names it, close the device, and come back on a fresh bind; one guest
# takes every case.  Then a failure status rewritten in place (the rings
# stay in step): the frame is dropped and counted, the device stays up.
rx_ref() {
	xenstore-read "$1/rx-ring-ref" 2>/dev/null ||
		xenstore-read "$1/queue-0/rx-ring-ref"
}

# rx_rebind GUEST IP: unbind and bind vif-0 afresh, address it again.
rx_rebind() {
	gexec "$1" "echo vif-0 >/sys/bus/xen/drivers/xenpv_netfront/unbind && echo vif-0 >/sys/bus/xen/drivers/xenpv_netfront/bind" >/dev/null &&
		wait_for 60 both_connected "$(guest_domid "$1")" &&
		gexec "$1" "ip link set eth0 up && ip addr add $2/24 dev eth0" >/dev/null &&
		wait_for 30 ping -c 1 -W 2 "$2"
}

rx_errors_is() { [ "$(nf_stat "$1" rx_errors)" = "$2" ]; }

# rx_cases GUEST: every RX corruption, then the in-place failure status.
rx_cases() {
	local g=$1 id gip fe mode what out nbb png before after line errs
	id=$(guest_domid "$g")
	gip=$(guest_ip "$g")
	fe=/local/domain/$id/device/vif/0
	# mode, then what the log line must name
	while read -r mode what <&3; do
		out=/run/xenpv/nbb.$mode
		before=$(gexec "$g" "dmesg | grep -c 'backend protocol error'")
		gexec "$g" "ip link set eth0 down" >/dev/null
		$NBB "$id" "$(rx_ref "$fe")" "$mode" 30 >"$out" 2>&1 &
		nbb=$!
		wait_for 5 grep -q first_at= "$out"
		gexec "$g" "ip link set eth0 up" >/dev/null
		check "$mode: frontend closes the device" \
			wait_for 30 sh -c "[ \"\$(xenstore-read $fe/state)\" = 6 ]"
		kill -TERM "$nbb" 2>/dev/null
		check "$mode: RX ring corrupted from dom0" wait "$nbb"
		diag "$(tr '\n' ' ' <"$out")"
		check "$mode: guest alive" gexec "$g" true
		check "$mode: guest log has no oops" guest_clean "$g"
		after=$(gexec "$g" "dmesg | grep -c 'backend protocol error'")
		is "$mode: one protocol error line logged" "$((after - before))" 1
		line=$(gexec "$g" "dmesg | grep 'backend protocol error' | tail -n1")
		diag "$line"
		case $line in
		*"$what"*) ok "$mode: the line names it ($what)" ;;
		*) not_ok "$mode: the line names it ($what)" ;;
		esac
		is "$mode: protocol_errors counter" \
			"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/protocol_errors')" 1
		is "$mode: sysfs xenpv/broken" \
			"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/broken')" 1
		check "$mode: rebind, reconnect, dom0 reaches the guest" \
			rx_rebind "$g" "$gip"
	done 3<<-'MODES'
	rxrspprod RX rsp_prod
	rxbadid RX response id
	rxbadoff offset 4000 size 200
	rxbadextra RX extra info type 66
	rxextras too many extra slots
	rxslots spans more than
	MODES

	# a failure status in place: dropped and counted, still connected
	errs=$(nf_stat "$g" rx_errors)
	gexec "$g" "ip link set eth0 down" >/dev/null
	$NBB "$id" "$(rx_ref "$fe")" rxerr 20 >/run/xenpv/nbb.rxerr 2>&1 &
	nbb=$!
	ping -c 10 -i 0.3 -W 1 "$gip" >/dev/null 2>&1 &
	png=$!
	check "rxerr: a backend response rewritten to status -1" wait "$nbb"
	wait "$png"
	diag "$(tr '\n' ' ' </run/xenpv/nbb.rxerr)"
	gexec "$g" "ip link set eth0 up" >/dev/null
	wait_for 10 rx_errors_is "$g" "$((errs + 1))"
	is "rxerr: rx_errors went up by one" "$(nf_stat "$g" rx_errors)" "$((errs + 1))"
	is "rxerr: no protocol error" \
		"$(gexec "$g" 'cat /sys/class/net/eth0/xenpv/protocol_errors')" 0
	check "rxerr: device still connected" both_connected "$id"
	check "rxerr: dom0 reaches the guest" wait_for 30 ping -c 1 -W 2 "$gip"
	tcp_ok "after the RX cases: TCP dom0 -> guest" 4194304 \
		"$(tcp_from_dom0 "$g" "$gip" 5804 4194304 84)"
}

memavail() { gexec "$1" "sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo"; }

if [ "$XENPV_NETFRONT" != xenpv ]; then
	skip "RX ring corruption cases" "in-tree netfront (they need xenpv_netfront's counters)"
elif [ "$XENPV_NETBACK" != xenpv ]; then
	# a frame the in-tree backend delivers meanwhile reads our response
	# bytes as a request: not yet seen in the lab with that backend
	skip "RX ring corruption cases" "in-tree netback: not yet run against it"
elif [ "$(lab_arg net80)" != rx ] && [ "$(lab_arg net80)" != all ]; then
	# seen passing 62/62 on the helper's branch, not yet in a full run
	# of this file: its own todo: matrix line runs them
	skip "RX ring corruption cases" "opt-in until seen in a full run (--arg net80=all)"
elif ! guest_create hrx disk=none; then
	not_ok "guest hrx boots"
else
	mem0=$(memavail hrx)
	rx_cases hrx
	diag "guest MemAvailable: $mem0 kB before the RX cases, $(memavail hrx) kB after"
	check "RX cases: guest log clean" guest_clean hrx
	guest_destroy hrx
	check "RX cases: xenpv_netback holds no guest page" wait_for 30 \
		sh -c '[ "$(cat /sys/module/xenpv_netback/parameters/mapped_pages)" = 0 ]'
fi
