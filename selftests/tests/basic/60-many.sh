# SPDX-License-Identifier: GPL-2.0
# Many devices: one guest with 16 vbds and 8 vifs, all carrying verified
# I/O at once; 8 vbds and 4 vifs detached and attached again.  Grant usage
# is read back at each step: the guest's devices (`grants` of each xenbus
# device, xenpv frontends only), its grant table (frames set up and its
# limit, from Xen: gntquery) and dom0's mappings of them (xenpv_blkback's
# `mapped_grants`, xenpv_netback's `tx_mapped_pages`).

g=many
NVBD=16 NVIF=8
BLOCKS=1024		# 4 KiB blocks a disk: 4 MiB images on dom0's tmpfs
NETBYTES=2097152	# TCP bytes each vif carries to dom0
GPF=512			# v1 grant entries in a 4 KiB frame
letters=abcdefghijklmnop

vdev() { echo "xvd${letters:$1:1}"; }
# the disk spec of disk $1: its loop device, set up here, through
# many-block (below)
dspec() {
	echo "format=raw, vdev=$(vdev "$1"), access=rw, script=$HP, target=${loop[$1]}"
}
img() { echo "/run/xenpv/many$1.img"; }
mac() { printf '00:16:3e:6d:00:%02x' "$1"; }
since() { echo "$1 $EPOCHREALTIME" | awk '{printf "%.1f", $2 - $1}'; }

# waitall: wait for each of $pids (xl commands in the background); nfail
# says how many failed (their output goes out as diag lines)
waitall() {
	local p
	nfail=0
	for p in $pids; do
		wait "$p" || nfail=$((nfail + 1))
	done
	pids=""
	[ "$nfail" = 0 ] || cat /run/xenpv/many.xl* | sed 's/^/# xl: /'
}

# count_is CMD N: CMD in the guest prints N
count_is() { [ "$(gexec $g "$1")" = "$2" ]; }

# sum of the numbers in the second column of "name value" lines
# matching $1 (empty when a device has no value)
colsum() {
	echo "$2" | awk -v p="$1" '$1 ~ p { if ($2 == "") bad = 1; s += $2 }
		END { if (!bad) print s + 0 }'
}

# guest_grants: "device grants" for each of the guest's vbds and vifs
guest_grants() {
	gexec $g 'cd /sys/bus/xen/devices && for d in vbd-* vif-*; do
		[ -e "$d" ] && echo "$d $(cat $d/grants 2>/dev/null)"; done'
}

# bk_mapped: grants xenpv_blkback has mapped for the guest's vbds
bk_mapped() {
	local f s=0
	for f in /sys/bus/xen-backend/devices/vbd-"$id"-*/statistics/mapped_grants; do
		[ -e "$f" ] || continue
		s=$((s + $(cat "$f")))
	done
	echo "$s"
}

# nb_mapped: TX pages xenpv_netback has mapped for the guest's vifs
nb_mapped() {
	local f s=0
	for f in /sys/class/net/vif"$id".*/xenpv/tx_mapped_pages; do
		[ -e "$f" ] || continue
		s=$((s + $(cat "$f")))
	done
	echo "$s"
}

