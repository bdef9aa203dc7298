# SPDX-License-Identifier: GPL-2.0
# A hostile frontend (nethostile on guest h1's second vif) against the
# event channels, the RX queue and the XenBus handshake: event-channel
# storms (single, split, split keys naming one port) must be reported as
# spurious so that dom0's interrupt rate stays bounded; a frontend without
# feature-rx-notify that never posts buffers gets its frames expired;
# extra-info chains, queue counts it never set up, state flapping during
# I/O and rate= extremes are refused or survived.  After every case a
# second guest's TCP to dom0 verifies and no guest page is left mapped.
. /xenpv/tests/net-hostile/lib.sh

if ! nb_xenpv; then
	skip "event channel storms and protocol abuse" "netback is $XENPV_NETBACK"
	return
fi
dmesg_start=$(dmesg_lines)
old_drain=$(cat "$NBPARAM/rx_drain_timeout_msecs" 2>/dev/null)
echo 2000 >"$NBPARAM/rx_drain_timeout_msecs" 2>/dev/null
if ! guest_create h1 disk=none "vif='mac=00:16:3e:00:06:01,bridge=xenbr0'" ||
   ! timeout 120 $XL network-attach h1 mac=00:16:3e:00:06:02 bridge=xenbr0; then
	not_ok "guest h1 boots with two vifs"
	return
fi
if ! guest_create g2 disk=none; then
	not_ok "second guest g2 boots"
	guest_destroy h1
	return
fi
ok "guests h1 (two vifs) and g2 boot"
id=$(guest_domid h1)
vif=vif$id.1
be=/local/domain/0/backend/vif/$id/1
fe=/local/domain/$id/device/vif/1
wait_for 20 be_state_is "$id" 1 4
gexec h1 'modprobe xen-gntalloc; modprobe xen-evtchn
	d=$(readlink -f /sys/bus/xen/devices/vif-1/driver) && echo vif-1 >$d/unbind' >/dev/null
wait_for 20 be_state_is "$id" 1 6

og_port=5900
after_case() {
	og_port=$((og_port + 1))
	check "$1: second guest's TCP to dom0 verifies" other_guest_tcp g2 $og_port
	check "$1: no guest page left mapped" wait_for 10 mapped_zero
}

# irq_count NAME: interrupts of dom0's irq line NAME (-1: no such line).
irq_count() {
	awk -v n="$1" '$NF == n { s = 0
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
		print s; f = 1 } END { if (!f) print -1 }' /proc/interrupts
}
phase_is() { [ "$(xenstore-read "$fe/nh-phase" 2>/dev/null)" = "$1" ]; }

