# SPDX-License-Identifier: GPL-2.0
# xl network-detach with the link idle and under load in both directions;
# re-attach; the guest keeps running and the new NIC carries data.
. /xenpv/tests/net/lib.sh
XL=${XL:-/usr/lib/xen-4.17/bin/xl}

if ! guest_create d1 disk=none; then
	not_ok "guest d1 boots"
	return
fi
id=$(guest_domid d1)
gip=$(guest_ip d1)
nics() { gexec d1 "ls /sys/class/net | grep -c '^eth'"; }
no_nic() { [ "$(nics)" = 0 ]; }
has_nic() { [ "$(nics)" = 1 ]; }

# attach_diag: where an attach stands (for a failed check's output)
attach_diag() {
	local d
	for d in $(xenstore-list "/local/domain/0/backend/vif/$id" 2>/dev/null); do
		echo "vif $d: backend state $(xenstore-read "/local/domain/0/backend/vif/$id/$d/state" 2>/dev/null)," \
			"frontend state $(xenstore-read "/local/domain/$id/device/vif/$d/state" 2>/dev/null)"
	done
	gexec d1 "ip -br addr; dmesg | tail -n 6"
}

# attach_and_configure DEVID MACBYTE: attach, bring up with the old IP.
# The guest speaks first: its ARP request for dom0 replaces dom0's entry
# for the IP, which still names the detached NIC's MAC (under load it was
# confirmed until the detach, and would be believed for up to 45 s more).
attach_and_configure() {
	$XL network-attach d1 "mac=00:16:3e:00:01:$2" bridge=xenbr0 ||
		{ echo "network-attach failed"; return 1; }
	wait_for 60 has_nic || { echo "no NIC in the guest after 60 s"; attach_diag; return 1; }
	gexec d1 "e=\$(ls /sys/class/net | grep '^eth'); ip link set \$e up && ip addr add $gip/24 dev \$e" ||
		{ echo "could not configure the new NIC"; return 1; }
	gexec d1 "ping -c 1 -W 10 $DOM0_IP" ||
		{ echo "the guest does not reach dom0"; attach_diag; return 1; }
	wait_for 30 ping -c 1 -W 2 "$gip" || { echo "dom0 does not reach the guest"; ip neigh show "$gip"; return 1; }
}

# idle
check "network-detach of an idle vif" timeout 60 $XL network-detach d1 0
check "guest NIC disappears" wait_for 30 no_nic
check "backend device removed" wait_for 30 sh -c "! xenstore-exists /local/domain/0/backend/vif/$id/0"
check "guest alive after idle detach" gexec d1 true
check "re-attach: new NIC up, dom0 reaches the guest" attach_and_configure 1 01
check "guest pings dom0 after re-attach" gexec d1 "ping -c 3 -W 5 $DOM0_IP"
b=$((8 * 1024 * 1024))
tcp_ok "TCP guest -> dom0 after re-attach" "$b" "$(tcp_to_dom0 d1 5501 "$b" 51)"

# under load: 1 GiB each way, detach a few seconds in
devid=$(xenstore-list "/local/domain/$id/device/vif" | head -n1)
gexec d1 "$NF tcp-recv 5502 -m 120 >/run/l.out 2>&1 &" >/dev/null
sleep 1
timeout 120 $NF tcp-send "$gip" 5502 $((1024 * 1024 * 1024)) 52 >/run/xenpv/l.snd 2>&1 &
p1=$!
$NF tcp-recv 5503 -m 120 >/run/xenpv/l.rcv 2>&1 &
p2=$!
sleep 1
gexec d1 "$NF tcp-send $DOM0_IP 5503 $((1024 * 1024 * 1024)) 53 >/run/l.snd 2>&1 &" >/dev/null
sleep 6
r0=$(gexec d1 "cat /sys/class/net/eth*/statistics/rx_bytes")
diag "guest had received $r0 bytes when detaching vif $devid"
check "network-detach under load" timeout 90 $XL network-detach d1 "$devid"
check "guest NIC disappears under load" wait_for 60 no_nic
check "guest alive after detach under load" gexec d1 true
kill $p1 $p2 2>/dev/null
wait $p1 $p2 2>/dev/null
gexec d1 "killall netflood" >/dev/null 2>&1
check "re-attach after detach under load" attach_and_configure 2 02
tcp_ok "TCP dom0 -> guest after re-attach" "$b" "$(tcp_from_dom0 d1 "$gip" 5504 "$b" 54)"
check "guest log clean" guest_clean d1
guest_destroy d1
