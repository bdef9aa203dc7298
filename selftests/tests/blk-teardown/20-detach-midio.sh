# SPDX-License-Identifier: GPL-2.0
# block-detach of a second disk while the guest writes to it: the other
# disk keeps working, nothing of the detached one stays mapped.
. /xenpv/tests/blk-hostile/lib.sh

if ! start_guest bt2 vif=none; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bt2)
img=/run/xenpv/bt2b.img
dd if=/dev/zero of="$img" bs=1M count=32 2>/dev/null
check "block-attach xvdb" $XL block-attach bt2 "format=raw, vdev=xvdb, access=rw, target=$img"
check "xvdb appears in the guest" wait_for 30 gexec bt2 'test -b /dev/xvdb'
gexec bt2 '(while :; do dd if=/dev/urandom of=/dev/xvdb bs=64k count=128 oflag=direct 2>/dev/null || break; done) >/dev/null 2>&1 &' >/dev/null
sleep 3
timeout 60 $XL block-detach bt2 xvdb >/dev/null 2>&1
check "xvdb backend removed" wait_for 60 sh -c \
	"! xenstore-exists /local/domain/0/backend/vbd/$id/51728"
check "xvdb backend device gone" wait_for 30 sh -c \
	"! test -e /sys/bus/xen-backend/devices/vbd-$id-51728"
check "xvdb loop device released" wait_for 30 sh -c "! losetup -a | grep -q '$img'"
if xenpv_backend; then
	is "all mapped grants belong to xvda" "$(bk_mapped_total)" \
		"$(bk_stat "$id" 51712 mapped_grants)"
fi
want=$(gexec bt2 'dd if=/dev/urandom of=/run/d bs=1M count=4 2>/dev/null; sha256sum </run/d | cut -d" " -f1')
gexec bt2 'dd if=/run/d of=/dev/xvda bs=1M seek=8 oflag=direct 2>/dev/null'
got=$(gexec bt2 'dd if=/dev/xvda bs=1M skip=8 count=4 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')
is "xvda still reads back what was written" "$got" "$want"
guest_destroy bt2
check "guest destroyed" _guest_gone bt2
if xenpv_backend; then
	check "no grant left mapped by xenpv_blkback" wait_for 30 sh -c \
		"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
no_dom0_splat "no kernel warning in dom0"
