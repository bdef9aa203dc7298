# SPDX-License-Identifier: GPL-2.0
# Attack classes against the block backend, each from a fresh hostile
# guest (blkhostile) while a well-behaved guest's verified I/O runs all
# along: an event-channel storm, a 4-page ring filled to its last slot,
# one grant repeated within a request (persistent and not), persistent-
# grant churn past a lowered limit, and state flapping (Connected ->
# Closing -> Connected) with requests in flight.  After each case: dom0
# up and clean, Xen freed the hostile domain, nothing of it left mapped.
. /xenpv/tests/blk-hostile/lib.sh

P=/sys/module/xenpv_blkback/parameters
if ! start_guest good5 vif=none; then
	not_ok "a well-behaved guest boots"
	return
fi
ok "a well-behaved guest boots"
gid=$(guest_domid good5)
gexec good5 '(n=1; rc=0; while [ ! -e /run/stop ]; do
	/xenpv/bin/blkverify random /dev/xvda $n 2 100 16 >/run/bv.log 2>&1 ||
		{ rc=$?; break; }; n=$((n + 1)); done; echo "$rc $n" >/run/bv.rc) \
	>/dev/null 2>&1 &' >/dev/null

# hcase GUEST DESC ARGS...: boot a hostile guest, run blkhostile ARGS in it
hcase() {
	local g=$1 desc=$2 out rc
	shift 2
	if ! start_guest "$g" $HOSTILE_GUEST; then
		not_ok "$desc: hostile guest boots"
		return 1
	fi
	hid=$(guest_domid "$g")
	check "$desc: no kernel frontend on xvda" hostile_prepare "$g"
	[ -z "$HPRE" ] || eval "$HPRE"
	out=$(GEXEC_TIMEOUT=120 gexec "$g" "blkhostile $*"); rc=$?
	echo "$out" | sed 's/^/# /'
	hout=$out
	is "$desc: every blkhostile check passed" "$rc" 0
}

# hdone GUEST DESC: destroy it; dom0 clean, domain freed, nothing mapped
hdone() {
	guest_destroy "$1"
	check "$2: Xen freed the hostile domain" wait_for 30 sh -c \
		"[ \$($XL list | awk 'NR > 1' | wc -l) = 2 ]"
	if xenpv_backend; then
		check "$2: no grant of it left mapped" wait_for 30 sh -c \
			"[ \"\$(cat $P/mapped_grants)\" = \"\$(cat $(bk_sysfs "$gid" 51712)/statistics/mapped_grants)\" ]"
	fi
	no_dom0_splat "$2: no kernel warning in dom0"
}

# 1. event-channel storm: events end up flagged spurious and their EOI
# delayed, so dom0 handles few of them; the good guest keeps writing
xb() { cat "$(bk_sysfs "$hid" 51712)/xenbus/$1"; }
HPRE='ev0=$(xb events); sp0=$(xb spurious_events); gw0=$(bk_stat "$gid" 51712 wr_req)'
if hcase bh5 storm 51712 storm 4; then
	sent=$(echo "$hout" | sed -n 's/^sent \([0-9]*\) notifications.*/\1/p')
	ev=$(($(xb events) - ev0)) sp=$(($(xb spurious_events) - sp0))
	diag "storm: sent ${sent:-?}, handled $ev, spurious $sp, EOI delayed $(xb jiffies_eoi_delayed) jiffies"
	check "storm: events flagged spurious" test "$sp" -ge 3
	check "storm: EOIs delayed (late-EOI backoff)" test "$(xb jiffies_eoi_delayed)" -gt 0
	# how many get through depends on how long the storm lasts against
	# the EOI delay: 74 of 4000 (1.9%) beside three other labs
	check "storm: dom0 handled under 5% of ${sent:-?} notifications" \
		test "$((ev * 20))" -lt "${sent:-0}"
	check "storm: the good guest's writes went on" \
		test "$(bk_stat "$gid" 51712 wr_req)" -gt "$gw0"
fi
hdone bh5 storm
HPRE=

# 2. a 4-page ring, every slot in use at once
if hcase bh6 fill 51712 fill order=2 && xenpv_backend; then
	is "fill: backend ring has 128 slots" \
		"$(cat "$(bk_sysfs "$hid" 51712)/ring_slots")" 128
fi
hdone bh6 fill

# 3. one grant in every segment, with persistent grants (xvda) and
# without (xvdb)
if hcase bh7 dupgref 51712 dupgref persistent; then
	img=/run/xenpv/bh7b.img
	dd if=/dev/zero of="$img" bs=1M count=8 2>/dev/null
	check "dupgref: block-attach xvdb" $XL block-attach bh7 \
		"format=raw, vdev=xvdb, access=rw, target=$img"
	check "dupgref: xvdb backend waits for a frontend" wait_for 30 sh -c \
		"[ \"\$(xenstore-read /local/domain/0/backend/vbd/$hid/51728/state)\" = 2 ]"
	out=$(GEXEC_TIMEOUT=120 gexec bh7 'blkhostile 51728 dupgref'); rc=$?
	echo "$out" | sed 's/^/# /'
	is "dupgref, not persistent: every blkhostile check passed" "$rc" 0
fi
hdone bh7 dupgref
rm -f /run/xenpv/bh7b.img

# 4. 64 grants in turn against max_persistent_grants 16
if xenpv_backend; then
	old=$(cat $P/max_persistent_grants)
	echo 16 >$P/max_persistent_grants
	if hcase bh8 churn 51712 churn 4 persistent; then
		n=$(bk_stat "$hid" 51712 persistent_grants)
		check "churn: persistent grants within the limit ($n <= 16)" \
			test "${n:-99}" -le 16 -a "${n:-0}" -gt 0
	fi
	echo "$old" >$P/max_persistent_grants
	hdone bh8 churn
fi

# 5. Connected -> Closing -> Connected with 16 requests in flight, 3 times
if hcase bh9 flap 51712 flap 3 persistent; then
	is "flap: backend Connected after the last reconnect" \
		"$(backend_state "$hid" vbd 51712)" 4
fi
hdone bh9 flap

gexec good5 'touch /run/stop' >/dev/null
check "the good guest's verified I/O finished" wait_for 120 gexec good5 'test -s /run/bv.rc'
diag "good guest: $(gexec good5 'cat /run/bv.rc /run/bv.log' | tr '\n' ' ')"
is "the good guest's data all verified (rc, rounds)" \
	"$(gexec good5 'cut -d" " -f1 /run/bv.rc')" 0
guest_destroy good5
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
		"[ \"\$(cat $P/mapped_grants)\" = 0 ]"
fi
