# SPDX-License-Identifier: GPL-2.0
# One guest: the driver in use, ping both ways, TCP bulk both ways with
# the receiver's checksum equal to the sender's, UDP datagrams intact.
# The guest (2 vCPUs) stays up for the tests after this one that leave
# it as they found it (guest boots are most of this suite's time).
. /xenpv/tests/net/lib.sh

if ! ensure_guest f1 disk=none vcpus=2; then
	not_ok "guest f1 boots with a vif"
	return
fi
ok "guest f1 boots with a vif"
lab_costs f1
is "eth0 is driven by the chosen frontend ($XENPV_NETFRONT)" \
	"$(gexec f1 'basename $(readlink /sys/class/net/eth0/device/driver)')" \
	"$([ "$XENPV_NETFRONT" = xenpv ] && echo xenpv_netfront || echo vif)"
id=$(guest_domid f1)
is "backend vif$id.0 connected" "$(backend_state "$id" vif 0)" 4
gip=$(guest_ip f1)
wait_for 10 gexec f1 "cat /sys/class/net/eth0/carrier | grep -q 1"
check "guest pings dom0" gexec f1 "ping -c 3 -W 5 $DOM0_IP"
check "dom0 pings guest ($gip)" ping -c 3 -W 5 "$gip"
check "guest pings dom0 with 8000-byte fragmented datagrams" \
	gexec f1 "ping -c 2 -W 5 -s 8000 $DOM0_IP"

mib=${NET_TCP_MIB:-64}
bytes=$((mib * 1024 * 1024))
tcp_ok "TCP guest -> dom0" "$bytes" "$(tcp_to_dom0 f1 5001 "$bytes" 11)"
tcp_ok "TCP dom0 -> guest" "$bytes" "$(tcp_from_dom0 f1 "$gip" 5002 "$bytes" 12)"

# UDP both ways: every datagram that arrives must be intact; most arrive.
rf=/run/xenpv/udp1
rm -f $rf.ready
$NF udp-recv 5003 -i 3 -m 60 -r $rf.ready >$rf.out 2>&1 &
upid=$!
wait_for 10 test -e $rf.ready
snd=$(gexec f1 "$NF udp-send $DOM0_IP 5003 3 1200")
wait $upid
rcv=$(cat $rf.out)
sent=$(field sent "$snd")
got=$(field received "$rcv")
if [ "$(field bad "$rcv")" = 0 ] && [ "${got:-0}" -gt 0 ] &&
   [ "$got" -ge $((sent / 2)) ]; then
	ok "UDP guest -> dom0: $got of $sent datagrams, none damaged"
else
	not_ok "UDP guest -> dom0"
	diag "sender: $snd"
	diag "receiver: $rcv"
fi

gexec f1 "rm -f /run/u.ready; $NF udp-recv 5004 -i 3 -m 60 -r /run/u.ready >/run/u.out 2>&1 &" >/dev/null
wait_for 20 gexec f1 "test -e /run/u.ready"
snd=$($NF udp-send "$gip" 5004 3 1200)
wait_for 30 gexec f1 "grep -q received= /run/u.out"
rcv=$(gexec f1 "cat /run/u.out")
sent=$(field sent "$snd")
got=$(field received "$rcv")
if [ "$(field bad "$rcv")" = 0 ] && [ "${got:-0}" -gt 0 ]; then
	ok "UDP dom0 -> guest: $got of $sent datagrams, none damaged"
else
	not_ok "UDP dom0 -> guest"
	diag "sender: $snd"
	diag "receiver: $rcv"
fi

rx=$(gexec f1 "cat /sys/class/net/eth0/statistics/rx_bytes")
tx=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_bytes")
if [ "${rx:-0}" -ge "$bytes" ] && [ "${tx:-0}" -ge "$bytes" ]; then
	ok "guest byte counters cover the transfers (rx $rx, tx $tx)"
else
	not_ok "guest byte counters cover the transfers (rx $rx, tx $tx)"
fi
errs=$(gexec f1 "cat /sys/class/net/eth0/statistics/rx_errors")
is "no receive errors in the guest" "$errs" 0
