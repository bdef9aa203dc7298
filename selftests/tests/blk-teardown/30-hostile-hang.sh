# SPDX-License-Identifier: GPL-2.0
# A frontend that fills its ring with 11-segment requests and never reads
# a response, then is destroyed: the backend still unmaps everything.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest bt3 $HOSTILE_GUEST; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bt3)
check "no kernel frontend on xvda" hostile_prepare bt3
gexec bt3 'blkhostile 51712 hang 32 >/run/bh.out 2>&1 &' >/dev/null
check "hostile frontend pushed its requests" \
	wait_for 60 gexec bt3 'grep -q "now hanging" /run/bh.out'
is "vbd Connected to the hostile frontend" "$(backend_state "$id" vbd 51712)" 4
if xenpv_backend; then
	check "the 32 requests were served (rd_req + wr_req >= 32)" \
		test $(($(bk_stat "$id" 51712 rd_req) + $(bk_stat "$id" 51712 wr_req))) -ge 32
fi
guest_destroy bt3
check "guest destroyed" _guest_gone bt3
check "backend device gone" wait_for 30 sh -c \
	"! test -e /sys/bus/xen-backend/devices/vbd-$id-51712"
if xenpv_backend; then
	is "no grant left mapped by xenpv_blkback" "$(bk_mapped_total)" 0
fi
