#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: one lab run of selftests/tests/bench, then a table of the
# figures with xenpv/in-tree and each/native ratios (out/bench.md).
. "$(dirname "$0")/../lab/common.sh"
lab=$XENPV_TOP/selftests/lab
mkdir -p "$XENPV_OUT"
pairs=intree
all_xenpv=1
for ko in frontend/blkfront/xenpv_blkfront.ko:xen:vbd frontend/netfront/xenpv_netfront.ko:xen:vif \
	  blkback/xenpv_blkback.ko:xen-backend:vbd netback/xenpv_netback.ko:xen-backend:vif; do
	f=$XENPV_TOP/${ko%%:*}
	make -s -C "/usr/src/linux-headers-$XENPV_KVER" M="$(dirname "$f")" modules >/dev/null 2>&1
	modinfo -F alias "$f" 2>/dev/null | grep -qx "${ko#*:}" || all_xenpv=0
done
[ $all_xenpv = 1 ] && pairs=intree+xenpv
log "benchmarking pairs: $pairs (plus dom0 native)"
"$lab/lab.sh" run bench --guest-kernel nobal --arg "benchpairs=$pairs" --timeout 2400 | tee "$XENPV_OUT/bench.tap"
rc=${PIPESTATUS[0]}
sed -n 's/^\[[^]]*\] # BENCH //p' "$XENPV_OUT/bench.tap" | awk -v date="$(date -u +%Y-%m-%d)" '
{ key = $2; unit[key] = $3; v[$1, key] = $4; if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
function r(a, b) { return (a != "" && b != "" && b + 0 > 0) ? sprintf("%.2f", a / b) : "-" }
END {
	printf "| workload | unit | native | in-tree | xenpv | xenpv/in-tree | in-tree/native | xenpv/native |\n"
	printf "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
	for (i = 0; i < n; i++) {
		k = order[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", k, unit[k],
			v["native", k], v["intree", k], v["xenpv", k],
			r(v["xenpv", k], v["intree", k]), r(v["intree", k], v["native", k]),
			r(v["xenpv", k], v["native", k])
	}
	printf "\n(%s, Xen 4.17 under QEMU TCG, 2 vCPUs; ping-rtt and balloon times: lower is better; netloop-copies-per-frame: share of frames netloop copied)\n", date
}' | tee "$XENPV_OUT/bench.md"
exit "$rc"
