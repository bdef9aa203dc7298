# SPDX-License-Identifier: GPL-2.0
# netloop with dom0-local traffic only: a network namespace on a veth
# port of xenbr0 talks to dom0's address on nl0.  Its frames hold dom0
# pages, so they pass without a copy; force_copy=1 exercises the copy
# path (GSO frames included) without any guest.
. /xenpv/tests/netloop/lib.sh

nl_loaded || insmod "$NL_KO"
kmsg_mark local
check "dom0 address moves onto nl0, nlbr0 joins xenbr0" nl_attach
ip netns add nlpeer
ip link add veth-nlh type veth peer name veth-nlp
ip link set veth-nlp netns nlpeer
ip link set veth-nlh master xenbr0
ip link set veth-nlh up
ip netns exec nlpeer ip link set lo up
ip netns exec nlpeer ip link set veth-nlp up
ip netns exec nlpeer ip addr add 192.0.2.200/24 dev veth-nlp
NS="ip netns exec nlpeer"

check "namespace pings dom0 through netloop" $NS ping -c 3 -W 5 192.0.2.1
p0=$(nl_counter passed_frames)
c0=$(nl_counter copied_frames)

# tcp_in PORT BYTES: namespace -> dom0 transfer; prints "recv-line|send-line"
tcp_in() {
	rm -f "$NL_RUN/rdy"
	netflood tcp-recv "$1" -m 120 -r "$NL_RUN/rdy" >"$NL_RUN/recv.out" 2>&1 &
	local pid=$!
	wait_for 10 test -e "$NL_RUN/rdy"
	local s
	s=$($NS netflood tcp-send 192.0.2.1 "$1" "$2" 2>&1)
	wait "$pid"
	echo "$(cat "$NL_RUN/recv.out")|$s"
}

# sums_match "recv|send": both ends saw the same stream, receiver checked it
sums_match() {
	local r=${1%%|*} s=${1#*|}
	[ -n "$(field sum "$s")" ] && [ "$(field sum "$r")" = "$(field sum "$s")" ] &&
		[ "$(field bad "$r")" = 0 ] && [ "$(field received "$r")" = "$(field sent "$s")" ]
}

res=$(tcp_in 5101 16777216)
diag "ns -> dom0: $res"
check "16 MiB namespace -> dom0 over TCP, checksums match" sums_match "$res"
p1=$(nl_counter passed_frames)
c1=$(nl_counter copied_frames)
check "local frames pass without a copy (passed $p0 -> $p1)" [ "$p1" -gt "$p0" ]
is "no local frame was copied" "$c1" "$c0"

# dom0 -> namespace
rm -f "$NL_RUN/rdy2"
$NS netflood tcp-recv 5102 -m 120 -r "$NL_RUN/rdy2" >"$NL_RUN/recv2.out" 2>&1 &
pid=$!
wait_for 10 test -e "$NL_RUN/rdy2"
b0=$(nl_counter to_bridge_frames)
s=$(netflood tcp-send 192.0.2.200 5102 16777216 99 2>&1)
wait "$pid"
res="$(cat "$NL_RUN/recv2.out")|$s"
diag "dom0 -> ns: $res"
check "16 MiB dom0 -> namespace over TCP, checksums match" sums_match "$res"
b1=$(nl_counter to_bridge_frames)
check "dom0's frames leave through nlbr0 (to_bridge_frames $b0 -> $b1)" [ "$b1" -gt "$b0" ]

# the copy path, forced
echo 1 >/sys/module/xenpv_netloop/parameters/force_copy
p2=$(nl_counter passed_frames)
c2=$(nl_counter copied_frames)
cb2=$(nl_counter copied_bytes)
res=$(tcp_in 5103 16777216)
diag "ns -> dom0, force_copy: $res"
check "force_copy: 16 MiB namespace -> dom0, checksums match" sums_match "$res"
p3=$(nl_counter passed_frames)
c3=$(nl_counter copied_frames)
cb3=$(nl_counter copied_bytes)
check "force_copy: frames are copied ($c2 -> $c3)" [ "$c3" -gt "$c2" ]
is "force_copy: none passed uncopied" "$p3" "$p2"
avg=$(( (cb3 - cb2) / (c3 > c2 ? c3 - c2 : 1) ))
diag "copied $((c3 - c2)) frames, $((cb3 - cb2)) bytes, $avg bytes/frame"
check "force_copy: GSO frames larger than the MTU were copied whole (avg $avg)" [ "$avg" -gt 1514 ]

rm -f "$NL_RUN/urdy"
netflood udp-recv 5104 -b 8388608 -i 3 -m 60 -r "$NL_RUN/urdy" >"$NL_RUN/urecv.out" 2>&1 &
pid=$!
wait_for 10 test -e "$NL_RUN/urdy"
s=$($NS netflood udp-send 192.0.2.1 5104 3 1400)
wait "$pid"
r=$(cat "$NL_RUN/urecv.out")
diag "udp force_copy: $s / $r"
check "force_copy: UDP datagrams arrive well-formed" \
	[ "$(field received "$r")" -gt 0 -a "$(field bad "$r")" = 0 ]
echo 0 >/sys/module/xenpv_netloop/parameters/force_copy
is "no allocation failures" "$(nl_counter alloc_failures)" 0

ip link del veth-nlh 2>/dev/null
ip netns del nlpeer
bad=$(kmsg_bad local)
is "no kernel warnings" "$bad" ""
