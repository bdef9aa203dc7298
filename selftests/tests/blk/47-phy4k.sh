# SPDX-License-Identifier: GPL-2.0
# phy: disks (dom0 block devices: loop devices over files in /run) with
# 4096-byte logical sectors, and read-only.  xvdd has 4 KiB sectors:
# first played by blkhostile (the kernel's frontend kept off it), which
# checks that the backend refuses requests that are not whole logical
# sectors and serves those that are; then the guest's frontend takes it:
# the queue's logical block size, the exact size, data at both ends
# found by dom0 at the same byte offsets.  xvde is a read-only phy:
# disk: reads see dom0's pattern, no write reaches the device.  After the
# detach both loop devices are free.
. /xenpv/tests/blk/lib.sh
blk_want 47 || return 0

XVDD=51760
XVDE=51776
img4k=/run/xenpv/blk-4k.img
imgro=/run/xenpv/blk-phyro.img
LAST=4095		# the last 4 KiB block of 16 MiB
id=$(guest_domid blk)
be_initwait() { [ "$(backend_state "$id" vbd $XVDD)" = 2 ]; }

rm -f "$img4k" "$imgro"
truncate -s 16M "$img4k"
loop4k=$(losetup -f --show -b 4096 "$img4k")
is "dom0's loop device has 4096-byte sectors" \
	"$(cat "/sys/block/${loop4k#/dev/}/queue/logical_block_size")" 4096
blk_hold_probe blk
check "block-attach xvdd: phy: $loop4k" \
	$XL block-attach blk "format=raw, vdev=xvdd, access=rw, target=$loop4k"
check "the backend waits in InitWait, no driver bound in the guest" \
	wait_for 30 be_initwait
out=$(GEXEC_TIMEOUT=120 gexec blk "test ! -e /sys/bus/xen/devices/vbd-$XVDD/driver &&
	blkhostile $XVDD align"); rc=$?
echo "$out" | sed 's/^/# /'
is "blkhostile align: every check passed" "$rc" 0
blk_release_probe blk $XVDD
if ! wait_for 30 gexec blk 'test -b /dev/xvdd'; then
	blk_release_probe blk
	not_ok "the guest's frontend takes xvdd"
is "the backend offers sector-size 4096" "$(be_node blk $XVDD sector-size)" 4096
	blk_diag blk
	$XL block-detach blk xvdd
	losetup -d "$loop4k"
	rm -f "$img4k"
	return
fi
ok "the guest's frontend takes xvdd"
is "the backend offers sector-size 4096" "$(be_node blk $XVDD sector-size)" 4096
is "xvdd's logical block size is 4096" \
	"$(gexec blk 'cat /sys/block/xvdd/queue/logical_block_size')" 4096
is "xvdd has exactly 16 MiB (/sys/block/xvdd/size, 512-byte units)" \
	"$(gexec blk 'cat /sys/block/xvdd/size')" 32768
is "written at both ends of xvdd" \
	"$(gexec blk "$BV write /dev/xvdd 471 0 256 && $BV write /dev/xvdd 472 $((LAST - 255)) 256" | tr '\n' ' ')" \
	"wrote 256 wrote 256"
is "read back in the guest" \
	"$(gexec blk "$BV verify /dev/xvdd 471 0 256 && $BV verify /dev/xvdd 472 $((LAST - 255)) 256" | tr '\n' ' ')" \
	"bad 0 of 256 bad 0 of 256"
check "dom0 finds both at the same byte offsets of the file" \
	sh -c "$BV verify $img4k 471 0 256 && $BV verify $img4k 472 $((LAST - 255)) 256"

# read-only phy:
truncate -s 8M "$imgro"
$BV write "$imgro" 473 >/dev/null
sum0=$(sha256sum <"$imgro" | cut -d' ' -f1)
looprd=$(losetup -f --show -r "$imgro")
check "block-attach xvde read-only: phy: $looprd" \
	$XL block-attach blk "format=raw, vdev=xvde, access=ro, target=$looprd"
check "xvde appears in the guest" wait_for 30 gexec blk 'test -b /dev/xvde'
is "backend reports VDISK_READONLY" "$(( $(be_node blk $XVDE info) & 4 ))" 4
is "/sys/block/xvde/ro is 1" "$(gexec blk 'cat /sys/block/xvde/ro')" 1
is "reads of xvde return dom0's pattern" \
	"$(gexec blk "$BV verify /dev/xvde 473")" "bad 0 of 2048"
check "an O_DIRECT write to xvde is refused" \
	gexec blk '! dd if=/dev/zero of=/dev/xvde bs=4k count=1 oflag=direct 2>/dev/null'
is "the read-only device is unchanged" "$(sha256sum <"$imgro" | cut -d' ' -f1)" "$sum0"

check "guest kernel log has no oops or warning" guest_clean blk
check "block-detach xvdd" timeout 60 $XL block-detach blk xvdd
check "block-detach xvde" timeout 60 $XL block-detach blk xvde
check "xvdd and xvde are gone from the guest" \
	wait_for 30 gexec blk '! test -e /dev/xvdd && ! test -e /dev/xvde'
check "no backend left for xvdd or xvde" \
	wait_for 30 sh -c "! test -e /sys/bus/xen-backend/devices/vbd-$id-$XVDD &&
		! test -e /sys/bus/xen-backend/devices/vbd-$id-$XVDE"
# losetup -d on a device still open only marks it to clear on last close
losetup -d "$loop4k"
losetup -d "$looprd"
check "both loop devices are cleared at once (nothing holds them)" \
	wait_for 5 sh -c "! test -e /sys/block/${loop4k#/dev/}/loop/backing_file &&
		! test -e /sys/block/${looprd#/dev/}/loop/backing_file"
check "dom0 still finds xvdd's last blocks in the file" \
	$BV verify "$img4k" 472 $((LAST - 255)) 256
rm -f "$img4k" "$imgro"
