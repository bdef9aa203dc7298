# SPDX-License-Identifier: GPL-2.0
# A frontend that botches the xenbus handshake in every way blkhostile
# knows (no ring-ref, ungranted ring, bogus event channel, ring order 9,
# 1000 queues, unknown protocol) is refused each time without leaking a
# mapping, and can still connect properly afterwards.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest bh3 $HOSTILE_GUEST; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bh3)
check "no kernel frontend on xvda" hostile_prepare bh3
out=$(GEXEC_TIMEOUT=300 gexec bh3 'blkhostile 51712 states'); rc=$?
echo "$out" | sed 's/^/# /'
is "blkhostile states: every check passed" "$rc" 0
is "backend Closed after the frontend closed" "$(backend_state "$id" vbd 51712)" 6
if xenpv_backend; then
	is "closed vbd holds no grant mapping" \
		"$(bk_stat "$id" 51712 mapped_grants)" 0
fi
guest_destroy bh3
check "guest destroyed" _guest_gone bh3
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
		"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
no_dom0_splat "no kernel warning in dom0"
