# SPDX-License-Identifier: GPL-2.0
# A guest trying to send faster than the rate= of its vif spec: the
# credit limit holds it to the configured rate (on average), the data
# still arrives intact.
. /xenpv/tests/net-hostile/lib.sh

if ! guest_create r1 disk=none \
	"vif='mac=00:16:3e:00:05:01,bridge=xenbr0,rate=2Mb/s'"; then
	not_ok "guest r1 boots with a rate-limited vif"
	return
fi
id=$(guest_domid r1)
rate=$(xenstore-read "/local/domain/0/backend/vif/$id/0/rate")
diag "rate node: $rate"
is "libxl wrote the rate node (2 Mb/s over 50 ms)" "$rate" "12500,50000"
wait_for 20 gexec r1 "ping -c 1 -W 2 $DOM0_IP"

bytes=3000000
rf=/run/xenpv/rate
rm -f $rf.ready
$NF tcp-recv 5401 -m 200 -r $rf.ready >$rf.out 2>&1 &
rpid=$!
wait_for 10 test -e $rf.ready
snd=$(GEXEC_TIMEOUT=200 gexec r1 "$NF tcp-send $DOM0_IP 5401 $bytes 9")
wait $rpid
rcv=$(cat $rf.out)
secs=$(field secs "$snd")
if [ "$(field sum "$snd")" = "$(field sum "$rcv")" ] &&
   [ "$(field received "$rcv")" = $bytes ]; then
	ok "rate-limited transfer intact ($bytes bytes in $secs s)"
else
	not_ok "rate-limited transfer intact"
	diag "sender: $snd"
	diag "receiver: $rcv"
fi
# 3 MB at 250 kB/s is 12 s; allow the initial burst and timer slack
s=${secs%%.*}
if [ "${s:-0}" -ge 9 ]; then
	ok "rate limit holds: $secs s >= 9 s for $bytes bytes at 2 Mb/s"
else
	not_ok "rate limit holds: $secs s >= 9 s for $bytes bytes at 2 Mb/s"
fi
if nb_xenpv; then
	w=$(vif_stat "vif$id.0" tx_credit_waits)
	if [ "${w:-0}" -gt 0 ]; then
		ok "credit waits counted ($w)"
	else
		not_ok "credit waits counted ('$w')"
	fi
fi
guest_destroy r1
