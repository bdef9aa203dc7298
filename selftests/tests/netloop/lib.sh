# SPDX-License-Identifier: GPL-2.0
# Helpers of the netloop suite (sourced by its NN-*.sh scripts; not a test).

NL_KO=/xenpv/modules/xenpv_netloop.ko
NL_ADDR=192.0.2.1/24
NL_RUN=/run/xenpv/netloop
# the lab host may be busy: give guest commands time
export GEXEC_TIMEOUT=${GEXEC_TIMEOUT:-180}
mkdir -p "$NL_RUN"

nl_loaded() { [ -d /sys/module/xenpv_netloop ]; }

# nl_counter NAME [DEV]: one netloop counter from sysfs (default dev nl0)
nl_counter() { cat "/sys/class/net/${2:-nl0}/netloop/$1" 2>/dev/null || echo -1; }

# nl_attach: dom0's address moves from xenbr0 onto netloop's local end nl0,
# the bridged end nlbr0 joins xenbr0 (what the README tells users to do).
# xenbr0 keeps no address but would still answer ARP for 192.0.2.1 (Linux
# answers for any local address on any interface), and frames sent to its
# MAC would reach dom0's stack without crossing netloop: arp_ignore=1
# makes it answer only for its own addresses.
nl_attach() {
	ip addr del "$NL_ADDR" dev xenbr0 2>/dev/null
	echo 1 >/proc/sys/net/ipv4/conf/xenbr0/arp_ignore
	if [ -s "$NL_RUN/mtu" ]; then
		ip link set nlbr0 mtu "$(cat "$NL_RUN/mtu")"
		ip link set nl0 mtu "$(cat "$NL_RUN/mtu")"
	fi
	ip link set nlbr0 master xenbr0 &&
		ip link set nlbr0 up &&
		ip link set nl0 up &&
		ip addr add "$NL_ADDR" dev nl0
}

# nl_detach: back to the lab's default, dom0's address on the bridge.
nl_detach() {
	if [ -e /sys/class/net/nl0 ]; then
		ip addr del "$NL_ADDR" dev nl0 2>/dev/null
		ip link set nlbr0 nomaster 2>/dev/null
	fi
	ip addr show dev xenbr0 | grep -q "inet ${NL_ADDR%/*}/" ||
		ip addr add "$NL_ADDR" dev xenbr0
	echo 0 >/proc/sys/net/ipv4/conf/xenbr0/arp_ignore
}

# nl_flush_guests NAME...: forget dom0's old MAC in the guests' ARP caches
nl_flush_guests() {
	local g
	for g in "$@"; do
		gexec "$g" 'ip neigh flush dev eth0' >/dev/null
	done
}

nl_vif() { echo "vif$(guest_domid "$1").0"; }

# vif_mapped VIF: guest TX pages the backend holds for VIF right now.
#   xenpv_netback: its own counter (sysfs, see below)
#   xen-netback:   sum of nr_pending_reqs over the queues (debugfs); every
#                  pending TX request is a granted page not yet released.
vif_mapped() {
	local vif=$1 f n=0 v
	for f in /sys/class/net/"$vif"/xenpv/tx_mapped_pages; do
		[ -r "$f" ] && { cat "$f"; return 0; }
	done
	for f in /sys/kernel/debug/xen-netback/"$vif"/io_ring_q*; do
		[ -r "$f" ] || continue
		v=$(sed -n 's/.*nr_pending_reqs \([0-9]*\).*/\1/p' "$f" | head -n1)
		n=$((n + ${v:-0}))
	done
	[ -n "$(ls /sys/kernel/debug/xen-netback/"$vif"/io_ring_q* 2>/dev/null)" ] ||
		{ echo -1; return 1; }
	echo "$n"
}

vif_idle() { [ "$(vif_mapped "$1")" = 0 ]; }

