# SPDX-License-Identifier: GPL-2.0
# Unload and reload netloop while guests flood it: no crash, no stuck
# device, no pages left mapped, no memory lost.
. /xenpv/tests/netloop/lib.sh

if ! guest_domid nlg1 >/dev/null || ! guest_domid nlg2 >/dev/null; then
	not_ok "guests nlg1/nlg2 from 30-guest.sh are running"
	return
fi
CYCLES=${NL_CYCLES:-6}
kmsg_mark reload
nl_loaded || insmod "$NL_KO"
nl_attach
mac=$(cat /sys/class/net/nl0/address)
gexec nlg1 'ip neigh flush dev eth0' >/dev/null
gexec nlg2 'ip neigh flush dev eth0' >/dev/null
sync
echo 3 >/proc/sys/vm/drop_caches
mem0=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)

netflood udp-recv 5400 -b 8388608 -i 15 -m 600 >"$NL_RUN/reload-u.out" 2>&1 &
rpid=$!
secs=$((CYCLES * 10 + 20))
gexec nlg1 "netflood udp-send 192.0.2.1 5400 $secs 8000 >/run/f.out 2>&1 &" >/dev/null
# nlg2: TCP transfers one after the other for as long as the flood lasts
gexec nlg2 "rm -f /run/loop.out; ( end=\$((\$(cut -d. -f1 /proc/uptime) + $secs)); \
	while [ \$(cut -d. -f1 /proc/uptime) -lt \$end ]; do \
	netflood tcp-send 192.0.2.1 5401 1048576 >>/run/loop.out 2>&1; sleep 0.2; done ) &" >/dev/null
( while [ ! -e "$NL_RUN/tcp.stop" ]; do
	netflood tcp-recv 5401 -m 20 >>"$NL_RUN/reload-t.out" 2>&1
  done ) &
tl=$!
sleep 3

fails=0
copied_cycles=0
for i in $(seq 1 "$CYCLES"); do
	if ! timeout 60 rmmod xenpv_netloop; then
		diag "cycle $i: rmmod failed"
		fails=$((fails + 1))
		break
	fi
	if ls -d /sys/class/net/nl* >/dev/null 2>&1; then
		diag "cycle $i: interfaces left after rmmod"
		fails=$((fails + 1))
	fi
	# dom0's address is gone until the reload: were it put on xenbr0
	# meanwhile, the guests would learn xenbr0's MAC and go on sending
	# there, past netloop, after the reload.
	sleep 1
	if ! insmod "$NL_KO"; then
		diag "cycle $i: insmod failed"
		fails=$((fails + 1))
		break
	fi
	ip link set nl0 address "$mac"
	nl_attach || { diag "cycle $i: attach failed"; fails=$((fails + 1)); }
	sleep 3
	c=$(nl_counter copied_frames)
	diag "cycle $i: copied_frames=$c passed_frames=$(nl_counter passed_frames)"
	[ "$c" -gt 0 ] && copied_cycles=$((copied_cycles + 1))
done
is "$CYCLES unload/reload cycles under traffic" "$fails" 0
check "the flood crossed (and was copied by) the reloaded module in most cycles ($copied_cycles/$CYCLES)" \
	[ $((copied_cycles * 2)) -ge "$CYCLES" ]

wait_for $((secs + 30)) gexec nlg1 'grep -q sent= /run/f.out'
diag "flood: $(gexec nlg1 'cat /run/f.out')"
touch "$NL_RUN/tcp.stop"
wait_for 60 sh -c "! kill -0 $tl 2>/dev/null"
kill "$tl" 2>/dev/null
wait "$rpid"
r=$(cat "$NL_RUN/reload-u.out")
diag "reader: $r"
is "datagrams read during the reloads are well-formed" "$(field bad "$r")" 0
diag "TCP transfers during reloads: $(grep -c 'bad=0' "$NL_RUN/reload-t.out") clean, $(grep -vc 'bad=0' "$NL_RUN/reload-t.out") cut"

for g in nlg1 nlg2; do
	vif=$(nl_vif $g)
	check "$vif holds no mapped page after the reloads" wait_for 3 vif_idle "$vif"
done

# everything still works after the last reload
rm -f "$NL_RUN/rdy"
netflood tcp-recv 5402 -m 150 -r "$NL_RUN/rdy" >"$NL_RUN/final.out" 2>&1 &
pid=$!
wait_for 10 test -e "$NL_RUN/rdy"
s=$(GEXEC_TIMEOUT=150 gexec nlg1 'netflood tcp-send 192.0.2.1 5402 4194304 5')
wait "$pid"
t="$(cat "$NL_RUN/final.out")|$s"
diag "after reloads: $t"
check "after the reloads a 4 MiB transfer through netloop is intact" nl_sums_match "$t"
check "and was copied by the reloaded module" [ "$(nl_counter copied_frames)" -gt 0 ]

check "final unload" timeout 60 rmmod xenpv_netloop
nl_detach
sync
echo 3 >/proc/sys/vm/drop_caches
sleep 2
mem1=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
diag "MemAvailable before $mem0 kB, after $mem1 kB"
check "no memory lost across the reloads (< 16 MiB difference)" [ $((mem0 - mem1)) -lt 16384 ]
bad=$(kmsg_bad reload)
is "no kernel warnings" "$bad" ""
