# SPDX-License-Identifier: GPL-2.0
# The same flood with dom0's address straight on xenbr0 (no netloop), for
# comparison; the figures of both runs are printed side by side.
. /xenpv/tests/netloop/lib.sh

if ! guest_domid nlg1 >/dev/null || ! guest_domid nlg2 >/dev/null; then
	not_ok "guests nlg1/nlg2 from 30-guest.sh are running"
	return
fi
kmsg_mark baseline
nl_detach
nl_loaded && rmmod xenpv_netloop
check "dom0's address is back on xenbr0, netloop unloaded" \
	sh -c 'ip addr show dev xenbr0 | grep -q 192.0.2.1/ && ! [ -d /sys/module/xenpv_netloop ]'
# the guests' ARP caches still point at nl0's address
gexec nlg1 'ip neigh flush dev eth0; ping -c 1 -W 5 192.0.2.1' >/dev/null
gexec nlg2 'ip neigh flush dev eth0; ping -c 1 -W 5 192.0.2.1' >/dev/null
flood_run bridge

diag "side by side (flood ${FLOOD_SECS:-30} s, netback=$XENPV_NETBACK):"
for m in netloop bridge; do
	diag "$(printf '%-8s %s' "$m" "$(cat "$NL_RUN/flood-$m" 2>/dev/null)")"
done
bad=$(kmsg_bad baseline)
is "no kernel warnings" "$bad" ""
