# SPDX-License-Identifier: GPL-2.0
# Helpers of the net suite, sourced by its tests (no TAP output here).
# netflood (selftests/tools/netflood) moves and checksums the data.

NF=/xenpv/bin/netflood
DOM0_IP=192.0.2.1

# guest_ip NAME: the guest's IPv4 address on eth0.
guest_ip() {
	gexec "$1" "ip -4 addr show eth0" |
		sed -n 's/.*inet \([0-9.]*\).*/\1/p' | head -n1
}

# tcp_to_dom0 GUEST PORT BYTES SEED: guest sends, dom0 receives.  Prints
# "SENDER_LINE|RECEIVER_LINE".
tcp_to_dom0() {
	local g=$1 port=$2 bytes=$3 seed=$4 rf=/run/xenpv/tcp.$2 snd rcv
	rm -f "$rf.ready" "$rf.out"
	$NF tcp-recv "$port" -m 300 -r "$rf.ready" >"$rf.out" 2>&1 &
	local pid=$!
	wait_for 10 test -e "$rf.ready"
	snd=$(GEXEC_TIMEOUT=300 gexec "$g" "$NF tcp-send $DOM0_IP $port $bytes $seed")
	wait "$pid"
	rcv=$(cat "$rf.out")
	echo "$snd|$rcv"
}

# tcp_from_dom0 GUEST GUEST_IP PORT BYTES SEED: dom0 sends, guest receives.
tcp_from_dom0() {
	local g=$1 gip=$2 port=$3 bytes=$4 seed=$5 rf=/run/tcp.$3 snd rcv
	gexec "$g" "rm -f $rf.ready $rf.out; $NF tcp-recv $port -m 300 -r $rf.ready >$rf.out 2>&1 &" >/dev/null
	wait_for 20 gexec "$g" "test -e $rf.ready"
	snd=$(timeout 300 $NF tcp-send "$gip" "$port" "$bytes" "$seed" 2>&1)
	wait_for 60 gexec "$g" "grep -q received= $rf.out"
	rcv=$(gexec "$g" "cat $rf.out")
	echo "$snd|$rcv"
}

