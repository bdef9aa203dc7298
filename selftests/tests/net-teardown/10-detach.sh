# SPDX-License-Identifier: GPL-2.0
# Detach a vif in the middle of a bulk transfer both ways, then attach a
# new one: the old vif goes away with nothing left mapped, the new one
# carries traffic.
. /xenpv/tests/net-hostile/lib.sh

dmesg_start=$(dmesg_lines)
if ! guest_create t1 disk=none; then
	not_ok "guest t1 boots with a vif"
	return
fi
ok "guest t1 boots with a vif"
id=$(guest_domid t1)
gip=192.0.2.$((10 + $(_guest_index t1)))
wait_for 20 gexec t1 "ping -c 1 -W 2 $DOM0_IP"

# endless transfers both ways, cut by the detach
$NF tcp-recv 5101 -m 120 >/run/xenpv/td1.out 2>&1 &
rpid=$!
sleep 1
gexec t1 "$NF tcp-send $DOM0_IP 5101 4000000000 3 >/dev/null 2>&1 &" >/dev/null
gexec t1 "$NF tcp-recv 5102 -m 120 >/dev/null 2>&1 &" >/dev/null
sleep 1
timeout 120 $NF tcp-send "$gip" 5102 4000000000 4 >/dev/null 2>&1 &
spid=$!
sleep 5
rx0=$(cat /sys/class/net/vif$id.0/statistics/rx_bytes 2>/dev/null)
if [ "${rx0:-0}" -gt 1000000 ]; then
	ok "traffic flowing before the detach ($rx0 bytes from the guest)"
else
	not_ok "traffic flowing before the detach ($rx0 bytes from the guest)"
fi

check "xl network-detach under load" timeout 60 $XL network-detach t1 0
wait_for 20 test ! -e /sys/class/net/vif$id.0
check "vif$id.0 is gone" test ! -e /sys/class/net/vif$id.0
if nb_xenpv; then
	wait_for 10 mapped_zero
	is "no guest page left mapped" "$(mapped_total)" 0
fi
kill $spid $rpid 2>/dev/null
wait $spid $rpid 2>/dev/null

check "xl network-attach" timeout 60 $XL network-attach t1 \
	mac=00:16:3e:00:02:01 bridge=xenbr0
# libxl hands out the lowest free device id again
dev=$(xenstore-list "/local/domain/0/backend/vif/$id" 2>/dev/null | tail -n1)
wait_for 30 be_state_is "$id" "$dev" 4
is "new backend vif$id.$dev connected" "$(backend_state "$id" vif "$dev")" 4
gexec t1 'for n in /sys/class/net/eth*; do ip link set ${n##*/} up; done
	e=$(ls /sys/class/net | grep eth | tail -n1)
	ip addr flush dev $e; ip addr add '"$gip"'/24 dev $e' >/dev/null
wait_for 30 gexec t1 "ping -c 1 -W 2 $DOM0_IP"
check "guest pings dom0 through the new vif" \
	gexec t1 "ping -c 3 -W 5 $DOM0_IP"

guest_destroy t1
wait_for 10 no_zombies
is "no zombie domain after destroy" "$(zombies)" 0
no_dom0_splat "no kernel warning in dom0" "$dmesg_start"
