# SPDX-License-Identifier: GPL-2.0
# Hot-unplug: xl block-detach of an idle disk and of a disk under I/O;
# nothing hangs, the disk goes away, re-attach works and sees the data.
. /xenpv/tests/blk/lib.sh
blk_want 70 || return 0

hp=/run/xenpv/blk-hp.img
id=$(guest_domid blk)
rm -f "$hp"
dd if=/dev/zero of="$hp" bs=1M count=0 seek=32 2>/dev/null

check "block-attach xvdb" \
	$XL block-attach blk "format=raw, vdev=xvdb, access=rw, target=$hp"
check "xvdb appears in the guest" wait_for 30 gexec blk 'test -b /dev/xvdb'
is "xvdb has 32 MiB" "$(gexec blk 'cat /sys/block/xvdb/size')" 65536
is "pattern written on xvdb" "$(gexec blk "$BV write /dev/xvdb 71 --fsync")" "wrote 8192"
check "idle block-detach returns" timeout 60 $XL block-detach blk xvdb
check "xvdb is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdb'
check "backend vbd removed from xenstore" \
	wait_for 30 sh -c "! xenstore-exists /local/domain/0/backend/vbd/$id/$XVDB"
check "the pattern is in the image after detach" $BV verify "$hp" 71

check "block-attach xvdb again" \
	$XL block-attach blk "format=raw, vdev=xvdb, access=rw, target=$hp"
check "xvdb is back" wait_for 30 gexec blk 'test -b /dev/xvdb'
is "re-attached xvdb reads the pattern" \
	"$(gexec blk "$BV verify /dev/xvdb 71")" "bad 0 of 8192"

# now under load: two jobs of random I/O, detach in the middle
gexec blk "$BV random /dev/xvdb 73 2 1000000 32 >/run/hp.log 2>&1 &" >/dev/null
sleep 3
check "I/O is running on xvdb" gexec blk 'pidof blkverify'
check "block-detach under I/O returns" timeout 90 $XL block-detach blk xvdb
check "xvdb is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdb'
check "the load generator ends (its I/O failed or finished, none hangs)" \
	wait_for 60 gexec blk '! pidof blkverify'
diag "load generator: $(gexec blk 'tail -n 3 /run/hp.log' | tr '\n' ' ')"
check "the guest still answers" gexec blk 'true'
check "guest kernel log has no oops or warning" guest_clean blk

check "block-attach xvdb a third time" \
	$XL block-attach blk "format=raw, vdev=xvdb, access=rw, target=$hp"
check "xvdb is back" wait_for 30 gexec blk 'test -b /dev/xvdb'
is "a fresh pattern is written and read back" \
	"$(gexec blk "$BV write /dev/xvdb 74 --fsync >/dev/null && $BV verify /dev/xvdb 74")" \
	"bad 0 of 8192"
check "block-detach xvdb" timeout 60 $XL block-detach blk xvdb
check "dom0 finds the fresh pattern in the image" $BV verify "$hp" 74
