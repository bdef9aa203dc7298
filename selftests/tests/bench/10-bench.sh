# SPDX-License-Identifier: GPL-2.0
# `make bench`: the same workloads for dom0 natively, the in-tree pair and
# the xenpv pair (where both xenpv ends drive devices), in one lab run so
# the ratios compare like with like.  Figures are `# BENCH` lines that
# selftests/bench/bench.sh turns into the table; the TAP lines only say
# that each workload ran and moved data.
B=/xenpv/bin/xpvbench
SECS=${BENCH_SECS:-5}
img=/run/xenpv/bench.img

bench() { # bench PAIR KEY UNIT VALUE
	echo "# BENCH $1 $2 $3 $4"
}

value_of() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

# xenpv.benchonly=W1:W2 (--arg benchonly=W1,W2): only these workloads (names
# or shell patterns, e.g. rand-*; balloon for both balloon figures; all when
# unset), for a quick look;
# xenpv.benchrepeat=N runs tcp-to-dom0 N times (N figures for the median).
only=$(lab_arg benchonly)
repeat=$(lab_arg benchrepeat)
wanted() { # wanted WORKLOAD
	local p
	[ -z "$only" ] && return 0
	for p in ${only//[,:]/ }; do
		# shellcheck disable=SC2254 # a pattern on purpose
		case $1 in $p) return 0 ;; esac
	done
	return 1
}

# tx_snap VIF GUEST: the counters that explain the guest's transmit path,
# NAME VALUE a line: the vif's ethtool -S (xenpv_netback has all of them,
# the in-tree netback mainline's few), its netdev rx bytes/frames, and the
# interrupts of its TX (or shared) ports in dom0 and in the guest, summed
# over queues and CPUs.
irq_sum() { # irq_sum NAME-PREFIX <interrupts: that device's TX irqs
	awk -v p="$1" '$NF ~ "^" p "-q[0-9]+(-tx)?$" {
		for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
		END { print s + 0 }'
}
tx_snap() {
	ethtool -S "$1" 2>/dev/null | awk -F: 'NR > 1 { gsub(/ /, ""); print $1, $2 }'
	echo "rx_bytes $(cat "/sys/class/net/$1/statistics/rx_bytes")"
	echo "rx_packets $(cat "/sys/class/net/$1/statistics/rx_packets")"
	echo "dom0_tx_irqs $(irq_sum "$1" </proc/interrupts)"
	# xenpv_netfront names its irqs eth0-qN-tx, the in-tree one vif0-qN-tx
	echo "guest_tx_irqs $(gexec "$2" "grep -E '(eth0|vif0)-q[0-9]+(-tx)?\$' /proc/interrupts" |
		irq_sum '(eth0|vif0)')"
}

# tx_figures PAIR BEFORE AFTER: the guest-to-dom0 row's counters per MiB or
# per frame, one BENCH line each (a counter the driver lacks gives none).
# The irq rows come from /proc/interrupts, the same way for both pairs.
tx_figures() {
	local k u v
	awk 'NR == FNR { a[$1] = $2; next } { d[$1] = $2 - a[$1]; have[$1] = 1 }
	function out(key, unit, num, den) {
		if ((num in have) && (den in have) && d[den] > 0)
			printf "tcp-to-dom0:%s%s %s %.4g\n", key,
				unit == "share" ? "" : "/" unit,
				unit == "share" ? unit : "per-" unit, d[num] / d[den]
	}
	END {
		d["mib"] = d["rx_bytes"] / 1048576; have["mib"] = 1
		d["copy_map_bytes"] = d["tx_copy_bytes"] + d["tx_map_bytes"]
		if ("tx_copy_bytes" in have) have["copy_map_bytes"] = 1
		out("frames", "MiB", "rx_packets", "mib")
		out("dom0-tx-irqs", "MiB", "dom0_tx_irqs", "mib")
		out("guest-tx-irqs", "MiB", "guest_tx_irqs", "mib")
		out("tx_events", "MiB", "tx_events", "mib")
		out("tx_spurious_events", "MiB", "tx_spurious_events", "mib")
		out("tx_notifies", "MiB", "tx_notifies", "mib")
		out("tx_responses", "notify", "tx_responses", "tx_notifies")
		out("tx_rsp_pushes", "frame", "tx_rsp_pushes", "rx_packets")
		out("frames", "poll", "rx_packets", "tx_polls")
		out("frames", "batch", "rx_packets", "tx_batches")
		out("tx_copy_ops", "frame", "tx_copy_ops", "rx_packets")
		out("tx_copy_batches", "MiB", "tx_copy_batches", "mib")
		out("tx_map_ops", "frame", "tx_map_ops", "rx_packets")
		out("tx_map_batches", "MiB", "tx_map_batches", "mib")
		out("tx_unmap_batches", "MiB", "tx_unmap_batches", "mib")
		out("tx_zerocopy_sent", "frame", "tx_zerocopy_sent", "rx_packets")
		out("copied-bytes", "share", "tx_copy_bytes", "copy_map_bytes")
	}' "$2" "$3" | while read -r k u v; do
		bench "$1" "$k" "$u" "$v"
	done
}