# uptime_cs: time since boot in centiseconds
uptime_cs() { local u; read -r u _ </proc/uptime; u=${u/./}; echo $((10#$u)); }


# vif_mapped_bound VIF: the most the backend may hold (per the driver).
vif_mapped_bound() {
	local vif=$1 f q
	for f in /sys/class/net/"$vif"/xenpv/tx_mapped_pages_max; do
		[ -r "$f" ] && { cat "$f"; return 0; }
	done
	# xen-netback: MAX_PENDING_REQS (= TX ring size, 256) per queue
	q=$(ls /sys/kernel/debug/xen-netback/"$vif"/io_ring_q* 2>/dev/null | wc -l)
	echo $((256 * (q > 0 ? q : 1)))
}

# sampler VIF OUTFILE: every 0.1 s, one line "UPTIME_CS RX_PACKETS MAPPED"
# (RX_PACKETS: what dom0 received from the guest on VIF) until
# OUTFILE.stop exists.  Run in the background.
sampler() {
	local vif=$1 out=$2
	rm -f "$out.stop"
	: >"$out"
	while [ ! -e "$out.stop" ]; do
		echo "$(uptime_cs) $(cat /sys/class/net/"$vif"/statistics/rx_packets) $(vif_mapped "$vif")" >>"$out"
		sleep 0.1
	done
}

# sample_report FILE: "max=M samples=N settle=S" from a sampler file: the
# highest mapped count, and the centiseconds from the last sample where
# the guest's packets still arrived (end of the flood) to the first one
# from which on the count stays 0 (-1: never back to 0).
sample_report() {
	awk '
	{ t[NR] = $1; rx[NR] = $2; m[NR] = $3; if ($3 > max) max = $3 }
	END {
		last = 1
		for (i = 2; i <= NR; i++) if (rx[i] != rx[i - 1]) last = i
		zero = 0
		for (i = NR; i >= last; i--) { if (m[i] != 0) break; zero = i }
		settle = zero ? t[zero] - t[last] : -1
		if (settle < 0 && zero) settle = 0
		printf "max=%d samples=%d settle=%d\n", max, NR, settle
	}' "$1"
}

# kmsg_since MARK: kernel log lines after the line containing MARK
kmsg_mark() { echo "xenpv-netloop-test: $1" >/dev/kmsg; }
kmsg_since() { dmesg | sed -n "/xenpv-netloop-test: $1/,\$p"; }
kmsg_bad() {
	kmsg_since "$1" | grep -E "BUG|WARNING|Oops|general protection|refcount_t|waiting for .* to become free|leak|list_(add|del) corruption"
}

# nl_jumbo MTU GUEST...: MTU on the guests' eth0, their vifs, xenbr0 and
# both netloop ends.  xenpv_netback maps (zero copy) only frames with more
# than tx_map_min_bytes (2048) past the head: 1500-byte frames are copied
# by the backend itself and would never reach netloop as foreign pages.
nl_jumbo() {
	local mtu=$1 g
	shift
	echo "$mtu" >"$NL_RUN/mtu"
	for g in "$@"; do
		ip link set "$(nl_vif "$g")" mtu "$mtu" || return 1
		gexec "$g" "ip link set eth0 mtu $mtu" >/dev/null || return 1
	done
	if [ -e /sys/class/net/nl0 ]; then
		ip link set nlbr0 mtu "$mtu" && ip link set nl0 mtu "$mtu" || return 1
	fi
	ip link set xenbr0 mtu "$mtu"
}

nl_sums_match() {
	transfer_ok "${1#*|}" "${1%%|*}"
}

# flood_run MODE: the issue-5 scenario.  nlg1 floods UDP at full rate for
# FLOOD_SECS (30) to a dom0 socket (big SO_RCVBUF) whose reader is stopped;
# meanwhile nlg2 sends 4 MiB over TCP to dom0 and the vif's mapped-page
# count is sampled.  Datagrams are FLOOD_SIZE (8000) bytes, one jumbo frame
# each (see nl_jumbo), so that the backend maps them.  MODE names the setup (netloop: dom0's address on nl0;
# bridge: on xenbr0).  Emits TAP lines and writes the figures to
# $NL_RUN/flood-MODE.
flood_run() {
	local mode=$1 secs=${FLOOD_SECS:-30} vif bound rpid tpid spid fpid
	local fl s r t max settle c0 c1 q rep
	vif=$(nl_vif nlg1)
	bound=$(vif_mapped_bound "$vif")
	c0=$(nl_counter copied_frames)

	rm -f "$NL_RUN"/rdy-u "$NL_RUN"/rdy-t
	netflood udp-recv 5300 -b 33554432 -i 3 -m 900 -r "$NL_RUN/rdy-u" \
		>"$NL_RUN/urecv-$mode.out" 2>&1 &
	rpid=$!
	netflood tcp-recv 5301 -m 900 -r "$NL_RUN/rdy-t" >"$NL_RUN/trecv-$mode.out" 2>&1 &
	tpid=$!
	wait_for 10 test -e "$NL_RUN/rdy-u" && wait_for 10 test -e "$NL_RUN/rdy-t"
	kill -STOP "$rpid"
	sampler "$vif" "$NL_RUN/samp-$mode" &
	spid=$!

	( GEXEC_TIMEOUT=$((secs + 300)) gexec nlg1 \
		"netflood udp-send 192.0.2.1 5300 $secs ${FLOOD_SIZE:-8000}" >"$NL_RUN/flood-$mode.out" 2>&1 ) &
	fpid=$!
	# the flood is on once the stopped reader's queue fills
	wait_for 120 udp_queued 5300
	gexec nlg2 'rm -f /run/t.out; netflood tcp-send 192.0.2.1 5301 4194304 11 >/run/t.out 2>&1 &' >/dev/null
	wait_for 120 gexec nlg2 'test -e /run/t.out' ||
		diag "$mode: nlg2's TCP sender did not start"
	sleep $((secs / 3))
	q=$(awk '$2 ~ /:14B4$/ {print $5}' /proc/net/udp | head -n1)
	diag "$mode: mid-flood: reader's socket queue tx:rx ${q:-?} (hex bytes), $vif mapped now $(vif_mapped "$vif")"
	wait "$fpid"
	# keep sampling a little past the end of the flood
	sleep 2
	touch "$NL_RUN/samp-$mode.stop"
	wait "$spid"
	rep=$(sample_report "$NL_RUN/samp-$mode")
	max=$(field max "$rep")
	settle=$(field settle "$rep")
	fl=$(cat "$NL_RUN/flood-$mode.out")
	c1=$(nl_counter copied_frames)

	wait_for 300 gexec nlg2 'grep -q sent= /run/t.out'
	s=$(gexec nlg2 'cat /run/t.out')
	wait "$tpid"
	t="$(cat "$NL_RUN/trecv-$mode.out")|$s"

	kill -CONT "$rpid"
	wait "$rpid"
	r=$(cat "$NL_RUN/urecv-$mode.out")

	diag "$mode: flood: $fl"
	diag "$mode: reader after SIGCONT: $r"
	diag "$mode: TCP nlg2 -> dom0: $t"
	diag "$mode: $vif mapped pages: max $max (bound $bound, $(field samples "$rep") samples), back to 0 ${settle} cs after the guest's last frame"
	check "$mode: nlg1 flooded for ${secs} s" [ "$(field sent "$fl")" -gt 0 ]
	check "$mode: $vif mapped pages never above the bound ($max <= $bound)" \
		[ "$max" -ge 0 -a "$max" -le "$bound" ]
	check "$mode: mapped pages back to 0 within 1 s of the flood's end (${settle} cs)" \
		[ "$settle" -ge 0 -a "$settle" -le 100 ]
	check "$mode: nlg2's TCP transfer through the same bridge completes, checksums match" \
		nl_sums_match "$t"
	check "$mode: stopped reader, once resumed, reads queued datagrams" \
		[ "$(field received "$r")" -gt 0 ]
	is "$mode: every datagram read is well-formed" "$(field bad "$r")" 0
	{
		echo "sent=$(field sent "$fl") received=$(field received "$r")"
		echo "drops=$(field drops "$r") bad=$(field bad "$r")"
		echo "maxmapped=$max bound=$bound settle_cs=$settle"
		echo "tcp_secs=$(field secs "${t%%|*}") tcp_ok=$(nl_sums_match "$t" && echo yes || echo no)"
		echo "copied=$((c1 - c0))"
	} | tr '\n' ' ' >"$NL_RUN/flood-$mode"
}

# udp_queued PORT: the socket bound to PORT has bytes waiting
udp_queued() {
	local q
	q=$(awk -v p="$(printf ':%04X' "$1")" '$2 ~ p"$" {split($5, a, ":"); print a[2]}' /proc/net/udp | head -n1)
	[ -n "$q" ] && [ "$((16#$q))" -gt 0 ]
}