# tcp_ok DESC BYTES RESULT: the transfer moved BYTES with equal checksums.
tcp_ok() {
	local desc=$1 bytes=$2 snd=${3%%|*} rcv=${3#*|}
	if transfer_ok "$snd" "$rcv" "$bytes"; then
		ok "$desc ($bytes bytes, sum $(field sum "$snd"), $(field secs "$snd") s)"
	else
		not_ok "$desc"
		diag "sender:   $snd"
		diag "receiver: $rcv"
		return 1
	fi
}

# vif_diag GUEST: both ends of the guest's vif 0, for a transfer that
# failed: the backend's ring indices and counters, the frontend's.
vif_diag() {
	local id
	id=$(guest_domid "$1") || return 0
	diag "--- vif$id.0 rings (q: prod/cons, rsp pvt/shared, req/rsp event)"
	sed 's/^/#   /' "/sys/class/net/vif$id.0/xenpv/rings" 2>/dev/null
	diag "--- ethtool -S vif$id.0 (non-zero)"
	ethtool -S "vif$id.0" 2>&1 | grep -v ': 0$' | sed 's/^/#   /'
	diag "--- guest: ethtool -S eth0 (non-zero), xen interrupts"
	gexec "$1" "ethtool -S eth0 | grep -v ': 0\$'; grep -i xen /proc/interrupts" |
		sed 's/^/#   /'
}

# nf_stat GUEST NAME: one ethtool -S counter of the guest's eth0.
nf_stat() {
	gexec "$1" "ethtool -S eth0" | sed -n "s/^ *$2: *//p"
}

# ensure_guest NAME [key=value...]: reuse a running guest or create it.
ensure_guest() {
	guest_domid "$1" >/dev/null 2>&1 && return 0
	guest_create "$@"
}

# par_to_dom0 GUEST N BYTES BASEPORT: N parallel TCP flows guest -> dom0.
# ok/not_ok per flow on checksums.
par_to_dom0() {
	local g=$1 n=$2 bytes=$3 base=$4 i pids="" cmd="" rf snd rcv
	for i in $(seq 1 "$n"); do
		rf=/run/xenpv/ptd.$i
		rm -f "$rf.ready" "$rf.out"
		$NF tcp-recv $((base + i)) -m 300 -r "$rf.ready" >"$rf.out" 2>&1 &
		pids="$pids $!"
		cmd="$cmd $NF tcp-send $DOM0_IP $((base + i)) $bytes $i >/run/pts.$i 2>&1 &"
	done
	for i in $(seq 1 "$n"); do
		wait_for 10 test -e "/run/xenpv/ptd.$i.ready"
	done
	GEXEC_TIMEOUT=300 gexec "$g" "$cmd wait" >/dev/null
	# shellcheck disable=SC2086
	wait $pids
	for i in $(seq 1 "$n"); do
		snd=$(gexec "$g" "cat /run/pts.$i")
		rcv=$(cat "/run/xenpv/ptd.$i.out")
		tcp_ok "flow $i of $n guest -> dom0" "$bytes" "$snd|$rcv"
	done
}

# par_from_dom0 GUEST GUEST_IP N BYTES BASEPORT: N flows dom0 -> guest.
par_from_dom0() {
	local g=$1 gip=$2 n=$3 bytes=$4 base=$5 i pids="" cmd="" snd rcv
	for i in $(seq 1 "$n"); do
		cmd="$cmd rm -f /run/pfr.$i.ready; $NF tcp-recv $((base + i)) -m 300 -r /run/pfr.$i.ready >/run/pfr.$i.out 2>&1 &"
	done
	gexec "$g" "$cmd" >/dev/null
	for i in $(seq 1 "$n"); do
		wait_for 20 gexec "$g" "test -e /run/pfr.$i.ready"
	done
	for i in $(seq 1 "$n"); do
		timeout 300 $NF tcp-send "$gip" $((base + i)) "$bytes" $((i + 50)) \
			>"/run/xenpv/pfs.$i" 2>&1 &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	for i in $(seq 1 "$n"); do
		wait_for 60 gexec "$g" "grep -q received= /run/pfr.$i.out"
		snd=$(cat "/run/xenpv/pfs.$i")
		rcv=$(gexec "$g" "cat /run/pfr.$i.out")
		tcp_ok "flow $i of $n dom0 -> guest" "$bytes" "$snd|$rcv"
	done
}

# irq_count GUEST PATTERN: interrupts of the guest's IRQ lines matching
# PATTERN (all CPUs added up).
irq_count() {
	gexec "$1" "grep -E '$2' /proc/interrupts" | awk '
		{ for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i }
		END { print s + 0 }'
}

# guest_clean GUEST: the guest log shows no oops, BUG or warning splat.
guest_clean() {
	local n
	n=$(gexec "$1" "dmesg | grep -cE 'BUG:|Oops|WARNING:|general protection|Call Trace'")
	[ "$n" = 0 ] && return 0
	gexec "$1" "dmesg | grep -E -A5 'BUG:|Oops|WARNING:|general protection' | head -n 30"
	return 1
}

# xc_to_dom0 GUEST DOM0_ADDR PORT BYTES SEED / xc_from_dom0 GUEST GUEST_ADDR
# PORT BYTES SEED: like tcp_to_dom0/tcp_from_dom0 with xnfcat (v4 or v6).
XC=/xenpv/bin/xnfcat
xc_to_dom0() {
	local g=$1 addr=$2 port=$3 bytes=$4 seed=$5 rf=/run/xenpv/xc.$3 snd
	rm -f "$rf.ready"
	$XC recv "$port" -m 300 -r "$rf.ready" >"$rf.out" 2>&1 &
	local pid=$!
	wait_for 10 test -e "$rf.ready"
	snd=$(GEXEC_TIMEOUT=300 gexec "$g" "$XC send $addr $port $bytes $seed")
	wait "$pid"
	echo "$snd|$(cat "$rf.out")"
}
xc_from_dom0() {
	local g=$1 addr=$2 port=$3 bytes=$4 seed=$5 rf=/run/xc.$3 snd
	gexec "$g" "rm -f $rf.ready; $XC recv $port -m 300 -r $rf.ready >$rf.out 2>&1 &" >/dev/null
	wait_for 20 gexec "$g" "test -e $rf.ready"
	snd=$(timeout 300 $XC send "$addr" "$port" "$bytes" "$seed" 2>&1)
	wait_for 60 gexec "$g" "grep -q received= $rf.out"
	echo "$snd|$(gexec "$g" "cat $rf.out")"
}
