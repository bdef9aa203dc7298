# SPDX-License-Identifier: GPL-2.0
# A frontend that moves req_prod more than a ring ahead of the backend's
# req_cons loses its vbd: one log line, the backend leaves Connected,
# nothing of it stays mapped, and another guest's disk is unaffected.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest good1 vif=none || ! start_guest bh2 $HOSTILE_GUEST; then
	not_ok "a well-behaved and a hostile guest boot"
	guest_destroy good1
	return
fi
ok "a well-behaved and a hostile guest boot"
gid=$(guest_domid good1)
hid=$(guest_domid bh2)
check "no kernel frontend on the hostile guest's xvda" hostile_prepare bh2

# the good guest writes continuously while the hostile one misbehaves
want=$(gexec good1 'dd if=/dev/urandom of=/run/d bs=1M count=8 2>/dev/null;
	sha256sum </run/d | cut -d" " -f1')
gexec good1 '(for i in 1 2 3 4 5 6 7 8 9 10; do
	dd if=/run/d of=/dev/xvda bs=1M seek=$((i * 4)) oflag=direct 2>/dev/null
	done; echo done >/run/loop.done) >/dev/null 2>&1 &' >/dev/null

out=$(GEXEC_TIMEOUT=120 gexec bh2 'blkhostile 51712 prod'); rc=$?
echo "$out" | sed 's/^/# /'
is "blkhostile prod: the backend stopped trusting the ring" "$rc" 0
st=$(backend_state "$hid" vbd 51712)
check "hostile vbd left Connected (state $st)" test "$st" = 5 -o "$st" = 6
if xenpv_backend; then
	n=$(dmesg | grep -c "vbd-$hid-51712.*ahead of req_cons")
	is "exactly one log line about the corrupt ring" "$n" 1
	is "hostile vbd holds no grant mapping" \
		"$(bk_stat "$hid" 51712 mapped_grants)" 0
fi

check "good guest's writes finished" wait_for 120 gexec good1 'test -e /run/loop.done'
got=$(gexec good1 'dd if=/dev/xvda bs=1M skip=40 count=8 iflag=direct 2>/dev/null |
	sha256sum | cut -d" " -f1')
is "good guest reads back what it wrote" "$got" "$want"
is "good guest's vbd still Connected" "$(backend_state "$gid" vbd 51712)" 4

guest_destroy bh2
guest_destroy good1
check "hostile guest gone" _guest_gone bh2
check "good guest gone" _guest_gone good1
no_dom0_splat "no kernel warning in dom0"
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" \
		wait_for 30 sh -c "[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