# vif_setup K...: give the guest's NIC of MAC K the address
# 198.18.K.2/24 (its own subnet: replies leave through the NIC a
# request came in on; arp_ignore keeps the other NICs from answering)
vif_setup() {
	local k s=""
	for k in "$@"; do
		s="$s e=; for n in /sys/class/net/eth*; do
			[ \"\$(cat \$n/address)\" = $(mac "$k") ] && e=\${n##*/}; done
			[ -n \"\$e\" ] && ip link set \$e up &&
			ip addr add 198.18.$k.2/24 dev \$e && echo $k \$e;"
	done
	gexec $g "echo 1 >/proc/sys/net/ipv4/conf/all/arp_ignore
		echo 2 >/proc/sys/net/ipv4/conf/all/arp_announce; $s"
}

# load "DISKS" "VIFS" SEED: write and verify every disk in DISKS and send
# NETBYTES over every vif in VIFS, all at once; results ok/not_ok
load() {
	local disks=$1 vifs=$2 seed=$3 i k s="" out t rx
	for k in $vifs; do
		rm -f /run/xenpv/many.rdy$k
		netflood tcp-recv $((5100 + k)) -m 30 -r /run/xenpv/many.rdy$k \
			>/run/xenpv/many.rcv$k 2>&1 &
		eval "rx$k=\$(cat /sys/class/net/vif$id.$k/statistics/rx_bytes)"
	done
	for k in $vifs; do
		wait_for 10 test -e /run/xenpv/many.rdy$k
	done
	for i in $disks; do
		s="$s (blkverify write /dev/$(vdev "$i") $((seed + i)) 0 $BLOCKS &&
			blkverify verify /dev/$(vdev "$i") $((seed + i)) 0 $BLOCKS
			echo \$? >/run/bv$i) >/dev/null 2>&1 &"
	done
	for k in $vifs; do
		s="$s netflood tcp-send 198.18.$k.1 $((5100 + k)) $NETBYTES $((seed + k)) \
			>/run/nf$k 2>&1 &"
	done
	t=$EPOCHREALTIME
	GEXEC_TIMEOUT=120 gexec $g "$s wait" >/dev/null
	wait
	diag "$(echo "$disks" | wc -w) disks and $(echo "$vifs" | wc -w) vifs loaded at once: took $(since "$t") s"
	# one gexec for all results: each costs about a second under TCG
	out=$(gexec $g "for i in $disks; do echo \"bv\$i \$(cat /run/bv\$i 2>/dev/null)\"; done
		for k in $vifs; do echo \"nf\$k \$(cat /run/nf\$k)\"; done")
	for i in $disks; do
		is "$(vdev "$i"): $BLOCKS blocks written and verified (seed $((seed + i)))" \
			"$(echo "$out" | awk -v d="bv$i" '$1 == d {print $2}')" 0
	done
	for k in $vifs; do
		eval "rx=\$rx$k"
		s=$(echo "$out" | sed -n "s/^nf$k //p")
		check "vif $k: $NETBYTES bytes to 198.18.$k.1, checksums match" \
			transfer_ok "$s" "$(cat /run/xenpv/many.rcv$k)" "$NETBYTES"
		rx=$(($(cat /sys/class/net/vif$id.$k/statistics/rx_bytes) - rx))
		check "vif$id.$k carried it in dom0 ($rx bytes)" \
			test "$rx" -ge "$NETBYTES"
	done
}

# grant_report WHEN: the figures of this moment as diag lines; sets
# vbd_g, vif_g (empty with in-tree frontends), frames, maxf, bk
grant_report() {
	local q
	gl=$(guest_grants)
	vbd_g=$(colsum '^vbd-' "$gl")
	vif_g=$(colsum '^vif-' "$gl")
	q=$(/xenpv/bin/gntquery "$id")
	frames=$(field frames "$q")
	maxf=$(field max_frames "$q")
	bk=$(bk_mapped)
	diag "grants $1: guest vbds ${vbd_g:-n/a} + vifs ${vif_g:-n/a}" \
		"(ceil/$GPF: $(( (${vbd_g:-0} + ${vif_g:-0} + GPF - 1) / GPF )) frames);" \
		"guest table ${frames:-?} of ${maxf:-?} frames (Xen, v$(field version "$q"));" \
		"dom0 blkback mapped $bk, netback tx mapped $(nb_mapped)"
}

t0=$EPOCHREALTIME
bk0=$(cat /sys/module/xenpv_blkback/parameters/mapped_grants 2>/dev/null)
all_d=$(echo $(seq 0 $((NVBD - 1))))
all_v=$(echo $(seq 0 $((NVIF - 1))))
half_d=$(echo $(seq $((NVBD / 2)) $((NVBD - 1))))
half_v=$(echo $(seq $((NVIF / 2)) $((NVIF - 1))))

# The disks are loop devices set up here, and their hotplug script only
# tells the backend which device it is: the stock block script, run once
# a disk under its global lock, made this guest's xl create take most of
# a minute under TCG.
HP=/run/xenpv/many-block
cat >"$HP" <<'SH'
#!/bin/sh
# basic/60's block hotplug script: params is a block device already
[ "$1" = add ] || exit 0
dev=$(xenstore-read "$XENBUS_PATH/params") || exit 1
xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c %t:%T "$dev")" \
	"$XENBUS_PATH/physical-device-path" "$dev" \
	"$XENBUS_PATH/hotplug-status" connected
