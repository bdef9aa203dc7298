# SPDX-License-Identifier: GPL-2.0
# Two guests talk through the bridge: ping both ways, TCP with checksums.
# The first is the suite's long-lived guest f1 (see 10-basic.sh).
. /xenpv/tests/net/lib.sh

if ! ensure_guest f1 disk=none vcpus=2 || ! guest_create a2 disk=none; then
	not_ok "guests f1 and a2 boot"
	return
fi
ok "guests f1 and a2 boot"
ip1=$(guest_ip f1)
ip2=$(guest_ip a2)
check "f1 pings a2 ($ip2)" gexec f1 "ping -c 3 -W 5 $ip2"
check "a2 pings f1 ($ip1)" gexec a2 "ping -c 3 -W 5 $ip1"

b=$((16 * 1024 * 1024))
gexec a2 "rm -f /run/g.ready; $NF tcp-recv 5401 -m 300 -r /run/g.ready >/run/g.out 2>&1 &" >/dev/null
wait_for 20 gexec a2 "test -e /run/g.ready"
snd=$(GEXEC_TIMEOUT=300 gexec f1 "$NF tcp-send $ip2 5401 $b 41")
wait_for 60 gexec a2 "grep -q received= /run/g.out"
tcp_ok "TCP f1 -> a2" "$b" "$snd|$(gexec a2 'cat /run/g.out')"

gexec f1 "rm -f /run/g.ready; $NF tcp-recv 5402 -m 300 -r /run/g.ready >/run/g.out 2>&1 &" >/dev/null
wait_for 20 gexec f1 "test -e /run/g.ready"
snd=$(GEXEC_TIMEOUT=300 gexec a2 "$NF tcp-send $ip1 5402 $b 42")
wait_for 60 gexec f1 "grep -q received= /run/g.out"
tcp_ok "TCP a2 -> f1" "$b" "$snd|$(gexec f1 'cat /run/g.out')"
check "guest f1 log clean" guest_clean f1
check "guest a2 log clean" guest_clean a2
guest_destroy a2
