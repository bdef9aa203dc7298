# SPDX-License-Identifier: GPL-2.0
# A rate= limit in the vif spec: guest transmit throughput at most 20%
# over the configured rate (the limit's promise), and at least half of it
# (a limiter that starves the guest).  The lower bound is loose because
# under TCG the guest's own TCP, beside other labs, sets what it reaches.
. /xenpv/tests/net/lib.sh

rate_mbit=${NET_RATE_MBIT:-4}
if ! guest_create r1 disk=none \
	vif="'mac=00:16:3e:00:02:01,bridge=xenbr0,rate=${rate_mbit}Mb/s'"; then
	not_ok "guest r1 with rate=${rate_mbit}Mb/s boots"
	return
fi
ok "guest r1 with rate=${rate_mbit}Mb/s boots"
id=$(guest_domid r1)
diag "backend rate node: $(xenstore-read /local/domain/0/backend/vif/$id/0/rate 2>/dev/null)"
b=$((rate_mbit * 1024 * 1024 * 6 / 8))	# about six seconds worth
res=$(tcp_to_dom0 r1 5701 "$b" 71)
tcp_ok "TCP guest -> dom0 under the limit" "$b" "$res"
secs=$(field secs "${res#*|}")
# measured Mbit/s x 1000, from the receiver's byte count and time
got=$(awk -v b="$b" -v s="$secs" 'BEGIN { if (s > 0) printf "%d", b * 8 / s / 1000; else print 0 }')
# what the backend saw: frames, their average size, credit waits
vif=vif$id.0
fr=$(cat /sys/class/net/$vif/statistics/rx_packets 2>/dev/null)
by=$(cat /sys/class/net/$vif/statistics/rx_bytes 2>/dev/null)
diag "backend $vif: ${fr:-?} frames, ${by:-?} bytes, average $(( ${by:-0} / (${fr:-0} + 1) )) bytes; $(ethtool -S $vif 2>/dev/null | grep credit | tr -s ' ')"
lo=$((rate_mbit * 500))
hi=$((rate_mbit * 1200))
if [ "$got" -ge "$lo" ] && [ "$got" -le "$hi" ]; then
	ok "throughput $got kbit/s: at most 20% over ${rate_mbit} Mbit/s, at least half"
else
	not_ok "throughput $got kbit/s: at most 20% over ${rate_mbit} Mbit/s, at least half"
fi
guest_destroy r1
