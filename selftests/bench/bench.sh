#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: BENCH_RUNS (default 3) lab runs of selftests/tests/bench,
# then a table of each figure's median and range with xenpv/in-tree and
# each/native ratios (out/bench.md).  BENCH_ARGS adds lab.sh options, e.g.
# BENCH_RUNS=1 BENCH_ARGS="--arg benchonly=tcp-to-dom0" for the guest-to-dom0
# row and its transmit-path counters alone.
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
# Under TCG one run's figures swing by 2x between runs (seen on these
# machines): BENCH_RUNS labs, the pair order flipped every other run so
# neither pair always goes first, and the table shows each figure's median
# with its range.
runs=${BENCH_RUNS:-3}
log "benchmarking pairs: $pairs (plus dom0 native), $runs runs"
rc=0
: >"$XENPV_OUT/bench.tap"
for i in $(seq 1 "$runs"); do
	order=$pairs
	[ $((i % 2)) = 0 ] && order=$(echo "$pairs" | tr + '\n' | tac | paste -sd+)
	log "bench run $i of $runs: $order"
	# shellcheck disable=SC2086 # BENCH_ARGS: lab.sh options, split on purpose
	"$lab/lab.sh" run bench --guest-kernel nobal --arg "benchpairs=$order" --timeout 2400 \
		${BENCH_ARGS:-} |
		tee -a "$XENPV_OUT/bench.tap"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
sed -n 's/^\[[^]]*\] # BENCH //p' "$XENPV_OUT/bench.tap" | awk -v date="$(date -u +%Y-%m-%d)" -v runs="$runs" '
{
	key = $2; unit[key] = $3; c = ++cnt[$1, key]; v[$1, key, c] = $4
	if (!(key in seen)) { seen[key] = 1; order[n++] = key }
}
# median of the runs of one figure (empty when none), and its range
function med(who, k,   m, i, j, t, a) {
	m = cnt[who, k]
	if (!m) { lo = hi = ""; return "" }
	for (i = 1; i <= m; i++) a[i] = v[who, k, i] + 0
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	lo = fmt(a[1]); hi = fmt(a[m])
	return fmt(m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2)
}
function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
function cell(who, k,   x) {
	x = med(who, k); mv[who] = x
	if (x == "") return ""
	return cnt[who, k] > 1 && lo != hi ? sprintf("%s (%s-%s)", x, lo, hi) : x
}
function r(a, b) { return (a != "" && b != "" && b + 0 > 0) ? sprintf("%.2f", a / b) : "-" }
END {
	printf "| workload | unit | native | in-tree | xenpv | xenpv/in-tree | in-tree/native | xenpv/native |\n"
	printf "| --- | --- | --- | --- | --- | --- | --- | --- |\n"
	for (i = 0; i < n; i++) {
		k = order[i]
		cn = cell("native", k); ci = cell("intree", k); cx = cell("xenpv", k)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", k, unit[k], cn, ci, cx,
			r(mv["xenpv"], mv["intree"]), r(mv["intree"], mv["native"]),
			r(mv["xenpv"], mv["native"])
	}
	printf "\n(%s, Xen 4.17 under QEMU TCG, 2 vCPUs; median of %d runs, (min-max) after it; ratios of the medians; ping-rtt and balloon times: lower is better; netloop-copies-per-frame: share of frames netloop copied; tcp-to-dom0:NAME/UNIT rows: counters of the guest transmit path over that run, per MiB or per frame; ethtool -S names of the vif, both drivers where mainline has the counter, the irq rows from /proc/interrupts of dom0 and the guest)\n", date, runs
}' | tee "$XENPV_OUT/bench.md"
exit "$rc"
