# SPDX-License-Identifier: GPL-2.0
# Data through both frontends: a disk round trip, pings, TCP both ways
# (xenpv.pvhrounds= rounds of 16 MiB each way, default 2).
. /xenpv/tests/pvh/lib.sh
guest_domid p1 >/dev/null || return 0

want=$(gexec p1 'dd if=/dev/urandom of=/run/d bs=1M count=16 2>/dev/null &&
	dd if=/run/d of=/dev/xvda bs=1M seek=8 oflag=direct 2>/dev/null &&
	sha256sum </run/d | cut -d" " -f1')
is "16 MiB written and read back with the same sha256" \
	"$(gexec p1 'dd if=/dev/xvda bs=1M skip=8 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')" \
	"$want"
echo "$want" >/run/xenpv/pvh.sum
gip=$(guest_ip p1)
check "guest pings dom0" gexec p1 "ping -c 3 -W 5 $DOM0_IP"
check "dom0 pings guest ($gip)" ping -c 3 -W 5 "$gip"
rounds=$(lab_arg pvhrounds)
bytes=$((16 * 1024 * 1024))
for r in $(seq 1 "${rounds:-2}"); do
	tcp_ok "round $r: TCP dom0 -> guest" "$bytes" \
		"$(tcp_from_dom0 p1 "$gip" 5002 "$bytes" $((20 + r)))" || { pvh_dump; break; }
	tcp_ok "round $r: TCP guest -> dom0" "$bytes" \
		"$(tcp_to_dom0 p1 5001 "$bytes" $((10 + r)))" || { pvh_dump; break; }
done
