# SPDX-License-Identifier: GPL-2.0
# xl destroy in the middle of bulk transfers both ways (two queues): the
# vif disappears, no page stays mapped, no domain is left as a zombie.
. /xenpv/tests/net-hostile/lib.sh

dmesg_start=$(dmesg_lines)
if ! guest_create t2 disk=none vcpus=2; then
	not_ok "guest t2 boots with a vif"
	return
fi
ok "guest t2 boots with a vif"
id=$(guest_domid t2)
gip=192.0.2.$((10 + $(_guest_index t2)))
wait_for 20 gexec t2 "ping -c 1 -W 2 $DOM0_IP"
if nb_xenpv; then
	is "two queues negotiated" "$(vif_attr vif$id.0 queues)" 2
fi

$NF tcp-recv 5201 -m 120 >/dev/null 2>&1 &
rpid=$!
sleep 1
gexec t2 "$NF tcp-send $DOM0_IP 5201 4000000000 5 >/dev/null 2>&1 &" >/dev/null
gexec t2 "$NF tcp-recv 5202 -m 120 >/dev/null 2>&1 &" >/dev/null
sleep 1
timeout 120 $NF tcp-send "$gip" 5202 4000000000 6 >/dev/null 2>&1 &
spid=$!
sleep 5
if nb_xenpv; then
	diag "mapped pages under load: $(vif_attr vif$id.0 tx_mapped_pages)"
fi

t0=$(date +%s)
check "xl destroy under load" timeout 60 $XL destroy t2
wait_for 30 test ! -e /sys/class/net/vif$id.0
check "vif$id.0 is gone" test ! -e /sys/class/net/vif$id.0
diag "teardown took $(($(date +%s) - t0)) s"
kill $spid $rpid 2>/dev/null
wait $spid $rpid 2>/dev/null
if nb_xenpv; then
	wait_for 10 mapped_zero
	is "no guest page left mapped" "$(mapped_total)" 0
fi
wait_for 15 no_zombies
is "no zombie domain (every grant released)" "$(zombies)" 0
no_dom0_splat "no kernel warning in dom0" "$dmesg_start"
