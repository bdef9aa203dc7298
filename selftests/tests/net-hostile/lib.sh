# SPDX-License-Identifier: GPL-2.0
# Helpers of the net-hostile and net-teardown suites (no TAP output here).

NH=/xenpv/bin/nethostile
NF=/xenpv/bin/netflood
DOM0_IP=192.0.2.1
NBPARAM=/sys/module/xenpv_netback/parameters

nb_xenpv() { [ "$XENPV_NETBACK" = xenpv ]; }

# vif_attr VIF NAME: one of xenpv_netback's per-vif sysfs values.
vif_attr() { cat "/sys/class/net/$1/xenpv/$2" 2>/dev/null; }

# vif_stat VIF NAME: one ethtool -S counter of a vif in dom0.
vif_stat() { ethtool -S "$1" 2>/dev/null | sed -n "s/^ *$2: *//p"; }

mapped_total() { cat "$NBPARAM/mapped_pages" 2>/dev/null; }

mapped_zero() { [ "$(mapped_total)" = 0 ]; }

# count_dmesg PATTERN: lines of dmesg matching PATTERN.
count_dmesg() { dmesg | grep -c -- "$1"; }

# zombies: domains that are gone from the toolstack but still held by Xen
# (a grant mapping that was never released keeps them).
zombies() { $XL list 2>/dev/null | grep -c '^(null)'; }

# Predicates for wait_for (re-evaluated at every poll).
be_state_is() { [ "$(backend_state "$1" vif "$2")" = "$3" ]; }
carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
no_zombies() { [ "$(zombies)" = 0 ]; }

# other_guest_tcp NAME PORT: guest NAME sends 2 MiB to dom0 over TCP;
# true when dom0 received all of it with the sender's checksum.
other_guest_tcp() {
	local g=$1 port=$2 rf=/run/xenpv/og.$2 snd rcv pid
	rm -f "$rf.ready" "$rf.out"
	timeout 70 $NF tcp-recv "$port" -m 60 -r "$rf.ready" >"$rf.out" 2>&1 &
	pid=$!
	if ! wait_for 10 test -e "$rf.ready"; then
		kill "$pid" 2>/dev/null
		return 1
	fi
	snd=$(GEXEC_TIMEOUT=70 gexec "$g" "$NF tcp-send $DOM0_IP $port 2097152 $port")
	wait "$pid"
	rcv=$(cat "$rf.out")
	echo "sender: $snd; receiver: $rcv"
	transfer_ok "$snd" "$rcv" 2097152
}

