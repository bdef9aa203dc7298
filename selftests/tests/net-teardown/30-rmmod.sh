# SPDX-License-Identifier: GPL-2.0
# Unload xenpv_netback with and without vifs, and load it again.  A bound
# XenBus device pins its driver's module (xenbus core), as for the in-tree
# backend: with a vif, rmmod is refused and nothing changes; unbinding the
# vif under load tears it down, then the module unloads.
. /xenpv/tests/net-hostile/lib.sh

if ! nb_xenpv; then
	skip "rmmod xenpv_netback" "netback is $XENPV_NETBACK"
	return
fi
dmesg_start=$(dmesg_lines)
KO=/xenpv/modules/xenpv_netback.ko
DRV=/sys/bus/xen-backend/drivers/xenpv_netback

check "rmmod without vifs" rmmod xenpv_netback
check "insmod again" insmod $KO

if ! guest_create t3 disk=none; then
	not_ok "guest t3 boots with a vif"
	return
fi
ok "guest t3 boots with a vif"
id=$(guest_domid t3)
wait_for 20 gexec t3 "ping -c 1 -W 2 $DOM0_IP"
$NF tcp-recv 5301 -m 90 >/dev/null 2>&1 &
rpid=$!
sleep 1
gexec t3 "$NF tcp-send $DOM0_IP 5301 4000000000 7 >/dev/null 2>&1 &" >/dev/null
sleep 5

if rmmod xenpv_netback 2>/dev/null; then
	not_ok "rmmod with a bound vif is refused"
else
	ok "rmmod with a bound vif is refused"
fi
check "vif$id.0 still there" test -e /sys/class/net/vif$id.0
check "unbind vif-$id-0 under load" sh -c "echo vif-$id-0 >$DRV/unbind"
check "vif$id.0 is gone" test ! -e /sys/class/net/vif$id.0
wait_for 10 mapped_zero
is "no guest page left mapped" "$(mapped_total)" 0
check "rmmod once no vif is bound" rmmod xenpv_netback
n=$(dmesg | tail -n +"$((dmesg_start + 1))" |
	grep -c "xenpv_netback: unloaded, 0 guest page(s) mapped")
is "module reported 0 mapped pages at both unloads" "$n" 2
kill $rpid 2>/dev/null
wait $rpid 2>/dev/null
is "guest t3 still runs" "$(gexec t3 'echo alive')" alive

check "insmod with a guest around" insmod $KO
guest_destroy t3
wait_for 15 no_zombies
is "no zombie domain after destroy" "$(zombies)" 0

if guest_create t4 disk=none; then
	wait_for 30 gexec t4 "ping -c 1 -W 2 $DOM0_IP"
	check "a new guest pings dom0 after the reload" \
		gexec t4 "ping -c 3 -W 5 $DOM0_IP"
	guest_destroy t4
else
	not_ok "a new guest boots after the reload"
fi
no_dom0_splat "no kernel warning in dom0" "$dmesg_start"
