# SPDX-License-Identifier: GPL-2.0
# Two guests talk through the bridge: ping both ways, TCP with checksums.
. /xenpv/tests/net/netlib.sh

if ! guest_create a1 disk=none || ! guest_create a2 disk=none; then
	not_ok "guests a1 and a2 boot"
	return
fi
ok "guests a1 and a2 boot"
ip1=$(guest_ip a1)
ip2=$(guest_ip a2)
check "a1 pings a2 ($ip2)" gexec a1 "ping -c 3 -W 5 $ip2"
check "a2 pings a1 ($ip1)" gexec a2 "ping -c 3 -W 5 $ip1"

b=$((16 * 1024 * 1024))
gexec a2 "rm -f /run/g.ready; $NF tcp-recv 5401 -m 300 -r /run/g.ready >/run/g.out 2>&1 &" >/dev/null
wait_for 20 gexec a2 "test -e /run/g.ready"
snd=$(GEXEC_TIMEOUT=300 gexec a1 "$NF tcp-send $ip2 5401 $b 41")
wait_for 60 gexec a2 "grep -q received= /run/g.out"
tcp_ok "TCP a1 -> a2" "$b" "$snd|$(gexec a2 'cat /run/g.out')"

gexec a1 "rm -f /run/g.ready; $NF tcp-recv 5402 -m 300 -r /run/g.ready >/run/g.out 2>&1 &" >/dev/null
wait_for 20 gexec a1 "test -e /run/g.ready"
snd=$(GEXEC_TIMEOUT=300 gexec a2 "$NF tcp-send $ip1 5402 $b 42")
wait_for 60 gexec a1 "grep -q received= /run/g.out"
tcp_ok "TCP a2 -> a1" "$b" "$snd|$(gexec a1 'cat /run/g.out')"
check "guest a1 log clean" guest_clean a1
check "guest a2 log clean" guest_clean a2
guest_destroy a1
guest_destroy a2
