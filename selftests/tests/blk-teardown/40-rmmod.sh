# SPDX-License-Identifier: GPL-2.0
# rmmod xenpv_blkback while a guest does I/O on its disk: refused while
# a vbd is bound (xenbus holds a module reference per bound device) and
# nothing changes; unbinding the vbd under I/O tears it down (bios waited
# for, grants unmapped), then the module unloads, and once reloaded it
# serves a new guest.
. /xenpv/tests/blk-hostile/lib.sh

if ! xenpv_backend; then
	ok "# SKIP rmmod test is for xenpv_blkback"
	return
fi
if ! start_guest bt4 vif=none; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
gexec bt4 '(while :; do dd if=/dev/urandom of=/dev/xvda bs=64k count=64 oflag=direct 2>/dev/null || break; done) >/dev/null 2>&1 &' >/dev/null
sleep 3
id=$(guest_domid bt4)
if rmmod xenpv_blkback 2>/dev/null; then
	not_ok "rmmod with a connected vbd under I/O is refused"
else
	ok "rmmod with a connected vbd under I/O is refused"
fi
check "the guest still writes" gexec bt4 \
	'dd if=/dev/zero of=/dev/xvda bs=4k count=1 seek=100 oflag=direct'
check "unbind vbd-$id-51712 under I/O" timeout 120 sh -c \
	"echo vbd-$id-51712 >/sys/bus/xen-backend/drivers/xenpv-vbd/unbind"
check "rmmod xenpv_blkback once no vbd is bound" timeout 120 rmmod xenpv_blkback
check "module reports no grant left mapped on unload" \
	sh -c 'dmesg | tail -n 50 | grep -q "xenpv_blkback: unloaded, no grant left mapped"'
guest_destroy bt4
check "guest destroyed" _guest_gone bt4
check "insmod xenpv_blkback again" insmod /xenpv/modules/xenpv_blkback.ko
rm -f /run/xenpv/bt5.img
if ! start_guest bt5 vif=none; then
	not_ok "a new guest boots with the reloaded backend"
	return
fi
ok "a new guest boots with the reloaded backend"
want=$(gexec bt5 'dd if=/dev/urandom of=/run/d bs=1M count=4 2>/dev/null; sha256sum </run/d | cut -d" " -f1')
gexec bt5 'dd if=/run/d of=/dev/xvda bs=1M oflag=direct 2>/dev/null'
got=$(gexec bt5 'dd if=/dev/xvda bs=1M count=4 iflag=direct 2>/dev/null | sha256sum | cut -d" " -f1')
is "its disk reads back what was written" "$got" "$want"
guest_destroy bt5
check "no grant left mapped" wait_for 30 sh -c \
	"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
no_dom0_splat "no kernel warning in dom0"
