# SPDX-License-Identifier: GPL-2.0
# Malformed requests from a userspace frontend (blkhostile) each get an
# error response; valid I/O before and after them still works; dom0 and
# the backend stay up, and another guest's disk, busy meanwhile, verifies.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest good0 vif=none || ! start_guest bh1 $HOSTILE_GUEST; then
	not_ok "a well-behaved and a hostile guest boot"
	guest_destroy good0
	return
fi
ok "a well-behaved and a hostile guest boot"
# the good guest writes and checks random blocks all along
gexec good0 '(/xenpv/bin/blkverify random /dev/xvda 11 2 600 16 >/run/bv.log 2>&1
	echo $? >/run/bv.rc) >/dev/null 2>&1 &' >/dev/null
id=$(guest_domid bh1)
check "no kernel frontend on xvda, gntalloc and evtchn present" hostile_prepare bh1
is "backend waits in InitWait for a frontend" \
	"$(backend_state "$id" vbd 51712)" 2

out=$(GEXEC_TIMEOUT=120 gexec bh1 'blkhostile 51712 badreq'); rc=$?
echo "$out" | sed 's/^/# /'
is "blkhostile badreq: every check passed" "$rc" 0
is "backend still Connected after the malformed requests" \
	"$(backend_state "$id" vbd 51712)" 4
if xenpv_backend; then
	bad=$(bk_stat "$id" 51712 bad_req)
	diag "statistics/bad_req = $bad"
	check "statistics/bad_req counts the rejected requests (>= 17)" \
		test "${bad:-0}" -ge 17
	check "statistics/rd_req and wr_req count the valid I/O" \
		test "$(bk_stat "$id" 51712 rd_req)" -ge 2 -a \
		"$(bk_stat "$id" 51712 wr_req)" -ge 2
fi
no_dom0_splat "no kernel warning in dom0"
check "the good guest's verified I/O finished" \
	wait_for 240 gexec good0 'test -s /run/bv.rc'
diag "good guest: $(gexec good0 'cat /run/bv.log' | tr '\n' ' ')"
is "the good guest's data all verified" "$(gexec good0 'cat /run/bv.rc')" 0
guest_destroy good0

guest_destroy bh1
check "hostile guest destroyed" _guest_gone bh1
check "backend device gone" wait_for 30 sh -c \
	"! test -e /sys/bus/xen-backend/devices/vbd-$id-51712"
if xenpv_backend; then
	is "no grant left mapped by xenpv_blkback" "$(bk_mapped_total)" 0
fi
