# SPDX-License-Identifier: GPL-2.0
# Online resize, on a phy: disk (a loop device of dom0's own): grown in
# dom0 (file grown, then `losetup -c`) while the guest writes to it, the
# guest sees the new size without reconnecting, the writer loses nothing,
# the new range carries data to the same offsets of the file; an ext4 on
# it grows online with resize2fs; a shrink is seen too; sizes a backend
# must not give are refused (xenpv_blkfront).  Then two partitions on the
# same disk: xvdb1 and xvdb2, their minors, their data at the right
# offsets of the file.
. /xenpv/tests/blk/lib.sh
blk_want 45 || return 0
blk_resize_pair "online resize, ext4 grown, partitions" || return 0

rs=/run/xenpv/blk-rs.img
id=$(guest_domid blk)
be=/local/domain/0/backend/vbd/$id/$XVDB
bk=/sys/bus/xen-backend/devices/vbd-$id-$XVDB

# rs_size MIB: grow or shrink the file and tell its loop device
rs_size() { truncate -s "$1M" "$rs" && losetup -c "$rs_loop"; }
# rs_sees SECTORS: the guest's xvdb has that size
rs_sees() { [ "$(gexec blk 'cat /sys/block/xvdb/size')" = "$1" ]; }
# glog_count TEXT: lines of the guest's kernel log holding TEXT
glog_count() { gexec blk "dmesg | grep -cF '$1'"; }
# glog_more TEXT N: more than N such lines
glog_more() { [ "$(glog_count "$1")" -gt "$2" ]; }

rm -f "$rs"
# the ext4 tools travel at the start of the disk (selftests/lab/initramfs.sh)
[ -f /xenpv/ext4tools.tar ] && cp /xenpv/ext4tools.tar "$rs"
truncate -s 32M "$rs"
rs_loop=$(losetup -f --show "$rs")
check "block-attach a 32 MiB phy: xvdb ($rs_loop)" \
	$XL block-attach blk "format=raw, vdev=xvdb, access=rw, target=$rs_loop"
if ! wait_for 30 gexec blk 'test -b /dev/xvdb'; then
	not_ok "xvdb appears in the guest"
	blk_diag blk
	losetup -d "$rs_loop"
	return
fi
ok "xvdb appears in the guest"
is "xvdb has 32 MiB" "$(gexec blk 'cat /sys/block/xvdb/size')" 65536

e4=0
if [ -f /xenpv/ext4tools.tar ] && gexec blk 'mkdir -p /run/e4 && tar -xf /dev/xvdb -C /run/e4 &&
	cd /run/e4 && for m in $(cat modules.order); do
		grep -q "^${m%.ko} " /proc/modules || insmod ./$m || exit 1
	done' >/dev/null; then
	e4=1
fi

# -- grow under a writer: 32 -> 64 MiB --
gexec blk "rm -f /run/rs.rc; ($BV random /dev/xvdb 45 2 300 16 >/run/rs.log 2>&1
	echo \$? >/run/rs.rc) >/dev/null 2>&1 &" >/dev/null
check "a writer runs on xvdb" wait_for 10 gexec blk 'pidof blkverify'
t0=${EPOCHREALTIME/./}
rs_size 64
check "the guest sees 64 MiB without reconnecting" wait_for 30 rs_sees 131072
diag "new size seen in the guest $(((${EPOCHREALTIME/./} - t0) / 1000)) ms after losetup -c"
check "the writer was still running then" gexec blk 'pidof blkverify'
is "backend's sectors in xenstore" "$(xenstore-read "$be/sectors")" 131072
is "backend and frontend still Connected" \
	"$(xenstore-read "$be/state")/$(fe_node blk $XVDB state)" "4/4"
is "the guest's block layer logged the change once" \
	"$(glog_count 'xvdb: detected capacity change from 65536 to 131072')" 1
if xenpv_front; then
	is "xenpv_blkfront logged one line" \
		"$(glog_count 'xvdb: resized online from 65536 to 131072 sectors')" 1
	is "xenpv_blkfront did not reconnect" "$(fe_sys blk $XVDB reconnects)" 0
fi
if [ "$XENPV_BLKBACK" = xenpv ]; then
	is "xenpv_blkback: sysfs resizes" "$(cat "$bk/resizes")" 1
	check "xenpv_blkback logged the resize" \
		sh -c "dmesg | grep -q 'domain $id: backing .* resized from 65536 to 131072 sectors'"
fi
check "the writer finished" wait_for 120 gexec blk 'test -s /run/rs.rc'
diag "writer: $(gexec blk 'tail -n 2 /run/rs.log' | tr '\n' ' ')"
is "the writer's I/O across the resize all verified" "$(gexec blk 'cat /run/rs.rc')" 0

# the new range: the 1 MiB past the old end and the last 1 MiB
is "1 MiB written past the old end" \
	"$(gexec blk "$BV write /dev/xvdb 46 8192 256")" "wrote 256"
is "the last 1 MiB written" "$(gexec blk "$BV write /dev/xvdb 47 16128 256")" "wrote 256"
is "both read back in the guest" \
	"$(gexec blk "$BV verify /dev/xvdb 46 8192 256 && $BV verify /dev/xvdb 47 16128 256" | tr '\n' ' ')" \
	"bad 0 of 256 bad 0 of 256"
check "dom0 finds them at the same offsets of the file" \
	sh -c "$BV verify $rs 46 8192 256 && $BV verify $rs 47 16128 256"