SH
chmod +x "$HP"
declare -a loop
disks="" vifs=""
for i in $all_d; do
	rm -f "$(img "$i")"
	truncate -s $((BLOCKS * 4))K "$(img "$i")"
	loop[$i]=$(losetup -f --show "$(img "$i")")
	disks="$disks${disks:+, }'$(dspec "$i")'"
done
for k in $all_v; do
	vifs="$vifs${vifs:+, }'mac=$(mac "$k"),bridge=xenbr0'"
	ip addr add 198.18.$k.1/24 dev xenbr0
done
# cleanup: what dom0 got for the test (loop devices, images, addresses)
cleanup() {
	for k in $all_v; do
		ip addr del 198.18.$k.1/24 dev xenbr0
	done
	for i in $all_d; do
		losetup -d "${loop[$i]}"
		rm -f "$(img "$i")"
	done
	rm -f "$HP"
}
if ! guest_create $g disk="$disks" vif="$vifs"; then
	not_ok "guest with $NVBD vbds and $NVIF vifs boots"
	guest_destroy $g
	cleanup
	return
fi
ok "guest with $NVBD vbds and $NVIF vifs boots"
diag "created with $NVBD vbds and $NVIF vifs: took $(since "$t0") s"
id=$(guest_domid $g)

want_bd=$([ "$XENPV_BLKFRONT" = xenpv ] && echo xenpv_blkfront || echo vbd)
want_nd=$([ "$XENPV_NETFRONT" = xenpv ] && echo xenpv_netfront || echo vif)
is "$NVBD disks, all driven by $want_bd" \
	"$(gexec $g 'for d in /sys/block/xvd*; do basename $(readlink $d/device/driver); done' |
		grep -cx "$want_bd")" $NVBD
is "$NVIF NICs, all driven by $want_nd" \
	"$(gexec $g 'for d in /sys/class/net/eth*; do basename $(readlink $d/device/driver); done' |
		grep -cx "$want_nd")" $NVIF
is "each NIC has its own address" \
	"$(vif_setup $all_v | grep -c ' eth')" $NVIF

load "$all_d" "$all_v" 100

grant_report "under $NVBD vbds + $NVIF vifs"
check "Xen reports the guest's grant table (frames $frames of $maxf)" \
	test -n "$frames" -a -n "$maxf"
