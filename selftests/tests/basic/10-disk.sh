# SPDX-License-Identifier: GPL-2.0
# A guest's disk: size, 32 MiB round trip, data on the backing file after
# the guest powers off.

img=/run/xenpv/basic.img
rm -f "$img"
dd if=/dev/zero of="$img" bs=1M count=96 2>/dev/null
if ! guest_create basic disk="'format=raw, vdev=xvda, access=rw, target=$img'"; then
	not_ok "guest boots with a disk and a vif"
	return
fi
ok "guest boots with a disk and a vif"
is "disk appears with the configured size (96 MiB)" \
	"$(gexec basic 'cat /sys/block/xvda/size')" $((96 * 2048))
is "disk is driven by the chosen frontend ($XENPV_BLKFRONT)" \
	"$(gexec basic 'basename $(readlink /sys/block/xvda/device/driver)')" \
	"$([ "$XENPV_BLKFRONT" = xenpv ] && echo xenpv_blkfront || echo vbd)"

# 32 MiB of random data at an offset of 16 MiB, read back bypassing the
# guest page cache.
want=$(gexec basic 'dd if=/dev/urandom of=/run/data bs=1M count=32 2>/dev/null &&
	sha256sum </run/data | cut -d" " -f1')
gexec basic 'dd if=/run/data of=/dev/xvda bs=1M seek=16 oflag=direct 2>/dev/null && sync'
got=$(gexec basic 'dd if=/dev/xvda bs=1M skip=16 count=32 iflag=direct 2>/dev/null |
	sha256sum | cut -d" " -f1')
is "32 MiB written and read back with the same sha256" "$got" "$want"

# in the background: a guest that powers off never answers gexec
gexec basic '(sleep 1; poweroff -f) >/dev/null 2>&1 &' >/dev/null
wait_for 30 _guest_gone basic
check "guest powered off" _guest_gone basic
got=$(dd if="$img" bs=1M skip=16 count=32 2>/dev/null | sha256sum | cut -d' ' -f1)
is "dom0 finds the guest's data in the backing file" "$got" "$want"
check "no loop device left attached to the image" \
	sh -c "! losetup -a | grep -q '$img'"
