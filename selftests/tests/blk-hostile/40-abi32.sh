# SPDX-License-Identifier: GPL-2.0
# The same malformed-request checks as 10-badreq, spoken in the x86_32
# ring layout (protocol x86_32-abi, 108-byte slots), as a 32-bit guest
# would: the backend converts each request and answers in that layout.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest bh4 $HOSTILE_GUEST; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bh4)
check "no kernel frontend on xvda" hostile_prepare bh4
out=$(GEXEC_TIMEOUT=120 gexec bh4 'blkhostile 51712 badreq abi32'); rc=$?
echo "$out" | sed 's/^/# /'
is "blkhostile badreq abi32: every check passed" "$rc" 0
is "backend still Connected" "$(backend_state "$id" vbd 51712)" 4
guest_destroy bh4
check "guest destroyed" _guest_gone bh4
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
		"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
