# SPDX-License-Identifier: GPL-2.0
# IPv6 on the long-lived guest f1 (the last test to use it): TCP both
# ways with checksums; TSO over IPv6 when the backend
# takes it.  Every step is bounded (timeouts inside the guest too, so the
# guest agent is never stuck behind a hung transfer).
. /xenpv/tests/net/lib.sh

if ! ensure_guest f1 disk=none vcpus=2; then
	not_ok "guest f1 boots"
	return
fi
id=$(guest_domid f1)
be=/local/domain/0/backend/vif/$id/0
g6=2001:db8:7::$((100 + id))
# no duplicate address detection (busybox ip has no "nodad"): the
# addresses are usable at once
echo 0 >/proc/sys/net/ipv6/conf/xenbr0/accept_dad
ip -6 addr add 2001:db8:7::1/64 dev xenbr0 2>/dev/null
check "guest takes an IPv6 address" gexec f1 \
	"echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad && ip -6 addr add $g6/64 dev eth0"
check "guest reaches dom0 over IPv6" wait_for 20 gexec f1 "ping -6 -c 1 -W 2 2001:db8:7::1"
t0=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
tb0=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_bytes")
b=$((8 * 1024 * 1024))

rf=/run/xenpv/xc6
rm -f $rf.ready
timeout 100 $XC recv 5901 -m 90 -r $rf.ready >$rf.out 2>&1 &
p=$!
wait_for 10 test -e $rf.ready
snd=$(GEXEC_TIMEOUT=100 gexec f1 "timeout 90 $XC send 2001:db8:7::1 5901 $b 91")
wait $p
tcp_ok "TCP over IPv6 guest -> dom0" "$b" "$snd|$(cat $rf.out)"
t1=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
tb1=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_bytes")

gexec f1 "rm -f /run/x6.ready; timeout 100 $XC recv 5902 -m 90 -r /run/x6.ready >/run/x6.out 2>&1 &" >/dev/null
wait_for 20 gexec f1 "test -e /run/x6.ready"
snd=$(timeout 90 $XC send "$g6" 5902 "$b" 92 2>&1)
wait_for 30 gexec f1 "grep -q received= /run/x6.out"
tcp_ok "TCP over IPv6 dom0 -> guest" "$b" "$snd|$(gexec f1 'cat /run/x6.out')"

if [ "$(xenstore-read "$be/feature-gso-tcpv6" 2>/dev/null)" = 1 ]; then
	avg=$(((tb1 - tb0) / (t1 - t0 + 1)))
	if [ "$avg" -gt 1514 ]; then
		ok "guest sent IPv6 TSO frames (average $avg bytes a frame)"
	else
		not_ok "guest sent IPv6 TSO frames (average $avg bytes a frame)"
	fi
else
	skip "guest sent IPv6 TSO frames" "backend without gso-tcpv6"
fi
check "guest log clean" guest_clean f1
guest_destroy f1
