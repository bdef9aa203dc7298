# SPDX-License-Identifier: GPL-2.0
# A frontend that stops posting receive buffers while dom0 sends to it:
# after rx_stall_timeout_msecs its vif loses the carrier and the queued
# frames are dropped; once it posts buffers again the carrier comes back
# and frames flow.
. /xenpv/tests/net-hostile/lib.sh

if ! nb_xenpv; then
	skip "RX stall handling" "netback is $XENPV_NETBACK"
	return
fi
old_to=$(cat "$NBPARAM/rx_stall_timeout_msecs")
echo 3000 >"$NBPARAM/rx_stall_timeout_msecs"
# one vif at creation (the hotplug script is slow under TCG), the one to
# take over attached afterwards
if ! guest_create s1 disk=none "vif='mac=00:16:3e:00:04:01,bridge=xenbr0'" ||
   ! timeout 120 $XL network-attach s1 mac=00:16:3e:00:04:02 bridge=xenbr0; then
	not_ok "guest s1 boots with two vifs"
	return
fi
id=$(guest_domid s1)
vif=vif$id.1
gexec s1 'modprobe xen-gntalloc; modprobe xen-evtchn
	d=$(readlink -f /sys/bus/xen/devices/vif-1/driver) && echo vif-1 >$d/unbind' >/dev/null
wait_for 20 be_state_is "$id" 1 6

# the hostile frontend posts nothing for 25 s, then 128 buffers
gexec s1 "$NH 1 stall 25 >/run/stall.out 2>&1 &" >/dev/null
wait_for 30 be_state_is "$id" 1 4
is "stalling frontend connected" "$(backend_state "$id" vif 1)" 4
ip neigh replace 192.0.2.99 lladdr 00:16:3e:00:04:02 dev xenbr0
ping -c 300 -i 0.2 -W 1 192.0.2.99 >/dev/null 2>&1 &
ppid=$!
wait_for 20 carrier_is "$vif" 0
is "carrier off after the stall timeout" "$(cat /sys/class/net/$vif/carrier)" 0
drops=$(vif_stat "$vif" rx_stall_drops)
if [ "${drops:-0}" -gt 0 ]; then
	ok "frames for the stalled guest dropped ($drops)"
else
	not_ok "frames for the stalled guest dropped (rx_stall_drops '$drops')"
fi
is "one stall message" "$(count_dmesg "$vif: queue 0: guest posted no RX buffers")" 1
wait_for 30 carrier_is "$vif" 1
is "carrier back once buffers are posted" "$(cat /sys/class/net/$vif/carrier)" 1
wait_for 30 gexec s1 "grep -q rx_responses= /run/stall.out"
out=$(gexec s1 "cat /run/stall.out")
n=$(field rx_responses "$out")
if [ "${n:-0}" -gt 0 ]; then
	ok "frames delivered after the stall ($n buffers filled)"
else
	not_ok "frames delivered after the stall"
	diag "nethostile: $(echo $out)"
fi
kill $ppid 2>/dev/null
wait $ppid 2>/dev/null
ip neigh del 192.0.2.99 dev xenbr0 2>/dev/null
check "the other vif still works" gexec s1 "ping -c 2 -W 5 $DOM0_IP"
guest_destroy s1
echo "$old_to" >"$NBPARAM/rx_stall_timeout_msecs"
