# SPDX-License-Identifier: GPL-2.0
# Negotiated features: what xenstore and xenpv_blkfront's sysfs say was
# used, and that requests flowed on every queue.  The checks of what the
# frontend chose need xenpv_blkfront; with the in-tree one they skip.
. /xenpv/tests/blk/lib.sh
blk_want 60 || return 0

be_pers=$(be_node blk $XVDA feature-persistent)
be_ind=$(be_node blk $XVDA feature-max-indirect-segments)
be_order=$(be_node blk $XVDA max-ring-page-order)
be_queues=$(be_node blk $XVDA multi-queue-max-queues)
diag "backend offers: persistent=${be_pers:-0} indirect=${be_ind:-0} max-ring-page-order=${be_order:-0} max-queues=${be_queues:-1}"
if [ "$XENPV_BLKBACK" = xenpv ]; then
	is "xenpv_blkback offers persistent grants" "$be_pers" 1
	check "xenpv_blkback offers indirect descriptors" test "${be_ind:-0}" -gt 11
	check "xenpv_blkback offers multi-page rings" test "${be_order:-0}" -gt 0
	check "xenpv_blkback offers several queues" test "${be_queues:-1}" -gt 1
fi

if ! xenpv_front; then
	skip "xenpv_blkfront negotiation" "in-tree blkfront"
	return
fi
fe_pers=$(fe_node blk $XVDA feature-persistent)
is "frontend asked for persistent grants" "$fe_pers" 1
is "persistent grants in use iff offered (sysfs)" \
	"$(fe_sys blk $XVDA persistent_grants)" "$([ "${be_pers:-0}" = 1 ] && echo 1 || echo 0)"
if [ "${be_order:-0}" -gt 0 ]; then
	order=$(fe_node blk $XVDA ring-page-order)
	check "multi-page ring: ring-page-order=$order > 0" test "${order:-0}" -gt 0
	is "sysfs ring_page_order matches xenstore" \
		"$(fe_sys blk $XVDA ring_page_order)" "$order"
	check "ring-ref0 published in xenstore" test -n "$(fe_node blk $XVDA ring-ref0)$(fe_node blk $XVDA queue-0/ring-ref0)"
else
	skip "multi-page ring" "backend offers order 0"
fi
if [ "${be_queues:-1}" -gt 1 ]; then
	nq=$(fe_node blk $XVDA multi-queue-num-queues)
	is "2 queues for 2 vcpus (multi-queue-num-queues)" "$nq" 2
	check "queue-0 and queue-1 event channels published" \
		test -n "$(fe_node blk $XVDA queue-0/event-channel)" -a \
		-n "$(fe_node blk $XVDA queue-1/event-channel)"
	is "blk-mq has one hardware queue per ring" \
		"$(gexec blk 'ls /sys/block/xvda/mq | wc -l')" 2
else
	skip "multi-queue" "backend offers one queue"
fi

# load from both vcpus, with requests big enough for indirect descriptors
GEXEC_TIMEOUT=300 gexec blk "taskset 1 $BV random /dev/xvda 61 1 60 64 &
	taskset 2 $BV random /dev/xvda 62 1 60 64; wait" >/dev/null
q=$(fe_sys blk $XVDA statistics/queue_reqs)
diag "requests per queue: $q"
check "requests flowed on every queue ($q)" \
	sh -c "for n in $q; do [ \$n -gt 0 ] || exit 1; done"
if [ "${be_ind:-0}" -gt 11 ]; then
	is "sysfs max_indirect_segments" "$(fe_sys blk $XVDA max_indirect_segments)" 32
	ind=$(fe_sys blk $XVDA statistics/ind_req)
	check "indirect requests were sent (ind_req=$ind)" test "${ind:-0}" -gt 0
	is "largest request is 128 KiB (max_hw_sectors_kb)" \
		"$(gexec blk 'cat /sys/block/xvda/queue/max_hw_sectors_kb')" 128
else
	skip "indirect descriptors" "backend offers none"
fi