if [ -n "$vbd_g" ] && [ -n "$vif_g" ]; then
	check "the devices' $((vbd_g + vif_g)) grants fit in the table's $((frames * GPF)) entries" \
		test $((vbd_g + vif_g)) -le $((frames * GPF)) -a "$frames" -le "$maxf"
	# persistent: every pool page stays granted, so a disk holds its
	# rings' pages and its pool, no more, no less
	s=$(gexec $g 'cd /sys/bus/xen/devices && for d in vbd-*; do
		[ "$(cat $d/persistent_grants)" = 1 ] || continue
		r=$(( $(cat $d/nr_queues) << $(cat $d/ring_page_order) ))
		p=$(cat $d/statistics/pool_pages)
		[ "$(cat $d/grants)" = $((r + p)) ] || echo "$d $(cat $d/grants) != $r + $p"
		done')
	is "each persistent vbd's grants = ring pages + pool pages" "$s" ""
	s=$(gexec $g 'cd /sys/bus/xen/devices && for d in vif-*; do
		q=$(cat $d/net/*/xenpv/queues)
		[ "$(cat $d/grants)" = $((q * 514)) ] || echo "$d $(cat $d/grants) != $q x 514"
		done')
	is "each vif holds 514 grants a queue (2 rings, 256 TX + 256 RX)" "$s" ""
	[ -n "$bk0" ] && check "dom0 maps no more of the guest's vbd grants ($bk) than it holds ($vbd_g)" \
		test "$bk" -le "$vbd_g"
else
	skip "per-device grant counts" "no grants attribute (frontends $XENPV_BLKFRONT/$XENPV_NETFRONT)"
fi

# detach half: xvdi..xvdp, vifs 4..7
t=$EPOCHREALTIME
gone_g=$(echo "$gl" | awk -v n=$((NVBD / 2)) -v m=$((NVIF / 2)) '
	$1 ~ /^vbd-/ { split($1, a, "-"); if (a[2] >= 51712 + 16 * n) s += $2 }
	$1 ~ /^vif-/ { split($1, a, "-"); if (a[2] >= m) s += $2 }
	END { print s + 0 }')
for i in $half_d; do
	$XL block-detach $g "$(vdev "$i")" >/run/xenpv/many.xl$i 2>&1 &
	pids="$pids $!"
done
for k in $half_v; do
	$XL network-detach $g "$k" >/run/xenpv/many.xlv$k 2>&1 &
	pids="$pids $!"
done
waitall
is "xl block-detach of 8 vbds, network-detach of 4 vifs (at once)" "$nfail" 0
check "guest has $((NVBD / 2)) disks left" wait_for 30 \
	count_is 'ls -d /sys/block/xvd* | wc -l' $((NVBD / 2))
check "guest has $((NVIF / 2)) NICs left" wait_for 30 \
	count_is 'ls -d /sys/class/net/eth* | wc -l' $((NVIF / 2))
check "dom0: their backends are gone" wait_for 30 sh -c \
	"[ \$(ls /sys/bus/xen-backend/devices | grep -c '^vbd-$id-') = $((NVBD / 2)) ] &&
	 [ \$(ls /sys/bus/xen-backend/devices | grep -c '^vif-$id-') = $((NVIF / 2)) ] &&
	 ! ls /sys/class/net | grep -q '^vif$id\.[4-7]\$'"
diag "detached 8 vbds and 4 vifs: took $(since "$t") s"
if [ -n "$vbd_g" ] && [ -n "$vif_g" ]; then
	before=$((vbd_g + vif_g))
	grant_report "after the detach"
	is "guest grants dropped by what the detached devices held ($gone_g)" \
		$((vbd_g + vif_g)) $((before - gone_g))
else
	grant_report "after the detach"
fi

# attach them again: the old data is there, new I/O verifies
t=$EPOCHREALTIME
for i in $half_d; do
	$XL block-attach $g "$(dspec "$i")" \
		>/run/xenpv/many.xl$i 2>&1 &
	pids="$pids $!"
done
waitall
# one at a time: libxl refused three of four network-attach run at once
# ("device already exists in xenstore")
for k in $half_v; do
	$XL network-attach $g "mac=$(mac "$k"),bridge=xenbr0,devid=$k" \
		>/run/xenpv/many.xlv$k 2>&1 || nfail=$((nfail + 1))
done
[ "$nfail" = 0 ] || cat /run/xenpv/many.xlv* | sed 's/^/# xl: /'
is "xl block-attach of 8 vbds (at once), network-attach of 4 vifs" "$nfail" 0
check "guest has $NVBD disks again" wait_for 30 \
	count_is 'ls -d /sys/block/xvd* | wc -l' $NVBD
check "guest has $NVIF NICs again" wait_for 30 \
	count_is 'ls -d /sys/class/net/eth* | wc -l' $NVIF
diag "attached 8 vbds and 4 vifs again: took $(since "$t") s"
s=""
for i in $half_d; do
	s="$s blkverify verify /dev/$(vdev "$i") $((100 + i)) 0 $BLOCKS >/dev/null 2>&1 || echo $(vdev "$i");"
done
is "re-attached disks hold the data written before the detach" "$(gexec $g "$s")" ""
is "re-attached NICs get their addresses" "$(vif_setup $half_v | grep -c ' eth')" $((NVIF / 2))
load "$half_d" "$half_v" 200
grant_report "after the re-attach and its I/O"
if [ -n "$vbd_g" ] && [ -n "$vif_g" ]; then
	check "the devices' $((vbd_g + vif_g)) grants fit in the table's $((frames * GPF)) entries" \
		test $((vbd_g + vif_g)) -le $((frames * GPF)) -a "$frames" -le "$maxf"
fi

t=$EPOCHREALTIME
guest_destroy $g
check "guest destroyed" _guest_gone $g
check "no vbd or vif backend of the guest left in dom0" wait_for 30 sh -c \
	"! ls /sys/bus/xen-backend/devices | grep -q '^v[bi][df]-$id-' &&
	 ! xenstore-exists /local/domain/0/backend/vbd/$id &&
	 ! xenstore-exists /local/domain/0/backend/vif/$id"
if [ -n "$bk0" ]; then
	is "xenpv_blkback's mapped grants back to $bk0" \
		"$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)" "$bk0"
fi
diag "destroyed: took $(since "$t") s"
cleanup
diag "60-many: $NVBD vbds + $NVIF vifs took $(since "$t0") s"
