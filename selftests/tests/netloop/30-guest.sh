# SPDX-License-Identifier: GPL-2.0
# netloop with guest traffic: frames from a guest reach dom0's address on
# nl0 through xenbr0 and nlbr0; with a zero-copy backend they hold mapped
# guest pages and are copied.  Replies go back out through nlbr0.
. /xenpv/tests/netloop/lib.sh

nl_loaded || insmod "$NL_KO"
[ -e /sys/class/net/nl0 ] && ip addr show dev nl0 | grep -q 192.0.2.1/ || nl_attach
kmsg_mark guest
diag "netback=$XENPV_NETBACK netfront=$XENPV_NETFRONT"
# No disks: the suite needs only the network.  Booting is slow when the
# lab host is busy, hence the long agent timeout.
export GUEST_BOOT_TIMEOUT=${GUEST_BOOT_TIMEOUT:-400}
for g in nlg1 nlg2; do
	if ! guest_create $g disk=none; then
		not_ok "guest $g boots"
		return
	fi
done
ok "guests nlg1 and nlg2 boot"
check "jumbo MTU 9000 along nlg1/nlg2 -> xenbr0 -> netloop" nl_jumbo 9000 nlg1 nlg2
echo "$(nl_vif nlg1) $(nl_vif nlg2)" >"$NL_RUN/vifs"
check "nlg1 pings dom0 on nl0" gexec nlg1 'ping -c 3 -W 5 192.0.2.1 >/dev/null'
check "dom0 pings nlg2 from nl0" ping -c 3 -W 5 192.0.2.12

sums_match() {
	local r=${1%%|*} s=${1#*|}
	[ -n "$(field sum "$s")" ] && [ "$(field sum "$r")" = "$(field sum "$s")" ] &&
		[ "$(field bad "$r")" = 0 ] && [ "$(field received "$r")" = "$(field sent "$s")" ]
}

c0=$(nl_counter copied_frames)
cb0=$(nl_counter copied_bytes)
rm -f "$NL_RUN/rdy"
netflood tcp-recv 5201 -m 150 -r "$NL_RUN/rdy" >"$NL_RUN/g-recv.out" 2>&1 &
pid=$!
wait_for 10 test -e "$NL_RUN/rdy"
s=$(GEXEC_TIMEOUT=150 gexec nlg1 'netflood tcp-send 192.0.2.1 5201 8388608 7')
wait "$pid"
res="$(cat "$NL_RUN/g-recv.out")|$s"
diag "nlg1 -> dom0: $res"
check "8 MiB nlg1 -> dom0 over TCP, checksums match" sums_match "$res"
c1=$(nl_counter copied_frames)
cb1=$(nl_counter copied_bytes)
diag "copied_frames $c0 -> $c1, copied_bytes $cb0 -> $cb1, passed_frames $(nl_counter passed_frames)"
check "guest frames holding mapped pages were copied ($c0 -> $c1)" [ "$c1" -gt "$c0" ]
check "copied bytes cover at least half of the transfer" [ $((cb1 - cb0)) -ge 4194304 ]

gexec nlg1 'rm -f /run/rdy; netflood tcp-recv 5202 -m 150 -r /run/rdy >/run/r.out 2>&1 &' >/dev/null
wait_for 20 gexec nlg1 'test -e /run/rdy'
b0=$(nl_counter to_bridge_frames)
s=$(netflood tcp-send 192.0.2.11 5202 8388608 8 2>&1)
wait_for 30 gexec nlg1 'grep -q received= /run/r.out'
res="$(gexec nlg1 'cat /run/r.out')|$s"
diag "dom0 -> nlg1: $res"
check "8 MiB dom0 -> nlg1 over TCP, checksums match" sums_match "$res"
check "replies leave through nlbr0" [ "$(nl_counter to_bridge_frames)" -gt "$b0" ]

vif=$(nl_vif nlg1)
check "$vif holds no mapped page once traffic stops" wait_for 2 vif_idle "$vif"
diag "$vif mapped pages now: $(vif_mapped "$vif") (bound $(vif_mapped_bound "$vif"))"
is "no allocation failures" "$(nl_counter alloc_failures)" 0
bad=$(kmsg_bad guest)
is "no kernel warnings" "$bad" ""
