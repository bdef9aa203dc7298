# SPDX-License-Identifier: GPL-2.0
# What the block backend offers and what it does with it: xenstore
# features, persistent grants, a multi-page ring and two queues, flush,
# discard, read-only disks.  Statistics are checked for
# xenpv_blkback; the data checks hold for either backend.
. /xenpv/tests/blk-hostile/lib.sh

# With the in-tree frontend, the guest boots without it and loads it with
# a 4-page ring and 2 queues asked for (loaded once, with its parameters:
# unbinding a bound in-tree blkfront blocked the guest in earlier runs).
opts=""
[ "$XENPV_BLKFRONT" = intree ] && opts="extra=xenpv.blkfront=none"
if ! start_guest bf1 vcpus=2 vif=none $opts; then
	not_ok "guest with 2 vcpus boots"
	return
fi
ok "guest with 2 vcpus boots"
id=$(guest_domid bf1)
be=/local/domain/0/backend/vbd/$id/51712
rd() { xenstore-read "$be/$1" 2>/dev/null; }

if [ "$XENPV_BLKFRONT" = intree ]; then
	is "backend waits in InitWait with no frontend loaded" \
		"$(backend_state "$id" vbd 51712)" 2
	gexec bf1 '(modprobe xen_blkfront max_queues=2 max_ring_page_order=2 max_indirect_segments=64;
		echo modprobe=$?) >/run/load.log 2>&1 &' >/dev/null
	if ! check "xvda appears once xen_blkfront is loaded" \
		wait_for 150 gexec bf1 'test -b /dev/xvda'; then
		diag "backend state $(backend_state "$id" vbd 51712), frontend state $(xenstore-read /local/domain/$id/device/vbd/51712/state)"
		GEXEC_TIMEOUT=20 gexec bf1 'cat /run/load.log; dmesg | tail -n 30' | sed 's/^/# guest: /'
		guest_destroy bf1
		return
	fi
	is "frontend chose 2 queues" \
		"$(xenstore-read /local/domain/$id/device/vbd/51712/multi-queue-num-queues 2>/dev/null)" 2
	is "frontend chose ring-page-order 2" \
		"$(xenstore-read /local/domain/$id/device/vbd/51712/ring-page-order 2>/dev/null)" 2
fi
is "backend Connected" "$(backend_state "$id" vbd 51712)" 4
is "feature-flush-cache offered" "$(rd feature-flush-cache)" 1
is "feature-persistent offered" "$(rd feature-persistent)" 1
is "feature-discard offered (loop on tmpfs can punch holes)" "$(rd feature-discard)" 1
diag "discard-granularity $(rd discard-granularity) discard-alignment $(rd discard-alignment) discard-secure $(rd discard-secure)"
check "max-ring-page-order offered" test -n "$(rd max-ring-page-order)"
check "multi-queue-max-queues offered" test -n "$(rd multi-queue-max-queues)"
check "feature-max-indirect-segments offered" test -n "$(rd feature-max-indirect-segments)"
if xenpv_backend; then
	is "max-ring-page-order is 4" "$(rd max-ring-page-order)" 4
	is "feature-max-indirect-segments is 256" "$(rd feature-max-indirect-segments)" 256
	sys=$(bk_sysfs "$id" 51712)
	is "persistent grants negotiated" "$(cat "$sys/persistent")" 1
	if [ "$XENPV_BLKFRONT" = intree ]; then
		is "backend serves 2 queues" "$(cat "$sys/nr_queues")" 2
		is "each ring has 128 slots (4 pages)" "$(cat "$sys/ring_slots")" 128
	fi
fi

want=$(gexec bf1 'dd if=/dev/urandom of=/run/d bs=1M count=16 2>/dev/null; sha256sum </run/d | cut -d" " -f1')
gexec bf1 'dd if=/run/d of=/dev/xvda bs=1M seek=4 oflag=direct 2>/dev/null; sync'
got=$(gexec bf1 'dd if=/dev/xvda bs=1M skip=4 count=16 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')
is "16 MiB round trip" "$got" "$want"
got=$(gexec bf1 'dd if=/dev/xvda bs=4k skip=1023 count=2050 iflag=direct 2>/dev/null | tail -c +4097 | head -c 8388608 | sha256sum | cut -d" " -f1')
want8=$(gexec bf1 'head -c 8388608 /run/d | sha256sum | cut -d" " -f1')
is "unaligned 4 KiB reads across the same data" "$got" "$want8"
gexec bf1 'dd if=/run/d of=/dev/xvda bs=1M seek=30 count=1 oflag=direct conv=fsync 2>/dev/null' >/dev/null
if xenpv_backend; then
	check "flushes reached the backend (f_req > 0)" test "$(bk_stat "$id" 51712 f_req)" -gt 0
	check "writes counted (wr_sect >= 32768)" test "$(bk_stat "$id" 51712 wr_sect)" -ge 32768
	check "reads counted (rd_sect >= 32768)" test "$(bk_stat "$id" 51712 rd_sect)" -ge 32768
	pg=$(bk_stat "$id" 51712 persistent_grants)
	diag "persistent grants mapped: $pg, grants mapped: $(bk_stat "$id" 51712 mapped_grants)"
	check "persistent grants in use" test "${pg:-0}" -gt 0
	is "no request rejected" "$(bk_stat "$id" 51712 bad_req)" 0
fi

if gexec bf1 'command -v blkdiscard' >/dev/null; then
	check "blkdiscard of 2 MiB" gexec bf1 'blkdiscard -o 4194304 -l 2097152 /dev/xvda'
	# blkverify reads with O_DIRECT and counts non-zero 4 KiB blocks
	# (the busybox tr pipeline used before could not delete NULs)
	is "discarded range reads back as zeros" \
		"$(gexec bf1 "/xenpv/bin/blkverify zero /dev/xvda 1024 512")" "nonzero 0 of 512"
	if xenpv_backend; then
		check "discard counted (ds_req > 0)" test "$(bk_stat "$id" 51712 ds_req)" -gt 0
	fi
else
	ok "# SKIP no blkdiscard in the guest"
fi

# a read-only second disk
img=/run/xenpv/bf1-ro.img
dd if=/dev/urandom of="$img" bs=1M count=8 2>/dev/null
sum=$(sha256sum <"$img" | cut -d' ' -f1)
check "block-attach a read-only xvdb" $XL block-attach bf1 "format=raw, vdev=xvdb, access=ro, target=$img"
check "xvdb appears" wait_for 30 gexec bf1 'test -b /dev/xvdb'
is "backend tells the frontend info=VDISK_READONLY" \
	"$(xenstore-read "/local/domain/0/backend/vbd/$id/51728/info")" 4
is "guest sees xvdb read-only" "$(gexec bf1 'cat /sys/block/xvdb/ro')" 1
got=$(gexec bf1 'dd if=/dev/xvdb bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')
is "read-only disk reads back the image" "$got" "$sum"
gexec bf1 'blockdev --setrw /dev/xvdb 2>/dev/null; dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct 2>/dev/null' >/dev/null
is "a write forced through fails, image unchanged" "$(sha256sum <"$img" | cut -d' ' -f1)" "$sum"
guest_destroy bf1
check "guest destroyed" _guest_gone bf1
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
		"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
no_dom0_splat "no kernel warning in dom0"
