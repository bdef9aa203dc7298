# SPDX-License-Identifier: GPL-2.0
# rmmod xenpv_blkfront in a guest: refused while it drives a disk;
# unbinding the disk under I/O ends what was in flight and closes the vbd
# (the backend unmaps every grant); the module then unloads with no disk,
# and loaded again it picks the same disk up with its data.  Then
# xenpv_blkback unloads and reloads with no device at all.
. /xenpv/tests/blk-hostile/lib.sh
BV=/xenpv/bin/blkverify
gexec120() { GEXEC_TIMEOUT=120 gexec "$@"; }
guest_kernel_clean() { ! gexec "$1" dmesg | grep -Eq 'BUG:|Oops|WARNING:|Call Trace'; }

if [ "$XENPV_BLKFRONT" != xenpv ]; then
	ok "# SKIP frontend rmmod test is for xenpv_blkfront"
	return
fi
if ! start_guest bt6 vif=none; then
	not_ok "guest boots"
	return
fi
ok "guest boots"
id=$(guest_domid bt6)
be=/local/domain/0/backend/vbd/$id/51712
# 8 MiB of pattern at the start, then writes beyond it until unbound
check "pattern written and flushed" gexec bt6 "$BV write /dev/xvda 56 0 2048 --fsync"
gexec bt6 '(while :; do dd if=/dev/urandom of=/dev/xvda bs=64k count=64 seek=256 oflag=direct 2>/dev/null || break; done) >/dev/null 2>&1 &' >/dev/null
sleep 2
check "rmmod while a disk is bound is refused" gexec bt6 '! rmmod xenpv_blkfront'
check "unbind vbd-51712 under I/O" gexec120 bt6 \
	'echo vbd-51712 >/sys/bus/xen/drivers/xenpv_blkfront/unbind'
check "xvda is gone in the guest" wait_for 30 gexec bt6 '! test -b /dev/xvda'
check "the backend left Connected" wait_for 30 sh -c \
	"[ \"\$(xenstore-read $be/state)\" != 4 ]"
if xenpv_backend; then
	check "no grant mapped once the frontend is gone" wait_for 30 sh -c \
		"[ \"\$(cat /sys/module/xenpv_blkback/parameters/mapped_grants)\" = 0 ]"
fi
check "rmmod xenpv_blkfront with no disk" gexec bt6 'rmmod xenpv_blkfront'
check "insmod xenpv_blkfront again" gexec bt6 'insmod /xenpv/modules/xenpv_blkfront.ko'
if ! check "the disk comes back" wait_for 90 gexec bt6 'test -b /dev/xvda'; then
	diag "backend state $(xenstore-read $be/state), frontend state $(xenstore-read /local/domain/$id/device/vbd/51712/state)"
fi
check "the data written before the unload reads back" \
	gexec120 bt6 "$BV verify /dev/xvda 56 0 2048"
check "guest kernel logged no warning" guest_kernel_clean bt6
guest_destroy bt6
check "guest destroyed" _guest_gone bt6

if xenpv_backend; then
	check "rmmod xenpv_blkback with no device" timeout 60 rmmod xenpv_blkback
	check "insmod xenpv_blkback again" insmod /xenpv/modules/xenpv_blkback.ko
fi
