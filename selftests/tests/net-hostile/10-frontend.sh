# SPDX-License-Identifier: GPL-2.0
# A hostile frontend: guest h1 has two vifs; eth0 keeps its normal
# frontend, the second one is taken over by nethostile (guest userspace)
# which puts malformed requests on the TX ring.  Malformed frames must be
# answered with errors and counted, a ring that cannot be trusted must
# disable that vif with one log line, and dom0, the other vif and the
# mapping accounting must not notice.  After every case a second guest's
# TCP transfer to dom0 verifies and no guest page is left mapped.
. /xenpv/tests/net-hostile/lib.sh

dmesg_start=$(dmesg_lines)
if [ "$XENPV_NETBACK" = xenpv ]; then
	# small bound, so that a burst of large frames must hit it
	echo 8 >"$NBPARAM/max_mapped_pages"
fi
# one vif at creation (the hotplug script is slow under TCG), the one to
# take over attached afterwards
if ! guest_create h1 disk=none "vif='mac=00:16:3e:00:01:01,bridge=xenbr0'" ||
   ! timeout 120 $XL network-attach h1 mac=00:16:3e:00:01:02 bridge=xenbr0; then
	not_ok "guest h1 boots with two vifs"
	return
fi
ok "guest h1 boots with two vifs"
if ! guest_create g2 disk=none; then
	not_ok "second guest g2 boots"
	guest_destroy h1
	return
fi
ok "second guest g2 boots"
og_port=5800
# after_case NAME: the second guest's traffic verifies, nothing is left
# mapped (once its frames are released)
after_case() {
	og_port=$((og_port + 1))
	check "$1: second guest's TCP to dom0 verifies" other_guest_tcp g2 $og_port
	if nb_xenpv; then
		check "$1: no guest page left mapped" wait_for 10 mapped_zero
	fi
}
id=$(guest_domid h1)
vif=vif$id.1
wait_for 20 be_state_is "$id" 1 4
is "backend $vif connected to the kernel frontend" \
	"$(backend_state "$id" vif 1)" 4

gexec h1 'modprobe xen-gntalloc; modprobe xen-evtchn
	d=$(readlink -f /sys/bus/xen/devices/vif-1/driver) && echo vif-1 >$d/unbind' >/dev/null
wait_for 20 be_state_is "$id" 1 6
is "kernel frontend unbound, backend $vif closed" \
	"$(backend_state "$id" vif 1)" 6

# scenario EXPECT_OKAY EXPECT_ERROR EXPECT_NULL
drop_case() {
	local sc=$1 eok=$2 eerr=$3 enull=$4 out rej0 rej1
	rej0=$(vif_attr "$vif" tx_frame_rejected)
	out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 $sc")
	rej1=$(vif_attr "$vif" tx_frame_rejected)
	if [ "$(field connected "$out")" = 1 ] &&
	   [ "$(field okay "$out")" = "$eok" ] &&
	   [ "$(field error "$out")" = "$eerr" ] &&
	   [ "$(field null "$out")" = "$enull" ] &&
	   [ "$(field closed "$out")" = 1 ]; then
		ok "$sc: $eok okay, $eerr error, $enull null responses"
	else
		not_ok "$sc: $eok okay, $eerr error, $enull null responses"
		diag "nethostile: $(echo $out)"
	fi
	if nb_xenpv; then
		local want=$((rej0 + $5))
		is "$sc: tx_frame_rejected +$5" "$rej1" "$want"
		is "$sc: $vif still enabled" "$(vif_attr "$vif" disabled)" 0
	fi
	after_case "$sc"
}

drop_case good 1 0 0 0
drop_case size0 0 1 0 1
drop_case short 0 1 0 1
drop_case cross 0 1 0 1
drop_case slots19 0 19 0 1
drop_case sumbig 0 2 0 1
drop_case badgref 0 1 0 1
drop_case gso0 0 1 1 1
drop_case mixed 2 2 0 2