# -- sizes a backend must not give (the block layer takes any u64) --
if xenpv_front; then
	n=0
	for v in 18446744073709551615 18014398509481984 -5 abc; do
		case $v in
		-* | abc) want="xvdb: unreadable sectors from the backend" ;;
		*) want="xvdb: refusing new size of $v sectors" ;;
		esac
		n0=$(glog_count "$want")
		xenstore-write -- "$be/sectors" "$v"	# -5 is no option
		xenstore-write "$be/state" 4
		wait_for 10 glog_more "$want" "$n0" && n=$((n + 1))
	done
	is "xenpv_blkfront refused sectors 2^64-1, 2^54, -5 and abc (one line each)" "$n" 4
	check "size unchanged after them" rs_sees 131072
	xenstore-write "$be/sectors" 131072
	xenstore-write "$be/state" 4
	is "still Connected, never reconnected" \
		"$(fe_sys blk $XVDB connection)/$(fe_sys blk $XVDB reconnects)" "connected/0"
	check "I/O still works" gexec blk "$BV verify /dev/xvdb 47 16128 256"
fi

# -- ext4 grown online: 64 -> 96 MiB --
if [ $e4 = 1 ]; then
	E4='export LD_LIBRARY_PATH=/run/e4 MKE2FS_CONFIG=/run/e4/mke2fs.conf;'
	check "mke2fs -t ext4 on xvdb, mounted" gexec blk "$E4 /run/e4/mke2fs -q -F -t ext4 /dev/xvdb &&
		mkdir -p /run/rsfs && mount -t ext4 /dev/xvdb /run/rsfs"
	a=$(gexec blk 'dd if=/dev/urandom of=/run/rsfs/a bs=64k count=64 2>/dev/null && sync &&
		sha256sum </run/rsfs/a | cut -d" " -f1')
	kb0=$(gexec blk "df -k /run/rsfs | awk 'NR == 2 {print \$2}'")
	rs_size 96
	check "the guest sees 96 MiB" wait_for 30 rs_sees 196608
	check "resize2fs grows the mounted ext4" gexec blk "$E4 /run/e4/resize2fs /dev/xvdb"
	kb1=$(gexec blk "df -k /run/rsfs | awk 'NR == 2 {print \$2}'")
	diag "ext4 size ${kb0} KiB before, ${kb1} KiB after resize2fs"
	check "the filesystem grew by about 32 MiB" \
		test "$((${kb1:-0} - ${kb0:-0}))" -gt 30000
	b=$(gexec blk 'dd if=/dev/urandom of=/run/rsfs/b bs=64k count=64 2>/dev/null && sync &&
		sha256sum </run/rsfs/b | cut -d" " -f1')
	check "unmounted, e2fsck -fn finds it clean" gexec blk "umount /run/rsfs && $E4 /run/e4/e2fsck -fn /dev/xvdb"
	is "both files read back after a remount" \
		"$(gexec blk 'mount -t ext4 -o ro /dev/xvdb /run/rsfs && cat /run/rsfs/a | sha256sum | cut -d" " -f1;
			cat /run/rsfs/b | sha256sum | cut -d" " -f1; umount /run/rsfs' | tr '\n' ' ')" "$a $b"
else
	skip "ext4 grown online" "no ext4 tools in dom0's image"
	rs_size 96
	check "the guest sees 96 MiB" wait_for 30 rs_sees 196608
fi

# -- shrink: 96 -> 48 MiB --
rs_size 48
check "the guest sees the shrink to 48 MiB" wait_for 30 rs_sees 98304
if [ "$XENPV_BLKBACK" = xenpv ]; then
	is "xenpv_blkback: three resizes, sysfs sectors" \
		"$(cat "$bk/resizes") $(cat "$bk/sectors")" "3 98304"
fi

# -- two partitions --
check "fdisk makes two partitions (sectors 2048-34815, 34816-98303)" \
	gexec blk "printf 'o\nn\np\n1\n2048\n34815\nn\np\n2\n34816\n\nw\n' | fdisk -u /dev/xvdb >/dev/null 2>&1
		test -b /dev/xvdb1 && test -b /dev/xvdb2"
is "xvdb1 and xvdb2: minors 17 and 18 of xvdb's 16..31" \
	"$(gexec blk 'cat /sys/block/xvdb/xvdb1/dev /sys/block/xvdb/xvdb2/dev' | tr '\n' ' ')" \
	"202:17 202:18"
is "their start and size" \
	"$(gexec blk 'cd /sys/block/xvdb; cat xvdb1/start xvdb1/size xvdb2/start xvdb2/size' | tr '\n' ' ')" \
	"2048 32768 34816 63488"
is "data written on each partition, to its very end" \
	"$(gexec blk "$BV write /dev/xvdb1 48 && $BV write /dev/xvdb2 49 7680 256" | tr '\n' ' ')" \
	"wrote 4096 wrote 256"
dd if="$rs" of=/run/xenpv/rs-p1 bs=512 skip=2048 count=32768 2>/dev/null
dd if="$rs" of=/run/xenpv/rs-p2 bs=512 skip=34816 count=63488 2>/dev/null
check "dom0 finds xvdb1's data at sector 2048 of the file" $BV verify /run/xenpv/rs-p1 48
check "dom0 finds xvdb2's at sector 34816 plus its offset" \
	$BV verify /run/xenpv/rs-p2 49 7680 256
rm -f /run/xenpv/rs-p1 /run/xenpv/rs-p2

check "guest kernel log has no oops or warning" guest_clean blk
check "block-detach xvdb" timeout 60 $XL block-detach blk xvdb
check "xvdb is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdb'
losetup -d "$rs_loop"
rm -f "$rs"