# xenpv.benchab=PARAM or PARAM=VALUE: after each xenpv tcp-to-dom0 run, the
# same with xenpv_netback's PARAM set to VALUE (Y when none given; figures
# under the pair xenpv+PARAM or xenpv+PARAM=VALUE, not in the table: a
# side-by-side look at one change in the same boot), then set back.
ab=$(lab_arg benchab)
ab_to_dom0() {
	local p=/sys/module/xenpv_netback/parameters/${ab%%=*} v=Y old
	[ "$ab" != "${ab#*=}" ] && v=${ab#*=}
	[ -w "$p" ] || { not_ok "bench: xenpv_netback has a parameter ${ab%%=*}"; return; }
	old=$(cat "$p")
	echo "$v" >"$p"
	to_dom0 xenpv "xenpv+$ab"
	echo "$old" >"$p"
}

# to_dom0 PAIR [LABEL]: guest -> dom0 TCP, with the counters of the TX path.
to_dom0() {
	local pair=$1 label=${2:-$1} vif v
	vif=vif$(guest_domid "b$pair").0
	tx_snap "$vif" "b$pair" >/run/xenpv/tx0
	$B tcp-recv 5002 >/run/xenpv/rx.out 2>&1 &
	gexec "b$pair" "$B tcp-send 192.0.2.1 5002 $SECS" >/dev/null
	wait
	tx_snap "$vif" "b$pair" >/run/xenpv/tx1
	v=$(value_of mbps </run/xenpv/rx.out)
	[ -n "$v" ] && ok "bench $label tcp-to-dom0 ran" || not_ok "bench $label tcp-to-dom0 ran"
	bench "$label" tcp-to-dom0 MB/s "$v"
	tx_figures "$label" /run/xenpv/tx0 /run/xenpv/tx1
	diag "$label $vif counters moved:" \
		"$(awk 'NR == FNR { a[$1] = $2; next } $2 != a[$1] { printf "%s=%d ", $1, $2 - a[$1] }' \
			/run/xenpv/tx0 /run/xenpv/tx1)"
}

disk_workloads() { # disk_workloads PAIR RUNNER DEV
	local pair=$1 run=$2 dev=$3 w out
	for w in "read 1048576 1 seq-read-1M MB/s mbps" \
		 "write 1048576 1 seq-write-1M MB/s mbps" \
		 "randread 4096 1 rand-read-4k-qd1 IOPS iops" \
		 "randwrite 4096 1 rand-write-4k-qd1 IOPS iops" \
		 "randread 4096 32 rand-read-4k-qd32 IOPS iops" \
		 "randwrite 4096 32 rand-write-4k-qd32 IOPS iops"; do
		set -- $w
		wanted "$4" || continue
		out=$($run "$B disk $dev $1 $2 $3 $SECS")
		if [ -n "$(echo "$out" | value_of "$6")" ]; then
			ok "bench $pair $4 ran"
			bench "$pair" "$4" "$5" "$(echo "$out" | value_of "$6")"
		else
			not_ok "bench $pair $4 ran"
			diag "$out"
		fi
	done
}

in_dom0() { sh -c "$1" 2>&1; }

load_backends() { # load_backends xenpv|intree
	local m
	# one at a time: busybox rmmod stops at the first module not loaded
	for m in xen_blkback xen_netback xenpv_blkback xenpv_netback; do
		rmmod "$m" 2>/dev/null
	done
	# and only that pair's drivers registered: xenbus gives a new device
	# to the first driver registered for its type
	local d=/sys/bus/xen-backend/drivers
	if [ "$1" = xenpv ]; then
		insmod /xenpv/modules/xenpv_blkback.ko &&
			insmod /xenpv/modules/xenpv_netback.ko &&
			[ ! -e $d/vbd ] && [ ! -e $d/vif ]
	else
		modprobe xen-blkback && modprobe xen-netback &&
			[ ! -e $d/xenpv_blkback ] && [ ! -e $d/xenpv_netback ]
	fi
}

# guest_to_guest PAIR: a second guest of the pair receives from the first
# through the bridge.
guest_to_guest() {
	local pair=$1 g2=c$1 ip2 v
	if ! guest_create "$g2" disk=none \
		extra="xenpv.blkfront=$pair xenpv.netfront=$pair"; then
		not_ok "bench $pair: second guest boots"
		return
	fi
	ip2=$(guest_ip "$g2")
	gexec "$g2" "$B tcp-recv 5004 >/run/rx.out 2>&1 &" >/dev/null
	gexec "b$pair" "$B tcp-send $ip2 5004 $SECS" >/dev/null
	sleep 1
	v=$(gexec "$g2" 'cat /run/rx.out' | value_of mbps)
	[ -n "$v" ] && ok "bench $pair tcp-guest-to-guest ran" ||
		not_ok "bench $pair tcp-guest-to-guest ran"
	bench "$pair" tcp-guest-to-guest MB/s "$v"
	guest_destroy "$g2"
}

# through_netloop PAIR: guest -> dom0 TCP with dom0's address on
# xenpv_netloop's local end, and how many frames netloop had to copy.
through_netloop() (
	# a subshell: lib.sh brings its own helpers and settings
	local pair=$1 c0 p0 c1 p1 v
	. /xenpv/tests/netloop/lib.sh
	insmod "$NL_KO" || { not_ok "bench $pair: xenpv_netloop loads"; return; }
	nl_attach
	nl_flush_guests "b$pair"
	c0=$(nl_counter copied_frames) p0=$(nl_counter passed_frames)
	$B tcp-recv 5005 >/run/xenpv/rx.out 2>&1 &
	gexec "b$pair" "$B tcp-send 192.0.2.1 5005 $SECS" >/dev/null
	wait
	c1=$(nl_counter copied_frames) p1=$(nl_counter passed_frames)
	v=$(value_of mbps </run/xenpv/rx.out)
	[ -n "$v" ] && ok "bench $pair tcp-to-dom0 through netloop ran" ||
		not_ok "bench $pair tcp-to-dom0 through netloop ran"
	bench "$pair" tcp-to-dom0-netloop MB/s "$v"
	[ $((c1 - c0 + p1 - p0)) -gt 0 ] &&
		bench "$pair" netloop-copies-per-frame ratio \
			"$(awk -v c=$((c1 - c0)) -v p=$((p1 - p0)) 'BEGIN { printf "%.2f", c / (c + p) }')"
	nl_detach
	nl_flush_guests "b$pair"
	rmmod xenpv_netloop
)

# mem_wait NAME MIB: seconds until xl list shows NAME within 1 MiB of MIB
mem_wait() {
	local t0 t1 i=0
	read -r t0 _ </proc/uptime
	until $XL list "$1" | awk -v m="$2" 'NR == 2 { d = $3 - m; exit !(d <= 1 && d >= -1) }'; do
		i=$((i + 1))
		[ $i -gt 1800 ] && return 1
		sleep 0.1
	done
	read -r t1 _ </proc/uptime
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

# balloon_bench: release and reclaim 128 MiB, the in-tree balloon of the
# stock kernel against xenpv_balloon in the nobal kernel (only when the lab
# runs with --guest-kernel nobal, which brings that kernel).
balloon_bench() (
	# a subshell: lib.sh brings its own helpers
	local kind name t step
	for kind in intree xenpv; do
		name=m$kind
		if [ $kind = xenpv ]; then
			[ -f /boot/vmlinux-nobal ] || { diag "no nobal guest kernel: no xenpv balloon figures"; return; }
			. /xenpv/tests/balloon/lib.sh
			bal_guest "$name" memory=256 && bal_load "$name" >/dev/null ||
				{ not_ok "bench balloon $kind: guest and driver"; continue; }
		else
			guest_create "$name" memory=256 disk=none vif=none ||
				{ not_ok "bench balloon $kind: guest boots"; continue; }
		fi
		for step in 128:release 256:reclaim; do
			$XL mem-set "$name" "${step%:*}m"
			if t=$(mem_wait "$name" "${step%:*}"); then
				ok "bench balloon $kind ${step#*:} ran"
				bench "$kind" "balloon-${step#*:}-128M" s "$t"
			else
				not_ok "bench balloon $kind ${step#*:} ran"
			fi
		done
		guest_destroy "$name"
	done
)

# bench.sh passes xenpv.benchpairs=intree+xenpv once all four xenpv
# drivers drive devices.
pairs=$(lab_arg benchpairs | tr + ' ')
pairs=${pairs:-intree}

# --- dom0 native: the same image through a loop device, TCP over veth ---
rm -f "$img"
dd if=/dev/zero of="$img" bs=1M count=256 2>/dev/null
loop=$(losetup -f --show "$img")
disk_workloads native in_dom0 "$loop"
losetup -d "$loop"
ip netns add bn 2>/dev/null
ip link add bv0 type veth peer name bv1
ip link set bv1 netns bn
ip addr add 198.51.100.1/24 dev bv0
ip link set bv0 up
ip netns exec bn ip addr add 198.51.100.2/24 dev bv1
ip netns exec bn ip link set bv1 up
ip netns exec bn ip link set lo up
if wanted tcp-to-dom0 || wanted tcp-from-dom0; then
	ip netns exec bn $B tcp-recv 5001 >/run/xenpv/rx.out 2>&1 &
	out=$($B tcp-send 198.51.100.2 5001 $SECS 2>&1)
	wait
	v=$(value_of mbps </run/xenpv/rx.out)
	if [ -n "$v" ]; then
		ok "bench native tcp over veth ran"
		wanted tcp-to-dom0 && bench native tcp-to-dom0 MB/s "$v"
		wanted tcp-from-dom0 && bench native tcp-from-dom0 MB/s "$v"
	else
		not_ok "bench native tcp over veth ran"
		diag "$out $(cat /run/xenpv/rx.out)"
	fi
fi
if wanted ping-rtt; then
	rtt=$(ip netns exec bn ping -c 20 -i 0.2 198.51.100.1 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
	[ -n "$rtt" ] && bench native ping-rtt ms "$rtt"
fi
ip link del bv0
ip netns del bn

# --- guests: each pair in turn ---
for pair in $pairs; do
	load_backends "$pair" || { not_ok "bench $pair: backends load"; continue; }
	rm -f "$img"
	dd if=/dev/zero of="$img" bs=1M count=256 2>/dev/null
	if ! guest_create "b$pair" extra="xenpv.blkfront=$pair xenpv.netfront=$pair" \
		disk="'format=raw, vdev=xvda, access=rw, target=$img'"; then
		not_ok "bench $pair: guest boots"
		continue
	fi
	in_guest() { gexec "b$pair" "$1"; }
	disk_workloads "$pair" in_guest /dev/xvda
	gip=$(guest_ip "b$pair")
	if wanted tcp-to-dom0; then
		for r in $(seq 1 "${repeat:-1}"); do
			to_dom0 "$pair"
			[ "$pair" = xenpv ] && [ -n "$ab" ] && ab_to_dom0
		done
	fi
	if wanted tcp-from-dom0; then
		gexec "b$pair" "$B tcp-recv 5003 >/run/rx.out 2>&1 &" >/dev/null
		$B tcp-send "$gip" 5003 $SECS >/dev/null 2>&1
		sleep 1
		v=$(gexec "b$pair" 'cat /run/rx.out' | value_of mbps)
		[ -n "$v" ] && ok "bench $pair tcp-from-dom0 ran" || not_ok "bench $pair tcp-from-dom0 ran"
		bench "$pair" tcp-from-dom0 MB/s "$v"
	fi
	if wanted ping-rtt; then
		rtt=$(ping -c 20 -i 0.2 "$gip" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
		[ -n "$rtt" ] && bench "$pair" ping-rtt ms "$rtt"
	fi
	if wanted tcp-guest-to-guest; then
		guest_to_guest "$pair"
	fi
	if wanted tcp-to-dom0-netloop; then
		through_netloop "$pair"
	fi
	guest_destroy "b$pair"
done

if wanted balloon; then
	balloon_bench
fi
