# SPDX-License-Identifier: GPL-2.0
# Feature negotiation read back from xenstore, ethtool and sysfs: SG, GSO,
# rx-copy, split event channels and one queue per vCPU (bounded by the
# backend); then two queues both carrying traffic both ways.
. /xenpv/tests/net/lib.sh

if ! ensure_guest f1 disk=none vcpus=2; then
	not_ok "guest f1 with 2 vCPUs boots"
	return
fi
ok "guest f1 with 2 vCPUs boots"
id=$(guest_domid f1)
fe=/local/domain/$id/device/vif/0
be=/local/domain/0/backend/vif/$id/0
xpv=0
[ "$XENPV_NETFRONT" = xenpv ] && xpv=1

bfeat() { xenstore-read "$be/$1" 2>/dev/null || echo 0; }
bmax=$(xenstore-read "$be/multi-queue-max-queues" 2>/dev/null || echo 1)
want=$((bmax < 2 ? bmax : 2))
[ "$want" -ge 1 ] || want=1
nq=$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null || echo 1)
diag "backend offers: sg=$(bfeat feature-sg) gso4=$(bfeat feature-gso-tcpv4) gso6=$(bfeat feature-gso-tcpv6) split=$(bfeat feature-split-event-channels) max-queues=$bmax"

is "frontend requested rx-copy" "$(xenstore-read "$fe/request-rx-copy")" 1
is "frontend announced feature-sg" "$(xenstore-read "$fe/feature-sg")" 1
is "frontend announced feature-gso-tcpv4" "$(xenstore-read "$fe/feature-gso-tcpv4")" 1
is "queues: min(2 vCPUs, backend max $bmax)" "$nq" "$want"
is "guest has $want TX queues" \
	"$(gexec f1 'ls -d /sys/class/net/eth0/queues/tx-* | wc -l')" "$want"

qd=$fe
[ "$nq" -gt 1 ] && qd=$fe/queue-0
if [ "$(bfeat feature-split-event-channels)" = 1 ]; then
	check "split event channels published (event-channel-tx/-rx)" \
		xenstore-read "$qd/event-channel-tx" "$qd/event-channel-rx"
	# IRQ names: ethN-qM-tx (xenpv) or vifD-qM-tx (in-tree)
	check "guest IRQ lines for queue 0 TX and RX" \
		gexec f1 "grep -qE '(eth0|vif0)-q0-tx' /proc/interrupts && grep -qE '(eth0|vif0)-q0-rx' /proc/interrupts"
else
	skip "split event channels published" "backend does not offer them"
	skip "guest IRQ lines for queue 0 TX and RX" "no split channels"
fi

k=$(gexec f1 "ethtool -k eth0")
onoff() { [ "$1" = 1 ] && echo on || echo off; }
is "ethtool: scatter-gather follows the backend" \
	"$(echo "$k" | sed -n 's/^scatter-gather: \([a-z]*\).*/\1/p')" \
	"$(onoff "$(bfeat feature-sg)")"
is "ethtool: TSO follows the backend" \
	"$(echo "$k" | sed -n 's/^tcp-segmentation-offload: \([a-z]*\).*/\1/p')" \
	"$(onoff "$(bfeat feature-gso-tcpv4)")"

if [ $xpv = 1 ]; then
	is "sysfs xenpv/queues" "$(gexec f1 'cat /sys/class/net/eth0/xenpv/queues')" "$nq"
	is "sysfs xenpv/split_event_channels" \
		"$(gexec f1 'cat /sys/class/net/eth0/xenpv/split_event_channels')" \
		"$(bfeat feature-split-event-channels)"
	is "ethtool -l: $nq combined channels" \
		"$(gexec f1 'ethtool -l eth0' | sed -n 's/^Combined:[[:space:]]*//p' | tail -n1)" "$nq"
else
	skip "sysfs xenpv/queues" "in-tree netfront"
	skip "sysfs xenpv/split_event_channels" "in-tree netfront"
	skip "ethtool -l channels" "in-tree netfront"
fi
if [ "$XENPV_NETBACK" = xenpv ]; then
	r=/sys/class/net/vif$(guest_domid f1).0/xenpv/rings
	is "backend sysfs xenpv/rings: a line per queue" "$(grep -c '^q[0-9]* tx req' "$r")" "$nq"
else
	skip "backend sysfs xenpv/rings" "in-tree netback"
fi

# Traffic over every queue, both directions.
gip=$(guest_ip f1)
i0=$(irq_count f1 '(eth0|vif0)-q0')
i1=$(irq_count f1 '(eth0|vif0)-q1')
t0=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
tb0=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_bytes")
par_to_dom0 f1 6 $((4 * 1024 * 1024)) 5100
par_from_dom0 f1 "$gip" 6 $((4 * 1024 * 1024)) 5200
t1=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_packets")
tb1=$(gexec f1 "cat /sys/class/net/eth0/statistics/tx_bytes")

if [ "$(bfeat feature-gso-tcpv4)" = 1 ]; then
	avg=$(((tb1 - tb0) / (t1 - t0 + 1)))
	if [ "$avg" -gt 1514 ]; then
		ok "guest sent TSO frames (average $avg bytes a frame)"
	else
		not_ok "guest sent TSO frames (average $avg bytes a frame)"
	fi
else
	skip "guest sent TSO frames" "backend without gso-tcpv4"
fi

if [ "$nq" -ge 2 ]; then
	d0=$(($(irq_count f1 '(eth0|vif0)-q0') - i0))
	d1=$(($(irq_count f1 '(eth0|vif0)-q1') - i1))
	if [ "$d0" -gt 0 ] && [ "$d1" -gt 0 ]; then
		ok "both queues interrupted (q0 $d0, q1 $d1)"
	else
		not_ok "both queues interrupted (q0 $d0, q1 $d1)"
	fi
	if [ $xpv = 1 ]; then
		s=$(gexec f1 "ethtool -S eth0")
		diag "$(echo "$s" | grep queue_ | tr -s ' ' | tr '\n' ' ')"
		for c in tx_queue_0_packets tx_queue_1_packets rx_queue_0_packets rx_queue_1_packets; do
			v=$(echo "$s" | sed -n "s/^ *$c: *//p")
			if [ "${v:-0}" -gt 100 ]; then
				ok "ethtool -S $c = $v"
			else
				not_ok "ethtool -S $c = $v"
			fi
		done
	else
		skip "per-queue ethtool counters" "in-tree netfront has none"
	fi
else
	skip "both queues carry traffic" "backend offers one queue"
fi
check "guest log clean" guest_clean f1
