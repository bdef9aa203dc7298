# SPDX-License-Identifier: GPL-2.0
# MTU 9000 on guest, vif and bridge: jumbo frames cross unfragmented both
# ways, TCP data intact.
. /xenpv/tests/net/lib.sh

if ! ensure_guest f1 disk=none vcpus=2; then
	not_ok "guest f1 boots"
	return
fi
id=$(guest_domid f1)
gip=$(guest_ip f1)

set_mtu() {
	local p
	for p in /sys/class/net/xenbr0/brif/*; do
		[ -e "$p" ] || continue
		ip link set "$(basename "$p")" mtu "$1"
	done
	ip link set xenbr0 mtu "$1"
}

check "guest eth0 takes MTU 9000" gexec f1 "ip link set eth0 mtu 9000"
is "guest eth0 MTU" "$(gexec f1 'cat /sys/class/net/eth0/mtu')" 9000
check "dom0 vif$id.0 and xenbr0 take MTU 9000" set_mtu 9000
check "dom0 pings guest with 9000-byte frames" ping -c 3 -W 5 -s 8972 "$gip"
check "guest pings dom0 with 9000-byte frames" gexec f1 "ping -c 3 -W 5 -s 8972 $DOM0_IP"

# 8900-byte datagrams: one frame each at MTU 9000 (six fragments at 1500).
r0=$(gexec f1 "cat /sys/class/net/eth0/statistics/rx_packets")
gexec f1 "rm -f /run/j.ready; $NF udp-recv 5301 -i 3 -m 60 -r /run/j.ready >/run/j.out 2>&1 &" >/dev/null
wait_for 20 gexec f1 "test -e /run/j.ready"
$NF udp-send "$gip" 5301 2 8900 >/run/xenpv/j.snd 2>&1
wait_for 30 gexec f1 "grep -q received= /run/j.out"
rcv=$(gexec f1 "cat /run/j.out")
r1=$(gexec f1 "cat /sys/class/net/eth0/statistics/rx_packets")
got=$(field received "$rcv")
sent=$(field sent "$(cat /run/xenpv/j.snd)")
# unfragmented: at most one frame a datagram sent (fragments: six)
if [ "${got:-0}" -gt 0 ] && [ "$(field bad "$rcv")" = 0 ] &&
   [ $((r1 - r0)) -le $((${sent:-0} + 20)) ]; then
	ok "dom0 -> guest 8900-byte datagrams arrive whole ($got datagrams, $((r1 - r0)) frames)"
else
	not_ok "dom0 -> guest 8900-byte datagrams arrive whole"
	diag "sent: $sent; receiver: $rcv; frames: $((r1 - r0))"
fi

t0=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
rm -f /run/xenpv/j2.ready
$NF udp-recv 5302 -i 3 -m 60 -r /run/xenpv/j2.ready >/run/xenpv/j2.out 2>&1 &
p=$!
wait_for 10 test -e /run/xenpv/j2.ready
snd=$(gexec f1 "$NF udp-send $DOM0_IP 5302 2 8900")
wait $p
rcv=$(cat /run/xenpv/j2.out)
t1=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
got=$(field received "$rcv")
sent=$(field sent "$snd")
if [ "${got:-0}" -gt 0 ] && [ "$(field bad "$rcv")" = 0 ] &&
   [ $((t1 - t0)) -le $((${sent:-0} + 20)) ]; then
	ok "guest -> dom0 8900-byte datagrams leave whole ($got datagrams, $((t1 - t0)) frames)"
else
	not_ok "guest -> dom0 8900-byte datagrams leave whole"
	diag "sent: $sent; receiver: $rcv; frames: $((t1 - t0))"
fi

b=$((16 * 1024 * 1024))
tcp_ok "TCP guest -> dom0 at MTU 9000" "$b" "$(tcp_to_dom0 f1 5303 "$b" 31)"
tcp_ok "TCP dom0 -> guest at MTU 9000" "$b" "$(tcp_from_dom0 f1 "$gip" 5304 "$b" 32)"
is "no receive errors in the guest" \
	"$(gexec f1 'cat /sys/class/net/eth0/statistics/rx_errors')" 0
check "guest log clean" guest_clean f1

# back to 1500 for the tests that use f1 after this one
gexec f1 "ip link set eth0 mtu 1500" >/dev/null
set_mtu 1500
is "guest MTU back to 1500" "$(gexec f1 'cat /sys/class/net/eth0/mtu')" 1500
