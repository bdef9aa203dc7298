# SPDX-License-Identifier: GPL-2.0
# A 3 TiB disk (a sparse file: dom0's /run is tmpfs).  First played by
# blkhostile (a userspace frontend in the guest, the kernel's frontend
# kept off it): requests crossing or past the end are refused, the last
# sector and a read across sector 2^32 (2 TiB) are served.  Then the
# guest's frontend takes it: the exact size, data past 2 TiB and in the
# last 4 KiB, found by dom0 at the same byte offsets of the file.
. /xenpv/tests/blk/lib.sh
blk_want 46 || return 0
blk_resize_pair "3 TiB disk" || return 0

big=/run/xenpv/blk-big.img
XVDC=51744
SECTORS=6442450944		# 3 TiB
TIB2=536870912			# 2 TiB in 4 KiB blocks
LAST=$((SECTORS / 8 - 1))	# the last 4 KiB block
HS=$((4294967296 + 4096))	# where blkhostile writes: 2 TiB + 2 MiB
id=$(guest_domid blk)
be_initwait() { [ "$(backend_state "$id" vbd $XVDC)" = 2 ]; }

rm -f "$big"
truncate -s $((3 << 40)) "$big"	# busybox truncate takes no T suffix
# the last 64 KiB hold a pattern: what blkhostile's refused writes would hit
$BV write "$big" 60 $((LAST - 15)) 16 >/dev/null
# the next vbd stays without a driver, for blkhostile
blk_hold_probe blk
check "block-attach a 3 TiB xvdc" \
	$XL block-attach blk "format=raw, vdev=xvdc, access=rw, target=$big"
check "the backend waits in InitWait, no driver bound in the guest" \
	wait_for 30 be_initwait
out=$(GEXEC_TIMEOUT=120 gexec blk "test ! -e /sys/bus/xen/devices/vbd-$XVDC/driver &&
	blkhostile $XVDC edge $HS"); rc=$?
echo "$out" | sed 's/^/# /'
# the backend publishes sectors when it connects, as mainline's does
is "backend's sectors once connected: 3 TiB" \
	"$(echo "$out" | sed -n 's/^PASS connected to .* (\([0-9]*\) sectors.*/\1/p')" $SECTORS
is "blkhostile edge: every check passed" "$rc" 0
is "the backend is back in InitWait for the next frontend" \
	"$(backend_state "$id" vbd $XVDC)" 2
check "the refused writes changed nothing at the end of the file" \
	$BV verify "$big" 60 $((LAST - 15)) 16
blk_release_probe blk $XVDC
if ! wait_for 30 gexec blk 'test -b /dev/xvdc'; then
	blk_release_probe blk
	not_ok "the guest's frontend takes xvdc"
	blk_diag blk
	$XL block-detach blk xvdc
	rm -f "$big"
	return
fi
ok "the guest's frontend takes xvdc"
is "xvdc has exactly 3 TiB (/sys/block/xvdc/size)" \
	"$(gexec blk 'cat /sys/block/xvdc/size')" $SECTORS

# 32 KiB either side of 2 TiB (sector 2^32), and the last 4 KiB
is "written across 2 TiB and in the last 4 KiB" \
	"$(gexec blk "$BV write /dev/xvdc 61 $((TIB2 - 8)) 16 && $BV write /dev/xvdc 62 $LAST 1" | tr '\n' ' ')" \
	"wrote 16 wrote 1"
is "read back in the guest" \
	"$(gexec blk "$BV verify /dev/xvdc 61 $((TIB2 - 8)) 16 && $BV verify /dev/xvdc 62 $LAST 1" | tr '\n' ' ')" \
	"bad 0 of 16 bad 0 of 1"
check "dom0 finds both at the same byte offsets of the file" \
	sh -c "$BV verify $big 61 $((TIB2 - 8)) 16 && $BV verify $big 62 $LAST 1"
# blkhostile wrote bytes 0xa0, a1, a2, a3 in the 4 KiB blocks from HS
bytes=$(for i in 0 1 2 3; do
	dd if="$big" bs=4096 skip=$((HS / 8 + i)) count=1 2>/dev/null |
		od -An -v -tx1 | tr -s ' \n' '\n\n' | sed '/^$/d' | sort -u | tr '\n' ' '
done)
is "dom0 finds blkhostile's 16 KiB at sector $HS" "$bytes" "a0 a1 a2 a3 "
is "the guest reads the same there" \
	"$(gexec blk "dd if=/dev/xvdc bs=4096 skip=$((HS / 8 + 3)) count=1 iflag=direct 2>/dev/null |
		od -An -v -tx1 | tr -s ' \n' '\n\n' | sed '/^\$/d' | sort -u")" a3
check "guest kernel log has no oops or warning" guest_clean blk
check "block-detach xvdc" timeout 60 $XL block-detach blk xvdc
check "xvdc is gone from the guest" wait_for 30 gexec blk '! test -e /dev/xvdc'
check "dom0 still finds the last 4 KiB after detach" $BV verify "$big" 62 $LAST 1
diag "3 TiB file: $(du -k "$big" | cut -f1) KiB allocated"
rm -f "$big"
