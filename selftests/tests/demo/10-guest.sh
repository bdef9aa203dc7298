# SPDX-License-Identifier: GPL-2.0
# `make lab`: one guest with a disk and a NIC, shown working.

diag "drivers: blkback=$XENPV_BLKBACK netback=$XENPV_NETBACK blkfront=$XENPV_BLKFRONT netfront=$XENPV_NETFRONT"
diag "dom0 modules: $(lsmod | awk 'NR > 1 && /xen|xenpv/ {printf "%s ", $1}')"
if ! guest_create demo; then
	not_ok "guest demo boots"
	return
fi
ok "guest demo boots (domid $(guest_domid demo))"
diag "guest modules: $(gexec demo "lsmod | awk 'NR > 1 {printf \"%s \", \$1}'")"
size=$(gexec demo 'cat /sys/block/xvda/size')
is "guest sees xvda of 64 MiB (131072 sectors)" "$size" 131072
sum=$(gexec demo 'dd if=/dev/urandom of=/run/p bs=1M count=8 2>/dev/null &&
	dd if=/run/p of=/dev/xvda bs=1M oflag=direct 2>/dev/null && sync &&
	a=$(sha256sum </run/p) &&
	b=$(dd if=/dev/xvda bs=1M count=8 iflag=direct 2>/dev/null | sha256sum) &&
	[ "$a" = "$b" ] && echo "$a"')
check "8 MiB written to xvda read back with the same sha256" [ -n "$sum" ]
diag "sha256 ${sum%% *}"
out=$(gexec demo 'ping -c 3 -W 5 192.0.2.1')
check "guest pings dom0 over its vif" gexec demo 'ping -c 3 -W 5 192.0.2.1 >/dev/null'
diag "$(echo "$out" | tail -n 1)"
check "dom0 pings guest" ping -c 3 -W 5 192.0.2.11
guest_destroy demo
check "guest destroyed" _guest_gone demo
