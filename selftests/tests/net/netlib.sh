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

# field KEY TEXT: value of KEY=VALUE in TEXT.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }

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
	local ss rs rb bad
	ss=$(field sum "$snd")
	rs=$(field sum "$rcv")
	rb=$(field received "$rcv")
	bad=$(field bad "$rcv")
	if [ -n "$ss" ] && [ "$ss" = "$rs" ] && [ "$rb" = "$bytes" ] &&
	   [ "$bad" = 0 ]; then
		ok "$desc ($bytes bytes, sum $ss, $(field secs "$snd") s)"
	else
		not_ok "$desc"
		diag "sender:   $snd"
		diag "receiver: $rcv"
	fi
}

# nf_stat GUEST NAME: one ethtool -S counter of the guest's eth0.
nf_stat() {
	gexec "$1" "ethtool -S eth0" | sed -n "s/^ *$2: *//p"
}
