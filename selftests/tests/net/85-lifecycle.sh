# SPDX-License-Identifier: GPL-2.0
# Save, restore and live migration of the suite's long-lived guest while
# it streams TCP to dom0: the stream survives with its checksum, ping
# works both ways afterwards, and nothing of the old instance is left in
# dom0 (no backend device, no domain held by a grant mapping).  Then five
# localhost migrations in a row under one stream.
. /xenpv/tests/net/lib.sh

# Domains gone from the toolstack but still held by Xen (a grant mapping
# never released keeps them); xenpv_netback's count of mapped pages.
no_zombies() { ! $XL list 2>/dev/null | grep -q '^(null)'; }
mapped_zero() {
	[ "$(cat /sys/module/xenpv_netback/parameters/mapped_pages)" = 0 ]
}

if ! ensure_guest f1 disk=none vcpus=2; then
	not_ok "guest f1 boots"
	return
fi
gip=$(guest_ip f1)
save=/run/xenpv/f1.save
bytes=$((4 * 1024 * 1024))

# stream_start PORT SEED: dom0 receives; the guest sends $bytes, paced
# over 15 minutes until stream_finish lifts the pacing.  The receiver
# gives up after 20 minutes: five migrations on a loaded 2-core machine
# took 250 s of xl migrate alone (2026-12-03), and its old 400 s bound
# ended the stream before the last one was done.
stream_start() {
	local rf=/run/xenpv/life.$1
	rm -f "$rf.ready" "$rf.out"
	$XC recv "$1" -m 1200 -r "$rf.ready" >"$rf.out" 2>&1 &
	stream_pid=$!
	wait_for 10 test -e "$rf.ready"
	gexec f1 "$XC send $DOM0_IP $1 $bytes $2 -t 900 >/run/life.out 2>&1 & echo \$! >/run/life.pid" >/dev/null
	# the sender is running (paced, it has the whole time of the test)
	wait_for 20 gexec f1 "test -e /proc/\$(cat /run/life.pid)/status"
	sleep 1
}

# stream_finish DESC: full speed for the rest, then compare both ends.
stream_finish() {
	local snd rcv rf=/run/xenpv/life.$1
	gexec f1 'kill -USR1 $(cat /run/life.pid)' >/dev/null
	wait_for 120 gexec f1 "grep -q sent= /run/life.out"
	wait "$stream_pid"
	snd=$(gexec f1 "cat /run/life.out")
	rcv=$(cat "$rf.out")
	tcp_ok "$2" "$bytes" "$snd|$rcv" || vif_diag f1
}

# old_gone OLDID DESC: the old instance left nothing behind in dom0.
old_gone() {
	check "$2: no backend device of the old domain $1" wait_for 30 sh -c \
		"! ls /sys/bus/xen-backend/devices/ | grep -q -- '-$1-'"
	check "$2: no zombie domain (no grant of the old one mapped)" \
		wait_for 15 no_zombies
	if [ "$XENPV_NETBACK" = xenpv ]; then
		check "$2: xenpv_netback holds no mapped page" \
			wait_for 10 mapped_zero
	fi
}

# pings DESC: both ways.
pings() {
	check "$1: dom0 pings the guest" wait_for 20 ping -c 1 -W 2 "$gip"
	check "$1: the guest pings dom0" gexec f1 "ping -c 2 -W 2 $DOM0_IP"
}

r0=0
[ "$XENPV_NETFRONT" = xenpv ] &&
	r0=$(gexec f1 "cat /sys/class/net/eth0/xenpv/resumes 2>/dev/null || echo 0")

# --- five localhost live migrations under one stream
migrate5() {
	stream_start 5852 86
	n=0
	for i in 1 2 3 4 5; do
		old=$(guest_domid f1)
		t0=$EPOCHREALTIME
		if ! timeout 300 $XL migrate -s '' f1 "$XL migrate-receive" \
			>/run/xenpv/f1.migrate.log 2>&1; then
			not_ok "migration $i"
			sed 's/^/#   /' /run/xenpv/f1.migrate.log | tail -n 15
			break
		fi
		t1=$EPOCHREALTIME
		diag "migration $i: domid $old -> $(guest_domid f1), $(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}') s"
		if ! wait_for 60 gexec f1 true; then
			not_ok "guest answers after migration $i"
			break
		fi
		pings "after migration $i"
		old_gone "$old" "after migration $i"
		n=$i
	done
	is "five migrations in a row" "$n" 5
	if [ "$n" = 5 ]; then
		stream_finish 5852 "TCP stream across five migrations"
		if [ "$XENPV_NETFRONT" = xenpv ]; then
			is "netfront counts five more resumes" \
				"$(gexec f1 "cat /sys/class/net/eth0/xenpv/resumes")" $((r0 + 5))
		fi
		r0=$((r0 + 5))
		return 0
	fi
	kill "$stream_pid" 2>/dev/null
	# leave 90-ipv6 a fresh guest
	guest_destroy f1
	return 1
}

# --- save + restore
saverestore() {
	old=$(guest_domid f1)
	stream_start 5851 85
	if ! guest_save f1 "$save" "xl save with a TCP stream in flight" ||
	   ! guest_restore f1 "$save" "xl restore"; then
		kill "$stream_pid" 2>/dev/null
		guest_destroy f1
		return 1
	fi
	check "guest answers after restore" wait_for 60 gexec f1 true
	stream_finish 5851 "TCP stream across save/restore"
	pings "after restore"
	old_gone "$old" "after restore"
	if [ "$XENPV_NETFRONT" = xenpv ]; then
		is "netfront counts one resume" \
			"$(gexec f1 "cat /sys/class/net/eth0/xenpv/resumes")" $((r0 + 1))
	fi
	r0=$((r0 + 1))
}

if xen_migrates; then
	migrate5 || return
else
	skip "five localhost migrations" "$XEN_NO_MIGRATE"
fi
saverestore || return
check "guest log clean" guest_clean f1