fatal_case() {
	local sc=$1 out n0 n1
	n0=$(count_dmesg "vif disabled until the frontend reconnects")
	out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 $sc")
	n1=$(count_dmesg "vif disabled until the frontend reconnects")
	if [ "$(field connected "$out")" = 1 ] &&
	   [ "$(field responses "$out")" = 0 ] &&
	   [ "$(field closed "$out")" = 1 ]; then
		ok "$sc: no answer on an untrusted ring, backend still closes"
	else
		not_ok "$sc: no answer on an untrusted ring, backend still closes"
		diag "nethostile: $(echo $out)"
	fi
	if nb_xenpv; then
		is "$sc: exactly one log line" "$((n1 - n0))" 1
		is "$sc: $vif disabled" "$(vif_attr "$vif" disabled)" 1
	fi
	after_case "$sc"
}

fatal_case badextra
fatal_case prodahead
fatal_case slots21
fatal_case runaway

# XenBus misbehaviour: refused with Closing, then a clean close
for sc in nokeys junkstate badring; do
	out=$(GEXEC_TIMEOUT=90 gexec h1 "$NH 1 $sc")
	if [ "$(field initwait "$out")" = 1 ] &&
	   [ "$(field backend_state "$out")" = 5 ] &&
	   [ "$(field closed "$out")" = 1 ]; then
		ok "$sc: backend refuses (Closing), then closes"
	else
		not_ok "$sc: backend refuses (Closing), then closes"
		diag "nethostile: $(echo $out)"
	fi
	after_case "$sc"
done

drop_case good 1 0 0 0

check "the other vif still works: guest pings dom0" \
	gexec h1 "ping -c 2 -W 5 $DOM0_IP"

# A burst of large valid frames: mapped when possible, never more pages
# mapped at once than the bound, copied past it.
sampler=
rm -f /run/xenpv/nh.stop
if nb_xenpv; then
	peak_f=/run/xenpv/nh.peak
	echo 0 >$peak_f
	(
		end=$(($(date +%s) + 120))
		while [ "$(date +%s)" -lt $end ] && [ ! -e /run/xenpv/nh.stop ]; do
			v=$(vif_attr "$vif" tx_mapped_pages)
			[ "${v:-0}" -gt "$(cat $peak_f)" ] && echo "$v" >$peak_f
			sleep 0.05
		done
	) &
	sampler=$!
fi
zc0=$(vif_stat "$vif" tx_zerocopy_sent)
out=$(GEXEC_TIMEOUT=200 gexec h1 "$NH 1 flood 3000")
touch /run/xenpv/nh.stop
[ -n "$sampler" ] && wait "$sampler"
frames=$(field frames "$out")
if [ "$(field okay "$out")" = $((3 * ${frames:-0})) ] &&
   [ "$(field error "$out")" = 0 ] && [ "${frames:-0}" = 3000 ]; then
	ok "flood: 3000 three-slot frames all answered okay"
else
	not_ok "flood: 3000 three-slot frames all answered okay"
	diag "nethostile: $(echo $out)"
fi
if nb_xenpv; then
	zc1=$(vif_stat "$vif" tx_zerocopy_sent)
	fb=$(vif_stat "$vif" tx_map_fallback)
	peak=$(cat $peak_f)
	max=$(vif_attr "$vif" tx_mapped_pages_max)
	is "tx_mapped_pages_max is the bound set (max_mapped_pages=8)" "$max" 8
	if [ "$((zc1 - zc0))" -gt 0 ] && [ "${fb:-0}" -gt 0 ]; then
		ok "flood: $((zc1 - zc0)) frames mapped, $fb copied past the bound"
	else
		not_ok "flood: frames both mapped and copied (sent $zc0->$zc1, fallback $fb)"
	fi
	if [ "$peak" -le "$max" ]; then
		ok "flood: peak tx_mapped_pages $peak <= bound $max"
	else
		not_ok "flood: peak tx_mapped_pages $peak <= bound $max"
	fi
	wait_for 10 mapped_zero
	is "no guest page left mapped after the flood" "$(mapped_total)" 0
	echo 256 >"$NBPARAM/max_mapped_pages"
fi

guest_destroy h1
guest_destroy g2
wait_for 10 no_zombies
is "no zombie domain after destroy (all grants released)" "$(zombies)" 0
no_dom0_splat "no kernel warning in dom0" "$dmesg_start"
