# SPDX-License-Identifier: GPL-2.0
# Reconnects: (1) the backend goes away and comes back (unbind/bind of
# the backend driver in dom0); (2) the frontend module is reloaded, for
# xenpv once with every optional feature masked off (fallback to a
# minimal backend), then with all of them.
. /xenpv/tests/net/lib.sh

if ! guest_create c1 disk=none vcpus=2; then
	not_ok "guest c1 boots"
	return
fi
id=$(guest_domid c1)
gip=$(guest_ip c1)
fe=/local/domain/$id/device/vif/0
be=/local/domain/0/backend/vif/$id/0
b=$((8 * 1024 * 1024))
fe_state() { xenstore-read "$fe/state" 2>/dev/null; }
both_connected() {
	[ "$(fe_state)" = 4 ] && [ "$(backend_state "$id" vif 0)" = 4 ]
}

# (1) backend away and back
dev=vif-$id-0
drv=$(basename "$(readlink "/sys/bus/xen-backend/devices/$dev/driver")")
diag "backend driver: $drv"
echo "$dev" >"/sys/bus/xen-backend/drivers/$drv/unbind"
# the in-tree netback leaves its state as it was (allow_rebind); others
# close: either way the frontend must stay sane
sleep 3
diag "after unbind: frontend state $(fe_state), backend state $(backend_state "$id" vif 0)"
gexec c1 "ping -c 2 -W 1 $DOM0_IP" >/dev/null
check "guest alive without backend" gexec c1 true
echo "$dev" >"/sys/bus/xen-backend/drivers/$drv/bind"
# stand in for the hotplug script: vif on the bridge, then report it
wait_for 30 test -e "/sys/class/net/vif$id.0"
ip link set "vif$id.0" up
ip link set "vif$id.0" master xenbr0
xenstore-write "$be/hotplug-status" connected
check "frontend and backend reconnect" wait_for 60 both_connected
check "dom0 reaches the guest after backend reconnect" wait_for 30 ping -c 1 -W 2 "$gip"
tcp_ok "TCP guest -> dom0 after backend reconnect" "$b" "$(tcp_to_dom0 c1 5601 "$b" 61)" ||
	vif_diag c1

# (2) frontend module reload
if [ "$XENPV_NETFRONT" = xenpv ]; then
	# xenbus holds a reference on a frontend module for every device
	# bound to it: unbind vif-0 first, or rmmod is refused.
	reload() {
		gexec c1 "ip link set eth0 down; echo vif-0 >/sys/bus/xen/drivers/xenpv_netfront/unbind && rmmod xenpv_netfront && insmod /xenpv/modules/xenpv_netfront.ko $1 && sleep 1 && ip link set eth0 up && ip addr add $gip/24 dev eth0"
	}
	check "rmmod + insmod feature_mask=0" reload feature_mask=0
	check "reconnected with no optional feature" wait_for 60 both_connected
	is "fallback: one queue" "$(gexec c1 'cat /sys/class/net/eth0/xenpv/queues')" 1
	is "fallback: shared event channel" \
		"$(xenstore-read "$fe/event-channel" >/dev/null 2>&1 && echo yes)" yes
	is "fallback: scatter-gather off" \
		"$(gexec c1 'ethtool -k eth0 | grep ^scatter-gather:' | sed -n 's/^scatter-gather: \([a-z]*\).*/\1/p')" off
	# (a function: gexec is one of this shell's, not a command sh -c finds)
	mtu_refused() {
		! gexec c1 'ip link set eth0 mtu 9000' &&
			[ "$(gexec c1 'cat /sys/class/net/eth0/mtu')" = 1500 ]
	}
	check "fallback: MTU 9000 refused, MTU stays 1500" mtu_refused
	check "fallback: dom0 reaches the guest" wait_for 30 ping -c 1 -W 2 "$gip"
	tcp_ok "fallback: TCP guest -> dom0" "$b" "$(tcp_to_dom0 c1 5602 "$b" 62)"
	tcp_ok "fallback: TCP dom0 -> guest" "$b" "$(tcp_from_dom0 c1 "$gip" 5603 "$b" 63)"
	check "rmmod + insmod with all features" reload ""
	check "reconnected with all features" wait_for 60 both_connected
	is "queues back to min(2, backend max)" \
		"$(gexec c1 'cat /sys/class/net/eth0/xenpv/queues')" \
		"$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null || echo 1)"
	check "dom0 reaches the guest after reload" wait_for 30 ping -c 1 -W 2 "$gip"
	tcp_ok "TCP dom0 -> guest after reload" "$b" "$(tcp_from_dom0 c1 "$gip" 5604 "$b" 64)"
else
	check "rmmod + modprobe xen-netfront" gexec c1 "ip link set eth0 down; echo vif-0 >/sys/bus/xen/drivers/vif/unbind && rmmod xen-netfront && modprobe xen-netfront && sleep 1 && ip link set eth0 up && ip addr add $gip/24 dev eth0"
	check "reconnected" wait_for 60 both_connected
	check "dom0 reaches the guest after reload" wait_for 30 ping -c 1 -W 2 "$gip"
	tcp_ok "TCP dom0 -> guest after reload" "$b" "$(tcp_from_dom0 c1 "$gip" 5604 "$b" 64)"
fi
check "guest log clean" guest_clean c1
guest_destroy c1