# storm_case NAME ENV "IRQ-SUFFIX..." "COUNTER...": the hostile frontend
# (IRQ-SUFFIX "." for the shared port's line)
# notifies its port(s) for 4 s while g2 sends to dom0.
storm_case() {
	local name=$1 env=$2 sfx=$3 ctr=$4 s out n i c0 c1 v0 v1 tpid tf=/run/xenpv/storm.tcp
	xenstore-rm "$fe/nh-phase" 2>/dev/null
	gexec h1 "$env $NH 1 storm 4 6 >/run/storm.out 2>&1 &" >/dev/null
	if ! wait_for 40 phase_is storm; then
		not_ok "$name: storm started"
		diag "$(gexec h1 'cat /run/storm.out')"
		return
	fi
	c0=""; v0=""
	for s in $sfx; do c0="$c0 $(irq_count "$vif-q0${s#.}")"; done
	for s in $ctr; do v0="$v0 $(vif_stat "$vif" "$s")"; done
	og_port=$((og_port + 1))
	( other_guest_tcp g2 $og_port >$tf 2>&1; echo "rc=$?" >>$tf ) &
	tpid=$!
	wait_for 30 phase_is hold
	c1=""; v1=""
	for s in $sfx; do c1="$c1 $(irq_count "$vif-q0${s#.}")"; done
	for s in $ctr; do v1="$v1 $(vif_stat "$vif" "$s")"; done
	wait $tpid
	wait_for 30 phase_is done
	wait_for 20 be_state_is "$id" 1 6
	out=$(gexec h1 "cat /run/storm.out")
	n=$(field notifies "$out")
	diag "$name: notifies=$n irq$sfx:$c0 ->$c1 spurious $ctr:$v0 ->$v1"
	set -- $c1
	for i in $c0; do
		# a spurious event in a row has its EOI delayed by a jiffy or
		# more (6.1 restarts the backoff after each delayed EOI): few
		# of the notifications become interrupts
		if [ "$i" -ge 0 ] && [ $((($1 - i) * 20)) -lt "${n:-0}" ]; then
			ok "$name: dom0 interrupts bounded ($(($1 - i)) for $n notifications)"
		else
			not_ok "$name: dom0 interrupts bounded ($i -> $1 for ${n:-?} notifications)"
		fi
		shift
	done
	set -- $v1
	for i in $v0; do
		if [ "${1:-0}" -gt "${i:-0}" ]; then
			ok "$name: spurious events counted (+$(($1 - i)))"
		else
			not_ok "$name: spurious events counted ('$i' -> '$1')"
		fi
		shift
	done
	if grep -q "rc=0" $tf; then
		ok "$name: second guest's TCP to dom0 verifies during the storm"
	else
		not_ok "$name: second guest's TCP to dom0 verifies during the storm"
		diag "$(cat $tf)"
	fi
	is "$name: backend closed after the storm" "$(field closed "$out")" 1
	check "$name: no guest page left mapped" wait_for 10 mapped_zero
}

storm_case storm-single "" . tx_spurious_events
# split, with the one TX frame held back by a zero rate: the TX ring has
# unconsumed requests during the whole storm
xenstore-write "$be/rate" "0,50000"
storm_case storm-split NH_EVTCHN=split "-tx -rx" tx_spurious_events
xenstore-rm "$be/rate"
storm_case storm-sameport NH_EVTCHN=same . tx_spurious_events

# No feature-rx-notify, no RX buffer ever: dom0 sends to it for 8 s;
# frames expire after rx_drain_timeout_msecs (2 s) instead of piling up.
xenstore-rm "$fe/nh-phase" 2>/dev/null
gexec h1 "NH_RXNOTIFY=0 $NH 1 hold 30 >/run/hold.out 2>&1 &" >/dev/null
wait_for 40 phase_is hold
d0=$(vif_stat "$vif" rx_drain_drops)
l0=$(count_dmesg "$vif: queue 0: .* found no RX buffer within")
ip neigh replace 192.0.2.98 lladdr 00:16:3e:00:06:02 dev xenbr0
ping -c 400 -i 0.02 -s 1400 -W 1 192.0.2.98 >/dev/null 2>&1
q_end=$(sed -n 's/.* queued \([0-9]*\)$/\1/p' "/sys/class/net/$vif/xenpv/rings")
sleep 3
q_late=$(sed -n 's/.* queued \([0-9]*\)$/\1/p' "/sys/class/net/$vif/xenpv/rings")
d1=$(vif_stat "$vif" rx_drain_drops)
l1=$(count_dmesg "$vif: queue 0: .* found no RX buffer within")
ip neigh del 192.0.2.98 dev xenbr0 2>/dev/null
diag "nonotify: queued $q_end at the end of 8 s of pings, $q_late 3 s later; rx_drain_drops '$d0' -> '$d1'; $(grep MemFree /proc/meminfo)"
if [ "${q_end:-999}" -lt 200 ]; then
	ok "nonotify: queued frames bounded by the drain timeout ($q_end)"
else
	not_ok "nonotify: queued frames bounded by the drain timeout ('$q_end')"
fi
if [ "${d1:-0}" -gt "${d0:-0}" ]; then
	ok "nonotify: expired frames counted in rx_drain_drops (+$((d1 - d0)))"
else
	not_ok "nonotify: expired frames counted in rx_drain_drops ('$d0' -> '$d1')"
fi
if [ "$((l1 - l0))" -ge 1 ]; then
	ok "nonotify: drain drops logged"
else
	not_ok "nonotify: drain drops logged"
fi
wait_for 45 phase_is done
wait_for 20 be_state_is "$id" 1 6
is "nonotify: backend closed" "$(field closed "$(gexec h1 'cat /run/hold.out')")" 1
after_case nonotify

# extra-info chains: SC OKAY ERROR NULL REJECTED
xcase() {
	local sc=$1 out rej0 rej1
	rej0=$(vif_attr "$vif" tx_frame_rejected)
	out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 $sc")
	rej1=$(vif_attr "$vif" tx_frame_rejected)
	if [ "$(field connected "$out")" = 1 ] && [ "$(field okay "$out")" = "$2" ] &&
	   [ "$(field error "$out")" = "$3" ] && [ "$(field null "$out")" = "$4" ] &&
	   [ "$(field closed "$out")" = 1 ]; then
		ok "$sc: $2 okay, $3 error, $4 null responses"
	else
		not_ok "$sc: $2 okay, $3 error, $4 null responses"
		diag "nethostile: $(echo $out)"
	fi
	is "$sc: tx_frame_rejected +$5" "$((rej1 - rej0))" "$5"
	is "$sc: $vif still enabled" "$(vif_attr "$vif" disabled)" 0
	after_case "$sc"
}
xcase gsotype 0 1 1 1
xcase gsobig 1 0 1 0
xcase gsodup 0 1 2 1
xcase mcast 1 0 2 0
xcase extra5 0 1 5 1

n0=$(count_dmesg "extra info chain too long")
out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 extra6")
if [ "$(field connected "$out")" = 1 ] && [ "$(field responses "$out")" = 0 ] &&
   [ "$(field closed "$out")" = 1 ]; then
	ok "extra6: chain past the limit, no answer, backend still closes"
else
	not_ok "extra6: chain past the limit, no answer, backend still closes"
	diag "nethostile: $(echo $out)"
fi
is "extra6: one log line" "$(($(count_dmesg "extra info chain too long") - n0))" 1
after_case extra6

out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 fewqueues")
if [ "$(field backend_state "$out")" = 5 ] && [ "$(field closed "$out")" = 1 ]; then
	ok "fewqueues: $(field queues "$out") queues announced, one set up: refused, then closed"
else
	not_ok "fewqueues: refused (Closing), then closed"
	diag "nethostile: $(echo $out)"
fi
after_case fewqueues

out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 flap 5")
if [ "$(field connected "$out")" = 1 ] && [ "$(field flaps "$out")" = 5 ] &&
   [ "$(field closed "$out")" = 1 ]; then
	ok "flap: Connected/Closing/Connected 5 times during I/O, then closed"
else
	not_ok "flap: Connected/Closing/Connected 5 times during I/O, then closed"
	diag "nethostile: $(echo $out)"
fi
after_case flap

# rate= extremes, set while the hostile frontend is not connected
# rate_case RATE SCENARIO OKAY RESPONSES
rate_case() {
	local out
	xenstore-write "$be/rate" "$1"
	out=$(GEXEC_TIMEOUT=120 gexec h1 "$NH 1 $2")
	xenstore-rm "$be/rate"
	if [ "$(field connected "$out")" = 1 ] && [ "$(field okay "$out")" = "$3" ] &&
	   [ "$(field responses "$out")" = "$4" ] && [ "$(field closed "$out")" = 1 ]; then
		ok "rate=$1 $2: $3 okay of $4 responses, closed"
	else
		not_ok "rate=$1 $2: $3 okay of $4 responses, closed"
		diag "nethostile: $(echo $out)"
	fi
	after_case "rate=$1"
}
rate_case 0,50000 good 0 0
rate_case 18446744073709551615,1 "flood 200" 600 600
rate_case 1,1 good 1 1
rate_case 100000,4294967295 good 1 1

out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 good")
is "a well-behaved connection still works afterwards" "$(field okay "$out")" 1

guest_destroy h1
guest_destroy g2
wait_for 10 no_zombies
is "no zombie domain after destroy (all grants released)" "$(zombies)" 0
no_dom0_splat "no kernel warning in dom0" "$dmesg_start"
[ -n "$old_drain" ] && echo "$old_drain" >"$NBPARAM/rx_drain_timeout_msecs"
